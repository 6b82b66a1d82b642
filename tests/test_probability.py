"""Tests of source_lib.probability against independent oracles: scipy.stats, closed
forms, torch autograd, scikit-learn's log_loss and a chi-square goodness-of-fit test."""

import numpy as np
import pytest
import scipy.stats
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import log_loss

from source_lib import probability as prob

finite = st.floats(-1e3, 1e3, allow_nan=False)
positive = st.floats(1e-3, 1e3, allow_nan=False)

# Each chi-square check below fails a correct sampler with probability 1e-6 (its
# p-value threshold); the seeds are fixed, so a run is reproducible.
P_MIN = 1e-6


# --------------------------------------------------------------------------- #
# gaussian_log_pdf
# --------------------------------------------------------------------------- #

@settings(max_examples=200, deadline=None)
@given(finite, finite, positive)
def test_log_pdf_matches_scipy(x, mu, sigma):
    expected = scipy.stats.norm.logpdf(x, loc=mu, scale=sigma)
    np.testing.assert_allclose(prob.gaussian_log_pdf(x, mu, sigma), expected,
                               rtol=1e-12, atol=1e-12)


def test_log_pdf_broadcasts():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 1))
    mu = rng.normal(size=(3,))
    sigma = rng.uniform(0.5, 2.0, size=(4, 1, 1))
    out = prob.gaussian_log_pdf(x, mu, sigma)
    assert out.shape == (4, 5, 3)
    np.testing.assert_allclose(out, scipy.stats.norm.logpdf(x, mu, sigma), rtol=1e-13)


def test_log_pdf_is_finite_far_from_the_mean():
    mu, sigma = 2.0, 0.5
    x = mu + np.array([-1000.0, 40.0, 1000.0]) * sigma
    with np.errstate(divide="ignore"):
        naive = np.log(scipy.stats.norm.pdf(x, mu, sigma))
    assert np.all(np.isneginf(naive)), "the test should use points where the pdf underflows"
    out = prob.gaussian_log_pdf(x, mu, sigma)
    # -z^2/2 - log(sigma) - log(2 pi)/2 with z = -1000, 40, 1000
    expected = -0.5 * np.array([1e6, 1600.0, 1e6]) - np.log(sigma) - 0.5 * np.log(2 * np.pi)
    np.testing.assert_allclose(out, expected, rtol=1e-14)


def test_log_pdf_integrates_to_one():
    x = np.linspace(-12, 12, 20001)
    density = np.exp(prob.gaussian_log_pdf(x, 0.3, 1.7))
    assert abs(np.trapezoid(density, x) - 1.0) < 1e-8


@pytest.mark.parametrize("sigma", [0.0, -1.0, np.array([1.0, 0.0]), np.nan, np.inf])
def test_log_pdf_rejects_bad_sigma(sigma):
    with pytest.raises(ValueError, match="sigma"):
        prob.gaussian_log_pdf(np.zeros(2), 0.0, sigma)


def test_log_pdf_rejects_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="broadcast"):
        prob.gaussian_log_pdf(np.zeros(3), np.zeros(2), 1.0)


# --------------------------------------------------------------------------- #
# gaussian_mle
# --------------------------------------------------------------------------- #

@settings(max_examples=100, deadline=None)
@given(st.lists(finite, min_size=1, max_size=50))
def test_mle_matches_closed_form(values):
    x = np.array(values)
    mu_hat, sigma_hat = prob.gaussian_mle(x)
    assert isinstance(mu_hat, float) and isinstance(sigma_hat, float)
    np.testing.assert_allclose(mu_hat, np.mean(x), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(sigma_hat, np.std(x, ddof=0), rtol=1e-9, atol=1e-9)


def test_mle_agrees_with_scipy_fit_and_maximises_the_likelihood():
    x = np.random.default_rng(1).normal(3.0, 2.0, size=500)
    mu_hat, sigma_hat = prob.gaussian_mle(x)
    loc, scale = scipy.stats.norm.fit(x)
    np.testing.assert_allclose([mu_hat, sigma_hat], [loc, scale], rtol=1e-10)
    best = scipy.stats.norm.logpdf(x, mu_hat, sigma_hat).sum()
    for dmu, dsigma in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
        assert scipy.stats.norm.logpdf(x, mu_hat + dmu, sigma_hat + dsigma).sum() < best


def test_mle_of_one_value_has_zero_sigma():
    assert prob.gaussian_mle(np.array([4.5])) == (4.5, 0.0)


@pytest.mark.parametrize("x", [np.array([]), np.ones((2, 2)), np.array([1.0, np.nan])])
def test_mle_rejects_bad_samples(x):
    with pytest.raises(ValueError, match="x"):
        prob.gaussian_mle(x)


# --------------------------------------------------------------------------- #
# gaussian_nll_grad
# --------------------------------------------------------------------------- #

def torch_nll_grad(x, mu, sigma):
    mu_t = torch.tensor(mu, dtype=torch.float64, requires_grad=True)
    sigma_t = torch.tensor(sigma, dtype=torch.float64, requires_grad=True)
    dist = torch.distributions.Normal(mu_t, sigma_t)
    loss = -dist.log_prob(torch.tensor(x, dtype=torch.float64)).mean()
    loss.backward()
    return mu_t.grad.item(), sigma_t.grad.item()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=30),
       st.floats(-100, 100), st.floats(0.05, 50))
def test_nll_grad_matches_torch_autograd(values, mu, sigma):
    x = np.array(values)
    got = prob.gaussian_nll_grad(x, mu, sigma)
    expected = torch_nll_grad(x, mu, sigma)
    scale = 1.0 + np.abs(expected)
    assert np.all(np.abs(np.array(got) - expected) <= 1e-9 * scale)


def test_nll_grad_vanishes_at_the_mle():
    x = np.random.default_rng(2).normal(-1.0, 0.3, size=200)
    d_mu, d_sigma = prob.gaussian_nll_grad(x, *prob.gaussian_mle(x))
    assert abs(d_mu) < 1e-10 and abs(d_sigma) < 1e-10


@pytest.mark.parametrize("args", [(np.array([]), 0.0, 1.0), (np.ones(3), 0.0, 0.0),
                                  (np.ones(3), 0.0, -2.0), (np.ones(3), np.nan, 1.0)])
def test_nll_grad_rejects_bad_arguments(args):
    with pytest.raises(ValueError):
        prob.gaussian_nll_grad(*args)


# --------------------------------------------------------------------------- #
# bernoulli_nll
# --------------------------------------------------------------------------- #

@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.floats(1e-6, 1 - 1e-6)), min_size=1,
                max_size=40))
def test_bernoulli_nll_matches_sklearn_log_loss(pairs):
    y = np.array([a for a, _ in pairs], dtype=float)
    p = np.array([b for _, b in pairs])
    expected = log_loss(y, p, labels=[0, 1])
    assert np.isclose(prob.bernoulli_nll(y, p), expected, rtol=1e-10, atol=1e-12)


def test_bernoulli_nll_matches_torch_binary_cross_entropy():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, size=(6, 7)).astype(float)
    p = rng.uniform(0.01, 0.99, size=(6, 7))
    expected = torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor(y)).item()
    assert np.isclose(prob.bernoulli_nll(y, p), expected, rtol=1e-12)


def test_bernoulli_nll_clips_certain_wrong_predictions():
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p = np.array([0.0, 1.0, 1.0, 0.0])
    eps = 1e-3
    # two confident mistakes cost -log(eps) each (up to rounding of 1 - (1 - eps)), two
    # confident hits cost -log(1 - eps) each
    expected = (-2 * np.log(eps) - 2 * np.log(1 - eps)) / 4
    assert np.isclose(prob.bernoulli_nll(y, p, eps=eps), expected, rtol=1e-10)
    assert np.isfinite(prob.bernoulli_nll(y, p))


def test_bernoulli_nll_accepts_integer_and_boolean_labels():
    p = np.array([0.2, 0.7, 0.9])
    expected = prob.bernoulli_nll(np.array([0.0, 1.0, 1.0]), p)
    assert prob.bernoulli_nll(np.array([0, 1, 1]), p) == expected
    assert prob.bernoulli_nll(np.array([False, True, True]), p) == expected


@pytest.mark.parametrize("y, p, eps, fragment", [
    (np.array([0.0, 2.0]), np.array([0.5, 0.5]), 1e-12, "y"),
    (np.array([0.0, 0.5]), np.array([0.5, 0.5]), 1e-12, "y"),
    (np.array([0.0, 1.0]), np.array([0.5, 1.5]), 1e-12, "p"),
    (np.array([0.0, 1.0]), np.array([-0.1, 0.5]), 1e-12, "p"),
    (np.array([0.0, 1.0]), np.array([0.5, 0.5, 0.5]), 1e-12, "shape"),
    (np.array([0.0, 1.0]), np.array([[0.5], [0.5]]), 1e-12, "shape"),
    (np.array([0.0, 1.0]), np.array([0.5, 0.5]), 0.0, "eps"),
    (np.array([0.0, 1.0]), np.array([0.5, 0.5]), 0.5, "eps"),
    (np.array([0.0, 1.0]), np.array([0.5, 0.5]), -1e-3, "eps"),
])
def test_bernoulli_nll_rejects_bad_arguments(y, p, eps, fragment):
    with pytest.raises(ValueError, match=fragment):
        prob.bernoulli_nll(y, p, eps=eps)


# --------------------------------------------------------------------------- #
# sample_categorical
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("seed, probs", [
    (0, np.array([0.1, 0.2, 0.3, 0.4])),
    (1, np.array([0.0, 0.5, 0.0, 0.25, 0.25, 0.0])),
    (2, np.full(10, 0.1)),
    (3, np.random.default_rng(9).dirichlet(np.ones(7))),
])
def test_sample_categorical_passes_a_chi_square_test(seed, probs):
    n = 20000
    draws = prob.sample_categorical(probs, n, np.random.default_rng(seed))
    assert draws.shape == (n,) and np.issubdtype(draws.dtype, np.integer)
    counts = np.bincount(draws, minlength=len(probs))
    assert len(counts) == len(probs)
    assert np.all(counts[probs == 0] == 0)
    support = probs > 0
    p_value = scipy.stats.chisquare(counts[support], n * probs[support]).pvalue
    assert p_value > P_MIN, f"chi-square p-value {p_value:.3g} (false-failure probability 1e-6)"


def test_sample_categorical_agrees_in_distribution_with_numpy_choice():
    probs = np.array([0.05, 0.15, 0.3, 0.5])
    ours = prob.sample_categorical(probs, 20000, np.random.default_rng(4))
    numpy = np.random.default_rng(5).choice(4, size=20000, p=probs)
    table = np.stack([np.bincount(ours, minlength=4), np.bincount(numpy, minlength=4)])
    assert scipy.stats.chi2_contingency(table).pvalue > P_MIN


def test_sample_categorical_shapes_and_determinism():
    probs = np.array([0.3, 0.7])
    assert prob.sample_categorical(probs, (3, 4), np.random.default_rng(0)).shape == (3, 4)
    assert prob.sample_categorical(probs, 1, np.random.default_rng(0)).shape == (1,)
    a = prob.sample_categorical(probs, 100, np.random.default_rng(7))
    b = prob.sample_categorical(probs, 100, np.random.default_rng(7))
    c = prob.sample_categorical(probs, 100, np.random.default_rng(8))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_sample_categorical_leaves_global_state_alone():
    before = np.random.get_state()
    prob.sample_categorical(np.array([0.5, 0.5]), 50, np.random.default_rng(0))
    after = np.random.get_state()
    assert np.array_equal(before[1], after[1]) and before[2] == after[2]


class EdgeGenerator(np.random.Generator):
    """A generator whose uniform draws sit exactly on the edges of [0, 1)."""

    edges = np.array([0.0, 0.25, 0.5, 0.75, np.nextafter(1.0, 0.0)])

    def random(self, size=None, dtype=np.float64, out=None):
        return np.resize(self.edges, size if size is not None else ())


def test_sample_categorical_at_the_edges_of_the_uniform_draws():
    rng = EdgeGenerator(np.random.PCG64(0))
    # c = [0, .25, .25, .75, 1, 1]: u = 0 -> 1, .25 -> 3, .5 -> 3, .75 -> 4, 1 - 2^-53 -> 4
    probs = np.array([0.0, 0.25, 0.0, 0.5, 0.25, 0.0])
    np.testing.assert_array_equal(prob.sample_categorical(probs, 5, rng), [1, 3, 3, 4, 4])
    # cumulative sums of ten 0.1s end at 1 - 2^-53, below the largest uniform draw
    assert np.cumsum(np.full(10, 0.1))[-1] < 1.0
    draws = prob.sample_categorical(np.full(10, 0.1), 5, rng)
    assert draws[0] == 0 and draws[-1] == 9 and np.all((0 <= draws) & (draws <= 9))
    one_hot = np.array([0.0, 0.0, 1.0, 0.0])
    assert np.all(prob.sample_categorical(one_hot, 5, rng) == 2)


@pytest.mark.parametrize("probs", [np.array([0.5, 0.6]), np.array([0.5, -0.1, 0.6]),
                                   np.array([]), np.array([0.5, np.nan]),
                                   np.array([[0.5, 0.5]])])
def test_sample_categorical_rejects_bad_probabilities(probs):
    with pytest.raises(ValueError, match="probs"):
        prob.sample_categorical(probs, 3, np.random.default_rng(0))
