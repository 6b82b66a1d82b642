"""Lesson 11: the function-space view of a network.

A network with one hidden layer of ReLUs on a scalar input is a truncated basis
expansion

.. math:: f(x) = \\sum_{k=1}^{K} a_k \\,\\mathrm{relu}(b_k x + c_k) + d ,

so fitting its output coefficients with the hidden layer fixed is linear regression
on the features :math:`\\mathrm{relu}(b_k x + c_k)`, and with a Gaussian prior on
the coefficients it is ridge regression. Depth composes such expansions, and each
composition can double the number of linear pieces: the tent map composed ``depth``
times has :math:`2^{\\text{depth}}` pieces, while a single hidden layer of :math:`K`
ReLUs has at most :math:`K + 1`.
"""

import numbers

import numpy as np

from source_lib.validation import as_float_array

__all__ = ["relu_features", "fit_ridge", "sawtooth", "count_linear_pieces"]


def relu_features(x, b, c):
    r"""The hidden layer of a one-input ReLU network, one column per unit.

    .. math:: \Phi_{nk} = \max(0,\; b_k x_n + c_k)

    Unit :math:`k` is zero left (or right) of its kink :math:`x = -c_k / b_k` and
    grows linearly with slope :math:`b_k` on the other side.

    Parameters
    ----------
    x : array_like, shape (N,)
        The inputs.
    b, c : array_like, shape (K,)
        The weights and biases of the K hidden units.

    Returns
    -------
    ndarray, shape (N, K)
        Row ``n`` holds the K features of ``x[n]``.

    Raises
    ------
    ValueError
        If ``x``, ``b`` or ``c`` is not 1-D, or ``b`` and ``c`` differ in length.
    """
    x = as_float_array(x, "x", ndim=1, min_size=0)
    b = as_float_array(b, "b", ndim=1, min_size=0)
    c = as_float_array(c, "c", ndim=1, min_size=0)
    if b.shape != c.shape:
        raise ValueError(f"b and c must have the same length K; got {b.shape} and {c.shape}")
    return np.maximum(0.0, np.outer(x, b) + c)


def fit_ridge(Phi, y, l2):
    r"""Ridge regression with an unpenalised bias.

    Minimises

    .. math:: \lVert \Phi a + d\,\mathbf{1} - y \rVert^2 + \lambda \lVert a \rVert^2

    over the coefficients :math:`a` and the bias :math:`d`. Setting the derivative
    with respect to :math:`d` to zero gives :math:`d = \bar y - \bar\Phi a` (the
    column means), and then, with the centred :math:`\Phi_c = \Phi - \bar\Phi` and
    :math:`y_c = y - \bar y`,

    .. math:: (\Phi_c^\top \Phi_c + \lambda I)\, a = \Phi_c^\top y_c .

    It is the posterior mode of :math:`a` for the model
    :math:`y_n = \Phi_n a + d + \varepsilon_n`, :math:`\varepsilon_n \sim
    \mathcal{N}(0, \sigma^2)`, prior :math:`a_k \sim \mathcal{N}(0, \tau^2)`, a flat
    prior on :math:`d` and :math:`\lambda = \sigma^2 / \tau^2`. With
    :math:`\lambda = 0` and rank-deficient :math:`\Phi_c` the minimiser is not
    unique; this function then returns the one of least norm :math:`\lVert a\rVert`.

    Parameters
    ----------
    Phi : array_like, shape (N, K)
        The features, one row per sample.
    y : array_like, shape (N,)
        The targets.
    l2 : float
        The penalty :math:`\lambda \ge 0` on the coefficients (not on the bias).

    Returns
    -------
    a : ndarray, shape (K,)
        The coefficients.
    d : float
        The bias.

    Raises
    ------
    ValueError
        If ``Phi`` is not 2-D, ``y`` is not 1-D with one target per row of ``Phi``,
        or ``l2`` is negative (or not a finite number).
    """
    Phi = as_float_array(Phi, "Phi", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if y.shape[0] != Phi.shape[0]:
        raise ValueError(f"y must hold one target per row of Phi, shape ({Phi.shape[0]},); "
                         f"got {y.shape}")
    if not isinstance(l2, numbers.Real) or not np.isfinite(l2) or l2 < 0:
        raise ValueError(f"l2 must be a finite number >= 0; got {l2!r}")
    Phi_mean, y_mean = Phi.mean(axis=0), y.mean()
    Phi_c, y_c = Phi - Phi_mean, y - y_mean
    K = Phi.shape[1]
    if l2 > 0:
        a = np.linalg.solve(Phi_c.T @ Phi_c + l2 * np.eye(K), Phi_c.T @ y_c)
    else:
        a = np.linalg.lstsq(Phi_c, y_c, rcond=None)[0]
    d = float(y_mean - Phi_mean @ a)
    return a, d


def _tent(x):
    """One layer of the sawtooth network: two ReLU units, t(x) = 2 relu(x) - 4 relu(x - 1/2)."""
    return 2.0 * np.maximum(0.0, x) - 4.0 * np.maximum(0.0, x - 0.5)


def sawtooth(x, depth):
    r"""The tent map composed ``depth`` times: a deep ReLU network with 2 units a layer.

    .. math:: t(x) = 2\,\mathrm{relu}(x) - 4\,\mathrm{relu}(x - \tfrac12), \qquad
              s_L = \underbrace{t \circ t \circ \dots \circ t}_{L}, \quad s_0(x) = x .

    On :math:`[0, 1]` the tent map rises from 0 to 1 and falls back, mapping each
    half of the interval onto the whole of it; so :math:`s_L` rises and falls
    :math:`2^{L-1}` times, with :math:`2^L` linear pieces of slope
    :math:`\pm 2^L`. The function evaluates the network as written, for any real
    ``x``: outside :math:`[0, 1]` the ReLUs give :math:`t(x) = 0` for :math:`x < 0`
    and :math:`t(x) = 2 - 2x` for :math:`x > 1`.

    Parameters
    ----------
    x : array_like
        The inputs (any shape).
    depth : int
        The number of layers :math:`L \ge 0` (0 gives the identity).

    Returns
    -------
    ndarray
        :math:`s_L(x)`, the shape of ``x``.

    Raises
    ------
    ValueError
        If ``depth`` is not an integer >= 0.
    """
    if isinstance(depth, (bool, np.bool_)) or not isinstance(depth, numbers.Integral) or depth < 0:
        raise ValueError(f"depth must be an integer >= 0; got {depth!r}")
    h = as_float_array(x, "x", min_size=0).copy()
    for _ in range(int(depth)):
        h = _tent(h)
    return h


def count_linear_pieces(x, y, tol=1e-6):
    r"""The number of linear pieces of a piecewise-linear function, from its samples.

    The slope between consecutive samples is
    :math:`s_i = (y_{i+1} - y_i) / (x_{i+1} - x_i)`; a piece is a maximal run of
    consecutive intervals whose slopes agree, so the count is one more than the
    number of :math:`i` with :math:`|s_{i+1} - s_i| > \mathrm{tol}`. Collinear
    samples add no piece. The grid must contain every kink of the function (a kink
    strictly inside an interval would be missed, or seen as an extra short piece).

    Parameters
    ----------
    x : array_like, shape (N,)
        Strictly increasing sample points, N >= 2.
    y : array_like, shape (N,)
        The function's values at ``x``.
    tol : float
        Absolute tolerance on the change of slope (round-off is not a kink).

    Returns
    -------
    int
        The number of linear pieces, at least 1.

    Raises
    ------
    ValueError
        If ``x`` is not 1-D, has fewer than 2 points or is not strictly increasing;
        if ``y`` does not have the shape of ``x``; or if ``tol`` is negative.
    """
    x = as_float_array(x, "x", ndim=1, min_size=2)
    y = as_float_array(y, "y", ndim=1, min_size=2)
    if y.shape != x.shape:
        raise ValueError(f"y must have the shape of x, {x.shape}; got {y.shape}")
    if not np.all(np.diff(x) > 0):
        raise ValueError("x must be strictly increasing (sort the samples first)")
    if not isinstance(tol, numbers.Real) or not tol >= 0:
        raise ValueError(f"tol must be a number >= 0; got {tol!r}")
    slopes = np.diff(y) / np.diff(x)
    kinks = np.sum(np.abs(np.diff(slopes)) > tol)
    return int(kinks) + 1
