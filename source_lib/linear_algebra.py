r"""Lesson 01: alignment, dominant eigenpairs, low-rank approximation and PCA.

Four small functions carry the linear algebra that deep learning leans on:

* :func:`cosine_similarity` measures how well two vectors are aligned;
* :func:`power_iteration` finds the direction a symmetric matrix stretches most,
  by multiplying by the matrix again and again;
* :func:`low_rank_approx` keeps the ``k`` largest singular values of a matrix, the
  best rank-``k`` approximation (Eckart–Young);
* :func:`pca` finds the orthogonal directions along which centred data vary most.

Everything is float64 NumPy; no function modifies its inputs.
"""

import numbers

import numpy as np

from source_lib.validation import as_float_array, check_positive

__all__ = ["cosine_similarity", "power_iteration", "low_rank_approx", "pca"]


def _check_k(k, upper, rule):
    """Raise ValueError unless ``k`` is an integer with ``1 <= k <= upper``."""
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral):
        raise ValueError(f"k must be an integer; got {k!r}")
    if not 1 <= k <= upper:
        raise ValueError(f"k must satisfy 1 <= k <= {rule} = {upper}; got k={k}")


def cosine_similarity(x, y):
    r"""Cosine of the angle between two vectors.

    .. math:: \cos\theta = \frac{x \cdot y}{\lVert x\rVert \, \lVert y\rVert}

    It is 1 for vectors pointing the same way, 0 for orthogonal vectors and -1 for
    opposite ones, whatever their lengths.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Two non-zero vectors of the same length.

    Returns
    -------
    float
        The cosine similarity, in [-1, 1] up to rounding.

    Raises
    ------
    ValueError
        If ``x`` or ``y`` is not 1-D, their lengths differ, or either is the zero
        vector (its direction, and so the angle, is undefined).
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length; got {x.size} and {y.size}")
    norm_x, norm_y = np.linalg.norm(x), np.linalg.norm(y)
    if norm_x == 0 or norm_y == 0:
        raise ValueError("x and y must be non-zero vectors: the angle to the zero vector "
                         "is undefined")
    return float(x @ y / (norm_x * norm_y))


def power_iteration(A, num_iters=1000, tol=1e-10, rng=None):
    r"""Eigenpair of largest absolute eigenvalue of a symmetric matrix, by power iteration.

    Starting from a random unit vector :math:`v_0`, repeat

    .. math:: v_{t+1} = \frac{A v_t}{\lVert A v_t \rVert},

    which converges to the dominant eigenvector :math:`q_1` (up to sign) with error
    shrinking like :math:`|\lambda_2 / \lambda_1|^t`. When :math:`\lambda_1 < 0` the
    iterate flips sign at every step, so convergence is tested up to sign: stop when
    :math:`\min(\lVert v_{t+1} - v_t\rVert, \lVert v_{t+1} + v_t\rVert) < \mathrm{tol}`.
    The eigenvalue is the Rayleigh quotient :math:`\lambda = v^\top A v` (``v`` has unit
    norm), which keeps the sign of :math:`\lambda_1`.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Symmetric matrix; its dominant eigenvalue should be unique in absolute value
        (otherwise the iteration need not converge).
    num_iters : int
        Largest number of iterations (>= 1).
    tol : float
        Stop when the unit vector changes by less than ``tol`` (up to sign); ``tol = 0``
        runs all ``num_iters`` iterations.
    rng : numpy.random.Generator, optional
        Draws the random start; ``numpy.random.default_rng()`` if None.

    Returns
    -------
    eigenvalue : float
        The eigenvalue of largest absolute value, with its sign.
    eigenvector : ndarray, shape (n,)
        A unit eigenvector for it (its sign is arbitrary).

    Raises
    ------
    ValueError
        If ``A`` is not a finite square matrix, is not symmetric
        (``max|A - A^T| > 1e-10 max|A|``), ``num_iters < 1`` or ``tol < 0``.
    """
    A = as_float_array(A, "A", ndim=2)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix; got shape {A.shape}")
    if np.abs(A - A.T).max() > 1e-10 * np.abs(A).max():
        raise ValueError("A must be symmetric (A == A.T up to rounding); power iteration "
                         "here relies on real eigenvalues and orthogonal eigenvectors")
    if isinstance(num_iters, bool) or not isinstance(num_iters, numbers.Integral) \
            or num_iters < 1:
        raise ValueError(f"num_iters must be an integer >= 1; got {num_iters!r}")
    check_positive(tol, "tol", strict=False)
    rng = np.random.default_rng() if rng is None else rng

    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        norm = np.linalg.norm(w)
        if norm == 0.0:  # v lies in the null space: A v = 0 v, an eigenpair already
            break
        w /= norm
        change = min(np.linalg.norm(w - v), np.linalg.norm(w + v))
        v = w
        if change < tol:
            break
    return float(v @ A @ v), v


def low_rank_approx(A, k):
    r"""Best rank-``k`` approximation of a matrix in the Frobenius norm.

    With the singular value decomposition :math:`A = U \Sigma V^\top`
    (:math:`\sigma_1 \ge \sigma_2 \ge \dots`), keep the ``k`` largest singular values:

    .. math:: A_k = \sum_{i=1}^{k} \sigma_i u_i v_i^\top, \qquad
              \lVert A - A_k \rVert_F = \sqrt{\textstyle\sum_{i>k} \sigma_i^2}.

    By the Eckart–Young theorem no matrix of rank at most ``k`` is closer to ``A``.

    Parameters
    ----------
    A : array_like, shape (m, n)
        The matrix to approximate.
    k : int
        Rank of the approximation, ``1 <= k <= min(m, n)``.

    Returns
    -------
    ndarray, shape (m, n)
        The rank-``k`` approximation :math:`A_k` (equal to ``A`` when
        ``k = min(m, n)``).

    Raises
    ------
    ValueError
        If ``A`` is not a finite 2-D array or ``k`` is not an integer in
        ``[1, min(m, n)]``.
    """
    A = as_float_array(A, "A", ndim=2)
    _check_k(k, min(A.shape), "min(A.shape)")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]


def pca(X, k):
    r"""Principal components of a data set and the share of variance each explains.

    The rows of ``X`` are samples. After centring, :math:`X_c = X - \bar{x}`, the
    principal directions are the eigenvectors of the covariance
    :math:`C = X_c^\top X_c / (N - 1)`, equivalently the right singular vectors of
    :math:`X_c = U \Sigma V^\top`. The variance along direction ``i`` is
    :math:`\sigma_i^2 / (N - 1)`, and its explained variance ratio is

    .. math:: r_i = \frac{\sigma_i^2}{\sum_{j} \sigma_j^2}
              = \frac{\text{variance along } v_i}{\text{total variance}}.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Data, one sample per row, with ``N >= 2``; it is centred here, not in place.
    k : int
        Number of components, ``1 <= k <= min(N, D)``.

    Returns
    -------
    components : ndarray, shape (k, D)
        Unit-norm, mutually orthogonal principal directions as rows, in order of
        decreasing variance. Each is defined up to sign; this function makes the
        largest-magnitude entry of each row positive.
    explained_variance_ratio : ndarray, shape (k,)
        Variance along each component divided by the total variance of ``X`` (over all
        ``D`` directions), so the ratios are decreasing and sum to at most 1.

    Raises
    ------
    ValueError
        If ``X`` is not a finite 2-D array with at least two rows, all its rows are
        equal (no variance to explain), or ``k`` is not an integer in
        ``[1, min(N, D)]``.
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[0] < 2:
        raise ValueError(f"X must have at least 2 rows (samples); got shape {X.shape}")
    _check_k(k, min(X.shape), "min(N, D)")
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    variances = s**2  # proportional to the variance along each direction
    total = variances.sum()
    if total == 0:
        raise ValueError("X has zero variance (all rows are equal): there is nothing to explain")
    components = Vt[:k]
    biggest = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(k), biggest])
    return components * signs[:, None], variances[:k] / total
