"""Wrong and correct implementations of the graded functions of lesson 02."""

import numpy as np

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# numerical_gradient
# --------------------------------------------------------------------------- #

@variants.wrong("numerical_gradient", "forward differences: O(h) error")
def numerical_gradient_forward(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    f0 = f(x)
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xp[i] += h
        grad[i] = (f(xp) - f0) / h
    return grad


@variants.wrong("numerical_gradient", "divides by h instead of 2h")
def numerical_gradient_over_h(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        xp, xm = x.astype(float), x.astype(float)
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / h
    return grad


@variants.wrong("numerical_gradient", "ignores the argument h (always 1e-5)")
def numerical_gradient_fixed_step(f, x, h=1e-5):
    step = 1e-5
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        xp, xm = x.astype(float), x.astype(float)
        xp[i] += step
        xm[i] -= step
        grad[i] = (f(xp) - f(xm)) / (2 * step)
    return grad


@variants.wrong("numerical_gradient", "perturbs x in place and never restores it")
def numerical_gradient_no_restore(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        grad[i] = (fp - fm) / (2 * h)
    return grad


@variants.wrong("numerical_gradient", "restores x by arithmetic (+h, -2h, +h): off by an ulp")
def numerical_gradient_arithmetic_restore(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        x[i] += h
        fp = f(x)
        x[i] -= 2 * h
        fm = f(x)
        x[i] += h
        grad[i] = (fp - fm) / (2 * h)
    return grad


@variants.wrong("numerical_gradient", "one working copy never reset: perturbations pile up")
def numerical_gradient_accumulating(f, x, h=1e-5):
    xw = np.array(x, dtype=float)
    grad = np.zeros_like(xw)
    for i in np.ndindex(xw.shape):
        xw[i] += h
        fp = f(xw)
        xw[i] -= 2 * h
        fm = f(xw)
        grad[i] = (fp - fm) / (2 * h)
    return grad


@variants.wrong("numerical_gradient", "loops over len(x): perturbs whole rows of a 2-D x")
def numerical_gradient_rows(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in range(len(x)):
        xp, xm = x.astype(float), x.astype(float)
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


@variants.correct("numerical_gradient", "copies per coordinate, loop over np.ndindex")
def numerical_gradient_ndindex(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[idx] += h
        x_minus[idx] -= h
        grad[idx] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad


@variants.correct("numerical_gradient", "in place with the saved value restored (try/finally)")
def numerical_gradient_in_place(f, x, h=1e-5):
    grad = np.zeros(np.shape(x))
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        try:
            x[i] = old + h
            fp = f(x)
            x[i] = old - h
            fm = f(x)
        finally:
            x[i] = old
        grad[i] = (fp - fm) / (2 * h)
        it.iternext()
    return grad


@variants.correct("numerical_gradient", "unit directions from np.eye, flat index, 0.5/h")
def numerical_gradient_eye(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    E = np.eye(x.size)
    values = [f(x + h * E[k].reshape(x.shape)) - f(x - h * E[k].reshape(x.shape))
              for k in range(x.size)]
    return np.array(values, dtype=float).reshape(x.shape) * (0.5 / h)


# --------------------------------------------------------------------------- #
# jacobian
# --------------------------------------------------------------------------- #

@variants.wrong("jacobian", "transposed: (n, m) instead of (m, n)")
def jacobian_transposed(f, x, h=1e-5):
    rows = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        rows.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.array(rows)


@variants.wrong("jacobian", "forward differences")
def jacobian_forward(f, x, h=1e-5):
    f0 = np.asarray(f(x), dtype=float)
    J = np.zeros((f0.size, x.size))
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        J[:, j] = (np.asarray(f(x + e)) - f0) / h
    return J


@variants.wrong("jacobian", "ignores h (always 1e-5)")
def jacobian_fixed_step(f, x, h=1e-5):
    step = 1e-5
    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = step
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * step))
    return np.stack(cols, axis=1)


@variants.wrong("jacobian", "perturbs x in place and leaves it perturbed")
def jacobian_in_place(f, x, h=1e-5):
    cols = []
    for j in range(x.size):
        x[j] += h
        fp = np.array(f(x), dtype=float)
        x[j] -= 2 * h
        fm = np.array(f(x), dtype=float)
        cols.append((fp - fm) / (2 * h))
    return np.stack(cols, axis=1)


@variants.correct("jacobian", "preallocated, column by column")
def jacobian_columns(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    m = np.atleast_1d(f(x)).size
    J = np.empty((m, x.size))
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        J[:, j] = (np.atleast_1d(f(x + step)) - np.atleast_1d(f(x - step))) / (2 * h)
    return J


@variants.correct("jacobian", "entry by entry: the numerical gradient of each output")
def jacobian_rows(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    m = np.atleast_1d(f(x)).size
    J = np.zeros((m, x.size))
    for i in range(m):
        for j in range(x.size):
            xp, xm = x.copy(), x.copy()
            xp[j] += h
            xm[j] -= h
            J[i, j] = (np.atleast_1d(f(xp))[i] - np.atleast_1d(f(xm))[i]) / (2 * h)
    return J


# --------------------------------------------------------------------------- #
# hessian
# --------------------------------------------------------------------------- #

@variants.wrong("hessian", "fills the upper triangle only: not symmetric")
def hessian_upper_only(f, x, h=1e-4):
    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            H[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h**2)
    return H


@variants.wrong("hessian", "forward differences of central gradients: O(h), not symmetric")
def hessian_forward_of_gradient(f, x, h=1e-4):
    def grad(y):
        g = np.zeros(y.size)
        for k in range(y.size):
            e = np.zeros(y.size)
            e[k] = h
            g[k] = (f(y + e) - f(y - e)) / (2 * h)
        return g

    g0 = grad(x)
    H = np.zeros((x.size, x.size))
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        H[:, j] = (grad(x + e) - g0) / h
    return H


@variants.wrong("hessian", "four-point formula divided by h^2 instead of 4 h^2")
def hessian_wrong_denominator(f, x, h=1e-4):
    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            H[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / h**2
    return H


@variants.wrong("hessian", "diagonal second difference with step h divided by 4 h^2")
def hessian_wrong_diagonal(f, x, h=1e-4):
    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            if i == j:
                H[i, i] = (f(x + ei) - 2 * f(x) + f(x - ei)) / (4 * h**2)
            else:
                H[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej)
                           + f(x - ei - ej)) / (4 * h**2)
    return H


@variants.wrong("hessian", "ignores h (always 1e-4)")
def hessian_fixed_step(f, x, h=1e-4):
    step = 1e-4
    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = step, step
            H[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej)
                       + f(x - ei - ej)) / (4 * step**2)
    return H


@variants.correct("hessian", "four-point formula everywhere (step 2h on the diagonal)")
def hessian_four_point(f, x, h=1e-4):
    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            H[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h**2)
    return H


@variants.correct("hessian", "central differences of central gradients (same h), not symmetrised")
def hessian_nested_same_step(f, x, h=1e-4):
    def grad(y):
        g = np.zeros(y.size)
        for k in range(y.size):
            e = np.zeros(y.size)
            e[k] = h
            g[k] = (f(y + e) - f(y - e)) / (2 * h)
        return g

    H = np.zeros((x.size, x.size))
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        H[:, j] = (grad(x + e) - grad(x - e)) / (2 * h)
    return H


@variants.correct("hessian", "Jacobian of a default-step (1e-5) gradient, symmetrised")
def hessian_nested_symmetrised(f, x, h=1e-4):
    def grad(y, step=1e-5):
        g = np.zeros(y.size)
        for k in range(y.size):
            e = np.zeros(y.size)
            e[k] = step
            g[k] = (f(y + e) - f(y - e)) / (2 * step)
        return g

    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        cols.append((grad(x + e) - grad(x - e)) / (2 * h))
    H = np.stack(cols, axis=1)
    return (H + H.T) / 2


# --------------------------------------------------------------------------- #
# classify_critical_point
# --------------------------------------------------------------------------- #

@variants.wrong("classify_critical_point", "semi-definite taken for definite")
def classify_semidefinite(H, tol=1e-8):
    lam = np.linalg.eigvalsh(H)
    if np.all(lam >= -tol):
        return "minimum"
    if np.all(lam <= tol):
        return "maximum"
    if np.any(np.abs(lam) <= tol):
        return "degenerate"
    return "saddle"


@variants.wrong("classify_critical_point", "checks for a zero eigenvalue before a sign conflict")
def classify_degenerate_first(H, tol=1e-8):
    lam = np.linalg.eigvalsh(H)
    if np.any(np.abs(lam) <= tol):
        return "degenerate"
    if np.all(lam > 0):
        return "minimum"
    if np.all(lam < 0):
        return "maximum"
    return "saddle"


@variants.wrong("classify_critical_point", "sign conflict ignores tol: a tiny negative makes a saddle")
def classify_conflict_without_tol(H, tol=1e-8):
    lam = np.linalg.eigvalsh(H)
    if np.any(lam > 0) and np.any(lam < 0):
        return "saddle"
    if np.any(np.abs(lam) <= tol):
        return "degenerate"
    return "minimum" if np.all(lam > 0) else "maximum"


@variants.wrong("classify_critical_point", "tol ignored (compares with 1e-8 always)")
def classify_fixed_tol(H, tol=1e-8):
    tol = 1e-8
    lam = np.linalg.eigvalsh(H)
    if lam.max() > tol and lam.min() < -tol:
        return "saddle"
    if np.any(np.abs(lam) <= tol):
        return "degenerate"
    return "minimum" if lam.min() > 0 else "maximum"


@variants.wrong("classify_critical_point", "2x2 rule (determinant and trace) used for any size")
def classify_det_trace(H, tol=1e-8):
    det, tr = np.linalg.det(H), np.trace(H)
    if abs(det) <= tol:
        return "degenerate"
    if det < 0:
        return "saddle"
    return "minimum" if tr > 0 else "maximum"


@variants.correct("classify_critical_point", "eigenvalues from np.linalg.eigh, counted")
def classify_counts(H, tol=1e-8):
    lam, _ = np.linalg.eigh(H)
    n_pos = int(np.sum(lam > tol))
    n_neg = int(np.sum(lam < -tol))
    if n_pos and n_neg:
        return "saddle"
    if n_pos == len(lam):
        return "minimum"
    if n_neg == len(lam):
        return "maximum"
    return "degenerate"


@variants.correct("classify_critical_point", "Cholesky factorisations of shifted matrices")
def classify_cholesky(H, tol=1e-8):
    n = H.shape[0]
    I = np.eye(n)

    def positive_definite(M):
        try:
            np.linalg.cholesky(M)
            return True
        except np.linalg.LinAlgError:
            return False

    has_pos = not positive_definite(tol * I - H)   # some eigenvalue above tol
    has_neg = not positive_definite(tol * I + H)   # some eigenvalue below -tol
    if has_pos and has_neg:
        return "saddle"
    if positive_definite(H - tol * I):
        return "minimum"
    if positive_definite(-H - tol * I):
        return "maximum"
    return "degenerate"


# --------------------------------------------------------------------------- #
# gradient_descent
# --------------------------------------------------------------------------- #

@variants.wrong("gradient_descent", "the trajectory leaves out x0")
def gd_without_start(grad_f, x0, lr, num_steps):
    x = np.array(x0, dtype=float)
    path = []
    for _ in range(num_steps):
        x = x - lr * grad_f(x)
        path.append(x)
    return np.array(path).reshape(num_steps, x.size)


@variants.wrong("gradient_descent", "off by one: num_steps - 1 updates")
def gd_off_by_one(grad_f, x0, lr, num_steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(num_steps - 1):
        x = x - lr * grad_f(x)
        path.append(x)
    return np.array(path)


@variants.wrong("gradient_descent", "one update too many")
def gd_one_too_many(grad_f, x0, lr, num_steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(num_steps + 1):
        x = x - lr * grad_f(x)
        path.append(x)
    return np.array(path)


@variants.wrong("gradient_descent", "gradient ascent: x + lr * grad")
def gd_ascent(grad_f, x0, lr, num_steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(num_steps):
        x = x + lr * grad_f(x)
        path.append(x)
    return np.array(path)


@variants.wrong("gradient_descent", "updates x0 in place")
def gd_mutates_x0(grad_f, x0, lr, num_steps):
    x = x0
    path = [x.copy()]
    for _ in range(num_steps):
        x -= lr * grad_f(x)
        path.append(x.copy())
    return np.array(path)


@variants.wrong("gradient_descent", "appends the same array, then updates it in place")
def gd_aliased_rows(grad_f, x0, lr, num_steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(num_steps):
        x -= lr * grad_f(x)
        path.append(x)
    return np.array(path)


@variants.wrong("gradient_descent", "stops early once the gradient is small")
def gd_stops_early(grad_f, x0, lr, num_steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(num_steps):
        g = grad_f(x)
        if np.linalg.norm(g) < 1e-8:
            break
        x = x - lr * g
        path.append(x)
    return np.array(path)


@variants.correct("gradient_descent", "preallocated trajectory")
def gd_preallocated(grad_f, x0, lr, num_steps):
    x0 = np.asarray(x0, dtype=float)
    path = np.zeros((num_steps + 1, x0.size))
    path[0] = x0
    for k in range(num_steps):
        path[k + 1] = path[k] - lr * np.asarray(grad_f(path[k]))
    return path


@variants.correct("gradient_descent", "list of copies, then np.vstack")
def gd_vstack(grad_f, x0, lr, num_steps):
    x = np.copy(x0).astype(float)
    rows = [x.copy()]
    for _ in range(num_steps):
        x -= lr * grad_f(x)
        rows.append(x.copy())
    return np.vstack(rows)


# --------------------------------------------------------------------------- #
# Review additions: more mistakes and more valid alternatives
# --------------------------------------------------------------------------- #

@variants.wrong("numerical_gradient", "shortcut: scipy's private approx_derivative (3-point)")
def numerical_gradient_approx_derivative(f, x, h=1e-5):
    from scipy.optimize._numdiff import approx_derivative as central
    x = np.asarray(x, dtype=float)
    g = central(lambda v: f(v.reshape(x.shape)), x.reshape(-1), method="3-point", abs_step=h)
    return np.asarray(g, dtype=float).reshape(x.shape)


@variants.wrong("numerical_gradient", "returns a (nested) list instead of an array")
def numerical_gradient_list(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad.tolist()


@variants.wrong("numerical_gradient", "half a step on each side: (f(x + h/2) - f(x - h/2)) / h")
def numerical_gradient_half_step(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h / 2
        xm[i] -= h / 2
        grad[i] = (f(xp) - f(xm)) / h
    return grad


@variants.wrong("numerical_gradient", "relative step h * max(1, |x_i|)")
def numerical_gradient_relative_step(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        step = h * max(1.0, abs(x[i]))
        xp, xm = x.copy(), x.copy()
        xp[i] += step
        xm[i] -= step
        grad[i] = (f(xp) - f(xm)) / (2 * step)
    return grad


@variants.wrong("numerical_gradient", "Richardson extrapolation: not the central difference with step h")
def numerical_gradient_richardson(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        def d(s):
            xp, xm = x.copy(), x.copy()
            xp[i] += s
            xm[i] -= s
            return (f(xp) - f(xm)) / (2 * s)
        grad[i] = (4 * d(h / 2) - d(h)) / 3
    return grad


@variants.wrong("numerical_gradient", "float32 working copies")
def numerical_gradient_float32(f, x, h=1e-5):
    x32 = np.asarray(x, dtype=np.float32)
    grad = np.zeros(x32.shape)
    for i in np.ndindex(x32.shape):
        xp, xm = x32.copy(), x32.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp.astype(float)) - f(xm.astype(float))) / (2 * h)
    return grad


@variants.wrong("numerical_gradient", "flat gradient of shape (x.size,) for an N-D x")
def numerical_gradient_flat(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.size)
    for k in range(x.size):
        xp, xm = x.copy(), x.copy()
        xp.flat[k] += h
        xm.flat[k] -= h
        grad[k] = (f(xp) - f(xm)) / (2 * h)
    return grad


@variants.correct("numerical_gradient", "np.gradient of the three samples f(x - h e_i), f(x), f(x + h e_i)")
def numerical_gradient_np_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = np.gradient(np.array([f(xm), f(x), f(xp)], dtype=float), h)[1]
    return grad


@variants.correct("numerical_gradient", "0-d x special-cased, returns a NumPy scalar; itertools.product")
def numerical_gradient_product(f, x, h=1e-5):
    import itertools
    x = np.array(x, dtype=float)
    if x.ndim == 0:
        return (f(x + h) - f(x - h)) / (2 * h)
    grad = np.empty_like(x)
    for idx in itertools.product(*(range(s) for s in x.shape)):
        saved = x[idx]
        x[idx] = saved + h
        fp = float(f(x))
        x[idx] = saved - h
        fm = float(f(x))
        x[idx] = saved
        grad[idx] = (fp - fm) / (2 * h)
    return grad


@variants.correct("numerical_gradient", "flat copy reshaped for each call, np.divide by 2h")
def numerical_gradient_flat_copy(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    flat = x.reshape(-1).copy()
    out = np.zeros(flat.size)
    for k in range(flat.size):
        keep = flat[k]
        flat[k] = keep + h
        up = f(flat.reshape(x.shape))
        flat[k] = keep - h
        down = f(flat.reshape(x.shape))
        flat[k] = keep
        out[k] = np.divide(up - down, 2 * h)
    return out.reshape(x.shape)


@variants.wrong("jacobian", "list of lambdas built in a loop: late binding, every row is the last output")
def jacobian_late_binding(f, x, h=1e-5):
    m = np.atleast_1d(f(x)).size
    outputs = [lambda v: np.atleast_1d(f(v))[i] for i in range(m)]
    return np.array([numerical_gradient(g, x, h) for g in outputs])


@variants.wrong("jacobian", "rows from numerical_gradient without passing h")
def jacobian_gradient_default_step(f, x, h=1e-5):
    m = np.atleast_1d(f(x)).size
    return np.array([numerical_gradient(lambda v, i=i: np.atleast_1d(f(v))[i], x)
                     for i in range(m)])


@variants.wrong("jacobian", "squeezed: shape (n,) when m = 1 and (m,) when n = 1")
def jacobian_squeezed(f, x, h=1e-5):
    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        cols.append((np.asarray(f(x + e), dtype=float) - np.asarray(f(x - e), dtype=float)) / (2 * h))
    return np.squeeze(np.stack(cols, axis=1))


@variants.wrong("jacobian", "returns a nested list instead of an array")
def jacobian_nested_list(f, x, h=1e-5):
    m = np.atleast_1d(f(x)).size
    J = [[0.0] * x.size for _ in range(m)]
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        col = (np.atleast_1d(f(x + e)) - np.atleast_1d(f(x - e))) / (2 * h)
        for i in range(m):
            J[i][j] = float(col[i])
    return J


@variants.wrong("jacobian", "every input moved at once (h * ones), the same column n times")
def jacobian_all_at_once(f, x, h=1e-5):
    d = (np.atleast_1d(f(x + h)) - np.atleast_1d(f(x - h))) / (2 * h)
    return np.tile(d[:, None], (1, x.size))


@variants.correct("jacobian", "np.apply_along_axis over the rows of x +- h I")
def jacobian_apply_along_axis(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    steps = h * np.eye(x.size)
    plus = np.apply_along_axis(lambda v: np.atleast_1d(f(v)), 1, x + steps)
    minus = np.apply_along_axis(lambda v: np.atleast_1d(f(v)), 1, x - steps)
    return ((plus - minus) / (2 * h)).T


@variants.correct("jacobian", "rows from numerical_gradient with h passed, default-argument binding")
def jacobian_by_gradients(f, x, h=1e-5):
    m = np.atleast_1d(f(x)).size
    return np.array([numerical_gradient(lambda v, i=i: np.atleast_1d(f(v))[i], x, h)
                     for i in range(m)])


@variants.wrong("hessian", "off-diagonal helper called without h (its default 1e-4)")
def hessian_offdiag_default_step(f, x, h=1e-4):
    def mixed(i, j, step=1e-4):
        ei, ej = np.zeros(x.size), np.zeros(x.size)
        ei[i], ej[j] = step, step
        return (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * step**2)

    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        H[i, i] = (f(x + e) - 2 * f(x) + f(x - e)) / h**2
        for j in range(i + 1, n):
            H[i, j] = H[j, i] = mixed(i, j)
    return H


@variants.wrong("hessian", "diagonal helper called without h (its default 1e-4)")
def hessian_diag_default_step(f, x, h=1e-4):
    def second(i, step=1e-4):
        e = np.zeros(x.size)
        e[i] = step
        return (f(x + e) - 2 * f(x) + f(x - e)) / step**2

    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        H[i, i] = second(i)
        for j in range(i + 1, n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            H[i, j] = H[j, i] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej)
                                 + f(x - ei - ej)) / (4 * h**2)
    return H


@variants.wrong("hessian", "forward second difference on the diagonal: O(h)")
def hessian_forward_diagonal(f, x, h=1e-4):
    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        H[i, i] = (f(x + 2 * e) - 2 * f(x + e) + f(x)) / h**2
        for j in range(i + 1, n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            H[i, j] = H[j, i] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej)
                                 + f(x - ei - ej)) / (4 * h**2)
    return H


@variants.wrong("hessian", "three-point forward mixed difference off the diagonal: O(h)")
def hessian_forward_mixed(f, x, h=1e-4):
    n = x.size
    H = np.zeros((n, n))
    f0 = f(x)
    for i in range(n):
        ei = np.zeros(n)
        ei[i] = h
        H[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / h**2
        for j in range(i + 1, n):
            ej = np.zeros(n)
            ej[j] = h
            H[i, j] = H[j, i] = (f(x + ei + ej) - f(x + ei) - f(x + ej) + f0) / h**2
    return H


@variants.wrong("hessian", "symmetrised as H + H.T, without dividing by 2")
def hessian_symmetrised_twice(f, x, h=1e-4):
    def grad(y):
        g = np.zeros(y.size)
        for k in range(y.size):
            e = np.zeros(y.size)
            e[k] = h
            g[k] = (f(y + e) - f(y - e)) / (2 * h)
        return g

    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        cols.append((grad(x + e) - grad(x - e)) / (2 * h))
    H = np.stack(cols, axis=1)
    return H + H.T


@variants.correct("hessian", "polarisation: (D2(e_i + e_j) - D2(e_i) - D2(e_j)) / 2 with step h")
def hessian_polarisation(f, x, h=1e-4):
    x = np.asarray(x, dtype=float)
    n = x.size
    f0 = f(x)

    def second(u):
        return (f(x + h * u) - 2 * f0 + f(x - h * u)) / h**2

    I = np.eye(n)
    d = np.array([second(I[i]) for i in range(n)])
    H = np.diag(d)
    for i in range(n):
        for j in range(i + 1, n):
            H[i, j] = H[j, i] = (second(I[i] + I[j]) - d[i] - d[j]) / 2
    return H


@variants.correct("hessian", "Jacobian (own jacobian, step h) of own numerical_gradient (step h), symmetrised")
def hessian_from_own_functions(f, x, h=1e-4):
    H = jacobian(lambda v: numerical_gradient(f, v, h), x, h)
    return (H + H.T) / 2


@variants.wrong("classify_critical_point", "reads the signs of the diagonal entries, not the eigenvalues")
def classify_diagonal_signs(H, tol=1e-8):
    d = np.diag(H)
    if d.max() > tol and d.min() < -tol:
        return "saddle"
    if np.any(np.abs(d) <= tol):
        return "degenerate"
    return "minimum" if d.min() > tol else "maximum"


@variants.wrong("classify_critical_point", "Sylvester's leading minors, with |det| <= tol as degenerate")
def classify_minors(H, tol=1e-8):
    n = H.shape[0]
    minors = np.array([np.linalg.det(H[:k, :k]) for k in range(1, n + 1)])
    if abs(minors[-1]) <= tol:
        return "degenerate"
    if np.all(minors > 0):
        return "minimum"
    if np.all(minors * (-1.0) ** np.arange(1, n + 1) > 0):
        return "maximum"
    return "saddle"


@variants.wrong("classify_critical_point", "relative tolerance: |lambda| <= tol * max|lambda| counts as zero")
def classify_relative_tol(H, tol=1e-8):
    lam = np.linalg.eigvalsh(H)
    cut = tol * max(np.abs(lam).max(), 1.0)
    if lam.max() > cut and lam.min() < -cut:
        return "saddle"
    if np.any(np.abs(lam) <= cut):
        return "degenerate"
    return "minimum" if lam.min() > cut else "maximum"


@variants.wrong("classify_critical_point", "cleans tiny entries of H in place (H[|H| < tol] = 0)")
def classify_cleans_in_place(H, tol=1e-8):
    H[np.abs(H) < tol] = 0.0
    lam = np.linalg.eigvalsh(H)
    if lam.max() > tol and lam.min() < -tol:
        return "saddle"
    if np.any(np.abs(lam) <= tol):
        return "degenerate"
    return "minimum" if lam.min() > tol else "maximum"


@variants.wrong("classify_critical_point", "singular values instead of eigenvalues (signs lost)")
def classify_singular_values(H, tol=1e-8):
    s = np.linalg.svd(H, compute_uv=False)
    if np.any(s <= tol):
        return "degenerate"
    return "minimum" if np.trace(H) > 0 and np.linalg.det(H) > 0 else "saddle"


@variants.correct("classify_critical_point", "general np.linalg.eigvals (real part), sorted")
def classify_eigvals(H, tol=1e-8):
    lam = np.sort(np.real(np.linalg.eigvals(np.asarray(H, dtype=float))))
    if lam[-1] > tol and lam[0] < -tol:
        return "saddle"
    if lam[0] > tol:
        return "minimum"
    if lam[-1] < -tol:
        return "maximum"
    return "degenerate"


@variants.wrong("classify_critical_point", "scipy.linalg.eigh, Python loop, returns np.str_: a module this exercise may not import",
                hint="which this exercise may not use")
def classify_scipy_loop(H, tol=1e-8):
    import scipy.linalg
    labels = np.array(["minimum", "maximum", "saddle", "degenerate"])
    pos = neg = zero = 0
    for lam in scipy.linalg.eigh(H, eigvals_only=True).tolist():
        if lam > tol:
            pos += 1
        elif lam < -tol:
            neg += 1
        else:
            zero += 1
    if pos and neg:
        return labels[2]
    if zero:
        return labels[3]
    return labels[0] if pos else labels[1]


@variants.wrong("gradient_descent", "returns the Python list of points, not an array")
def gd_returns_list(grad_f, x0, lr, num_steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(num_steps):
        x = x - lr * np.asarray(grad_f(x))
        path.append(x)
    return path


@variants.wrong("gradient_descent", "the gradient is computed once, at x0")
def gd_frozen_gradient(grad_f, x0, lr, num_steps):
    x = np.array(x0, dtype=float)
    g = np.asarray(grad_f(x))
    path = [x]
    for _ in range(num_steps):
        x = x - lr * g
        path.append(x)
    return np.array(path)


@variants.wrong("gradient_descent", "np.asarray(x0, dtype=float) is x0 itself: updated in place")
def gd_asarray_in_place(grad_f, x0, lr, num_steps):
    x = np.asarray(x0, dtype=float)
    path = [x.copy()]
    for _ in range(num_steps):
        x -= lr * np.asarray(grad_f(x))
        path.append(x.copy())
    return np.array(path)


@variants.wrong("gradient_descent", "squeezed trajectory: shape (num_steps + 1,) when n = 1")
def gd_squeezed(grad_f, x0, lr, num_steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(num_steps):
        x = x - lr * np.asarray(grad_f(x))
        path.append(x)
    return np.squeeze(np.array(path))


@variants.wrong("gradient_descent", "preallocated, but x is a view of row 0 and overwrites x0's row")
def gd_row_view(grad_f, x0, lr, num_steps):
    path = np.zeros((num_steps + 1, np.size(x0)))
    path[0] = x0
    x = path[0]
    for k in range(num_steps):
        x -= lr * np.asarray(grad_f(x))
        path[k + 1] = x
    return path


@variants.wrong("gradient_descent", "float32 trajectory")
def gd_float32(grad_f, x0, lr, num_steps):
    path = np.zeros((num_steps + 1, np.size(x0)), dtype=np.float32)
    path[0] = x0
    for k in range(num_steps):
        path[k + 1] = path[k] - lr * np.asarray(grad_f(path[k].astype(float)))
    return path


@variants.correct("gradient_descent", "itertools.accumulate over the steps, np.stack")
def gd_accumulate(grad_f, x0, lr, num_steps):
    import itertools
    start = np.array(x0, dtype=float)
    points = itertools.accumulate(range(num_steps),
                                  lambda x, _: x - lr * np.asarray(grad_f(x), dtype=float),
                                  initial=start)
    return np.stack(list(points))


@variants.correct("gradient_descent", "recursion on num_steps (nested helper)")
def gd_recursive(grad_f, x0, lr, num_steps):
    def run(k):
        if k == 0:
            return np.array(x0, dtype=float)[None, :]
        head = run(k - 1)
        last = head[-1]
        return np.vstack([head, last - lr * np.asarray(grad_f(last.copy()), dtype=float)])

    return run(num_steps)


# --------------------------------------------------------------------------- #
# Conversion to the check module: more mistakes, more valid alternatives
# --------------------------------------------------------------------------- #

@variants.wrong("numerical_gradient", "every entry moved at once (x + h * ones): one directional derivative")
def numerical_gradient_all_at_once(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    d = (f(x + h) - f(x - h)) / (2 * h)
    return np.full(x.shape, d)


@variants.wrong("numerical_gradient", "a flat view of x perturbed in place, restored by +h, -2h, +h")
def numerical_gradient_flat_view(f, x, h=1e-5):
    flat = x.reshape(-1)
    grad = np.zeros(x.size)
    for k in range(x.size):
        flat[k] += h
        fp = f(x)
        flat[k] -= 2 * h
        fm = f(x)
        flat[k] += h
        grad[k] = (fp - fm) / (2 * h)
    return grad.reshape(x.shape)


@variants.correct("numerical_gradient", "np.unravel_index over flat indices, float() of each value of f")
def numerical_gradient_unravel(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for k in range(x.size):
        idx = np.unravel_index(k, x.shape)
        up, down = x.copy(), x.copy()
        up[idx] = x[idx] + h
        down[idx] = x[idx] - h
        grad[idx] = (float(f(up)) - float(f(down))) / (2.0 * h)
    return grad


@variants.wrong("jacobian", "every row is the gradient of the SUM of the outputs")
def jacobian_sum_of_outputs(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    m = np.atleast_1d(f(x)).size
    g = np.zeros(x.size)
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        g[j] = (np.sum(f(x + e)) - np.sum(f(x - e))) / (2 * h)
    return np.tile(g, (m, 1))


@variants.wrong("jacobian", "assumes m = n: a square (n, n) Jacobian")
def jacobian_square(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    n = x.size
    J = np.zeros((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = h
        col = (np.atleast_1d(f(x + e)) - np.atleast_1d(f(x - e))) / (2 * h)
        k = min(n, col.size)
        J[:k, j] = col[:k]
    return J


@variants.correct("jacobian", "np.column_stack of columns, steps from h * np.eye(n)")
def jacobian_column_stack(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    steps = h * np.eye(x.size)
    return np.column_stack([(np.atleast_1d(f(x + s)) - np.atleast_1d(f(x - s))) / (2 * h)
                            for s in steps])


@variants.wrong("hessian", "only the diagonal: off-diagonal entries left at zero")
def hessian_diagonal_only(f, x, h=1e-4):
    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        H[i, i] = (f(x + e) - 2 * f(x) + f(x - e)) / h**2
    return H


@variants.wrong("hessian", "diagonal by the three-point formula with step 2h, still divided by h^2")
def hessian_diagonal_double_step(f, x, h=1e-4):
    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = h, h
            if i == j:
                H[i, i] = (f(x + 2 * ei) - 2 * f(x) + f(x - 2 * ei)) / h**2
            else:
                H[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej)
                           + f(x - ei - ej)) / (4 * h**2)
    return H


@variants.correct("hessian", "vectorised stencils: the f values of each entry from a list of points")
def hessian_stencil_lists(f, x, h=1e-4):
    x = np.asarray(x, dtype=float)
    n = x.size
    E = h * np.eye(n)
    f0 = f(x)
    H = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            if i == j:
                up, down = f(x + E[i]), f(x - E[i])
                H[i, i] = (up - 2 * f0 + down) / h**2
            else:
                pts = [x + E[i] + E[j], x + E[i] - E[j], x - E[i] + E[j], x - E[i] - E[j]]
                a, b, c, d = (f(p) for p in pts)
                H[i, j] = H[j, i] = (a - b - c + d) / (4 * h * h)
    return H


@variants.wrong("classify_critical_point", "eigvalsh of np.triu(H): eigvalsh reads the lower triangle, so these are the diagonal entries")
def classify_triu(H, tol=1e-8):
    lam = np.linalg.eigvalsh(np.triu(H))
    if lam.max() > tol and lam.min() < -tol:
        return "saddle"
    if np.any(np.abs(lam) <= tol):
        return "degenerate"
    return "minimum" if lam.min() > tol else "maximum"


@variants.wrong("classify_critical_point", "a diagonal of one sign taken for a minimum or a maximum before the eigenvalues")
def classify_diagonal_first(H, tol=1e-8):
    d = np.diag(H)
    if np.all(d > tol):
        return "minimum"
    if np.all(d < -tol):
        return "maximum"
    lam = np.linalg.eigvalsh(H)
    if lam.max() > tol and lam.min() < -tol:
        return "saddle"
    if np.any(np.abs(lam) <= tol):
        return "degenerate"
    return "minimum" if lam.min() > tol else "maximum"


@variants.wrong("classify_critical_point", "eigenvalues of H @ H: squares, so no sign is ever negative")
def classify_squared(H, tol=1e-8):
    lam = np.sqrt(np.abs(np.linalg.eigvalsh(H @ H)))
    if np.any(lam <= tol):
        return "degenerate"
    return "minimum" if np.trace(H) > 0 else "maximum"


@variants.wrong("classify_critical_point", "torch.linalg.eigvalsh, smallest and largest only: a module this exercise may not import",
                hint="which this exercise may not use")
def classify_torch(H, tol=1e-8):
    import torch
    lam = torch.linalg.eigvalsh(torch.as_tensor(H, dtype=torch.float64))
    low, high = float(lam[0]), float(lam[-1])
    if high > tol and low < -tol:
        return "saddle"
    if low > tol:
        return "minimum"
    if high < -tol:
        return "maximum"
    return "degenerate"


@variants.correct("classify_critical_point", "np.linalg.eigh of the symmetric part, signs counted with np.sign")
def classify_symmetric_part(H, tol=1e-8):
    H = np.asarray(H, dtype=float)
    lam, _ = np.linalg.eigh((H + H.T) / 2)
    signs = np.where(np.abs(lam) <= tol, 0, np.sign(lam))
    if 1 in signs and -1 in signs:
        return "saddle"
    if 0 in signs:
        return "degenerate"
    return "minimum" if signs[0] == 1 else "maximum"


@variants.wrong("gradient_descent", "transposed trajectory: shape (n, num_steps + 1)")
def gd_transposed(grad_f, x0, lr, num_steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(num_steps):
        x = x - lr * np.asarray(grad_f(x))
        path.append(x)
    return np.array(path).T


@variants.wrong("gradient_descent", "the step uses the gradient at the previous point (one step late)")
def gd_stale_gradient(grad_f, x0, lr, num_steps):
    x = np.array(x0, dtype=float)
    g = np.asarray(grad_f(x))
    path = [x]
    for _ in range(num_steps):
        x_new = x - lr * g
        g = np.asarray(grad_f(x))
        x = x_new
        path.append(x)
    return np.array(path)


@variants.correct("gradient_descent", "while loop over a counter, np.empty preallocated")
def gd_while(grad_f, x0, lr, num_steps):
    x0 = np.asarray(x0, dtype=np.float64)
    path = np.empty((num_steps + 1, x0.size))
    path[0] = x0
    k = 0
    while k < num_steps:
        path[k + 1] = path[k] - lr * np.asarray(grad_f(path[k].copy()), dtype=np.float64)
        k += 1
    return path
