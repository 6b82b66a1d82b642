r"""Lesson 08: batch normalisation and dropout, as forward/backward layer pairs.

Both layers follow the pattern of lesson 05 (:mod:`source_lib.backprop`): a forward
function returns its output and a ``cache``, a backward function maps the upstream
gradient ``dout`` and that cache to the gradients of the inputs.

*Batch normalisation* standardises every feature over the batch, then scales and
shifts it with learned parameters :math:`\gamma` and :math:`\beta`:

.. math::
    \mu = \frac{1}{N}\sum_n x_n, \quad
    \sigma^2 = \frac{1}{N}\sum_n (x_n - \mu)^2, \quad
    \hat x_n = \frac{x_n - \mu}{\sqrt{\sigma^2 + \epsilon}}, \quad
    y_n = \gamma \odot \hat x_n + \beta .

In training it also keeps exponential moving averages of the batch statistics in a
``state`` dict, which evaluation uses instead of the batch's, exactly as
:class:`torch.nn.BatchNorm1d` does.

*Inverted dropout* zeroes every unit independently with probability ``p`` in
training and scales the survivors by :math:`1/(1-p)`, so that every unit keeps its
expected value and evaluation is the identity.

The module ends with a small multilayer perceptron built from these layers and those
of lesson 05, used by the lesson's demos (:func:`init_mlp`, :func:`mlp_loss`,
:func:`train_mlp`).
"""

import numpy as np

from source_lib import backprop as bp
from source_lib.validation import as_float_array

__all__ = [
    "batchnorm_forward",
    "batchnorm_backward",
    "dropout_forward",
    "dropout_backward",
    "new_batchnorm_state",
    "init_mlp",
    "mlp_loss",
    "train_mlp",
]


# --------------------------------------------------------------------------- #
# Argument checks
# --------------------------------------------------------------------------- #

def _check_vector(v, name, d, meaning="one per column of x"):
    v = as_float_array(v, name, ndim=1, min_size=0)
    if v.shape != (d,):
        raise ValueError(f"{name} must have shape ({d},), {meaning}; got {v.shape}")
    return v


def _check_state(state, d):
    if not isinstance(state, dict):
        raise ValueError("state must be a dict with the arrays 'running_mean' and "
                         f"'running_var'; got {type(state).__name__}")
    for key in ("running_mean", "running_var"):
        if key not in state:
            raise ValueError(f"state is missing {key!r}; start from new_batchnorm_state(D)")
        value = state[key]
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise ValueError(f"state[{key!r}] must be a float NumPy array (it is updated in "
                             f"place); got {type(value).__name__}")
        if value.shape != (d,):
            raise ValueError(f"state[{key!r}] must have shape ({d},), one entry per column "
                             f"of x; got {value.shape}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"state[{key!r}] must contain only finite numbers")
    if np.any(state["running_var"] < 0):
        raise ValueError("state['running_var'] must be >= 0")


def _check_fraction(value, name, low_open=False, high_open=False):
    try:
        value = float(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a number; got {type(value).__name__}") from err
    low_ok = value > 0 if low_open else value >= 0
    high_ok = value < 1 if high_open else value <= 1
    if not (np.isfinite(value) and low_ok and high_ok):
        interval = ("(" if low_open else "[") + "0, 1" + (")" if high_open else "]")
        raise ValueError(f"{name} must be in {interval}; got {value!r}")
    return value


# --------------------------------------------------------------------------- #
# Batch normalisation
# --------------------------------------------------------------------------- #

def new_batchnorm_state(D):
    """A fresh running state for :func:`batchnorm_forward`, as torch starts it.

    Parameters
    ----------
    D : int
        Number of features.

    Returns
    -------
    dict
        ``{"running_mean": zeros(D), "running_var": ones(D)}``.
    """
    if int(D) != D or D < 1:
        raise ValueError(f"D must be a positive integer; got {D!r}")
    return {"running_mean": np.zeros(int(D)), "running_var": np.ones(int(D))}


def batchnorm_forward(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    r"""Forward pass of batch normalisation over a batch of feature vectors.

    In training, every column of ``x`` is standardised with the statistics of the
    batch, the **biased** variance (divide by :math:`N`):

    .. math::
        \mu = \frac{1}{N}\sum_{n} x_n, \qquad
        \sigma^2 = \frac{1}{N}\sum_{n} (x_n - \mu)^2, \qquad
        \mathrm{out}_n = \gamma \odot \frac{x_n - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta,

    and the running statistics are updated as :class:`torch.nn.BatchNorm1d` updates
    them, with the **unbiased** variance of the batch:

    .. math::
        m \leftarrow (1 - \alpha)\, m + \alpha\, \mu, \qquad
        v \leftarrow (1 - \alpha)\, v + \alpha\, \frac{N}{N - 1}\, \sigma^2,

    where :math:`\alpha` is ``momentum``. In evaluation the running statistics
    :math:`m, v` replace :math:`\mu, \sigma^2` and ``state`` is left alone, so the
    layer is a fixed affine map of each example.

    Parameters
    ----------
    x : array_like, shape (N, D)
        A batch of ``N`` examples of ``D`` features.
    gamma, beta : array_like, shape (D,)
        Scale and shift, one per feature.
    state : dict
        ``"running_mean"`` and ``"running_var"``: float arrays of shape (D,)
        (see :func:`new_batchnorm_state`). In training the two arrays are updated
        **in place** (like torch's buffers), so any other reference to them sees the
        new values; the dict keeps the same array objects.
    train : bool
        Training mode (batch statistics, state updated) or evaluation mode
        (running statistics, state unchanged).
    momentum : float
        Weight :math:`\alpha \in [0, 1]` of the new batch in the running averages
        (torch's convention: 0 keeps the old values, 1 keeps only the last batch).
    eps : float
        :math:`\epsilon > 0`, added to the variance before the square root.

    Returns
    -------
    out : ndarray, shape (N, D)
    cache : dict
        What :func:`batchnorm_backward` needs: the normalised input ``xhat``,
        ``gamma``, the inverse standard deviation ``inv_std`` (D,) and ``train``.

    Raises
    ------
    ValueError
        If ``x`` is not 2-D, ``gamma``, ``beta`` or a running statistic does not
        have shape (D,), ``state`` lacks a key, ``momentum`` is outside [0, 1],
        ``eps`` is not positive, or a training batch has fewer than 2 rows (its
        unbiased variance would be undefined; torch refuses it too).
    """
    x = as_float_array(x, "x", ndim=2, min_size=0)
    n, d = x.shape
    gamma = _check_vector(gamma, "gamma", d)
    beta = _check_vector(beta, "beta", d)
    _check_state(state, d)
    momentum = _check_fraction(momentum, "momentum")
    eps = float(eps)
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be finite and > 0; got {eps!r}")

    if train:
        if n < 2:
            raise ValueError(f"x must have at least 2 rows in training (the running "
                             f"variance is unbiased); got {n}")
        mu = x.mean(axis=0)
        centred = x - mu
        var = np.mean(centred * centred, axis=0)
        running_mean, running_var = state["running_mean"], state["running_var"]
        running_mean *= 1.0 - momentum
        running_mean += momentum * mu
        running_var *= 1.0 - momentum
        running_var += momentum * var * (n / (n - 1))
    else:
        centred = x - state["running_mean"]
        var = state["running_var"]
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = centred * inv_std
    out = gamma * xhat + beta
    return out, {"xhat": xhat, "gamma": gamma, "inv_std": inv_std, "train": bool(train)}


def batchnorm_backward(dout, cache):
    r"""Backward pass of batch normalisation.

    With :math:`g = \partial L/\partial\,\mathrm{out}` and
    :math:`\hat g = \gamma \odot g`, in training (where :math:`\mu` and
    :math:`\sigma^2` depend on every example of the batch)

    .. math::
        \frac{\partial L}{\partial x_n} = \frac{1}{N\sqrt{\sigma^2 + \epsilon}}
        \Big(N \hat g_n - \sum_k \hat g_k - \hat x_n \odot \sum_k \hat g_k \odot \hat x_k\Big),

    and in evaluation (fixed statistics) simply
    :math:`\hat g_n / \sqrt{v + \epsilon}`. In both modes

    .. math::
        \frac{\partial L}{\partial \gamma} = \sum_n g_n \odot \hat x_n, \qquad
        \frac{\partial L}{\partial \beta} = \sum_n g_n .

    Parameters
    ----------
    dout : array_like, shape (N, D)
        Gradient of the loss with respect to the layer's output.
    cache : dict
        The cache returned by :func:`batchnorm_forward`.

    Returns
    -------
    dx : ndarray, shape (N, D)
    dgamma : ndarray, shape (D,)
    dbeta : ndarray, shape (D,)

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward output.
    """
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    dout = as_float_array(dout, "dout", ndim=2, min_size=0)
    if dout.shape != xhat.shape:
        raise ValueError(f"dout must have the shape of the forward output {xhat.shape}; "
                         f"got {dout.shape}")
    n = xhat.shape[0]
    dgamma = np.sum(dout * xhat, axis=0)
    dbeta = dout.sum(axis=0)
    dxhat = dout * gamma
    if cache["train"]:
        dx = (inv_std / n) * (n * dxhat - dxhat.sum(axis=0)
                              - xhat * np.sum(dxhat * xhat, axis=0))
    else:
        dx = dxhat * inv_std
    return dx, dgamma, dbeta


# --------------------------------------------------------------------------- #
# Dropout
# --------------------------------------------------------------------------- #

def dropout_forward(x, p, train=True, rng=None):
    r"""Forward pass of inverted dropout.

    In training every entry is kept independently with probability :math:`1 - p`
    and the survivors are scaled so that every entry keeps its expected value:

    .. math::
        m_i \sim \mathrm{Bernoulli}(1 - p), \qquad
        \mathrm{out}_i = \frac{m_i\, x_i}{1 - p}, \qquad
        \mathbb{E}[\mathrm{out}_i] = x_i .

    In evaluation the layer is the identity.

    Parameters
    ----------
    x : array_like
        Input of any shape.
    p : float
        Probability of **dropping** a unit (torch's convention), in [0, 1).
    train : bool
        Training mode (random mask) or evaluation mode (identity).
    rng : numpy.random.Generator, optional
        Source of the mask; required in training when ``p > 0``.

    Returns
    -------
    out : ndarray, the shape of ``x``
    cache : dict
        ``"p"``, ``"train"`` and the boolean ``"mask"`` of kept units (None in
        evaluation), what :func:`dropout_backward` needs.

    Raises
    ------
    ValueError
        If ``p`` is not in [0, 1), or ``rng`` is missing in training with
        ``p > 0``.
    """
    p = _check_fraction(p, "p", high_open=True)
    x = as_float_array(x, "x", min_size=0)
    if not train:
        return x.copy(), {"p": p, "train": False, "mask": None}
    if p == 0:
        mask = np.ones(x.shape, dtype=bool)
    else:
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator in training; got "
                             f"{type(rng).__name__}")
        mask = rng.random(x.shape) >= p
    out = np.where(mask, x / (1.0 - p), 0.0)
    return out, {"p": p, "train": True, "mask": mask}


def dropout_backward(dout, cache):
    r"""Backward pass of inverted dropout: the forward pass's own mask, scaled.

    .. math:: \frac{\partial L}{\partial x_i} = \frac{m_i}{1 - p}\,
              \frac{\partial L}{\partial\,\mathrm{out}_i}

    with the mask :math:`m` drawn by the forward pass (never a new one); in
    evaluation the gradient passes unchanged.

    Parameters
    ----------
    dout : array_like
        Upstream gradient, the shape of the forward input.
    cache : dict
        The cache returned by :func:`dropout_forward`.

    Returns
    -------
    dx : ndarray, the shape of ``dout``

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward input.
    """
    dout = as_float_array(dout, "dout", min_size=0)
    if not cache["train"]:
        return dout.copy()
    mask, p = cache["mask"], cache["p"]
    if dout.shape != mask.shape:
        raise ValueError(f"dout must have the shape of the forward input {mask.shape}; "
                         f"got {dout.shape}")
    return np.where(mask, dout / (1.0 - p), 0.0)


# --------------------------------------------------------------------------- #
# A multilayer perceptron for the lesson's demos
# --------------------------------------------------------------------------- #

BN_PLACEMENTS = (None, "before", "after")


def init_mlp(sizes, rng, bn=False, weight_scale=None):
    r"""Random parameters of a ReLU multilayer perceptron, with BatchNorm parameters.

    Layer :math:`l` maps ``sizes[l-1]`` features to ``sizes[l]``; its weights are
    drawn from :math:`\mathcal{N}(0, s^2)` with He's :math:`s = \sqrt{2/\mathrm{fan\_in}}`
    (lesson 06) unless ``weight_scale`` is given, biases start at zero, and every
    hidden layer gets :math:`\gamma = 1`, :math:`\beta = 0` if ``bn``.

    Parameters
    ----------
    sizes : sequence of int
        ``[D, H_1, ..., H_{L-1}, C]``: input size, hidden widths, number of classes.
    rng : numpy.random.Generator
    bn : bool
        Also create ``gamma{l}`` and ``beta{l}`` for every hidden layer.
    weight_scale : float, optional
        Standard deviation of every weight instead of He's.

    Returns
    -------
    dict
        ``W1, b1, ..., WL, bL`` (and ``gamma1, beta1, ...`` for the hidden layers).
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must hold at least two positive sizes; got {sizes}")
    params = {}
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        scale = np.sqrt(2.0 / fan_in) if weight_scale is None else float(weight_scale)
        params[f"W{l}"] = scale * rng.standard_normal((fan_in, fan_out))
        params[f"b{l}"] = np.zeros(fan_out)
        if bn and l < len(sizes) - 1:
            params[f"gamma{l}"] = np.ones(fan_out)
            params[f"beta{l}"] = np.zeros(fan_out)
    return params


def _num_layers(params):
    return sum(1 for k in params if k.startswith("W"))


def mlp_loss(params, X, y=None, *, bn=None, p_drop=0.0, state=None, train=False, rng=None,
             return_hidden=False):
    r"""Scores, or loss and gradients, of a ReLU MLP with optional BatchNorm and dropout.

    Every hidden layer :math:`l` computes, for ``bn="before"`` (the placement of the
    original paper) and ``bn="after"`` respectively,

    .. math::
        h_l = \mathrm{drop}\big(\mathrm{relu}(\mathrm{BN}(h_{l-1} W_l + b_l))\big)
        \quad\text{or}\quad
        h_l = \mathrm{drop}\big(\mathrm{BN}(\mathrm{relu}(h_{l-1} W_l + b_l))\big),

    without BN if ``bn`` is None; the last layer is affine and gives the logits,
    and the loss is the mean softmax cross-entropy.

    Parameters
    ----------
    params : dict
        From :func:`init_mlp`. Not modified.
    X : ndarray, shape (N, D)
    y : ndarray of int, shape (N,), optional
        Labels; without them only the scores are returned.
    bn : {None, "before", "after"}
        Where BatchNorm sits relative to the ReLU.
    p_drop : float
        Dropout probability after every hidden layer (training only).
    state : dict, optional
        Running BatchNorm statistics per hidden layer, ``state[l]`` as in
        :func:`batchnorm_forward`; updated in place in training. Created if None.
    train : bool
        Training mode (batch statistics, dropout) or evaluation mode.
    rng : numpy.random.Generator, optional
        Draws the dropout masks.
    return_hidden : bool
        With ``y`` None, also return the list of the inputs of every hidden
        layer's ReLU (the affine output, or the BatchNorm output for
        ``bn="before"``), for the demos.

    Returns
    -------
    scores : ndarray, shape (N, C)
        If ``y`` is None (and the pre-activations if ``return_hidden``).
    loss, grads : float, dict
        Otherwise; ``grads`` keyed like ``params``.
    """
    if bn not in BN_PLACEMENTS:
        raise ValueError(f"bn must be one of {BN_PLACEMENTS}; got {bn!r}")
    L = _num_layers(params)
    if bn is not None and state is None:
        state = {l: new_batchnorm_state(params[f"b{l}"].shape[0]) for l in range(1, L)}
    h, caches, hidden = X, [], []
    for l in range(1, L):
        z, c_aff = bp.affine_forward(h, params[f"W{l}"], params[f"b{l}"])
        layer = [("affine", c_aff)]
        ops = {"before": ("bn", "relu"), "after": ("relu", "bn"), None: ("relu",)}[bn]
        for op in ops:
            if op == "bn":
                z, c = batchnorm_forward(z, params[f"gamma{l}"], params[f"beta{l}"], state[l],
                                         train=train)
            else:
                hidden.append(z)
                z, c = bp.relu_forward(z)
            layer.append((op, c))
        if p_drop > 0:
            z, c = dropout_forward(z, p_drop, train=train, rng=rng)
            layer.append(("drop", c))
        caches.append(layer)
        h = z
    scores, c_last = bp.affine_forward(h, params[f"W{L}"], params[f"b{L}"])
    if y is None:
        return (scores, hidden) if return_hidden else scores

    loss, dscores = bp.softmax_loss(scores, y)
    grads = {}
    dh, grads[f"W{L}"], grads[f"b{L}"] = bp.affine_backward(dscores, c_last)
    for l in range(L - 1, 0, -1):
        for op, c in reversed(caches[l - 1]):
            if op == "drop":
                dh = dropout_backward(dh, c)
            elif op == "relu":
                dh = bp.relu_backward(dh, c)
            elif op == "bn":
                dh, grads[f"gamma{l}"], grads[f"beta{l}"] = batchnorm_backward(dh, c)
            else:
                dh, grads[f"W{l}"], grads[f"b{l}"] = bp.affine_backward(dh, c)
    return loss, grads


def train_mlp(params, X, y, X_val=None, y_val=None, *, bn=None, p_drop=0.0, lr=0.1, epochs=10,
              batch_size=32, rng=None, progress=False, record=None):
    r"""Train :func:`mlp_loss`'s network with minibatch SGD.

    Each epoch shuffles the training set and takes one step
    :math:`\theta \leftarrow \theta - \eta \nabla_\theta L` per batch; batches of a
    single example are dropped when BatchNorm is used (their variance is 0).
    Accuracies are measured in evaluation mode (running statistics, no dropout).

    Parameters
    ----------
    params : dict
        Initial parameters from :func:`init_mlp`; a copy is trained.
    X, y, X_val, y_val : ndarray
        Training and (optional) validation data.
    bn, p_drop : see :func:`mlp_loss`
    lr : float
        Learning rate.
    epochs, batch_size : int
    rng : numpy.random.Generator
        Shuffles the batches and draws the dropout masks.
    progress : bool
        Show a progress bar over the epochs.
    record : callable, optional
        ``record(params, state)`` is called before the first step and after every
        step; what it returns is kept in ``history["record"]``.

    Returns
    -------
    params : dict
        Trained parameters.
    state : dict or None
        Running BatchNorm statistics (None without BatchNorm).
    history : dict
        ``"loss"``: the minibatch loss of every step (training mode); ``"train_acc"``,
        ``"train_loss"``, ``"val_acc"`` and ``"val_loss"``: accuracy and mean
        cross-entropy after every epoch, in evaluation mode.
    """
    from tqdm.auto import trange

    if rng is None:
        raise ValueError("rng must be a numpy.random.Generator")
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    L = _num_layers(params)
    state = None if bn is None else {
        l: new_batchnorm_state(params[f"b{l}"].shape[0]) for l in range(1, L)}
    n = len(y)
    history = {"loss": [], "train_acc": [], "train_loss": [], "val_acc": [], "val_loss": [],
               "record": []}
    if record is not None:
        history["record"].append(record(params, state))
    for _ in trange(epochs, desc="epochs", disable=not progress, leave=False):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            if bn is not None and len(idx) < 2:
                continue
            loss, grads = mlp_loss(params, X[idx], y[idx], bn=bn, p_drop=p_drop, state=state,
                                   train=True, rng=rng)
            for k in grads:
                params[k] -= lr * grads[k]
            history["loss"].append(loss)
            if record is not None:
                history["record"].append(record(params, state))
        for split, (inputs, labels) in (("train", (X, y)), ("val", (X_val, y_val))):
            if inputs is not None:
                scores = mlp_loss(params, inputs, bn=bn, state=state)
                history[f"{split}_acc"].append(bp.accuracy(scores, labels))
                history[f"{split}_loss"].append(bp.softmax_loss(scores, labels)[0])
    return params, state, history
