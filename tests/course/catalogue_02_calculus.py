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
