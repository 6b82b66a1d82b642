"""Checks of lesson 11: ReLU features, ridge with a free bias, the sawtooth network and
the piece counter.

Each part compares the student's function with :mod:`source_lib.function_space` on
hand-worked cases, seeded random inputs and inputs that expose the common mistakes:
features of shape (K, N), a penalised or forgotten bias, a rescaled penalty, a tent map
that is not built from ReLUs (it differs from the network outside [0, 1]), a wrong
number of layers, a counter fooled by collinear samples, by round-off or by a non-uniform
grid, an off-by-one count, and a tolerance that is ignored or relative.
"""

import numpy as np

from source_lib import function_space as ref
from source_lib.checks import Choice, Lesson, Number
from source_lib.testing import ExerciseFailure, assert_close, describe, fail

checks = Lesson("11_function_space")

RIDGE_SHORTCUTS = [
    "sklearn.linear_model.Ridge.fit", "sklearn.linear_model.RidgeCV.fit",
    "sklearn.linear_model.LinearRegression.fit", "sklearn.linear_model.ridge_regression",
    "sklearn.linear_model.BayesianRidge.fit", "sklearn.kernel_ridge.KernelRidge.fit",
]

# "Built from ReLUs only": the network's one non-linearity is the ReLU, max(0, z) (written
# np.maximum(0, z), z * (z > 0), np.where(z > 0, z, 0), np.clip(z, 0, None), or even
# (z + |z|) / 2); the rest is multiplying by constants and adding. Checked two ways:
# - statically, these routines, which compute the sawtooth or the tent map another way
#   (remainders, rounding to integers, minima, interpolation between the kinks) and have no
#   place in a ReLU network;
# - by behaviour: the checks evaluate the function outside [0, 1], where the network and
#   every closed form of the tent map differ (1 - |2x - 1|, min(2x, 2 - 2x), np.where on the
#   halves, a triangle wave with %, clipping x to [0, 1]).
# np.abs, abs, np.round and np.min are left to the behavioural check on purpose: grading
# reads every cell a student adds or edits as part of every exercise, and those names are
# common in scratch cells (np.abs(err).max()), where they would cost the sawtooth's points.
NOT_RELU = [
    "numpy.mod", "numpy.fmod", "numpy.remainder", "numpy.divmod", "numpy.modf",
    "numpy.floor_divide", "numpy.floor", "numpy.ceil", "numpy.trunc", "numpy.fix", "numpy.rint",
    "math.floor", "math.ceil", "math.fmod", "math.modf", "math.remainder",
    "numpy.minimum", "numpy.fmin", "numpy.interp", "numpy.piecewise", "numpy.select",
    "scipy.signal.sawtooth",
]


# --------------------------------------------------------------------------- #
# relu_features
# --------------------------------------------------------------------------- #

relu_features = checks.exercise("relu_features", ref.relu_features)

SHAPE_HINT = ("the result has one ROW per input x_n and one COLUMN per unit k, shape (N, K): "
              "np.maximum(0, x[:, None] * b[None, :] + c[None, :]) (not (K, N))")


@relu_features.part("values", points=3)
def relu_features_values(f, rng):
    # unit 0: relu(x); unit 1: relu(1 - x); unit 2: relu(2x - 1), at x = -1, 0.5, 2:
    #   x = -1:  relu(-1) = 0,   relu(2) = 2,     relu(-3) = 0
    #   x = 0.5: relu(.5) = .5,  relu(.5) = .5,   relu(0) = 0
    #   x = 2:   relu(2) = 2,    relu(-1) = 0,    relu(3) = 3
    f.expect(np.array([[0.0, 2.0, 0.0], [0.5, 0.5, 0.0], [2.0, 0.0, 3.0]]),
             np.array([-1.0, 0.5, 2.0]), np.array([1.0, -1.0, 2.0]), np.array([0.0, 1.0, -1.0]),
             rtol=1e-12, what="the feature matrix", hint="Phi[n, k] = max(0, b[k] * x[n] + c[k]): "
             "row n is input n, column k is unit k")
    # One unit with its kink at x = 1/2 (b = 2, c = -1): zero left of the kink, 2x - 1 right.
    f.expect(np.array([[0.0], [0.0], [0.0], [1.0]]), np.array([-3.0, 0.0, 0.5, 1.0]),
             np.array([2.0]), np.array([-1.0]), rtol=1e-12, what="the feature matrix",
             hint="relu(b x + c) = max(0, b x + c): the bias c is added after multiplying by b, "
                  "not relu(b (x + c))")
    for N, K in [(7, 4), (4, 9), (1, 5), (6, 1), (50, 20)]:
        f.check(rng.normal(size=N) * 2, rng.normal(size=K), rng.normal(size=K), rtol=1e-12,
                atol=1e-15, hint=SHAPE_HINT)
    f.check(list(rng.normal(size=5)), list(rng.normal(size=3)), list(rng.normal(size=3)),
            rtol=1e-12, atol=1e-15, hint="accept lists: convert with np.asarray(..., dtype=float)")


@relu_features.part("errors", points=1)
def relu_features_errors(f, rng):
    f.check_raises(ValueError, np.ones((4, 1)), np.ones(3), np.ones(3),
                   hint="x must be 1-D, shape (N,); a column (N, 1) is not")
    f.check_raises(ValueError, np.ones(4), np.ones(3), np.ones(2),
                   hint="b and c must have the same length K (one weight and one bias per unit)")
    f.check_raises(ValueError, np.ones(4), np.ones((3, 1)), np.ones((3, 1)),
                   hint="b and c must be 1-D, shape (K,)")
    # Every argument's shape, not one dimension of it: a c of shape (K, 1) has len(c) == len(b).
    f.check_raises(ValueError, np.ones(4), np.ones(3), np.ones((3, 1)),
                   hint="c must be 1-D, shape (K,), like b: compare the shapes, not only the lengths")
    f.check_raises(ValueError, np.ones(4), np.ones((3, 1)), np.ones(3),
                   hint="b must be 1-D, shape (K,), like c: compare the shapes, not only the lengths")
    f.check_raises(ValueError, np.ones((1, 4)), np.ones(3), np.ones(3),
                   hint="x must be 1-D, shape (N,); a row (1, N) is not")


# --------------------------------------------------------------------------- #
# fit_ridge
# --------------------------------------------------------------------------- #

fit_ridge = checks.exercise("fit_ridge", ref.fit_ridge, forbidden=RIDGE_SHORTCUTS)

RIDGE_HINT = ("minimise |Phi a + d - y|^2 + l2 |a|^2: d = mean(y) - mean(Phi, axis=0) @ a, and "
              "(Phi_c^T Phi_c + l2 I) a = Phi_c^T y_c with the CENTRED Phi_c, y_c; l2 exactly as "
              "given (not l2 * N, l2 / 2)")
BIAS_HINT = ("the bias d is NOT penalised: with a column of ones appended to Phi, its entry of "
             "the penalty matrix is 0, not l2 (or centre Phi and y, then d = mean(y) - "
             "mean(Phi) @ a)")


PENALTY_N = ("the penalty is l2 |a|^2 with l2 exactly as given, next to the SUM of squared errors: "
             "your a matches the penalty l2 * N, as if the loss were the MEAN squared error")
PENALTY_HALF = ("the penalty is l2 |a|^2 with l2 exactly as given: your a matches l2 / 2 (the gradient "
                "of l2 |a|^2 is 2 l2 a; keep the factor 2 on both terms of the gradient, or on neither)")
PENALTY_DOUBLE = ("the penalty is l2 |a|^2 with l2 exactly as given: your a matches 2 * l2 (the gradient "
                  "of |Phi a + d - y|^2 is 2 Phi^T (...): keep the factor 2 on both terms, or on neither)")
NO_PENALTY = "the penalty l2 |a|^2 is missing: your (a, d) is plain least squares"
NO_BIAS = ("the bias d is missing (or 0): minimise over d too, d = mean(y) - mean(Phi, axis=0) @ a, "
           "so that the fit can sit at the data's level")
BIAS_FORMULA = ("d = mean(y) - mean(Phi, axis=0) @ a: the bias is the mean target minus the mean "
                "features times a, not mean(y) alone")


def _ridge_solution(Phi, y, penalty, bias_penalty=0.0, bias=True):
    """The minimiser of |Phi a + d - y|^2 + penalty |a|^2 + bias_penalty d^2 (d = 0 without a
    bias), by least squares on the stacked system (any penalty >= 0, full rank or not)."""
    N, K = Phi.shape
    A = np.column_stack([Phi, np.ones(N)]) if bias else Phi
    P = np.sqrt(np.diag(np.append(np.full(K, penalty), bias_penalty) if bias else np.full(K, penalty)))
    w = np.linalg.lstsq(np.vstack([A, P]), np.concatenate([y, np.zeros(P.shape[0])]), rcond=None)[0]
    return (w[:-1], float(w[-1])) if bias else (w, 0.0)


def _ridge_mistakes(Phi, y, l2):
    """(hint, (a, d)) of the usual mistakes on this input, computed here from the maths."""
    N = Phi.shape[0]
    a, _ = ref.fit_ridge(Phi, y, l2)
    wrong = [(BIAS_FORMULA, (a, float(np.mean(y)))),
             (NO_BIAS, _ridge_solution(Phi, y, l2, bias=False))]
    if l2 > 0:
        wrong += [(PENALTY_N, ref.fit_ridge(Phi, y, l2 * N)),
                  (PENALTY_HALF, ref.fit_ridge(Phi, y, l2 / 2)),
                  (PENALTY_DOUBLE, ref.fit_ridge(Phi, y, 2 * l2)),
                  (BIAS_HINT, _ridge_solution(Phi, y, l2, bias_penalty=l2)),
                  (NO_PENALTY, ref.fit_ridge(Phi, y, 0.0))]
    return wrong


def _matches(got, want):
    """Whether the student's (a, d) is ``want`` = (a, d) up to a loose tolerance."""
    try:
        a, d = np.asarray(got[0], dtype=float), np.asarray(got[1], dtype=float)
    except (TypeError, ValueError, IndexError):
        return False
    return a.shape == want[0].shape and d.shape == () and \
        bool(np.allclose(a, want[0], rtol=1e-6, atol=1e-9)) and \
        bool(abs(float(d) - want[1]) <= 1e-9 + 1e-6 * abs(want[1]))


def check_ridge(f, Phi, y, l2, *, rtol, atol, hint, expected=None):
    """Compare ``f(Phi, y, l2)`` with ``expected`` (the reference's unless given, derived by hand);
    on a mismatch, the hint names the usual mistake that the result matches, if one does."""
    got = f(Phi, y, l2)
    want = ref.fit_ridge(Phi, y, l2) if expected is None else expected
    inputs = f.describe_call((Phi, y, l2), {})
    if not isinstance(got, tuple) or len(got) != 2:
        fail("fit_ridge should return a tuple (a, d).", inputs=inputs, expected="a tuple of 2",
             received=describe(got), hint="return a, float(d): not the stacked vector [a, d]")

    def compare(why):
        for label, g, e in zip(("a", "d"), got, want):
            assert_close(g, e, rtol=rtol, atol=atol, what=f"{label} returned by fit_ridge",
                         inputs=inputs, hint=why)

    try:
        compare(None)
    except ExerciseFailure:
        compare(next((label for label, mistake in _ridge_mistakes(Phi, y, l2)
                      if _matches(got, mistake) and not _matches(want, mistake)), hint))
    return got


def ridge_data(rng, N, K, offset):
    """Features with column means far from 0 and targets with a large mean."""
    Phi = rng.normal(size=(N, K)) + rng.uniform(1.0, 3.0, size=K)
    y = Phi @ rng.normal(size=K) + offset + 0.3 * rng.normal(size=N)
    return Phi, y


@fit_ridge.part("values", points=3)
def fit_ridge_values(f, rng):
    # phi = (0, 1, 2), y = (1, 3, 5): centred phi (-1, 0, 1), centred y (-2, 0, 2), so
    # a = sum(phi_c y_c) / (sum(phi_c^2) + l2) = 4 / (2 + l2) and d = mean(y) - a mean(phi)
    # = 3 - a. With l2 = 0: the line itself, a = 2, d = 1; with l2 = 2: a = 1, d = 2.
    # (A penalty l2 * N = 6 gives a = 0.5, l2 / 2 = 1 gives a = 4 / 3; a penalised bias
    # gives a = 10 / 11: each mistake its own value, which the hint names.)
    Phi, y = np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0])
    check_ridge(f, Phi, y, 0.0, expected=(np.array([2.0]), 1.0), rtol=1e-10, atol=1e-12,
                hint="with l2 = 0 this is least squares with an intercept: the samples lie on "
                     "y = 2 phi + 1")
    check_ridge(f, Phi, y, 2.0, expected=(np.array([1.0]), 2.0), rtol=1e-10, atol=1e-12,
                hint=RIDGE_HINT + "; a = 4 / (2 + l2) here, and d = 3 - a")
    # A huge penalty: a -> 0 and the free bias fits the mean of y.
    Phi, y = ridge_data(rng, 20, 3, offset=50.0)
    check_ridge(f, Phi, y, 1e10, rtol=1e-8, atol=1e-9, hint=BIAS_HINT)
    for N, K, l2, offset in [(30, 4, 5.0, 10.0), (12, 25, 3.0, -20.0), (40, 1, 8.0, 5.0),
                             (25, 6, 0.0, 7.0)]:
        Phi, y = ridge_data(rng, N, K, offset)
        check_ridge(f, Phi, y, l2, rtol=1e-7, atol=1e-10, hint=RIDGE_HINT)
    # ReLU features of a curve: correlated columns, a small penalty
    x = np.sort(rng.uniform(-1.0, 1.0, size=60))
    Phi = ref.relu_features(x, np.ones(15), -np.linspace(-0.9, 0.9, 15))
    y = np.sin(3 * x) + 2.0 + 0.1 * rng.normal(size=60)
    check_ridge(f, Phi, y, 0.1, rtol=1e-6, atol=1e-9, hint=RIDGE_HINT)
    result = f(*ridge_data(rng, 10, 3, offset=1.0), 0.5)
    if not isinstance(result, tuple) or len(result) != 2 or np.shape(result[0]) != (3,) \
            or np.ndim(result[1]) != 0:
        fail("fit_ridge should return a tuple (a, d): a of shape (K,), d a number.",
             inputs="Phi of shape (10, 3)", expected="(array of shape (3,), float)",
             received=f"{type(result).__name__}: "
                      + (", ".join(str(np.shape(r)) for r in result) if isinstance(result, tuple)
                         else str(np.shape(result))),
             hint="return a, float(d): not the stacked vector [a, d], not a column (K, 1)")


@fit_ridge.part("errors", points=1)
def fit_ridge_errors(f, rng):
    Phi, y = ridge_data(rng, 8, 2, offset=0.0)
    f.check_raises(ValueError, Phi, y, -1.0, hint="l2 < 0 rewards large coefficients: reject it")
    f.check_raises(ValueError, Phi, y[:-1], 1.0, hint="y must hold one target per row of Phi")
    f.check_raises(ValueError, Phi[:, 0], y, 1.0, hint="Phi must be 2-D, shape (N, K)")
    f.check_raises(ValueError, Phi, y[:, None], 1.0, hint="y must be 1-D, shape (N,): a column "
                   "(N, 1) has the right length but not the right shape")


# --------------------------------------------------------------------------- #
# sawtooth
# --------------------------------------------------------------------------- #

sawtooth = checks.exercise("sawtooth", ref.sawtooth, forbidden=NOT_RELU)

OUTSIDE_HINT = ("evaluate the network as written, for every x: t(x) = 2 relu(x) - 4 relu(x - 1/2) "
                "is 0 for x < 0 and 2 - 2x for x > 1; a closed form of the tent map (|.|, %, "
                "min(2x, 2 - 2x), np.where on the halves) or clipping x to [0, 1] gives other "
                "values there: build each layer from ReLUs")


def sawtooth_tol(depth):
    # each layer doubles an error, so the round-off of a correct float64 network grows as 2^depth
    return 1e-13 * 2.0 ** depth


def _write_into_depth_zero(sawtooth_fn, x):
    """Runs beside the learner's code: ``h = sawtooth_fn(x, 0)``, then ``h[...] = -7``; returns x
    (changed too if h is x or a view of it)."""
    h = sawtooth_fn(x, 0)
    try:
        h[...] = -7.0
    except Exception:  # noqa: BLE001 - not an array, or read-only: x cannot change through it
        pass
    return x


@sawtooth.part("values", points=3)
def sawtooth_values(f, rng):
    grid = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    # depth 0 is the identity (no layer at all), as a new array: the caller may change the
    # result without changing x. The helper writes into the result beside the learner's code
    # and returns x, which is compared here with what it was.
    f.expect(grid.copy(), grid, 0, atol=1e-15, what="sawtooth(x, 0)",
             hint="zero layers: return x itself (as a new array)")
    after = f.run_helper(_write_into_depth_zero, f.value(), grid.copy())
    if not (isinstance(after, np.ndarray) and after.shape == grid.shape and np.array_equal(after, grid)):
        fail("sawtooth(x, 0) returned x itself (or a view of it): writing into the result changed "
             "the caller's x.", inputs="x = np.array([0.0, 0.25, 0.5, 0.75, 1.0]); h = sawtooth(x, 0); "
             "h[...] = -7.0", expected=f"x unchanged, {describe(grid)}", received=f"x = {describe(after)}",
             hint="depth 0 returns a COPY of x (np.array(x, dtype=float) copies; np.asarray does not): "
                  "a result must not share memory with an input")
    # one tent: 2 relu(x) - 4 relu(x - 1/2) = 2x on [0, 1/2], 2x - 4x + 2 = 2 - 2x on [1/2, 1]
    f.expect(np.array([0.0, 0.5, 1.0, 0.5, 0.0]), grid, 1, atol=1e-15, what="sawtooth(x, 1)",
             hint="one layer: t(x) = 2 relu(x) - 4 relu(x - 1/2)")
    # two tents: t(0.25) = 0.5 and t(0.5) = 1, t(1) = 0, so t(t(grid)) = (0, 1, 0, 1, 0)
    f.expect(np.array([0.0, 1.0, 0.0, 1.0, 0.0]), grid, 2, atol=1e-15, what="sawtooth(x, 2)",
             hint="apply the tent map exactly `depth` times (not depth - 1, not depth + 1)")
    for depth in range(0, 11):
        f.check(rng.random(200), depth, rtol=0.0, atol=sawtooth_tol(depth) * 15,
                hint="compose the tent map t(x) = 2 relu(x) - 4 relu(x - 1/2) exactly `depth` "
                     "times: h = x, then `depth` times h = t(h)")
    # outside [0, 1] the ReLUs decide: t(x) = 0 for x < 0, and 2 - 2x < 0 for x > 1 (then 0).
    # -0.75 -> 0; -0.3 -> 0; 1.25 -> 2 - 2.5 = -0.5; 1.6 -> 2 - 3.2 = -1.2
    outside = np.array([-0.75, -0.3, 1.25, 1.6])
    f.expect(np.array([0.0, 0.0, -0.5, -1.2]), outside, 1, atol=1e-14,
             what="sawtooth(x, 1) outside [0, 1]", hint=OUTSIDE_HINT)
    f.expect(np.zeros(4), outside, 3, atol=1e-14, what="sawtooth(x, 3) outside [0, 1]",
             hint=OUTSIDE_HINT)
    for depth in (1, 2, 5):
        f.check(np.concatenate([rng.uniform(-1.0, 0.0, 30), rng.uniform(1.0, 2.0, 30)]), depth,
                rtol=0.0, atol=1e-12, hint=OUTSIDE_HINT)
    f.check(rng.uniform(-0.5, 1.5, size=(3, 4)), 4, rtol=0.0, atol=sawtooth_tol(4) * 15,
            hint="work elementwise and keep the shape of x")
    f.check(rng.random(50), np.int64(3), rtol=0.0, atol=sawtooth_tol(3) * 15,
            hint="accept a NumPy integer as the depth")
    f.check(list(rng.random(6)), 2, rtol=0.0, atol=sawtooth_tol(2) * 15,
            hint="accept a list: convert with np.asarray(x, dtype=float)")


@sawtooth.part("errors", points=1)
def sawtooth_errors(f, rng):
    x = rng.random(5)
    f.check_raises(ValueError, x, -1, hint="a negative number of layers means nothing: reject "
                   "depth < 0")
    f.check_raises(ValueError, x, 1.5, hint="depth counts layers: reject a non-integer")
    # An integer is an int or a NumPy integer: a whole float and a bool are not.
    f.check_raises(ValueError, x, 2.0, hint="depth must be an integer (int or NumPy integer): 2.0 is "
                   "a float, reject it (isinstance(depth, (int, np.integer)))")
    f.check_raises(ValueError, x, True, hint="depth must be an integer, and True is a bool: "
                   "isinstance(True, int) holds in Python, so reject bools explicitly")


# --------------------------------------------------------------------------- #
# count_linear_pieces
# --------------------------------------------------------------------------- #

count_linear_pieces = checks.exercise("count_linear_pieces", ref.count_linear_pieces)

COLLINEAR_HINT = ("samples on one straight line are ONE piece however many there are: count the "
                  "places where the slope (y[i+1] - y[i]) / (x[i+1] - x[i]) changes, plus 1")
TOL_HINT = ("round-off makes the slopes of one line differ by ~1e-12: compare slopes with the "
            "tolerance, |s[i+1] - s[i]| > tol, not with ==")


def random_piecewise_linear(rng, pieces, extra=40):
    """A continuous piecewise-linear function on [0, 1] with exactly ``pieces`` pieces, sampled
    on a sorted non-uniform grid that holds its kinks: (x, y). Kinks and samples lie on the
    grid k / 2048, so no interval is short enough for round-off to look like a kink, and
    consecutive slopes differ by at least 0.5."""
    kinks = np.sort(rng.choice(np.arange(1, 2048), size=pieces - 1, replace=False)) / 2048
    steps = rng.uniform(0.5, 3.0, size=pieces - 1) * rng.choice([-1.0, 1.0], size=pieces - 1)
    slopes = rng.uniform(-3, 3) + np.concatenate([[0.0], np.cumsum(steps)])
    knots = np.concatenate([[0.0], kinks, [1.0]])
    start = rng.normal()
    values = np.concatenate([[start], start + np.cumsum(slopes * np.diff(knots))])
    x = np.unique(np.concatenate([knots, rng.integers(1, 2048, size=extra) / 2048]))
    return x, np.interp(x, knots, values)


PLUS_ONE_HINT = ("the number of pieces is the number of kinks + 1: the first piece has no change of "
                 "slope before it")
ABSOLUTE_HINT = ("tol is an ABSOLUTE tolerance on the change of slope, |s[i+1] - s[i]| > tol, whatever the "
                 "size of the slopes (not tol times a slope; np.isclose adds a relative tolerance of 1e-5 "
                 "unless rtol=0)")
BOUNDARY_HINT = ("two slopes are equal when they differ by AT MOST tol: a kink is |s[i+1] - s[i]| > tol, "
                 "strictly (not >=)")


@count_linear_pieces.part("values", points=3)
def count_linear_pieces_values(f, rng):
    # Two samples: one interval, one piece, and no kink.
    f.expect(1, np.array([0.0, 1.0]), np.array([2.0, 5.0]), what="the number of pieces",
             hint="two samples make one piece: " + PLUS_ONE_HINT)
    # 400 samples of one line, on a random grid: one piece.
    x = np.sort(rng.uniform(-2.0, 3.0, size=400))
    f.expect(1, x, 0.7 * x - 1.3, what="the number of pieces of a line", hint=COLLINEAR_HINT)
    # Slopes 1, -1, 1: three pieces, though only two distinct slopes.
    f.expect(3, np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.0, 1.0]),
             what="the number of pieces", hint="a piece is a maximal RUN of equal slopes: a "
             "slope that comes back starts a new piece (do not count distinct slopes)")
    # Slopes 1, 2, 3 (convex, no change of sign): three pieces.
    f.expect(3, np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 3.0, 6.0]),
             what="the number of pieces", hint="every change of slope starts a piece, not only a "
             "change of its sign")
    # A line on a grid where round-off gives slightly different slopes: one piece.
    x = np.linspace(0.0, 1.0, 301) ** 2
    f.expect(1, x, x / 3.0 + 0.1, what="the number of pieces of a line", hint=TOL_HINT)
    # The sawtooth of depth L on the dyadic grid k / 2^(L+2): 2^L pieces (slopes +-2^L alternate).
    for depth in (0, 1, 3, 6):
        x = np.linspace(0.0, 1.0, 2 ** (depth + 2) + 1)
        f.expect(2**depth, x, ref.sawtooth(x, depth), what=f"the pieces of the depth-{depth} "
                 "sawtooth", hint="count the changes of slope and add 1 (the first piece has "
                 "no change before it)")
    # Random piecewise-linear functions on non-uniform grids (y differences of one line differ
    # there: compare slopes, not np.diff(y)).
    for pieces in (1, 2, 5, 17):
        x, y = random_piecewise_linear(rng, pieces)
        f.expect(pieces, x, y, what="the number of pieces", hint="on a non-uniform grid compare "
                 "SLOPES (divide np.diff(y) by np.diff(x)); " + COLLINEAR_HINT)
    # tol is the absolute tolerance on the change of slope: slopes 1 and 1.001 merge when
    # tol = 0.01, not when tol = 1e-6 (the default).
    x, y = np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 2.001])
    f.expect(1, x, y, tol=0.01, what="the number of pieces with tol = 0.01",
             hint="use the tol argument: slopes 1 and 1.001 are equal within 0.01")
    f.expect(2, x, y, what="the number of pieces with the default tol",
             hint="slopes 1 and 1.001 differ by more than 1e-6: two pieces")
    # Absolute, not relative: slopes 1e6 and 1e6 + 0.5 (exact) differ by 0.5 > 1e-6, a kink,
    # though only by 5e-7 of their size (a relative tolerance tol * |s| = 1 would merge them);
    # slopes 1000 and 1000.005 differ by 0.005 (np.isclose's default rtol of 1e-5 merges them).
    f.expect(2, np.array([0.0, 1.0, 2.0]), np.array([0.0, 1e6, 2e6 + 0.5]),
             what="the number of pieces (slopes 1000000 and 1000000.5)", hint=ABSOLUTE_HINT)
    f.expect(2, np.array([0.0, 1.0, 2.0]), np.array([0.0, 1000.0, 2000.005]),
             what="the number of pieces (slopes 1000 and 1000.005)", hint=ABSOLUTE_HINT)
    # ... and with a tol of its own: slopes 1000 and 1000.5 differ by 0.5 > tol = 0.25.
    f.expect(2, np.array([0.0, 1.0, 2.0]), np.array([0.0, 1000.0, 2000.5]), tol=0.25,
             what="the number of pieces with tol = 0.25 (slopes 1000 and 1000.5)", hint=ABSOLUTE_HINT)
    # The boundary, in exact arithmetic: on the grid 0, 1, 2 the values 0, 1, 2.5 give the slopes
    # 1 and 1.5 exactly (dyadic numbers), which differ by exactly 0.5. With tol = 0.5 they are
    # equal (one piece); with tol = 0.5 - 2^-10 (exact too) they are not (two pieces).
    x, y = np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 2.5])
    f.expect(1, x, y, tol=0.5, what="the number of pieces with tol = 0.5 (slopes 1 and 1.5)",
             hint=BOUNDARY_HINT)
    f.expect(2, x, y, tol=0.5 - 2.0**-10,
             what="the number of pieces with tol = 0.4990234375 (slopes 1 and 1.5)",
             hint=BOUNDARY_HINT)
    f.expect(3, [0.0, 0.5, 1.0, 2.0], [0.0, 0.5, 0.0, 4.0], what="the number of pieces",
             hint="accept lists: convert with np.asarray(..., dtype=float)")


@count_linear_pieces.part("errors", points=1)
def count_linear_pieces_errors(f, rng):
    x = np.sort(rng.random(6))
    f.check_raises(ValueError, x[::-1].copy(), x.copy(), hint="x must be sorted (increasing): "
                   "check np.all(np.diff(x) > 0)")
    f.check_raises(ValueError, np.array([0.0, 0.6, 0.3, 1.0]), np.zeros(4),
                   hint="x must be sorted: check every consecutive pair, not just the ends")
    f.check_raises(ValueError, x, x[:-1].copy(), hint="y must have the shape of x")
    # Every argument's shape, not only its length: a column y (N, 1) has len(y) == len(x).
    f.check_raises(ValueError, x, x[:, None].copy(), hint="y must have the shape of x, (N,): "
                   "compare the shapes, not only the lengths (a column (N, 1) has the right length)")
    f.check_raises(ValueError, x[:, None].copy(), x[:, None].copy(), hint="x must be 1-D, shape (N,)")


# --------------------------------------------------------------------------- #
# The concept quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=2, questions=[
    Number("q1", "A network with one hidden layer of 10 ReLU units maps a real number to a real "
           "number. At most how many linear pieces can its graph have?", answer=11, rtol=0.0,
           why="each unit relu(b x + c) has one kink, at x = -c / b; a sum of 10 of them has at "
               "most 10 kinks, so at most 11 pieces."),
    Number("q2", "How many linear pieces does the tent map composed 6 times have on [0, 1]?",
           answer=64, rtol=0.0, why="each composition doubles the count: 2^6 = 64 pieces, from a "
                                    "network of only 12 ReLUs."),
    Number("q3", "The output weights a_k of a network get the prior N(0, tau^2) with tau^2 = 4, "
           "and the data noise has variance sigma^2 = 0.01. Which ridge penalty l2 gives the "
           "posterior mode?", answer=0.0025, rtol=1e-6,
           why="the negative log-posterior is |Phi a + d - y|^2 / (2 sigma^2) + |a|^2 / (2 tau^2) "
               "+ const; multiplied by 2 sigma^2 it is the ridge loss with l2 = sigma^2 / tau^2 "
               "= 0.01 / 4 = 0.0025."),
    Choice("q4", "Why is the bias d left out of the penalty?",
           {"a": "so that adding a constant to every target adds the same constant to the fit",
            "b": "because the bias has no prior, so it cannot be estimated",
            "c": "to make the normal equations invertible"}, answer="a",
           why="a penalised bias is pulled towards 0, so shifting y by 100 would not shift the "
               "fit by 100; left free, d = mean(y) - mean(Phi) a absorbs any shift."),
    Choice("q5", "Fitting a smooth function with K ReLUs whose kinks are evenly spaced, the "
           "error falls like K^(-2) (slope -2 on a log-log plot). Why?",
           {"a": "a line through the ends of a piece of width h misses a smooth curve by about "
                 "h^2 |f''| / 8, and h = L / K",
            "b": "each ReLU halves the error",
            "c": "the error of least squares always falls like 1 / K^2"}, answer="a",
           why="between two kinks the fit is a straight line; the curve bends away from it by "
               "(h^2 / 8) |f''| at most (a Taylor expansion), so halving h quarters the error."),
    Choice("q6", "Leaky ReLU with negative slope alpha is leaky(z) = max(alpha z, z). Which "
           "identity makes a leaky-ReLU network a ReLU network plus a linear term?",
           {"a": "leaky(z) = alpha z + (1 - alpha) relu(z)",
            "b": "leaky(z) = relu(z) + alpha",
            "c": "leaky(z) = relu(alpha z)"}, answer="a",
           why="for z >= 0 both sides are z, for z < 0 both are alpha z; so its features span "
               "the ReLU features plus the linear function x."),
    Choice("q7", "A deep network of width 2 and depth L makes the sawtooth with 2^L pieces. "
           "How many units does one hidden layer need for the same function?",
           {"a": "2L", "b": "about L^2", "c": "at least 2^L - 1"}, answer="c",
           why="a shallow net with K units has at most K + 1 pieces, so 2^L pieces need "
               "K >= 2^L - 1: depth buys exponentially many pieces per unit."),
])
