"""Checks of lesson 05 (backpropagation): the affine and ReLU layers, forward and backward (each
backward fed the cache of the learner's OWN forward function, whatever its layout), the softmax
cross-entropy and its gradient, and the two-layer network's scores, loss and gradients.

Every check compares with ``source_lib.backprop`` or with a value derived by hand in a comment.
Labels are integer arrays only: whether integer-valued float labels are accepted is neither
required nor tested (CURRICULUM, conventions).
"""

import numpy as np

from source_lib import backprop as ref
from source_lib.checks import STANDARD, Choice, Lesson, Number
from source_lib.testing import ExerciseFailure, assert_close, describe, fail

checks = Lesson("05_backpropagation")

# Routines that compute a softmax or a cross-entropy: the exercise is to write them.
SOFTMAX_SHORTCUTS = [
    "scipy.special.softmax",
    "scipy.special.log_softmax",
    "torch.softmax",
    "torch.log_softmax",
    "torch.special.softmax",
    "torch.special.log_softmax",
    "torch.nn.functional.softmax",
    "torch.nn.functional.log_softmax",
    "torch.nn.functional.cross_entropy",
    "torch.nn.functional.nll_loss",
    "torch.Tensor.softmax",
    "torch.Tensor.log_softmax",
]
# The network's backward pass is written by hand, not left to torch's autograd
# (loss.backward() runs torch.autograd.backward, and is caught when it does).
AUTOGRAD_SHORTCUTS = [
    "torch.autograd.backward",
    "torch.autograd.grad",
]

affine_forward = checks.exercise("affine_forward", ref.affine_forward)
affine_backward = checks.exercise("affine_backward", ref.affine_backward)
relu_forward = checks.exercise("relu_forward", ref.relu_forward)
relu_backward = checks.exercise("relu_backward", ref.relu_backward)
# scipy.special.logsumexp is the exercise of lesson 04 and a fair tool here
softmax_loss = checks.exercise("softmax_loss", ref.softmax_loss, forbidden=SOFTMAX_SHORTCUTS,
                               imports=("numpy", "scipy") + STANDARD)
two_layer_net = checks.exercise("two_layer_net", ref.two_layer_net, forbidden=AUTOGRAD_SHORTCUTS)


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #

def _arrays(**named):
    """``name=value`` pairs for a failure message (small arrays in full)."""
    return ", ".join(f"{name}={describe(value)}" for name, value in named.items())


def _tuple_of(result, n, name, what, inputs):
    """``result`` if it is a tuple (or list) of ``n`` items; otherwise a failure."""
    if not (isinstance(result, (tuple, list)) and len(result) == n):
        fail(f"{name} must return a tuple {what}.", inputs=inputs,
             expected=f"a tuple of {n} values {what}", received=describe(result),
             hint=f"end with `return {what.strip('()')}`")
    return result


def _forward(f, args, inputs):
    """Call a forward function (the proxy ``f``); return its ``(out, cache)``."""
    out, cache = _tuple_of(f(*args), 2, f.name, "(out, cache)", inputs)
    return out, cache


def _own_cache(f, forward, args, inputs):
    """The cache that the learner's own ``forward`` returns for ``args``, for ``f`` (a backward)."""
    try:
        return _forward(f.other(forward), args, inputs)[1]
    except ExerciseFailure as err:
        fail(f"{f.name} is checked with the cache of your {forward}, which failed:\n"
             + "\n".join("  " + line for line in str(err).splitlines()),
             hint=f"make {forward} pass its own checks first")


def _scalar(value, what, inputs, hint):
    """Fail unless ``value`` is a single number (not an array of shape (1,))."""
    if np.ndim(value) != 0 or np.asarray(value).dtype.kind not in "biuf":
        fail(f"{what} must be a single number.", inputs=inputs, expected="a float",
             received=describe(value), hint=hint)


def _random_layer(rng, N, D, M):
    return rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)


def _random_params(rng, D, H, C):
    return {"W1": rng.normal(size=(D, H)), "b1": rng.normal(size=H),
            "W2": rng.normal(size=(H, C)), "b2": rng.normal(size=C)}


# --------------------------------------------------------------------------- #
# affine_forward
# --------------------------------------------------------------------------- #

@affine_forward.part("values", points=3)
def affine_forward_values(f, rng):
    # X @ W for X = [[1, 2]] and W = [[1, 0, 1], [0, 1, 1]] is [[1, 2, 3]]; adding b = [0, 0, 1]
    # gives [[1, 2, 4]].
    X, W = np.array([[1.0, 2.0]]), np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    b = np.array([0.0, 0.0, 1.0])
    inputs = _arrays(X=X, W=W, b=b)
    out, _ = _forward(f, (X, W, b), inputs)
    assert_close(out, np.array([[1.0, 2.0, 4.0]]), what="out returned by affine_forward",
                 inputs=inputs,
                 hint="out = X @ W + b, shape (N, M): keep the row axis even for N = 1")
    # Two rows, the same bias added to every row: [[1*2 + 10, 1*3 + 20], [-1*2 + 10, -1*3 + 20]].
    X, W, b = np.array([[1.0], [-1.0]]), np.array([[2.0, 3.0]]), np.array([10.0, 20.0])
    inputs = _arrays(X=X, W=W, b=b)
    out, _ = _forward(f, (X, W, b), inputs)
    assert_close(out, np.array([[12.0, 23.0], [8.0, 17.0]]), what="out returned by affine_forward",
                 inputs=inputs, hint="the bias (one entry per output column) is added to every row")
    # Random layers; the square one (6, 6, 6) makes X @ W.T give the right shape, wrong values.
    for N, D, M in [(1, 1, 1), (4, 3, 5), (6, 6, 6), (7, 2, 1), (3, 9, 4)]:
        X, W, b = _random_layer(rng, N, D, M)
        inputs = _arrays(X=X, W=W, b=b)
        out, _ = _forward(f, (X, W, b), inputs)
        assert_close(out, ref.affine_forward(X, W, b)[0], rtol=1e-12, atol=1e-14,
                     what="out returned by affine_forward", inputs=inputs,
                     hint="out = X @ W + b, with the bias (one entry per column of W) added to "
                          "every row")


@affine_forward.part("errors", points=1)
def affine_forward_errors(f, rng):
    f.check_raises(ValueError, rng.normal(size=(2, 3)), rng.normal(size=(4, 5)), rng.normal(size=5),
                   hint="W must have as many rows as X has columns: compare W.shape[0] with "
                        "X.shape[1]")
    f.check_raises(ValueError, rng.normal(size=(2, 3)), rng.normal(size=(3, 5)), rng.normal(size=4),
                   hint="b must have one entry per column of W")
    f.check_raises(ValueError, rng.normal(size=(2, 3)), rng.normal(size=(3, 5)), rng.normal(size=1),
                   hint="b must have shape (M,), one entry per column of W: a b of shape (1,) "
                        "broadcasts silently, so check b.shape yourself")


# --------------------------------------------------------------------------- #
# affine_backward (fed the learner's own affine_forward cache)
# --------------------------------------------------------------------------- #

AFFINE_HINTS = {
    "dX": "dX = dout @ W.T has the shape of X (N, D); dout @ W (no transpose) is the usual slip",
    "dW": "dW = X.T @ dout has the shape of W (D, M); dout.T @ X or X @ dout.T give the "
          "transposed or wrong matrix",
    "db": "db = dout summed over the batch, axis 0, shape (M,): not over axis 1, not the mean, "
          "no keepdims",
}


def _check_affine_backward(f, X, W, b, dout, expected, inputs):
    cache = _own_cache(f, "affine_forward", (X, W, b), inputs)
    got = _tuple_of(f(dout, cache), 3, "affine_backward", "(dX, dW, db)", inputs)
    for (label, hint), g, e in zip(AFFINE_HINTS.items(), got, expected):
        assert_close(g, e, rtol=1e-10, atol=1e-14, what=f"{label} returned by affine_backward",
                     inputs=inputs, hint=hint)


@affine_backward.part("values", points=4)
def affine_backward_values(f, rng):
    # With X = [[1, 2]] and dout = [[1, 0, 0]] only output 0 matters, so
    #   dX = dout @ W.T = column 0 of W, as a row: [[1, 0]]
    #   dW = X.T @ dout puts X into column 0:     [[1, 0, 0], [2, 0, 0]]
    #   db = dout summed over the batch:           [1, 0, 0]
    X, W, b = np.array([[1.0, 2.0]]), np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.zeros(3)
    dout = np.array([[1.0, 0.0, 0.0]])
    _check_affine_backward(f, X, W, b, dout,
                           (np.array([[1.0, 0.0]]), np.array([[1.0, 0.0, 0.0], [2.0, 0.0, 0.0]]),
                            np.array([1.0, 0.0, 0.0])),
                           _arrays(X=X, W=W, b=b, dout=dout) + " (your affine_forward's cache)")
    # Two examples, X = I: dX = dout @ W.T = [[1+2, 3+4], [1-2, 3-4]] = [[3, 7], [-1, -1]];
    # dW = X.T @ dout = dout; db sums the two rows of dout: [2, 0] (the mean would be [1, 0]).
    X, W, b = np.eye(2), np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros(2)
    dout = np.array([[1.0, 1.0], [1.0, -1.0]])
    _check_affine_backward(f, X, W, b, dout,
                           (np.array([[3.0, 7.0], [-1.0, -1.0]]), dout.copy(),
                            np.array([2.0, 0.0])),
                           _arrays(X=X, W=W, b=b, dout=dout) + " (your affine_forward's cache)")
    # Random layers; the square one (5, 5, 5) makes a transposed matrix or the wrong axis give
    # the right shape but wrong values, and (1, 1, 1) exposes a squeezed db.
    for N, D, M in [(1, 1, 1), (4, 3, 5), (5, 5, 5), (2, 7, 3), (6, 2, 2)]:
        X, W, b = _random_layer(rng, N, D, M)
        dout = rng.normal(size=(N, M))
        expected = ref.affine_backward(dout, ref.affine_forward(X, W, b)[1])
        _check_affine_backward(f, X, W, b, dout, expected,
                               f"random X {X.shape}, W {W.shape}, b {b.shape}, dout {dout.shape} "
                               "(your affine_forward's cache)")


# --------------------------------------------------------------------------- #
# relu_forward
# --------------------------------------------------------------------------- #

@relu_forward.part("values", points=1)
def relu_forward_values(f, rng):
    # max(0, x) elementwise: [[-2, 0, 3]] -> [[0, 0, 3]].
    x = np.array([[-2.0, 0.0, 3.0]])
    out, _ = _forward(f, (x,), _arrays(x=x))
    assert_close(out, np.array([[0.0, 0.0, 3.0]]), what="out returned by relu_forward",
                 inputs=_arrays(x=x), hint="out = max(0, x) elementwise (np.maximum, not np.max)")
    # Random inputs of several shapes (a 1-D one too) with exact zeros.
    for shape in [(7,), (5, 4), (2, 3, 4)]:
        x = rng.normal(size=shape)
        x[rng.random(shape) < 0.3] = 0.0
        inputs = f"random x of shape {shape} with exact zeros"
        out, _ = _forward(f, (x,), inputs)
        assert_close(out, ref.relu_forward(x)[0], rtol=1e-15, what="out returned by relu_forward",
                     inputs=inputs, hint="out = max(0, x): negative entries become 0, the others "
                                         "stay as they are, in a NEW array of the shape of x")


# --------------------------------------------------------------------------- #
# relu_backward (fed the learner's own relu_forward cache)
# --------------------------------------------------------------------------- #

def _check_relu_backward(f, x, dout, inputs, hint):
    cache = _own_cache(f, "relu_forward", (x,), inputs)
    expected = ref.relu_backward(dout, ref.relu_forward(x)[1])
    assert_close(f(dout, cache), expected, rtol=1e-15,
                 what="dx returned by relu_backward", inputs=inputs, hint=hint)


@relu_backward.part("values", points=2)
def relu_backward_values(f, rng):
    # The gate passes dout where x > 0 and blocks it where x < 0 and where x is exactly 0:
    # x = [[-1, 0, 2]], dout = [[5, 6, 7]] -> dx = [[0, 0, 7]].
    x, dout = np.array([[-1.0, 0.0, 2.0]]), np.array([[5.0, 6.0, 7.0]])
    _check_relu_backward(f, x, dout, _arrays(x=x, dout=dout) + " (your relu_forward's cache)",
                         "dx = dout * (x > 0): the gradient at exactly 0 is 0")
    # Tiny inputs of both signs: the gate is x > 0 exactly, with no tolerance.
    x = np.array([[1e-12, -1e-12, 1e-300], [-1e-300, 0.0, 2.0]])
    dout = rng.normal(size=x.shape)
    _check_relu_backward(f, x, dout, _arrays(x=x) + ", random dout (your relu_forward's cache)",
                         "a tiny positive input still passes the gradient: test x > 0 exactly, "
                         "not x > some tolerance")
    for with_zeros in (False, True):
        for shape in [(6,), (5, 4), (2, 3, 4)]:
            x = rng.normal(size=shape)
            if with_zeros:
                x[rng.random(shape) < 0.3] = 0.0
                x.flat[0] = 0.0
            dout = rng.normal(size=shape)
            _check_relu_backward(
                f, x, dout,
                f"random x and dout of shape {shape}"
                + (" with exact zeros in x" if with_zeros else "") + " (your relu_forward's cache)",
                "the gradient where x is exactly 0 must be 0: test x > 0, not x >= 0" if with_zeros
                else "dx = dout * (x > 0): pass the upstream gradient through where the input "
                     "was positive, and 0 elsewhere")


# --------------------------------------------------------------------------- #
# softmax_loss
# --------------------------------------------------------------------------- #

def _check_softmax_loss(f, logits, y, loss, dlogits, inputs, hint, rtol=1e-9):
    got = _tuple_of(f(logits, y), 2, "softmax_loss", "(loss, dlogits)", inputs)
    _scalar(got[0], "the loss returned by softmax_loss", inputs,
            "the loss is the mean over the batch, a single number (no keepdims)")
    assert_close(got[0], loss, rtol=rtol, atol=1e-12, what="the loss", inputs=inputs, hint=hint)
    assert_close(got[1], dlogits, rtol=rtol, atol=1e-14, what="dlogits", inputs=inputs, hint=hint)


@softmax_loss.part("values", points=3)
def softmax_loss_values(f, rng):
    # Equal logits give p = 1/C for every class, so the loss is log(C) = log 4 and
    # dlogits = (1/C - onehot) / N with N = 2. The labels differ (1 and 3): subtracting 1 in
    # whole columns (d[:, y] -= 1) instead of once per row shows.
    logits, y = np.zeros((2, 4)), np.array([1, 3])
    expected = np.full((2, 4), 0.25)
    expected[[0, 1], [1, 3]] -= 1.0
    _check_softmax_loss(f, logits, y, np.log(4.0), expected / 2, _arrays(logits=logits, y=y),
                        "the loss is the MEAN over the batch of -log p[n, y[n]] (divide by N once, "
                        "not by N * C); dlogits = (softmax - onehot) / N, one 1 subtracted per row "
                        "at its own label, the softmax taken along each row (axis 1)")
    # logits [[0, log 3]]: p = [1, 3] / 4, so with y = [1] the loss is -log(3/4) = log(4/3) and
    # dlogits = p - onehot = [[1/4, -1/4]].
    logits, y = np.array([[0.0, np.log(3.0)]]), np.array([1])
    _check_softmax_loss(f, logits, y, np.log(4.0 / 3.0), np.array([[0.25, -0.25]]),
                        _arrays(logits=logits, y=y),
                        "p = exp(z) / sum(exp(z)) along the row; the loss is -log p[y]; "
                        "dlogits = p - onehot(y) for N = 1")
    for N, C, scale in [(1, 3, 1.0), (5, 4, 1.0), (8, 10, 3.0), (3, 1, 1.0), (6, 2, 0.1),
                        (4, 5, 10.0)]:
        logits = scale * rng.normal(size=(N, C))
        y = rng.integers(0, C, size=N)
        loss, dlogits = ref.softmax_loss(logits, y)
        _check_softmax_loss(f, logits, y, loss, dlogits,
                            f"random logits of shape {(N, C)} (scale {scale}), labels {y}",
                            "the loss is the MEAN over the batch (divide by N) of -log p[n, y[n]], "
                            "with the softmax taken along each row; dlogits = (softmax(logits) - "
                            "onehot(y)) / N: subtract 1 at the true class of every row, and divide "
                            "by N")


@softmax_loss.part("stable", points=1)
def softmax_loss_stable(f, rng):
    # Row 0: true class 1 scores 1000 below the max, so its loss is 1000 + log(1 + e^-1000) = 1000.
    # Row 1: true class 0 scores 2000 below the max, loss 2000. The mean is 1500. In each row the
    # probabilities are (numerically) one-hot on the larger score, so dlogits = (P - Y) / 2.
    # The rows are 4000 apart: one shift by the global maximum underflows row 1 to exp(-4000) = 0.
    logits, y = np.array([[1000.0, 0.0], [-5000.0, -3000.0]]), np.array([1, 0])
    hint = ("shift EACH ROW by its own maximum (keepdims=True), and compute log-probabilities as "
            "shifted - log(sum(exp(shifted))); log(softmax) underflows to log(0)")
    _check_softmax_loss(f, logits, y, 1500.0, np.array([[0.5, -0.5], [-0.5, 0.5]]),
                        _arrays(logits=logits, y=y), hint)
    for N, C, scale in [(6, 5, 1e3), (4, 3, 1e4)]:
        # rows thousands apart: one shift for the whole array is not enough
        logits = scale * rng.normal(size=(N, C)) + 3 * scale * rng.normal(size=(N, 1))
        y = rng.integers(0, C, size=N)
        loss, dlogits = ref.softmax_loss(logits, y)
        _check_softmax_loss(f, logits, y, loss, dlogits,
                            f"logits of shape {(N, C)} and size ~{scale:g}, rows far apart, "
                            f"labels {y}", hint)


@softmax_loss.part("errors", points=1)
def softmax_loss_errors(f, rng):
    count = "y must hold exactly one label per row of logits: compare len(y) with N"
    f.check_raises(ValueError, rng.normal(size=(3, 4)), np.array([0, 1]), hint=count)
    f.check_raises(ValueError, rng.normal(size=(2, 4)), np.array([0, 1, 2]), hint=count)
    f.check_raises(ValueError, rng.normal(size=(3, 4)), np.array([0, -1, 2]),
                   hint="a negative label is invalid (NumPy would silently read it from the end)")
    f.check_raises(ValueError, rng.normal(size=(3, 4)), np.array([0, 4, 2]),
                   hint="labels must be smaller than the number of classes C: 4 is not a class "
                        "of 4 columns (0, 1, 2, 3)")


# --------------------------------------------------------------------------- #
# two_layer_net
# --------------------------------------------------------------------------- #

def _hand_network():
    # W1 = identity and b1 = [0, 0.5]; W2 maps hidden unit 1 to [2, 0, 1] and unit 2 to
    # [5, 5, 6]; b2 = [0, 1, 0].
    return {"W1": np.eye(2), "b1": np.array([0.0, 0.5]),
            "W2": np.array([[2.0, 0.0, 1.0], [5.0, 5.0, 6.0]]), "b2": np.array([0.0, 1.0, 0.0])}


HAND = ("the hand-sized network W1 = I, b1 = [0, 0.5], W2 = [[2, 0, 1], [5, 5, 6]], "
        "b2 = [0, 1, 0]")


@two_layer_net.part("values", points=2)
def two_layer_net_scores(f, rng):
    hint = ("with y None, return scores = relu(X @ W1 + b1) @ W2 + b2: the ReLU sits between the "
            "two affine layers, not on the input or on the scores")
    # X = [[1, -1]] gives Z1 = [1, -0.5], so H = [1, 0] (the second hidden unit is off) and
    # S = H @ W2 + b2 = [2, 0, 1] + [0, 1, 0] = [2, 1, 1].
    f.expect(np.array([[2.0, 1.0, 1.0]]), _hand_network(), np.array([[1.0, -1.0]]),
             what="the scores", hint=hint)
    # A second row [-1, 2]: Z1 = [-1, 2.5], H = [0, 2.5],
    # S = 2.5 * [5, 5, 6] + b2 = [12.5, 13.5, 15].
    f.expect(np.array([[2.0, 1.0, 1.0], [12.5, 13.5, 15.0]]), _hand_network(),
             np.array([[1.0, -1.0], [-1.0, 2.0]]), what="the scores", hint=hint)
    for N, D, H, C in [(1, 3, 4, 2), (6, 5, 7, 4), (9, 2, 8, 3)]:
        params, X = _random_params(rng, D, H, C), rng.normal(size=(N, D))
        f.check(params, X, rtol=1e-10, atol=1e-13, hint=hint)
        f.check(params, X, None, rtol=1e-10, atol=1e-13, hint=hint)
        f.check(params, X, y=None, reg=0.5, rtol=1e-10, atol=1e-13,
                hint=hint + "; reg does not change the scores")


def _check_loss(f, params, X, y, reg, loss, grads, inputs, hint):
    kwargs = {"reg": reg} if reg else {}
    result = f(params, X, y, **kwargs)
    if not (isinstance(result, (tuple, list)) and len(result) == 2
            and isinstance(result[1], dict)):
        fail("with labels y, two_layer_net must return a pair (loss, grads) with grads a dict.",
             inputs=inputs, expected="(loss, {'W1': ..., 'b1': ..., 'W2': ..., 'b2': ...})",
             received=describe(result),
             hint="test `if y is None:` (not `if not y` or `y == None`) and return (loss, grads) "
                  "otherwise")
    got_loss, got_grads = result
    _scalar(got_loss, "the loss returned by two_layer_net", inputs, "the loss is a single number")
    assert_close(got_loss, loss, rtol=1e-10, atol=1e-12, what="the loss", inputs=inputs, hint=hint)
    assert_close(got_grads, grads, rtol=1e-9, atol=1e-13, what="grads", inputs=inputs, hint=hint)


@two_layer_net.part("loss", points=4)
def two_layer_net_loss(f, rng):
    e = np.e
    params, X = _hand_network(), np.array([[1.0, -1.0]])
    # With y = [0]: p = softmax([2, 1, 1]) = [e, 1, 1] / (e + 2), so the loss is
    # -log p_0 = log(1 + 2/e) and dS = p - onehot = [-2, 1, 1] / (e + 2). Hidden unit 2 is off
    # (H = [1, 0]), so row 2 of dW2 = H.T @ dS is 0.
    # dH = dS @ W2.T = [-4 + 1, -10 + 5 + 6] / (e + 2) = [-3, 1] / (e + 2), but the ReLU gate
    # blocks unit 2: dZ1 = [-3, 0] / (e + 2), so db1 = dZ1 and
    # dW1 = X.T @ dZ1 = [[-3, 0], [3, 0]] / (e + 2).
    loss = np.log(1 + 2 / e)
    grads = {"W1": np.array([[-3.0, 0.0], [3.0, 0.0]]) / (e + 2),
             "b1": np.array([-3.0, 0.0]) / (e + 2),
             "W2": np.array([[-2.0, 1.0, 1.0], [0.0, 0.0, 0.0]]) / (e + 2),
             "b2": np.array([-2.0, 1.0, 1.0]) / (e + 2)}
    _check_loss(f, params, X, np.array([0]), 0.0, loss, grads,
                f"{HAND}, X = [[1, -1]], y = [0], reg = 0",
                "loss = mean softmax cross-entropy of the scores; grads come from softmax_loss -> "
                "affine_backward -> relu_backward -> affine_backward, and the ReLU blocks the "
                "gradient of the hidden unit that is off")
    # The same example twice (N = 2): the MEAN loss and the gradients are those of one copy.
    # Dividing by N twice (softmax_loss's dlogits already carries the 1/N) halves the gradients.
    X2, y2 = np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([0, 0])
    _check_loss(f, params, X2, y2, 0.0, loss, grads,
                f"{HAND}, X = [[1, -1], [1, -1]] (the same example twice), y = [0, 0], reg = 0",
                "two copies of one example have the same mean loss and gradients as one: divide "
                "by N exactly once (softmax_loss's dlogits already holds the 1/N, so do not "
                "divide dS or the gradients by N again)")
    # With reg = 1 the loss gains 0.5 * (sum W1^2 + sum W2^2) = 0.5 * (2 + 91) = 46.5, whatever N,
    # and each weight gradient gains reg * W; the biases are not regularised.
    grads_reg = {**grads, "W1": grads["W1"] + params["W1"], "W2": grads["W2"] + params["W2"]}
    _check_loss(f, params, X2, y2, 1.0, loss + 46.5, grads_reg,
                f"{HAND}, X = [[1, -1], [1, -1]], y = [0, 0], reg = 1",
                "add 0.5 * reg * (sum(W1**2) + sum(W2**2)) to the loss, not divided by N, and "
                "reg * W1, reg * W2 to the weight gradients; the biases are not regularised")
    for N, D, H, C in [(1, 3, 4, 2), (6, 5, 7, 4), (8, 4, 6, 3)]:
        params = _random_params(rng, D, H, C)
        X, y = rng.normal(size=(N, D)), rng.integers(0, C, size=N)
        for reg in (0.0, 0.37, 2.0):
            loss, grads = ref.two_layer_net(params, X, y, reg=reg)
            _check_loss(f, params, X, y, reg, loss, grads,
                        f"random params (D, H, C) = {(D, H, C)}, N = {N}, labels {y}, reg = {reg}",
                        "with reg > 0: the loss adds 0.5 * reg * (sum(W1**2) + sum(W2**2)) and the "
                        "weight gradients add reg * W1 and reg * W2; the biases are not "
                        "regularised" if reg else
                        "loss = mean softmax cross-entropy of the scores; grads come from "
                        "softmax_loss -> affine_backward -> relu_backward -> affine_backward")


# --------------------------------------------------------------------------- #
# Concept quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=2, questions=[
    Choice("q1", "For one example with logits z and label y, why is the gradient of "
                 "-log softmax(z)[y] with respect to z equal to p - onehot(y)?",
           {"a": "Because the softmax is a linear function of the logits.",
            "b": "Because -log p_y = -z_y + log sum_j exp(z_j): the first term contributes "
                 "-1 at the true class, and the derivative of the log-sum-exp with respect to "
                 "z_k is exp(z_k) / sum_j exp(z_j) = p_k.",
            "c": "Because the derivative of the log cancels the derivative of the exponential "
                 "in every entry, leaving a constant."},
           answer="b",
           why="Writing the loss as -z_y + logsumexp(z) splits it into a linear term and the "
               "log-sum-exp, whose gradient is the softmax itself; the mean over a batch "
               "then divides by N."),
    Number("q2", "A batch of N = 4 examples has equal logits over C = 5 classes. What is the "
                 "entry of dlogits = (P - Y) / N at an example's true class?",
           answer=-0.2, rtol=1e-6,
           why="Every p_k = 1/5, so (1/5 - 1) / 4 = -0.2."),
    Choice("q3", "Why is db in affine_backward the SUM of dout over the batch?",
           {"a": "To average out the noise of a minibatch.",
            "b": "Because NumPy's broadcasting cannot add a (N, M) gradient to b.",
            "c": "Because b is shared by every example: b_m feeds output m of every row with "
                 "derivative 1, and the chain rule sums over every output that b_m influences."},
           answer="c",
           why="A parameter used by every example collects one contribution per example, as "
               "dW = X.T @ dout does too."),
    Choice("q4", "A hidden ReLU unit has a negative pre-activation for every example of the "
                 "batch. What gradient reaches the weights feeding it (with reg = 0)?",
           {"a": "Zero: the ReLU gate blocks the gradient, so those weights do not move in "
                 "this step.",
            "b": "The same as for an active unit, since the weights still exist.",
            "c": "Minus the upstream gradient, since the unit's output is clipped."},
           answer="a",
           why="dZ1 = dH * 1[Z1 > 0] is 0 in that column, so its column of dW1 and its entry of "
               "db1 are 0: a unit that is off for every input is 'dead' for that batch."),
    Number("q5", "Dividing the step h of a central difference by 10 divides its truncation "
                 "error (ignoring rounding) by how much?",
           answer=100, rtol=1e-6,
           why="The central difference's error is about h^2 L''' / 6: order h^2, so 10 times "
               "smaller h gives 100 times smaller error."),
    Number("q6", "A network has P = 1,000,000 parameters. About how many evaluations of the "
                 "loss does a central-difference gradient of all of them take?",
           answer=2_000_000, rtol=1e-2,
           why="Two evaluations, L(theta + h e_i) and L(theta - h e_i), per parameter: 2P. "
               "Backpropagation costs about as much as two or three forward passes."),
    Number("q7", "With the penalty 0.5 * reg * sum(W**2) and reg = 0.1, how much does the "
                 "penalty add to the gradient of a weight whose value is 3?",
           answer=0.3, rtol=1e-6,
           why="d/dw of 0.5 * reg * w^2 is reg * w = 0.1 * 3 = 0.3; the 1/2 cancels the 2."),
])
