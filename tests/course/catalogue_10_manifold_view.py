"""Wrong and correct implementations of the graded functions of lesson 10.

Each variant runs in the lesson's kernel, where the set-up cell has imported ``np``
and ``torch``; anything else is imported inside the variant. Variants that should
fail only because of one mistake keep everything else right (validation included),
so that the check which rejects them is the one meant to.
"""

import numpy as np

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# pca_dimension
# --------------------------------------------------------------------------- #

@variants.wrong("pca_dimension", "returns the index of the first ratio that reaches the threshold, not the count",
                hint="not the index")
def pca_index(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    v = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    ratios = np.cumsum(v) / v.sum()
    return int(np.argmax(ratios >= threshold - 1e-10))


@variants.wrong("pca_dimension", "strict comparison: searchsorted(side='right') finds the first ratio ABOVE the threshold",
                hint="(>=, not >)")
def pca_strict_searchsorted(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    v = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    ratios = np.cumsum(v) / v.sum()
    return min(int(np.searchsorted(ratios, threshold, side="right")) + 1, v.size)


@variants.wrong("pca_dimension", "a loop that stops only once the ratio exceeds the threshold (>)")
def pca_strict_loop(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    v = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    total, acc, k = v.sum(), 0.0, 0
    while k < v.size:
        acc += v[k]
        k += 1
        if acc / total > threshold - 1e-10 * 0:
            break
    return k


@variants.wrong("pca_dimension", "counts the ratios <= threshold (one too many at an exact tie)")
def pca_count_le(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    v = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    ratios = np.cumsum(v) / v.sum()
    return int(min(np.sum(ratios <= threshold) + 1, v.size))


@variants.wrong("pca_dimension", "does not centre X", hint="centre X first")
def pca_uncentred(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    v = np.linalg.svd(X, compute_uv=False) ** 2
    ratios = np.cumsum(v) / v.sum()
    return int(np.argmax(ratios >= threshold - 1e-10)) + 1


@variants.wrong("pca_dimension", "eigenvalues of the covariance in eigvalsh's increasing order",
                hint="DECREASING order")
def pca_ascending(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    lam = np.linalg.eigvalsh(np.cov(X, rowvar=False).reshape(X.shape[1], X.shape[1]))
    ratios = np.cumsum(lam) / lam.sum()
    return int(np.argmax(ratios >= threshold - 1e-10)) + 1


@variants.wrong("pca_dimension", "singular values instead of their squares")
def pca_not_squared(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    ratios = np.cumsum(s) / s.sum()
    return int(np.argmax(ratios >= threshold - 1e-10)) + 1


@variants.wrong("pca_dimension", "no round-off allowance: misses threshold 1 when the ratio ends at 0.9999999999999999",
                hint="within 1e-10 below the threshold counts")
def pca_no_tolerance(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    v = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    ratios = np.cumsum(v) / np.sum(v)
    return int(np.argmax(ratios >= threshold)) + 1


@variants.wrong("pca_dimension", "default threshold 0.9 instead of 0.95",
                hint="your answer is the one for 0.9, not")
def pca_default_09(X, threshold=0.9):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    v = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    ratios = np.cumsum(v) / v.sum()
    return int(np.argmax(ratios >= threshold - 1e-10)) + 1


@variants.wrong("pca_dimension", "returns a float")
def pca_float(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    v = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    ratios = np.cumsum(v) / v.sum()
    return float(np.argmax(ratios >= threshold - 1e-10) + 1)


@variants.wrong("pca_dimension", "scikit-learn's PCA under another name")
def pca_sklearn(X, threshold=0.95):
    from sklearn.decomposition import PCA as Components
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    ratios = np.cumsum(Components().fit(X).explained_variance_ratio_)
    return int(np.argmax(ratios >= threshold - 1e-10)) + 1


@variants.wrong("pca_dimension", "lesson 01's reference pca")
def pca_lesson01(X, threshold=0.95):
    from source_lib import linear_algebra
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    _, r = linear_algebra.pca(X, min(X.shape))
    return int(np.argmax(np.cumsum(r) >= threshold - 1e-10)) + 1


@variants.wrong("pca_dimension", "no validation: threshold outside (0, 1] and constant data accepted")
def pca_no_validation(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    v = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    with np.errstate(invalid="ignore"):
        ratios = np.cumsum(v) / v.sum()
    return int(np.argmax(ratios >= threshold - 1e-10)) + 1


@variants.wrong("pca_dimension", "validates the threshold but not constant data (0 / 0)")
def pca_no_variance_check(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2:
        raise ValueError("bad input")
    v = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    with np.errstate(invalid="ignore"):
        ratios = np.cumsum(v) / v.sum()
    return int(np.argmax(ratios >= threshold - 1e-10)) + 1


@variants.wrong("pca_dimension", "np.isclose(ratio, threshold) counts as reaching it (rtol 1e-5, "
                "not the 1e-10 rule)", hint="np.isclose")
def pca_isclose(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2 or np.all(X == X[0]):
        raise ValueError("bad input")
    v = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    ratios = np.cumsum(v) / v.sum()
    return int(np.argmax((ratios >= threshold) | np.isclose(ratios, threshold))) + 1


@variants.wrong("pca_dimension", "constant data detected by an exact test on the variances (sum == 0): "
                "misses rows whose mean is inexact", hint="compare the rows of X themselves")
def pca_exact_zero_variance(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if not 0 < threshold <= 1 or X.ndim != 2 or len(X) < 2:
        raise ValueError("bad input")
    v = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    if v.sum() == 0:
        raise ValueError("X has no variance")
    ratios = np.cumsum(v) / v.sum()
    return int(np.argmax(ratios >= threshold - 1e-10)) + 1


@variants.correct("pca_dimension", "eigenvalues of the covariance (N - 1), sorted decreasing")
def pca_eigvalsh(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 2:
        raise ValueError("X must be 2-D with at least 2 rows")
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    Xc = X - X.mean(axis=0)
    if not np.any(X != X[0]):
        raise ValueError("X has no variance")
    lam = np.sort(np.linalg.eigvalsh(Xc.T @ Xc / (len(X) - 1)))[::-1]
    ratios = np.cumsum(lam) / np.sum(lam)
    return int(np.argmax(ratios >= threshold - 1e-10)) + 1


@variants.correct("pca_dimension", "a loop over the squared singular values, dividing by the last cumulative sum")
def pca_loop(X, threshold=0.95):
    X = np.array(X, dtype=float)
    if X.ndim != 2 or len(X) < 2:
        raise ValueError("X must be 2-D with at least 2 rows")
    if threshold <= 0 or threshold > 1:
        raise ValueError("threshold must be in (0, 1]")
    if (X.max(axis=0) == X.min(axis=0)).all():
        raise ValueError("X has no variance")
    X -= X.mean(axis=0)
    v = np.linalg.svd(X, compute_uv=False) ** 2
    cumulative = np.cumsum(v)
    for k in range(len(v)):
        if cumulative[k] / cumulative[-1] >= threshold - 1e-10:
            return k + 1
    return len(v)


@variants.correct("pca_dimension", "np.linalg.eig of the covariance with N, real parts sorted, searchsorted")
def pca_eig_population(X, threshold=0.95):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 2 or not 0 < threshold <= 1:
        raise ValueError("bad argument")
    Xc = X - X.mean(axis=0)
    if np.all(Xc == 0) or np.all(X == X[0]):
        raise ValueError("X has no variance")
    lam = -np.sort(-np.linalg.eig(Xc.T @ Xc / len(X))[0].real)
    ratios = np.cumsum(lam) / lam.sum()
    return int(min(np.searchsorted(ratios, threshold - 1e-10) + 1, min(X.shape)))


# --------------------------------------------------------------------------- #
# two_nn_dimension
# --------------------------------------------------------------------------- #

@variants.wrong("two_nn_dimension", "counts each point as its own nearest neighbour (r1 = 0)")
def two_nn_self(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    d.sort(axis=1)
    with np.errstate(divide="ignore"):
        return float(len(X) / np.sum(np.log(d[:, 1] / d[:, 0])))


@variants.wrong("two_nn_dimension", "inverts the ratio: log(r1 / r2)")
def two_nn_inverted(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(d, np.inf)
    d.sort(axis=1)
    return float(len(X) / np.sum(np.log(d[:, 0] / d[:, 1])))


@variants.wrong("two_nn_dimension", "squared distances (halves the estimate)")
def two_nn_squared(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    d2 = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(d2, np.inf)
    d2.sort(axis=1)
    return float(len(X) / np.sum(np.log(d2[:, 1] / d2[:, 0])))


@variants.wrong("two_nn_dimension", "N - 1 in the numerator")
def two_nn_n_minus_1(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(d, np.inf)
    d.sort(axis=1)
    return float((len(X) - 1) / np.sum(np.log(d[:, 1] / d[:, 0])))


@variants.wrong("two_nn_dimension", "self excluded twice: takes the 2nd and 3rd nearest neighbours")
def two_nn_second_third(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(d, np.inf)
    d.sort(axis=1)
    if d.shape[1] < 4:
        return float(len(X) / np.sum(np.log(d[:, 1] / d[:, 0])))
    return float(len(X) / np.sum(np.log(d[:, 2] / d[:, 1])))


@variants.wrong("two_nn_dimension", "the two smallest DISTINCT distances (ties skipped)")
def two_nn_distinct(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    total = 0.0
    for i in range(len(X)):
        r = np.unique(np.delete(d[i], i))
        total += np.log(r[1] / r[0]) if r.size > 1 else 0.0
    return float(len(X) / total)


@variants.wrong("two_nn_dimension", "log base 2")
def two_nn_log2(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(d, np.inf)
    d.sort(axis=1)
    return float(len(X) / np.sum(np.log2(d[:, 1] / d[:, 0])))


@variants.wrong("two_nn_dimension", "Facco's linear fit of -log(1 - F(mu)) against log(mu) instead of the MLE")
def two_nn_linear_fit(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(d, np.inf)
    d.sort(axis=1)
    log_mu = np.sort(np.log(d[:, 1] / d[:, 0]))
    N = len(X)
    F = np.arange(1, N + 1) / (N + 1)
    yv = -np.log(1 - F)
    return float(np.dot(log_mu, yv) / np.dot(log_mu, log_mu))


@variants.wrong("two_nn_dimension", "skips zero distances instead of the point itself: duplicates pass silently")
def two_nn_positive_mask(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3:
        raise ValueError("bad X")
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    d[d == 0] = np.inf
    d.sort(axis=1)
    return float(len(X) / np.sum(np.log(d[:, 1] / d[:, 0])))


@variants.wrong("two_nn_dimension", "no check of the number of points (2 points give 0)")
def two_nn_no_size_check(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(d, np.inf)
    d = np.hstack([np.sort(d, axis=1), np.full((len(X), 2), np.inf)])
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(len(X) / np.sum(np.log(d[:, 1] / d[:, 0])))


@variants.wrong("two_nn_dimension", "scipy's KDTree under another name")
def two_nn_kdtree(X):
    from scipy.spatial import KDTree as Tree
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    dist, _ = Tree(X).query(X, k=3)
    return float(len(X) / np.sum(np.log(dist[:, 2] / dist[:, 1])))


@variants.wrong("two_nn_dimension", "scikit-learn's NearestNeighbors")
def two_nn_sklearn(X):
    from sklearn import neighbors
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    dist, _ = neighbors.NearestNeighbors(n_neighbors=3).fit(X).kneighbors(X)
    return float(len(X) / np.sum(np.log(dist[:, 2] / dist[:, 1])))


@variants.wrong("two_nn_dimension", "scipy's cdist for the distances")
def two_nn_cdist(X):
    import scipy.spatial.distance as ssd
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3 or len(np.unique(X, axis=0)) < len(X):
        raise ValueError("bad X")
    d = ssd.cdist(X, X)
    np.fill_diagonal(d, np.inf)
    d.sort(axis=1)
    return float(len(X) / np.sum(np.log(d[:, 1] / d[:, 0])))


@variants.correct("two_nn_dimension", "Gram identity, fill_diagonal(inf), np.partition, 1 / mean of the logs")
def two_nn_gram(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    if X.shape[0] < 3:
        raise ValueError("X needs at least 3 points")
    if np.unique(X, axis=0).shape[0] < X.shape[0]:
        raise ValueError("X has duplicate points")
    sq = (X**2).sum(axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * X @ X.T, 0.0)
    np.fill_diagonal(d2, np.inf)
    two = np.sqrt(np.partition(d2, 1, axis=1)[:, :2])
    return float(1.0 / np.mean(np.log(two[:, 1]) - np.log(two[:, 0])))


@variants.correct("two_nn_dimension", "a loop over the points with argpartition")
def two_nn_loop(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3:
        raise ValueError("X must be 2-D with at least 3 rows")
    N = len(X)
    total = 0.0
    for i in range(N):
        d = np.sqrt(np.sum((X - X[i]) ** 2, axis=1))
        d[i] = np.inf
        idx = np.argpartition(d, 1)[:2]
        r1, r2 = sorted(d[idx])
        if r1 == 0:
            raise ValueError("duplicate points: r1 = 0")
        total += np.log(r2 / r1)
    return float(N / total)


@variants.correct("two_nn_dimension", "argsort of the full distance matrix, columns 1 and 2")
def two_nn_argsort(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 3:
        raise ValueError("X must be 2-D with at least 3 rows")
    diff = X[:, None, :] - X[None, :, :]
    d = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
    order = np.argsort(d, axis=1, kind="stable")
    rows = np.arange(len(X))
    # the point itself is at distance 0 and comes first unless a duplicate is there too
    r1, r2 = d[rows, order[:, 1]], d[rows, order[:, 2]]
    if np.any(r1 == 0):
        raise ValueError("duplicate points")
    return float(len(X) / np.log(r2 / r1).sum())


# --------------------------------------------------------------------------- #
# linear_probe_accuracy
# --------------------------------------------------------------------------- #

@variants.wrong("linear_probe_accuracy", "penalises the bias (a column of ones in the ridge system)")
def probe_penalised_bias(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad input")
    Y = np.eye(y.max() + 1)[y]
    A = np.hstack([H, np.ones((len(H), 1))])
    W = np.linalg.solve(A.T @ A + l2 * np.eye(A.shape[1]), A.T @ Y)
    return float(np.mean(np.argmax(A @ W, axis=1) == y))


@variants.wrong("linear_probe_accuracy", "no bias at all", hint="no bias at all")
def probe_no_bias(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad input")
    Y = np.eye(y.max() + 1)[y]
    W = np.linalg.solve(H.T @ H + l2 * np.eye(H.shape[1]), H.T @ Y)
    return float(np.mean(np.argmax(H @ W, axis=1) == y))


@variants.wrong("linear_probe_accuracy", "mean squared error: the penalty is in effect N * l2",
                hint="the SUM of squared errors")
def probe_mean_loss(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad input")
    N = len(H)
    Y = np.eye(y.max() + 1)[y]
    Hc, Yc = H - H.mean(axis=0), Y - Y.mean(axis=0)
    W = np.linalg.solve(Hc.T @ Hc / N + l2 * np.eye(H.shape[1]), Hc.T @ Yc / N)
    return float(np.mean(np.argmax(Hc @ W + Y.mean(axis=0), axis=1) == y))


@variants.wrong("linear_probe_accuracy", "regresses the labels as numbers and rounds", hint="ONE-HOT")
def probe_integer_target(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad input")
    Hc = H - H.mean(axis=0)
    w = np.linalg.solve(Hc.T @ Hc + l2 * np.eye(H.shape[1]), Hc.T @ (y - y.mean()))
    predicted = np.clip(np.round(Hc @ w + y.mean()), y.min(), y.max())
    return float(np.mean(predicted == y))


@variants.wrong("linear_probe_accuracy", "argmin of the scores")
def probe_argmin(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad input")
    Y = np.eye(y.max() + 1)[y]
    Hc, Yc = H - H.mean(axis=0), Y - Y.mean(axis=0)
    W = np.linalg.solve(Hc.T @ Hc + l2 * np.eye(H.shape[1]), Hc.T @ Yc)
    return float(np.mean(np.argmin(Hc @ W + Y.mean(axis=0), axis=1) == y))


@variants.wrong("linear_probe_accuracy", "returns the number of correct points, not the fraction")
def probe_count(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad input")
    Y = np.eye(y.max() + 1)[y]
    Hc, Yc = H - H.mean(axis=0), Y - Y.mean(axis=0)
    W = np.linalg.solve(Hc.T @ Hc + l2 * np.eye(H.shape[1]), Hc.T @ Yc)
    return float(np.sum(np.argmax(Hc @ W + Y.mean(axis=0), axis=1) == y))


@variants.wrong("linear_probe_accuracy", "one column per label present, argmax not mapped back to the label")
def probe_unique_unmapped(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad input")
    classes = np.unique(y)
    Y = (y[:, None] == classes).astype(float)
    Hc, Yc = H - H.mean(axis=0), Y - Y.mean(axis=0)
    W = np.linalg.solve(Hc.T @ Hc + l2 * np.eye(H.shape[1]), Hc.T @ Yc)
    return float(np.mean(np.argmax(Hc @ W + Y.mean(axis=0), axis=1) == y))


@variants.wrong("linear_probe_accuracy", "fits on centred features but scores the raw ones (H W + mean of Y)",
                hint="the one of H W + mean of Y")
def probe_uncentred_scores(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad input")
    Y = np.eye(y.max() + 1)[y]
    Hc, Yc = H - H.mean(axis=0), Y - Y.mean(axis=0)
    W = np.linalg.solve(Hc.T @ Hc + l2 * np.eye(H.shape[1]), Hc.T @ Yc)
    return float(np.mean(np.argmax(H @ W + Y.mean(axis=0), axis=1) == y))


@variants.wrong("linear_probe_accuracy", "centres H and Y but forgets the bias (the mean of Y) in the scores",
                hint="with no mean of Y added")
def probe_scores_without_bias(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad input")
    Y = np.eye(y.max() + 1)[y]
    Hc, Yc = H - H.mean(axis=0), Y - Y.mean(axis=0)
    W = np.linalg.solve(Hc.T @ Hc + l2 * np.eye(H.shape[1]), Hc.T @ Yc)
    return float(np.mean(np.argmax(Hc @ W, axis=1) == y))


@variants.wrong("linear_probe_accuracy", "scikit-learn's RidgeClassifier")
def probe_sklearn(H, y, l2=1e-3):
    from sklearn.linear_model import RidgeClassifier as Probe
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad input")
    return float(Probe(alpha=l2).fit(H, y).score(H, y))


@variants.wrong("linear_probe_accuracy", "scikit-learn's Ridge on one-hot targets")
def probe_sklearn_ridge(H, y, l2=1e-3):
    import sklearn.linear_model as lm
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad input")
    Y = np.eye(y.max() + 1)[y]
    return float(np.mean(np.argmax(lm.Ridge(alpha=l2).fit(H, Y).predict(H), axis=1) == y))


@variants.wrong("linear_probe_accuracy", "no validation: a negative l2 is accepted")
def probe_no_validation(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),):
        raise ValueError("bad input")
    Y = np.eye(y.max() + 1)[y]
    Hc, Yc = H - H.mean(axis=0), Y - Y.mean(axis=0)
    W = np.linalg.lstsq(Hc.T @ Hc + l2 * np.eye(H.shape[1]), Hc.T @ Yc, rcond=None)[0]
    return float(np.mean(np.argmax(Hc @ W + Y.mean(axis=0), axis=1) == y))


@variants.wrong("linear_probe_accuracy", "checks len(y) against H, not y's shape: a column y (N, 1) is "
                "accepted", hint="y must be 1-D")
def probe_length_only(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or len(y) != len(H) or l2 < 0:
        raise ValueError("bad arguments")
    y = y.reshape(len(y), -1)[:, 0]
    classes = np.unique(y)
    Y = (y[:, None] == classes[None, :]).astype(float)
    Hc, Yc = H - H.mean(axis=0), Y - Y.mean(axis=0)
    W = np.linalg.solve(Hc.T @ Hc + l2 * np.eye(H.shape[1]), Hc.T @ Yc)
    return float(np.mean(classes[np.argmax(Hc @ W + Y.mean(axis=0), axis=1)] == y))


@variants.correct("linear_probe_accuracy", "explicit bias column with a zero penalty, np.linalg.solve")
def probe_bias_column(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2:
        raise ValueError("H must be 2-D")
    if y.shape != (H.shape[0],):
        raise ValueError("y must have one label per row of H")
    if l2 < 0:
        raise ValueError("l2 must be >= 0")
    Y = np.zeros((len(y), y.max() + 1))
    Y[np.arange(len(y)), y] = 1.0
    A = np.hstack([np.ones((len(H), 1)), H])
    P = l2 * np.eye(A.shape[1])
    P[0, 0] = 0.0
    Wb = np.linalg.solve(A.T @ A + P, A.T @ Y)
    return float((np.argmax(A @ Wb, axis=1) == y).mean())


@variants.correct("linear_probe_accuracy", "centred features, lstsq on the stacked system [Hc; sqrt(l2) I]")
def probe_lstsq(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or not l2 >= 0:
        raise ValueError("bad argument")
    classes = np.unique(y)
    Y = (y[:, None] == classes[None, :]).astype(float)
    Hc, Yc = H - H.mean(axis=0), Y - Y.mean(axis=0)
    K = H.shape[1]
    A = np.vstack([Hc, np.sqrt(l2) * np.eye(K)])
    B = np.vstack([Yc, np.zeros((K, Y.shape[1]))])
    W = np.linalg.lstsq(A, B, rcond=None)[0]
    return float(np.mean(classes[np.argmax(Hc @ W + Y.mean(axis=0), axis=1)] == y))


@variants.correct("linear_probe_accuracy", "dual form Hc^T (Hc Hc^T + l2 I)^-1 Yc with +-1 targets")
def probe_dual(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or y.shape != (len(H),) or l2 < 0:
        raise ValueError("bad argument")
    C = int(y.max()) + 1
    Y = 2.0 * np.eye(C)[y] - 1.0
    mean = H.mean(axis=0)
    Hc, Yc = H - mean, Y - Y.mean(axis=0)
    W = Hc.T @ np.linalg.solve(Hc @ Hc.T + l2 * np.eye(len(H)), Yc)
    b = Y.mean(axis=0) - mean @ W
    return float(np.mean(np.argmax(H @ W + b, axis=1) == y))


@variants.correct("linear_probe_accuracy", "a loop over the classes, one ridge fit per column")
def probe_per_class(H, y, l2=1e-3):
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    if H.ndim != 2 or len(y) != len(H) or y.ndim != 1 or l2 < 0:
        raise ValueError("bad argument")
    Hc = H - H.mean(axis=0)
    G = Hc.T @ Hc + l2 * np.eye(H.shape[1])
    classes = sorted(set(y.tolist()))
    scores = np.empty((len(H), len(classes)))
    for j, c in enumerate(classes):
        t = (y == c).astype(float)
        w = np.linalg.solve(G, Hc.T @ (t - t.mean()))
        scores[:, j] = Hc @ w + t.mean()
    return float(np.mean(np.array(classes)[scores.argmax(axis=1)] == y))
