"""Checks of lesson 03 (probability): Gaussian log-density, maximum likelihood, the Bernoulli NLL
and categorical sampling, compared with the reference on hand-worked, random and edge inputs."""

import contextlib

import numpy as np

from source_lib import probability as ref
from source_lib.checks import Choice, Lesson, Number, StudentError
from source_lib.testing import describe, fail

checks = Lesson("03_probability")

# log N(x; mu, sigma) at x = mu: only the normalising constant is left
_LOG_PEAK_STD = -0.5 * np.log(2 * np.pi)


# --------------------------------------------------------------------------- #
# gaussian_log_pdf
# --------------------------------------------------------------------------- #

log_pdf = checks.exercise(
    "gaussian_log_pdf", ref.gaussian_log_pdf,
    forbidden=["scipy.stats.norm.logpdf", "scipy.stats.norm.pdf",
               "torch.distributions.Normal.log_prob"])

_FORMULA = "log N = -(x - mu)^2 / (2 sigma^2) - log(sigma) - log(2 pi) / 2"
_ARRAY_SIGMA = "sigma may be an array: use np.any(sigma <= 0)"


@contextlib.contextmanager
def _array_sigma_hint():
    """Name the likely cause when the learner's function trips over an array sigma:
    `if sigma <= 0:` raises NumPy's "truth value of an array ... is ambiguous"."""
    try:
        yield
    except StudentError as err:
        message = str(err)
        if "truth value of an array" not in message:
            raise
        head = message.split("\n  hint:")[0]
        raise StudentError(f"{head}\n  hint:     {_ARRAY_SIGMA}", err.error_type) from None


@log_pdf.part("values", points=3)
def log_pdf_values(f, rng):
    with _array_sigma_hint():
        _log_pdf_values(f, rng)


def _log_pdf_values(f, rng):
    # At x = mu only the normalising constant is left: log N(mu; mu, sigma) = -log(sigma) - log(2 pi) / 2.
    f.expect(np.array([-np.log(2.0) + _LOG_PEAK_STD]), np.array([1.5]), 1.5, 2.0, rtol=1e-12,
             what="the log-density at the mean", hint=_FORMULA)
    # One standard deviation either side of the mean costs exactly 1/2 below the peak.
    f.expect(np.full(2, -0.5 + _LOG_PEAK_STD), np.array([-1.0, 1.0]), 0.0, 1.0, rtol=1e-12,
             what="the log-density one sigma from the mean", hint=_FORMULA)
    # An array of standard deviations, one per point, all at the mean: sigma = 1, e, e^2 gives
    # -log(sigma) = 0, -1, -2 on top of the peak constant. `if sigma <= 0:` fails here.
    f.expect(np.array([0.0, -1.0, -2.0]) + _LOG_PEAK_STD, np.zeros(3), 0.0,
             np.array([1.0, np.e, np.e**2]), rtol=1e-12,
             what="the log-density with an array sigma",
             hint=f"{_FORMULA}, elementwise: -log(sigma) of each point's own sigma")
    # random arrays of the same shape
    for shape in [(1,), (7,), (4, 5)]:
        f.check(rng.normal(2.0, 5.0, size=shape), rng.normal(size=shape),
                rng.uniform(0.2, 4.0, size=shape), rtol=1e-10,
                hint=_FORMULA)
    # numbers for mu and sigma, and broadcasting of (5, 1) against (3,)
    f.check(rng.normal(size=6), float(rng.normal()), float(rng.uniform(0.2, 3.0)), rtol=1e-10,
            hint=_FORMULA)
    f.check(rng.normal(size=(5, 1)), rng.normal(size=3), rng.uniform(0.5, 3.0, size=3),
            rtol=1e-10, hint="let NumPy broadcast x, mu and sigma; the result has their "
                             "broadcast shape")
    # far from the mean the density underflows to 0 and np.log(pdf) would be -inf
    mu, sigma = float(rng.normal()), float(rng.uniform(0.5, 2.0))
    f.check(mu + np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0]) * sigma, mu, sigma, rtol=1e-10,
            hint="compute the log-density from its formula: np.log of the density is -inf once "
                 "the density underflows to 0 (about 38.6 sigma from the mean)")
    # integer x, mu and sigma: the result is still the float log-density
    f.check(np.arange(-3, 4), int(rng.integers(-2, 3)), rng.integers(1, 5, size=7), rtol=1e-10,
            hint="integer inputs must work too: compute in float (an integer array to a negative "
                 "power such as sigma ** -2 is an error, and an output array made with "
                 "np.empty_like(x) of an integer x truncates every value)")


@log_pdf.part("errors", points=1)
def log_pdf_errors(f, rng):
    hint = "raise ValueError when any element of sigma is <= 0"
    f.check_raises(ValueError, np.zeros(3), 0.0, 0.0, hint=hint)
    f.check_raises(ValueError, np.zeros(3), 0.0, -1.0, hint=hint)
    # one bad standard deviation among good ones, at a random place
    for bad in (0.0, -float(rng.uniform(0.1, 2.0))):
        sigma = rng.uniform(0.5, 2.0, size=4)
        sigma[rng.integers(4)] = bad
        f.check_raises(ValueError, rng.normal(size=4), 0.0, sigma,
                       hint=f"{hint}: one bad element is enough (np.any, not np.all)")


# --------------------------------------------------------------------------- #
# sample_categorical
# --------------------------------------------------------------------------- #

sampler = checks.exercise(
    "sample_categorical", ref.sample_categorical,
    forbidden=["numpy.random.Generator.choice", "numpy.random.Generator.multinomial",
               "numpy.random.Generator.multivariate_hypergeometric",
               "numpy.random.choice", "numpy.random.multinomial",
               "numpy.random.RandomState.choice", "numpy.random.RandomState.multinomial",
               "scipy.stats.rv_discrete.rvs", "scipy.stats.rv_continuous.rvs",
               "scipy.stats.multinomial.rvs", "torch.multinomial",
               "torch.distributions.Categorical.sample"])

# A correct sampler fails each chi-square test below with this probability, whatever the seed.
P_FAIL = 1e-9
_EDGES = (0.0, 0.25, 0.5, 0.75, float(np.nextafter(1.0, 0.0)))


def _untemper(y):
    """Invert the tempering of MT19937: the key word whose output is ``y``."""
    y ^= y >> 18
    y ^= (y << 15) & 0xEFC60000
    r = y
    for _ in range(5):
        r = y ^ ((r << 7) & 0x9D2C5680)
    y = r & 0xFFFFFFFF
    r = y
    for _ in range(3):
        r = y ^ (r >> 11)
    return r & 0xFFFFFFFF


def edge_generator(values):
    """A genuine numpy Generator whose next uniform draws are exactly ``values``.

    ``Generator.random`` (and ``uniform``) with an MT19937 bit generator builds each double
    as ``(a >> 5) * 2**26 + (b >> 6)) / 2**53`` from two 32-bit outputs ``a, b``, and with the
    state's position at 0 the next outputs are the tempered key words themselves: setting
    the key to the untempered words of the wanted doubles makes the draws exactly those.
    """
    words = []
    for u in values:
        k = int(u * 2**53)          # every value here is a multiple of 2^-53
        words += [_untemper((k >> 26) << 5), _untemper((k & (2**26 - 1)) << 6)]
    key = np.zeros(624, dtype=np.uint32)
    key[:len(words)] = words
    bits = np.random.MT19937(0)
    bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": 0}}
    return np.random.Generator(bits)


def _draw(f, probs, size, rng, note=""):
    """Call the sampler; check the type, shape and range of its draws and the empty classes."""
    draws = f(probs, size, rng)
    call = f"sample_categorical(probs={describe(probs)}, size={size}, rng){note}"
    shape = (size,) if isinstance(size, int) else tuple(size)
    if not isinstance(draws, np.ndarray) or not np.issubdtype(draws.dtype, np.integer):
        fail("sample_categorical should return an integer ndarray.", inputs=call,
             received=describe(draws),
             hint="np.searchsorted returns integer indices; do not convert them to float "
                  "or to a list")
    if draws.shape != shape:
        fail("sample_categorical returned the wrong shape.", inputs=call,
             expected=f"shape {shape}", received=f"shape {draws.shape}",
             hint="draw the uniforms with rng.random(size): an int gives (n,), a tuple that shape")
    outside = draws[(draws < 0) | (draws >= len(probs))]
    if outside.size:
        fail(f"sample_categorical returned class indices outside 0..{len(probs) - 1}.",
             inputs=call, received=describe(np.unique(outside)),
             hint="rounding can leave the last cumulative sum just below 1 "
                  "(np.cumsum([0.1] * 10)[-1] == 0.9999999999999999): divide the cumulative "
                  "sums by their last value so that every u < 1 falls inside an interval")
    empty = np.intersect1d(np.unique(draws), np.flatnonzero(probs == 0))
    if empty.size:
        fail("sample_categorical drew classes of probability 0.", inputs=call,
             received=f"draws of the classes {describe(empty)}",
             hint="class k owns [c_(k-1), c_k), empty when its probability is 0: count the "
                  "edges c_j <= u (np.searchsorted(c, u, side='right')); with side='left', u = 0 "
                  "lands in class 0 even when its probability is 0, and an unnormalised last "
                  "edge sends u past it")
    return draws


def _chi_square(f, probs, size, rng):
    """Draw with a fresh generator seeded from ``rng``; test the class counts."""
    draws = _draw(f, probs, size, np.random.default_rng(rng.integers(2**32)))
    from scipy.special import chdtrc     # the chi-square distribution's survival function

    counts = np.bincount(draws.ravel(), minlength=len(probs))
    support = probs > 0
    expected = draws.size * probs[support]
    statistic = np.sum((counts[support] - expected) ** 2 / expected)    # Pearson's chi-square
    p_value = float(chdtrc(np.count_nonzero(support) - 1, statistic))
    if p_value < P_FAIL:
        fail(f"the class counts of sample_categorical do not follow probs (chi-square test; a "
             f"correct sampler fails it with probability {P_FAIL:g}).",
             inputs=f"sample_categorical(probs={describe(probs)}, size={size}, rng)",
             expected=f"counts near {describe(np.round(draws.size * probs, 1))}",
             received=f"counts {describe(counts)} (p-value {p_value:.2g})",
             hint="class k must own an interval of length probs[k]: search the uniforms in the "
                  "cumulative sums of probs (not in probs itself, nor in sorted probs)")


@sampler.part("values", points=3)
def sampler_values(f, rng):
    # Class 1 has probability 0 and is never drawn; the share of class 2 in 1000 draws is 0.8
    # with a standard deviation of sqrt(0.8 * 0.2 / 1000) = 0.013: a correct sampler lands
    # outside (0.7, 0.9) with probability about 4e-14 (binomial tails).
    probs = np.array([0.2, 0.0, 0.8])
    draws = _draw(f, probs, 1000, np.random.default_rng(rng.integers(2**32)))
    share = float(np.mean(draws == 2))
    if not 0.7 < share < 0.9:
        fail("class 2 (probability 0.8) came up too rarely or too often.",
             inputs="sample_categorical(probs=[0.2, 0, 0.8], size=1000, rng)",
             expected="a share near 0.8", received=f"{share:.1%} of 1000 draws",
             hint="class k must own the interval [c_(k-1), c_k) of length probs[k]")
    _draw(f, np.array([0.5, 0.5]), (2, 3), np.random.default_rng(rng.integers(2**32)))

    # The same seed must give the same draws; two seeds the same 200 draws from four equally
    # likely classes only with probability 4^-200.
    probs = np.full(4, 0.25)
    seed = int(rng.integers(2**31))
    first, again = (f(probs, 200, np.random.default_rng(seed)) for _ in range(2))
    if not np.array_equal(first, again):
        fail("two generators with the same seed gave different draws.",
             inputs=f"sample_categorical(probs={describe(probs)}, size=200, "
                    f"rng=np.random.default_rng({seed})), twice",
             hint="take every random number from rng (rng.random(size)), never from np.random "
                  "or a new generator")
    other = f(probs, 200, np.random.default_rng(seed + 1))
    if np.array_equal(first, other):
        fail("generators with different seeds gave the same draws.",
             inputs=f"sample_categorical(probs={describe(probs)}, size=200, rng) with the "
                    f"seeds {seed} and {seed + 1}",
             hint="the draws must come from the rng argument, not from a generator with a "
                  "fixed seed")

    # Chi-square tests of the class counts: fixed vectors (empty classes, unsorted ones, the
    # ten 0.1s whose sum rounds below 1) and a random one.
    random_probs = 0.5 * rng.dirichlet(np.full(12, 2.0)) + 0.5 / 12
    for probs, size in [(np.array([0.1, 0.2, 0.3, 0.4]), 10000),
                        (np.array([0.3, 0.05, 0.4, 0.25]), 10000),
                        (np.array([0.0, 0.5, 0.0, 0.25, 0.25, 0.0]), (100, 100)),
                        (np.full(10, 0.1), 10000),
                        (random_probs / random_probs.sum(), 10000)]:
        _chi_square(f, probs, size, rng)
    for probs, size in [(np.array([1.0]), 7), (np.array([0.0, 0.0, 1.0, 0.0]), (5, 4))]:
        _draw(f, probs, size, np.random.default_rng(rng.integers(2**32)))

    # Uniform draws exactly on the edges of the intervals (a genuine numpy Generator whose
    # next draws are 0, 1/4, 1/2, 3/4 and the largest double below 1). A sampler that uses
    # other random numbers than rng.random / rng.uniform is not affected and passes. The
    # cumulative sums of ten 0.1s end at the largest double below 1, not at 1: a uniform draw
    # there lies past every unnormalised edge.
    note = " with uniform draws 0, 0.25, 0.5, 0.75 and the largest double below 1"
    for probs in (np.array([0.0, 0.25, 0.0, 0.5, 0.25, 0.0]), np.array([0.0, 0.0, 1.0, 0.0]),
                  np.append(np.full(10, 0.1), 0.0), np.append(0.0, np.full(10, 0.1))):
        for size in (10, (2, 5)):
            _draw(f, probs, size, edge_generator(_EDGES * 2), note=note)


@sampler.part("errors", points=1)
def sampler_errors(f, rng):
    hint = "probs must be non-empty, finite, non-negative and sum to 1: raise ValueError otherwise"
    too_much = rng.dirichlet(np.ones(5)) * 1.1         # sums to 1.1
    for bad in (np.array([0.5, 0.6]), too_much, np.array([0.5, -0.1, 0.6]),
                np.array([0.5, np.nan, 0.5]), np.array([])):
        f.check_raises(ValueError, bad, 3, np.random.default_rng(rng.integers(2**32)), hint=hint)
    for bad in (np.array([[0.5, 0.5]]), np.full((2, 2), 0.25), np.array(1.0), 1.0):
        f.check_raises(ValueError, bad, 3, np.random.default_rng(rng.integers(2**32)),
                       hint="probs must be a 1-D vector (check probs.ndim == 1): a 2-D table or "
                            "a single number is not a probability vector, even when it sums to 1")


# --------------------------------------------------------------------------- #
# gaussian_mle
# --------------------------------------------------------------------------- #

mle = checks.exercise("gaussian_mle", ref.gaussian_mle, forbidden=["scipy.stats.norm.fit"])

_MLE_HINT = ("mu_hat is the mean; sigma_hat is the square root of the mean squared deviation, "
             "divided by N (not N - 1: that is the unbiased variance, not the MLE); return sigma, "
             "not the variance, as a tuple (mu_hat, sigma_hat)")


@mle.part("values", points=2)
def mle_values(f, rng):
    # mean 12 / 4 = 3; squared deviations 4, 1, 0, 9 sum to 14, so sigma_hat = sqrt(14 / 4).
    f.expect((3.0, np.sqrt(3.5)), np.array([1.0, 2.0, 3.0, 6.0]), rtol=1e-12,
             what="(mu_hat, sigma_hat)", hint=_MLE_HINT)
    outputs = ("mu_hat", "sigma_hat")
    for n in (2, 5, 40, 1000):
        x = rng.normal(rng.uniform(-10, 10), rng.uniform(0.5, 4.0), size=n)
        f.check(x, rtol=1e-9, atol=1e-12, outputs=outputs, hint=_MLE_HINT)
    # An integer sample: mean 7 / 3; deviations -4/3, -1/3, 5/3 square to 16/9, 1/9, 25/9,
    # whose mean is 42 / 27 = 14 / 9, so sigma_hat = sqrt(14) / 3.
    f.expect((7 / 3, np.sqrt(14.0) / 3), np.array([1, 2, 4]), rtol=1e-12,
             what="(mu_hat, sigma_hat) of an integer sample",
             hint="integer samples too: compute in float (x.sum() // len(x) is a floor division)")
    f.check(rng.integers(-5, 6, size=9), rtol=1e-9, atol=1e-12, outputs=outputs,
            hint="integer samples too: compute in float")
    # a single value: sigma_hat is 0 (N - 1 = 0 would divide by zero)
    f.check(np.array([float(rng.normal())]), rtol=1e-9, atol=1e-12, outputs=outputs,
            hint=_MLE_HINT)
    # all values equal: sigma_hat is 0 up to rounding; mean(x^2) - mean(x)^2 rounds to -1.4e-17
    # for six 0.3s (its square root is NaN), to +1.8e-15 for seven -2.7s (square root 4e-8)
    for x_equal in (np.full(6, 0.3), np.full(7, -2.7)):
        f.check(x_equal, rtol=1e-9, atol=1e-7, outputs=outputs,
                hint="all values equal: sigma_hat must be 0, not NaN. mean(x**2) - mean(x)**2 can "
                     "round to a tiny negative number; average the squared deviations from the "
                     "mean instead (or clamp at 0 before the square root)")


# --------------------------------------------------------------------------- #
# gaussian_nll_grad
# --------------------------------------------------------------------------- #

nll_grad = checks.exercise(
    "gaussian_nll_grad", ref.gaussian_nll_grad,
    forbidden=["torch.autograd.grad", "torch.autograd.backward", "torch.Tensor.backward"])

_GRAD_HINT = ("gradient of the MEAN negative log-likelihood (divide by N, and mind the sign): "
              "d_mu = (mu - mean(x)) / sigma^2, d_sigma = 1 / sigma - mean((x - mu)^2) / sigma^3")


@nll_grad.part("values", points=3)
def nll_grad_values(f, rng):
    # x = [0, 2], mu = 0, sigma = 2: mean(x - mu) = 1 and mean((x - mu)^2) = 2, so
    # d_mu = -1 / 2^2 = -0.25 and d_sigma = 1 / 2 - 2 / 2^3 = 0.25.
    f.expect((-0.25, 0.25), np.array([0.0, 2.0]), 0.0, 2.0, rtol=1e-12, what="(d_mu, d_sigma)",
             hint="differentiate the mean NLL: d_mu = -mean(x - mu) / sigma^2, and d_sigma has "
                  "a 1 / sigma term and a 1 / sigma^3 term")
    outputs = ("d_mu", "d_sigma")
    for n in (1, 10, 37, 300):
        x = rng.normal(1.0, 1.5, size=n)
        mu, sigma = float(rng.uniform(-1.0, 4.0)), float(rng.uniform(0.2, 2.5))
        f.check(x, mu, sigma, rtol=1e-9, atol=1e-12, outputs=outputs, hint=_GRAD_HINT)
    # at the maximum-likelihood estimates both partial derivatives vanish
    x_opt = rng.normal(-2.0, 0.7, size=50)
    mu_opt = float(x_opt.mean())
    f.check(x_opt, mu_opt, float(np.sqrt(np.mean((x_opt - mu_opt) ** 2))), rtol=1e-9,
            atol=1e-10, outputs=outputs, hint=_GRAD_HINT)


# --------------------------------------------------------------------------- #
# bernoulli_nll
# --------------------------------------------------------------------------- #

bce = checks.exercise(
    "bernoulli_nll", ref.bernoulli_nll,
    forbidden=["sklearn.metrics.log_loss", "torch.nn.functional.binary_cross_entropy",
               "torch.nn.functional.binary_cross_entropy_with_logits"])


@bce.part("values", points=3)
def bce_values(f, rng):
    # Two labels predicted at p = 0.5: each costs -log(0.5) = log 2, and so does their mean.
    f.expect(np.log(2.0), np.array([1, 0]), np.array([0.5, 0.5]), rtol=1e-12,
             what="the mean NLL", hint="-(y log p + (1 - y) log(1 - p)), averaged")
    # A certain, wrong prediction costs -log(eps) once p is clipped, not infinity.
    f.expect(-np.log(1e-12), np.array([1]), np.array([0.0]), rtol=1e-9, what="the mean NLL",
             hint="clip p to [eps, 1 - eps] before taking logarithms")
    hint = "the MEAN (not the sum) over the examples of -(y log p + (1 - y) log(1 - p))"
    for shape in [(1,), (7,), (500,), (6, 4)]:
        y = rng.integers(0, 2, size=shape)
        p = rng.uniform(0.01, 0.99, size=shape)
        f.check(y.astype(float), p, rtol=1e-10, hint=hint)
    f.check(y, p, rtol=1e-10, hint="integer labels too")
    # probabilities of exactly 0 and 1, predicted right and wrong, and several eps
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    p = np.array([0.0, 1.0, 1.0, 0.0, 0.5, float(rng.uniform(0.05, 0.95))])
    for eps in (1e-12, 1e-3, float(rng.uniform(0.01, 0.4))):
        f.check(y, p, eps, rtol=1e-5,
                hint="clip p to [eps, 1 - eps] with the eps argument (np.clip(p, eps, 1 - eps)) "
                     "before taking logarithms: both ends need clipping")


@bce.part("errors", points=1)
def bce_errors(f, rng):
    y = rng.integers(0, 2, size=5).astype(float)
    p = rng.uniform(0.05, 0.95, size=5)
    i = int(rng.integers(5))
    for bad_label in (2.0, 0.5):
        y_bad = y.copy()
        y_bad[i] = bad_label
        f.check_raises(ValueError, y_bad, p, hint="raise ValueError: labels must be 0 or 1")
    for bad_p in (1.0 + float(rng.uniform(0.01, 0.5)), -float(rng.uniform(0.01, 0.5))):
        p_bad = p.copy()
        p_bad[i] = bad_p
        f.check_raises(ValueError, y, p_bad,
                       hint="raise ValueError: probabilities must lie in [0, 1]. Check p BEFORE "
                            "clipping it: the clipped p is always inside, so a check after the "
                            "clipping never fires")
    f.check_raises(ValueError, np.array([0.0, 1.0]), np.array([0.5, 0.5, 0.5]),
                   hint="raise ValueError: compare the shapes of y and p")
    f.check_raises(ValueError, np.array([0.0, 1.0]), np.array([[0.5], [0.5]]),
                   hint="raise ValueError: y and p must have exactly the same shape: (2,) and "
                        "(2, 1) would broadcast to (2, 2)")
    for eps in (0.0, 0.5, -1e-3, 0.7):
        f.check_raises(ValueError, y, p, eps,
                       hint="raise ValueError: eps must be strictly between 0 and 0.5")


# --------------------------------------------------------------------------- #
# Concept quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=2, questions=[
    Choice("q1", "Why do we compute log-likelihoods instead of likelihoods?",
           {"a": "the logarithm makes the likelihood convex in every model",
            "b": "a product of many densities underflows to 0 in float64, while the sum of their "
                 "logarithms stays an ordinary number, and it has the same maximiser",
            "c": "log-likelihoods are always positive, which gradient descent needs"},
           answer="b",
           why="the logarithm is increasing, so the maximiser is the same; it turns the product "
               "into a sum, which neither underflows nor overflows"),
    Choice("q2", "The density of N(0, 0.1^2) at x = 0 is about 3.99. What does that tell you?",
           {"a": "nothing is wrong: a density is a probability per unit of x, and only its "
                 "integral must be 1",
            "b": "the formula must be wrong, since probabilities cannot exceed 1",
            "c": "the value 0 has probability 3.99 / 10"},
           answer="a",
           why="1 / (sqrt(2 pi) 0.1) = 3.99; the probability of any single real value is 0, "
               "probabilities are areas under the density"),
    Number("q3", "The Gaussian MLE of sigma for the sample x = [2, 4, 6, 8]? (3 significant "
                 "digits)",
           answer=float(np.sqrt(5.0)), rtol=2e-3,
           why="mu_hat = 5; squared deviations 9, 1, 1, 9 have mean 5, so sigma_hat = sqrt(5) "
               "= 2.236 (dividing by N, not N - 1)"),
    Number("q4", "Samples of size N = 4 are drawn from a Gaussian of variance 8. On average "
                 "over many samples, what does the MLE of the variance come out at?",
           answer=6.0, rtol=1e-3,
           why="E[sigma_hat^2] = (N - 1) / N * sigma^2 = 3 / 4 * 8 = 6: the MLE of the variance "
               "is biased low, because mu_hat is fitted to the same data"),
    Number("q5", "Inverse-CDF sampling with probs = [0.2, 0.0, 0.8]: which class does the "
                 "uniform draw u = 0.2 give?",
           answer=2, atol=0.0,
           why="the cumulative sums are [0.2, 0.2, 1.0]; the edges at or below 0.2 are the first "
               "two, so the class is 2. Class 1 owns [0.2, 0.2), an empty interval"),
    Choice("q6", "Minimising the mean squared error of a regression network is maximum "
                 "likelihood under which model of the targets?",
           {"a": "a Bernoulli whose parameter is the network's output",
            "b": "a Gaussian with the network's output as its mean and a fixed standard deviation",
            "c": "a uniform distribution around the network's output"},
           answer="b",
           why="-log N(y; f(x), sigma) = (y - f(x))^2 / (2 sigma^2) + terms that do not depend "
               "on the weights"),
    Number("q7", "With bernoulli_nll's clipping at eps = 1e-12, how many nats does one example "
                 "with label 1 and predicted p = 0 cost? (3 significant digits)",
           answer=float(-np.log(1e-12)), rtol=2e-3,
           why="p is clipped to eps, so the cost is -log(1e-12) = 27.63 nats instead of infinity"),
])
