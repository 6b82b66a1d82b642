"""Helpers for the hidden tests of the course notebooks.

A test cell compares a student's function with the reference implementation in
``source_lib``.  The helpers here keep those cells short and their failure
messages uniform: every failure says what was expected, what came back, for which
input, and the most likely cause.

The main entry point is :class:`Exercise`::

    ex = Exercise(cosine_similarity, ref.cosine_similarity)
    ex.check(x, y, rtol=1e-12, hint="did you divide by both norms?")
    ex.check_raises(ValueError, np.ones(3), np.ones(4))

Every call of the student's function made through an :class:`Exercise`

* fails if it modifies one of its inputs in place,
* fails if it calls the reference library or a routine that does the exercise
  itself (the *shortcut guard*, which watches the calls actually made with
  :func:`sys.setprofile`, so renaming an import does not get around it; routines
  that make no Python call, such as NumPy ufuncs, tensor methods and Cython
  methods, are found by reading the student's code instead),
* fails if it emits a warning (nbgrader would score the cell zero for the
  stderr output without saying why),
* fails within ``time_limit`` seconds if it does not return (an infinite loop
  costs the student that test, not the grading run).

All helpers raise :class:`AssertionError` subclasses, so nbgrader scores the cell
zero, and print nothing when the student's code is correct.
"""

from __future__ import annotations

import contextlib
import copy
import dis
import inspect
import os
import signal
import sys
import threading
import types
import warnings

import numpy as np

from source_lib.worker import Remote

__all__ = [
    "Exercise",
    "ExerciseFailure",
    "ShortcutError",
    "TimeLimitError",
    "assert_close",
    "check_backward",
    "describe",
    "fail",
    "self_check",
]

DEFAULT_TIME_LIMIT = 10.0
_LIBRARY_DIR = os.path.dirname(os.path.abspath(__file__))
_TESTING_FILE = os.path.abspath(__file__)


class ExerciseFailure(AssertionError):
    """A student's function gave a wrong answer; the message explains how."""


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
        return f"{float(value):.10g}"
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
# The shortcut guard and the time limit
# --------------------------------------------------------------------------- #

def _code_of(func):
    """The code object run when ``func`` is called, or None for C functions."""
    func = inspect.unwrap(func)
    func = getattr(func, "__func__", func)
    return getattr(func, "__code__", None)


def _is_watchable(func):
    """Whether calls of ``func`` show up in sys.setprofile. NumPy ufuncs
    (``scipy.special.entr``), method descriptors (``torch.Tensor.softmax``) and
    Cython functions (``np.random.Generator.choice``) make no Python call and
    do not: the guard looks for them in the student's code instead."""
    if isinstance(func, (np.ufunc, types.MethodDescriptorType, types.WrapperDescriptorType)):
        return False
    code = _code_of(func)
    return code is None or not code.co_filename.endswith((".pyx", ".pxd"))


def _static_shortcuts(func, forbidden):
    """Names of the routines in ``forbidden`` that the code of ``func`` refers to.

    Reads the bytecode of ``func``, of the functions nested in it and of the
    functions of its own module that it calls by name, for a global, a closure
    variable or a default value that *is* one of ``forbidden`` (so an import
    under another name is found), and for an attribute access or an import of a
    name that one of them has (``sp.entr``, ``from scipy.special import
    rel_entr``, ``t.softmax(-1)``, ``rng.choice``).
    """
    by_name = {}
    for f in forbidden:
        by_name.setdefault(f.__name__, f)
    found, seen = [], set()

    def note(target):
        label = _public_name(target)
        if label not in found:
            found.append(label)

    def check_object(obj, module):
        for target in forbidden:
            if obj is target:
                note(target)
                return
        if isinstance(obj, types.FunctionType) and obj.__module__ == module:
            visit_function(obj)

    def visit_code(code, globals_, cells, module):
        if code in seen:
            return
        seen.add(code)
        for ins in dis.get_instructions(code):
            if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME") and ins.argval in globals_:
                check_object(globals_[ins.argval], module)
            elif ins.opname in ("LOAD_DEREF", "LOAD_CLASSDEREF") and ins.argval in cells:
                check_object(cells[ins.argval], module)
            elif ins.opname in ("LOAD_ATTR", "LOAD_METHOD", "IMPORT_FROM") \
                    and ins.argval in by_name:
                note(by_name[ins.argval])
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                visit_code(const, globals_, {}, module)

    def visit_function(f):
        f = getattr(inspect.unwrap(f), "__func__", inspect.unwrap(f))
        code = getattr(f, "__code__", None)
        if code is None:
            return
        module = getattr(f, "__module__", None)
        cells = {}
        for name, cell in zip(code.co_freevars, f.__closure__ or ()):
            try:
                cells[name] = cell.cell_contents
            except ValueError:  # an empty cell
                pass
        defaults = list(f.__defaults__ or ()) + list((f.__kwdefaults__ or {}).values())
        for value in defaults + list(cells.values()):
            check_object(value, module)
        visit_code(code, getattr(f, "__globals__", {}), cells, module)

    if isinstance(func, type):
        for value in vars(func).values():
            if callable(value):
                visit_function(value)
    else:
        visit_function(func)
    return found


def _c_key(func):
    return (getattr(func, "__module__", None), getattr(func, "__qualname__", None)
            or getattr(func, "__name__", None))


class _CallWatcher:
    """Record calls to forbidden functions while installed with sys.setprofile.

    ``forbidden`` holds callables (Python functions are matched by their code
    object, C functions by identity and by module and qualified name);
    ``forbidden_files`` holds source files all of whose functions are forbidden.
    """

    def __init__(self, forbidden, forbidden_files):
        self.codes, self.c_funcs, self.c_keys = {}, set(), {}
        for func in forbidden:
            name = _public_name(func)
            code = _code_of(func)
            if code is not None:
                self.codes[code] = name
            else:
                self.c_funcs.add(id(func))
                self.c_keys[_c_key(func)] = name
        self.files = {os.path.abspath(f) for f in forbidden_files}
        self.calls = []

    def __call__(self, frame, event, arg):
        if event == "call":
            code = frame.f_code
            if code in self.codes:
                self.calls.append(self.codes[code])
            elif code.co_filename in self.files:
                module = frame.f_globals.get("__name__", "source_lib")
                self.calls.append(f"{module}.{code.co_qualname}")
        elif event == "c_call":
            if id(arg) in self.c_funcs or _c_key(arg) in self.c_keys:
                self.calls.append(self.c_keys.get(_c_key(arg), _public_name(arg)))

    @contextlib.contextmanager
    def installed(self):
        previous = sys.getprofile()
        sys.setprofile(self)
        try:
            yield self
        finally:
            sys.setprofile(previous)


def _public_name(func):
    """A readable dotted name: ``np.linalg.eigh``, ``scipy.special.softmax``."""
    module = getattr(func, "__module__", None) or ""
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", repr(func))
    owner = getattr(func, "__objclass__", None)
    if owner is not None:  # a method descriptor such as torch.Tensor.softmax
        module = owner.__module__ if owner.__module__ != "torch._C" else "torch"
        name = f"{owner.__name__.replace('TensorBase', 'Tensor')}.{func.__name__}"
    elif isinstance(func, np.ufunc):
        import scipy.special
        module = "scipy.special" if getattr(scipy.special, func.__name__, None) is func \
            else "numpy"
    if name.startswith("_VariableFunctionsClass."):  # torch's C functions
        module, name = "torch", name.split(".", 1)[1]
    parts = [p for p in module.split(".") if p and not p.startswith("_")]
    if parts and parts[0] == "numpy":
        parts[0] = "np"
    return ".".join(parts + [name])


@contextlib.contextmanager
def _time_limit(seconds, name):
    """Raise TimeLimitError in the main thread if the block runs over ``seconds``."""
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        _fail(f"{name} did not return within {seconds:g} s and was stopped.",
              hint="look for a loop whose exit condition is never met (a tolerance "
                   "test that can never succeed, a counter never increased), or a Python loop "
                   "over many elements that a vectorised NumPy expression would replace.",
              error=TimeLimitError)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------- #
# Exercises
# --------------------------------------------------------------------------- #

class Exercise:
    """A student's function under test, paired with its reference.

    Parameters
    ----------
    student : callable
        The student's function (or class).
    reference : callable or None
        The reference implementation from ``source_lib``; its module is
        forbidden to the student while the student's function runs. Visible
        checks, which compare with hand-worked values, pass None (and a
        ``name``) to get the time limit and the input checks alone.
    forbidden : sequence of callables, optional
        Library routines that do the exercise itself (``np.linalg.eigh`` for
        power iteration, ``scipy.special.softmax`` for softmax).
    time_limit : float or None
        Seconds a single call may take before it fails.
    name : str, optional
        Name used in messages; defaults to the reference's name.
    """

    def __init__(self, student, reference=None, *, forbidden=(), time_limit=DEFAULT_TIME_LIMIT,
                 name=None):
        self.student = student
        self.reference = reference
        self.name = name or getattr(reference, "__name__", None) \
            or getattr(student, "__name__", "your function")
        module = sys.modules.get(getattr(reference, "__module__", None) or "", None)
        files = [module.__file__] if module is not None and getattr(module, "__file__", None) \
            and os.path.abspath(module.__file__).startswith(_LIBRARY_DIR) else []
        refs = (reference,) if reference is not None else ()
        watched = tuple(f for f in forbidden if _is_watchable(f))
        self._static = [f for f in forbidden if not _is_watchable(f)]
        self._static_found = None  # computed on the first call
        self._watcher_args = (watched + refs, files)
        self.time_limit = time_limit
        if not callable(student):
            raise ExerciseFailure(f"{self.name} is not defined as a function "
                                  f"(found {describe(student)}): run its cell first.")

    def describe_call(self, args, kwargs):
        """Text such as ``softmax(z=array([1., 2.]), axis=-1)`` for messages."""
        return _describe_call(self.name, self._signature_source, args, kwargs)

    @property
    def _signature_source(self):
        return self.reference if self.reference is not None else self.student

    def __call__(self, *args, **kwargs):
        """Call the student's function under the guard; return what it returns.

        Raises
        ------
        ShortcutError
            If it called the reference library or a forbidden routine.
        TimeLimitError
            If it did not return in time.
        ExerciseFailure
            If it modified one of its inputs, or raised NotImplementedError.
        """
        before = [_snapshot(a) for a in args]
        before_kw = {k: _snapshot(v) for k, v in kwargs.items()}
        watcher = _CallWatcher(*self._watcher_args)
        try:
            with warnings.catch_warnings(record=True) as caught, \
                    _time_limit(self.time_limit, self.name), watcher.installed():
                result = self.student(*args, **kwargs)
        except NotImplementedError:
            raise ExerciseFailure(f"{self.name} is not implemented yet: replace "
                                  "`raise NotImplementedError()` with your code.") from None
        finally:
            called = list(dict.fromkeys(watcher.calls))
        if self._static_found is None:
            self._static_found = _static_shortcuts(self.student, self._static) \
                if self._static else []
        called += [name for name in self._static_found if name not in called]
        if called:
            _fail(f"{self.name} called {', '.join(called)}, which does this exercise for you.",
                  inputs=self.describe_call(args, kwargs),
                  hint="write the computation yourself with NumPy array operations; "
                       "the point of the exercise is the algorithm.",
                  error=ShortcutError)
        if caught:
            first = caught[0]
            _fail(f"{self.name} emitted a warning: {first.category.__name__}: {first.message}",
                  inputs=self.describe_call(args, kwargs),
                  hint="a graded call must be silent, not only right: np.log(0) and 0 * inf "
                       "warn even inside np.where. Compute only the entries you need (a mask), "
                       "or wrap the computation in `with np.errstate(divide='ignore', "
                       "invalid='ignore'):`; for exp, shift the arguments by their maximum.")
        names = self._argument_names(args, kwargs)
        for i, (b, a) in enumerate(zip(before, args)):
            if not _unchanged(b, a):
                self._modified(names[i], b, a, args, kwargs)
        for k, b in before_kw.items():
            if not _unchanged(b, kwargs[k]):
                self._modified(k, b, kwargs[k], args, kwargs)
        return result

    def _argument_names(self, args, kwargs):
        try:
            bound = inspect.signature(self._signature_source).bind(*args, **kwargs)
            return list(bound.arguments)[:len(args)]
        except (TypeError, ValueError):
            return [f"argument {i + 1}" for i in range(len(args))]

    def _modified(self, name, before, after, args, kwargs):
        _fail(f"{self.name} modified its input `{name}` in place.",
              expected=f"{name} unchanged: {describe(before)}", received=describe(after),
              hint="work on a copy (x = x.copy(), or x = x - m instead of x -= m); "
                   "a caller's data must survive a call.")

    def check(self, *args, rtol=1e-7, atol=0.0, hint=None, outputs=None, **kwargs):
        """Compare the student's result with the reference's on these inputs.

        Parameters
        ----------
        *args, **kwargs
            Inputs passed to both functions (the reference gets copies).
        rtol, atol : float
            Tolerances, see :func:`assert_close`.
        hint : str, optional
            Likely cause of a mismatch, shown to the student.
        outputs : sequence of str, optional
            Names of the items of a tuple result, used in messages.
        """
        if self.reference is None:
            raise TypeError("Exercise.check needs a reference function")
        got = self(*args, **kwargs)
        expected = self.reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        inputs = self.describe_call(args, kwargs)
        if outputs is not None and isinstance(expected, tuple):
            if not isinstance(got, tuple) or len(got) != len(expected):
                _fail(f"{self.name} should return a tuple ({', '.join(outputs)}).",
                      inputs=inputs, received=describe(got), hint=hint)
            for label, g, e in zip(outputs, got, expected):
                assert_close(g, e, rtol=rtol, atol=atol, what=f"{label} returned by {self.name}",
                             inputs=inputs, hint=hint)
        else:
            assert_close(got, expected, rtol=rtol, atol=atol, what=f"the result of {self.name}",
                         inputs=inputs, hint=hint)

    def check_raises(self, exception, *args, hint=None, **kwargs):
        """Assert that the student's function raises ``exception`` for these inputs."""
        inputs = self.describe_call(args, kwargs)
        try:
            result = self(*args, **kwargs)
        except exception:
            return
        except ExerciseFailure:
            raise
        except Exception as err:  # noqa: BLE001 - any other exception is a failure
            _fail(f"{self.name} raised the wrong kind of error.", inputs=inputs,
                  expected=exception.__name__, received=f"{type(err).__name__}: {err}",
                  hint=hint or f"check the argument at the top of the function and raise "
                  f"{exception.__name__} with a message that names it.")
        _fail(f"{self.name} accepted an invalid input.", inputs=inputs,
              expected=f"{exception.__name__}", received=f"it returned {describe(result)}",
              hint=hint)


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


# --------------------------------------------------------------------------- #
# Self-check for learners without an instructor
# --------------------------------------------------------------------------- #

def self_check(checks):
    """Run a quick check of each exercise and print which pass.

    Parameters
    ----------
    checks : dict
        Maps an exercise's name to a function of no arguments that raises an
        exception when the exercise is wrong.

    Returns
    -------
    dict
        Maps each name to True (passes) or False.
    """
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as err:  # noqa: BLE001 - report every failure, carry on
            first_line = str(err).strip().splitlines()[0] if str(err).strip() else ""
            print(f"✗ {name}: {type(err).__name__}: {first_line}")
            results[name] = False
        else:
            print(f"✓ {name}")
            results[name] = True
    passed = sum(results.values())
    print(f"\n{passed} of {len(results)} exercises pass these checks."
          + (" The hidden tests check more inputs." if passed == len(results) else ""))
    return results
