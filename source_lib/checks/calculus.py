"""Checks of lesson 02 (calculus): central-difference gradients, Jacobians and Hessians of
black-box functions, the eigenvalue test of critical points, and gradient descent paths.

The graded functions take functions as arguments. Those are the plain functions at the
end of this module (or ``functools.partial`` objects of them), sent to the student's
process as source: they use NumPy and nothing else.
"""

import functools

import numpy as np

from source_lib import calculus as ref
from source_lib.checks import Choice, Lesson, Number
from source_lib.testing import assert_close, fail

checks = Lesson("02_calculus")

# Routines that differentiate for the student: automatic differentiation and library
# finite differences (approx_derivative is the private engine behind approx_fprime).
DERIVATIVE_SHORTCUTS = [
    "torch.autograd.grad", "torch.autograd.backward", "torch.autograd.functional.jacobian",
    "torch.autograd.functional.hessian", "torch.autograd.functional.vjp",
    "torch.func.grad", "torch.func.jacrev", "torch.func.jacfwd", "torch.func.hessian",
    "torch.func.vjp", "scipy.optimize.approx_fprime", "scipy.optimize._numdiff.approx_derivative",
    "scipy.differentiate.derivative", "scipy.differentiate.jacobian",
    "scipy.differentiate.hessian",
]
# Routines that classify or decompose for the student are fair tools here (the exercise is
# the sign logic), so classify_critical_point and gradient_descent forbid nothing.

numerical_gradient = checks.exercise("numerical_gradient", ref.numerical_gradient,
                                     forbidden=DERIVATIVE_SHORTCUTS)
jacobian = checks.exercise("jacobian", ref.jacobian, forbidden=DERIVATIVE_SHORTCUTS)
hessian = checks.exercise("hessian", ref.hessian, forbidden=DERIVATIVE_SHORTCUTS)
classify_critical_point = checks.exercise("classify_critical_point",
                                          ref.classify_critical_point)
gradient_descent = checks.exercise("gradient_descent", ref.gradient_descent)


def _require_array(result, name, shape_text, hint):
    if not isinstance(result, np.ndarray):
        fail(f"{name} returned a {type(result).__name__}, not a NumPy array {shape_text}.",
             hint=hint)


# --------------------------------------------------------------------------- #
# numerical_gradient
# --------------------------------------------------------------------------- #

@numerical_gradient.part("values", points=3)
def numerical_gradient_values(f, rng):
    central = ("perturb one entry at a time, starting each time from the original x, and "
               "divide f(x + h e_i) - f(x - h e_i) by 2h (a forward difference is not "
               "accurate enough)")
    # f(x) = sum(x_i^2) has partial derivatives 2 x_i.
    x = np.array([1.0, -2.0, 0.5])
    f.expect(2 * x, sum_of_squares, x, rtol=1e-8, what="the gradient of sum(x**2)",
             hint="use the central difference (f(x + h e_i) - f(x - h e_i)) / (2h)")
    # A matrix input: f(X) = sum(X_ij^3) has partial derivatives 3 X_ij^2, one per entry.
    X = np.arange(6.0).reshape(2, 3) / 4
    f.expect(3 * X**2, sum_of_cubes, X, rtol=1e-8, what="the gradient of sum(X**3)",
             hint="the gradient has the shape of x: loop over np.ndindex(x.shape)")
    result = f(coupled, rng.normal(size=(2, 3)))
    _require_array(result, "numerical_gradient", "shaped like x",
                   "return the array of partial derivatives itself (np.zeros(x.shape) "
                   "filled in), not a list made from it")

    # Random points of several shapes, on a curved, non-separable function.
    for shape in [(1,), (7,), (3, 4), (2, 2, 3)]:
        f.check(coupled, rng.normal(size=shape), rtol=1e-7, atol=1e-10, hint=central)
    f.check(coupled, np.array(rng.normal()), rtol=1e-7, atol=1e-10,
            hint="x may be a 0-d array (a single number): np.ndindex(x.shape) handles it")
    # The step is an argument. With h = 0.01 the truncation error (h^2/6 |f'''|, about
    # 1e-5 here) tells apart the central difference with step h from any other step or
    # scheme; the entries of size 1.5 to 3 catch a step scaled by |x_i|.
    x = rng.uniform(1.5, 3.0, size=5) * rng.choice([-1.0, 1.0], size=5)
    x[:2] = rng.normal(size=2)
    f.check(coupled, x, h=1e-2, rtol=1e-7, atol=1e-10,
            hint="use the argument h as the step (the same h for every entry), with the "
                 "central difference (f(x + h e_i) - f(x - h e_i)) / (2h)")
    # x must come back exactly as it was (every call checks it). For these entries,
    # x_i + h - 2h + h is not x_i in floating point: restore saved values, or perturb a copy.
    x = np.concatenate([np.array([0.1, 0.2, 0.7, 1.3, -1.7]), rng.normal(size=15)])
    f.check(cos_weighted, x, rtol=1e-7, atol=1e-10,
            hint="leave x exactly as it was: perturb a copy, or save x[i] and put the "
                 "saved value back (adding h and subtracting it again is off by one ulp)")
    f.check(cos_weighted, rng.normal(size=(4, 5)), rtol=1e-7, atol=1e-10, hint=central)


# --------------------------------------------------------------------------- #
# jacobian
# --------------------------------------------------------------------------- #

@jacobian.part("values", points=2)
def jacobian_values(f, rng):
    # A linear map f(x) = A x has Jacobian A everywhere; here m = 3 outputs, n = 2 inputs.
    f.expect(LINEAR_A, linear_map, np.array([0.5, -1.0]), rtol=1e-8,
             what="the Jacobian of x -> A x (A of shape (3, 2))",
             hint="the Jacobian has shape (m, n): one row per output, one column per input")
    # Polar coordinates: f(r, t) = (r cos t, r sin t) has
    # J = [[cos t, -r sin t], [sin t, r cos t]].
    r, t = 2.0, 0.3
    f.expect(np.array([[np.cos(t), -r * np.sin(t)], [np.sin(t), r * np.cos(t)]]),
             polar, np.array([r, t]), rtol=1e-8, what="the Jacobian of polar coordinates",
             hint="entry (i, j) is the derivative of output i with respect to input j")

    hint = ("return shape (m, n) with column j = (f(x + h e_j) - f(x - h e_j)) / (2h), "
            "each time starting from the original x")
    layer = None
    for m, n in [(3, 5), (5, 2), (1, 4), (4, 1), (3, 3)]:
        layer = functools.partial(tanh_layer, rng.normal(size=(m, n)), rng.normal(size=m))
        f.check(layer, rng.normal(size=n), rtol=1e-7, atol=1e-10, hint=hint)
    f.check(layer, rng.normal(size=3), h=1e-2, rtol=1e-7, atol=1e-10,
            hint="use the argument h as the step, not a fixed number")
    _require_array(f(layer, rng.normal(size=3)), "jacobian", "of shape (m, n)",
                   "build the Jacobian as an array (np.stack the columns, or fill "
                   "np.zeros((m, n)))")


# --------------------------------------------------------------------------- #
# hessian
# --------------------------------------------------------------------------- #

@hessian.part("values", points=2)
def hessian_values(f, rng):
    # f(x, y) = x^2 y + y^3 has H = [[2y, 2x], [2x, 6y]], which is [[4, 2], [2, 12]] at (1, 2).
    f.expect(np.array([[4.0, 2.0], [2.0, 12.0]]), cubic_xy, np.array([1.0, 2.0]), rtol=1e-6,
             what="the Hessian of x^2 y + y^3 at (x, y) = (1, 2)",
             hint="diagonal: (f(x+h e_i) - 2 f(x) + f(x-h e_i)) / h^2; off-diagonal: the "
                  "four-point formula divided by 4 h^2")
    # A quadratic 0.5 x^T A x + sum(x) with symmetric A has Hessian A everywhere.
    f.expect(QUADRATIC_A, quadratic, np.array([0.3, -0.2, 1.0]), rtol=1e-6,
             what="the Hessian of the quadratic 0.5 x^T A x + sum(x)")

    for n in (1, 3, 5):
        func = functools.partial(curved, rng.normal(size=n))
        x = rng.normal(size=n)
        H = f(func, x)
        inputs = f"a smooth function of {n} variables at x = {np.round(x, 3)}"
        _require_array(H, "hessian", "of shape (n, n)",
                       "build the Hessian as an array (fill np.zeros((n, n)))")
        if H.shape == (n, n):
            assert_close(H.T, H, rtol=1e-6, atol=1e-9, what="the transpose of your Hessian",
                         inputs=inputs, hint="a Hessian is symmetric: fill both H[i, j] and "
                                             "H[j, i]")
        assert_close(H, f.reference(func, x), rtol=1e-5, atol=1e-7, what="the Hessian",
                     inputs=inputs, hint="use central differences with step h (divide the "
                                         "four-point difference by 4 h^2, the three-point "
                                         "one by h^2); forward differences are not accurate "
                                         "enough")

    # The step is an argument. On a quartic the truncation error shows which step was used,
    # and it has the same sign for every central scheme the exercise allows. For
    # f = sum_i x_i^4 + sum_{i<j} (x_i^3 x_j + x_i x_j^3), by hand:
    #   exact H_ii = 12 x_i^2 + 6 sum_{j != i} x_i x_j,  H_ij = 3 x_i^2 + 3 x_j^2;
    #   the three-point difference with step s adds 2 s^2 to H_ii (the mixed terms are cubic
    #   in x_i, so exact): 2 h^2 with step h, 8 h^2 with step 2h (central differences of
    #   central differences), 4 h^2 for the central difference of an exact gradient;
    #   the four-point difference with step h adds 2 h^2 to H_ij ((a+h)^3 - (a-h)^3 = 6a^2 h
    #   + 2h^3), a central difference of an exact gradient h^2, polarisation 2 h^2.
    # A step of 1e-4 instead of h = 0.05 leaves errors 250 000 times smaller.
    step = 0.05
    x = rng.uniform(-1.0, 1.0, size=3)
    H = f(quartic, x.copy(), h=step)
    _require_array(H, "hessian", "of shape (n, n)",
                   "build the Hessian as an array (fill np.zeros((n, n)))")
    inputs = f"f = sum x_i^4 + sum_(i<j) (x_i^3 x_j + x_i x_j^3), x = {np.round(x, 3)}, h = {step}"
    total = x.sum()
    exact = 3 * (x[:, None] ** 2 + x[None, :] ** 2)
    exact[np.diag_indices(3)] = 12 * x**2 + 6 * x * (total - x)
    assert_close(H, exact, rtol=0.0, atol=10 * 3 * step**2, what="the Hessian of a quartic",
                 inputs=inputs, hint="diagonal: (f(x+h e_i) - 2 f(x) + f(x-h e_i)) / h^2; "
                                     "off-diagonal: the four-point formula divided by 4 h^2")
    scaled = (H - exact) / step**2
    diagonal = np.diag(scaled)
    if not np.all((diagonal > 1.0) & (diagonal < 9.0)):
        fail(f"hessian(f, x, h={step}) does not use the step h on the diagonal.", inputs=inputs,
             expected="H_ii - exact H_ii between 2 h^2 and 8 h^2 (the truncation error of a "
                      "second difference with step h or 2h)",
             received=f"(H_ii - exact) / h^2 = {np.round(diagonal, 4)}",
             hint="the diagonal entries must use the argument h as their step (a helper called "
                  "without h falls back on its default)")
    off = scaled[np.triu_indices(3, k=1)]
    if not np.all((off > 0.5) & (off < 4.0)):
        fail(f"hessian(f, x, h={step}) does not use the step h off the diagonal.", inputs=inputs,
             expected="H_ij - exact H_ij between h^2 and 2 h^2 (the truncation error of the "
                      "four-point difference with step h)",
             received=f"(H_ij - exact) / h^2 = {np.round(off, 4)} for (i, j) = (0, 1), (0, 2), "
                      "(1, 2)",
             hint="the off-diagonal entries must use the argument h as their step (a helper "
                  "called without h falls back on its default)")


# --------------------------------------------------------------------------- #
# classify_critical_point
# --------------------------------------------------------------------------- #

def _with_eigenvalues(values, rng):
    """A symmetric matrix with these eigenvalues and random orthonormal eigenvectors."""
    Q, _ = np.linalg.qr(rng.normal(size=(len(values), len(values))))
    return Q @ np.diag(values) @ Q.T


@classify_critical_point.part("values", points=2)
def classify_values(f, rng):
    # Diagonal matrices: the eigenvalues are the diagonal entries.
    for diagonal, expected in [([2.0, 3.0], "minimum"), ([-1.0, -4.0], "maximum"),
                               ([1.0, -1.0], "saddle"), ([1.0, 0.0], "degenerate")]:
        f.expect(expected, np.diag(diagonal), what=f"the classification of diag({diagonal})",
                 hint="look at the signs of the eigenvalues, with |eigenvalue| <= tol as zero")
    # Symmetric matrices whose diagonal is NOT their spectrum. [[a, b], [b, a]] has
    # eigenvalues a + b and a - b (eigenvectors (1, 1) and (1, -1)).
    diagonal_hint = ("the signs of the diagonal entries are not the signs of the "
                     "eigenvalues: compute the eigenvalues (np.linalg.eigvalsh)")
    for H, expected, eigenvalues in [
            ([[1.0, 2.0], [2.0, 1.0]], "saddle", "3 and -1"),
            ([[-2.0, 3.0], [3.0, -2.0]], "saddle", "1 and -5"),
            ([[0.0, 1.0], [1.0, 0.0]], "saddle", "1 and -1"),
            ([[1.0, 1.0], [1.0, 1.0]], "degenerate", "2 and 0"),
            ([[-3.0, 1.0], [1.0, -3.0]], "maximum", "-2 and -4"),
            # tridiagonal (1, 2, 1): eigenvalues 2 - sqrt(2), 2, 2 + sqrt(2)
            ([[2.0, 1.0, 0.0], [1.0, 2.0, 1.0], [0.0, 1.0, 2.0]], "minimum",
             "2 - sqrt(2), 2 and 2 + sqrt(2)"),
            # a positive diagonal around a 2 x 2 block of eigenvalues 3 and -1
            ([[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]], "saddle", "3, -1 and 1")]:
        f.expect(expected, np.array(H), what=f"the classification of H = {H} "
                 f"(eigenvalues {eigenvalues})", hint=diagonal_hint)

    cases = [  # (eigenvalues, tol, what a wrong version typically gets wrong)
        ([3.0, 0.5, 2.0], 1e-8, "all eigenvalues positive"),
        ([-0.2, -5.0, -1.0, -2.0], 1e-8, "all eigenvalues negative"),
        ([1.0, -2.0, 3.0], 1e-8, "eigenvalues of both signs make a saddle"),
        ([-1.0, -1.0, 2.0], 1e-8, "eigenvalues of both signs make a saddle (det > 0 here)"),
        ([4.0], 1e-8, "a 1 x 1 Hessian"),
        ([1.0, 0.0], 1e-8, "positive semi-definite is not positive definite: degenerate"),
        ([0.0, -3.0, -1.0], 1e-8, "negative semi-definite is not negative definite: "
                                  "degenerate"),
        ([2.0, 5e-10], 1e-8, "an eigenvalue within tol of zero makes it degenerate"),
        ([-2.0, -1.0, -5e-10], 1e-8, "a tiny negative eigenvalue is zero, not a sign "
                                     "conflict"),
        ([2.0, 1e-12, -3.0], 1e-8, "a sign conflict is a saddle even with a zero eigenvalue"),
        ([1.0, 1e-5], 1e-4, "use tol: 1e-5 is zero when tol = 1e-4"),
        ([1.0, -1e-5, 2.0], 1e-4, "use tol: -1e-5 is zero when tol = 1e-4, so no saddle"),
        ([-1.0, -1e-6], 1e-7, "with tol = 1e-7, -1e-6 counts as negative"),
        ([1000.0, 1e-6], 1e-8, "tol is absolute, not relative to the largest eigenvalue: "
                               "1e-6 > tol is positive"),
        ([250.0, -2e-7, 3.0], 1e-8, "tol is absolute, not relative to the largest "
                                    "eigenvalue: -2e-7 < -tol is negative, so a saddle"),
    ]
    for values, tol, hint in cases:
        f.check(_with_eigenvalues(values, rng), tol=tol, hint=hint)
    f.check(np.zeros((3, 3)), hint="a zero Hessian is degenerate")
    f.check(np.diag([3.0, 5e-10, 2.0]), hint="a Hessian with tiny entries (leave H as it is)")


# --------------------------------------------------------------------------- #
# gradient_descent
# --------------------------------------------------------------------------- #

@gradient_descent.part("values", points=2)
def gradient_descent_values(f, rng):
    # f(x) = |x|^2 / 2 has gradient x, so with lr = 0.5 every step halves x.
    f.expect(np.array([[4.0, -2.0], [2.0, -1.0], [1.0, -0.5], [0.5, -0.25]]),
             identity_gradient, np.array([4.0, -2.0]), 0.5, 3, rtol=1e-12,
             what="the trajectory for grad_f(x) = x, x0 = [4, -2], lr = 0.5, num_steps = 3",
             hint="return num_steps + 1 rows, x0 first, and step against the gradient")
    path = f(functools.partial(scaled_gradient, 2.0), np.array([1.0, -3.0]), 0.1, 2)
    _require_array(path, "gradient_descent", "of shape (num_steps + 1, n)",
                   "turn the list of points into an array (np.array(points)) before "
                   "returning it")

    n = 4
    M = rng.normal(size=(n, n))
    grad = functools.partial(affine_gradient, M @ M.T / n + np.eye(n), rng.normal(size=n))
    for num_steps in (0, 1, 7, 40):
        f.check(grad, rng.normal(size=n), 0.1, num_steps, rtol=1e-12,
                hint="num_steps + 1 rows: x0 first, then x_{k+1} = x_k - lr * grad_f(x_k)")
    f.check(sin_cubic_gradient, rng.normal(size=3), 0.05, 20, rtol=1e-12,
            hint="x_{k+1} = x_k - lr * grad_f(x_k): a step against the gradient, "
                 "evaluated at the current point")
    f.check(functools.partial(scaled_gradient, 3.0), rng.uniform(1.0, 3.0, size=1), 0.2, 6,
            rtol=1e-12, hint="a single coordinate, n = 1: the result is still (num_steps + 1, 1)")
    # lr = 1/2 on |x|^2 (gradient 2x) lands on the minimum in one step; it must not stop.
    f.check(functools.partial(scaled_gradient, 2.0), np.array([1.0, -3.0]), 0.5, 5,
            rtol=1e-12, hint="take exactly num_steps steps, even once the gradient is zero")


# --------------------------------------------------------------------------- #
# The quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=2, questions=[
    Number("q1", "With h = 1e-3 the central difference of a smooth function is off by "
                 "1e-8 (truncation dominates). About how large is the error with h = 1e-4?",
           answer=1e-10, rtol=0.5,
           why="the truncation error of the central difference is (h^2 / 6) |f'''|: "
               "dividing h by 10 divides it by 100, so 1e-8 becomes 1e-10"),
    Choice("q2", "Why does the central difference get WORSE when h goes from 1e-5 to 1e-12?",
           {"a": "the Taylor expansion no longer holds for tiny h",
            "b": "f(x + h) and f(x - h) agree in almost all digits, so their difference is "
                 "mostly rounding error, which the division by 2h magnifies",
            "c": "h^2 underflows to zero"},
           answer="b",
           why="the round-off error is about eps |f| / h: it grows as h shrinks, and balances "
               "the truncation error near h = eps^(1/3), about 1e-5"),
    Choice("q3", "In the backward pass, a value r is used by two later nodes. Its adjoint "
                 "r_bar is ...",
           {"a": "the sum of what the two nodes pass back to it",
            "b": "the product of what the two nodes pass back to it",
            "c": "what the node computed last passes back (the other is overwritten)"},
           answer="a",
           why="the multivariate chain rule adds the contributions of all paths from r to "
               "the output"),
    Choice("q4", "f maps R^4 to R^3. What is the shape of its Jacobian?",
           {"a": "(4, 3)", "b": "(3, 4)", "c": "(3,)", "d": "(4, 4)"},
           answer="b",
           why="one row per output (3) and one column per input (4): J_ij = df_i / dx_j"),
    Choice("q5", "Near p, a smooth map of the plane sends a circle of radius r around p to "
                 "roughly an ellipse. Its semi-axes are ...",
           {"a": "the singular values of J(p)",
            "b": "r times the singular values of J(p)",
            "c": "r times the eigenvalues of J(p)",
            "d": "r times the diagonal entries of J(p)"},
           answer="b",
           why="f(p + delta) is about f(p) + J delta, and J stretches the circle of radius r "
               "by sigma_i along its singular directions"),
    Choice("q6", "The Hessian at a critical point is [[1, 2], [2, 1]]. The point is ...",
           {"a": "a minimum (both diagonal entries are positive)",
            "b": "a maximum", "c": "a saddle", "d": "degenerate"},
           answer="c",
           why="the eigenvalues are 1 + 2 = 3 and 1 - 2 = -1: curving up along (1, 1), down "
               "along (1, -1). The diagonal entries are the curvatures along the axes only"),
    Number("q7", "Gradient descent on f(x, y) = 2 x^2 + 25 y^2 converges for learning rates "
                 "below what value?",
           answer=0.04, rtol=1e-3,
           why="the Hessian is diag(4, 50), so lambda_max = 50 and the limit is "
               "2 / lambda_max = 0.04"),
    Number("q8", "With lr = 1 / lambda_max, a quadratic of condition number 10 needs about "
                 "100 steps to converge. About how many steps does one of condition number "
                 "1000 need?",
           answer=10000, rtol=0.2,
           why="the flattest direction shrinks by 1 - 1/kappa per step, so the number of "
               "steps grows in proportion to kappa: 100 times kappa, 100 times the steps"),
])


# --------------------------------------------------------------------------- #
# Functions passed to the student's code (sent as source: NumPy only inside)
# --------------------------------------------------------------------------- #
# Only a function's own source travels to the student's process, so each one spells out
# its constants (LINEAR_A, QUADRATIC_A are the same matrices, for the expected values);
# random parameters travel as the arguments of a functools.partial.

LINEAR_A = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
QUADRATIC_A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, -1.0], [0.0, -1.0, 4.0]])


def sum_of_squares(v):
    return np.sum(v**2)


def sum_of_cubes(v):
    return np.sum(v**3)


def coupled(v):
    # Curved (so a forward difference is off by about h/2 * f'' ~ 1e-5, relatively) and
    # non-separable (so every partial derivative depends on all the entries).
    w = np.ravel(v)
    return (np.sum(np.sin(2 * w) * np.arange(1, w.size + 1)) + np.log1p(np.sum(w) ** 2)
            + np.sum(np.exp(0.5 * w)))


def cos_weighted(v):
    return float(np.sum(v**2 * np.cos(v)))


def linear_map(v):
    return np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]) @ v


def polar(v):
    return np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])])


def tanh_layer(W, c, v):
    # Curved in every input, so forward differences are off by about 1e-5.
    return np.tanh(W @ v + c) + np.sin(2 * np.sum(v)) * c


def cubic_xy(v):
    return v[0]**2 * v[1] + v[1]**3


def quadratic(v):
    A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, -1.0], [0.0, -1.0, 4.0]])
    return 0.5 * v @ A @ v + np.sum(v)


def quartic(v):
    mixed = sum(v[i] ** 3 * v[j] + v[i] * v[j] ** 3
                for i in range(v.size) for j in range(i + 1, v.size))
    return np.sum(v**4) + mixed


def curved(c, v):
    # Third derivatives about twice the second ones: an O(h) scheme is off by ~1e-4.
    return np.sum(np.cos(2 * v + 0.3)) + np.log1p((c @ v) ** 2) + 0.5 * np.exp(c @ v / 2)


def identity_gradient(v):
    return v


def scaled_gradient(k, v):
    return k * v


def affine_gradient(A, b, v):
    return A @ v - b


def sin_cubic_gradient(v):
    return np.sin(v) + 0.1 * v**3
