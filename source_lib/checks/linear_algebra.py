"""Checks of lesson 01 (linear algebra): cosine similarity, power iteration, low-rank
approximation and PCA, each compared with hand-worked cases, then with the reference on
seeded random inputs, with fixed inputs that expose each common mistake whatever the seed.

Eigenvectors and principal components are free up to sign: they are compared with
:func:`assert_close_up_to_sign`, the one place where that freedom is handled.
"""

import numpy as np

from source_lib import linear_algebra as ref
from source_lib.checks import Choice, Lesson, Number, StudentError
from source_lib.testing import assert_close, describe, fail

checks = Lesson("01_linear_algebra")

EIGEN_SHORTCUTS = [
    "numpy.linalg.eig", "numpy.linalg.eigh", "numpy.linalg.eigvals", "numpy.linalg.eigvalsh",
    "numpy.linalg.svd", "numpy.linalg.svdvals",
    "scipy.linalg.eig", "scipy.linalg.eigh", "scipy.linalg.eigvals", "scipy.linalg.eigvalsh",
    "scipy.linalg.svd", "scipy.linalg.svdvals",
    "scipy.sparse.linalg.eigsh", "scipy.sparse.linalg.eigs", "scipy.sparse.linalg.svds",
    "scipy.sparse.linalg.lobpcg",
    "torch.linalg.eig", "torch.linalg.eigh", "torch.linalg.eigvals", "torch.linalg.eigvalsh",
    "torch.linalg.svd", "torch.linalg.svdvals", "torch.svd", "torch.lobpcg",
]

cosine = checks.exercise(
    "cosine_similarity", ref.cosine_similarity,
    forbidden=["scipy.spatial.distance.cosine", "sklearn.metrics.pairwise.cosine_similarity",
               "torch.nn.functional.cosine_similarity"])
power = checks.exercise("power_iteration", ref.power_iteration, forbidden=EIGEN_SHORTCUTS,
                        time_limit=5.0)
low_rank = checks.exercise(
    "low_rank_approx", ref.low_rank_approx,
    forbidden=["sklearn.decomposition.TruncatedSVD.fit",
               "sklearn.decomposition.TruncatedSVD.fit_transform",
               "sklearn.utils.extmath.randomized_svd"])
principal = checks.exercise(
    "pca", ref.pca,
    forbidden=["sklearn.decomposition.PCA.fit", "sklearn.decomposition.PCA.fit_transform",
               "sklearn.decomposition.PCA._fit", "torch.pca_lowrank"])


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #

def assert_close_up_to_sign(actual, expected, *, rtol, what, inputs, hint, shape_hint=None):
    """Compare vectors that are free up to sign: a 1-D ``expected`` as a whole, a 2-D one
    row by row. Each vector (row) of ``actual`` must have unit norm; it is flipped when it
    points away from its counterpart in ``expected``, then the two are compared with
    :func:`assert_close`. A wrong shape fails with ``shape_hint``; other types and
    non-finite values are reported by :func:`assert_close` unchanged."""
    expected = np.asarray(expected, dtype=float)
    try:
        got = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        got = None
    if got is not None and got.shape != expected.shape:
        fail(f"{what} has the wrong shape.", inputs=inputs, expected=f"shape {expected.shape}",
             received=f"shape {got.shape}", hint=shape_hint)
    if got is None or not np.all(np.isfinite(got)):
        assert_close(actual, expected, rtol=rtol, what=what, inputs=inputs, hint=hint)
        return
    rows = np.atleast_2d(got)
    assert_close(np.linalg.norm(rows, axis=1), np.ones(len(rows)), rtol=1e-9,
                 what=f"the norm of each vector in {what}", inputs=inputs,
                 hint="return unit vectors: divide by the norm (and do not scale them by an "
                      "eigenvalue or a singular value)")
    signs = np.where(np.sum(rows * np.atleast_2d(expected), axis=1) < 0, -1.0, 1.0)
    assert_close((rows * signs[:, None]).reshape(expected.shape), expected, rtol=rtol,
                 what=f"{what} (each vector compared up to sign)", inputs=inputs, hint=hint)


def valid_input(call, inputs, hint):
    """Run ``call()`` (a call of the student's function on a valid input) and return its
    result; if the function raises, fail with ``hint`` (why this input is valid)."""
    try:
        return call()
    except StudentError as err:
        fail(f"{str(err).splitlines()[0]}, on a valid input.", inputs=inputs, hint=hint)


def random_orthogonal(rng, n):
    """A random orthogonal matrix (QR of a Gaussian matrix)."""
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return Q


def symmetric_from(Q, eigenvalues):
    """Q diag(eigenvalues) Q^T, made exactly symmetric."""
    M = (Q * np.asarray(eigenvalues, dtype=float)) @ Q.T
    return (M + M.T) / 2


def anisotropic_data(rng, n, d):
    """Off-centre samples with well-separated variances along random orthogonal directions;
    the column means differ from each other (and from their average)."""
    R = random_orthogonal(rng, d)
    return (rng.standard_normal((n, d)) * np.geomspace(4.0, 0.3, d)) @ R.T \
        + 3.0 * rng.standard_normal(d) + np.arange(d)


# --------------------------------------------------------------------------- #
# cosine_similarity
# --------------------------------------------------------------------------- #

@cosine.part("values", points=3)
def cosine_values(f, rng):
    x = np.array([3.0, 4.0])
    # y = 2.5 x points the same way: cos = 1 whatever the lengths.
    f.expect(1.0, x, 2.5 * x, rtol=1e-12,
             what="the cosine of a vector with a longer copy of itself",
             hint="divide the dot product by both norms, so that the lengths cancel")
    # (3, 4) . (-4, 3) = -12 + 12 = 0: perpendicular.
    f.expect(0.0, x, np.array([-4.0, 3.0]), atol=1e-12, what="the cosine of perpendicular vectors",
             hint="the cosine is x . y / (|x| |y|), with x and y as they are (not centred): "
                  "perpendicular vectors have x . y = 0")
    # (3, 4) . (4, 3) = 24 and |x| |y| = 5 * 5 = 25.
    f.expect(24 / 25, x, np.array([4.0, 3.0]), rtol=1e-12, what="the cosine",
             hint="x . y = 24 and |x| |y| = 25")
    # x and -x point in opposite directions: cos = -1.
    result = f(x, -x)
    if not isinstance(result, float):
        fail("cosine_similarity should return a Python float.", inputs="x=[3, 4], y=[-3, -4]",
             expected="a float", received=f"{type(result).__name__}: {describe(result)}",
             hint="wrap the result in float(...)")
    assert_close(result, -1.0, rtol=1e-12, what="the cosine of opposite vectors",
                 inputs="x=[3, 4], y=[-3, -4]",
                 hint="keep the sign of the dot product: opposite vectors have cosine -1")

    for n in (1, 2, 5, 1000):
        u, w = rng.standard_normal(n), rng.standard_normal(n)
        f.check(u, w, rtol=1e-12, atol=1e-14,
                hint="divide the dot product by the product of both norms")
        f.check(100.0 * u, 0.01 * w, rtol=1e-12, atol=1e-14,
                hint="the lengths must cancel: divide by both norms, not by their squares")
        f.check(u, -3.0 * u, rtol=1e-12,
                hint="opposite vectors have cosine -1: keep the sign of the dot product")
    # Integer vectors without zero entries (those are tested below).
    x_int = rng.choice([-1, 1], size=4) * rng.integers(1, 10, size=4)
    y_int = rng.integers(1, 10, size=4)
    hint = "integer arrays should work too: convert with np.asarray(x, dtype=float)"
    valid_input(lambda: f.check(x_int, y_int, rtol=1e-12, hint=hint),
                f"x={x_int.tolist()}, y={y_int.tolist()} (integer arrays)", hint)
    # Only the zero vector has no direction. x = (2, -2, 0) sums to 0 and has a zero entry,
    # y = (1, 0, 3) has a zero entry: x . y = 2, |x| = sqrt(8), |y| = sqrt(10).
    hint = ("only the zero vector is refused: test whether a norm is 0, not the sum of the "
            "entries or a single entry")
    valid_input(lambda: f.expect(2 / np.sqrt(80), np.array([2.0, -2.0, 0.0]),
                                 np.array([1.0, 0.0, 3.0]), rtol=1e-12, hint=hint,
                                 what="the cosine of two non-zero vectors with zero entries"),
                "x=[2, -2, 0], y=[1, 0, 3]", hint)
    hint = ("a short vector still has a direction: refuse a norm of exactly 0 only "
            "(np.isclose(norm, 0) also refuses every norm below 1e-8)")
    u, w = 1e-10 * rng.standard_normal(5), 1e-9 * rng.standard_normal(5)
    valid_input(lambda: f.check(u, w, rtol=1e-12, hint=hint),
                "x = 1e-10 * (5 random numbers), y = 1e-9 * (5 random numbers)", hint)
    result = f(rng.standard_normal(4), rng.standard_normal(4))
    if not isinstance(result, float):
        fail("cosine_similarity should return a Python float.",
             inputs="two random vectors of length 4",
             expected="a float", received=f"{type(result).__name__}: {describe(result)}",
             hint="wrap the result in float(...)")


@cosine.part("errors", points=1)
def cosine_errors(f, rng):
    n = int(rng.integers(2, 6))
    f.check_raises(ValueError, np.ones(n), np.ones(n + 1), hint="compare the lengths first")
    f.check_raises(ValueError, np.ones(1), rng.standard_normal(n + 2),
                   hint="NumPy broadcasts a length-1 array against any length: compare x.shape "
                        "with y.shape yourself")
    f.check_raises(ValueError, np.zeros(n), rng.standard_normal(n),
                   hint="the zero vector has no direction: raise ValueError when a norm is 0")
    f.check_raises(ValueError, rng.standard_normal(n), np.zeros(n),
                   hint="check both vectors: y may be the zero vector too")


# --------------------------------------------------------------------------- #
# power_iteration
# --------------------------------------------------------------------------- #

def check_eigenpair(result, eigenvalue, eigenvector, inputs, value_hint=None):
    """Compare (eigenvalue, eigenvector) with the known pair; the vector up to sign."""
    if not (isinstance(result, tuple) and len(result) == 2):
        fail("power_iteration should return a tuple (eigenvalue, eigenvector).", inputs=inputs,
             received=describe(result), hint="return lam, v")
    lam, v = result
    if value_hint is None:
        value_hint = ("iterate until the vector has converged (its change, up to sign, below "
                      "tol), then return the Rayleigh quotient v @ A @ v of the final unit vector")
        try:
            if np.isclose(abs(float(lam)), abs(eigenvalue), rtol=1e-6) \
                    and np.sign(float(lam)) != np.sign(eigenvalue):
                value_hint = ("the size is right but not the sign: return the Rayleigh quotient "
                              "v @ A @ v, which keeps the sign (|A v| does not)")
        except (TypeError, ValueError):
            pass
    assert_close(lam, float(eigenvalue), rtol=1e-9, what="the eigenvalue", inputs=inputs,
                 hint=value_hint)
    assert_close_up_to_sign(v, eigenvector, rtol=1e-6, what="the eigenvector", inputs=inputs,
                            hint="iterate until the change of the vector, up to sign, is below "
                                 "tol (not the change of the eigenvalue, and not a fixed "
                                 "number of steps)",
                            shape_hint="return the eigenvector as a 1-D array of shape (n,), "
                                       "like the rows of A")


@power.part("values", points=3)
def power_values(f, rng):
    # diag(-5, 1): the dominant eigenvalue is -5, with eigenvector (1, 0).
    check_eigenpair(f(np.diag([-5.0, 1.0]), rng=np.random.default_rng(0)), -5.0,
                    np.array([1.0, 0.0]), "A=diag(-5, 1), rng=default_rng(0)")
    # [[2, 1], [1, 2]] maps (1, 1) to (3, 3) and (1, -1) to (1, -1): eigenvalues 3 and 1.
    check_eigenpair(f(np.array([[2.0, 1.0], [1.0, 2.0]]), rng=np.random.default_rng(1)), 3.0,
                    np.full(2, np.sqrt(0.5)), "A=[[2, 1], [1, 2]], rng=default_rng(1)")

    # Random symmetric matrices with a known spectrum: Q diag(lambda) Q^T has the
    # eigenvector Q[:, 0] for lambda[0], the eigenvalue of largest absolute value.
    spectra = [[4.0, 3.6, 2.0, -1.0, 0.5],            # |lambda2 / lambda1| = 0.9: ~250 steps
               [-6.0, 5.4, 3.0, 1.0, -2.0, 0.1],      # negative dominant eigenvalue
               [2.0, *np.linspace(-1.5, 1.5, 29)],    # 30 x 30
               [-3.0]]                                # 1 x 1
    for spectrum in spectra:
        scale = float(rng.uniform(0.5, 2.0))
        Q = random_orthogonal(rng, len(spectrum))
        M = symmetric_from(Q, scale * np.asarray(spectrum))
        inputs = (f"A = Q diag({np.round(scale * np.asarray(spectrum), 3).tolist()}) Q^T "
                  "(random orthogonal Q), rng given")
        check_eigenpair(f(M, rng=np.random.default_rng(rng.integers(2**32))),
                        scale * spectrum[0], Q[:, 0], inputs)
    Q = random_orthogonal(rng, 3)
    check_eigenpair(f(symmetric_from(Q, [3.0, 1.0, -1.0])), 3.0, Q[:, 0],
                    "A = Q diag(3, 1, -1) Q^T (random orthogonal Q), rng left as None")

    # A start at all ones: the dominant eigenvector is orthogonal to (1, ..., 1), itself an
    # eigenvector (of eigenvalue 2), so an iteration started there never leaves it.
    n = 5
    basis = np.column_stack([np.ones(n), rng.standard_normal((n, n - 1))])
    Q, _ = np.linalg.qr(basis)                     # Q[:, 0] = +-(1, ..., 1) / sqrt(n)
    Q = Q[:, [1, 0, 2, 3, 4]]                      # the dominant direction is orthogonal to it
    check_eigenpair(f(symmetric_from(Q, [5.0, 2.0, 1.0, 0.5, -0.3]),
                      rng=np.random.default_rng(rng.integers(2**32))), 5.0, Q[:, 0],
                    "A with eigenvalues 5, 2, 1, 0.5, -0.3 whose 2-eigenvector is (1, 1, 1, 1, 1)",
                    value_hint="start from a random vector drawn from rng: a fixed start such as "
                               "all ones can be orthogonal to the dominant eigenvector")
    # A diagonal matrix: every coordinate axis is an eigenvector, so a start at e_1 (or e_n)
    # never leaves it, and a ratio of entries (A v)[0] / v[0] divides by a vanishing entry.
    # The dominant eigenvalue -7 sits in a middle position; the others are in [0.5, 2].
    diagonal = rng.uniform(0.5, 2.0, size=5)
    where = int(rng.integers(1, 4))
    diagonal[where] = -7.0
    check_eigenpair(f(np.diag(diagonal), rng=np.random.default_rng(rng.integers(2**32))), -7.0,
                    np.eye(5)[where], f"A = diag({np.round(diagonal, 3).tolist()}), rng given",
                    value_hint="start from a random vector drawn from rng (a coordinate vector "
                               "such as e_1 is itself an eigenvector of a diagonal matrix), and "
                               "take the eigenvalue as the Rayleigh quotient v @ A @ v, not as "
                               "a ratio of entries")

    # Randomness comes in through rng only: the start vector must be drawn from it, so the
    # generator passed in has moved after the call (a fixed start, np.random.seed or
    # np.random.randn leave it where it was).
    generator = np.random.default_rng(rng.integers(2**32))
    f(symmetric_from(random_orthogonal(rng, 3), [3.0, 1.0, 0.5]), rng=generator)
    if not f.last.get("rng_moved", {}).get("rng"):
        fail("power_iteration did not draw its start vector from the rng argument.",
             inputs="A = Q diag(3, 1, 0.5) Q^T, rng given",
             expected="the generator rng to have moved (a random start drawn from it)",
             received="rng untouched",
             hint="draw the start vector with rng.standard_normal(n), never from NumPy's global "
                  "random state (np.random.seed, np.random.randn) or a fixed vector; when rng is "
                  "None, make one with np.random.default_rng()")

    # Negative dominant eigenvalue: the iterate flips sign at every step, so a stopping rule
    # that ignores the sign never stops, and runs all 10**7 iterations (past the time limit).
    Q = random_orthogonal(rng, 3)
    check_eigenpair(f(symmetric_from(Q, [-6.0, 2.0, 1.0]), num_iters=10**7,
                      rng=np.random.default_rng(rng.integers(2**32))), -6.0, Q[:, 0],
                    "A = Q diag(-6, 2, 1) Q^T, num_iters=10**7")


@power.part("errors", points=1)
def power_errors(f, rng):
    f.check_raises(ValueError, np.ones((2, 3)),
                   hint="A must be square: compare A.shape[0] and A.shape[1]")
    f.check_raises(ValueError, np.ones(3), hint="a 1-D array is not a matrix: check A.ndim == 2")
    f.check_raises(ValueError, np.array([[1.0, 2.0], [0.0, 1.0]]),
                   hint="check symmetry, for instance with np.allclose(A, A.T)")
    # Symmetric but for one pair of entries.
    A = symmetric_from(random_orthogonal(rng, 3), [3.0, 2.0, 1.0])
    A[1, 0] += 1.0
    f.check_raises(ValueError, A, hint="check symmetry, for instance with np.allclose(A, A.T)")


# --------------------------------------------------------------------------- #
# low_rank_approx
# --------------------------------------------------------------------------- #

@low_rank.part("values", points=3)
def low_rank_values(f, rng):
    # diag(3, 2, 1) has its singular values on the diagonal, with the coordinate axes as
    # singular vectors: A_1 = diag(3, 0, 0), A_2 = diag(3, 2, 0).
    A = np.diag([3.0, 2.0, 1.0])
    f.expect(np.diag([3.0, 0.0, 0.0]), A, 1, atol=1e-12, what="the rank-1 approximation",
             hint="keep only the largest singular value, 3, with its singular vectors")
    f.expect(np.diag([3.0, 2.0, 0.0]), A, 2, atol=1e-12, what="the rank-2 approximation",
             hint="keep the k largest singular values: k terms, not k - 1 or k + 1")
    # Every row of arange(12).reshape(3, 4) is row 0 plus a multiple of (4, 4, 4, 4): rank 2,
    # so the matrix is its own best rank-2 approximation.
    A = np.arange(12.0).reshape(3, 4)
    f.expect(A, A, 2, rtol=1e-10, what="the rank-2 approximation of a rank-2 matrix",
             hint="a matrix of rank 2 is its own best rank-2 approximation")

    for shape, k in [((6, 4), 1), ((6, 4), 2), ((4, 7), 3), ((30, 20), 5), ((5, 5), 5),
                     ((1, 6), 1), ((7, 1), 1)]:
        f.check(rng.standard_normal(shape), k, rtol=1e-9,
                hint="keep exactly the k largest singular values with their vectors: "
                     "U[:, :k] * s[:k] @ Vt[:k] (rows of Vt are the right singular vectors)")
    A = rng.standard_normal((8, 6))
    valid_input(lambda: f.check(A, np.int64(3), rtol=1e-9, hint="k may be a NumPy integer"),
                "A of shape (8, 6), k=np.int64(3)", "k may be a NumPy integer")
    A = rng.integers(-5, 6, size=(5, 4))
    hint = ("an integer matrix must work too, and its approximation is a float array: convert "
            "with np.asarray(A, dtype=float) rather than keeping A's dtype")
    valid_input(lambda: f.check(A, 2, rtol=1e-9, hint=hint),
                "A an integer array of shape (5, 4), k=2", hint)


@low_rank.part("errors", points=1)
def low_rank_errors(f, rng):
    m, n = (int(d) for d in rng.integers(2, 7, size=2))
    A = rng.standard_normal((m, n))
    f.check_raises(ValueError, A, 0, hint="k must be at least 1")
    f.check_raises(ValueError, A, -1, hint="k must be at least 1")
    f.check_raises(ValueError, A, min(m, n) + 1,
                   hint=f"k can be at most min(A.shape) = {min(m, n)}")
    f.check_raises(ValueError, np.ones((4, 6)), 5, hint="k can be at most min(A.shape) = 4")
    f.check_raises(ValueError, np.ones((6, 4)), 5, hint="k can be at most min(A.shape) = 4")


# --------------------------------------------------------------------------- #
# pca
# --------------------------------------------------------------------------- #

CENTRING = ("centre each column by its own mean, X - X.mean(axis=0) (not X.mean(), the single "
            "mean of all entries, and not the row means)")
ORDER = ("the components are the rows of Vt, largest variance first (np.linalg.eigh sorts its "
         "eigenvalues in increasing order and returns the eigenvectors as columns)")
RATIOS = ("each ratio is one component's variance over the total variance of all D directions: "
          "s[:k]**2 / np.sum(s**2), not a cumulative sum, not over the k kept only, and with the "
          "same N - 1 (or N) above and below")
COLUMNS = ("components are rows: return Vt[:k], or the eigenvectors of the covariance "
           "transposed, shape (k, D)")


def check_pca(f, X, k, inputs, extra=""):
    """Compare pca(X, k) with the reference: components up to sign, then the ratios."""
    result = valid_input(lambda: f(X, k), inputs, "these are valid data" + extra)
    if not (isinstance(result, tuple) and len(result) == 2):
        fail("pca should return a tuple (components, explained_variance_ratio).", inputs=inputs,
             received=describe(result), hint="return components, ratios")
    components, ratios = result
    expected_components, expected_ratios = ref.pca(X, k)
    assert_close_up_to_sign(components, expected_components, rtol=1e-8,
                            what="the matrix of components", inputs=inputs,
                            hint=f"{CENTRING}; {ORDER}{extra}", shape_hint=COLUMNS)
    assert_close(ratios, expected_ratios, rtol=1e-9, what="the vector of explained variance ratios",
                 inputs=inputs, hint=RATIOS + extra)


@principal.part("values", points=3)
def pca_values(f, rng):
    # Four points spread +-2 along u = (0.6, 0.8) and +-1 along w = (-0.8, 0.6), shifted to
    # the mean (4, -2): the centred points are +-2u and +-w, so the variances are
    # 2 * 2**2 / 3 = 8/3 along u and 2 * 1**2 / 3 = 2/3 along w, the components +-u and +-w
    # and the ratios 8/3 / (10/3) = 0.8 and 0.2. The column means 4 and -2 differ, so
    # subtracting the single mean of all entries (1) does not centre the data.
    u, w = np.array([0.6, 0.8]), np.array([-0.8, 0.6])
    X = np.array([2 * u, -2 * u, w, -w]) + np.array([4.0, -2.0])
    inputs = "X = [2u, -2u, w, -w] + (4, -2) with u = (0.6, 0.8), w = (-0.8, 0.6), k=2"
    result = f(X, 2)
    if not (isinstance(result, tuple) and len(result) == 2):
        fail("pca should return a tuple (components, explained_variance_ratio).", inputs=inputs,
             received=describe(result), hint="return components, ratios")
    assert_close_up_to_sign(result[0], np.array([u, w]), rtol=1e-9, what="the matrix of components",
                            inputs=inputs, hint=f"{CENTRING}; {ORDER}", shape_hint=COLUMNS)
    assert_close(result[1], np.array([0.8, 0.2]), rtol=1e-9,
                 what="the vector of explained variance ratios", inputs=inputs, hint=RATIOS)
    result = f(X, 1)
    assert_close(result[1] if isinstance(result, tuple) and len(result) == 2 else result,
                 np.array([0.8]), rtol=1e-9, what="the vector of explained variance ratios",
                 inputs=inputs.replace("k=2", "k=1"), hint=RATIOS)

    for n, d, k in [(200, 5, 2), (200, 5, 5), (50, 12, 4), (8, 20, 5), (30, 3, 1)]:
        check_pca(f, anisotropic_data(rng, n, d), k,
                  f"X of shape ({n}, {d}) (random, not centred, different column means), k={k}")
    check_pca(f, rng.integers(0, 10, size=(12, 3)), 2, "X an integer array of shape (12, 3), k=2",
              extra="; integer data must work too: convert X to float before centring")


@principal.part("errors", points=1)
def pca_errors(f, rng):
    f.check_raises(ValueError, np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]), 3,
                   hint="k can be at most min(N, D) = 2 here")
    X_tall = rng.standard_normal((10, 3))
    f.check_raises(ValueError, X_tall, 0, hint="k must be at least 1")
    f.check_raises(ValueError, X_tall, 4, hint="k can be at most min(N, D) = D = 3 here")
    f.check_raises(ValueError, rng.standard_normal((4, 9)), 5,
                   hint="with fewer samples than features, k can be at most min(N, D) = N = 4")


# --------------------------------------------------------------------------- #
# Quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=2, questions=[
    Choice("q1", "A batch X of shape (32, 64) goes through a dense layer with W of shape (64, 10) "
                 "and b of shape (10,). What is the shape of X @ W + b?",
           {"a": "(64, 10)", "b": "(10, 32)", "c": "(32, 10)", "d": "(32, 64)"}, answer="c",
           why="(32 x 64)(64 x 10) -> (32 x 10): the inner dimensions 64 cancel, and b is "
               "broadcast over the 32 rows."),
    Number("q2", "What is the cosine similarity of x = (1, 2, 2) and y = -3x?", answer=-1.0,
           rtol=1e-6, atol=1e-9,
           why="y points exactly the opposite way: the lengths cancel and cos = -1."),
    Choice("q3", "Power iteration on a symmetric matrix with eigenvalues 10, -9.9 and 1 converges "
                 "slowly. Why?",
           {"a": "because |lambda2 / lambda1| = 0.99 is close to 1, and the error shrinks by "
                 "that factor per step",
            "b": "because one eigenvalue is negative",
            "c": "because the matrix is too small for power iteration",
            "d": "because the Rayleigh quotient is inaccurate for negative eigenvalues"},
           answer="a",
           why="the component along q2 shrinks like |lambda2 / lambda1|^t = 0.99^t: about 230 "
               "steps per factor 10. The sign of lambda2 does not matter, only its size."),
    Number("q4", "A matrix has singular values 5, 3, 2 and 1. What is the Frobenius-norm error "
                 "||A - A_2||_F of its best rank-2 approximation?", answer=float(np.sqrt(5.0)),
           rtol=1e-3,
           why="Eckart-Young: the error is the norm of the discarded singular values, "
               "sqrt(2^2 + 1^2) = sqrt(5) = 2.236."),
    Choice("q5", "What goes wrong if PCA is run on data that were not centred?",
           {"a": "nothing: the SVD does not depend on the mean",
            "b": "the components are no longer unit vectors",
            "c": "the explained variance ratios no longer add up to at most 1",
            "d": "the first component is pulled towards the mean of the data instead of "
                 "following their spread"},
           answer="d",
           why="without centring, X^T X / (N - 1) is the covariance plus the outer product of "
               "the mean with itself: for data far from the origin the first direction points "
               "almost at the mean."),
    Number("q6", "Solving A x = b in float64 (about 16 significant digits) with a condition "
                 "number kappa(A) = 1e10: about how many significant digits of x can you trust?",
           answer=6.0, rtol=0.0, atol=1.0,
           why="about log10(kappa) = 10 digits can be lost, so about 16 - 10 = 6 remain."),
    Choice("q7", "Why does power iteration return the Rayleigh quotient v @ A @ v rather than "
                 "||A v|| as the eigenvalue?",
           {"a": "it is faster to compute",
            "b": "||A v|| is only |lambda|: the Rayleigh quotient keeps the sign",
            "c": "||A v|| is not defined for symmetric matrices",
            "d": "the Rayleigh quotient does not need v to have unit norm"},
           answer="b",
           why="for a unit eigenvector, v^T A v = lambda v^T v = lambda with its sign, while "
               "||A v|| = |lambda|."),
])
