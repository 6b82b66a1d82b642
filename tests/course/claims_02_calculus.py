"""Claims of lesson 02: the numbers and comparisons of its prose that come from running it
(see claims.py). Each expression reads the lesson's variables, or recomputes, the way the
lesson does, a value that the lesson only prints or draws."""

from claims import Claims, about, at_least, at_most, between, equals, holds

claims = Claims("02_calculus")

# --- 1. Finite differences of sin at x = 1 (``steps`` is rebound in section 8) -----------------
FIRST = 'ax.set_title("Derivative of sin at x = 1'
# The errors of the figure, and a smoothed curve (the median over a quarter of a decade on
# either side of each step), whose minimum is where a curve "bottoms out" (single steps
# where rounding errors happen to cancel dip far below it).
ERRORS = """
fe, ce = np.abs(forward - exact), np.abs(central - exact)
logh = np.log10(steps)
def smooth(e):
    return np.array([np.median(e[np.abs(logh - l) <= 0.25]) for l in logh])
def slope(mask, e):
    return float(np.polyfit(logh[mask], np.log10(e[mask]), 1)[0])
"""
claims.add("On the right, truncation dominates: the forward error falls with slope 1",
           ERRORS + "slope(steps >= 1e-3, fe)", about(1.0, abs=0.05), after=FIRST)
claims.add("the central error with slope 2",
           ERRORS + "slope(steps >= 1e-3, ce)", about(2.0, abs=0.05), after=FIRST)
claims.add("round-off dominates and both errors *grow* as $h$ shrinks, parallel to the line",
           ERRORS + "max(abs(slope(steps <= 1e-10, e) + 1) for e in (fe, ce))",
           at_most(0.1), after=FIRST)
# "somewhat below": the typical (median) ratio of each error to eps |f| / h, for h <= 1e-10,
# lies between a twentieth and 1.
claims.add("and somewhat below it",
           ERRORS + "line = eps * np.sin(x0) / steps\n"
                    "small = steps <= 1e-10\n"
                    "all(0.05 <= np.median(e[small] / line[small]) <= 1 for e in (fe, ce))",
           holds(), after=FIRST)
claims.add("The central difference bottoms out between $10^{-12}$ and $10^{-11}$",
           ERRORS + "float(np.log10(smooth(ce).min()))", between(-12.0, -11.0), after=FIRST)
claims.add("at $h \\approx 10^{-5}$",
           ERRORS + "float(np.log10(steps[np.argmin(smooth(ce))]))", about(-5.0, abs=0.5),
           after=FIRST)
claims.add("a thousand times better than the best the forward difference can do",
           ERRORS + "float(np.log10(smooth(fe).min() / smooth(ce).min()))", about(3.0, abs=0.5),
           after=FIRST)

# --- 3. The worked example at (1, 2) ---------------------------------------------------------
claims.add(r"\approx (-0.0539, -0.1078)",
           "bool(np.allclose(by_formula, [-0.0539, -0.1078], rtol=0, atol=5e-5))", holds())
claims.add("The formula, the hand-written backward pass and autograd agree to the last digit",
           "float(max(np.abs(by_backprop - by_formula).max(), np.abs(by_torch - by_formula).max()))",
           at_most(1e-16))
claims.add("Central differences agree to about $10^{-11}$",
           "float(np.log10(np.abs(by_differences - by_formula).max()))", about(-11.0, abs=0.5))
# The figure's grid of f: its largest value is the maximum 1/e on the ring r = 1.
claims.add("where $f$ reaches its maximum $1/e$", "float(F.max())", about(1 / 2.718281828459045,
           abs=1e-4))
claims.add("the gradient points back toward the origin, which is why both of its components "
           "are negative",
           "bool(np.all(by_formula < 0)) and float(by_formula @ np.array([1.0, 2.0])) < 0",
           holds(), after="by_formula = 2 * (1 - r)")

# --- 4. The Jacobian as the local linear map ----------------------------------------------------
# Largest distance between the true image of the circle and the ellipse f(p) + J delta,
# relative to the radius.
DEVIATION = """
def deviation(radius):
    circle = p + radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    linear = warp(p[None, :]) + (circle - p) @ J_p.T
    return float(np.linalg.norm(warp(circle) - linear, axis=1).max() / radius)
"""
claims.add("For the small circle (left) the true image and the ellipse predicted by $J$ lie on "
           "top of each other",
           DEVIATION + "deviation(0.1)", at_most(0.1), after="def warp(P)")
claims.add("For the larger circle (right) the curvature of $f$ bends the image away from the "
           "ellipse",
           DEVIATION + "deviation(0.6)", at_least(0.3), after="def warp(P)")

# --- 5. Critical points -------------------------------------------------------------------------
HESSIANS = "hessians = [hessian_(func, np.zeros(2)) for func in examples.values()]\n"
claims.add("The bowl has two positive curvatures and the dome two negative ones",
           HESSIANS + "[bool(np.all(np.linalg.eigvalsh(hessians[0]) > 0)), "
           "bool(np.all(np.linalg.eigvalsh(hessians[1]) < 0))]",
           equals([True, True]), after="hessian_ = checks.use")
claims.add("The saddle curves up along $x$ and down along $y$",
           HESSIANS + "bool(hessians[2][0, 0] > 0 > hessians[2][1, 1])",
           holds(), after="hessian_ = checks.use")
claims.add("The last surface has zero curvature along $x$ at the origin, so the test says "
           "\"degenerate\"",
           HESSIANS + "[ref.classify_critical_point(H0, tol=1e-6) for H0 in hessians]",
           equals(["minimum", "maximum", "saddle", "degenerate"]),
           after="hessian_ = checks.use")

# --- Random symmetric matrices ------------------------------------------------------------------
claims.add("The experiment below draws\n100 000 random symmetric matrices per size", "draws",
           equals(100_000))
claims.add("Already at $n = 6$ only a handful of the $10^5$ matrices are definite",
           "round(fraction_definite[5] * draws)", between(1, 10))
# Not a number of the lesson's run (three matrices are too few to measure a rate): the same
# experiment at n = 6 with 2 million draws, from a generator of its own. Offline, 20 million
# draws gave 179 definite matrices, a rate of 0.9e-5.
claims.add("with many more draws the rate settles near $10^{-5}$",
           "more = np.random.default_rng(2024)\n"
           "found = 0\n"
           "for _ in range(10):\n"
           "    M6 = more.normal(size=(200_000, 6, 6))\n"
           "    spectra = np.linalg.eigvalsh((M6 + M6.transpose(0, 2, 1)) / 2)\n"
           "    found += int(np.sum(np.all(spectra > 0, axis=1) | np.all(spectra < 0, axis=1)))\n"
           "found / 2_000_000",
           between(0.5e-5, 2e-5))
claims.add("far fewer than the 3% that independent signs would give",
           "fraction_definite[5] <= 0.1 * 2.0 ** (1 - 6)", holds())

# --- 6. Hessian-vector products -----------------------------------------------------------------
RELATIVE = "def relative(Hv):\n    return float(np.linalg.norm(Hv - Hv_explicit) / np.linalg.norm(Hv_explicit))\n"
claims.add("double backward to rounding error", RELATIVE + "relative(Hv_double)", at_most(1e-14))
claims.add("finite differences to about $10^{-10}$",
           RELATIVE + "float(np.log10(relative(Hv_differences)))", about(-10.0, abs=0.5))
claims.add("The estimate climbs to within 1% of the true $\\lambda_{\\max}$ in about eight products",
           "within_1_percent", about(8, abs=1))
claims.add("the square of the ratio of the two largest eigenvalues, about $0.6$ here",
           "top = np.linalg.eigvalsh(H_full)[-2:]\nfloat((top[0] / top[1]) ** 2)",
           about(0.6, abs=0.05))
# From the tenth product on, each error is the previous one times that square, within 5%.
claims.add("its error keeps shrinking by a constant factor per product",
           "top = np.linalg.eigvalsh(H_full)[-2:]\n"
           "gaps = np.abs(np.array(estimates) - lambda_max)\n"
           "float(np.max(np.abs(gaps[10:] / gaps[9:-1] / (top[0] / top[1]) ** 2 - 1)))",
           at_most(0.05))

# --- 7. Learning rates on x^2 + 10 y^2 --------------------------------------------------------
# The figure's last path (lr = 0.105): 30 steps, 31 points.
claims.add("The figure runs 30 steps from $(-4.5, 1.5)$",
           "[start.tolist(), len(path) - 1]", equals([[-4.5, 1.5], 30]),
           after="gradient_descent_ = checks.use")
PATHS = "paths = {lr: gradient_descent_(grad_bowl, start, lr, 30) for lr in (0.01, 0.05, 0.09, 0.105)}\n"
claims.add("the steep $y$ direction is settled within a dozen steps",
           PATHS + "float(abs(paths[0.01][12, 1] / paths[0.01][0, 1]))", at_most(0.1))
claims.add("but $x$ shrinks by only 2% per step",
           PATHS + "float(np.max(np.abs(paths[0.01][1:, 0] / paths[0.01][:-1, 0] - 0.98)))",
           at_most(1e-12))
claims.add("the $y$ coordinate is zeroed in one step",
           PATHS + "float(paths[0.05][1, 1])", about(0.0, abs=1e-12))
claims.add("the path zig-zags across the valley while $x$ converges",
           PATHS + "path = paths[0.09]\n"
                   "bool(np.all(path[1:, 1] * path[:-1, 1] < 0)) and abs(path[-1, 0]) < 0.01 * abs(path[0, 0])",
           holds())
claims.add("the zig-zag grows until the path leaves the picture",
           PATHS + "path = paths[0.105]\n"
                   "bool(np.all(np.abs(path[1:, 1]) > np.abs(path[:-1, 1]))) and abs(path[-1, 1]) > 2.2",
           holds())
# The widget's loss curve: falling below 0.1, rising above it (30 steps, the slider's default).
claims.add("watch the loss curve turn from a straight line (on the log scale) into a rising one "
           "as you cross 0.1",
           "def loss(lr):\n"
           "    path = ref.gradient_descent(grad_bowl, start, lr, 30)\n"
           "    return path[:, 0] ** 2 + 10 * path[:, 1] ** 2\n"
           "bool(loss(0.098)[-1] < loss(0.098)[0] and loss(0.102)[-1] > loss(0.102)[0])",
           holds())

# --- 8. Steps against the condition number ------------------------------------------------------
claims.add("On log-log axes both sets of points lie on straight lines of slope 1",
           "max(abs(np.polyfit(np.log10(kappas), np.log10(measured[name]), 1)[0] - 1) for name in measured)",
           at_most(0.05))
# kappa grows by 1000 / 10.9 = 92 from kappas[3] to kappas[-1]; the counts by the same factor.
claims.add("a problem a hundred times worse conditioned takes a hundred times as many steps",
           "float(measured['lr = 1 / lambda_max'][-1] / measured['lr = 1 / lambda_max'][3] "
           "/ (kappas[-1] / kappas[3]))",
           about(1.0, rel=0.1))
claims.add("the optimal learning rate only halves the count",
           "float(measured['lr = 1 / lambda_max'][-1] / measured['lr = 2 / (lambda_min + lambda_max)'][-1])",
           about(2.0, rel=0.1))
