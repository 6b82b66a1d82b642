"""Checks of lesson 10: the PCA dimension, the TwoNN intrinsic dimension and the linear probe.

Each part compares the student's function with :mod:`source_lib.manifolds` on
hand-worked cases (cumulative variance ratios that hit the threshold exactly, points on
a line, a one-feature probe whose answer changes with the penalty), seeded random data,
and inputs that expose the common mistakes: an index returned instead of a count, a
strict comparison at the threshold, data left uncentred, eigenvalues in ascending order;
a point counted as its own neighbour, the ratio inverted, squared distances, N - 1 for N;
a penalised or missing bias, a mean instead of a summed loss, labels regressed as numbers,
and labels that skip a class.
"""

import numpy as np

from source_lib import manifolds as ref
from source_lib.checks import Choice, Lesson, Number
from source_lib.testing import assert_close, fail

checks = Lesson("10_manifold_view")

PCAS = ["sklearn.decomposition.PCA", "sklearn.decomposition.PCA.fit",
        "sklearn.decomposition.PCA.fit_transform", "sklearn.decomposition.PCA._fit",
        "sklearn.decomposition.IncrementalPCA", "sklearn.decomposition.TruncatedSVD",
        "sklearn.decomposition.TruncatedSVD.fit", "sklearn.decomposition.TruncatedSVD.fit_transform",
        "torch.pca_lowrank", "source_lib.linear_algebra.pca"]
NEIGHBOURS = ["sklearn.neighbors.NearestNeighbors", "sklearn.neighbors.NearestNeighbors.kneighbors",
              "sklearn.neighbors.KNeighborsClassifier", "sklearn.neighbors.KNeighborsRegressor",
              "sklearn.neighbors.KDTree", "sklearn.neighbors.BallTree",
              "sklearn.neighbors.kneighbors_graph", "sklearn.metrics.pairwise_distances",
              "sklearn.metrics.pairwise.euclidean_distances",
              "sklearn.metrics.pairwise_distances_chunked",
              "scipy.spatial.cKDTree", "scipy.spatial.KDTree", "scipy.spatial.KDTree.query",
              "scipy.spatial.distance.cdist",
              "scipy.spatial.distance.pdist", "scipy.spatial.distance_matrix",
              "scipy.spatial.minkowski_distance", "torch.cdist"]
RIDGES = ["sklearn.linear_model.RidgeClassifier", "sklearn.linear_model.RidgeClassifierCV",
          "sklearn.linear_model.Ridge", "sklearn.linear_model.RidgeCV",
          "sklearn.linear_model.ridge_regression", "sklearn.linear_model._ridge._ridge_regression",
          "sklearn.linear_model.LinearRegression", "sklearn.kernel_ridge.KernelRidge"]

pca_dimension = checks.exercise("pca_dimension", ref.pca_dimension, forbidden=PCAS)
two_nn_dimension = checks.exercise("two_nn_dimension", ref.two_nn_dimension, forbidden=NEIGHBOURS)
linear_probe_accuracy = checks.exercise("linear_probe_accuracy", ref.linear_probe_accuracy,
                                        forbidden=RIDGES)

# The 8 x 8 Sylvester-Hadamard matrix: entries +-1, mutually orthogonal columns; columns
# 1..7 sum to 0. Scaled columns of it are data whose principal directions are the axes
# and whose variances are exact: the cumulative ratios below are exact in floating point
# for every usual way of computing them (SVD of the centred data, eigenvalues of the
# covariance with N or N - 1), so an exact tie with the threshold stays exact.
_H2 = np.array([[1.0, 1.0], [1.0, -1.0]])
HADAMARD8 = np.kron(np.kron(_H2, _H2), _H2)


def correlated(rng, N, D, decay=0.6, offset=3.0):
    """N random points in D dimensions, variances decaying geometrically by ``decay``
    along random orthogonal directions, around a random mean."""
    Q, _ = np.linalg.qr(rng.standard_normal((D, D)))
    scales = np.sqrt(decay ** np.arange(D)) * 2.0
    return (rng.standard_normal((N, D)) * scales) @ Q.T + offset * rng.standard_normal(D)


def require_integer(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        fail(f"{name} should return an int; got {type(value).__module__}.{type(value).__name__} "
             f"{value!r}", hint="a number of components is a whole number: return int(k)")


def require_float(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (float, int, np.floating, np.integer)):
        fail(f"{name} should return a float; got {type(value).__module__}.{type(value).__name__}",
             hint="return float(...) of the result (an array of one element, or a tensor, is "
                  "not a float)")


# --------------------------------------------------------------------------- #
# pca_dimension
# --------------------------------------------------------------------------- #

STRICT = ("the cumulative ratio must REACH the threshold (>=, not >): here it equals the "
          "threshold exactly")
NOT_CENTRED = "centre X first (subtract the mean of each column): PCA is about variance"
INDEX = "return the count k (the index of the first ratio that reaches the threshold, + 1), not the index"
ASCENDING = ("use the variances in DECREASING order (np.linalg.eigh and eigvalsh return them "
             "increasing): the first component holds the most")
NOT_SQUARED = ("the variances are the SQUARED singular values (sigma_i^2), not the singular values "
               "themselves")
NO_ALLOWANCE = ("a ratio within 1e-10 below the threshold counts as reaching it: compare with "
                "threshold - 1e-10, because a ratio that equals the threshold on paper may come out "
                "a few 1e-16 below it")
ISCLOSE = ("a ratio reaches the threshold when R_k >= threshold - 1e-10, and only then: np.isclose "
           "(rtol 1e-5, atol 1e-8 by default) counts ratios up to ~1e-5 below the threshold as reaching it")


def _first_reaching(ratios, reached):
    """1 + the index of the first True of ``reached`` (all components if none)."""
    hits = np.flatnonzero(reached)
    return int(hits[0]) + 1 if hits.size else int(ratios.size)


def _pca_mistakes(X, threshold):
    """(hint, k) of the usual mistakes on this input, computed here from the maths."""
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    s = np.linalg.svd(Xc, compute_uv=False)
    v = s ** 2
    ratios = np.cumsum(v) / v.sum()
    low = threshold - ref.THRESHOLD_ROUNDOFF
    k = _first_reaching(ratios, ratios >= low)
    raw = np.linalg.svd(X, compute_uv=False) ** 2
    up = np.cumsum(v[::-1]) / v.sum()
    root = np.cumsum(s) / s.sum()
    return [
        (NOT_CENTRED, _first_reaching(raw, np.cumsum(raw) / raw.sum() >= low)),
        (ASCENDING, _first_reaching(up, up >= low)),
        (NOT_SQUARED, _first_reaching(root, root >= low)),
        (ISCLOSE, _first_reaching(ratios, (ratios >= threshold) | np.isclose(ratios, threshold))),
        (NO_ALLOWANCE, _first_reaching(ratios, ratios >= threshold)),
        (STRICT, min(int(np.sum(ratios <= threshold)) + 1, ratios.size)),
        (STRICT, _first_reaching(ratios, ratios > threshold)),
        (INDEX, k - 1),
    ]


def expect_dimension(f, want, X, threshold=None, *, hint, what="the number of components"):
    """``f(X, threshold)`` (the default threshold if None) must be ``want``, derived by hand; on a
    mismatch, the hint names the usual mistake whose answer was received, if one is."""
    args = (X,) if threshold is None else (X, threshold)
    got = f(*args)
    if isinstance(got, (int, np.integer)) and not isinstance(got, (bool, np.bool_)) and got != want:
        mistakes = _pca_mistakes(X, 0.95 if threshold is None else threshold)
        if threshold is None:
            mistakes = [(f"the default threshold is 0.95: your answer is the one for {other}, "
                         "not for 0.95",
                         ref.pca_dimension(X, other)) for other in (0.9, 0.99)] + mistakes
        matching = [label for label, k in mistakes if k == got and k != want]
        if matching:
            hint = matching[0]
    assert_close(got, want, what=what, inputs=f.describe_call(args, {}), hint=hint)


@pca_dimension.part("values", points=3)
def pca_dimension_values(f, rng):
    # Columns of +-1 scaled by 3, 2, 1, 1, 1: variances in the ratio 9 : 4 : 1 : 1 : 1 (total
    # 16) along the axes, so the cumulative ratios are 9/16, 13/16, 14/16, 15/16, 16/16 =
    # 0.5625, 0.8125, 0.875, 0.9375, 1. The shift [4, -2, 1, 8, -6] moves the mean only.
    # Each usual mistake gives its own answer on one of the cases below (computed by
    # _pca_mistakes), and the hint names it.
    X = HADAMARD8[:, 1:6] * [3.0, 2.0, 1.0, 1.0, 1.0] + [4.0, -2.0, 1.0, 8.0, -6.0]
    expect_dimension(f, 1, X, 0.5, hint="the first principal direction alone holds 9/16 = 0.5625 "
                     "of the variance, so one component reaches 0.5")
    expect_dimension(f, 3, X, 0.85, hint="cumulative ratios 0.5625, 0.8125, 0.875, ...: the third "
                     "is the first >= 0.85")
    expect_dimension(f, 2, X, 0.8125, hint=STRICT)
    expect_dimension(f, 4, X, 0.9375, hint=STRICT)
    expect_dimension(f, 5, X, hint="the default threshold is 0.95: 0.9375 < 0.95 <= 1 needs all five",
                     what="the number of components with the default threshold 0.95")
    # The 1e-10 rule at its two sides, with thresholds that are exact in floating point:
    # R_2 = 0.8125 is 2^-40 (about 9e-13) below 0.8125 + 2^-40, within 1e-10: reached, 2.
    # It is 2^-20 (about 9.5e-7) below 0.8125 + 2^-20, far more than 1e-10: not reached, 3
    # (np.isclose's default tolerances would call it reached).
    expect_dimension(f, 2, X, 0.8125 + 2.0**-40, hint=NO_ALLOWANCE)
    expect_dimension(f, 3, X, 0.8125 + 2.0**-20, hint=ISCLOSE)
    # The same variances in another order of the columns, with signs flipped: 9 : 4 reach
    # 13/16 = 0.8125 after two components whatever the order of the columns.
    Y = HADAMARD8[:, [6, 1, 3, 7, 2]] * [1.0, -3.0, 1.0, 2.0, -1.0]
    expect_dimension(f, 2, Y, 0.8125, hint=STRICT + "; and sort the variances in DECREASING order "
                     "(np.linalg.eigh returns them increasing)")
    # Uncentred, the shift would dominate: the mean of [0, 0, 40, 0, 0] is a constant column.
    expect_dimension(f, 2, Y + [0.0, 0.0, 40.0, 0.0, 0.0], 0.8125, hint=NOT_CENTRED)
    # Random data with decaying variances, compared with the reference.
    for N, D in [(60, 8), (200, 20), (15, 40), (30, 1), (2, 5)]:
        X = correlated(rng, N, D)
        for threshold in (0.5, 0.9, 0.99, float(rng.uniform(0.05, 0.999))):
            f.check(X, threshold, hint="fewest k with (sum of the k largest variances) / (total "
                    "variance) >= threshold: centre, square the singular values, sort them in "
                    "decreasing order, count")
    f.check(correlated(rng, 80, 12, offset=100.0), 0.9, hint=NOT_CENTRED)
    f.check(correlated(rng, 50, 10, decay=0.8), hint="the default threshold is 0.95")
    # Threshold 1: the cumulative ratio of all components is 1 up to round-off, which must
    # count as reaching it. 100 points in general position in 64-D have 64 directions of
    # positive variance, so all 64 are needed. (With these points, sum(v[:64]) / sum(v)
    # comes out as 0.9999999999999999 when the sum and the cumulative sum add in different
    # orders, as np.sum and np.cumsum do for more than 8 numbers.)
    round_off = "the last cumulative ratio may be 0.9999999999999999: a ratio within 1e-10 " \
                "below the threshold counts as reaching it"
    f.expect(64, correlated(np.random.default_rng(6), 100, 64, decay=0.9), 1.0,
             what="the number of components of 100 points in general position in 64-D",
             hint=round_off)
    f.check(correlated(rng, 100, 64, decay=0.9), 1.0, hint=round_off)
    # Rank 3 in 6-D gives 3.
    low_rank = np.hstack([correlated(rng, 30, 3), np.zeros((30, 3))])
    Q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    f.expect(3, low_rank @ Q, 1.0, what="the number of components of rank-3 data in 6-D",
             hint="directions with no variance carry 1e-30 of it by round-off: a ratio within "
                  "1e-10 below the threshold counts as reaching it")
    require_integer(f(correlated(rng, 20, 4), 0.9), "pca_dimension")


@pca_dimension.part("errors", points=1)
def pca_dimension_errors(f, rng):
    X = correlated(rng, 10, 3)
    f.check_raises(ValueError, X, 0.0, hint="threshold 0 is reached by zero components: it must be "
                   "in (0, 1]")
    f.check_raises(ValueError, X, -0.5, hint="threshold must be in (0, 1]")
    f.check_raises(ValueError, X, 1.2, hint="no number of components explains more than all the "
                   "variance: threshold must be in (0, 1]")
    f.check_raises(ValueError, X[:1], 0.9, hint="one point has no variance: X needs at least 2 rows")
    # Five equal rows of whole numbers: their mean is exact, so the centred data are exactly 0.
    f.check_raises(ValueError, np.tile(rng.integers(-5, 6, size=(1, 3)).astype(float), (5, 1)), 0.9,
                   hint="every row is the same: the total variance is 0 and every ratio 0 / 0; "
                        "reject such X")
    # Equal rows whose mean is not exact in floating point: 0.1 + 0.1 + 0.1 = 0.30000000000000004,
    # so the mean of three rows of 0.1 is 0.10000000000000002 and the centred data are ~1e-17,
    # not 0. A test on the centred data or the variances (== 0) misses it; comparing the rows
    # themselves (np.all(X == X[0])) does not.
    f.check_raises(ValueError, np.full((3, 4), 0.1), 0.9,
                   hint="every row is the same, but the centred data come out ~1e-17 (the mean of "
                        "three 0.1 is 0.10000000000000002): compare the rows of X themselves "
                        "(np.all(X == X[0])), not the variances with == 0")


# --------------------------------------------------------------------------- #
# two_nn_dimension
# --------------------------------------------------------------------------- #

NN_HINT = ("for each point: r1, r2 = distances to its nearest and second-nearest OTHER points "
           "(Euclidean, not squared); d = N / sum(log(r2 / r1))")


@two_nn_dimension.part("values", points=4)
def two_nn_dimension_values(f, rng):
    # Points 0, 1, 3 on a line. Point 0: r1 = 1, r2 = 3; point 1: r1 = 1, r2 = 2; point 3:
    # r1 = 2, r2 = 3. Sum of logs: log 3 + log 2 + log 1.5 = log 9, so d = 3 / log 9.
    line = np.array([[0.0], [1.0], [3.0]])
    f.expect(3 / np.log(9), line, rtol=1e-12, what="the TwoNN estimate",
             hint="exclude the point itself (its distance 0), use r2 / r1 (not r1 / r2), plain "
                  "distances (squared ones halve the estimate) and N = 3 points (not N - 1)")
    # The same points moved into the plane and turned: distances, so d, are unchanged.
    c, s = 0.6, 0.8
    plane = np.hstack([line, np.zeros((3, 1))]) @ np.array([[c, s], [-s, c]]) + [2.0, -1.0]
    f.expect(3 / np.log(9), plane, rtol=1e-12, what="the TwoNN estimate", hint=NN_HINT)
    # Points 0, 1, 2, 3: the inner two have both neighbours at distance 1 (log 1 = 0), the
    # ends r1 = 1, r2 = 2; sum = 2 log 2, d = 4 / (2 log 2). Equal distances both count.
    grid = np.array([[0.0], [1.0], [2.0], [3.0]])
    f.expect(4 / (2 * np.log(2)), grid, rtol=1e-12, what="the TwoNN estimate",
             hint="two neighbours at the same distance give r1 = r2 (log 1 = 0): take the two "
                  "smallest distances, even when they are equal")
    # Random points. rtol 1e-7: distances by the Gram identity |a|^2 + |b|^2 - 2 a.b lose a
    # few digits for very close pairs, and that is a fair way to compute them.
    for N, D in [(3, 2), (5, 1), (40, 2), (100, 3), (150, 8), (60, 30)]:
        X = rng.standard_normal((N, D)) + 2.0 * rng.standard_normal(D)
        f.check(X, rtol=1e-7, hint=NN_HINT)
    # 200 points around a circle (a 1-D manifold) in 3-D, one at a random place in each of
    # 200 equal arcs: the estimate is close to 1.
    t = (np.arange(200) + rng.uniform(0.1, 0.9, 200)) * (2 * np.pi / 200)
    circle = np.stack([np.cos(t), np.sin(t), np.zeros_like(t)], axis=1) * 3.0
    f.check(circle, rtol=1e-7, hint=NN_HINT)
    require_float(f(rng.standard_normal((10, 2))), "two_nn_dimension")


@two_nn_dimension.part("errors", points=1)
def two_nn_dimension_errors(f, rng):
    X = rng.standard_normal((12, 3))
    f.check_raises(ValueError, X[:2], hint="with 2 points, a point has no second neighbour: "
                   "X needs at least 3 rows")
    twin = X.copy()
    twin[7] = twin[2]
    f.check_raises(ValueError, twin, hint="rows 2 and 7 are equal: r1 = 0 and log(r2 / 0) is "
                   "infinite; raise ValueError for duplicate rows (np.unique(X, axis=0) has fewer "
                   "rows), and do not drop distances of 0 to skip the point itself")
    f.check_raises(ValueError, X[:, 0], hint="X must be 2-D (N points as rows)")
    f.check_raises(ValueError, X[None], hint="X must be 2-D (N points as rows), not 3-D")


# --------------------------------------------------------------------------- #
# linear_probe_accuracy
# --------------------------------------------------------------------------- #

PROBE_HINT = ("one-hot targets Y; centre H and Y; W = solve(Hc.T Hc + l2 I, Hc.T Yc); scores "
              "Hc W + mean of Y; predicted class = argmax of each row; accuracy = mean(predicted "
              "== y)")
BIAS = ("do not penalise the bias: fit it by centring (or give it a zero penalty), so that "
        "shifting every feature by a constant changes nothing")


def clustered(rng, N, K, classes, spread=1.0, offset=5.0):
    """Features of N points around one random centre per class, plus a common offset."""
    y = rng.choice(classes, size=N)
    centres = rng.standard_normal((max(classes) + 1, K)) * spread
    return rng.standard_normal((N, K)) + centres[y] + offset * rng.standard_normal(K), y


SUM_NOT_MEAN = ("minimise the SUM of squared errors plus l2 |W|^2, not the mean: your accuracy is the "
                "one the penalty l2 * N gives")
NO_Y_MEAN = ("the scores need the bias: Hc W + mean of Y (b = mean(Y) - mean(H) W). Your accuracy is the "
             "one of scores without it, Hc W with no mean of Y added (on these centred features the "
             "same as a fit with no bias at all), which drops the classes' base rates")
RAW_SCORES = ("the scores use the centred features, Hc W + mean of Y (or H W + b with b = mean(Y) - "
              "mean(H) W): your accuracy is the one of H W + mean of Y, which shifts every score")
NO_BIAS = ("fit a bias: without one, a hyperplane through the origin cannot fit features far from 0 "
           "(centre H and Y, or add a column of ones with no penalty)")
NUMERIC_LABELS = ("regress ONE-HOT targets (one column per class) and predict the argmax, not the "
                  "labels as numbers")
ARGMIN = "the predicted class is the one with the LARGEST score: argmax, not argmin"
COUNT = "return the FRACTION of points predicted right (a float in [0, 1]), not their number"


def _ridge_scores(H, Y, l2, centre=True, penalised_bias=False):
    """Scores of a ridge fit of Y on H: centred (the unpenalised bias), with a bias column
    penalised like the weights, or without any bias."""
    if penalised_bias:
        A = np.column_stack([H, np.ones(len(H))])
        P = np.eye(A.shape[1]) * l2
        return A @ np.linalg.lstsq(A.T @ A + P, A.T @ Y, rcond=None)[0]
    if not centre:
        return H @ np.linalg.lstsq(H.T @ H + l2 * np.eye(H.shape[1]), H.T @ Y, rcond=None)[0]
    Hc, Yc = H - H.mean(axis=0), Y - Y.mean(axis=0)
    return Hc @ np.linalg.lstsq(Hc.T @ Hc + l2 * np.eye(H.shape[1]), Hc.T @ Yc, rcond=None)[0]


def _probe_mistakes(H, y, l2):
    """(hint, accuracy) of the usual mistakes on this input, computed here from the maths."""
    H, y = np.asarray(H, dtype=float), np.asarray(y)
    classes = np.unique(y)
    Y = (y[:, None] == classes[None, :]).astype(float)
    Hc, y_mean = H - H.mean(axis=0), Y.mean(axis=0)
    W = np.linalg.lstsq(Hc.T @ Hc + l2 * np.eye(H.shape[1]), Hc.T @ (Y - y_mean), rcond=None)[0]

    def accuracy(scores, pick=np.argmax):
        return float(np.mean(classes[pick(scores, axis=1)] == y))

    numeric = _ridge_scores(H, y[:, None].astype(float), l2)[:, 0] + y.mean()
    # In order of preference where two mistakes give the same accuracy (the cases of the values
    # part are ordered so that each mistake first fails where its own accuracy comes first).
    return [
        (COUNT, float(ref.linear_probe_accuracy(H, y, l2) * len(y))),
        (NUMERIC_LABELS, float(np.mean(np.round(numeric) == y))),
        (ARGMIN, accuracy(Hc @ W + y_mean, pick=np.argmin)),
        (SUM_NOT_MEAN, accuracy(_ridge_scores(H, Y, l2 * len(y)) + y_mean)),
        (RAW_SCORES, accuracy(H @ W + y_mean)),
        (NO_Y_MEAN, accuracy(Hc @ W)),
        (BIAS, accuracy(_ridge_scores(H, Y, l2, penalised_bias=True))),
        (NO_BIAS, accuracy(_ridge_scores(H, Y, l2, centre=False))),
    ]


def expect_accuracy(f, want, H, y, l2=None, *, hint, what="the training accuracy"):
    """``f(H, y, l2)`` (the default l2 if None) must be ``want``, derived by hand; on a mismatch,
    the hint names the usual mistake whose accuracy was received (the first in the order of
    :func:`_probe_mistakes`), if one is."""
    args = (H, y) if l2 is None else (H, y, l2)
    got = f(*args)
    try:
        value = float(got)
    except (TypeError, ValueError):
        value = None
    if value is not None and abs(value - want) > 1e-9:
        hint = next((label for label, acc in _probe_mistakes(H, y, 1e-3 if l2 is None else l2)
                     if abs(acc - value) <= 1e-9 and abs(acc - want) > 1e-9), hint)
    assert_close(got, want, rtol=1e-12, what=what, inputs=f.describe_call(args, {}), hint=hint)


@linear_probe_accuracy.part("values", points=4)
def linear_probe_accuracy_values(f, rng):
    # One feature h = 0, 1, 2, 3 with labels 0, 1, 1, 1. Centred h = (-1.5, -0.5, 0.5, 1.5);
    # the class-1 target centred is (-0.75, 0.25, 0.25, 0.25), so its weight is
    # w = sum(h_c * y_c) / (sum(h_c^2) + l2) = 1.5 / (5 + l2), its score 0.75 + w h_c and the
    # class-0 score 1 minus that. Point 0 is called class 0 iff 0.75 - 1.5 w < 0.5, i.e.
    # w > 1/6, i.e. l2 < 4; points 1-3 always class 1. So l2 = 1.5 gives 4/4, l2 = 6 gives 3/4.
    # Without the mean of Y in the scores, class 1 wins only where w h_c > 0: points 2 and 3,
    # 3/4 at any l2; with the penalty l2 * N, l2 = 1e-3 still gives 4/4 (N l2 < 4). First with
    # the features already centred (there H W = Hc W, so only the mean of Y can be missed),
    # then as they are (where scoring the raw H W + mean of Y also calls all four class 1).
    H = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 1, 1, 1])
    expect_accuracy(f, 1.0, H - 1.5, y, hint="scores Hc W + mean of Y; the class of the largest "
                    "score; the fraction of points whose class is their label")
    expect_accuracy(f, 1.0, H, y, hint="scores Hc W + mean of Y; the class of the largest score; "
                    "the fraction of points whose class is their label")
    expect_accuracy(f, 1.0, H, y, 1.5, hint=SUM_NOT_MEAN)
    expect_accuracy(f, 0.75, H, y, 6.0, hint="the penalty l2 shrinks W: with l2 = 6, point 0 is "
                    "called class 1")
    # Shifting the feature by 100 changes nothing: the bias absorbs it.
    expect_accuracy(f, 1.0, H + 100.0, y, 1.5, hint=BIAS,
                    what="the training accuracy of shifted features")
    expect_accuracy(f, 1.0, H + 100.0, y, hint=BIAS + "; without a bias, a line through the origin "
                    "cannot fit labels of features near 100",
                    what="the training accuracy of shifted features (default l2)")
    # Four classes at the corners of the unit square. The one-hot fit is symmetric: each
    # class scores 3/4 at its own corner and 1/4 at the two next to it, -1/4 opposite (up to
    # the shrinkage of l2 = 1e-3), so all four are right. The labels 0, 1, 2, 3 as numbers
    # would be fitted by 1 + h_2 and be wrong everywhere.
    corners = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    expect_accuracy(f, 1.0, corners, np.array([0, 1, 2, 3]), hint=NUMERIC_LABELS)
    for N, K, classes in [(60, 3, [0, 1]), (120, 5, [0, 1, 2, 3]), (80, 10, [0, 1, 2]),
                          (200, 2, [0, 1, 2, 3, 4])]:
        H, y = clustered(rng, N, K, classes)
        for l2 in (1e-3, 1.0, float(rng.uniform(5.0, 50.0))):
            f.check(H, y, l2, atol=1e-12, hint=PROBE_HINT)
    H, y = clustered(rng, 90, 4, [0, 2, 5])
    f.check(H, y, 0.1, atol=1e-12, hint="labels 0, 2 and 5 only: map the argmax back to the label "
            "(or use one column per label up to y.max())")
    H, y = clustered(rng, 100, 6, [0, 1, 2], offset=50.0)
    f.check(H, y, 20.0, atol=1e-12, hint=BIAS)
    require_float(f(*clustered(rng, 30, 3, [0, 1])), "linear_probe_accuracy")


@linear_probe_accuracy.part("errors", points=1)
def linear_probe_accuracy_errors(f, rng):
    H, y = clustered(rng, 20, 3, [0, 1, 2])
    f.check_raises(ValueError, H, y[:-1], hint="y must hold one label per row of H")
    f.check_raises(ValueError, H, y[:, None], hint="y must be 1-D, shape (N,): a column (N, 1) has "
                   "the right length but not the right shape")
    f.check_raises(ValueError, H, y, -1.0, hint="a negative penalty rewards large weights: l2 must "
                   "be >= 0")
    f.check_raises(ValueError, H[:, 0], y, hint="H must be 2-D (N, K): one row of features per point")


# --------------------------------------------------------------------------- #
# The concept quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=2, questions=[
    Number("q1", "The covariance of some data has eigenvalues 6, 3 and 1. What is their PCA "
           "dimension at threshold 0.9?", answer=2, rtol=0.0, atol=1e-9,
           why="the cumulative ratios are 0.6, 0.9 and 1.0; two components reach 0.9 exactly."),
    Choice("q2", "Points on a swiss roll have PCA dimension 3 but TwoNN dimension about 2. Why?",
           {"a": "TwoNN is biased downwards for every data set",
            "b": "PCA counts the flat directions the data spread along; the roll is a curved "
                 "2-D sheet that spreads along all 3",
            "c": "the swiss roll has too few points for PCA"}, answer="b",
           why="PCA finds the smallest flat subspace that holds the variance; a curved sheet needs "
               "all three axes to hold it, while near each point it is 2-D, which is what "
               "nearest neighbours see."),
    Number("q3", "Five points each have r2 / r1 = e^0.5 (log of the ratio 0.5). What is the TwoNN "
           "estimate of the dimension?", answer=2.0, rtol=1e-6,
           why="N / sum log(r2 / r1) = 5 / (5 x 0.5) = 2."),
    Choice("q4", "Why must TwoNN leave the point itself out of its neighbours?",
           {"a": "its distance 0 would be r1, and log(r2 / 0) is infinite",
            "b": "to make the estimate unbiased",
            "c": "it does not matter: the estimate is the same"}, answer="a",
           why="a point is at distance 0 from itself; counted as its own neighbour, every ratio "
               "r2 / r1 would be infinite and the estimate 0."),
    Choice("q5", "A linear probe gives 50 % at the input of a network trained on two concentric "
           "circles and 100 % at its last hidden layer. What has the network done?",
           {"a": "memorised the labels",
            "b": "re-represented the points so that a hyperplane separates the classes",
            "c": "reduced the number of points"}, answer="b",
           why="the last layer of a classifier is linear; the hidden layers move the points until "
               "a hyperplane separates the classes: they untangle them."),
    Choice("q6", "Why does the probe leave its bias unpenalised?",
           {"a": "so that a shift of every feature by the same constant does not change its answer",
            "b": "because the bias has no gradient",
            "c": "to make the probe more accurate than the network"}, answer="a",
           why="a penalised bias makes the fit depend on where the origin of the features is "
               "(ReLU features are all positive, for example); an unpenalised one absorbs any "
               "shift."),
    Choice("q7", "Hidden layers of width 2 (tanh) fail to separate two concentric circles while "
           "width 3 succeeds. Why?",
           {"a": "width 2 has too few parameters to fit 600 points",
            "b": "a layer of width 2 with an invertible weight matrix is a continuous, invertible "
                 "map of the plane: it cannot pull the inner disk out of the ring around it",
            "c": "tanh saturates in 2 dimensions"}, answer="b",
           why="continuous invertible maps keep the disk enclosed by the ring (topology); a third "
               "dimension lets the network lift the disk out of the ring's plane."),
])
