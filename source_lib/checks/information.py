"""Checks of lesson 04: entropy, cross-entropy, KL divergence, softmax and the loss.

Each part compares the student's function with :mod:`source_lib.information` on
hand-worked cases, seeded random distributions and logits, and inputs that expose the
common mistakes (a logarithm of zero, the wrong axis, a shift by the global maximum,
a float returned for a batch of one, a negative divergence from round-off).
"""

import numpy as np

from source_lib import information as ref
from source_lib.checks import Choice, Lesson, Number
from source_lib.testing import fail

checks = Lesson("04_information_theory")

# Routines that do the exercises for the student. np.logaddexp is listed for its reduce
# method, NumPy's own log-sum-exp.
SOFTMAXES = [
    "scipy.special.softmax", "scipy.special.log_softmax", "scipy.special.logsumexp",
    "numpy.logaddexp", "torch.softmax", "torch.log_softmax", "torch.logsumexp",
    "torch.special.softmax", "torch.special.log_softmax", "torch.special.logsumexp",
    "torch.nn.functional.softmax", "torch.nn.functional.log_softmax",
    "torch.Tensor.softmax", "torch.Tensor.log_softmax", "torch.Tensor.logsumexp",
    "torch.logcumsumexp", "numpy.logaddexp2", "torch.nn.Softmax", "torch.nn.LogSoftmax",
    "torch.distributions.Categorical", "sklearn.utils.extmath.softmax",
]
LOSSES = ["torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss",
          "torch.nn.functional.kl_div", "sklearn.metrics.log_loss", "torch.nn.CrossEntropyLoss",
          "torch.nn.NLLLoss", "torch.nn.KLDivLoss"]
ENTROPIES = ["scipy.stats.entropy", "scipy.special.entr", "scipy.special.rel_entr",
             "scipy.special.kl_div", "scipy.special.xlogy", "torch.special.entr", "torch.xlogy",
             "torch.special.xlogy", "torch.Tensor.xlogy"] + LOSSES

BATCH_OF_ONE = ("a batch of ONE distribution, shape (1, K), gives an array of shape (1,), not a "
                "float: decide by p.ndim, not by the size of the result")


def distributions(rng, shape, zeros=0.3):
    """Random probability vectors along the last axis, with exact zeros (never a zero row)."""
    p = rng.random(shape)
    p[rng.random(shape) < zeros] = 0.0
    p[..., 0] += 0.1
    return p / p.sum(axis=-1, keepdims=True)


def require_array(value, name):
    if not isinstance(value, np.ndarray):
        fail(f"{name} should return a NumPy array; got a {type(value).__module__}."
             f"{type(value).__name__}",
             hint="compute with NumPy (or convert at the end with .numpy()): the course's "
                  "functions exchange NumPy arrays")


# --------------------------------------------------------------------------- #
# entropy
# --------------------------------------------------------------------------- #

entropy = checks.exercise("entropy", ref.entropy, forbidden=ENTROPIES)


@entropy.part("values", points=3)
def entropy_values(f, rng):
    # A fair coin: -(1/2 log 1/2 + 1/2 log 1/2) = log 2 nats (= 1 bit).
    f.expect(np.log(2), np.array([0.5, 0.5]), rtol=1e-12, what="the entropy of a fair coin",
             hint="use the natural logarithm np.log: nats, not bits")
    # A certain outcome: 1 log 1 = 0 and 0 log 0 = 0, so H = 0 (not nan).
    f.expect(0.0, np.array([0.0, 1.0, 0.0]), atol=1e-15, what="the entropy of a certain outcome",
             hint="entries equal to 0 must contribute 0: mask them before the log")
    # Rows: uniform over 4 has log 4; a certain outcome 0.
    f.expect(np.array([np.log(4), 0.0]), np.array([[0.25] * 4, [0.0, 0.0, 1.0, 0.0]]), rtol=1e-12,
             what="the entropies of a batch", hint="sum over the last axis only")
    for shape in [(5,), (1,), (1000,), (5, 3), (3, 7), (2, 3, 4)]:     # non-square batches
        f.check(distributions(rng, shape), rtol=1e-12, atol=1e-15,
                hint="natural log, zeros contribute 0, one value per distribution "
                     "(sum over the last axis)")
    f.check(np.eye(4)[[0, 2, 3]], atol=1e-15, hint="0 log 0 = 0: a one-hot row has entropy 0, not nan")
    f.check(np.full((2, 6), 1 / 6), rtol=1e-12, hint="a uniform distribution over 6 outcomes has "
            "entropy log 6")
    f.check([0.2, 0.3, 0.5], rtol=1e-12, hint="accept a list: convert with np.asarray")
    f.check(distributions(rng, (1, 4)), rtol=1e-12, hint=BATCH_OF_ONE)


@entropy.part("errors", points=1)
def entropy_errors(f, rng):
    f.check_raises(ValueError, np.array([0.5, 0.4]), hint="p sums to 0.9, not 1: reject it")
    f.check_raises(ValueError, np.array([1.2, -0.2]), hint="reject negative probabilities")
    f.check_raises(ValueError, np.array([0.6, 0.6]), hint="reject a vector that does not sum to 1")
    f.check_raises(ValueError, np.array([0.5, 0.7, -0.2]),
                   hint="reject negative probabilities (this one sums to 1 and has no entry above "
                        "1): check p >= 0")
    f.check_raises(ValueError, np.array([[0.6, 0.6], [0.4, 0.4]]),
                   hint="every row of a batch must sum to 1 (check the sums along the last axis, "
                        "not the total)")


# --------------------------------------------------------------------------- #
# cross_entropy and kl_divergence
# --------------------------------------------------------------------------- #

cross_entropy = checks.exercise("cross_entropy", ref.cross_entropy, forbidden=ENTROPIES)

# zeros of q where p = 0 (they count 0) and where p > 0 (inf), in one batch
ZERO_P = np.array([[0.5, 0.5, 0.0], [0.2, 0.0, 0.8], [0.0, 1.0, 0.0], [0.3, 0.3, 0.4]])
ZERO_Q = np.array([[0.25, 0.75, 0.0], [0.0, 0.5, 0.5], [0.0, 1.0, 0.0], [0.2, 0.0, 0.8]])


@cross_entropy.part("values", points=3)
def cross_entropy_values(f, rng):
    # A fair-coin model of a certain outcome: -(1 log 1/2 + 0 log 1/2) = log 2.
    f.expect(np.log(2), np.array([1.0, 0.0]), np.array([0.5, 0.5]), rtol=1e-12, what="H(p, q)",
             hint="-sum p log q, natural log")
    # The model says impossible what happens: infinite surprise.
    f.expect(np.inf, np.array([0.5, 0.5]), np.array([1.0, 0.0]), what="H(p, q)",
             hint="log 0 = -inf: the result is inf")
    # A term with p = 0 counts 0 even where q = 0: H(p, p) = H(p) = log 2 here.
    f.expect(np.log(2), np.array([0.5, 0.5, 0.0]), np.array([0.5, 0.5, 0.0]), rtol=1e-12,
             what="H(p, p)", hint="terms with p_i = 0 count 0, not 0 * (-inf) = nan")
    for shape in [(4,), (5, 3), (3, 6), (2, 3, 4)]:
        p = distributions(rng, shape)
        q = distributions(rng, shape, zeros=0.0)          # q > 0 everywhere: the result is finite
        f.check(p, q, rtol=1e-12, hint="-sum p log q over the last axis, natural log; p (the data) "
                "comes first")
    f.check(ZERO_P, ZERO_Q, rtol=1e-12, hint="inf where q = 0 < p; a term with p = 0 counts 0, "
            "even where q = 0")
    f.check(np.array([0.1, 0.9]), np.array([0.8, 0.2]), rtol=1e-12,
            hint="H(p, q) is not symmetric: p first")
    f.check(distributions(rng, (1, 5)), distributions(rng, (1, 5), zeros=0.0), rtol=1e-12,
            hint=BATCH_OF_ONE)


def distribution_errors(f):
    """The ValueErrors shared by cross_entropy and kl_divergence (two distributions)."""
    f.check_raises(ValueError, np.array([0.5, 0.5]), np.array([0.2, 0.3, 0.5]),
                   hint="p and q must have the same shape")
    f.check_raises(ValueError, np.full((4, 3), 1 / 3), np.full(3, 1 / 3),
                   hint="compare the shapes of p and q: (4, 3) and (3,) broadcast, but they differ")
    f.check_raises(ValueError, np.array([0.5, 0.6]), np.array([0.5, 0.5]), hint="p must sum to 1")
    f.check_raises(ValueError, np.array([0.5, 0.5]), np.array([0.5, 0.6]), hint="q must sum to 1")
    f.check_raises(ValueError, np.array([1.5, -0.5]), np.array([0.5, 0.5]),
                   hint="p must be non-negative")
    f.check_raises(ValueError, np.array([0.5, 0.5]), np.array([1.5, -0.5]),
                   hint="q must be non-negative")
    f.check_raises(ValueError, np.array([0.5, 0.3, 0.2]), np.array([0.6, 0.6, -0.2]),
                   hint="q must be non-negative (this q sums to 1 and has no entry above 1): "
                        "check q >= 0")
    f.check_raises(ValueError, np.array([0.6, 0.6, -0.2]), np.array([0.2, 0.3, 0.5]),
                   hint="p must be non-negative (this p sums to 1 and has no entry above 1): "
                        "check p >= 0")
    f.check_raises(ValueError, np.array([[0.7, 0.7], [0.3, 0.3]]), np.array([[0.5, 0.5], [0.5, 0.5]]),
                   hint="every row of p must sum to 1 (check the sums along the last axis, not the "
                        "total)")
    f.check_raises(ValueError, np.array([[0.5, 0.5], [0.5, 0.5]]), np.array([[0.7, 0.7], [0.3, 0.3]]),
                   hint="every row of q must sum to 1 (check the sums along the last axis, not the "
                        "total)")


@cross_entropy.part("errors", points=1)
def cross_entropy_errors(f, rng):
    distribution_errors(f)


kl_divergence = checks.exercise("kl_divergence", ref.kl_divergence, forbidden=ENTROPIES)


@kl_divergence.part("values", points=3)
def kl_divergence_values(f, rng):
    p = np.array([0.2, 0.3, 0.5])
    f.expect(0.0, p, p, atol=0.0, what="KL(p || p)", hint="KL(p || p) is exactly 0")
    # A certain outcome judged by a fair coin: 1 log(1 / (1/2)) = log 2.
    f.expect(np.log(2), np.array([1.0, 0.0]), np.array([0.5, 0.5]), rtol=1e-12, what="KL(p || q)",
             hint="sum p log(p / q); terms with p = 0 count 0")
    # The other direction: the coin's mass on an outcome p calls impossible: inf.
    f.expect(np.inf, np.array([0.5, 0.5]), np.array([1.0, 0.0]), what="KL(p || q)",
             hint="q = 0 < p gives inf")
    for shape in [(4,), (5, 3), (3, 6), (2, 3, 4)]:
        f.check(distributions(rng, shape), distributions(rng, shape, zeros=0.0), rtol=1e-10,
                atol=1e-14, hint="sum p log(p / q) (not q log(q / p), not H(p) - H(p, q)); terms "
                "with p = 0 count 0")
    f.check(ZERO_P, ZERO_Q, rtol=1e-12, hint="inf where q = 0 < p; a term with p = 0 counts 0, "
            "even where q = 0")
    f.check(distributions(rng, (1, 5)), distributions(rng, (1, 5), zeros=0.0), rtol=1e-10,
            atol=1e-14, hint=BATCH_OF_ONE)
    # exactly 0 for equal distributions
    p = distributions(rng, (6, 5))
    kl = np.asarray(f(p, p.copy()))
    if not np.all(kl == 0.0):
        fail("KL(p || p) should be exactly 0 for every row.", expected="zeros",
             received=str(kl), hint="compute p log(p / q) with p / q = 1 exactly, or subtract the "
             "same terms: KL(p || p) = 0 with no round-off")
    # never negative: nearly equal pairs, where the plain sum is often -1e-17 by round-off
    # (200 rows: a formula without the clip goes negative on some of them)
    p = distributions(rng, (200, 5))
    q = p * (1 + 1e-15 * rng.standard_normal(p.shape))
    q = q / q.sum(axis=1, keepdims=True)
    kl = np.asarray(f(p, q))
    if np.any(kl < 0):
        fail("kl_divergence returned a negative value for nearly equal p and q.",
             expected="KL >= 0 on every row", received=f"{np.sum(kl < 0)} negative values, "
             f"the smallest {kl.min():.3g}",
             hint="Gibbs' inequality says KL >= 0; round-off can make the sum -1e-17: clip it "
                  "with np.maximum(kl, 0.0)")
    f.check(p, q, atol=1e-14, hint="nearly equal distributions: the divergence is (almost) 0")


@kl_divergence.part("errors", points=1)
def kl_divergence_errors(f, rng):
    distribution_errors(f)


# --------------------------------------------------------------------------- #
# softmax and log_softmax
# --------------------------------------------------------------------------- #

softmax = checks.exercise("softmax", ref.softmax, forbidden=SOFTMAXES)


@softmax.part("values", points=2)
def softmax_values(f, rng):
    # Equal logits give a uniform distribution.
    f.expect(np.full(4, 0.25), np.array([2.0, 2.0, 2.0, 2.0]), rtol=1e-12,
             what="softmax of equal logits")
    # Logits that differ by log 3 give odds 3 : 1.
    f.expect(np.array([0.75, 0.25]), np.array([np.log(3.0), 0.0]), rtol=1e-12, what="softmax",
             hint="exp(z_i) / sum_j exp(z_j)")
    # Along axis 0, each column sums to 1.
    f.expect(np.full((2, 2), 0.5), np.array([[0.0, 1.0], [0.0, 1.0]]), axis=0, rtol=1e-12,
             what="softmax along axis 0", hint="use the axis argument")
    f.check(rng.normal(size=6), rtol=1e-12, hint="exp of the (shifted) logits divided by their sum")
    f.check(rng.normal(size=(4, 7)) * 3, rtol=1e-12,
            hint="each row must sum to 1: normalise over the last axis")
    f.check(rng.normal(size=(3, 5)), axis=0, rtol=1e-12,
            hint="with axis=0 each column sums to 1: take the max and the sum along `axis`, with "
                 "keepdims=True")
    f.check(rng.normal(size=(2, 3, 4)), axis=1, rtol=1e-12,
            hint="use the axis argument for the max and the sum")
    f.check(rng.normal(size=(2, 3, 4)), axis=-2, rtol=1e-12,
            hint="use the axis argument for the max and the sum")
    f.check(rng.normal(size=(1, 5)), rtol=1e-12, hint="a batch of one row is still a batch")
    require_array(f(rng.normal(size=(3, 4))), "softmax")


@softmax.part("stable", points=2)
def softmax_stable(f, rng):
    # Large equal logits: exp(1000) = inf, so shift by the maximum first.
    f.expect(np.array([0.5, 0.5]), np.array([1000.0, 1000.0]), rtol=1e-12,
             what="softmax of large equal logits", hint="subtract the maximum logit before np.exp")
    f.check(np.array([[20.0, 0.0, 0.0], [1000.0, 0.0, 0.0]]), rtol=1e-12,
            hint="shift every row by its own maximum: exp(1000) overflows")
    f.check(np.array([[-1000.0, -1001.0], [1000.0, 0.0]]), rtol=1e-12,
            hint="shift each row by ITS OWN maximum (keepdims=True), not by the maximum of the "
                 "whole array: the first row underflows to 0 / 0")
    f.check(np.array([[-1000.0, -1001.0], [1000.0, 0.0]]).T, axis=0, rtol=1e-12,
            hint="shift each slice along `axis` by its own maximum")
    # logits of size 1e4 are known to about 1e4 * 2.2e-16 = 2e-12 absolute, so a correct softmax
    # written another way (exp(z - LSE(z)), 1 / sum_j exp(z_j - z_i)) agrees with the reference to
    # about 1e-12 relative only
    f.check(rng.normal(size=(4, 6)) * 1e4, rtol=1e-10,
            hint="logits of size 1e4 must give finite probabilities")
    f.check(np.array([-1e4, -1e4 + 1.0, -1e4 - 2.0]), rtol=1e-10,
            hint="very negative logits: shift by the maximum")


log_softmax = checks.exercise("log_softmax", ref.log_softmax, forbidden=SOFTMAXES)


@log_softmax.part("values", points=3)
def log_softmax_values(f, rng):
    # Equal logits: every class has probability 1/4, log-probability -log 4.
    f.expect(np.full(4, -np.log(4)), np.array([5.0, 5.0, 5.0, 5.0]), rtol=1e-12,
             what="log_softmax of equal logits")
    # The second class is e^-1000 times less likely: log-probabilities
    # [-log(1 + e^-1000), -1000 - log(1 + e^-1000)] = [0, -1000] in float64.
    f.expect(np.array([0.0, -1000.0]), np.array([0.0, -1000.0]), rtol=1e-12, what="log_softmax",
             hint="np.log(softmax(z)) gives -inf here: use (z - m) - log(sum(exp(z - m)))")
    f.check(rng.normal(size=6), rtol=1e-12, hint="(z - m) - log(sum(exp(z - m)))")
    f.check(rng.normal(size=(4, 7)) * 3, rtol=1e-12, hint="over the last axis: one log-sum-exp per row")
    f.check(rng.normal(size=(3, 5)), axis=0, rtol=1e-12, hint="use the axis argument, with keepdims=True")
    f.check(rng.normal(size=(2, 3, 4)), axis=1, rtol=1e-12,
            hint="use the axis argument, with keepdims=True")
    f.check(np.array([[0.0, -1000.0, -2000.0], [-5.0, 0.0, -800.0]]), rtol=1e-12,
            hint="np.log(softmax(z)) underflows to -inf: use the log-sum-exp trick")
    f.check(np.array([[-1000.0, -1001.0], [1000.0, 0.0]]), rtol=1e-12,
            hint="shift each row by its own maximum, not by the maximum of the whole array")
    f.check(rng.normal(size=(4, 6)) * 1e4, rtol=1e-12,
            hint="logits of size 1e4: shift by the maximum before exp")
    f.check(rng.normal(size=(5, 3)) * 1e4, axis=0, rtol=1e-12, hint="shift each slice along `axis`")
    require_array(f(rng.normal(size=(3, 4))), "log_softmax")


# --------------------------------------------------------------------------- #
# softmax_cross_entropy
# --------------------------------------------------------------------------- #

softmax_cross_entropy = checks.exercise("softmax_cross_entropy", ref.softmax_cross_entropy,
                                        forbidden=SOFTMAXES + LOSSES)


@softmax_cross_entropy.part("values", points=3)
def softmax_cross_entropy_values(f, rng):
    # Equal logits: every class has probability 1/10, so the loss is log 10 whatever the labels.
    f.expect(np.log(10), np.zeros((4, 10)), np.array([0, 3, 9, 9]), rtol=1e-12,
             what="the loss of uniform predictions",
             hint="mean over the batch of -log softmax at the true class")
    # Confidently wrong by a margin of 1000 in both rows: 1000 + log(1 + e^-1000) = 1000.
    f.expect(1000.0, np.array([[1000.0, 0.0], [0.0, 1000.0]]), np.array([1, 0]), rtol=1e-12,
             what="the loss of large logits", hint="use the log-sum-exp trick: log(softmax) gives "
             "inf here")
    for N, C in [(8, 5), (1, 3), (30, 10), (6, 2)]:
        f.check(rng.normal(size=(N, C)) * 2, rng.integers(0, C, size=N), rtol=1e-10, atol=1e-12,
                hint="the MEAN over the batch (not the sum) of -log softmax(z_n)[y_n]; pick one "
                     "entry per row with [np.arange(N), y]")
    f.check(rng.normal(size=(7, 4)) * 1e4, rng.integers(0, 4, size=7), rtol=1e-10,
            hint="logits of size 1e4: shift each row by its maximum (log-sum-exp trick)")
    f.check(np.array([[1000.0, 0.0, -1000.0], [3.0, 2.0, 1.0], [0.0, 0.0, 2000.0]]),
            np.array([2, 0, 1]), rtol=1e-10,
            hint="a true class with probability e^-2000 underflows in softmax: use log-sum-exp")
    f.check(rng.normal(size=(5, 3)), [0, 1, 2, 1, 0], rtol=1e-10, atol=1e-12,
            hint="accept labels as a list: np.asarray(y)")
    loss = f(rng.normal(size=(4, 3)), np.array([0, 2, 1, 1]))
    if not (isinstance(loss, (float, np.floating)) or (isinstance(loss, np.ndarray) and loss.ndim == 0)):
        fail(f"softmax_cross_entropy should return a float; got a {type(loss).__module__}."
             f"{type(loss).__name__}",
             hint="return float(...) of the mean (a torch tensor needs .item())")


@softmax_cross_entropy.part("errors", points=1)
def softmax_cross_entropy_errors(f, rng):
    f.check_raises(ValueError, np.zeros((2, 3)), np.array([0, 3]),
                   hint="label 3 does not exist with 3 classes (0, 1, 2)")
    f.check_raises(ValueError, np.zeros((3, 4)), np.array([0, -1, 2]),
                   hint="-1 is a valid NumPy index but not a class: check 0 <= y < C yourself")
    f.check_raises(ValueError, np.zeros((3, 4)), np.array([0, 1, 4]), hint="labels must be below C = 4")
    f.check_raises(ValueError, np.zeros((3, 4)), np.array([0, 1]),
                   hint="y must have one label per row of logits")


# --------------------------------------------------------------------------- #
# The concept quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=2, questions=[
    Choice("q1", "A model q assigns probability 0 to an outcome that the data p produce with "
           "probability 0.1. What is H(p, q)?",
           {"a": "0", "b": "a large but finite number", "c": "infinity"}, answer="c",
           why="the surprise -log q of an outcome the model calls impossible is infinite, and it "
               "happens with probability 0.1 > 0, so the expected surprise is infinite."),
    Choice("q2", "Minimising the cross-entropy H(p, q) over the model q also minimises which "
           "quantity?", {"a": "H(p)", "b": "KL(p || q)", "c": "KL(q || p)", "d": "H(q)"},
           answer="b", why="H(p, q) = H(p) + KL(p || q) and H(p) does not depend on q."),
    Number("q3", "What is the entropy, in bits, of a fair six-sided die? (3 significant digits)",
           answer=float(np.log2(6)), rtol=2e-3, why="log2 6 = 2.585 bits: six equally likely "
                                                     "outcomes."),
    Choice("q4", "Why does softmax subtract the maximum logit of each row before exponentiating?",
           {"a": "to make the probabilities sum to 1",
            "b": "so that exp never overflows, without changing the result",
            "c": "to make the largest probability equal to 1"}, answer="b",
           why="softmax(z - m) = softmax(z) for any constant m, and with m = max z every exponent "
               "is <= 0, so exp stays in [0, 1]."),
    Choice("q5", "Is KL(p || q) = KL(q || p) in general?", {"a": "yes", "b": "no"}, answer="b",
           why="KL is not symmetric: the figure of the lesson shows the two directions differ, "
               "and one can be infinite while the other is finite."),
    Number("q6", "The loss of a 10-class classifier that predicts the uniform distribution, in "
           "nats (3 significant digits)?", answer=float(np.log(10)), rtol=2e-3,
           why="-log(1/10) = log 10 = 2.303 nats, whatever the labels."),
])
