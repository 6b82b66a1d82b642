r"""Lesson 05: backpropagation through a two-layer network, by hand.

Every layer is a pair of functions. The forward function computes the layer's
output and returns it with a ``cache`` of what the backward pass will need; the
backward function receives the upstream gradient ``dout`` (the gradient of the
loss with respect to the layer's output) and that cache, and returns the gradient
of the loss with respect to each input of the forward function:

.. code-block:: python

    out, cache = affine_forward(X, W, b)
    ...
    dX, dW, db = affine_backward(dout, cache)

A gradient always has the shape of the quantity it differentiates. The network of
the lesson chains these pairs::

    X -> affine(W1, b1) -> ReLU -> affine(W2, b2) -> scores -> softmax cross-entropy

Names follow the maths: ``X`` is a batch of ``N`` inputs of ``D`` features (one per
row), ``W`` a weight matrix ``(D_in, D_out)``, ``b`` a bias ``(D_out,)``, ``y``
integer class labels, and ``dZ`` the gradient of the loss with respect to ``Z``.
"""

import numpy as np

from source_lib.validation import as_float_array

__all__ = [
    "affine_forward",
    "affine_backward",
    "relu_forward",
    "relu_backward",
    "softmax_loss",
    "two_layer_net",
    "init_two_layer_net",
    "accuracy",
    "rel_error",
    "train_two_layer_net",
]

PARAM_NAMES = ("W1", "b1", "W2", "b2")


# --------------------------------------------------------------------------- #
# Argument checks
# --------------------------------------------------------------------------- #

def _check_dim(size, expected, name, axis, meaning):
    if size != expected:
        raise ValueError(f"{name} must have {expected} {meaning} (axis {axis}); "
                         f"got {size}")


def _as_labels(y, n, num_classes, name="y"):
    """Return ``y`` as int64 class indices of length ``n`` in ``[0, num_classes)``."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class indices; got shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"{name} must hold one label per row of the scores ({n}); "
                         f"got {arr.shape[0]}")
    if arr.dtype.kind not in "iu":   # as lesson 04's softmax_cross_entropy: no float labels
        raise ValueError(f"{name} must hold integer class indices; got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise ValueError(f"{name} must hold class indices in [0, {num_classes - 1}]; "
                         f"got values in [{arr.min()}, {arr.max()}]")
    return arr.astype(np.int64, copy=False)


# --------------------------------------------------------------------------- #
# Affine (dense) layer
# --------------------------------------------------------------------------- #

def affine_forward(X, W, b):
    r"""Forward pass of an affine (dense, fully connected) layer.

    .. math:: \mathrm{out} = X W + \mathbf{1} b^\top,
              \qquad \mathrm{out}_{nm} = \sum_d X_{nd} W_{dm} + b_m

    Parameters
    ----------
    X : array_like, shape (N, D)
        A batch of ``N`` inputs, one per row.
    W : array_like, shape (D, M)
        Weights.
    b : array_like, shape (M,)
        Bias, added to every row.

    Returns
    -------
    out : ndarray, shape (N, M)
        The layer's output.
    cache : tuple
        ``(X, W, b)``, what :func:`affine_backward` needs.

    Raises
    ------
    ValueError
        If ``X`` or ``W`` is not 2-D, ``b`` not 1-D, or their shapes do not
        chain (``W`` must have as many rows as ``X`` has columns, ``b`` as many
        entries as ``W`` has columns).
    """
    X = as_float_array(X, "X", ndim=2, min_size=0)
    W = as_float_array(W, "W", ndim=2, min_size=0)
    b = as_float_array(b, "b", ndim=1, min_size=0)
    _check_dim(W.shape[0], X.shape[1], "W", 0, "rows, one per column of X")
    _check_dim(b.shape[0], W.shape[1], "b", 0, "entries, one per column of W")
    out = X @ W + b
    return out, (X, W, b)


def affine_backward(dout, cache):
    r"""Backward pass of an affine layer.

    With :math:`\mathrm{out} = XW + b` and upstream gradient
    :math:`G = \partial L / \partial\,\mathrm{out}`,

    .. math:: \frac{\partial L}{\partial X} = G W^\top, \qquad
              \frac{\partial L}{\partial W} = X^\top G, \qquad
              \frac{\partial L}{\partial b} = \sum_{n} G_{n,:}

    Parameters
    ----------
    dout : array_like, shape (N, M)
        Gradient of the loss with respect to the layer's output.
    cache : tuple
        The cache returned by :func:`affine_forward`.

    Returns
    -------
    dX : ndarray, shape (N, D)
    dW : ndarray, shape (D, M)
    db : ndarray, shape (M,)

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward output.
    """
    X, W, _ = cache
    dout = as_float_array(dout, "dout", ndim=2, min_size=0)
    if dout.shape != (X.shape[0], W.shape[1]):
        raise ValueError(f"dout must have the shape of the forward output "
                         f"{(X.shape[0], W.shape[1])}; got {dout.shape}")
    dX = dout @ W.T
    dW = X.T @ dout
    db = dout.sum(axis=0)
    return dX, dW, db


# --------------------------------------------------------------------------- #
# ReLU
# --------------------------------------------------------------------------- #

def relu_forward(x):
    r"""Forward pass of the rectified linear unit, elementwise.

    .. math:: \mathrm{relu}(x) = \max(0, x)

    Parameters
    ----------
    x : array_like
        Input of any shape.

    Returns
    -------
    out : ndarray
        ``max(0, x)``, the shape of ``x``.
    cache : ndarray
        The input ``x``, what :func:`relu_backward` needs.
    """
    x = as_float_array(x, "x", min_size=0)
    out = np.where(x > 0, x, 0.0)
    return out, x


def relu_backward(dout, cache):
    r"""Backward pass of the ReLU.

    .. math:: \frac{\partial L}{\partial x} = \frac{\partial L}{\partial\,\mathrm{out}}
              \odot \mathbb{1}[x > 0]

    ReLU is not differentiable at 0; like PyTorch, this uses the derivative 0
    there, so an input of exactly 0 passes no gradient.

    Parameters
    ----------
    dout : array_like
        Upstream gradient, the shape of the forward input.
    cache : ndarray
        The cache returned by :func:`relu_forward`.

    Returns
    -------
    dx : ndarray
        Gradient with respect to ``x``.

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward input.
    """
    x = cache
    dout = as_float_array(dout, "dout", min_size=0)
    if dout.shape != x.shape:
        raise ValueError(f"dout must have the shape of the forward input {x.shape}; "
                         f"got {dout.shape}")
    return np.where(x > 0, dout, 0.0)


# --------------------------------------------------------------------------- #
# Softmax cross-entropy
# --------------------------------------------------------------------------- #

def softmax_loss(logits, y):
    r"""Mean softmax cross-entropy of a batch and its gradient with respect to the logits.

    With :math:`p_{nk} = e^{z_{nk}} / \sum_j e^{z_{nj}}` and one-hot labels
    :math:`Y`,

    .. math:: L = -\frac{1}{N} \sum_{n} \log p_{n, y_n}, \qquad
              \frac{\partial L}{\partial z_{nk}} = \frac{p_{nk} - Y_{nk}}{N}

    Each row is shifted by its own maximum before exponentiating and the
    log-probabilities are formed as ``shifted - log(sum(exp(shifted)))``, so the
    result is finite for logits of any size.

    Parameters
    ----------
    logits : array_like, shape (N, C)
        Unnormalised scores, one row per example.
    y : array_like of int, shape (N,)
        Class indices in ``[0, C)``.

    Returns
    -------
    loss : float
        The mean cross-entropy (nats).
    dlogits : ndarray, shape (N, C)
        Gradient of ``loss`` with respect to ``logits``.

    Raises
    ------
    ValueError
        If ``logits`` is not 2-D with at least one row and column, ``y`` does
        not hold one label per row, or a label is outside ``[0, C)``.
    """
    logits = as_float_array(logits, "logits", ndim=2)
    n, c = logits.shape
    y = _as_labels(y, n, c)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_probs = shifted - log_norm
    rows = np.arange(n)
    loss = -log_probs[rows, y].mean()
    dlogits = np.exp(log_probs)
    dlogits[rows, y] -= 1.0
    dlogits /= n
    return float(loss), dlogits


# --------------------------------------------------------------------------- #
# The two-layer network
# --------------------------------------------------------------------------- #

def _check_params(params, X):
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict with keys {list(PARAM_NAMES)}; "
                         f"got {type(params).__name__}")
    missing = [k for k in PARAM_NAMES if k not in params]
    if missing:
        raise ValueError(f"params is missing {missing}; expected keys {list(PARAM_NAMES)}")
    W1 = as_float_array(params["W1"], "params['W1']", ndim=2)
    b1 = as_float_array(params["b1"], "params['b1']", ndim=1)
    W2 = as_float_array(params["W2"], "params['W2']", ndim=2)
    b2 = as_float_array(params["b2"], "params['b2']", ndim=1)
    _check_dim(W1.shape[0], X.shape[1], "params['W1']", 0, "rows, one per column of X")
    _check_dim(b1.shape[0], W1.shape[1], "params['b1']", 0, "entries, one per column of W1")
    _check_dim(W2.shape[0], W1.shape[1], "params['W2']", 0, "rows, one per column of W1")
    _check_dim(b2.shape[0], W2.shape[1], "params['b2']", 0, "entries, one per column of W2")
    return W1, b1, W2, b2


def two_layer_net(params, X, y=None, reg=0.0):
    r"""Scores, or loss and gradients, of a two-layer ReLU network.

    .. math::
        H = \mathrm{relu}(X W_1 + b_1), \qquad S = H W_2 + b_2, \qquad
        L = \mathrm{CE}(S, y) + \tfrac{\lambda}{2}\left(\lVert W_1\rVert_F^2
            + \lVert W_2\rVert_F^2\right)

    where CE is the mean softmax cross-entropy and :math:`\lambda` is ``reg``;
    the biases are not regularised. The gradients come from the backward pass
    ``softmax_loss -> affine_backward -> relu_backward -> affine_backward``,
    plus :math:`\lambda W` for each weight matrix.

    Parameters
    ----------
    params : dict
        ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, C), ``b2`` (C,). Not modified.
    X : array_like, shape (N, D)
        A batch of inputs.
    y : array_like of int, shape (N,), optional
        Class labels. If omitted, only the scores are computed.
    reg : float
        L2 regularisation strength :math:`\lambda \ge 0`.

    Returns
    -------
    scores : ndarray, shape (N, C)
        If ``y`` is None.
    loss, grads : float, dict
        Otherwise: the regularised loss and its gradient with respect to every
        parameter, keyed like ``params``.

    Raises
    ------
    ValueError
        If a parameter is missing or the shapes do not chain, ``y`` does not
        hold one valid label per row, or ``reg`` is negative.
    """
    X = as_float_array(X, "X", ndim=2)
    W1, b1, W2, b2 = _check_params(params, X)
    reg = float(reg)
    if not np.isfinite(reg) or reg < 0:
        raise ValueError(f"reg must be finite and >= 0; got {reg!r}")

    Z1, cache1 = affine_forward(X, W1, b1)
    H, cache_relu = relu_forward(Z1)
    scores, cache2 = affine_forward(H, W2, b2)
    if y is None:
        return scores

    data_loss, dscores = softmax_loss(scores, y)
    loss = data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dH, dW2, db2 = affine_backward(dscores, cache2)
    dZ1 = relu_backward(dH, cache_relu)
    _, dW1, db1 = affine_backward(dZ1, cache1)
    grads = {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}
    return float(loss), grads


# --------------------------------------------------------------------------- #
# Helpers for the lesson's demos
# --------------------------------------------------------------------------- #

def init_two_layer_net(input_dim, hidden_dim, num_classes, rng, weight_scale=None):
    r"""Random parameters for :func:`two_layer_net`.

    Weights are drawn from :math:`\mathcal{N}(0, s^2)` with
    :math:`s = \sqrt{2 / \mathrm{fan\_in}}` unless ``weight_scale`` is given
    (lesson 06 explains this choice); biases start at zero.

    Parameters
    ----------
    input_dim, hidden_dim, num_classes : int
        ``D``, ``H`` and ``C``.
    rng : numpy.random.Generator
        Source of randomness.
    weight_scale : float, optional
        Standard deviation of every weight, instead of the fan-in rule.

    Returns
    -------
    dict
        ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, C), ``b2`` (C,).
    """
    for value, name in ((input_dim, "input_dim"), (hidden_dim, "hidden_dim"),
                        (num_classes, "num_classes")):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")

    def scale(fan_in):
        return np.sqrt(2.0 / fan_in) if weight_scale is None else float(weight_scale)

    return {
        "W1": scale(input_dim) * rng.standard_normal((input_dim, hidden_dim)),
        "b1": np.zeros(hidden_dim),
        "W2": scale(hidden_dim) * rng.standard_normal((hidden_dim, num_classes)),
        "b2": np.zeros(num_classes),
    }


def accuracy(scores, y):
    """Fraction of rows of ``scores`` (N, C) whose largest entry is at the label ``y``."""
    scores = np.asarray(scores)
    return float(np.mean(np.argmax(scores, axis=1) == np.asarray(y)))


def rel_error(a, b):
    r"""Norm-wise relative error :math:`\lVert a - b\rVert / \max(\lVert a\rVert
    + \lVert b\rVert, 10^{-300})`, the usual figure of merit of a gradient check.

    It is 0 for equal arrays, at most 1, and does not blow up when both are tiny.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def train_two_layer_net(params, X, y, X_val=None, y_val=None, *, lr=0.1, reg=0.0, epochs=10,
                        batch_size=64, rng=None, net=None, progress=False):
    r"""Train a two-layer network with plain minibatch stochastic gradient descent.

    Every epoch shuffles the training set and, for each batch of ``batch_size``
    rows, takes one step :math:`\theta \leftarrow \theta - \eta\,\nabla_\theta L`
    for every parameter. Training stops early, with the last loss recorded as
    ``nan``, if the loss or a parameter stops being finite (a learning rate far too
    large).

    Parameters
    ----------
    params : dict
        Initial parameters (see :func:`init_two_layer_net`). Not modified: a
        copy is trained.
    X, y : ndarray
        Training inputs (N, D) and labels (N,).
    X_val, y_val : ndarray, optional
        Validation set, whose accuracy is recorded after every epoch.
    lr : float
        Learning rate :math:`\eta > 0`.
    reg : float
        L2 strength, passed to ``net``.
    epochs, batch_size : int
        Passes over the data and rows per step.
    rng : numpy.random.Generator
        Shuffles the batches.
    net : callable, optional
        ``net(params, X, y, reg) -> (loss, grads)`` and ``net(params, X) ->
        scores``; :func:`two_layer_net` by default (a learner may pass their own).
    progress : bool
        Show a progress bar over the epochs (``tqdm.auto``).

    Returns
    -------
    params : dict
        The trained parameters.
    history : dict
        ``"loss"``: the minibatch loss of every step; ``"train_acc"`` and
        ``"val_acc"``: accuracies after every epoch (``val_acc`` empty without a
        validation set); ``"diverged"``: whether training stopped early.
    """
    from tqdm.auto import trange

    if rng is None:
        raise ValueError("rng must be a numpy.random.Generator")
    if not lr > 0:
        raise ValueError(f"lr must be > 0; got {lr!r}")
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
    net = two_layer_net if net is None else net
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    n = len(y)
    history = {"loss": [], "train_acc": [], "val_acc": [], "diverged": False}
    for _ in trange(epochs, desc="epochs", disable=not progress, leave=False):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            with np.errstate(over="ignore", invalid="ignore"):
                try:
                    loss, grads = net(params, X[idx], y[idx], reg=reg)
                except ValueError:
                    # the reference rejects scores that overflowed to inf: that is divergence
                    if np.all(np.isfinite(net(params, X[idx]))):
                        raise
                    loss, grads = np.nan, {}
                for k in grads:
                    params[k] -= lr * grads[k]
            finite = np.isfinite(loss) and all(np.all(np.isfinite(p)) for p in params.values())
            history["loss"].append(float(loss) if finite else np.nan)
            if not finite:
                history["diverged"] = True
                return params, history
        history["train_acc"].append(accuracy(net(params, X), y))
        if X_val is not None:
            history["val_acc"].append(accuracy(net(params, X_val), y_val))
    return params, history
