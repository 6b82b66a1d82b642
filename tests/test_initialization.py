"""Tests of source_lib.initialization against independent oracles.

* The initialisers against ``torch.nn.init`` (xavier_normal_, xavier_uniform_,
  kaiming_normal_) and against their formulas, statistically. Each statistical
  assertion has a false-failure probability of at most ``ALPHA = 1e-6`` for a
  correct sampler (two-sided chi-square bound on the sample variance, normal bound
  on the sample mean, Kolmogorov-Smirnov tests, the bound of the uniform's
  maximum); this module makes fewer than 100 of them, so a correct library fails a
  run with probability below 1e-4. The seeds are fixed, so a run is reproducible.
* ``activation_stds`` against a torch forward pass, ``gradient_norms`` against
  torch autograd (``torch.nn.functional.cross_entropy``, ``torch.relu``), with
  hypothesis drawing the shapes and depths.
"""

import numpy as np
import pytest
import scipy.stats
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from source_lib import initialization as init

ALPHA = 1e-6  # false-failure probability of each statistical assertion

VARIANCES = {
    "xavier_normal": lambda fi, fo: 2.0 / (fi + fo),
    "xavier_uniform": lambda fi, fo: 2.0 / (fi + fo),
    "he_normal": lambda fi, fo: 2.0 / fi,
}


def torch_init(name, fan_in, fan_out, seed):
    """torch's initialiser of the same name, as a float64 array (fan_in, fan_out).

    torch stores a Linear weight as (out, in), so its fan_in is the number of columns;
    the transpose is our (in, out) layout.
    """
    torch.manual_seed(seed)
    w = torch.empty(fan_out, fan_in, dtype=torch.float64)
    if name == "xavier_normal":
        torch.nn.init.xavier_normal_(w)
    elif name == "xavier_uniform":
        torch.nn.init.xavier_uniform_(w)
    else:
        torch.nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu")
    return w.numpy().T.copy()


def assert_variance(samples, variance):
    """Two-sided chi-square test of E[x^2] = variance for zero-mean samples.

    For a normal sample, sum(x^2) / variance ~ chi2(n); for a uniform sample it is
    not chi-square, but its spread is smaller (x^2 has a lighter tail), so the
    bound is conservative.
    """
    x = np.ravel(samples)
    n = x.size
    stat = np.sum(x**2) / variance
    lo, hi = scipy.stats.chi2.ppf([ALPHA / 2, 1 - ALPHA / 2], df=n)
    assert lo <= stat <= hi, f"sum(x^2)/var = {stat:.1f} outside [{lo:.1f}, {hi:.1f}] (n = {n})"


def assert_zero_mean(samples, variance):
    x = np.ravel(samples)
    z = scipy.stats.norm.isf(ALPHA / 2)
    bound = z * np.sqrt(variance / x.size)
    assert abs(x.mean()) <= bound, f"mean {x.mean():.3g} beyond +-{bound:.3g}"


# --------------------------------------------------------------------------- #
# Initialisers: formulas and torch.nn.init
# --------------------------------------------------------------------------- #

SHAPES = [(300, 100), (64, 256), (500, 500)]


@pytest.mark.parametrize("name", list(VARIANCES))
@pytest.mark.parametrize("fan_in, fan_out", SHAPES)
def test_initialiser_has_the_shape_dtype_and_variance_of_its_formula(name, fan_in, fan_out):
    W = getattr(init, name)(fan_in, fan_out, np.random.default_rng(fan_in + fan_out))
    assert isinstance(W, np.ndarray) and W.shape == (fan_in, fan_out) and W.dtype == np.float64
    variance = VARIANCES[name](fan_in, fan_out)
    assert_variance(W, variance)
    assert_zero_mean(W, variance)


@pytest.mark.parametrize("name", list(VARIANCES))
@pytest.mark.parametrize("fan_in, fan_out", SHAPES)
def test_torch_nn_init_has_the_same_variance(name, fan_in, fan_out):
    # the formula we implement is the one torch implements: torch's own samples pass it
    Wt = torch_init(name, fan_in, fan_out, seed=fan_in * fan_out)
    assert_variance(Wt, VARIANCES[name](fan_in, fan_out))


@pytest.mark.parametrize("name", list(VARIANCES))
@pytest.mark.parametrize("fan_in, fan_out", SHAPES)
def test_initialiser_matches_torch_in_distribution(name, fan_in, fan_out):
    # two-sample Kolmogorov-Smirnov: ours and torch's are draws from one distribution
    ours = getattr(init, name)(fan_in, fan_out, np.random.default_rng(7 + fan_in)).ravel()
    theirs = torch_init(name, fan_in, fan_out, seed=11 + fan_out).ravel()
    assert scipy.stats.ks_2samp(ours, theirs).pvalue > ALPHA


@pytest.mark.parametrize("name", ["xavier_normal", "he_normal"])
def test_normal_initialisers_are_gaussian(name):
    fan_in, fan_out = 400, 250
    W = getattr(init, name)(fan_in, fan_out, np.random.default_rng(3))
    std = np.sqrt(VARIANCES[name](fan_in, fan_out))
    assert scipy.stats.kstest(W.ravel(), scipy.stats.norm(0.0, std).cdf).pvalue > ALPHA


@pytest.mark.parametrize("fan_in, fan_out", SHAPES)
def test_xavier_uniform_bound_is_torchs_and_is_reached(fan_in, fan_out):
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    W = init.xavier_uniform(fan_in, fan_out, np.random.default_rng(5))
    Wt = torch_init("xavier_uniform", fan_in, fan_out, seed=5)
    n = W.size
    # P(max |x| < a (1 - eps)) = (1 - eps)^n <= ALPHA for eps = -log(ALPHA) / n
    eps = -np.log(ALPHA) / n
    for sample in (W, Wt):
        assert np.abs(sample).max() <= bound
        assert np.abs(sample).max() >= bound * (1 - eps)
    assert scipy.stats.kstest(W.ravel(), scipy.stats.uniform(-bound, 2 * bound).cdf).pvalue > ALPHA


@pytest.mark.parametrize("name", list(VARIANCES))
def test_initialisers_use_only_the_given_generator(name):
    func = getattr(init, name)
    state = np.random.get_state()
    a = func(30, 20, np.random.default_rng(42))
    b = func(30, 20, np.random.default_rng(42))
    c = func(30, 20, np.random.default_rng(43))
    after = np.random.get_state()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:]
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    func(3, 4, rng)
    assert rng.bit_generator.state != before  # the draws advance the generator


@pytest.mark.parametrize("name", list(VARIANCES))
def test_initialisers_of_one_weight(name):
    W = getattr(init, name)(1, 1, np.random.default_rng(0))
    assert W.shape == (1, 1)


@pytest.mark.parametrize("name", list(VARIANCES))
@pytest.mark.parametrize("fan_in, fan_out, rng, message", [
    (0, 3, np.random.default_rng(0), "fan_in"),
    (3, -1, np.random.default_rng(0), "fan_out"),
    (2.5, 3, np.random.default_rng(0), "fan_in"),
    (True, 3, np.random.default_rng(0), "fan_in"),
    (3, 3, 0, "rng"),
    (3, 3, None, "rng"),
])
def test_initialisers_reject_bad_arguments(name, fan_in, fan_out, rng, message):
    with pytest.raises(ValueError, match=message):
        getattr(init, name)(fan_in, fan_out, rng)


def test_numpy_integer_fans_are_accepted():
    W = init.he_normal(np.int64(5), np.int32(3), np.random.default_rng(0))
    assert W.shape == (5, 3)


# --------------------------------------------------------------------------- #
# activation_stds against a torch forward pass
# --------------------------------------------------------------------------- #

TORCH_ACT = {"relu": torch.relu, "tanh": torch.tanh, "linear": lambda z: z}


def random_network(rng, widths, scale=1.0):
    return [scale * rng.normal(size=(a, b)) / np.sqrt(a) for a, b in zip(widths[:-1], widths[1:])]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=2, max_size=7), st.integers(1, 9),
       st.sampled_from(["relu", "tanh", "linear"]), st.floats(0.2, 3.0), st.integers(0, 2**31))
def test_activation_stds_match_torch(widths, n, activation, scale, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, widths[0]))
    weights = random_network(rng, widths, scale)
    h = torch.from_numpy(X)
    expected = []
    for W in weights:
        h = TORCH_ACT[activation](h @ torch.from_numpy(W))
        expected.append(torch.std(h, correction=0).item())
    out = init.activation_stds(X, weights, activation)
    assert isinstance(out, list) and all(isinstance(s, float) for s in out)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-300)


def test_activation_stds_hand_worked():
    # X = [[1, -1]], W1 = [[1, 0], [0, 1]]: h1 = relu([1, -1]) = [1, 0], std 0.5;
    # W2 = [[2], [3]]: h2 = relu(2) = 2, std of one entry 0.
    X = np.array([[1.0, -1.0]])
    out = init.activation_stds(X, [np.eye(2), np.array([[2.0], [3.0]])], "relu")
    assert out == [0.5, 0.0]
    # linear: h1 = [1, -1], std 1
    assert init.activation_stds(X, [np.eye(2)], "linear") == [1.0]


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 100.0), st.integers(0, 2**31))
def test_relu_and_linear_networks_are_positively_homogeneous(c, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(6, 5))
    weights = random_network(rng, [5, 7, 4, 3])
    for activation in ("relu", "linear"):
        np.testing.assert_allclose(init.activation_stds(c * X, weights, activation),
                                   c * np.array(init.activation_stds(X, weights, activation)),
                                   rtol=1e-10)


def test_activation_stds_leave_inputs_alone():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(4, 3))
    weights = random_network(rng, [3, 5, 2])
    X0, W0 = X.copy(), [W.copy() for W in weights]
    init.activation_stds(X, weights, "tanh")
    np.testing.assert_array_equal(X, X0)
    for W, w0 in zip(weights, W0):
        np.testing.assert_array_equal(W, w0)


@pytest.mark.parametrize("X, weights, activation, message", [
    (np.ones((2, 3)), [np.ones((3, 2))], "sigmoid", "activation"),
    (np.ones((2, 3)), [np.ones((3, 2))], "ReLU", "activation"),
    (np.ones((2, 3)), [np.ones((2, 2))], "relu", r"weights\[0\]"),
    (np.ones((2, 3)), [np.ones((3, 4)), np.ones((3, 2))], "relu", r"weights\[1\]"),
    (np.ones(3), [np.ones((3, 2))], "relu", "X"),
    (np.ones((2, 3)), [], "relu", "weights"),
    (np.ones((2, 3)), np.ones((3, 3)), "relu", "weights"),
])
def test_activation_stds_reject_bad_arguments(X, weights, activation, message):
    with pytest.raises(ValueError, match=message):
        init.activation_stds(X, weights, activation)


# --------------------------------------------------------------------------- #
# gradient_norms against torch autograd
# --------------------------------------------------------------------------- #

def torch_gradient_norms(X, y, weights):
    Ws = [torch.tensor(W, requires_grad=True) for W in weights]
    h = torch.from_numpy(X)
    for W in Ws[:-1]:
        h = torch.relu(h @ W)
    loss = torch.nn.functional.cross_entropy(h @ Ws[-1], torch.from_numpy(y))
    loss.backward()
    return [torch.linalg.norm(W.grad).item() for W in Ws], loss.item()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=2, max_size=7), st.integers(1, 9),
       st.floats(0.2, 3.0), st.integers(0, 2**31))
def test_gradient_norms_match_torch_autograd(widths, n, scale, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, widths[0]))
    y = rng.integers(0, widths[-1], size=n)
    weights = random_network(rng, widths, scale)
    expected, loss = torch_gradient_norms(X, y, weights)
    out = init.gradient_norms(X, y, weights)
    assert isinstance(out, list) and len(out) == len(weights)
    assert all(isinstance(g, float) for g in out)
    np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-15)
    assert init.mean_cross_entropy(X, y, weights) == pytest.approx(loss, rel=1e-12)


def test_gradient_norms_of_huge_logits_are_finite_and_match_torch():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(5, 4))
    y = rng.integers(0, 3, size=5)
    weights = random_network(rng, [4, 6, 6, 3], scale=40.0)  # logits of order 1e4
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = init.gradient_norms(X, y, weights)
    np.testing.assert_allclose(out, torch_gradient_norms(X, y, weights)[0], rtol=1e-9)


def test_gradient_norms_take_relu_derivative_zero_at_zero():
    # z = x1 - x2 = 0 exactly for the first hidden unit: torch's relu has derivative 0 there
    X = np.array([[1.0, 1.0], [2.0, -1.0]])
    W1 = np.array([[1.0, 0.5], [-1.0, 0.5]])
    W2 = np.array([[1.0, -1.0], [2.0, 0.5]])
    y = np.array([1, 0])
    np.testing.assert_allclose(init.gradient_norms(X, y, [W1, W2]),
                               torch_gradient_norms(X, y, [W1, W2])[0], rtol=1e-12)


def test_gradient_norms_of_a_single_layer_hand_worked():
    # one layer, W = 0: softmax is uniform over 2 classes; X = [[1, 0]], y = [0]
    # dL/dz = ([1/2, 1/2] - [1, 0]) / 1 = [-1/2, 1/2]; dW = X^T dz = [[-1/2, 1/2], [0, 0]]
    # ||dW||_F = sqrt(1/4 + 1/4) = 1/sqrt(2)
    out = init.gradient_norms(np.array([[1.0, 0.0]]), np.array([0]), [np.zeros((2, 2))])
    assert out == pytest.approx([1 / np.sqrt(2)], rel=1e-15)


@pytest.mark.parametrize("y, weights, message", [
    (np.array([0, 3]), [np.ones((3, 3))], "labels"),
    (np.array([0, -1]), [np.ones((3, 3))], "labels"),
    (np.array([0, 1, 2]), [np.ones((3, 3))], "one label per row"),
    (np.array([[0], [1]]), [np.ones((3, 3))], "one label per row"),   # right length, 2-D
    (np.array([0.0, 1.0]), [np.ones((3, 3))], "integer"),
    (np.array([0, 1]), [np.ones((3, 4)), np.ones((3, 3))], r"weights\[1\]"),
])
def test_gradient_norms_reject_bad_arguments(y, weights, message):
    with pytest.raises(ValueError, match=message):
        init.gradient_norms(np.ones((2, 3)), y, weights)


@pytest.mark.parametrize("name", ["xavier_normal", "xavier_uniform", "he_normal"])
def test_initialisers_leave_numpys_global_random_state_alone(name):
    np.random.seed(1234)
    before = np.random.get_state()
    getattr(init, name)(30, 20, np.random.default_rng(0))
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]


def test_the_checks_replays_of_known_mistakes_are_the_reference_without_a_mistake():
    """The checks name a mistake by replaying it (source_lib.checks.initialization); with no
    mistake switched on, each replay is the reference, and each mistake changes the result
    (so that no right answer is taken for a mistake): on a random network, and for the
    derivative at exactly 0, on the checks' network with a zero pre-activation."""
    from source_lib.checks import initialization as checks

    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((6, 4)), np.array([0, 1, 2, 0, 1, 2])
    weights = [rng.standard_normal((4, 5)), rng.standard_normal((5, 5)), rng.standard_normal((5, 3))]
    assert checks._norms_with(X, y, weights) == pytest.approx(init.gradient_norms(X, y, weights),
                                                             rel=1e-12)
    for activation in ("relu", "tanh", "linear"):
        assert checks._stds_with(X, weights, activation) == pytest.approx(
            init.activation_stds(X, weights, activation), rel=1e-12)
    zero = (np.array([[1.0, 1.0]]), np.array([0]), [np.array([[1.0, 1.0], [-1.0, 1.0]]), np.eye(2)])
    for kwargs, _ in checks.NORMS_MISTAKES:
        case = zero if kwargs == {"mask": "ge"} else (X, y, weights)
        assert checks._norms_with(*case, **kwargs) != pytest.approx(init.gradient_norms(*case),
                                                                    rel=1e-6), kwargs
    for kwargs, _ in checks.STDS_MISTAKES:
        assert checks._stds_with(X, weights, "tanh", **kwargs) != pytest.approx(
            init.activation_stds(X, weights, "tanh"), rel=1e-6), kwargs
