"""Tests of source_lib.function_space against independent oracles: a torch hidden layer
for the ReLU features, scikit-learn's Ridge and the augmented normal equations for the
ridge fit, a torch network of tent layers and the closed form 1 - |2 frac(2^(L-1) x) - 1|
for the sawtooth, and piecewise-linear functions built with a known number of pieces
(hypothesis) for the piece counter; every documented ValueError is triggered."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge

from source_lib import function_space as fs


# --------------------------------------------------------------------------- #
# relu_features
# --------------------------------------------------------------------------- #

def test_relu_features_match_a_torch_hidden_layer():
    rng = np.random.default_rng(0)
    x, b, c = rng.normal(size=13), rng.normal(size=5), rng.normal(size=5)
    layer = torch.nn.Linear(1, 5, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(b[:, None]))
        layer.bias.copy_(torch.from_numpy(c))
        expected = torch.relu(layer(torch.from_numpy(x[:, None]))).numpy()
    Phi = fs.relu_features(x, b, c)
    assert Phi.shape == (13, 5)
    np.testing.assert_allclose(Phi, expected, rtol=1e-14, atol=1e-15)


def test_relu_features_by_hand():
    # unit 0: relu(x) ; unit 1: relu(-x + 1) ; unit 2: relu(2x - 1)
    Phi = fs.relu_features([-1.0, 0.5, 2.0], [1.0, -1.0, 2.0], [0.0, 1.0, -1.0])
    np.testing.assert_array_equal(Phi, [[0.0, 2.0, 0.0], [0.5, 0.5, 0.0], [2.0, 0.0, 3.0]])


def test_relu_features_leave_inputs_alone():
    x, b, c = np.linspace(-1, 1, 5), np.array([1.0, -2.0]), np.array([0.3, 0.1])
    copies = x.copy(), b.copy(), c.copy()
    fs.relu_features(x, b, c)
    for arr, copy in zip((x, b, c), copies):
        np.testing.assert_array_equal(arr, copy)


@pytest.mark.parametrize("x, b, c", [
    (np.ones((3, 1)), np.ones(2), np.ones(2)),      # x 2-D
    (np.ones(3), np.ones((2, 1)), np.ones(2)),      # b 2-D
    (np.ones(3), np.ones(2), np.ones(3)),           # b and c of different lengths
    (np.float64(1.0), np.ones(2), np.ones(2)),      # x a scalar
])
def test_relu_features_reject_bad_shapes(x, b, c):
    with pytest.raises(ValueError):
        fs.relu_features(x, b, c)


# --------------------------------------------------------------------------- #
# fit_ridge
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("N, K, l2", [(30, 5, 0.1), (20, 40, 2.0), (50, 3, 100.0), (8, 1, 1e-3)])
def test_fit_ridge_matches_sklearn(N, K, l2):
    rng = np.random.default_rng(N * K)
    Phi = rng.normal(size=(N, K)) + rng.normal(size=K)
    y = rng.normal(size=N) + 7.0
    a, d = fs.fit_ridge(Phi, y, l2)
    model = Ridge(alpha=l2, fit_intercept=True, solver="cholesky").fit(Phi, y)
    np.testing.assert_allclose(a, model.coef_, rtol=1e-9, atol=1e-12)
    assert d == pytest.approx(model.intercept_, rel=1e-9, abs=1e-12)
    assert isinstance(d, float) and a.shape == (K,)


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 30), st.integers(1, 6), st.floats(1e-3, 1e3), st.integers(0, 2**32 - 1))
def test_fit_ridge_solves_the_augmented_normal_equations(N, K, l2, seed):
    # minimise |[Phi 1] w - y|^2 + w^T D w with D = diag(l2, ..., l2, 0): the bias is free
    rng = np.random.default_rng(seed)
    Phi, y = rng.normal(size=(N, K)) * 3 + 1, rng.normal(size=N) - 4
    A = np.column_stack([Phi, np.ones(N)])
    D = np.diag([l2] * K + [0.0])
    w = np.linalg.solve(A.T @ A + D, A.T @ y)
    a, d = fs.fit_ridge(Phi, y, l2)
    np.testing.assert_allclose(np.append(a, d), w, rtol=1e-7, atol=1e-9)


def test_fit_ridge_by_hand():
    # phi = (0, 1, 2), y = (1, 3, 5): centred phi (-1, 0, 1), centred y (-2, 0, 2),
    # a = sum(phi_c y_c) / (sum(phi_c^2) + l2) = 4 / (2 + l2), d = 3 - a * 1
    Phi, y = np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0])
    a, d = fs.fit_ridge(Phi, y, 0.0)
    assert a == pytest.approx([2.0]) and d == pytest.approx(1.0)
    a, d = fs.fit_ridge(Phi, y, 2.0)
    assert a == pytest.approx([1.0]) and d == pytest.approx(2.0)


def test_fit_ridge_bias_is_not_shrunk():
    # a huge penalty kills a, but the bias still fits the mean of y
    rng = np.random.default_rng(1)
    Phi, y = rng.normal(size=(40, 3)), rng.normal(size=40) + 100.0
    a, d = fs.fit_ridge(Phi, y, 1e12)
    assert np.max(np.abs(a)) < 1e-8
    assert d == pytest.approx(y.mean(), rel=1e-8)


def test_fit_ridge_without_penalty_is_least_squares_even_when_rank_deficient():
    rng = np.random.default_rng(2)
    Phi = rng.normal(size=(6, 10))           # more features than samples
    y = rng.normal(size=6)
    a, d = fs.fit_ridge(Phi, y, 0.0)
    np.testing.assert_allclose(Phi @ a + d, y, atol=1e-10)   # interpolates
    full = rng.normal(size=(30, 4))
    y2 = rng.normal(size=30)
    a2, d2 = fs.fit_ridge(full, y2, 0.0)
    w = np.linalg.lstsq(np.column_stack([full, np.ones(30)]), y2, rcond=None)[0]
    np.testing.assert_allclose(np.append(a2, d2), w, rtol=1e-10, atol=1e-12)


def test_fit_ridge_leaves_inputs_alone():
    rng = np.random.default_rng(3)
    Phi, y = rng.normal(size=(10, 3)), rng.normal(size=10)
    copies = Phi.copy(), y.copy()
    fs.fit_ridge(Phi, y, 0.5)
    np.testing.assert_array_equal(Phi, copies[0])
    np.testing.assert_array_equal(y, copies[1])


@pytest.mark.parametrize("Phi, y, l2", [
    (np.ones((4, 2)), np.ones(4), -1.0),            # negative penalty
    (np.ones((4, 2)), np.ones(4), np.nan),          # not a number
    (np.ones(4), np.ones(4), 1.0),                  # Phi 1-D
    (np.ones((4, 2)), np.ones(3), 1.0),             # y of the wrong length
    (np.ones((4, 2)), np.ones((4, 1)), 1.0),        # y 2-D
])
def test_fit_ridge_rejects_bad_arguments(Phi, y, l2):
    with pytest.raises(ValueError):
        fs.fit_ridge(Phi, y, l2)


# --------------------------------------------------------------------------- #
# sawtooth
# --------------------------------------------------------------------------- #

def torch_sawtooth(x, depth):
    """The same network written with torch layers: Linear(1, 2), ReLU, Linear(2, 1), ..."""
    hidden = torch.nn.Linear(1, 2, dtype=torch.float64)
    out = torch.nn.Linear(2, 1, dtype=torch.float64)
    with torch.no_grad():
        hidden.weight.copy_(torch.tensor([[1.0], [1.0]]))
        hidden.bias.copy_(torch.tensor([0.0, -0.5]))
        out.weight.copy_(torch.tensor([[2.0, -4.0]]))
        out.bias.zero_()
        h = torch.from_numpy(np.asarray(x, dtype=float).reshape(-1, 1))
        for _ in range(depth):
            h = out(torch.relu(hidden(h)))
    return h.numpy().ravel()


@pytest.mark.parametrize("depth", [0, 1, 2, 3, 6, 10])
def test_sawtooth_matches_a_torch_network_everywhere(depth):
    x = np.linspace(-1.0, 2.0, 3001)
    np.testing.assert_allclose(fs.sawtooth(x, depth), torch_sawtooth(x, depth), rtol=0,
                               atol=1e-12 * 2.0**depth)


@pytest.mark.parametrize("depth", [1, 2, 4, 8])
def test_sawtooth_is_a_triangle_wave_on_the_unit_interval(depth):
    # s_L(x) = 1 - |2 frac(2^(L-1) x) - 1| on [0, 1], the closed form of the composed tent
    x = np.random.default_rng(depth).random(2000)
    u = np.mod(2.0 ** (depth - 1) * x, 1.0)
    np.testing.assert_allclose(fs.sawtooth(x, depth), 1.0 - np.abs(2 * u - 1), atol=1e-12 * 2**depth)


@pytest.mark.parametrize("depth", range(0, 13))
def test_sawtooth_has_two_to_the_depth_pieces(depth):
    # a dyadic grid holds every kink k / 2^depth, and its arithmetic is exact
    x = np.linspace(0.0, 1.0, 2 ** (depth + 2) + 1)
    y = fs.sawtooth(x, depth)
    slopes = np.diff(y) / np.diff(x)
    assert np.all(np.abs(np.abs(slopes) - 2.0**depth) < 1e-6)   # slopes +-2^depth
    assert fs.count_linear_pieces(x, y) == 2**depth
    # count sign changes of the slope by hand: an independent count
    assert 1 + int(np.sum(slopes[1:] != slopes[:-1])) == 2**depth


def test_sawtooth_outside_the_unit_interval():
    # t(x) = 0 for x < 0 and 2 - 2x for x > 1; t of a negative number is 0
    x = np.array([-1.0, -0.25, 1.5, 2.0])
    np.testing.assert_array_equal(fs.sawtooth(x, 1), [0.0, 0.0, -1.0, -2.0])
    np.testing.assert_array_equal(fs.sawtooth(x, 3), [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(fs.sawtooth(x, 0), x)


def test_sawtooth_leaves_x_alone_and_keeps_its_shape():
    x = np.linspace(0, 1, 12).reshape(3, 4)
    before = x.copy()
    out = fs.sawtooth(x, 0)
    out[0, 0] = 5.0
    np.testing.assert_array_equal(x, before)
    assert fs.sawtooth(x, 3).shape == (3, 4)
    assert fs.sawtooth(x, np.int64(2)).shape == (3, 4)


@pytest.mark.parametrize("depth", [-1, 1.5, "2", True, None])
def test_sawtooth_rejects_a_bad_depth(depth):
    with pytest.raises(ValueError):
        fs.sawtooth(np.linspace(0, 1, 5), depth)


# --------------------------------------------------------------------------- #
# count_linear_pieces
# --------------------------------------------------------------------------- #

@st.composite
def piecewise_linear(draw):
    """A continuous piecewise-linear function with a known number of pieces, sampled on a
    sorted grid that contains its kinks (and random points between them)."""
    pieces = draw(st.integers(1, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # kinks and extra points on a grid of step 1/4096, so no interval is tiny enough for
    # round-off in y to look like a change of slope
    kinks = np.sort(rng.choice(np.arange(1, 4096), size=pieces - 1, replace=False)) / 4096
    slopes = rng.uniform(-5, 5, size=pieces)
    for i in range(1, pieces):        # consecutive slopes differ by at least 0.1
        if abs(slopes[i] - slopes[i - 1]) < 0.1:
            slopes[i] = slopes[i - 1] + 0.5
    knots = np.concatenate([[0.0], kinks, [1.0]])
    start = rng.normal()
    values = np.concatenate([[start], start + np.cumsum(slopes * np.diff(knots))])
    extra = rng.integers(1, 4096, size=draw(st.integers(0, 60))) / 4096
    x = np.unique(np.concatenate([knots, extra]))
    return x, np.interp(x, knots, values), pieces


@settings(max_examples=200, deadline=None)
@given(piecewise_linear())
def test_count_linear_pieces_finds_the_pieces_it_was_built_with(case):
    x, y, pieces = case
    assert fs.count_linear_pieces(x, y) == pieces


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 15), st.integers(0, 2**32 - 1))
def test_a_shallow_net_with_k_units_has_k_plus_one_pieces(K, seed):
    # K units with distinct kinks in (0, 1) and nonzero output weights: K + 1 pieces
    rng = np.random.default_rng(seed)
    kinks = np.sort(rng.permutation(np.arange(1, 64))[:K]) / 64
    b = rng.choice([-1.0, 1.0], size=K) * rng.uniform(0.5, 2, size=K)
    c = -b * kinks
    a = rng.choice([-1.0, 1.0], size=K) * rng.uniform(0.5, 2, size=K)
    x = np.linspace(0, 1, 257)                  # contains every kink j / 64
    y = fs.relu_features(x, b, c) @ a + 0.3
    assert fs.count_linear_pieces(x, y) == K + 1


def test_collinear_samples_are_one_piece():
    x = np.sort(np.random.default_rng(5).random(500))
    assert fs.count_linear_pieces(x, 0.1 * x + 0.3) == 1
    assert fs.count_linear_pieces([0.0, 1.0], [2.0, 5.0]) == 1


def test_tol_decides_what_is_a_kink():
    x = np.array([0.0, 1.0, 2.0])
    y = np.array([0.0, 1.0, 2.001])          # slopes 1 and 1.001
    assert fs.count_linear_pieces(x, y) == 2
    assert fs.count_linear_pieces(x, y, tol=0.01) == 1
    assert fs.count_linear_pieces(x, y, tol=0) == 2


def test_count_linear_pieces_counts_a_returning_slope_again():
    # slopes 1, -1, 1: three pieces, though only two distinct slopes
    assert fs.count_linear_pieces([0, 1, 2, 3], [0, 1, 0, 1]) == 3


@pytest.mark.parametrize("x, y, tol", [
    ([0.0, 2.0, 1.0], [0.0, 1.0, 2.0], 1e-6),       # unsorted
    ([0.0, 1.0, 1.0, 2.0], [0.0, 1.0, 1.0, 2.0], 1e-6),  # a repeated point
    ([0.0, 1.0, 2.0], [0.0, 1.0], 1e-6),            # y of another length
    (np.ones((2, 2)), np.ones((2, 2)), 1e-6),       # 2-D
    ([0.0], [1.0], 1e-6),                           # a single sample
    ([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], -1.0),       # negative tolerance
])
def test_count_linear_pieces_rejects_bad_arguments(x, y, tol):
    with pytest.raises(ValueError):
        fs.count_linear_pieces(x, y, tol)
