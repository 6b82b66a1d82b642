"""Comparing values and writing failure messages: the helpers of the course's checks.

The checks of every lesson (:mod:`source_lib.checks`) compare what a student's
function returned with the reference or a hand-derived value, and fail with a message
in one layout: what was expected, what came back, for which input, and the most likely
cause. :func:`assert_close` compares, :func:`fail` writes a failure, :func:`describe`
shows a value in a message; :func:`check_backward` is the gradient check the library's
tests use.

Every failure is an :class:`ExerciseFailure`, an :class:`AssertionError`.
"""

from __future__ import annotations

import copy
import inspect

import numpy as np

from source_lib.grading.worker import Remote

__all__ = [
    "ExerciseFailure",
    "ShortcutError",
    "TimeLimitError",
    "assert_close",
    "check_backward",
    "describe",
    "fail",
]


class ExerciseFailure(AssertionError):
    """A student's function gave a wrong answer; the message explains how."""

    def _render_traceback_(self):
        """What IPython shows: the message alone, not the frames of the course's checks."""
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


class ShortcutError(ExerciseFailure):
    """A student's function called a routine that the exercise asks to write."""


class TimeLimitError(ExerciseFailure):
    """A student's function did not return within its time limit."""


# --------------------------------------------------------------------------- #
# Describing values in messages
# --------------------------------------------------------------------------- #

def describe(value, max_elements=12):
    """Return a short, readable description of ``value`` for a failure message.

    Small arrays are printed in full; larger ones by shape, dtype and range.
    """
    if isinstance(value, np.ndarray):
        if value.size <= max_elements:
            text = np.array2string(value, precision=6, separator=", ",
                                   suppress_small=False)
            return text.replace("\n", " ")
        finite = value[np.isfinite(value)] if value.dtype.kind in "fc" else value
        spread = ""
        if finite.size and value.dtype.kind in "biuf":
            spread = f", values in [{finite.min():.4g}, {finite.max():.4g}]"
        return f"array of shape {value.shape}, dtype {value.dtype}{spread}"
    if isinstance(value, (float, np.floating)):
        value = float(value)   # a whole float shows as one (2.0, not the integer 2)
        return repr(value) if value.is_integer() and abs(value) < 1e16 else f"{value:.10g}"
    if isinstance(value, dict):
        inner = ", ".join(f"{k!r}: {describe(v, max_elements)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(describe(v, max_elements) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    if isinstance(value, np.random.Generator):
        return "a numpy random Generator"
    if isinstance(value, Remote):   # an object of the student's code (an instance, a model)
        return repr(value)
    if callable(value):
        return getattr(value, "__name__", "a function")
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _describe_call(name, signature_of, args, kwargs):
    """Describe ``name(args, kwargs)`` with the parameter names of ``signature_of``
    (a callable or an :class:`inspect.Signature`)."""
    try:
        sig = signature_of if isinstance(signature_of, inspect.Signature) \
            else inspect.signature(signature_of)
        bound = sig.bind(*args, **kwargs)
        parts = [f"{k}={describe(v)}" for k, v in bound.arguments.items()]
    except (TypeError, ValueError):
        parts = [describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in kwargs.items()]
    return f"{name}(" + ", ".join(parts) + ")"


def fail(summary, *, inputs=None, expected=None, received=None, detail=None, hint=None,
         error=ExerciseFailure):
    """Raise ``error`` (an :class:`ExerciseFailure`) with a message in the course's layout:
    the summary, then the input, expected and received values, a detail and the hint."""
    __tracebackhide__ = True
    lines = [summary]
    if inputs is not None:
        lines.append(f"  input:    {inputs}")
    if expected is not None:
        lines.append(f"  expected: {expected}")
    if received is not None:
        lines.append(f"  received: {received}")
    if detail:
        lines.append(f"  {detail}")
    if hint:
        lines.append(f"  hint:     {hint}")
    raise error("\n".join(lines))


_fail = fail


# --------------------------------------------------------------------------- #
# Comparing values
# --------------------------------------------------------------------------- #

def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating, bool, np.bool_))


def assert_close(actual, expected, *, rtol=1e-7, atol=0.0, what="the result",
                 inputs=None, hint=None):
    """Assert that ``actual`` matches ``expected`` to a norm-wise tolerance.

    Arrays pass when ``||actual - expected|| <= atol + rtol * ||expected||``
    (Frobenius norm over the finite entries), their shapes agree and their
    infinite and NaN entries sit in the same places with the same values.
    Tuples, lists and dicts are compared item by item; integers, booleans and
    strings must be equal.

    Parameters
    ----------
    actual, expected : object
        The value to check and the reference value.
    rtol, atol : float
        Relative and absolute tolerance of the norm-wise comparison.
    what : str
        Name of the value in the failure message ("the eigenvalue").
    inputs : str, optional
        Description of the input that produced ``actual``.
    hint : str, optional
        The most likely cause of a mismatch, shown to the student.

    Raises
    ------
    ExerciseFailure
        If the values differ; the message states expected, received, input
        and hint.
    """
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            _fail(f"{what} should be a dict with keys {sorted(expected)}.", inputs=inputs,
                  received=f"a {type(actual).__name__}", hint=hint)
        if set(actual) != set(expected):
            _fail(f"{what} has the wrong keys.", inputs=inputs, expected=sorted(expected),
                  received=sorted(actual), hint=hint)
        for key in expected:
            assert_close(actual[key], expected[key], rtol=rtol, atol=atol,
                         what=f"{what}[{key!r}]", inputs=inputs, hint=hint)
        return
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            _fail(f"{what} should be a tuple of {len(expected)} values.", inputs=inputs,
                  received=describe(actual), hint=hint)
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_close(a, e, rtol=rtol, atol=atol, what=f"{what}[{i}]",
                         inputs=inputs, hint=hint)
        return
    if isinstance(expected, str) or isinstance(expected, (bool, np.bool_)) \
            or isinstance(expected, (int, np.integer)):
        same_kind = (isinstance(actual, str) if isinstance(expected, str)
                     else _is_number(actual) or isinstance(actual, np.ndarray))
        if not same_kind or np.ndim(actual) != 0 or actual != expected:
            _fail(f"{what} is wrong.", inputs=inputs, expected=repr(expected),
                  received=describe(actual), hint=hint)
        return
    if expected is None:
        if actual is not None:
            _fail(f"{what} should be None.", inputs=inputs, received=describe(actual), hint=hint)
        return

    expected_arr = np.asarray(expected)
    if actual is None:
        _fail(f"{what} is None: did you forget to return it?", inputs=inputs,
              expected=describe(expected), hint=hint)
    try:
        actual_arr = np.asarray(actual)
    except Exception:  # noqa: BLE001 - anything that is not array-like
        actual_arr = None
    if actual_arr is None or actual_arr.dtype.kind not in "biufc":
        _fail(f"{what} should be numeric.", inputs=inputs, expected=describe(expected),
              received=describe(actual), hint=hint)
    if actual_arr.dtype.kind == "c" and expected_arr.dtype.kind != "c":
        _fail(f"{what} should be real, not complex.", inputs=inputs, expected=describe(expected),
              received=describe(actual), hint=hint or "a fractional power of a negative number "
              "(x ** 0.5 with x < 0) gives a complex number: check the sign first.")
    if actual_arr.shape != expected_arr.shape:
        _fail(f"{what} has the wrong shape.", inputs=inputs,
              expected=f"shape {expected_arr.shape}", received=f"shape {actual_arr.shape}",
              hint=hint or "check which axis you reduced over, and whether you kept dimensions.")
    actual_arr = actual_arr.astype(np.result_type(actual_arr, float))
    expected_arr = expected_arr.astype(np.result_type(expected_arr, float))
    finite = np.isfinite(expected_arr)
    if not np.array_equal(np.isfinite(actual_arr), finite) or not np.array_equal(
            actual_arr[~finite], expected_arr[~finite], equal_nan=True):
        where = "an inf or NaN" if not np.all(np.isfinite(actual_arr)) else "only finite values"
        _fail(f"{what} has {where} where the reference differs.", inputs=inputs,
              expected=describe(expected), received=describe(actual), hint=hint
              or "look for an overflow (exp of a large number) or a log/division of zero.")
    err = np.linalg.norm(actual_arr[finite] - expected_arr[finite])
    scale = np.linalg.norm(expected_arr[finite])
    if not err <= atol + rtol * scale:
        rel = err / scale if scale > 0 else np.inf
        _fail(f"{what} is wrong.", inputs=inputs, expected=describe(expected),
              received=describe(actual),
              detail=f"relative error {rel:.3g} (norm-wise); allowed: rtol={rtol:g}, atol={atol:g}",
              hint=hint)


# --------------------------------------------------------------------------- #
# Inputs left as they were
# --------------------------------------------------------------------------- #

def _snapshot(value):
    """A deep copy of the data in ``value`` (arrays, containers), or a marker."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snapshot(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_snapshot(v) for v in value)
    if isinstance(value, np.random.Generator) or callable(value):  # state changes by design
        return _UNTRACKED
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - objects that cannot be copied are not tracked
        return _UNTRACKED


_UNTRACKED = object()


def _unchanged(before, after):
    if before is _UNTRACKED:
        return True
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and before.shape == after.shape
                and before.dtype == after.dtype and np.array_equal(before, after, equal_nan=True))
    if isinstance(before, dict):
        return isinstance(after, dict) and before.keys() == after.keys() and all(
            _unchanged(before[k], after[k]) for k in before)
    if isinstance(before, (list, tuple)):
        return len(before) == len(after) and all(_unchanged(b, a) for b, a in zip(before, after))
    try:
        return bool(before == after)
    except Exception:  # noqa: BLE001
        return True


# --------------------------------------------------------------------------- #
# Gradient checks
# --------------------------------------------------------------------------- #

def check_backward(forward, backward, inputs, rng, *, h=1e-6, rtol=1e-6, atol=1e-9,
                   name=None):
    """Check a backward function against central differences of its forward.

    The scalar ``L = sum(forward(*inputs)[0] * dout)`` with a random upstream
    gradient ``dout`` is differentiated numerically with respect to every input;
    ``backward(dout, cache)`` must return those gradients, in the order of the
    forward function's arguments.

    Parameters
    ----------
    forward : callable
        ``forward(*inputs) -> (out, cache)``.
    backward : callable
        ``backward(dout, cache) -> grad`` or a tuple of one gradient per input.
    inputs : sequence of ndarray
        The forward function's arguments (all float arrays).
    rng : numpy.random.Generator
        Draws the upstream gradient.
    h, rtol, atol : float
        Step of the central differences and tolerances of the comparison.
    name : str, optional
        Name of the layer in messages.
    """
    from source_lib.calculus import numerical_gradient

    inputs = [np.array(x, dtype=float) for x in inputs]
    out, cache = forward(*inputs)
    dout = rng.standard_normal(np.shape(out))
    grads = backward(dout, cache)
    grads = tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)
    label = name or getattr(backward, "__name__", "backward")
    if len(grads) != len(inputs):
        _fail(f"{label} returned {len(grads)} gradient(s) for {len(inputs)} input(s).",
              hint="return one gradient per input of the forward function, in order.")
    for i, x in enumerate(inputs):
        def loss(xi, i=i):
            args = list(inputs)
            args[i] = xi
            return float(np.sum(forward(*args)[0] * dout))

        numeric = numerical_gradient(loss, x, h=h)
        assert_close(grads[i], numeric, rtol=rtol, atol=atol,
                     what=f"gradient {i + 1} returned by {label}",
                     inputs=f"inputs {', '.join(describe(a) for a in inputs)}; "
                            f"random upstream gradient",
                     hint="compare each factor of your chain rule with the shapes: "
                          "a transposed matrix or a missing sum over the batch are common.")
