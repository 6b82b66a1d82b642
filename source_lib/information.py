"""Lesson 04: entropy, cross-entropy, KL divergence, softmax and the classification loss.

Every quantity is in nats (natural logarithms) and is taken over the last axis of
its input, so a batch of distributions is a 2-D array with one distribution per
row. Divide by ``log(2)`` to get bits.
"""

import numpy as np

from source_lib.validation import as_float_array, check_probability_vector, check_same_shape

__all__ = [
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "softmax",
    "log_softmax",
    "softmax_cross_entropy",
]


# --------------------------------------------------------------------------- #
# Validation shared by the functions of this module
# --------------------------------------------------------------------------- #

def _distributions(p, name):
    """``p`` as a float array of probability vectors along its last axis."""
    p = as_float_array(p, name)
    if p.ndim == 0:
        raise ValueError(f"{name} must be a probability vector or a batch of them "
                         "(at least 1-D); got a scalar")
    check_probability_vector(p, name, axis=-1)
    return p


def _reduced(values):
    """A Python float for a single distribution, else the array of one value per row."""
    return float(values) if np.ndim(values) == 0 else values


def _logits(z, name):
    z = as_float_array(z, name)
    if z.ndim == 0:
        raise ValueError(f"{name} must be at least 1-D; got a scalar")
    return z


# --------------------------------------------------------------------------- #
# Entropy, cross-entropy and KL divergence
# --------------------------------------------------------------------------- #

def entropy(p):
    r"""Shannon entropy of a discrete distribution, in nats.

    .. math:: H(p) = -\sum_i p_i \log p_i, \qquad 0 \log 0 = 0

    The convention :math:`0 \log 0 = 0` is the limit of :math:`x \log x` as
    :math:`x \to 0`: an outcome that never happens adds no surprise.

    Parameters
    ----------
    p : array_like, shape (..., K)
        Probability vector(s) along the last axis: non-negative, summing to 1.

    Returns
    -------
    float or ndarray
        A float for a single vector (1-D ``p``); for a batch, an array of shape
        ``p.shape[:-1]`` with one entropy per distribution.

    Raises
    ------
    ValueError
        If ``p`` is a scalar, holds a negative or non-finite entry, or does not
        sum to 1 along its last axis.
    """
    p = _distributions(p, "p")
    positive = p > 0
    log_p = np.log(np.where(positive, p, 1.0))  # log 1 = 0 where p = 0
    return _reduced(0.0 - np.sum(p * log_p, axis=-1))  # 0.0 - x: never -0.0


def cross_entropy(p, q):
    r"""Cross-entropy of a model distribution ``q`` relative to a data distribution ``p``, in nats.

    .. math:: H(p, q) = -\sum_i p_i \log q_i

    Terms with :math:`p_i = 0` count 0 whatever :math:`q_i` is; the result is
    :math:`+\infty` where :math:`q_i = 0` for some :math:`p_i > 0` (the model
    calls impossible something that happens). No warning is printed.

    Parameters
    ----------
    p : array_like, shape (..., K)
        The data ("true") distribution(s) along the last axis.
    q : array_like, shape (..., K)
        The model distribution(s), same shape as ``p``.

    Returns
    -------
    float or ndarray
        A float for 1-D inputs, else an array of shape ``p.shape[:-1]``.

    Raises
    ------
    ValueError
        If ``p`` or ``q`` is not a valid probability vector (batch) along the
        last axis, or their shapes differ.
    """
    p = _distributions(p, "p")
    q = _distributions(q, "q")
    check_same_shape(p, q, "p", "q")
    positive = p > 0
    with np.errstate(divide="ignore"):  # log 0 = -inf is the intended value
        log_q = np.log(np.where(positive, q, 1.0))
    return _reduced(0.0 - np.sum(np.where(positive, p * log_q, 0.0), axis=-1))


def kl_divergence(p, q):
    r"""Kullback-Leibler divergence :math:`\mathrm{KL}(p \,\|\, q)`, in nats.

    .. math:: \mathrm{KL}(p \,\|\, q) = \sum_i p_i \log \frac{p_i}{q_i}
              = H(p, q) - H(p) \;\ge\; 0

    Terms with :math:`p_i = 0` count 0; the result is :math:`+\infty` where
    :math:`q_i = 0` for some :math:`p_i > 0`. It is exactly 0 when ``p == q``.

    Gibbs' inequality makes the exact value non-negative, but for two nearly
    equal distributions the rounding errors of the sum (about 1e-17) may come
    out slightly negative. The result is therefore clipped at 0, so that code
    relying on :math:`\mathrm{KL} \ge 0` (a square root, a logarithm) never
    sees a negative number.

    Parameters
    ----------
    p : array_like, shape (..., K)
        The distribution(s) the divergence is measured from (the data).
    q : array_like, shape (..., K)
        The approximating distribution(s) (the model), same shape as ``p``.

    Returns
    -------
    float or ndarray
        A float for 1-D inputs, else an array of shape ``p.shape[:-1]``.

    Raises
    ------
    ValueError
        If ``p`` or ``q`` is not a valid probability vector (batch) along the
        last axis, or their shapes differ.
    """
    p = _distributions(p, "p")
    q = _distributions(q, "q")
    check_same_shape(p, q, "p", "q")
    positive = p > 0
    with np.errstate(divide="ignore"):  # log 0 = -inf gives KL = +inf
        log_ratio = np.log(np.where(positive, p, 1.0)) - np.log(np.where(positive, q, 1.0))
    kl = np.sum(np.where(positive, p * log_ratio, 0.0), axis=-1)
    return _reduced(np.maximum(kl, 0.0))


# --------------------------------------------------------------------------- #
# Softmax and the log-sum-exp trick
# --------------------------------------------------------------------------- #

def softmax(z, axis=-1):
    r"""Softmax of logits along ``axis``, stable for logits of any size.

    .. math:: \mathrm{softmax}(z)_i = \frac{e^{z_i - m}}{\sum_j e^{z_j - m}},
              \qquad m = \max_j z_j

    Subtracting each slice's own maximum changes nothing mathematically
    (softmax is invariant to adding a constant to every logit) but keeps every
    exponent :math:`\le 0`, so nothing overflows and the largest term is 1.

    Parameters
    ----------
    z : array_like
        Logits, at least 1-D.
    axis : int
        The axis along which the result sums to 1.

    Returns
    -------
    ndarray
        Probabilities of the shape of ``z``.

    Raises
    ------
    ValueError
        If ``z`` is a scalar or holds NaN or infinity (``numpy.exceptions.AxisError``,
        a ValueError, for an axis out of range).
    """
    z = _logits(z, "z")
    shifted = z - np.max(z, axis=axis, keepdims=True)  # a new array: z is untouched
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    r"""Logarithm of the softmax along ``axis``, by the log-sum-exp trick.

    .. math:: \log \mathrm{softmax}(z)_i = z_i - \log \sum_j e^{z_j}
              = (z_i - m) - \log \sum_j e^{z_j - m}, \qquad m = \max_j z_j

    The sum on the right holds a term equal to 1, so its logarithm is between
    0 and :math:`\log K`: finite where ``log(softmax(z))`` would give
    :math:`-\infty` for a probability that underflows to 0.

    Parameters
    ----------
    z : array_like
        Logits, at least 1-D.
    axis : int
        The axis of the softmax.

    Returns
    -------
    ndarray
        Log-probabilities of the shape of ``z``, all :math:`\le 0`.

    Raises
    ------
    ValueError
        If ``z`` is a scalar or holds NaN or infinity.
    """
    z = _logits(z, "z")
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax_cross_entropy(logits, y):
    r"""Mean cross-entropy loss of a classifier's logits against integer labels.

    .. math:: L = \frac1N \sum_{n=1}^N -\log \mathrm{softmax}(z_n)_{y_n}
              = \frac1N \sum_{n=1}^N \Big( \log \sum_c e^{z_{nc}} - z_{n y_n} \Big)

    This is :math:`H(p, q)` averaged over the batch, with :math:`p` the one-hot
    distribution of the label and :math:`q` the softmax of the logits. It is
    computed with :func:`log_softmax`'s log-sum-exp trick, so it stays finite
    (and exact) for logits of any size.

    Parameters
    ----------
    logits : array_like, shape (N, C)
        One row of class scores per example.
    y : array_like of int, shape (N,)
        The true class of each example, in ``0, ..., C - 1``.

    Returns
    -------
    float
        The mean loss over the batch, in nats.

    Raises
    ------
    ValueError
        If ``logits`` is not 2-D, ``y`` is not a 1-D integer array of length
        ``N``, or a label is outside ``0, ..., C - 1``.
    """
    logits = as_float_array(logits, "logits", ndim=2)
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != logits.shape[0]:
        raise ValueError(f"y must be 1-D with one label per row of logits, shape "
                         f"({logits.shape[0]},); got shape {y.shape}")
    if y.dtype.kind not in "iu":
        raise ValueError(f"y must hold integer class indices; got dtype {y.dtype}")
    n_classes = logits.shape[1]
    if np.any(y < 0) or np.any(y >= n_classes):
        raise ValueError(f"labels in y must be in 0, ..., {n_classes - 1} "
                         f"(logits has {n_classes} columns); got values in "
                         f"[{y.min()}, {y.max()}]")
    log_q = log_softmax(logits, axis=1)
    return float(-np.mean(log_q[np.arange(logits.shape[0]), y]))
