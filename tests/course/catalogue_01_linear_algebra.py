"""Wrong and correct implementations of the graded functions of lesson 01.

Each wrong variant is a mistake students make (or a shortcut they take); the hidden
tests of its function must fail it. Each correct variant is a valid solution written
differently; the tests must give it full marks. The sources run in the lesson's
kernel, where the set-up cell has imported ``np`` and ``torch``; anything else is
imported inside the function.
"""

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# cosine_similarity
# --------------------------------------------------------------------------- #

@variants.wrong("cosine_similarity", "the bare dot product, not divided by the norms")
def cosine_dot_only(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or not x.any() or not y.any():
        raise ValueError("bad input")
    return float(x @ y)


@variants.wrong("cosine_similarity", "divides by the squared norms")
def cosine_squared_norms(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or not x.any() or not y.any():
        raise ValueError("bad input")
    return float(x @ y / ((x @ x) * (y @ y)))


@variants.wrong("cosine_similarity", "takes the absolute value: opposite vectors get +1")
def cosine_abs(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or not x.any() or not y.any():
        raise ValueError("bad input")
    return float(abs(x @ y) / (np.linalg.norm(x) * np.linalg.norm(y)))


@variants.wrong("cosine_similarity", "treats the vectors as matrices and returns a 1x1 array")
def cosine_matrix_result(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or not x.any() or not y.any():
        raise ValueError("bad input")
    return x.reshape(1, -1) @ y.reshape(-1, 1) / (np.linalg.norm(x) * np.linalg.norm(y))


@variants.wrong("cosine_similarity", "no zero-vector check: returns nan with a warning")
def cosine_no_zero_check(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError("x and y must have the same length")
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


@variants.wrong("cosine_similarity", "no length check: a length-1 vector broadcasts")
def cosine_broadcasts(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    nx, ny = np.sqrt(np.sum(x * x)), np.sqrt(np.sum(y * y))
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.sum(x * y) / (nx * ny))


@variants.wrong("cosine_similarity", "normalises x in place (modifies the caller's array)")
def cosine_in_place(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or not x.any() or not y.any():
        raise ValueError("bad input")
    x /= np.linalg.norm(x)
    return float(x @ y / np.linalg.norm(y))


@variants.wrong("cosine_similarity", "shortcut: scipy.spatial.distance.cosine under another name")
def cosine_scipy(x, y):
    from scipy.spatial.distance import cosine as angular_gap
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or not x.any() or not y.any():
        raise ValueError("bad input")
    return float(1.0 - angular_gap(x, y))


@variants.wrong("cosine_similarity", "shortcut: sklearn's pairwise cosine_similarity, renamed")
def cosine_sklearn(x, y):
    from sklearn.metrics.pairwise import cosine_similarity as pairwise
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or not x.any() or not y.any():
        raise ValueError("bad input")
    return float(pairwise(x[None, :], y[None, :])[0, 0])


@variants.correct("cosine_similarity", "a Python loop with math.sqrt")
def cosine_loop(x, y):
    import math
    if len(x) != len(y):
        raise ValueError("x and y must have the same length")
    dot = sum(float(a) * float(b) for a, b in zip(x, y))
    nx = math.sqrt(sum(float(a) ** 2 for a in x))
    ny = math.sqrt(sum(float(b) ** 2 for b in y))
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return dot / (nx * ny)


@variants.correct("cosine_similarity", "normalise copies first, return np.float64")
def cosine_normalise_first(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError("x and y must be 1-D of equal length")
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return np.dot(x / nx, y / ny)


# --------------------------------------------------------------------------- #
# power_iteration
# --------------------------------------------------------------------------- #

@variants.wrong("power_iteration", "eigenvalue as the norm of A v: loses the sign")
def power_abs_eigenvalue(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
        v = w
        if done:
            break
    return float(np.linalg.norm(A @ v)), v


@variants.wrong("power_iteration", "returns the last product A v, not normalised")
def power_unnormalised(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        lam = v @ w
        v_new = w / np.linalg.norm(w)
        done = min(np.linalg.norm(v_new - v), np.linalg.norm(v_new + v)) < tol
        v = v_new
        if done:
            break
    return float(lam), w


@variants.wrong("power_iteration", "infinite loop: while-loop on a change that ignores the sign")
def power_infinite_loop(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    change = np.inf
    while change >= tol:  # never true when the iterate flips sign: no iteration cap
        w = A @ v
        w /= np.linalg.norm(w)
        change = np.linalg.norm(w - v)
        v = w
    return float(v @ A @ v), v


@variants.wrong("power_iteration", "stopping rule ignores the sign: runs all num_iters when lambda < 0")
def power_sign_unaware(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        change = np.linalg.norm(w - v)
        v = w
        if change < tol:
            break
    return float(v @ A @ v), v


@variants.wrong("power_iteration", "loose stopping rule: stops when the eigenvalue changes < tol")
def power_eigenvalue_stop(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    lam = v @ A @ v
    for _ in range(num_iters):
        w = A @ v
        v = w / np.linalg.norm(w)
        lam_new = v @ A @ v
        if abs(lam_new - lam) < tol:
            lam = lam_new
            break
        lam = lam_new
    return float(lam), v


@variants.wrong("power_iteration", "broken stopping rule: the break is outside the if")
def power_breaks_at_once(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        if min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol:
            pass
        v = w
        break
    return float(v @ A @ v), v


@variants.wrong("power_iteration", "fixed number of 30 iterations, tol and num_iters ignored")
def power_fixed_iterations(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    for _ in range(30):
        v = A @ v
        v /= np.linalg.norm(v)
    return float(v @ A @ v), v


@variants.wrong("power_iteration", "deterministic start at all ones (orthogonal to q1 can happen)")
def power_ones_start(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    v = np.ones(A.shape[0]) / np.sqrt(A.shape[0])
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
        v = w
        if done:
            break
    return float(v @ A @ v), v


@variants.wrong("power_iteration", "scales A in place by its largest entry (modifies the input)")
def power_scales_in_place(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    scale = np.abs(A).max()
    A /= scale
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
        v = w
        if done:
            break
    return float(scale * (v @ A @ v)), v


@variants.wrong("power_iteration", "no symmetry check: a non-symmetric matrix is accepted")
def power_no_symmetry_check(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
        v = w
        if done:
            break
    return float(v @ A @ v), v


@variants.wrong("power_iteration", "shortcut: numpy.linalg.eigh imported under another name")
def power_numpy_eigh(A, num_iters=1000, tol=1e-10, rng=None):
    from numpy.linalg import eigh as decompose
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    values, vectors = decompose(A)
    i = np.argmax(np.abs(values))
    return float(values[i]), vectors[:, i]


@variants.wrong("power_iteration", "shortcut: numpy.linalg.eig")
def power_numpy_eig(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    values, vectors = np.linalg.eig(A)
    i = np.argmax(np.abs(values))
    return float(values[i].real), vectors[:, i].real


@variants.wrong("power_iteration", "shortcut: numpy.linalg.svd (sigma_1 = |lambda_1|, sign from u.v)")
def power_numpy_svd(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    U, s, Vt = np.linalg.svd(A)
    return float(s[0] * np.sign(U[:, 0] @ Vt[0])), Vt[0]


@variants.wrong("power_iteration", "shortcut: scipy.linalg.eigh under another name")
def power_scipy_eigh(A, num_iters=1000, tol=1e-10, rng=None):
    from scipy.linalg import eigh as symmetric_eigen
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    values, vectors = symmetric_eigen(A)
    i = np.argmax(np.abs(values))
    return float(values[i]), vectors[:, i]


@variants.wrong("power_iteration", "shortcut: torch.linalg.eigh")
def power_torch_eigh(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    values, vectors = torch.linalg.eigh(torch.from_numpy(A))
    i = int(torch.argmax(values.abs()))
    return float(values[i]), vectors[:, i].numpy()


@variants.correct("power_iteration", "fixes the sign of every iterate, then a plain difference")
def power_sign_fixed(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.array_equal(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.normal(size=A.shape[0])
    v = v / np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w = w / np.linalg.norm(w)
        w = w * np.sign(w[np.argmax(np.abs(w))])  # largest entry positive
        change = np.linalg.norm(w - v)
        v = w
        if change < tol:
            break
    return float(v @ (A @ v)), v


@variants.correct("power_iteration", "while-loop with a counter; residual |A v - lambda v| < tol")
def power_residual_stop(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.array(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be a square matrix")
    if np.max(np.abs(A - A.T)) > 1e-12 * max(1.0, np.max(np.abs(A))):
        raise ValueError("A must be symmetric")
    if rng is None:
        rng = np.random.default_rng()
    v = rng.random(A.shape[0]) - 0.5
    v /= np.linalg.norm(v)
    lam = v @ A @ v
    it = 0
    while it < num_iters and np.linalg.norm(A @ v - lam * v) >= tol:
        v = A @ v
        v /= np.linalg.norm(v)
        lam = v @ A @ v
        it += 1
    return lam, v


@variants.correct("power_iteration", "aligns the new iterate with the old by the sign of their dot product")
def power_align_by_dot(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        aligned = w if w @ v >= 0 else -w
        converged = np.linalg.norm(aligned - v) < tol
        v = w
        if converged:
            break
    rayleigh = (v @ A @ v) / (v @ v)
    return float(rayleigh), v


# --------------------------------------------------------------------------- #
# low_rank_approx
# --------------------------------------------------------------------------- #

@variants.wrong("low_rank_approx", "off by one: keeps k + 1 singular values")
def low_rank_k_plus_one(A, k):
    A = np.asarray(A, dtype=float)
    if not 1 <= k <= min(A.shape):
        raise ValueError("bad k")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, :k + 1] * s[:k + 1]) @ Vt[:k + 1]


@variants.wrong("low_rank_approx", "off by one: the loop range(1, k) keeps k - 1 terms")
def low_rank_k_minus_one(A, k):
    A = np.asarray(A, dtype=float)
    if not 1 <= k <= min(A.shape):
        raise ValueError("bad k")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    out = np.zeros_like(A)
    for i in range(1, k):
        out += s[i - 1] * np.outer(U[:, i - 1], Vt[i - 1])
    return out


@variants.wrong("low_rank_approx", "returns U_k S_k without V_k^T")
def low_rank_no_vt(A, k):
    A = np.asarray(A, dtype=float)
    if not 1 <= k <= min(A.shape):
        raise ValueError("bad k")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return U[:, :k] * s[:k]


@variants.wrong("low_rank_approx", "keeps the k smallest singular values")
def low_rank_smallest(A, k):
    A = np.asarray(A, dtype=float)
    if not 1 <= k <= min(A.shape):
        raise ValueError("bad k")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, -k:] * s[-k:]) @ Vt[-k:]


@variants.wrong("low_rank_approx", "takes columns of Vt instead of rows")
def low_rank_vt_columns(A, k):
    A = np.asarray(A, dtype=float)
    if not 1 <= k <= min(A.shape):
        raise ValueError("bad k")
    U, s, Vt = np.linalg.svd(A)
    return (U[:, :k] * s[:k]) @ Vt[:, :k].T[:, :A.shape[1]]


@variants.wrong("low_rank_approx", "no check of k: k > min(A.shape) silently returns A")
def low_rank_no_k_check(A, k):
    A = np.asarray(A, dtype=float)
    if k < 1:
        raise ValueError("k must be >= 1")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]


@variants.wrong("low_rank_approx", "shortcut: sklearn's TruncatedSVD under another name")
def low_rank_truncated_svd(A, k):
    from sklearn.decomposition import TruncatedSVD as Compressor
    A = np.asarray(A, dtype=float)
    if not 1 <= k <= min(A.shape):
        raise ValueError("bad k")
    model = Compressor(n_components=k, algorithm="randomized", n_iter=20, random_state=0)
    return model.fit_transform(A) @ model.components_


@variants.correct("low_rank_approx", "a sum of k outer products in a loop")
def low_rank_outer_products(A, k):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or not 1 <= k <= min(A.shape):
        raise ValueError("k must satisfy 1 <= k <= min(A.shape)")
    U, s, Vt = np.linalg.svd(A)
    out = np.zeros(A.shape)
    for i in range(k):
        out += s[i] * np.outer(U[:, i], Vt[i])
    return out


@variants.correct("low_rank_approx", "projects onto the top-k eigenvectors of A^T A (eigh)")
def low_rank_eigh_projection(A, k):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or not 1 <= k <= min(A.shape):
        raise ValueError("k must satisfy 1 <= k <= min(A.shape)")
    if A.shape[0] < A.shape[1]:           # project the columns instead: A A^T is smaller
        return low_rank_eigh_projection(A.T, k).T
    _, vectors = np.linalg.eigh(A.T @ A)  # ascending order
    V_k = vectors[:, ::-1][:, :k]
    return A @ V_k @ V_k.T


@variants.correct("low_rank_approx", "full SVD with np.diag and explicit slices")
def low_rank_full_svd(A, k):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    if not (isinstance(k, (int, np.integer)) and 1 <= k <= min(m, n)):
        raise ValueError(f"k must be an integer in [1, {min(m, n)}]")
    U, s, Vt = np.linalg.svd(A, full_matrices=True)
    return U[:, :k] @ np.diag(s[:k]) @ Vt[:k, :]


# --------------------------------------------------------------------------- #
# pca
# --------------------------------------------------------------------------- #

@variants.wrong("pca", "does not centre X")
def pca_uncentred(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    _, s, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s ** 2)


@variants.wrong("pca", "eigh of the covariance without reordering: smallest variance first")
def pca_ascending(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(Xc.T @ Xc)
    return vectors[:, :k].T, values[:k] / values.sum()


@variants.wrong("pca", "components scaled by their standard deviation (not unit rows)")
def pca_unnormalised(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    std = s / np.sqrt(X.shape[0] - 1)
    return Vt[:k] * std[:k, None], s[:k] ** 2 / np.sum(s ** 2)


@variants.wrong("pca", "ratios over the k kept components instead of the total variance")
def pca_ratio_over_k(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s[:k] ** 2)


@variants.wrong("pca", "components as columns (D, k) instead of rows")
def pca_transposed(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k].T, s[:k] ** 2 / np.sum(s ** 2)


@variants.wrong("pca", "takes rows of eigh's eigenvector matrix (eigenvectors are its columns)")
def pca_eigh_rows(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(np.cov(Xc, rowvar=False))
    order = np.argsort(values)[::-1]
    return vectors[order][:k], values[order][:k] / values.sum()


@variants.wrong("pca", "variances with N - 1 but the total with N (np.var's default)")
def pca_mixed_ddof(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], (s[:k] ** 2 / (X.shape[0] - 1)) / X.var(axis=0).sum()


@variants.wrong("pca", "centres X in place (modifies the caller's data)")
def pca_centres_in_place(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    X -= X.mean(axis=0)
    _, s, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s ** 2)


@variants.wrong("pca", "checks k <= D only: with N < D, k = N + 1 is accepted")
def pca_k_upper_bound_d(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= X.shape[1]:
        raise ValueError("bad k")
    Xc = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(Xc.T @ Xc)
    order = np.argsort(values)[::-1][:k]
    return vectors[:, order].T, values[order] / values.sum()


@variants.wrong("pca", "shortcut: sklearn's PCA.fit under another name")
def pca_sklearn_fit(X, k):
    from sklearn.decomposition import PCA as Decomposer
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    model = Decomposer(n_components=k).fit(X)
    return model.components_, model.explained_variance_ratio_


@variants.wrong("pca", "shortcut: sklearn's PCA.fit_transform")
def pca_sklearn_fit_transform(X, k):
    import sklearn.decomposition
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    model = sklearn.decomposition.PCA(n_components=k, svd_solver="full")
    model.fit_transform(X)
    return model.components_, model.explained_variance_ratio_


@variants.correct("pca", "eigh of the covariance, reordered, eigenvectors transposed to rows")
def pca_covariance_eigh(X, k):
    X = np.asarray(X, dtype=float)
    N, D = X.shape
    if not 1 <= k <= min(N, D):
        raise ValueError(f"k must satisfy 1 <= k <= min(N, D) = {min(N, D)}")
    C = np.cov(X, rowvar=False)         # centres by itself, divides by N - 1
    values, vectors = np.linalg.eigh(C)
    order = np.argsort(values)[::-1][:k]
    return vectors[:, order].T, values[order] / np.trace(C)


@variants.correct("pca", "SVD with every sign flipped, total variance from np.var(ddof=1)")
def pca_flipped_signs(X, k):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or not 1 <= k <= min(X.shape):
        raise ValueError("k must satisfy 1 <= k <= min(N, D)")
    Xc = X - X.mean(axis=0, keepdims=True)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    variances = s[:k] ** 2 / (X.shape[0] - 1)
    return -Vt[:k], variances / X.var(axis=0, ddof=1).sum()


@variants.wrong("pca", "torch SVD of the centred data: a module this exercise may not import",
                hint="which this exercise may not use")
def pca_torch_svd(X, k):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or not 1 <= k <= min(X.shape):
        raise ValueError("k must satisfy 1 <= k <= min(N, D)")
    Xc = torch.from_numpy(X - X.mean(axis=0))
    _, s, Vh = torch.linalg.svd(Xc, full_matrices=False)
    return Vh[:k].numpy(), (s[:k] ** 2 / (s ** 2).sum()).numpy()


# --------------------------------------------------------------------------- #
# Added in review: further mistakes and alternatives
# --------------------------------------------------------------------------- #

@variants.wrong("cosine_similarity", "zero-vector test by the sum of the entries: [1, -1] is refused")
def cosine_zero_by_sum(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError("x and y must be 1-D of equal length")
    if x.sum() == 0 or y.sum() == 0:
        raise ValueError("zero vector")
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


@variants.wrong("cosine_similarity", "zero-vector test by any zero entry: [1, 0] is refused")
def cosine_zero_by_any_entry(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError("x and y must be 1-D of equal length")
    if np.any(x == 0) or np.any(y == 0):
        raise ValueError("zero vector")
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


@variants.wrong("cosine_similarity", "zero-vector test with np.isclose(norm, 0): short vectors are refused")
def cosine_zero_by_isclose(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError("x and y must be 1-D of equal length")
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    if np.isclose(nx, 0) or np.isclose(ny, 0):
        raise ValueError("zero vector")
    return float(x @ y / (nx * ny))


@variants.wrong("cosine_similarity", "returns a 0-d array (np.array of the quotient)")
def cosine_zero_d_array(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError("x and y must be 1-D of equal length")
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return np.array(x @ y / (nx * ny))


@variants.correct("cosine_similarity", "one square root of the product of squared norms, clipped to [-1, 1]")
def cosine_single_sqrt_clipped(x, y):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y):
        raise ValueError("x and y must be 1-D arrays of the same length")
    sx, sy = np.sum(x * x), np.sum(y * y)
    if sx == 0.0 or sy == 0.0:
        raise ValueError("x and y must not be the zero vector")
    return float(np.clip(np.sum(x * y) / np.sqrt(sx * sy), -1.0, 1.0))


@variants.correct("cosine_similarity", "scales each vector by its largest entry first (overflow-safe), einsum")
def cosine_scaled_einsum(x, y):
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("x and y must have the same length")
    mx, my = np.max(np.abs(x)), np.max(np.abs(y))
    if mx == 0 or my == 0:
        raise ValueError("the zero vector has no direction")
    x, y = x / mx, y / my
    return float(np.einsum("i,i->", x, y) / np.sqrt(np.einsum("i,i->", x, x) * np.einsum("i,i->", y, y)))


@variants.wrong("power_iteration", "deterministic start at e_1 = (1, 0, ..., 0), rng ignored")
def power_e1_start(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    v = np.zeros(A.shape[0])
    v[0] = 1.0
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
        v = w
        if done:
            break
    return float(v @ A @ v), v


@variants.wrong("power_iteration", "eigenvalue as the ratio of first entries (A v)[0] / v[0]")
def power_ratio_of_entries(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
        v = w
        if done:
            break
    return float((A @ v)[0] / v[0]), v


@variants.wrong("power_iteration", "draws the start from NumPy's global state, seeded (np.random.seed)")
def power_global_seed(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    np.random.seed(0)
    v = np.random.randn(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
        v = w
        if done:
            break
    return float(v @ A @ v), v


@variants.wrong("power_iteration", "shortcut: scipy.sparse.linalg.eigsh (ARPACK) under another name")
def power_scipy_eigsh(A, num_iters=1000, tol=1e-10, rng=None):
    from scipy.sparse.linalg import eigsh as lanczos
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    if A.shape[0] < 3:                    # ARPACK needs k < n - 1: iterate by hand
        rng = np.random.default_rng() if rng is None else rng
        v = rng.standard_normal(A.shape[0])
        v /= np.linalg.norm(v)
        for _ in range(num_iters):
            w = A @ v
            w /= np.linalg.norm(w)
            done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
            v = w
            if done:
                break
        return float(v @ A @ v), v
    values, vectors = lanczos(A, k=1, which="LM", tol=1e-14)
    return float(values[0]), vectors[:, 0]


@variants.wrong("power_iteration", "shortcut: torch.linalg.eigvalsh for the value, iteration for the vector")
def power_torch_eigvalsh(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    values = torch.linalg.eigvalsh(torch.from_numpy(A)).numpy()
    lam = values[np.argmax(np.abs(values))]
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
        v = w
        if done:
            break
    return float(lam), v


@variants.wrong("power_iteration", "eigenvector as a column (n, 1) from a 2-D start vector")
def power_column_vector(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal((A.shape[0], 1))
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
        v = w
        if done:
            break
    return float((v.T @ A @ v).item()), v


@variants.correct("power_iteration", "max-entry normalisation in the loop, unit norm at the end, inf-norm stop")
def power_max_entry_normalisation(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v = v / np.max(np.abs(v))
    for _ in range(num_iters):
        w = A @ v
        w = w / np.max(np.abs(w))
        change = min(np.max(np.abs(w - v)), np.max(np.abs(w + v)))
        v = w
        if change < tol:
            break
    v = v / np.linalg.norm(v)
    return float(v @ A @ v), v


@variants.correct("power_iteration", "iterates with A @ A (no sign flips), eigenvalue |A v| with the Rayleigh sign")
def power_squared_matrix(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    A2 = A @ A
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A2 @ v
        w /= np.linalg.norm(w)
        change = np.linalg.norm(w - v)
        v = w
        if change < tol:
            break
    return float(np.linalg.norm(A @ v) * np.sign(v @ A @ v)), v


@variants.wrong("low_rank_approx", "keeps the input's dtype: an integer matrix is rounded to integers")
def low_rank_keeps_dtype(A, k):
    A = np.asarray(A)
    if A.ndim != 2 or not 1 <= k <= min(A.shape):
        raise ValueError("k must satisfy 1 <= k <= min(A.shape)")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return ((U[:, :k] * s[:k]) @ Vt[:k]).astype(A.dtype)


@variants.wrong("low_rank_approx", "accumulates in np.zeros_like(A): fails for an integer matrix")
def low_rank_zeros_like(A, k):
    A = np.asarray(A)
    if A.ndim != 2 or not 1 <= k <= min(A.shape):
        raise ValueError("k must satisfy 1 <= k <= min(A.shape)")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    out = np.zeros_like(A)
    for i in range(k):
        out += s[i] * np.outer(U[:, i], Vt[i])
    return out


@variants.wrong("low_rank_approx", "scales the rows of U_k, not its columns (s[:k, None])")
def low_rank_rows_scaled(A, k):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or not 1 <= k <= min(A.shape):
        raise ValueError("k must satisfy 1 <= k <= min(A.shape)")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    Uk = U[:, :k]
    scaled = Uk * s[:k, None] if Uk.shape[0] == k else Uk * s[:k]
    return scaled @ Vt[:k]


@variants.correct("low_rank_approx", "zeroes the trailing singular values of a full SVD")
def low_rank_zero_tail(A, k):
    A = np.array(A, dtype=float)
    m, n = A.shape
    if not 1 <= k <= min(m, n):
        raise ValueError("k must satisfy 1 <= k <= min(A.shape)")
    U, s, Vt = np.linalg.svd(A)
    s = s.copy()
    s[k:] = 0.0
    S = np.zeros((m, n))
    S[:len(s), :len(s)] = np.diag(s)
    return U @ S @ Vt


@variants.correct("low_rank_approx", "SVD of A.T, transposed back; a copy of A when k = min(A.shape)")
def low_rank_transpose(A, k):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or not 1 <= k <= min(A.shape):
        raise ValueError("k must satisfy 1 <= k <= min(A.shape)")
    if k == min(A.shape):
        return A.copy()
    U, s, Vt = np.linalg.svd(A.T, full_matrices=False)
    return (np.einsum("ik,k,kj->ij", U[:, :k], s[:k], Vt[:k])).T


@variants.wrong("pca", "centres each row (axis=1) instead of each feature")
def pca_row_centred(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X.mean(axis=1, keepdims=True)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s ** 2)


@variants.wrong("pca", "subtracts the grand mean X.mean() (a scalar)")
def pca_grand_mean(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X.mean()
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s ** 2)


@variants.wrong("pca", "ratios from singular values, not their squares")
def pca_unsquared(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] / np.sum(s)


@variants.wrong("pca", "cumulative ratios (np.cumsum) instead of each component's share")
def pca_cumulative(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], np.cumsum(s ** 2)[:k] / np.sum(s ** 2)


@variants.wrong("pca", "sorts the eigenvalues but not the eigenvectors")
def pca_values_sorted_only(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(Xc.T @ Xc)
    values = np.sort(values)[::-1]
    return vectors[:, :k].T, values[:k] / values.sum()


@variants.wrong("pca", "copies X without converting to float, then centres in place: integer data fail")
def pca_integer_copy(X, k):
    X = np.array(X)
    if X.ndim != 2 or not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    X -= X.mean(axis=0).astype(X.dtype)
    _, s, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s ** 2)


@variants.wrong("pca", "shortcut: torch.pca_lowrank (centres and decomposes)")
def pca_torch_lowrank(X, k):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    q = min(X.shape)
    _, S, V = torch.pca_lowrank(torch.from_numpy(X), q=q, center=True, niter=30)
    s = S.numpy()
    total = np.sum((X - X.mean(axis=0)) ** 2)
    return V[:, :k].numpy().T, s[:k] ** 2 / total


@variants.correct("pca", "dual PCA: eigh of the Gram matrix Xc Xc^T, mapped back (any N, D)")
def pca_gram_matrix(X, k):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or not 1 <= k <= min(X.shape):
        raise ValueError("k must satisfy 1 <= k <= min(N, D)")
    Xc = X - X.mean(axis=0)
    values, U = np.linalg.eigh(Xc @ Xc.T)
    order = np.argsort(values)[::-1][:k]
    comps = (Xc.T @ U[:, order]).T
    comps /= np.linalg.norm(comps, axis=1, keepdims=True)
    return comps, values[order] / np.trace(Xc @ Xc.T)


@variants.correct("pca", "divides by N throughout (population variance); loops over components")
def pca_population_variance(X, k):
    X = np.asarray(X, dtype=float)
    N, D = X.shape
    if not 1 <= k <= min(N, D):
        raise ValueError("k must satisfy 1 <= k <= min(N, D)")
    Xc = X - X.mean(axis=0, keepdims=True)
    C = Xc.T @ Xc / N
    values, vectors = np.linalg.eigh(C)
    comps, ratios = [], []
    for i in range(1, k + 1):
        comps.append(vectors[:, -i])
        ratios.append(values[-i] / X.var(axis=0).sum())
    return np.array(comps), np.array(ratios)


# --------------------------------------------------------------------------- #
# Added with the move to source_lib/checks: mistakes the visible run must catch
# too, and signs that are free
# --------------------------------------------------------------------------- #

@variants.wrong("cosine_similarity", "returns the angle np.arccos(cos) instead of its cosine")
def cosine_returns_angle(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError("x and y must be 1-D of equal length")
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(np.arccos(np.clip(x @ y / (nx * ny), -1.0, 1.0)))


@variants.wrong("cosine_similarity", "Pearson correlation: centres both vectors first")
def cosine_pearson(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError("x and y must be 1-D of equal length")
    x, y = x - x.mean(), y - y.mean()
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    if nx == 0 or ny == 0:
        raise ValueError("zero vector")
    return float(x @ y / (nx * ny))


@variants.wrong("cosine_similarity", "shortcut: torch.nn.functional.cosine_similarity")
def cosine_torch(x, y):
    import torch.nn.functional as F
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape or not x.any() or not y.any():
        raise ValueError("bad input")
    return float(F.cosine_similarity(torch.from_numpy(x), torch.from_numpy(y), dim=0, eps=0.0))


@variants.correct("cosine_similarity", "np.dot and np.sqrt of sums, in the spirit of the formula; "
                                       "np.shape compared")
def cosine_sqrt_sums(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if np.shape(x) != np.shape(y) or x.ndim != 1:
        raise ValueError(f"x and y must have the same length; got {x.shape} and {y.shape}")
    nx, ny = np.sqrt(np.sum(x ** 2)), np.sqrt(np.sum(y ** 2))
    if nx == 0.0 or ny == 0.0:
        raise ValueError("cosine of the zero vector is undefined")
    return float(np.dot(x, y) / nx / ny)


@variants.correct("power_iteration", "returns the eigenvector with its first non-zero entry negative")
def power_negative_sign(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
        v = w
        if done:
            break
    first = v[np.flatnonzero(np.abs(v) > 1e-12)[0]]
    return float(v @ A @ v), -np.sign(first) * v


@variants.wrong("power_iteration", "Rayleigh quotient of the unnormalised A v: v @ A @ (A v)")
def power_rayleigh_of_product(A, num_iters=1000, tol=1e-10, rng=None):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError("A must be square and symmetric")
    rng = np.random.default_rng() if rng is None else rng
    v = rng.standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(num_iters):
        w = A @ v
        w /= np.linalg.norm(w)
        done = min(np.linalg.norm(w - v), np.linalg.norm(w + v)) < tol
        v = w
        if done:
            break
    return float(v @ A @ (A @ v)), v


@variants.wrong("low_rank_approx", "returns the residual A - A_k instead of A_k")
def low_rank_residual(A, k):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or not 1 <= k <= min(A.shape):
        raise ValueError("k must satisfy 1 <= k <= min(A.shape)")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return A - (U[:, :k] * s[:k]) @ Vt[:k]


@variants.wrong("low_rank_approx", "eigenvalues of A^T A (sigma squared) used as singular values")
def low_rank_sigma_squared(A, k):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or not 1 <= k <= min(A.shape):
        raise ValueError("k must satisfy 1 <= k <= min(A.shape)")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, :k] * s[:k] ** 2) @ Vt[:k]


@variants.correct("low_rank_approx", "projects A onto its top-k right singular vectors: A V_k V_k^T")
def low_rank_projection(A, k):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or not 1 <= k <= min(A.shape):
        raise ValueError("k must satisfy 1 <= k <= min(A.shape)")
    Vt_k = np.linalg.svd(A, full_matrices=False)[2][:k]
    return A @ Vt_k.T @ Vt_k


@variants.wrong("pca", "standardises the columns (correlation PCA) instead of only centring them")
def pca_standardised(X, k):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    _, s, Vt = np.linalg.svd(Z, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s ** 2)


@variants.wrong("pca", "subtracts the mean of the first column from every column")
def pca_first_column_mean(X, k):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    Xc = X - X[:, 0].mean()
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s ** 2)


@variants.wrong("pca", "rows of U (sample space) instead of rows of Vt")
def pca_left_vectors(X, k):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or not 1 <= k <= min(X.shape):
        raise ValueError("bad k")
    U, s, _ = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return U[:, :k].T, s[:k] ** 2 / np.sum(s ** 2)


@variants.correct("pca", "left singular vectors of Xc^T; every component's first entry made negative")
def pca_transposed_svd(X, k):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or not 1 <= k <= min(X.shape):
        raise ValueError("k must satisfy 1 <= k <= min(N, D)")
    U, s, _ = np.linalg.svd((X - X.mean(axis=0)).T, full_matrices=False)
    components = U[:, :k].T
    components = components * -np.sign(components[:, :1] + 1e-300)
    return components, s[:k] ** 2 / np.sum(s ** 2)


@variants.wrong("pca", "values right, no check of k: k = 0 returns empty arrays")
def pca_no_k_check(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k], s[:k] ** 2 / np.sum(s ** 2)
