"""Tests of source_lib.linear_algebra against independent oracles (numpy.linalg,
scipy, scikit-learn) and the properties the lesson states."""

import time

import numpy as np
import pytest
import scipy.spatial.distance
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from source_lib import linear_algebra as la

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


def symmetric_with_spectrum(eigenvalues, seed):
    """An exactly symmetric matrix Q diag(eigenvalues) Q^T with a random orthogonal Q."""
    rng = np.random.default_rng(seed)
    n = len(eigenvalues)
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = (Q * np.asarray(eigenvalues, dtype=float)) @ Q.T
    return (A + A.T) / 2, Q


def anisotropic_data(n, d, seed, offset=3.0):
    """Samples with well-separated variances along random orthogonal directions."""
    rng = np.random.default_rng(seed)
    R, _ = np.linalg.qr(rng.normal(size=(d, d)))
    scales = np.geomspace(4.0, 0.3, d)
    return (rng.normal(size=(n, d)) * scales) @ R.T + offset * rng.normal(size=d)


# --------------------------------------------------------------------------- #
# cosine_similarity
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("n", [1, 2, 7, 500])
def test_cosine_matches_scipy(n):
    rng = np.random.default_rng(n)
    x, y = rng.normal(size=n), rng.normal(size=n)
    expected = 1.0 - scipy.spatial.distance.cosine(x, y)
    assert la.cosine_similarity(x, y) == pytest.approx(expected, rel=1e-12, abs=1e-14)


def test_cosine_returns_python_float_and_accepts_lists():
    result = la.cosine_similarity([1, 2, 3], [4, 5, 6])
    assert type(result) is float
    assert result == pytest.approx(32 / np.sqrt(14 * 77), rel=1e-14)


def test_cosine_hand_values():
    x = np.array([3.0, 4.0])
    assert la.cosine_similarity(x, 10 * x) == pytest.approx(1.0, rel=1e-15)
    assert la.cosine_similarity(x, -0.5 * x) == pytest.approx(-1.0, rel=1e-15)
    assert la.cosine_similarity(x, np.array([-4.0, 3.0])) == 0.0


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, 5, elements=finite), arrays(np.float64, 5, elements=finite),
       st.floats(min_value=1e-3, max_value=1e3))
def test_cosine_properties(x, y, scale):
    assume(np.linalg.norm(x) > 1e-6 and np.linalg.norm(y) > 1e-6)
    c = la.cosine_similarity(x, y)
    assert -1 - 1e-12 <= c <= 1 + 1e-12
    assert c == pytest.approx(la.cosine_similarity(y, x), rel=1e-12, abs=1e-12)
    assert c == pytest.approx(la.cosine_similarity(scale * x, y), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("x, y", [
    (np.ones(3), np.ones(4)),
    (np.ones(1), np.ones(4)),          # would broadcast without a length check
    (np.zeros(3), np.ones(3)),
    (np.ones(3), np.zeros(3)),
    (np.ones((2, 2)), np.ones((2, 2))),
    (np.array([1.0, np.nan]), np.ones(2)),
])
def test_cosine_errors(x, y):
    with pytest.raises(ValueError):
        la.cosine_similarity(x, y)


# --------------------------------------------------------------------------- #
# power_iteration
# --------------------------------------------------------------------------- #

SPECTRA = [
    [4.0, 3.6, 2.0, -1.0, 0.5],
    [-6.0, 5.4, 3.0, 1.0, -2.0, 0.1],
    [2.0, *np.linspace(-1.5, 1.5, 29)],
    [-3.0],
]


@pytest.mark.parametrize("spectrum", SPECTRA)
def test_power_iteration_matches_eigh(spectrum):
    A, _ = symmetric_with_spectrum(spectrum, seed=len(spectrum))
    A_before = A.copy()
    values, vectors = np.linalg.eigh(A)
    i = np.argmax(np.abs(values))
    lam, v = la.power_iteration(A, rng=np.random.default_rng(0))
    assert type(lam) is float
    assert lam == pytest.approx(values[i], rel=1e-10)
    assert np.linalg.norm(v) == pytest.approx(1.0, rel=1e-12)
    assert abs(v @ vectors[:, i]) == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(A @ v, lam * v, atol=1e-8)
    np.testing.assert_array_equal(A, A_before)


def test_power_iteration_keeps_the_sign_of_a_negative_eigenvalue():
    lam, v = la.power_iteration(np.diag([-5.0, 1.0]), rng=np.random.default_rng(1))
    assert lam == pytest.approx(-5.0, rel=1e-12)
    assert abs(v[0]) == pytest.approx(1.0, rel=1e-12)


def test_power_iteration_stops_early_for_a_negative_eigenvalue():
    # The iterate flips sign every step; a stopping rule that ignores the sign would
    # run all 10**7 iterations (a minute) instead of about 30.
    A, _ = symmetric_with_spectrum([-6.0, 2.0, 1.0], seed=3)
    start = time.perf_counter()
    lam, _ = la.power_iteration(A, num_iters=10**7, rng=np.random.default_rng(0))
    assert time.perf_counter() - start < 2.0
    assert lam == pytest.approx(-6.0, rel=1e-10)


def test_power_iteration_default_rng_and_zero_matrix():
    lam, v = la.power_iteration(np.array([[2.0, 1.0], [1.0, 2.0]]))
    assert lam == pytest.approx(3.0, rel=1e-10)
    assert abs(v @ np.array([1.0, 1.0]) / np.sqrt(2)) == pytest.approx(1.0, abs=1e-10)
    lam, v = la.power_iteration(np.zeros((3, 3)), rng=np.random.default_rng(0))
    assert lam == 0.0 and np.linalg.norm(v) == pytest.approx(1.0)


def test_power_iteration_respects_num_iters_and_tol():
    A, Q = symmetric_with_spectrum([1.0, 0.99, 0.1], seed=5)  # slow: ratio 0.99
    _, v_short = la.power_iteration(A, num_iters=3, rng=np.random.default_rng(0))
    _, v_long = la.power_iteration(A, num_iters=100_000, tol=0.0, rng=np.random.default_rng(0))
    assert abs(v_short @ Q[:, 0]) < 1 - 1e-6
    assert abs(v_long @ Q[:, 0]) == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=10**6),
       st.booleans())
def test_power_iteration_property(n, seed, negative):
    rng = np.random.default_rng(seed)
    top = -3.0 if negative else 3.0
    spectrum = [top, *rng.uniform(-2.0, 2.0, size=n - 1)]
    A, Q = symmetric_with_spectrum(spectrum, seed)
    lam, v = la.power_iteration(A, rng=rng)
    assert lam == pytest.approx(top, rel=1e-9)
    assert abs(v @ Q[:, 0]) == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("A, kwargs", [
    (np.ones((2, 3)), {}),
    (np.ones(3), {}),
    (np.array([[1.0, 2.0], [0.0, 1.0]]), {}),
    (np.eye(2), {"num_iters": 0}),
    (np.eye(2), {"num_iters": 2.5}),
    (np.eye(2), {"tol": -1.0}),
    (np.array([[np.inf, 0.0], [0.0, 1.0]]), {}),
])
def test_power_iteration_errors(A, kwargs):
    with pytest.raises(ValueError):
        la.power_iteration(A, **kwargs)


# --------------------------------------------------------------------------- #
# low_rank_approx
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("shape, k", [((6, 4), 1), ((6, 4), 3), ((4, 7), 2), ((30, 20), 5),
                                      ((1, 5), 1), ((5, 5), 5)])
def test_low_rank_approx_eckart_young(shape, k):
    rng = np.random.default_rng(sum(shape) + k)
    A = rng.normal(size=shape)
    A_before = A.copy()
    A_k = la.low_rank_approx(A, k)
    s = np.linalg.svd(A, compute_uv=False)
    assert A_k.shape == A.shape
    assert np.linalg.matrix_rank(A_k) == k
    assert np.linalg.norm(A - A_k) == pytest.approx(np.sqrt(np.sum(s[k:] ** 2)), abs=1e-12)
    np.testing.assert_allclose(np.linalg.svd(A_k, compute_uv=False)[:k], s[:k], rtol=1e-12)
    np.testing.assert_array_equal(A, A_before)


def test_low_rank_approx_matches_projection_oracle():
    # Independent oracle: project the rows onto the top-k eigenvectors of A^T A.
    rng = np.random.default_rng(7)
    A = rng.normal(size=(12, 8))
    _, V = np.linalg.eigh(A.T @ A)
    V_k = V[:, ::-1][:, :3]
    np.testing.assert_allclose(la.low_rank_approx(A, 3), A @ V_k @ V_k.T, atol=1e-12)


def test_low_rank_approx_beats_other_rank_k_matrices():
    rng = np.random.default_rng(8)
    A = rng.normal(size=(10, 6))
    best = np.linalg.norm(A - la.low_rank_approx(A, 2))
    for _ in range(20):
        B = rng.normal(size=(10, 2)) @ rng.normal(size=(2, 6))
        assert np.linalg.norm(A - B) > best


@pytest.mark.parametrize("k", [0, -1, 5, 2.0, True])
def test_low_rank_approx_errors(k):
    with pytest.raises(ValueError):
        la.low_rank_approx(np.ones((4, 6)), k)
    with pytest.raises(ValueError):
        la.low_rank_approx(np.ones(4), 1)


# --------------------------------------------------------------------------- #
# pca
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("n, d, k", [(200, 5, 2), (200, 5, 5), (50, 12, 4), (8, 20, 5)])
def test_pca_matches_scikit_learn(n, d, k):
    from sklearn.decomposition import PCA

    X = anisotropic_data(n, d, seed=n + d)
    X_before = X.copy()
    components, ratio = la.pca(X, k)
    oracle = PCA(n_components=k, svd_solver="full").fit(X)
    assert components.shape == (k, d) and ratio.shape == (k,)
    signs = np.sign(np.sum(components * oracle.components_, axis=1))
    np.testing.assert_allclose(components * signs[:, None], oracle.components_, atol=1e-10)
    np.testing.assert_allclose(ratio, oracle.explained_variance_ratio_, rtol=1e-10)
    np.testing.assert_allclose(components @ components.T, np.eye(k), atol=1e-12)
    np.testing.assert_array_equal(X, X_before)


def test_pca_hand_example():
    # Spread 2 along the first axis and 1 along the second, shifted by (5, 5):
    # variances 8/3 and 2/3, so the ratios are 0.8 and 0.2.
    X = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 1.0], [0.0, -1.0]]) + 5.0
    components, ratio = la.pca(X, 2)
    np.testing.assert_allclose(np.abs(components), np.eye(2), atol=1e-15)
    np.testing.assert_allclose(ratio, [0.8, 0.2], rtol=1e-14)


def test_pca_signs_are_deterministic_and_ratios_sum_to_one():
    X = anisotropic_data(100, 4, seed=1)
    components, ratio = la.pca(X, 4)
    biggest = components[np.arange(4), np.argmax(np.abs(components), axis=1)]
    assert np.all(biggest > 0)
    assert ratio.sum() == pytest.approx(1.0, rel=1e-12)
    assert np.all(np.diff(ratio) <= 0)


@pytest.mark.parametrize("X, k", [
    (np.ones((10, 3)) + np.arange(3), 1),       # all rows equal
    (np.ones((1, 3)), 1),                        # one sample
    (np.arange(30.0).reshape(10, 3), 0),
    (np.arange(30.0).reshape(10, 3), 4),         # k > D
    (np.arange(60.0).reshape(3, 20), 4),         # k > N
    (np.arange(30.0).reshape(10, 3), 1.5),
    (np.arange(30.0), 1),                        # 1-D
])
def test_pca_errors(X, k):
    with pytest.raises(ValueError):
        la.pca(X, k)
