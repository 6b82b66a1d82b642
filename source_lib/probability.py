"""Lesson 03: Gaussian log-density, maximum likelihood, Bernoulli NLL and categorical sampling."""

import numpy as np

from source_lib.validation import (as_float_array, check_positive, check_probability_vector,
                                   check_same_shape)

__all__ = [
    "gaussian_log_pdf",
    "gaussian_mle",
    "gaussian_nll_grad",
    "bernoulli_nll",
    "sample_categorical",
]

_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


def gaussian_log_pdf(x, mu, sigma):
    r"""Log-density of a normal distribution, elementwise.

    .. math:: \log \mathcal{N}(x; \mu, \sigma)
              = -\frac{(x - \mu)^2}{2 \sigma^2} - \log \sigma - \tfrac12 \log(2 \pi)

    Computed from this formula, never as ``log(pdf)``: the density underflows to
    0 about 38.6 standard deviations from the mean, but its logarithm is a
    parabola that stays finite.

    Parameters
    ----------
    x : array_like
        Points at which to evaluate the log-density.
    mu : array_like
        Mean(s); broadcast against ``x``.
    sigma : array_like
        Standard deviation(s), all > 0; broadcast against ``x`` and ``mu``.

    Returns
    -------
    ndarray
        The log-densities, of the broadcast shape of ``x``, ``mu`` and ``sigma``.

    Raises
    ------
    ValueError
        If an element of ``sigma`` is not > 0, or the shapes do not broadcast.
    """
    x = as_float_array(x, "x", min_size=0)
    mu = as_float_array(mu, "mu", min_size=0)
    sigma = np.asarray(sigma, dtype=np.float64)
    check_positive(sigma, "sigma")
    try:
        np.broadcast_shapes(x.shape, mu.shape, sigma.shape)
    except ValueError as err:
        raise ValueError(f"x, mu and sigma must broadcast together; got shapes {x.shape}, "
                         f"{mu.shape} and {sigma.shape}") from err
    z = (x - mu) / sigma
    return -0.5 * z**2 - np.log(sigma) - _HALF_LOG_2PI


def gaussian_mle(x):
    r"""Maximum-likelihood estimates of a normal distribution's mean and standard deviation.

    .. math:: \hat\mu = \frac1N \sum_{i=1}^N x_i, \qquad
              \hat\sigma = \sqrt{\frac1N \sum_{i=1}^N (x_i - \hat\mu)^2}

    The variance is divided by :math:`N`, not :math:`N - 1`: the maximum-likelihood
    estimate is the biased one.

    Parameters
    ----------
    x : array_like, shape (N,)
        The sample, at least one value.

    Returns
    -------
    mu_hat : float
        The sample mean.
    sigma_hat : float
        The square root of the mean squared deviation from ``mu_hat`` (0 for one value).

    Raises
    ------
    ValueError
        If ``x`` is not 1-D, is empty, or holds a NaN or infinity.
    """
    x = as_float_array(x, "x", ndim=1, min_size=1)
    mu_hat = x.mean()
    sigma_hat = np.sqrt(np.mean((x - mu_hat) ** 2))
    return float(mu_hat), float(sigma_hat)


def gaussian_nll_grad(x, mu, sigma):
    r"""Gradient of the mean negative log-likelihood of a sample under :math:`\mathcal{N}(\mu, \sigma^2)`.

    .. math:: L(\mu, \sigma) = \frac1N \sum_{i=1}^N \left[\log\sigma + \tfrac12\log(2\pi)
              + \frac{(x_i - \mu)^2}{2\sigma^2}\right]

    .. math:: \frac{\partial L}{\partial \mu} = \frac{\mu - \bar x}{\sigma^2}, \qquad
              \frac{\partial L}{\partial \sigma} = \frac1\sigma
              - \frac{1}{N \sigma^3} \sum_{i=1}^N (x_i - \mu)^2

    Parameters
    ----------
    x : array_like, shape (N,)
        The sample, at least one value.
    mu : float
        Mean at which to differentiate.
    sigma : float
        Standard deviation at which to differentiate (> 0).

    Returns
    -------
    d_mu : float
        :math:`\partial L / \partial \mu`.
    d_sigma : float
        :math:`\partial L / \partial \sigma`.

    Raises
    ------
    ValueError
        If ``x`` is not a non-empty 1-D array of finite numbers, ``mu`` is not a
        finite number or ``sigma`` is not > 0.
    """
    x = as_float_array(x, "x", ndim=1, min_size=1)
    mu = float(as_float_array(mu, "mu", ndim=0))
    check_positive(sigma, "sigma")
    if np.ndim(sigma) != 0:
        raise ValueError(f"sigma must be a single number; got shape {np.shape(sigma)}")
    sigma = float(sigma)
    d = x - mu
    d_mu = -np.mean(d) / sigma**2
    d_sigma = 1.0 / sigma - np.mean(d**2) / sigma**3
    return float(d_mu), float(d_sigma)


def bernoulli_nll(y, p, eps=1e-12):
    r"""Mean negative log-likelihood of 0/1 labels under Bernoulli probabilities (binary cross-entropy).

    .. math:: L = -\frac1N \sum_{i=1}^N \left[ y_i \log \tilde p_i
              + (1 - y_i) \log(1 - \tilde p_i) \right], \qquad
              \tilde p_i = \min(\max(p_i, \epsilon), 1 - \epsilon)

    The clipping keeps the loss finite when a probability is exactly 0 or 1.

    Parameters
    ----------
    y : array_like
        Labels, each 0 or 1.
    p : array_like
        Predicted probabilities that the label is 1, in [0, 1]; same shape as ``y``.
    eps : float
        Clipping margin, strictly between 0 and 0.5.

    Returns
    -------
    float
        The mean negative log-likelihood (in nats).

    Raises
    ------
    ValueError
        If a label is not 0 or 1, ``p`` leaves [0, 1], the shapes differ, an
        array is empty, or ``eps`` is not in (0, 0.5).
    """
    y = as_float_array(y, "y")
    p = as_float_array(p, "p")
    check_same_shape(y, p, "y", "p")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must contain only the labels 0 and 1")
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError("p must contain probabilities in [0, 1]")
    if not np.ndim(eps) == 0 or not 0 < float(eps) < 0.5:
        raise ValueError(f"eps must be a number strictly between 0 and 0.5; got {eps!r}")
    p = np.clip(p, eps, 1.0 - eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))



def sample_categorical(probs, size, rng):
    r"""Draw from a categorical distribution by inverse-CDF sampling.

    With the cumulative sums :math:`c_k = \sum_{j \le k} p_j` (the last one set to
    exactly 1) and a uniform draw :math:`u \in [0, 1)`, the sample is the
    category :math:`k` with :math:`c_{k-1} \le u < c_k`, i.e. the number of
    cumulative sums :math:`\le u`: ``np.searchsorted(c, u, side="right")``. A
    category of probability 0 has an empty interval and is never drawn.

    Parameters
    ----------
    probs : array_like, shape (K,)
        Probabilities of the categories 0..K-1: non-negative, summing to 1.
    size : int or tuple of int
        Number of draws, or the shape of the array of draws.
    rng : numpy.random.Generator
        Source of the uniform draws.

    Returns
    -------
    ndarray of int64
        Category indices in ``0..K-1``, of shape ``size``.

    Raises
    ------
    ValueError
        If ``probs`` is not a non-empty 1-D array of non-negative numbers that
        sum to 1.
    """
    probs = as_float_array(probs, "probs", ndim=1, min_size=1)
    check_probability_vector(probs, "probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]           # the last edge is exactly 1, whatever the rounding
    u = rng.random(size)
    return np.searchsorted(cdf, u, side="right").astype(np.int64)
