"""Tests of source_lib.testing, the helpers that every hidden test relies on."""

import time

import numpy as np
import pytest
import scipy.special
import torch
from numpy.linalg import eigh as renamed_eigh
from scipy.special import entr as renamed_entr

from source_lib import calculus
from source_lib.testing import (Exercise, ExerciseFailure, ShortcutError, TimeLimitError,
                                _static_shortcuts, assert_close, check_backward, describe,
                                self_check)


def reference_square(x):
    """Stand-in reference: elementwise square."""
    return np.asarray(x) ** 2


def entropy_reference(p):
    """Stand-in reference: entropy in nats of a probability vector."""
    p = np.asarray(p, dtype=float)
    nonzero = p > 0
    return float(-np.sum(p[nonzero] * np.log(p[nonzero])))


# --------------------------------------------------------------------------- #
# assert_close
# --------------------------------------------------------------------------- #

def test_assert_close_accepts_values_within_the_norm_wise_tolerance():
    expected = np.array([1.0, 1e-20, -3.0])
    assert_close(expected * (1 + 1e-9), expected, rtol=1e-8)
    # a near-zero component with a large relative error is fine norm-wise
    assert_close(np.array([1.0, 2e-20, -3.0]), expected, rtol=1e-8)


def test_assert_close_message_states_expected_received_input_and_hint():
    with pytest.raises(ExerciseFailure) as info:
        assert_close(np.array([1.0, 2.5]), np.array([1.0, 2.0]), what="the result",
                     inputs="f(x=[1, 2])", hint="did you square?")
    message = str(info.value)
    for part in ("expected: [1., 2.]", "received: [1. , 2.5]", "input:    f(x=[1, 2])",
                 "hint:     did you square?", "relative error"):
        assert part in message


@pytest.mark.parametrize("actual, expected, fragment", [
    (np.ones(3), np.ones((3, 1)), "wrong shape"),
    (np.array([1.0, np.nan]), np.array([1.0, 2.0]), "inf or NaN"),
    (np.array([1.0, 2.0]), np.array([1.0, np.inf]), "only finite values"),
    (None, np.ones(2), "None"),
    ("text", 1.0, "numeric"),
    (3, 4, "wrong"),
    ("saddle", "minimum", "wrong"),
    ((1.0,), (1.0, 2.0), "tuple of 2"),
    (np.array([1.0 + 1e-12j]), np.array([1.0]), "real, not complex"),
    ((-1e-30) ** 0.5, 0.0, "real, not complex"),
    ({"W": 1.0}, {"W": 1.0, "b": 2.0}, "wrong keys"),
])
def test_assert_close_rejects(actual, expected, fragment):
    with pytest.raises(ExerciseFailure, match=fragment):
        assert_close(actual, expected)


def test_assert_close_matches_infinities_in_place():
    assert_close(np.array([np.inf, 1.0]), np.array([np.inf, 1.0]))
    with pytest.raises(ExerciseFailure):
        assert_close(np.array([-np.inf, 1.0]), np.array([np.inf, 1.0]))


def test_assert_close_compares_containers_item_by_item():
    assert_close({"W": np.ones(2), "b": 0.5}, {"W": np.ones(2), "b": 0.5})
    with pytest.raises(ExerciseFailure, match=r"\['b'\]"):
        assert_close({"W": np.ones(2), "b": 0.6}, {"W": np.ones(2), "b": 0.5})


def test_describe_keeps_small_arrays_and_summarises_large_ones():
    assert describe(np.array([1.0, 2.0])) == "[1., 2.]"
    assert "shape (100,)" in describe(np.arange(100.0))


# --------------------------------------------------------------------------- #
# Exercise: comparison, errors, inputs left unchanged
# --------------------------------------------------------------------------- #

def test_check_passes_a_correct_function_and_fails_a_wrong_one():
    Exercise(lambda x: x * x, reference_square).check(np.arange(3.0))
    with pytest.raises(ExerciseFailure, match="reference_square"):
        Exercise(lambda x: x * 2, reference_square).check(np.arange(3.0))


def test_check_names_tuple_outputs():
    def ref(x):
        return x.sum(), x.max()

    with pytest.raises(ExerciseFailure, match="maximum returned"):
        Exercise(lambda x: (x.sum(), x.min()), ref).check(
            np.arange(3.0), outputs=("total", "maximum"))


def test_modifying_an_input_in_place_fails_and_names_the_argument():
    def square_in_place(x):
        x **= 2
        return x

    with pytest.raises(ExerciseFailure, match="modified its input `x`"):
        Exercise(square_in_place, reference_square).check(np.arange(3.0))


def test_modifying_a_dict_input_fails():
    def ref(params):
        return params["W"].sum()

    def student(params):
        params["W"] -= 1
        return params["W"].sum() + params["W"].size

    with pytest.raises(ExerciseFailure, match="modified"):
        Exercise(student, ref)({"W": np.ones(2)})


def test_check_raises_accepts_the_right_error_and_rejects_others():
    def strict(x):
        if x.ndim != 1:
            raise ValueError("x must be 1-D")
        return x

    Exercise(strict, reference_square).check_raises(ValueError, np.ones((2, 2)))
    with pytest.raises(ExerciseFailure, match="accepted an invalid input"):
        Exercise(lambda x: x, reference_square).check_raises(ValueError, np.ones((2, 2)))
    with pytest.raises(ExerciseFailure, match="wrong kind of error"):
        Exercise(lambda x: 1 / 0, reference_square).check_raises(ValueError, np.ones(2))


def test_not_implemented_gets_a_friendly_message():
    def stub(x):
        raise NotImplementedError()

    with pytest.raises(ExerciseFailure, match="not implemented yet"):
        Exercise(stub, reference_square)(np.ones(2))


def test_an_undefined_function_is_reported():
    with pytest.raises(ExerciseFailure, match="not defined"):
        Exercise(None, reference_square)


# --------------------------------------------------------------------------- #
# The shortcut guard
# --------------------------------------------------------------------------- #

def uses_renamed_eigh(A):
    return renamed_eigh(A)[0][-1]


def uses_torch_softmax(z):
    return torch.softmax(torch.as_tensor(z), dim=-1).numpy()


def uses_scipy_softmax(z):
    return scipy.special.softmax(z, axis=-1)


@pytest.mark.parametrize("student, forbidden, name", [
    (uses_renamed_eigh, np.linalg.eigh, "np.linalg.eigh"),
    (uses_torch_softmax, torch.softmax, "torch.softmax"),
    (uses_scipy_softmax, scipy.special.softmax, "scipy.special.softmax"),
])
def test_guard_catches_forbidden_routines_however_imported(student, forbidden, name):
    with pytest.raises(ShortcutError, match=name.replace(".", r"\.")):
        Exercise(student, reference_square, forbidden=[forbidden])(np.eye(3))


def test_guard_catches_calls_into_the_reference_module():
    def student(f, x, h=1e-5):
        return calculus.numerical_gradient(f, x, h)

    with pytest.raises(ShortcutError, match="source_lib.calculus.numerical_gradient"):
        Exercise(student, calculus.numerical_gradient)(lambda v: v.sum(), np.ones(2))


def test_guard_allows_what_is_not_forbidden_and_uninstalls_itself():
    import sys

    before = sys.getprofile()
    Exercise(lambda A: np.linalg.norm(A), reference_square, forbidden=[np.linalg.eigh])(np.eye(2))
    assert sys.getprofile() is before


# --------------------------------------------------------------------------- #
# The time limit
# --------------------------------------------------------------------------- #

def test_an_infinite_loop_fails_within_the_time_limit():
    def forever(x):
        while True:
            x = x + 0

    start = time.perf_counter()
    with pytest.raises(TimeLimitError, match="did not return within 0.5 s"):
        Exercise(forever, reference_square, time_limit=0.5)(1.0)
    assert time.perf_counter() - start < 3


def test_the_time_limit_is_disarmed_after_a_call():
    Exercise(lambda x: x, reference_square, time_limit=0.2)(1.0)
    time.sleep(0.4)  # an alarm left armed would raise here


# --------------------------------------------------------------------------- #
# check_backward and self_check
# --------------------------------------------------------------------------- #

def affine_forward(X, W):
    return X @ W, (X, W)


def test_check_backward_accepts_true_gradients_and_rejects_transposed_ones():
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(4, 3)), rng.normal(size=(3, 3))

    def backward(dout, cache):
        X, W = cache
        return dout @ W.T, X.T @ dout

    def backward_transposed(dout, cache):
        X, W = cache
        return dout @ W.T, (X.T @ dout).T

    check_backward(affine_forward, backward, [X, W], rng)
    with pytest.raises(ExerciseFailure, match="gradient 2"):
        check_backward(affine_forward, backward_transposed, [X, W], rng)


def test_self_check_reports_each_exercise(capsys):
    def failing():
        raise AssertionError("wrong axis")

    results = self_check({"good": lambda: None, "bad": failing})
    out = capsys.readouterr().out
    assert results == {"good": True, "bad": False}
    assert "✓ good" in out and "✗ bad: AssertionError: wrong axis" in out


def test_an_exercise_without_reference_still_guards_time_and_inputs():
    def forever(x):
        while True:
            pass

    with pytest.raises(TimeLimitError, match="forever"):
        Exercise(forever, time_limit=0.3)(1.0)

    def mutate(x):
        x[0] = 5.0
        return x

    with pytest.raises(ExerciseFailure, match="modified its input `x`"):
        Exercise(mutate)(np.zeros(2))
    with pytest.raises(TypeError):
        Exercise(mutate).check(np.zeros(2))


@pytest.mark.parametrize("forbidden, name", [
    (np.random.Generator.choice, "np.random.Generator.choice"),  # Cython: no Python call
    (scipy.special.entr, "scipy.special.entr"),                   # a ufunc
    (torch.Tensor.softmax, "torch.Tensor.softmax"),               # a tensor method
])
def test_guard_finds_routines_that_make_no_python_call_in_the_code(forbidden, name):
    from scipy.special import entr as renamed_entr

    def uses_choice(p):
        return np.random.default_rng(0).choice(len(p), p=p)

    def uses_entr(p):
        return renamed_entr(p).sum()

    def uses_tensor_method(p):
        return torch.as_tensor(p).softmax(-1).numpy()

    students = {"np.random.Generator.choice": uses_choice, "scipy.special.entr": uses_entr,
                "torch.Tensor.softmax": uses_tensor_method}
    with pytest.raises(ShortcutError, match=name.replace(".", r"\.")):
        Exercise(students[name], reference_square, forbidden=[forbidden])(np.array([0.5, 0.5]))


# --------------------------------------------------------------------------- #
# The shortcut guard, part 2: routines found by reading the student's code
# --------------------------------------------------------------------------- #

FORBIDDEN = [scipy.special.entr, scipy.special.rel_entr, scipy.special.kl_div,
             scipy.special.xlogy, torch.Tensor.softmax]


def uses_global_alias(p):
    return renamed_entr(p).sum(-1)


def uses_attribute(p):
    return scipy.special.rel_entr(p, p).sum()


def uses_local_import(p):
    from scipy.special import xlogy as renamed
    return -renamed(p, p).sum()


def helper_with_ufunc(p):
    return renamed_entr(p)


def uses_helper(p):
    return helper_with_ufunc(p).sum()


def uses_tensor_method(z):
    return torch.from_numpy(z).softmax(-1).numpy()


def uses_default(p, f=scipy.special.kl_div):
    return f(p, p)


def uses_closure():
    f = scipy.special.entr

    def inner(p):
        return f(p).sum()

    return inner


def own_xlogy(p):
    def xlogy(a, b):
        return np.where(a > 0, a * np.log(np.where(a > 0, b, 1.0)), 0.0)

    return -xlogy(p, p).sum(-1)


@pytest.mark.parametrize("func, name", [
    (uses_global_alias, "scipy.special.entr"),
    (uses_attribute, "scipy.special.rel_entr"),
    (uses_local_import, "scipy.special.xlogy"),
    (uses_helper, "scipy.special.entr"),
    (uses_tensor_method, "torch.Tensor.softmax"),
    (uses_default, "scipy.special.kl_div"),
    (uses_closure(), "scipy.special.entr"),
])
def test_static_guard_finds_ufuncs_however_imported(func, name):
    assert _static_shortcuts(func, FORBIDDEN) == [name]
    ex = Exercise(func, entropy_reference, forbidden=FORBIDDEN)
    with pytest.raises(ShortcutError, match=name.replace(".", r"\.")):
        ex(np.array([0.5, 0.5]))


@pytest.mark.parametrize("func", [own_xlogy, entropy_reference, reference_square])
def test_static_guard_accepts_own_code(func):
    assert _static_shortcuts(func, FORBIDDEN) == []


def test_guarded_exercise_still_has_the_dynamic_guard():
    def uses_scipy_entropy(p):
        return scipy.stats.entropy(p)

    ex = Exercise(uses_scipy_entropy, entropy_reference,
                              forbidden=[scipy.stats.entropy] + FORBIDDEN)
    with pytest.raises(ShortcutError, match="scipy.stats.entropy"):
        ex(np.array([0.5, 0.5]))
    ex = Exercise(own_xlogy, entropy_reference, forbidden=FORBIDDEN)
    ex.check(np.array([0.25, 0.75, 0.0]), rtol=1e-12)


def test_static_guard_names_the_first_routine_of_an_attribute():
    def uses_module_alias(p):
        import scipy.special as sps
        return -sps.xlogy(p, p).sum()

    assert _static_shortcuts(uses_module_alias, [scipy.special.xlogy, torch.xlogy]) == \
        ["scipy.special.xlogy"]


def test_guarded_exercise_fails_a_call_that_prints_a_warning():
    def warns(p):
        p = np.asarray(p, dtype=float)
        return -np.sum(np.where(p > 0, p * np.log(p), 0.0))  # log(0) warns

    ex = Exercise(warns, entropy_reference)
    with pytest.raises(ExerciseFailure, match="emitted a warning: RuntimeWarning"):
        ex(np.array([0.5, 0.5, 0.0]))
    ex(np.array([0.5, 0.5]))  # no zero, no warning: passes
