r"""Lesson 10: how much of its ambient space real data fill, and how a network untangles it.

Three measurements carry the manifold view of deep learning:

* :func:`pca_dimension` counts the flat directions that hold most of the variance:
  the dimension of the smallest *linear* subspace that (nearly) contains the data;
* :func:`two_nn_dimension` estimates the *intrinsic* dimension of a curved set of
  points from the ratio of each point's second to first nearest-neighbour distance
  (the TwoNN estimator of Facco, d'Errico, Rodriguez and Laio, 2017);
* :func:`linear_probe_accuracy` asks how linearly separable the classes are in a set
  of features (a layer's representation): the training accuracy of a ridge-regression
  classifier fitted to them in closed form.

Everything is float64 NumPy; no function modifies its inputs.
"""

import numbers

import numpy as np

from source_lib.validation import as_float_array

__all__ = ["pca_dimension", "two_nn_dimension", "linear_probe_accuracy", "THRESHOLD_ROUNDOFF"]

#: A cumulative explained-variance ratio this close below the threshold counts as
#: reaching it: ratios are computed with round-off of about 1e-16, so a ratio that is
#: exactly the threshold on paper may come out as 0.7499999999999999.
THRESHOLD_ROUNDOFF = 1e-10


# --------------------------------------------------------------------------- #
# Linear dimension: PCA
# --------------------------------------------------------------------------- #

def _check_threshold(threshold):
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real):
        raise ValueError(f"threshold must be a number in (0, 1]; got {threshold!r}")
    if not 0.0 < float(threshold) <= 1.0:     # NaN fails too
        raise ValueError(f"threshold must be in (0, 1]; got {threshold!r}")
    return float(threshold)


def pca_dimension(X, threshold=0.95):
    r"""The fewest principal components whose cumulative explained variance reaches a threshold.

    With the centred data :math:`X_c = X - \bar{x}` and its singular values
    :math:`\sigma_1 \ge \sigma_2 \ge \dots` (the variance along the ``i``-th principal
    direction is :math:`\sigma_i^2 / (N - 1)`, an eigenvalue of the covariance), the
    cumulative explained variance ratio of the first ``k`` components is

    .. math:: R_k = \frac{\sum_{i \le k} \sigma_i^2}{\sum_{i} \sigma_i^2},

    and the result is :math:`\min\{k : R_k \ge \text{threshold}\}`. A ratio that falls
    short of the threshold by round-off only (less than :data:`THRESHOLD_ROUNDOFF`
    = 1e-10) counts as reaching it, so ``threshold=1`` gives the rank of
    :math:`X_c`.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Data, one sample per row, ``N >= 2``; centred here, not in place.
    threshold : float
        The share of the total variance to explain, in (0, 1].

    Returns
    -------
    int
        The number of components ``k``, between 1 and ``min(N, D)``.

    Raises
    ------
    ValueError
        If ``X`` is not a finite 2-D array with at least two rows, all its rows are
        equal (there is no variance to explain), or ``threshold`` is not in (0, 1].
    """
    X = as_float_array(X, "X", ndim=2)
    threshold = _check_threshold(threshold)
    if X.shape[0] < 2:
        raise ValueError(f"X must have at least 2 rows (samples); got shape {X.shape}")
    if np.all(X == X[0]):
        raise ValueError("X has no variance (all its rows are equal): there is nothing to explain")
    Xc = X - X.mean(axis=0)
    variances = np.linalg.svd(Xc, compute_uv=False) ** 2     # decreasing
    ratios = np.cumsum(variances) / variances.sum()
    k = int(np.searchsorted(ratios, threshold - THRESHOLD_ROUNDOFF)) + 1
    return min(k, variances.size)


# --------------------------------------------------------------------------- #
# Intrinsic dimension: TwoNN
# --------------------------------------------------------------------------- #

def _two_nearest(X):
    """Distances ``(r1, r2)`` of every row of ``X`` to its two nearest other rows.

    Candidates are found with the Gram identity ``|a - b|^2 = |a|^2 + |b|^2 - 2 a.b``
    (one matrix product), and their distances are then recomputed from the differences
    themselves, so that ``r1`` is exactly 0 for a duplicate row and exact to round-off
    otherwise.
    """
    N = X.shape[0]
    Xc = X - X.mean(axis=0)                       # distances do not change; round-off shrinks
    sq = np.einsum("ij,ij->i", Xc, Xc)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (Xc @ Xc.T)
    np.fill_diagonal(d2, np.inf)                  # a point is not its own neighbour
    m = min(4, N - 1)                             # a few candidates: the order may be off by round-off
    candidates = np.argpartition(d2, m - 1, axis=1)[:, :m]
    exact = np.sqrt(np.sum((X[:, None, :] - X[candidates]) ** 2, axis=2))
    exact.sort(axis=1)
    return exact[:, 0], exact[:, 1]


def two_nn_dimension(X):
    r"""Intrinsic dimension of a point cloud by the TwoNN estimator (maximum likelihood).

    For each point ``i`` let :math:`r_{1,i}` and :math:`r_{2,i}` be the Euclidean
    distances to its first and second nearest neighbours (the point itself excluded),
    and :math:`\mu_i = r_{2,i} / r_{1,i} \ge 1`. Where the density is roughly constant
    over the scale of :math:`r_2` on a ``d``-dimensional manifold, :math:`\mu` follows
    the Pareto law :math:`P(\mu > m) = m^{-d}`, whose maximum-likelihood estimate of
    ``d`` from ``N`` points is

    .. math:: \hat d = \frac{N}{\sum_{i=1}^{N} \log(r_{2,i} / r_{1,i})}.

    Parameters
    ----------
    X : array_like, shape (N, D)
        ``N >= 3`` distinct points, one per row.

    Returns
    -------
    float
        The estimate :math:`\hat d` (``inf`` in the degenerate case where every point's
        two nearest neighbours are equally far, so that every ratio is 1).

    Raises
    ------
    ValueError
        If ``X`` is not a finite 2-D array with at least 3 rows, or two rows are equal:
        a duplicate has :math:`r_1 = 0`, and :math:`\log(r_2 / 0)` is infinite.
    """
    X = as_float_array(X, "X", ndim=2)
    N = X.shape[0]
    if N < 3:
        raise ValueError(f"X must have at least 3 rows (a point and two neighbours); got shape {X.shape}")
    r1, r2 = _two_nearest(X)
    if np.any(r1 == 0):
        i = int(np.argmax(r1 == 0))
        raise ValueError(f"X has duplicate rows (row {i} has a copy): the distance to the nearest "
                         "neighbour is 0 and log(r2 / r1) is infinite; remove duplicates first")
    total = float(np.sum(np.log(r2 / r1)))
    return float(N / total) if total > 0 else float("inf")


# --------------------------------------------------------------------------- #
# Linear separability: the linear probe
# --------------------------------------------------------------------------- #

def linear_probe_accuracy(H, y, l2=1e-3):
    r"""Training accuracy of a ridge-regression classifier on features ``H``.

    The labels become one-hot targets :math:`Y \in \{0, 1\}^{N \times C}` (one column
    per class present in ``y``), and a linear map with an unpenalised bias is fitted by
    ridge regression,

    .. math:: \min_{W, b}\ \lVert H W + \mathbf{1} b^\top - Y \rVert_F^2
              + \lambda \lVert W \rVert_F^2 .

    The bias is not penalised, so it takes the value that centring gives: with
    :math:`H_c = H - \bar h` and :math:`Y_c = Y - \bar y`,

    .. math:: W = (H_c^\top H_c + \lambda I)^{-1} H_c^\top Y_c, \qquad
              b = \bar y - W^\top \bar h ,

    and a point is predicted to be of the class with the largest score
    :math:`(H W + \mathbf{1} b^\top)_{n c}`. Shifting every feature by a constant changes
    nothing; the accuracy is measured on the training points themselves.

    Parameters
    ----------
    H : array_like, shape (N, K)
        Features (a layer's representation), one point per row.
    y : array_like of int, shape (N,)
        Class labels, non-negative integers.
    l2 : float
        The ridge penalty :math:`\lambda \ge 0` on the weights (not on the bias). With
        ``l2 = 0`` the fit is ordinary least squares (minimum-norm if it is not unique).

    Returns
    -------
    float
        The fraction of the ``N`` points whose predicted class is their label, in [0, 1].

    Raises
    ------
    ValueError
        If ``H`` is not a finite 2-D array, ``y`` is not one non-negative integer label
        per row of ``H``, or ``l2`` is negative or not finite.
    """
    H = as_float_array(H, "H", ndim=2)
    y = np.asarray(y)
    if y.shape != (H.shape[0],):
        raise ValueError(f"y must hold one label per row of H, shape ({H.shape[0]},); got {y.shape}")
    if y.dtype.kind not in "iu" or np.any(y < 0):
        raise ValueError("y must hold non-negative integer class labels")
    if isinstance(l2, (bool, np.bool_)) or not isinstance(l2, numbers.Real) \
            or not np.isfinite(l2) or l2 < 0:
        raise ValueError(f"l2 must be a finite number >= 0; got {l2!r}")
    classes = np.unique(y)
    Y = (y[:, None] == classes[None, :]).astype(np.float64)      # one-hot, (N, C)
    h_mean, y_mean = H.mean(axis=0), Y.mean(axis=0)
    Hc, Yc = H - h_mean, Y - y_mean
    if l2 > 0:
        W = np.linalg.solve(Hc.T @ Hc + l2 * np.eye(H.shape[1]), Hc.T @ Yc)
    else:
        W = np.linalg.lstsq(Hc, Yc, rcond=None)[0]
    scores = Hc @ W + y_mean                       # = H W + b with b = y_mean - h_mean W
    predicted = classes[np.argmax(scores, axis=1)]
    return float(np.mean(predicted == y))
