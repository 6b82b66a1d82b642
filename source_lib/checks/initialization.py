"""Checks of lesson 06 (initialisation): the three initialisers, statistically, and the
activation spreads and gradient norms of bias-free MLPs, against hand-worked networks
and :mod:`source_lib.initialization`.

The initialisers are random, so they are checked by their statistics, each test with a
false-failure probability of at most ``P_FAIL = 1e-6`` for a correct sampler, whatever
the seed: a chi-square bound on the sample variance and an exact normal bound on the
sample mean of a normal sample, Hoeffding bounds for the bounded uniform, a Kolmogorov-Smirnov
test of the distribution's shape, and for the uniform the chance that its largest entry
stays far below the bound. One run of an initialiser's part makes at most 12 such tests,
so a correct sampler fails it with probability below 1.2e-5. Every listed mistake (a
variance off by a third or more, the wrong distribution, the wrong shape) fails them with
probability far below 1e-12. Any correct sampler passes: ``rng.normal``,
``rng.standard_normal() * std``, ``rng.uniform``, ``rng.random()`` rescaled. An initialiser
must also leave NumPy's global random state as it was (every call is checked for that, by
:class:`~source_lib.checks.Runner`: a call starts from a global state never seen before).

``activation_stds`` and ``gradient_norms`` are compared with hand-worked networks and the
reference; when a list is wrong, the usual mistakes are replayed here on the same input
(``STDS_MISTAKES``, ``NORMS_MISTAKES``) and the hint names the one the list matches.
"""

import numpy as np
import scipy.stats

from source_lib import initialization as ref
from source_lib.checks import Choice, Lesson, Number, StudentError
from source_lib.testing import assert_close, describe, fail

checks = Lesson("06_initialization")

P_FAIL = 1e-6
#: two-sided normal quantile at P_FAIL (4.89)
Z_FAIL = float(scipy.stats.norm.isf(P_FAIL / 2))

INITIALISERS = [
    "torch.nn.init.xavier_normal_", "torch.nn.init.xavier_uniform_",
    "torch.nn.init.kaiming_normal_", "torch.nn.init.kaiming_uniform_", "torch.nn.init.normal_",
    "torch.nn.init.uniform_", "torch.nn.init.trunc_normal_", "torch.nn.init.orthogonal_",
    "torch.nn.init.calculate_gain", "torch.nn.init._calculate_fan_in_and_fan_out",
]
# torch's layers (an nn.Linear would also bring its own initialisation)
LAYERS = INITIALISERS + [
    "torch.nn.functional.linear", "torch.nn.Linear.__init__", "torch.nn.Linear.forward",
    "torch.nn.Sequential.forward",
]
AUTOGRAD = LAYERS + [
    "torch.Tensor.backward", "torch.autograd.backward", "torch.autograd.grad",
    "torch.autograd.functional.jacobian", "torch.autograd.functional.vjp", "torch.func.grad",
    "torch.func.vjp", "torch.func.jacrev", "torch.nn.functional.cross_entropy",
    "torch.nn.functional.nll_loss", "torch.nn.CrossEntropyLoss.forward",
]

USE_RNG = ("take every random number from the rng argument (rng.standard_normal, rng.normal, "
           "rng.uniform): not from np.random.* (NumPy's global state), and not from a generator "
           "of your own with a fixed seed")


# --------------------------------------------------------------------------- #
# The initialisers: shared statistical checks
# --------------------------------------------------------------------------- #

def _sample(f, fan_in, fan_out, rng):
    """Call the initialiser with a fresh generator seeded from ``rng``; check type and shape."""
    seed = int(rng.integers(2**32))
    call = f"{f.name}({fan_in}, {fan_out}, np.random.default_rng({seed}))"
    if isinstance(fan_in, np.integer):
        call += f" (fan_in and fan_out NumPy integers, {type(fan_in).__name__})"
    try:
        W = f(fan_in, fan_out, np.random.default_rng(seed))
    except StudentError as err:
        if not isinstance(fan_in, np.integer):
            raise
        fail(f"{f.name} failed with fans that are NumPy integers.", inputs=call,
             received=str(err).splitlines()[0],
             hint="fan_in and fan_out may be NumPy integers (a shape's entries, rng.integers, "
                  "np.prod(...)): use them as numbers and do not require the type int")
    if not isinstance(W, np.ndarray):
        fail(f"{f.name} should return a NumPy array.", inputs=call,
             received=f"a {type(W).__module__}.{type(W).__name__}",
             hint="draw with the generator's methods (rng.standard_normal(shape)), which return "
                  "arrays; do not build a list or a torch tensor")
    if W.shape != (fan_in, fan_out):
        fail(f"{f.name} returned the wrong shape.", inputs=call,
             expected=f"shape ({fan_in}, {fan_out}): one row per input, one column per output",
             received=f"shape {W.shape}",
             hint="the course's layers compute h @ W, so W is (fan_in, fan_out) (torch stores "
                  "the transpose)")
    if W.dtype != np.float64:
        fail(f"{f.name} should return float64 weights.", inputs=call,
             received=f"dtype {W.dtype}", hint="keep NumPy's default float64: no astype")
    if not np.all(np.isfinite(W)):
        fail(f"{f.name} returned NaN or infinite weights.", inputs=call, received=describe(W))
    return W, call


def _check_normal(f, fan_in, fan_out, variance, rng, formula, hint):
    """Mean, mean square and shape of a normal initialiser's sample of ``fan_in * fan_out``."""
    W, call = _sample(f, fan_in, fan_out, rng)
    x = W.ravel()
    n = x.size
    sigma = np.sqrt(variance)
    # (n - 1) s^2 / sigma^2 is chi-square with n - 1 degrees of freedom for a normal sample
    # (s^2 the sample variance, ddof=1): outside these bounds with probability P_FAIL
    lo, hi = scipy.stats.chi2.ppf([P_FAIL / 2, 1 - P_FAIL / 2], df=n - 1) / (n - 1) * variance
    sample_variance = float(np.var(x, ddof=1))
    if not lo <= sample_variance <= hi:
        fail(f"the variance of {f.name}'s weights is wrong.", inputs=call,
             expected=f"Var(W) = {formula} = {variance:.5g} (a sample variance within "
                      f"[{lo:.4g}, {hi:.4g}])",
             received=f"a sample variance of {sample_variance:.5g}, "
                      f"{sample_variance / variance:.3g} times the variance (std "
                      f"{np.sqrt(sample_variance):.4g} instead of {sigma:.4g})",
             hint=hint)
    # the sample mean of n draws of N(0, sigma^2) is N(0, sigma^2 / n): beyond
    # Z_FAIL sigma / sqrt(n) with probability P_FAIL
    bound = Z_FAIL * sigma / np.sqrt(n)
    if abs(x.mean()) > bound:
        fail(f"the weights of {f.name} are not centred on 0.", inputs=call,
             expected=f"a sample mean within +-{bound:.3g}", received=f"{x.mean():.4g}",
             hint="draw from N(0, sigma^2), whose mean is 0")
    _kolmogorov_smirnov(f, x, scipy.stats.norm(0.0, sigma), call, "a normal distribution",
                        "draw from a normal distribution (rng.standard_normal or rng.normal), "
                        "not a uniform one")
    return W


def _kolmogorov_smirnov(f, x, distribution, call, what, hint):
    if x.size < 50:
        return
    p_value = scipy.stats.kstest(x, distribution.cdf).pvalue
    if p_value < P_FAIL:
        fail(f"the weights of {f.name} do not follow {what} (Kolmogorov-Smirnov test; a correct "
             f"sampler fails it with probability {P_FAIL:g}).", inputs=call,
             expected=f"{what} with mean 0 and std {distribution.std():.4g}",
             received=f"a sample with p-value {p_value:.2g}", hint=hint)


def _check_seeds(f, rng):
    """Same seed, same weights; another seed, other weights."""
    seed = int(rng.integers(2**31))
    first, again = (f(30, 20, np.random.default_rng(seed)) for _ in range(2))
    call = f"{f.name}(30, 20, np.random.default_rng({seed}))"
    if not isinstance(first, np.ndarray) or not isinstance(again, np.ndarray) \
            or first.shape != again.shape or not np.array_equal(first, again):
        fail(f"two generators with the same seed gave different weights.", inputs=f"{call}, twice",
             hint=USE_RNG)
    other = f(30, 20, np.random.default_rng(seed + 1))
    if isinstance(other, np.ndarray) and other.shape == first.shape and np.array_equal(first, other):
        fail(f"generators with different seeds gave the same weights.",
             inputs=f"{f.name}(30, 20, rng) with the seeds {seed} and {seed + 1}", hint=USE_RNG)


def _shapes(rng):
    """Fixed shapes with fan_in != fan_out (they tell the formulas apart), and one random
    shape given as NumPy integers (np.int64, as rng.integers and np.prod make them)."""
    random_shape = (rng.integers(40, 300), rng.integers(40, 300))
    return [(300, 100), (50, 150), random_shape]


def _tiny_shapes(f, rng):
    for fan_in, fan_out in [(1, 1), (1, 7), (6, 1)]:
        _sample(f, fan_in, fan_out, rng)


# --------------------------------------------------------------------------- #
# xavier_normal
# --------------------------------------------------------------------------- #

xavier_normal = checks.exercise("xavier_normal", ref.xavier_normal, forbidden=INITIALISERS)


@xavier_normal.part("values", points=2)
def xavier_normal_values(f, rng):
    # (300, 100): 2 / (300 + 100) = 0.005, while fan_in alone gives 1/300 = 0.0033 and fan_out
    # alone 0.01; (50, 150): 0.01 against 0.02 and 0.0067. A variance off by a third lies
    # far outside the chi-square bounds (+-8 % for 7500 draws).
    for fan_in, fan_out in _shapes(rng):
        _check_normal(f, fan_in, fan_out, 2.0 / (fan_in + fan_out), rng,
                      "2 / (fan_in + fan_out)",
                      "Xavier uses BOTH fans: Var(W) = 2 / (fan_in + fan_out), and NumPy's scale is "
                      "the standard deviation sqrt(Var(W)), not the variance")
    _check_seeds(f, rng)
    _tiny_shapes(f, rng)


# --------------------------------------------------------------------------- #
# xavier_uniform
# --------------------------------------------------------------------------- #

xavier_uniform = checks.exercise("xavier_uniform", ref.xavier_uniform, forbidden=INITIALISERS)


def _check_uniform(f, fan_in, fan_out, rng):
    W, call = _sample(f, fan_in, fan_out, rng)
    x = W.ravel()
    n = x.size
    a = np.sqrt(6.0 / (fan_in + fan_out))
    bound_hint = ("the bound is a = sqrt(6 / (fan_in + fan_out)): U(-a, a) has variance a^2 / 3, "
                  "which must equal Xavier's 2 / (fan_in + fan_out)")
    biggest = float(np.abs(x).max())
    if biggest > a * (1 + 1e-12):
        fail(f"{f.name} returned weights outside [-a, a].", inputs=call,
             expected=f"|W| <= a = sqrt(6 / (fan_in + fan_out)) = {a:.5g}",
             received=f"a weight of size {biggest:.5g}",
             hint=bound_hint + "; a normal distribution has no bound: use rng.uniform(-a, a, size)")
    # P(max |x| < a (1 - eps)) = (1 - eps)^n <= exp(-n eps) = P_FAIL for eps = log(1 / P_FAIL) / n
    eps = np.log(1 / P_FAIL) / n
    if biggest < a * (1 - eps):
        fail(f"the weights of {f.name} never come close to the bound a.", inputs=call,
             expected=f"entries up to a = {a:.5g} (the largest of {n} draws falls below "
                      f"{a * (1 - eps):.5g} with probability {P_FAIL:g})",
             received=f"the largest |W| is {biggest:.5g}", hint=bound_hint)
    # Hoeffding: x in [-a, a], so P(|mean| >= t) <= 2 exp(-2 n t^2 / (2a)^2) = P_FAIL
    t_mean = 2 * a * np.sqrt(np.log(2 / P_FAIL) / (2 * n))
    if abs(x.mean()) > t_mean:
        fail(f"the weights of {f.name} are not centred on 0.", inputs=call,
             expected=f"a sample mean within +-{t_mean:.3g}", received=f"{x.mean():.4g}",
             hint="draw from [-a, a], not [0, a] or [0, 2a]: rng.uniform(-a, a, size)")
    # Hoeffding again for x^2 in [0, a^2], whose mean is a^2 / 3 = Var(W)
    variance = a**2 / 3
    t_square = a**2 * np.sqrt(np.log(2 / P_FAIL) / (2 * n))
    mean_square = float(np.mean(x**2))
    if abs(mean_square - variance) > t_square:
        fail(f"the variance of {f.name}'s weights is wrong.", inputs=call,
             expected=f"Var(W) = a^2 / 3 = 2 / (fan_in + fan_out) = {variance:.5g} (a sample's "
                      f"mean square within +-{t_square:.3g})",
             received=f"{mean_square:.5g}, {mean_square / variance:.3g} times the variance",
             hint=bound_hint)
    _kolmogorov_smirnov(f, x, scipy.stats.uniform(-a, 2 * a), call, "the uniform distribution "
                        "on [-a, a]", "every value in [-a, a] must be equally likely: "
                        "rng.uniform(-a, a, size), or (2 * rng.random(size) - 1) * a")


@xavier_uniform.part("values", points=2)
def xavier_uniform_values(f, rng):
    # A bound without the 6 (sqrt(2 / (fan_in + fan_out)), the normal's std) gives a third of
    # the variance; sqrt(6 / fan_in) gives 4/3 of it at (300, 100) and 2/3 at (50, 150).
    for fan_in, fan_out in _shapes(rng):
        _check_uniform(f, fan_in, fan_out, rng)
    _check_seeds(f, rng)
    _tiny_shapes(f, rng)


# --------------------------------------------------------------------------- #
# he_normal
# --------------------------------------------------------------------------- #

he_normal = checks.exercise("he_normal", ref.he_normal, forbidden=INITIALISERS)


@he_normal.part("values", points=2)
def he_normal_values(f, rng):
    # (300, 100): 2 / 300 = 0.0067, against 1/300 (no factor 2) and Xavier's 0.005;
    # (50, 150): 0.04 against 0.02, 2 / 150 = 0.013 (fan_out) and Xavier's 0.01.
    for fan_in, fan_out in _shapes(rng):
        _check_normal(f, fan_in, fan_out, 2.0 / fan_in, rng, "2 / fan_in",
                      "He uses Var(W) = 2 / fan_in (the 2 makes up for the half of the units a "
                      "ReLU zeroes; fan_in, the number of rows, not fan_out), and NumPy's scale "
                      "is the standard deviation sqrt(2 / fan_in)")
    _check_seeds(f, rng)
    _tiny_shapes(f, rng)


# --------------------------------------------------------------------------- #
# Lists of one value per layer
# --------------------------------------------------------------------------- #

def _per_layer(f, result, expected, inputs, rtol, hint, suspects=None):
    """Compare a list of one value per layer, layer by layer, each to ``rtol``. ``suspects()``
    gives the lists that known mistakes return on the same input, each with its hint: when the
    result is one of them, the failure names that mistake instead of ``hint``."""
    L = len(expected)
    if isinstance(result, np.ndarray) and result.ndim == 1:
        result = list(result)
    if not isinstance(result, (list, tuple)) or len(result) != L:
        fail(f"{f.name} should return a list of {L} numbers, one per layer.", inputs=inputs,
             expected=f"a list of {L} floats", received=describe(result),
             hint=f"one value per weight matrix (there are {L}), in layer order"
                  + (" — do not include the input X" if f.name == "activation_stds" else ""))
    for l, got in enumerate(result):
        if np.ndim(got) != 0:
            fail(f"{f.name} should return one number per layer.", inputs=inputs,
                 expected="a float", received=f"item {l}: {describe(got)}",
                 hint="reduce each layer to a single number (np.std(h) over all entries; "
                      "np.linalg.norm(dW) over all entries)")
    if suspects is not None and not _same_list(result, expected, rtol):
        for values, why in suspects():
            if _same_list(result, values, 1e-6) and not _same_list(expected, values, 1e-6):
                hint = why
                break
    for l, (got, want) in enumerate(zip(result, expected)):
        assert_close(got, want, rtol=rtol, atol=1e-300, what=f"item {l} (layer {l + 1}) of the "
                     f"list", inputs=inputs, hint=hint)


def _same_list(a, b, rtol):
    """Whether two lists of numbers agree item by item (finite, within ``rtol``)."""
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.all(np.isfinite(a)) and np.all(np.isfinite(b))
                                       and np.all(np.abs(a - b) <= rtol * np.abs(b) + 1e-300))


def _network(rng, depth, n_in, n_out, width_range=(2, 20), gain=1.0):
    widths = [n_in] + [int(rng.integers(*width_range)) for _ in range(depth - 1)] + [n_out]
    return [gain * rng.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(widths[:-1], widths[1:])]


def _describe_network(X, weights, *extra):
    shapes = ", ".join(str(W.shape) for W in weights)
    parts = [f"X of shape {X.shape}", f"weights of shapes [{shapes}]"] + [str(e) for e in extra]
    return "; ".join(parts)


# --------------------------------------------------------------------------- #
# activation_stds
# --------------------------------------------------------------------------- #

activation_stds = checks.exercise("activation_stds", ref.activation_stds, forbidden=LAYERS)

STDS_HINT = ("h_l = act(h_{l-1} @ W_l) after EVERY layer, the last included; the std of each h_l "
             "AFTER the activation, over all its entries at once (np.std(h), ddof=0, no axis); "
             "h_0 = X is not in the list")



def _stds_with(X, weights, activation, of="post", reduce="all", ddof=0, last_act=True,
               stat="std"):
    """activation_stds with one known mistake (the defaults are the exercise)."""
    phi = ref.ACTIVATIONS[activation]
    h, out = np.asarray(X, dtype=float), []
    for l, W in enumerate(weights):
        z = h @ np.asarray(W, dtype=float)
        h = phi(z) if (last_act or l < len(weights) - 1) else z
        v = z if of == "pre" else h
        if stat == "var":
            out.append(float(np.var(v)))
        elif stat == "rms":
            out.append(float(np.sqrt(np.mean(v**2))))
        elif stat == "meanabs":
            out.append(float(np.mean(np.abs(v))))
        elif reduce == "all":
            out.append(float(np.std(v, ddof=ddof)) if v.size > ddof else np.nan)
        else:
            axis = 0 if reduce == "axis0" else 1
            with np.errstate(all="ignore"):
                out.append(float(np.mean(np.std(v, axis=axis))))
    return out


STDS_MISTAKES = [
    ({"of": "pre"}, "the std of h_l AFTER the activation, not of the pre-activation h_{l-1} @ W_l"),
    ({"reduce": "axis0"}, "the std over ALL the entries of h_l at once (np.std(h), no axis), not "
                          "per unit (axis=0) and then averaged"),
    ({"reduce": "axis1"}, "the std over ALL the entries of h_l at once (np.std(h), no axis), not "
                          "per example (axis=1) and then averaged"),
    ({"last_act": False}, "the activation follows EVERY layer, the last one included"),
    ({"ddof": 1}, "np.std divides by the number of entries (ddof=0, its default), not by one "
                  "less (ddof=1, torch's default)"),
    ({"stat": "var"}, "the standard deviation is the square root of the variance: np.std(h), "
                      "not np.var(h)"),
    ({"stat": "rms"}, "the std subtracts the mean first: np.std(h), not sqrt(mean(h**2)) (ReLU "
                      "activations have a positive mean)"),
    ({"stat": "meanabs"}, "the standard deviation np.std(h), not the mean absolute value"),
]


def _stds_suspects(X, weights, activation):
    return lambda: [(_stds_with(X, weights, activation, **kw), why) for kw, why in STDS_MISTAKES]


# The hand-worked network: X = [[1, 0], [0, 1]], W1 = [[1, -1], [1, 1]], W2 = [[1], [-2]].
HAND_X = np.eye(2)
HAND_W = [np.array([[1.0, -1.0], [1.0, 1.0]]), np.array([[1.0], [-2.0]])]


def _hand_expected():
    # z1 = X W1 = [[1, -1], [1, 1]].
    # relu: h1 = [[1, 0], [1, 1]]: mean 3/4, mean square 3/4, variance 3/4 - 9/16 = 3/16,
    #   std sqrt(3)/4 (per column: 0 and 1/2; ddof=1: 1/2; pre-activation: sqrt(3)/2);
    #   z2 = h1 W2 = [[1], [-1]], h2 = [[1], [0]]: std 1/2 (no ReLU on the last layer: 1).
    # linear: h1 = z1: mean 1/2, mean square 1, std sqrt(1 - 1/4) = sqrt(3)/2;
    #   h2 = [[1 + 2], [1 - 2]] = [[3], [-1]]: mean 1, std 2.
    # tanh: h1 = t z1 with t = tanh(1): std t sqrt(3)/2; h2 = tanh(h1 W2) = tanh([[3t], [-t]]):
    #   two values, std = half their distance = (tanh(3t) + tanh(t)) / 2.
    t = np.tanh(1.0)
    return {"relu": [np.sqrt(3) / 4, 0.5], "linear": [np.sqrt(3) / 2, 2.0],
            "tanh": [t * np.sqrt(3) / 2, (np.tanh(3 * t) + np.tanh(t)) / 2]}


@activation_stds.part("values", points=3)
def activation_stds_values(f, rng):
    inputs = ("X = [[1, 0], [0, 1]], weights = [[[1, -1], [1, 1]], [[1], [-2]]], "
              "activation = {!r}")
    for activation, expected in _hand_expected().items():
        result = f(HAND_X, [W.copy() for W in HAND_W], activation)
        _per_layer(f, result, expected, inputs.format(activation), 1e-12, STDS_HINT,
                   _stds_suspects(HAND_X, HAND_W, activation))
    # random networks of every activation, depths 1 to 6, non-square layers
    for activation in ("relu", "tanh", "linear"):
        for depth in (1, 3, 6):
            N = int(rng.integers(2, 30))
            X = rng.standard_normal((N, int(rng.integers(2, 15)))) * rng.uniform(0.5, 3.0)
            X += rng.standard_normal(X.shape[1])          # columns with different means
            weights = _network(rng, depth, X.shape[1], int(rng.integers(1, 12)),
                               gain=rng.uniform(0.5, 2.5))
            expected = ref.activation_stds(X, weights, activation)
            _per_layer(f, f(X, weights, activation), expected,
                       _describe_network(X, weights, f"activation = {activation!r}"), 1e-9,
                       STDS_HINT, _stds_suspects(X, weights, activation))
    # one example (a single row) and a network whose ReLU activations grow to about 1e12
    X = rng.standard_normal((1, 5))
    weights = _network(rng, 2, 5, 3)
    _per_layer(f, f(X, weights, "tanh"), ref.activation_stds(X, weights, "tanh"),
               _describe_network(X, weights, "activation = 'tanh'"), 1e-9,
               "the std of a single example's activations is taken over its units",
               _stds_suspects(X, weights, "tanh"))
    X = rng.standard_normal((20, 30))
    weights = [30.0 * rng.standard_normal((30, 30)) / np.sqrt(30) for _ in range(8)]
    for activation in ("relu", "linear", "tanh"):
        _per_layer(f, f(X, weights, activation), ref.activation_stds(X, weights, activation),
                   _describe_network(X, weights, f"activation = {activation!r} (weights 30 "
                                     "times the Xavier scale)"), 1e-9, STDS_HINT,
                   _stds_suspects(X, weights, activation))


@activation_stds.part("errors", points=1)
def activation_stds_errors(f, rng):
    X = rng.standard_normal((4, 3))
    weights = [rng.standard_normal((3, 2))]
    for name in ("sigmoid", "ReLU", "", "Tanh"):
        f.check_raises(ValueError, X, weights, name,
                       hint='only "relu", "tanh" and "linear" are known (spelled exactly so): raise '
                            'ValueError for any other name instead of treating it as linear')
    f.check_raises(ValueError, X, [rng.standard_normal((4, 2))], "relu",
                   hint="weights[0] must have as many rows as X has columns (h @ W raises "
                        "ValueError by itself)")


# --------------------------------------------------------------------------- #
# gradient_norms
# --------------------------------------------------------------------------- #

gradient_norms = checks.exercise("gradient_norms", ref.gradient_norms, forbidden=AUTOGRAD)

GRAD_HINT = ("delta_L = (softmax(z_L) - onehot(y)) / N for the MEAN loss; dW_l = h_{l-1}^T "
             "delta_l; delta_{l-1} = (delta_l @ W_l^T) * (z_{l-1} > 0); no ReLU on the logits; "
             "Frobenius norms, first layer first")


def _s():
    # softmax([-1, 1])_0 = softmax([0, 2])_0 = 1 / (1 + e^2)
    return 1.0 / (1.0 + np.exp(2.0))


def _norms_with(X, y, weights, scale="N", relu_logits=False, mask="gt", order="first",
                norm="fro", of="dW", onehot=True, layer_input=True, bias=False):
    """gradient_norms with one known mistake (the defaults are the exercise)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    L, (N, C) = len(weights), (X.shape[0], np.shape(weights[-1])[1])
    inputs, outputs, pre, h = [], [], [], X
    for l, W in enumerate(weights):
        inputs.append(h)
        z = h @ np.asarray(W, dtype=float)
        pre.append(z)
        h = np.maximum(z, 0.0) if (l < L - 1 or relu_logits) else z
        outputs.append(h)
    with np.errstate(all="ignore"):
        delta = np.exp(h - h.max(axis=1, keepdims=True))
        delta /= delta.sum(axis=1, keepdims=True)
        if onehot:
            delta[np.arange(N), y] -= 1.0
        delta /= {"N": N, "1": 1, "NC": N * C}[scale]
        if relu_logits:
            delta = delta * (pre[-1] > 0)
        derivative = {"gt": lambda z: z > 0, "ge": lambda z: z >= 0,
                      "none": lambda z: np.ones_like(z)}[mask]
        norms = [0.0] * L
        for l in range(L - 1, -1, -1):
            dW = (inputs[l] if layer_input else outputs[l]).T @ delta
            if of == "delta":
                norms[l] = float(np.linalg.norm(delta))
            elif norm == "spectral":
                norms[l] = float(np.linalg.norm(dW, 2))
            elif norm == "squared":
                norms[l] = float(np.sum(dW**2))
            elif bias:
                db = delta.sum(axis=0) if bias == "sum" else delta.mean(axis=0)
                norms[l] = float(np.sqrt(np.sum(dW**2) + np.sum(db**2)))
            else:
                norms[l] = float(np.linalg.norm(dW))
            if l > 0:
                delta = (delta @ np.asarray(weights[l], dtype=float).T) * derivative(pre[l - 1])
    return norms[::-1] if order == "last" else norms


NORMS_MISTAKES = [
    ({"scale": "1"}, "the loss is the MEAN over the batch: delta_L = (softmax - onehot) / N (yours "
                     "is N times too large: the gradient of the SUM of the losses)"),
    ({"scale": "NC"}, "divide by N, the number of examples, not by N*C: the loss is a mean over "
                      "the examples, not over every logit"),
    ({"relu_logits": True}, "no ReLU after the last layer: its output z_L is the logits, which "
                            "may be negative"),
    ({"mask": "ge"}, "the ReLU's derivative at exactly 0 is 0: mask with (z > 0), not (z >= 0)"),
    ({"mask": "none"}, "the error goes back through every ReLU: delta_{l-1} = (delta_l @ W_l^T) "
                       "* (z_{l-1} > 0), the ReLU's derivative"),
    ({"order": "last"}, "the list starts with the FIRST layer (next to the input): reverse the "
                        "list you built from the top down"),
    ({"norm": "squared"}, "the Frobenius norm is the square ROOT of the sum of squares: "
                          "np.linalg.norm(dW)"),
    ({"norm": "spectral"}, "the Frobenius norm sqrt(sum(dW**2)) (np.linalg.norm(dW)), not the "
                           "spectral norm np.linalg.norm(dW, 2)"),
    ({"of": "delta"}, "the norm of dL/dW_l = h_{l-1}^T delta_l, not of the error signal delta_l "
                      "itself"),
    ({"layer_input": False}, "dW_l = h_{l-1}^T delta_l takes the INPUT of layer l (X for the "
                             "first), not its output"),
    ({"onehot": False}, "subtract the one-hot labels: delta_L = (softmax(z_L) - onehot(y)) / N"),
] + [({"bias": how}, "the network has no biases: the norm is that of dL/dW_l alone, not of the "
                     "weight gradient and a bias gradient combined") for how in ("sum", "mean")]


def _norms_suspects(X, y, weights):
    return lambda: [(_norms_with(X, y, weights, **kw), why) for kw, why in NORMS_MISTAKES]


@gradient_norms.part("values", points=4)
def gradient_norms_values(f, rng):
    # Two layers. X = [[1]], W1 = [[1, -1]]: z1 = [1, -1], h1 = [1, 0].
    # W2 = [[-1, 1], [1, 0]]: logits [-1, 1] (the second row meets h1's 0; a ReLU on the logits
    # would give [0, 1]); y = 0.
    # With s = 1 / (1 + e^2): delta2 = softmax - onehot = [s - 1, 1 - s] = (1 - s) [-1, 1];
    # dW2 = h1^T delta2 = (1 - s) [[-1, 1], [0, 0]], norm sqrt(2) (1 - s);
    # delta2 W2^T = (1 - s) [2, -1], times [z1 > 0] = [1, 0]: delta1 = (1 - s) [2, 0]
    # (without the mask, (1 - s) [2, -1], of norm sqrt(5) (1 - s));
    # dW1 = X^T delta1 = (1 - s) [[2, 0]], norm 2 (1 - s).
    s = _s()
    X, y, weights = np.array([[1.0]]), np.array([0]), [np.array([[1.0, -1.0]]),
                                                        np.array([[-1.0, 1.0], [1.0, 0.0]])]
    _per_layer(f, f(X, y, weights), [2 * (1 - s), np.sqrt(2) * (1 - s)],
               "X = [[1]], y = [0], weights = [[[1, -1]], [[-1, 1], [1, 0]]] (logits [-1, 1])",
               1e-12, GRAD_HINT, _norms_suspects(X, y, weights))
    # One layer, W = 0: softmax is uniform, 1/3 each. X = [[1, 0], [0, 2]], y = [0, 1]:
    # delta = (1/3 - onehot) / 2 = [[-1/3, 1/6, 1/6], [1/6, -1/3, 1/6]];
    # dW = X^T delta = [[-1/3, 1/6, 1/6], [1/3, -2/3, 1/3]], squares 1/6 + 2/3 = 5/6: norm sqrt(5/6).
    # (The SUM of the losses gives twice that; dW has rank 2, so its spectral norm is smaller.)
    X, y, weights = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([0, 1]), [np.zeros((2, 3))]
    _per_layer(f, f(X, y, weights), [np.sqrt(5 / 6)],
               "X = [[1, 0], [0, 2]], y = [0, 1], weights = [zeros((2, 3))]", 1e-12, GRAD_HINT,
               _norms_suspects(X, y, weights))
    # An exact zero pre-activation. X = [[1, 1]], W1 = [[1, 1], [-1, 1]]: z1 = [0, 2], h1 = [0, 2];
    # W2 = I: logits [0, 2], y = 0, delta2 = (1 - s) [-1, 1] (same s);
    # dW2 = h1^T delta2 = (1 - s) [[0, 0], [-2, 2]], norm 2 sqrt(2) (1 - s);
    # delta2 W2^T = (1 - s) [-1, 1], times [z1 > 0] = [0, 1] (derivative 0 at exactly 0):
    # delta1 = (1 - s) [0, 1]; dW1 = [[1], [1]] delta1, norm sqrt(2) (1 - s).
    X, y, weights = np.array([[1.0, 1.0]]), np.array([0]), [np.array([[1.0, 1.0], [-1.0, 1.0]]),
                                                            np.eye(2)]
    _per_layer(f, f(X, y, weights), [np.sqrt(2) * (1 - s), 2 * np.sqrt(2) * (1 - s)],
               "X = [[1, 1]], y = [0], weights = [[[1, 1], [-1, 1]], I] (the first hidden unit's "
               "input is exactly 0)", 1e-12,
               "the ReLU's derivative at exactly 0 is 0: mask with (z > 0), not (z >= 0)",
               _norms_suspects(X, y, weights))
    # random networks against the reference, depths 1 to 6
    for depth in (1, 2, 3, 5, 6):
        N = int(rng.integers(2, 25))
        X = rng.standard_normal((N, int(rng.integers(2, 12))))
        C = int(rng.integers(2, 8))
        y = rng.integers(0, C, size=N)
        y[0] = 0  # not every label 0 or every label equal: y[-1] below differs
        y[-1] = C - 1
        weights = _network(rng, depth, X.shape[1], C, gain=rng.uniform(1.0, 2.0))
        _per_layer(f, f(X, y, weights), ref.gradient_norms(X, y, weights),
                   _describe_network(X, weights, f"y = {describe(y)}"), 1e-8, GRAD_HINT,
                   _norms_suspects(X, y, weights))
    # a batch of one example
    X = rng.standard_normal((1, 4))
    y = np.array([int(rng.integers(0, 3))])
    weights = _network(rng, 3, 4, 3, gain=1.5)
    _per_layer(f, f(X, y, weights), ref.gradient_norms(X, y, weights),
               _describe_network(X, weights, f"y = {describe(y)}"), 1e-8, GRAD_HINT,
               _norms_suspects(X, y, weights))
    # huge logits (a too-large initialisation): exp overflows unless each row is shifted
    X = rng.standard_normal((6, 8))
    y = rng.integers(0, 4, size=6)
    weights = _network(rng, 4, 8, 4, width_range=(6, 10), gain=25.0)
    _per_layer(f, f(X, y, weights), ref.gradient_norms(X, y, weights),
               _describe_network(X, weights, f"y = {describe(y)}", "logits of order 1e5"), 1e-8,
               "softmax must not overflow: subtract each row's maximum logit before np.exp",
               _norms_suspects(X, y, weights))


@gradient_norms.part("errors", points=1)
def gradient_norms_errors(f, rng):
    X = rng.standard_normal((3, 4))
    weights = [rng.standard_normal((4, 5)), rng.standard_normal((5, 3))]
    f.check_raises(ValueError, X, np.array([0, 1, 3]), weights,
                   hint="with 3 outputs the labels are 0, 1, 2: check y < C yourself (indexing "
                        "raises IndexError, not ValueError)")
    f.check_raises(ValueError, X, np.array([0, -1, 2]), weights,
                   hint="-1 is a valid NumPy index but not a class: check y >= 0 yourself")
    f.check_raises(ValueError, X, np.array([0, 1, 2, 1]), weights,
                   hint="y must hold exactly one label per row of X")
    # A column of labels has the right length (y.shape[0] == N, len(y) == N) but the wrong
    # shape, and indexing with it does not raise: delta[np.arange(N), y] broadcasts to (N, N).
    f.check_raises(ValueError, X, np.array([[0], [1], [2]]), weights,
                   hint="y must have shape (N,), a 1-D array: check y.shape == (N,), not only "
                        "its length (a column (N, 1) has the right length and silently broadcasts)")


# --------------------------------------------------------------------------- #
# The concept quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=2, questions=[
    Number("q1", "What is Var(W_ij) of the Xavier initialisation for a layer with fan_in = 100 "
           "and fan_out = 300?", answer=2 / 400, rtol=2e-3,
           why="2 / (fan_in + fan_out) = 2 / 400 = 0.005."),
    Number("q2", "What is the bound a of xavier_uniform for fan_in = 200 and fan_out = 100?",
           answer=float(np.sqrt(6 / 300)), rtol=2e-3,
           why="a = sqrt(6 / (200 + 100)) = sqrt(0.02) = 0.1414; U(-a, a) then has variance "
               "a^2 / 3 = 2 / 300, Xavier's."),
    Number("q3", "A linear network of width 100 is initialised with weights of standard deviation "
           "0.11. By what factor has the standard deviation of the activations grown after 20 "
           "layers?", answer=float(1.1**20), rtol=2e-3,
           why="each layer multiplies the mean square by n sigma^2 = 100 * 0.0121 = 1.21, the std "
               "by sqrt(1.21) = 1.1; after 20 layers 1.1^20 = 6.73."),
    Choice("q4", "Why does He's initialisation use 2 / fan_in instead of 1 / fan_in?",
           {"a": "The ReLU zeroes about half of the pre-activations, which halves their mean "
                 "square; the factor 2 gives it back.",
            "b": "The ReLU doubles the variance of its input, and the factor 2 is the square root "
                 "of 4.",
            "c": "It averages the forward and the backward condition, like Xavier.",
            "d": "It makes up for the biases, which He's networks do not have."}, answer="a",
           why="for a symmetric z, E[relu(z)^2] = E[z^2] / 2: each ReLU layer would halve the "
               "mean square, so the weights' variance doubles to keep it."),
    Choice("q5", "The entries of a 400 x 400 matrix are drawn independently from N(0, 1/400). "
           "Where are its eigenvalues?",
           {"a": "Real, spread over [-2, 2] like a semicircle.",
            "b": "Spread evenly over the unit disk of the complex plane.",
            "c": "All close to the unit circle |lambda| = 1.",
            "d": "All close to 0, since every entry is small."}, answer="b",
           why="the circular law: radius sigma sqrt(n) = sqrt(400 / 400) = 1, uniformly over the "
               "disk (the semicircle is for symmetric matrices)."),
    Choice("q6", "A ReLU network of depth 20 and width 256 is initialised with weights of standard "
           "deviation 0.01. What happens to the norm of dL/dW_1?",
           {"a": "It is astronomically small: the signal vanishes on the way up and the error on "
                 "the way down, so the first layer does not learn.",
            "b": "It is astronomically large: small weights give large gradients.",
            "c": "It is about as large as in the same network initialised with He."},
           answer="a",
           why="the gain per layer is 0.01 * sqrt(256) / sqrt(2) = 0.11; the gradient of every "
               "layer scales like a power of it with the depth (about 0.11^19)."),
    Choice("q7", "A tanh network has weights that are much too large. Which is true?",
           {"a": "Its activations explode to 1e10 like a ReLU network's.",
            "b": "Its activations pile up at -1 and +1, where tanh' is nearly 0, so its gradients "
                 "vanish.",
            "c": "Its activations collapse to 0."}, answer="b",
           why="tanh is bounded by 1: large pre-activations saturate it, and the saturated units "
               "pass almost no gradient back."),
    Choice("q8", "Why not initialise every weight of a bias-free ReLU network of depth L >= 2 to 0?",
           {"a": "Every hidden activation is 0 and so is every weight gradient: gradient descent "
                 "never moves.",
            "b": "It works, but more slowly than He.",
            "c": "The loss is infinite at the start."}, answer="a",
           why="h_1 = relu(X 0) = 0, so dW_L = h_{L-1}^T delta_L = 0, and delta_{L-1} = "
               "delta_L W_L^T = 0 kills every gradient below: the zeros stay zeros."),
])
