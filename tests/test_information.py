"""Tests of source_lib.information against independent oracles: scipy.stats.entropy,
scipy.special (softmax, log_softmax, rel_entr, xlogy), torch's cross_entropy, and
hypothesis properties (Gibbs' inequality, H(p, q) = H(p) + KL(p || q), the shift
invariance of softmax)."""

import warnings

import numpy as np
import pytest
import scipy.special
import scipy.stats
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from source_lib import information as info


def random_distributions(rng, shape, zeros=0.0):
    """Probability vectors along the last axis; a fraction ``zeros`` of entries set to 0."""
    p = rng.random(shape)
    if zeros:
        p[rng.random(shape) < zeros] = 0.0
        p[..., 0] += 1e-3  # no all-zero row
    return p / p.sum(axis=-1, keepdims=True)


# Hypothesis strategies: a distribution with K entries, some possibly exactly 0.
weights = st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 1.0)), min_size=1, max_size=8)


def normalised(w):
    w = np.asarray(w, dtype=float)
    if w.sum() == 0:
        w[0] = 1.0
    return w / w.sum()


def pair_of_distributions():
    return st.integers(1, 8).flatmap(lambda k: st.tuples(
        st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 1.0)), min_size=k, max_size=k),
        st.lists(st.floats(1e-6, 1.0), min_size=k, max_size=k)))


logit_arrays = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                          elements=st.floats(-1e4, 1e4, allow_nan=False))


# --------------------------------------------------------------------------- #
# entropy
# --------------------------------------------------------------------------- #

@settings(max_examples=200, deadline=None)
@given(weights)
def test_entropy_matches_scipy(w):
    p = normalised(w)
    assert info.entropy(p) == pytest.approx(scipy.stats.entropy(p), rel=1e-12, abs=1e-15)


def test_entropy_of_a_batch_is_taken_over_the_last_axis():
    rng = np.random.default_rng(0)
    p = random_distributions(rng, (2, 3, 5), zeros=0.3)
    out = info.entropy(p)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out, scipy.stats.entropy(p, axis=-1), rtol=1e-12)


def test_entropy_returns_a_float_for_one_vector():
    assert isinstance(info.entropy([0.25, 0.75]), float)


def test_entropy_special_values():
    # certain outcome: 0; uniform over K: log K; 0 log 0 = 0 without a warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert info.entropy([0.0, 1.0, 0.0]) == 0.0
        assert info.entropy(np.full(7, 1 / 7)) == pytest.approx(np.log(7), rel=1e-14)
        assert info.entropy([0.5, 0.5, 0.0]) == pytest.approx(np.log(2), rel=1e-14)


@pytest.mark.parametrize("p, message", [
    ([0.5, 0.6], "sum to 1"),
    ([1.2, -0.2], "non-negative"),
    ([[0.5, 0.5], [0.3, 0.3]], "sum to 1"),
    ([0.5, np.nan], "finite"),
    (0.5, "scalar"),
])
def test_entropy_rejects_invalid_distributions(p, message):
    with pytest.raises(ValueError, match=message):
        info.entropy(p)


# --------------------------------------------------------------------------- #
# cross_entropy and kl_divergence
# --------------------------------------------------------------------------- #

@settings(max_examples=200, deadline=None)
@given(pair_of_distributions())
def test_cross_entropy_and_kl_match_scipy(pair):
    p, q = normalised(pair[0]), normalised(pair[1])
    # scipy.stats.entropy(p, q) is KL(p || q); -sum xlogy(p, q) is H(p, q)
    expected_ce = -np.sum(scipy.special.xlogy(p, q))
    assert info.cross_entropy(p, q) == pytest.approx(expected_ce, rel=1e-12, abs=1e-14)
    expected_kl = np.sum(scipy.special.rel_entr(p, q))
    assert info.kl_divergence(p, q) == pytest.approx(max(expected_kl, 0.0), rel=1e-9, abs=1e-14)
    assert info.kl_divergence(p, q) == pytest.approx(scipy.stats.entropy(p, q), rel=1e-9,
                                                     abs=1e-14)


@settings(max_examples=200, deadline=None)
@given(pair_of_distributions())
def test_gibbs_inequality_and_the_decomposition(pair):
    p, q = normalised(pair[0]), normalised(pair[1])
    kl = info.kl_divergence(p, q)
    assert kl >= 0.0
    assert info.cross_entropy(p, q) == pytest.approx(info.entropy(p) + kl, rel=1e-10, abs=1e-12)
    assert info.cross_entropy(p, q) >= info.entropy(p) - 1e-12


def test_kl_is_exactly_zero_for_equal_distributions_and_never_negative():
    rng = np.random.default_rng(1)
    p = random_distributions(rng, (50, 6), zeros=0.2)
    assert np.all(info.kl_divergence(p, p) == 0.0)
    # nearly equal pairs: the plain sum is negative by round-off for about half of them
    q = p * (1 + 1e-15 * rng.standard_normal(p.shape))
    q /= q.sum(axis=1, keepdims=True)
    plain = np.sum(scipy.special.rel_entr(p, q), axis=1)
    assert np.any(plain < 0), "the test should contain pairs with negative round-off"
    kl = info.kl_divergence(p, q)
    assert np.all(kl >= 0.0)
    np.testing.assert_allclose(kl, np.maximum(plain, 0), atol=1e-15)


def test_infinite_where_q_is_zero_and_no_warning():
    p = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]])
    q = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ce = info.cross_entropy(p, q)
        kl = info.kl_divergence(p, q)
        # p = 0 where q = 0: that term counts 0, not NaN
        finite_ce = info.cross_entropy([0.0, 1.0], [0.0, 1.0])
    assert np.all(np.isposinf(ce)) and np.all(np.isposinf(kl))
    assert finite_ce == 0.0 and not np.signbit(finite_ce)


def test_cross_entropy_is_not_symmetric():
    p, q = np.array([0.9, 0.1]), np.array([0.5, 0.5])
    # H(p, q) = -(0.9 log 0.5 + 0.1 log 0.5) = log 2; H(q, p) = -(log 0.9 + log 0.1) / 2
    assert info.cross_entropy(p, q) == pytest.approx(np.log(2), rel=1e-14)
    assert info.cross_entropy(q, p) == pytest.approx(-(np.log(0.9) + np.log(0.1)) / 2, rel=1e-14)


@pytest.mark.parametrize("func", [info.cross_entropy, info.kl_divergence])
@pytest.mark.parametrize("p, q, message", [
    ([0.5, 0.5], [0.3, 0.3, 0.4], "same shape"),
    (np.full((4, 3), 1 / 3), np.full(3, 1 / 3), "same shape"),
    ([0.5, 0.6], [0.5, 0.5], "p must sum"),
    ([0.5, 0.5], [1.5, -0.5], "q must contain"),
])
def test_cross_entropy_and_kl_reject_invalid_inputs(func, p, q, message):
    with pytest.raises(ValueError, match=message):
        func(p, q)


def test_functions_leave_their_inputs_alone():
    rng = np.random.default_rng(2)
    p, q, z = random_distributions(rng, (3, 4)), random_distributions(rng, (3, 4)), \
        rng.normal(size=(3, 4)) * 100
    copies = p.copy(), q.copy(), z.copy()
    info.entropy(p), info.cross_entropy(p, q), info.kl_divergence(p, q)
    info.softmax(z), info.log_softmax(z), info.softmax_cross_entropy(z, np.array([0, 1, 3]))
    for before, after in zip(copies, (p, q, z)):
        np.testing.assert_array_equal(before, after)


# --------------------------------------------------------------------------- #
# softmax and log_softmax
# --------------------------------------------------------------------------- #

@settings(max_examples=200, deadline=None)
@given(logit_arrays, st.data())
def test_softmax_and_log_softmax_match_scipy(z, data):
    axis = data.draw(st.integers(-z.ndim, z.ndim - 1))
    np.testing.assert_allclose(info.softmax(z, axis=axis), scipy.special.softmax(z, axis=axis),
                               rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(info.log_softmax(z, axis=axis),
                               scipy.special.log_softmax(z, axis=axis), rtol=1e-12, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.float64, (3, 4), elements=st.floats(-50, 50)),
       hnp.arrays(np.float64, (3, 1), elements=st.floats(-1e3, 1e3)))
def test_softmax_is_invariant_to_a_constant_per_row(z, c):
    np.testing.assert_allclose(info.softmax(z + c), info.softmax(z), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(info.log_softmax(z + c), info.log_softmax(z), rtol=1e-9,
                               atol=1e-9)


def test_softmax_shifts_each_row_by_its_own_maximum():
    # A shift by the global maximum (1000) underflows the whole first row to 0/0.
    z = np.array([[-1000.0, -1001.0], [1000.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = info.softmax(z)
        ls = info.log_softmax(z)
    # row 1: softmax([0, -1]) = [1, e^-1] / (1 + e^-1); row 2: [1, e^-1000] / (...)
    e = np.exp(-1.0)
    np.testing.assert_allclose(s, [[1 / (1 + e), e / (1 + e)], [1.0, 0.0]], rtol=1e-15)
    np.testing.assert_allclose(ls, [[-np.log1p(e), -1 - np.log1p(e)], [0.0, -1000.0]],
                               rtol=1e-15)


def test_log_softmax_is_finite_where_softmax_underflows():
    z = np.array([0.0, -1000.0, 1e4])
    assert info.softmax(z)[1] == 0.0
    # 1e4 dominates: log softmax = z - 1e4 up to log(1 + e^-1e4) = 0 in float64
    np.testing.assert_array_equal(info.log_softmax(z), z - 1e4)


def test_softmax_rows_sum_to_one_along_the_given_axis():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(2, 3, 4)) * 30
    for axis in (0, 1, 2, -1, -2):
        np.testing.assert_allclose(info.softmax(z, axis=axis).sum(axis=axis), 1.0, rtol=1e-14)


def test_softmax_rejects_scalars_and_non_finite_logits():
    with pytest.raises(ValueError):
        info.softmax(3.0)
    with pytest.raises(ValueError):
        info.log_softmax([1.0, np.inf])
    with pytest.raises(ValueError):  # numpy's AxisError is a ValueError
        info.softmax(np.ones((2, 3)), axis=2)


# --------------------------------------------------------------------------- #
# softmax_cross_entropy
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("scale", [1.0, 100.0, 1e4])
def test_loss_matches_torch(scale):
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(7, 5)) * scale
    y = rng.integers(0, 5, size=7)
    expected = torch.nn.functional.cross_entropy(torch.from_numpy(logits), torch.from_numpy(y))
    assert info.softmax_cross_entropy(logits, y) == pytest.approx(expected.item(), rel=1e-12)


def test_loss_of_uniform_logits_is_log_c():
    # every class has probability 1/C, so every term is log C
    assert info.softmax_cross_entropy(np.zeros((4, 10)), [0, 3, 9, 9]) == \
        pytest.approx(np.log(10), rel=1e-15)


def test_loss_is_stable_for_large_logits():
    # true class 1000 below the best: the loss is 1000 + log(1 + e^-1000) = 1000
    logits = np.array([[1000.0, 0.0], [0.0, 1000.0]])
    assert info.softmax_cross_entropy(logits, [1, 1]) == pytest.approx(500.0, rel=1e-15)


def test_loss_is_the_mean_cross_entropy_with_one_hot_targets():
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(6, 4))
    y = rng.integers(0, 4, size=6)
    one_hot = np.eye(4)[y]
    expected = np.mean(info.cross_entropy(one_hot, scipy.special.softmax(logits, axis=1)))
    assert info.softmax_cross_entropy(logits, y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("logits, y, message", [
    (np.zeros((3, 4)), [0, 1], "one label per row"),
    (np.zeros((3, 4)), [0, 1, 4], "labels in y"),
    (np.zeros((3, 4)), [0, -1, 2], "labels in y"),
    (np.zeros((3, 4)), [0.0, 1.0, 2.0], "integer"),
    (np.zeros(4), [0], "2-D"),
])
def test_loss_rejects_invalid_arguments(logits, y, message):
    with pytest.raises(ValueError, match=message):
        info.softmax_cross_entropy(logits, y)
