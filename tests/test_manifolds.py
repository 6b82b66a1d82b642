"""Tests of source_lib.manifolds against independent oracles: scikit-learn's PCA, a
brute-force nearest-neighbour search (every pairwise distance, sorted), scikit-learn's
RidgeClassifier and the ridge normal equations with an unpenalised bias written out in
full, plus hand-derived cases and the known behaviour of TwoNN (about 2 on a swiss
roll, about d on a d-dimensional cube embedded in more dimensions)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import hadamard
from scipy.stats import ortho_group
from sklearn.datasets import make_circles, make_moons, make_swiss_roll
from sklearn.decomposition import PCA
from sklearn.linear_model import RidgeClassifier

from source_lib import manifolds as mf

H8 = hadamard(8).astype(float)   # columns 2..8: zero mean, mutually orthogonal, entries +-1


def correlated(rng, N, D, spectrum=None):
    """N points in D dimensions with a decaying variance spectrum and a non-zero mean."""
    spectrum = np.geomspace(10.0, 0.01, D) if spectrum is None else np.asarray(spectrum)
    Q = ortho_group.rvs(D, random_state=rng.integers(2**31)) if D > 1 else np.ones((1, 1))
    return (rng.standard_normal((N, D)) * np.sqrt(spectrum)) @ Q + rng.normal(size=D) * 5


# --------------------------------------------------------------------------- #
# pca_dimension
# --------------------------------------------------------------------------- #

def sklearn_pca_dimension(X, threshold):
    ratios = np.cumsum(PCA().fit(X).explained_variance_ratio_)
    return int(np.argmax(ratios >= threshold - mf.THRESHOLD_ROUNDOFF)) + 1


@pytest.mark.parametrize("seed", range(6))
def test_pca_dimension_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    N, D = rng.integers(20, 200), rng.integers(2, 30)
    X = correlated(rng, N, D)
    for threshold in [0.3, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, rng.uniform(0.05, 1.0)]:
        assert mf.pca_dimension(X, threshold) == sklearn_pca_dimension(X, threshold)


def test_pca_dimension_default_threshold_and_digits():
    from sklearn.datasets import load_digits

    X = load_digits().data
    assert mf.pca_dimension(X) == sklearn_pca_dimension(X, 0.95)
    assert isinstance(mf.pca_dimension(X), int)


def test_pca_dimension_exact_thresholds():
    # variances 9, 4, 1, 1, 1 (scales 3, 2, 1, 1, 1 on orthogonal +-1 columns), total 16:
    # cumulative ratios 9/16, 13/16, 14/16, 15/16, 1 = 0.5625, 0.8125, 0.875, 0.9375, 1
    X = H8[:, 1:6] * [3, 2, 1, 1, 1] + [4, -2, 1, 8, -6]
    for threshold, k in [(0.5625, 1), (0.5626, 2), (0.8125, 2), (0.8126, 3), (0.875, 3),
                         (0.9375, 4), (0.94, 5), (1.0, 5), (0.01, 1)]:
        assert mf.pca_dimension(X, threshold) == k, threshold


def test_pca_dimension_counts_round_off_as_reaching():
    # rank 3 in 6 dimensions: threshold 1 gives the rank, not 6
    X = np.hstack([H8[:, 1:4] * [2, 1, 1], np.zeros((8, 3))]) @ ortho_group.rvs(6, random_state=3)
    assert mf.pca_dimension(X, 1.0) == 3
    X = correlated(np.random.default_rng(1), 50, 4)
    assert mf.pca_dimension(X, 1.0) == 4


def test_pca_dimension_few_points_and_input_untouched():
    X = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])     # two points: one direction
    before = X.copy()
    assert mf.pca_dimension(X, 1.0) == 1
    np.testing.assert_array_equal(X, before)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), t1=st.floats(0.01, 1.0), t2=st.floats(0.01, 1.0),
       scale=st.floats(1e-3, 1e3), shift=st.floats(-1e3, 1e3))
def test_pca_dimension_properties(seed, t1, t2, scale, shift):
    """Monotone in the threshold, between 1 and min(N, D), and unchanged by a rotation,
    a uniform scaling or a translation of the data."""
    rng = np.random.default_rng(seed)
    X = correlated(rng, 40, 6, spectrum=[8.0, 4.0, 2.0, 1.0, 0.5, 0.25])
    lo, hi = sorted((t1, t2))
    k_lo, k_hi = mf.pca_dimension(X, lo), mf.pca_dimension(X, hi)
    assert 1 <= k_lo <= k_hi <= 6
    Q = ortho_group.rvs(6, random_state=seed % 1000)
    ratios = np.cumsum(PCA().fit(X).explained_variance_ratio_)
    if np.min(np.abs(ratios - hi)) > 1e-9:      # not within round-off of a step
        assert mf.pca_dimension(scale * X @ Q + shift, hi) == k_hi


@pytest.mark.parametrize("args, match", [
    ((np.ones(5),), "2-D"),
    ((np.ones((1, 3)),), "at least 2 rows"),
    ((np.ones((4, 3)),), "no variance"),
    ((np.eye(3), 0.0), r"\(0, 1\]"),
    ((np.eye(3), -0.5), r"\(0, 1\]"),
    ((np.eye(3), 1.01), r"\(0, 1\]"),
    ((np.eye(3), float("nan")), r"\(0, 1\]"),
    ((np.eye(3), "0.9"), "number"),
    ((np.eye(3), True), "number"),
    ((np.array([[0.0, np.nan], [1.0, 2.0]]),), "finite"),
])
def test_pca_dimension_errors(args, match):
    with pytest.raises(ValueError, match=match):
        mf.pca_dimension(*args)


# --------------------------------------------------------------------------- #
# two_nn_dimension
# --------------------------------------------------------------------------- #

def brute_force_two_nn(X):
    """Every pairwise distance from the differences, each row sorted: no tricks."""
    N = len(X)
    D = np.array([[np.sqrt(np.sum((X[i] - X[j]) ** 2)) for j in range(N)] for i in range(N)])
    r = np.array([np.sort(np.delete(D[i], i))[:2] for i in range(N)])
    return N / np.sum(np.log(r[:, 1] / r[:, 0]))


@pytest.mark.parametrize("seed", range(5))
def test_two_nn_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    N, D = rng.integers(3, 80), rng.integers(1, 12)
    X = rng.normal(size=(N, D)) * rng.uniform(0.1, 10) + rng.normal(size=D) * 100
    assert mf.two_nn_dimension(X) == pytest.approx(brute_force_two_nn(X), rel=1e-10)


def test_two_nn_hand_worked():
    # points 0, 1, 3 on a line: ratios 3/1, 2/1, 3/2, so d = 3 / log(3 * 2 * 1.5) = 3 / log 9
    X = np.array([[0.0], [1.0], [3.0]])
    assert mf.two_nn_dimension(X) == pytest.approx(3 / np.log(9), rel=1e-14)
    # the same points in the plane, moved and turned: distances, and so d, do not change
    c, s = np.cos(0.7), np.sin(0.7)
    Y = np.hstack([X, np.zeros((3, 1))]) @ np.array([[c, s], [-s, c]]) + [5.0, -2.0]
    assert mf.two_nn_dimension(Y) == pytest.approx(3 / np.log(9), rel=1e-12)


def test_two_nn_equal_neighbours_give_infinity():
    # the corners of a square: each has its two neighbours at distance 1, so every ratio is 1
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert mf.two_nn_dimension(X) == np.inf


def test_two_nn_swiss_roll_and_moons():
    X, _ = make_swiss_roll(n_samples=2000, noise=0.0, random_state=0)
    assert mf.two_nn_dimension(X) == pytest.approx(2.0, abs=0.2)
    # make_moons spaces its points evenly (every ratio r2 / r1 near 1): draw 1000 at random
    X, _ = make_moons(n_samples=40000, noise=0.0, random_state=0)
    X = X[np.random.default_rng(0).choice(len(X), size=1000, replace=False)]
    assert mf.two_nn_dimension(X) == pytest.approx(1.0, abs=0.15)


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_two_nn_uniform_cube_embedded(d):
    rng = np.random.default_rng(d)
    cube = rng.random((2000, d))
    embed = ortho_group.rvs(12, random_state=d)[:d]          # d orthonormal rows in 12-D
    X = cube @ embed + rng.normal(size=12)
    assert mf.two_nn_dimension(X) == pytest.approx(d, rel=0.15)


def test_two_nn_duplicates_and_input_untouched():
    X = np.random.default_rng(0).normal(size=(10, 3))
    before = X.copy()
    mf.two_nn_dimension(X)
    np.testing.assert_array_equal(X, before)
    X[7] = X[2]
    with pytest.raises(ValueError, match="duplicate"):
        mf.two_nn_dimension(X)


@pytest.mark.parametrize("X, match", [
    (np.zeros((2, 3)), "at least 3 rows"),
    (np.arange(5.0), "2-D"),
    (np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [2.0, 5.0]]), "duplicate"),
    (np.array([[0.0, np.inf], [1.0, 1.0], [2.0, 0.0]]), "finite"),
])
def test_two_nn_errors(X, match):
    with pytest.raises(ValueError, match=match):
        mf.two_nn_dimension(X)


# --------------------------------------------------------------------------- #
# linear_probe_accuracy
# --------------------------------------------------------------------------- #

def normal_equations_probe(H, y, l2):
    """The ridge fit written out: [H 1] [W; b] with the penalty l2 on W only."""
    classes = np.unique(y)
    Y = (y[:, None] == classes).astype(float)
    A = np.hstack([H, np.ones((len(H), 1))])
    P = l2 * np.eye(A.shape[1])
    P[-1, -1] = 0.0                                  # the bias is not penalised
    Wb = np.linalg.solve(A.T @ A + P, A.T @ Y)
    return np.mean(classes[np.argmax(A @ Wb, axis=1)] == y)


@pytest.mark.parametrize("seed", range(6))
def test_probe_matches_sklearn_and_normal_equations(seed):
    rng = np.random.default_rng(seed)
    N, K, C = rng.integers(30, 150), rng.integers(1, 12), rng.integers(2, 6)
    y = rng.integers(0, C, size=N)
    H = rng.normal(size=(N, K)) + 0.8 * rng.normal(size=(C, K))[y] + rng.normal(size=K) * 10
    for l2 in [1e-3, 0.1, 1.0, 30.0]:
        ours = mf.linear_probe_accuracy(H, y, l2)
        sk = RidgeClassifier(alpha=l2, fit_intercept=True, solver="cholesky").fit(H, y).score(H, y)
        assert ours == pytest.approx(sk, abs=1e-12)
        assert ours == pytest.approx(normal_equations_probe(H, y, l2), abs=1e-12)


def test_probe_hand_worked():
    # h = 0, 1, 2, 3 with labels 0, 1, 1, 1: centred h = (-1.5, -0.5, 0.5, 1.5), mean label
    # share of class 1 = 0.75; the class-1 weight is w = sum(h_c * y_c) / (5 + l2) = 1.5 / (5 + l2)
    # and its score 0.75 + w h_c, the class-0 score 1 minus it. Point 0 is called class 0 iff
    # its class-1 score is below 1/2: w * 1.5 > 0.25, i.e. l2 < 4. Points 1-3 are always class 1.
    H, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 1, 1, 1])
    assert mf.linear_probe_accuracy(H, y, 1.0) == 1.0
    assert mf.linear_probe_accuracy(H, y, 6.0) == 0.75
    # a shift of the features changes nothing (the bias is not penalised)
    assert mf.linear_probe_accuracy(H + 1000.0, y, 1.0) == 1.0
    assert mf.linear_probe_accuracy(H + 1000.0, y, 6.0) == 0.75


def test_probe_circles_and_labels_that_skip_a_class():
    X, y = make_circles(n_samples=400, noise=0.05, factor=0.5, random_state=0)
    assert mf.linear_probe_accuracy(X, y) < 0.7                        # not linearly separable
    lifted = np.hstack([X, (X**2).sum(axis=1, keepdims=True)])          # add the squared radius
    assert mf.linear_probe_accuracy(lifted, y) == 1.0
    rng = np.random.default_rng(3)
    y = rng.choice([0, 2, 5], size=60)
    H = rng.normal(size=(60, 4)) + np.eye(6)[y][:, [0, 2, 5, 1]] * 2
    sk = RidgeClassifier(alpha=0.5).fit(H, y).score(H, y)
    assert mf.linear_probe_accuracy(H, y, 0.5) == pytest.approx(sk, abs=1e-12)


def test_probe_l2_zero_is_least_squares_and_inputs_untouched():
    rng = np.random.default_rng(0)
    H, y = rng.normal(size=(20, 3)), rng.integers(0, 3, size=20)
    H0, y0 = H.copy(), y.copy()
    assert mf.linear_probe_accuracy(H, y, 0.0) == pytest.approx(normal_equations_probe(H, y, 0.0))
    np.testing.assert_array_equal(H, H0)
    np.testing.assert_array_equal(y, y0)
    # more features than points: the minimum-norm least-squares fit interpolates
    H = rng.normal(size=(6, 10))
    assert mf.linear_probe_accuracy(H, np.array([0, 1, 2, 0, 1, 2]), 0.0) == 1.0


@pytest.mark.parametrize("args, match", [
    ((np.ones(5), np.zeros(5, dtype=int)), "2-D"),
    ((np.ones((5, 2)), np.zeros(4, dtype=int)), "one label per row"),
    ((np.ones((5, 2)), np.zeros((5, 1), dtype=int)), "one label per row"),
    ((np.ones((3, 2)), np.array([0, -1, 1])), "non-negative integer"),
    ((np.ones((3, 2)), np.array([0.0, 1.0, 1.0])), "non-negative integer"),
    ((np.ones((3, 2)), np.array([0, 1, 1]), -1.0), "l2"),
    ((np.ones((3, 2)), np.array([0, 1, 1]), np.inf), "l2"),
    ((np.ones((3, 2)), np.array([0, 1, 1]), "big"), "l2"),
])
def test_probe_errors(args, match):
    with pytest.raises(ValueError, match=match):
        mf.linear_probe_accuracy(*args)
