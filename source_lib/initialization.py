r"""Lesson 06: initialisation and gradient flow.

A deep network multiplies its input by one weight matrix per layer, and its
backward pass multiplies the gradient by the transposes of the same matrices.
Each product scales the signal by a factor that depends on the variance of the
weights, so with :math:`L` layers activations and gradients grow or shrink like
a factor to the power :math:`L`. An initialiser picks the variance that makes the
factor 1:

=================  ============================================  ==============================
initialiser        variance of each weight                       keeps
=================  ============================================  ==============================
Xavier (Glorot)    :math:`2 / (n_\text{in} + n_\text{out})`      forward and backward variance
                                                                 of a linear / tanh layer, on
                                                                 average
He (Kaiming)       :math:`2 / n_\text{in}`                       forward variance of a ReLU layer
=================  ============================================  ==============================

A weight matrix has shape ``(fan_in, fan_out)`` (the course's convention: a
layer computes ``h @ W``), so ``fan_in`` is the number of rows. The networks here
have no biases: ``h_0 = X`` and ``h_l = act(h_{l-1} @ W_l)``.
"""

import numbers

import numpy as np

from source_lib.information import log_softmax, softmax
from source_lib.validation import as_float_array

__all__ = [
    "xavier_normal",
    "xavier_uniform",
    "he_normal",
    "activation_stds",
    "gradient_norms",
    "ACTIVATIONS",
]


#: The activations :func:`activation_stds` knows, by name.
ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "linear": lambda z: z,
}


# --------------------------------------------------------------------------- #
# Argument checks
# --------------------------------------------------------------------------- #

def _check_fans(fan_in, fan_out, rng):
    for name, value in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
                or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator (np.random.default_rng(seed)); "
                         f"got {type(rng).__name__}")
    return int(fan_in), int(fan_out)


def _check_network(X, weights):
    """``X`` as a 2-D float array and ``weights`` as a list of chained 2-D float arrays."""
    X = as_float_array(X, "X", ndim=2)
    if isinstance(weights, np.ndarray) or not isinstance(weights, (list, tuple)) or not weights:
        raise ValueError("weights must be a non-empty list of 2-D arrays, one per layer")
    Ws = [as_float_array(W, f"weights[{l}]", ndim=2) for l, W in enumerate(weights)]
    width = X.shape[1]
    for l, W in enumerate(Ws):
        if W.shape[0] != width:
            what = "X has" if l == 0 else f"weights[{l - 1}] has"
            raise ValueError(f"weights[{l}] must have {width} rows ({what} {width} columns); "
                             f"got shape {W.shape}")
        width = W.shape[1]
    return X, Ws


# --------------------------------------------------------------------------- #
# Initialisers
# --------------------------------------------------------------------------- #

def xavier_normal(fan_in, fan_out, rng):
    r"""Xavier (Glorot) normal initialisation of a weight matrix.

    .. math:: W_{ij} \sim \mathcal{N}\Big(0, \frac{2}{n_\text{in} + n_\text{out}}\Big)

    The forward pass keeps the variance of a linear layer's output when
    :math:`n_\text{in} \mathrm{Var}(W) = 1`, the backward pass keeps the variance
    of the gradient when :math:`n_\text{out} \mathrm{Var}(W) = 1`; Glorot and
    Bengio (2010) take the harmonic compromise.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and outputs of the layer, both >= 1.
    rng : numpy.random.Generator
        The source of randomness (NumPy's global state is not used).

    Returns
    -------
    ndarray, shape (fan_in, fan_out)
        The weights, float64.

    Raises
    ------
    ValueError
        If a fan is not a positive integer or ``rng`` is not a Generator.
    """
    fan_in, fan_out = _check_fans(fan_in, fan_out, rng)
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return std * rng.standard_normal((fan_in, fan_out))


def xavier_uniform(fan_in, fan_out, rng):
    r"""Xavier (Glorot) uniform initialisation of a weight matrix.

    .. math:: W_{ij} \sim \mathcal{U}(-a, a), \qquad
              a = \sqrt{\frac{6}{n_\text{in} + n_\text{out}}}

    A uniform variable on :math:`[-a, a]` has variance :math:`a^2 / 3`, so this
    has the variance :math:`2 / (n_\text{in} + n_\text{out})` of
    :func:`xavier_normal`.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and outputs of the layer, both >= 1.
    rng : numpy.random.Generator
        The source of randomness.

    Returns
    -------
    ndarray, shape (fan_in, fan_out)
        The weights, float64, all in :math:`[-a, a)`.

    Raises
    ------
    ValueError
        If a fan is not a positive integer or ``rng`` is not a Generator.
    """
    fan_in, fan_out = _check_fans(fan_in, fan_out, rng)
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    r"""He (Kaiming) normal initialisation of a weight matrix, for ReLU networks.

    .. math:: W_{ij} \sim \mathcal{N}\Big(0, \frac{2}{n_\text{in}}\Big)

    A ReLU keeps half of a symmetric pre-activation, so it halves its second
    moment; the factor 2 gives it back, and a ReLU network keeps the mean square
    of its activations from layer to layer (He et al., 2015).

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and outputs of the layer, both >= 1.
    rng : numpy.random.Generator
        The source of randomness.

    Returns
    -------
    ndarray, shape (fan_in, fan_out)
        The weights, float64.

    Raises
    ------
    ValueError
        If a fan is not a positive integer or ``rng`` is not a Generator.
    """
    fan_in, fan_out = _check_fans(fan_in, fan_out, rng)
    return np.sqrt(2.0 / fan_in) * rng.standard_normal((fan_in, fan_out))


# --------------------------------------------------------------------------- #
# Signal propagation
# --------------------------------------------------------------------------- #

def activation_stds(X, weights, activation):
    r"""Standard deviation of every layer's activations in a bias-free MLP.

    .. math:: h_0 = X, \qquad h_l = \phi(h_{l-1} W_l), \quad l = 1, \dots, L

    with :math:`\phi` applied after every layer, the last one included. The
    standard deviation of :math:`h_l` is taken over all its entries (examples
    and units together), as ``np.std`` does by default (divided by the number
    of entries, ``ddof=0``).

    Parameters
    ----------
    X : array_like, shape (N, D)
        A batch of inputs, one per row.
    weights : list of array_like
        ``weights[l]`` has shape ``(n_l, n_{l+1})`` with ``n_0 = D``.
    activation : {"relu", "tanh", "linear"}
        The non-linearity :math:`\phi`.

    Returns
    -------
    list of float
        ``[std(h_1), ..., std(h_L)]``, one value per layer.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, ``weights`` is empty or its shapes do not chain,
        or ``activation`` is not one of the three names.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}; got {activation!r}")
    h, Ws = _check_network(X, weights)
    phi = ACTIVATIONS[activation]
    stds = []
    for W in Ws:
        h = phi(h @ W)
        stds.append(float(np.std(h)))
    return stds


def gradient_norms(X, y, weights):
    r"""Frobenius norm of the loss gradient with respect to every weight matrix.

    The network is a bias-free MLP with a ReLU after every layer but the last,
    whose output is the logits, and the loss is the mean softmax cross-entropy:

    .. math::
        z_l = h_{l-1} W_l, \quad h_l = \max(z_l, 0) \ (l < L), \quad h_0 = X, \qquad
        \mathcal{L} = -\frac1N \sum_{n} \log \mathrm{softmax}(z_L)_{n, y_n}

    Backpropagation (lesson 05) gives, from the top down,

    .. math::
        \frac{\partial \mathcal{L}}{\partial z_L} = \frac{\mathrm{softmax}(z_L) - Y}{N}, \quad
        \frac{\partial \mathcal{L}}{\partial W_l} = h_{l-1}^\top \frac{\partial \mathcal{L}}{\partial z_l}, \quad
        \frac{\partial \mathcal{L}}{\partial z_{l-1}}
            = \Big(\frac{\partial \mathcal{L}}{\partial z_l} W_l^\top\Big) \odot [z_{l-1} > 0]

    with :math:`Y` the one-hot labels; the ReLU's derivative at exactly 0 is
    taken as 0 (as in torch).

    Parameters
    ----------
    X : array_like, shape (N, D)
        A batch of inputs.
    y : array_like of int, shape (N,)
        Class labels in ``0, ..., C - 1``, where ``C`` is the width of the last layer.
    weights : list of array_like
        ``weights[l]`` has shape ``(n_l, n_{l+1})`` with ``n_0 = D`` and ``n_L = C``.

    Returns
    -------
    list of float
        :math:`[\|\partial \mathcal{L} / \partial W_1\|_F, \dots,
        \|\partial \mathcal{L} / \partial W_L\|_F]`, first layer first.

    Raises
    ------
    ValueError
        If the shapes do not chain, ``y`` does not hold one integer label per
        row of ``X``, or a label is outside ``0, ..., C - 1``.
    """
    X, Ws = _check_network(X, weights)
    N, C = X.shape[0], Ws[-1].shape[1]
    y = np.asarray(y)
    if y.shape != (N,):
        raise ValueError(f"y must hold one label per row of X, shape ({N},); got shape {y.shape}")
    if y.dtype.kind not in "iu":
        raise ValueError(f"y must hold integer class indices; got dtype {y.dtype}")
    if N and (y.min() < 0 or y.max() >= C):
        raise ValueError(f"labels in y must be in 0, ..., {C - 1} (the last layer has {C} "
                         f"outputs); got values in [{y.min()}, {y.max()}]")

    # forward, keeping every layer's input h_{l-1} and pre-activation z_l
    inputs, pre = [], []
    h = X
    for l, W in enumerate(Ws):
        inputs.append(h)
        z = h @ W
        pre.append(z)
        h = np.maximum(z, 0.0) if l < len(Ws) - 1 else z

    # backward: dL/dz_L = (softmax - onehot) / N, then down through every layer
    dz = softmax(pre[-1], axis=1)
    dz[np.arange(N), y] -= 1.0
    dz /= N
    norms = [0.0] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        norms[l] = float(np.linalg.norm(inputs[l].T @ dz))
        if l > 0:
            dz = (dz @ Ws[l].T) * (pre[l - 1] > 0)
    return norms


def mean_cross_entropy(X, y, weights):
    """The loss whose gradients :func:`gradient_norms` measures (for demos and tests)."""
    X, Ws = _check_network(X, weights)
    h = X
    for W in Ws[:-1]:
        h = np.maximum(h @ W, 0.0)
    log_q = log_softmax(h @ Ws[-1], axis=1)
    return float(-np.mean(log_q[np.arange(X.shape[0]), np.asarray(y)]))
