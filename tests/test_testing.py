"""Tests of source_lib.testing: comparisons and failure messages, and the gradient check.

The guard around a student's calls is tested in test_worker.py, the checks framework in
test_checks.py."""

import numpy as np
import pytest

from source_lib.testing import ExerciseFailure, assert_close, check_backward, describe, fail


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

def affine_forward(X, W):
    """Stand-in forward layer: X @ W, with its inputs as the cache."""
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


def test_fail_lays_out_the_message():
    with pytest.raises(ExerciseFailure) as info:
        fail("f is wrong.", inputs="f(x=1)", expected="2", received="3", hint="double it")
    assert str(info.value).splitlines() == ["f is wrong.", "  input:    f(x=1)", "  expected: 2",
                                            "  received: 3", "  hint:     double it"]
