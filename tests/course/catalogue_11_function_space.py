"""Wrong and correct implementations of the graded functions of lesson 11.

Each variant runs in the lesson's kernel, where the set-up cell has imported ``np``;
anything else is imported inside the variant. A variant that should fail for one mistake
keeps everything else right (validation included), so that the check which rejects it
is the one meant to.
"""

import numpy as np

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# relu_features
# --------------------------------------------------------------------------- #

@variants.wrong("relu_features", "wrong broadcasting: shape (K, N), one row per unit")
def relu_features_transposed(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1 or b.ndim != 1 or b.shape != c.shape:
        raise ValueError("bad shapes")
    return np.maximum(0.0, b[:, None] * x[None, :] + c[:, None])


@variants.wrong("relu_features", "no ReLU: the linear features b x + c")
def relu_features_linear(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1 or b.ndim != 1 or b.shape != c.shape:
        raise ValueError("bad shapes")
    return x[:, None] * b + c


@variants.wrong("relu_features", "relu(b (x + c)): the bias inside the product")
def relu_features_bias_inside(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1 or b.ndim != 1 or b.shape != c.shape:
        raise ValueError("bad shapes")
    return np.maximum(0.0, b * (x[:, None] + c))


@variants.wrong("relu_features", "max(0, b x) + c: the bias added after the ReLU")
def relu_features_bias_after(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1 or b.ndim != 1 or b.shape != c.shape:
        raise ValueError("bad shapes")
    return np.maximum(0.0, np.outer(x, b)) + c


@variants.wrong("relu_features", "b and c swapped: max(0, c x + b)")
def relu_features_swapped(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1 or b.ndim != 1 or b.shape != c.shape:
        raise ValueError("bad shapes")
    return np.maximum(0.0, np.outer(x, c) + b)


@variants.wrong("relu_features", "leaky ReLU with slope 0.01 instead of the ReLU")
def relu_features_leaky(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1 or b.ndim != 1 or b.shape != c.shape:
        raise ValueError("bad shapes")
    z = np.outer(x, b) + c
    return np.maximum(0.01 * z, z)


@variants.wrong("relu_features", "the ReLU of the whole sum over units: (N,) instead of (N, K)")
def relu_features_summed(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1 or b.ndim != 1 or b.shape != c.shape:
        raise ValueError("bad shapes")
    return np.maximum(0.0, np.outer(x, b) + c).sum(axis=1)


@variants.wrong("relu_features", "sorts x in place (to plot it?): the caller's x changes")
def relu_features_sorts_x(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1 or b.ndim != 1 or b.shape != c.shape:
        raise ValueError("bad shapes")
    x.sort()
    return np.maximum(0.0, x[:, None] * b + c)


@variants.wrong("relu_features", "no validation: accepts a column x of shape (N, 1)")
def relu_features_no_validation(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    return np.maximum(0.0, x.reshape(-1)[:, None] * b[None, :] + c[None, :])


@variants.wrong("relu_features", "validates x but not the lengths of b and c")
def relu_features_no_length_check(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1:
        raise ValueError("x must be 1-D")
    K = min(len(b), len(c))
    return np.maximum(0.0, x[:, None] * b[None, :K] + c[None, :K])


@variants.wrong("relu_features", "validates the lengths of b and c, not their shapes: a c of shape "
                "(K, 1) is accepted", hint="compare the shapes, not only the lengths")
def relu_features_lengths_only(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1 or b.ndim != 1 or len(b) != len(c):
        raise ValueError("x and b must be 1-D, b and c of the same length")
    return np.maximum(0.0, x[:, None] * b[None, :] + c.reshape(1, -1))


@variants.correct("relu_features", "a loop over the units, np.where for the ReLU")
def relu_features_loop(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1 or b.ndim != 1 or c.ndim != 1 or len(b) != len(c):
        raise ValueError("x, b and c must be 1-D, b and c of one length")
    Phi = np.zeros((len(x), len(b)))
    for k in range(len(b)):
        z = b[k] * x + c[k]
        Phi[:, k] = np.where(z > 0, z, 0.0)
    return Phi


@variants.correct("relu_features", "np.outer and a mask z * (z > 0)")
def relu_features_mask(x, b, c):
    x = np.asarray(x, dtype=float)
    b = np.asarray(b, dtype=float)
    c = np.asarray(c, dtype=float)
    if x.ndim != 1 or b.ndim != 1 or b.shape != c.shape:
        raise ValueError("bad shapes")
    z = np.outer(x, b) + c
    return z * (z > 0)


@variants.correct("relu_features", "np.einsum for the outer product, (z + |z|) / 2 as the ReLU")
def relu_features_einsum(x, b, c):
    x, b, c = (np.asarray(v, dtype=float) for v in (x, b, c))
    if x.ndim != 1 or b.ndim != 1 or b.shape != c.shape:
        raise ValueError("bad shapes")
    z = np.einsum("n,k->nk", x, b) + c
    return (z + np.abs(z)) / 2


# --------------------------------------------------------------------------- #
# fit_ridge
# --------------------------------------------------------------------------- #

@variants.wrong("fit_ridge", "penalises the bias: a column of ones with l2 on every coefficient",
                hint="the bias d is NOT penalised")
def fit_ridge_penalised_bias(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    A = np.column_stack([Phi, np.ones(len(y))])
    w = np.linalg.lstsq(A.T @ A + l2 * np.eye(A.shape[1]), A.T @ y, rcond=None)[0]
    return w[:-1], float(w[-1])


@variants.wrong("fit_ridge", "no bias at all: d = 0")
def fit_ridge_no_bias(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    a = np.linalg.lstsq(Phi.T @ Phi + l2 * np.eye(Phi.shape[1]), Phi.T @ y, rcond=None)[0]
    return a, 0.0


@variants.wrong("fit_ridge", "centres y but not Phi, and takes d = mean(y)")
def fit_ridge_centres_y_only(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    a = np.linalg.lstsq(Phi.T @ Phi + l2 * np.eye(Phi.shape[1]), Phi.T @ (y - y.mean()),
                        rcond=None)[0]
    return a, float(y.mean())


@variants.wrong("fit_ridge", "centres both but returns d = mean(y), forgetting - mean(Phi) @ a",
                hint="not mean(y) alone")
def fit_ridge_bias_mean_y(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    Pc, yc = Phi - Phi.mean(axis=0), y - y.mean()
    a = np.linalg.lstsq(Pc.T @ Pc + l2 * np.eye(Phi.shape[1]), Pc.T @ yc, rcond=None)[0]
    return a, float(y.mean())


@variants.wrong("fit_ridge", "the penalty scaled by N (the mean squared error's convention)",
                hint="matches the penalty l2 * N")
def fit_ridge_times_n(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    Pc, yc = Phi - Phi.mean(axis=0), y - y.mean()
    a = np.linalg.lstsq(Pc.T @ Pc + len(y) * l2 * np.eye(Phi.shape[1]), Pc.T @ yc, rcond=None)[0]
    return a, float(y.mean() - Phi.mean(axis=0) @ a)


@variants.wrong("fit_ridge", "the penalty halved (l2 / 2, from a gradient with a factor 2 dropped)",
                hint="your a matches l2 / 2")
def fit_ridge_half(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    Pc, yc = Phi - Phi.mean(axis=0), y - y.mean()
    a = np.linalg.lstsq(Pc.T @ Pc + 0.5 * l2 * np.eye(Phi.shape[1]), Pc.T @ yc, rcond=None)[0]
    return a, float(y.mean() - Phi.mean(axis=0) @ a)


@variants.wrong("fit_ridge", "ignores l2: plain least squares")
def fit_ridge_ignores_l2(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    w = np.linalg.lstsq(np.column_stack([Phi, np.ones(len(y))]), y, rcond=None)[0]
    return w[:-1], float(w[-1])


@variants.wrong("fit_ridge", "returns the stacked vector [a, d] instead of the tuple (a, d)")
def fit_ridge_stacked(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    Pc, yc = Phi - Phi.mean(axis=0), y - y.mean()
    a = np.linalg.lstsq(Pc.T @ Pc + l2 * np.eye(Phi.shape[1]), Pc.T @ yc, rcond=None)[0]
    return np.append(a, y.mean() - Phi.mean(axis=0) @ a)


@variants.wrong("fit_ridge", "a as a column (K, 1) (y reshaped to (N, 1))")
def fit_ridge_column(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    Pc, yc = Phi - Phi.mean(axis=0), (y - y.mean())[:, None]
    a = np.linalg.lstsq(Pc.T @ Pc + l2 * np.eye(Phi.shape[1]), Pc.T @ yc, rcond=None)[0]
    return a, float(y.mean() - Phi.mean(axis=0) @ a[:, 0])


@variants.wrong("fit_ridge", "scikit-learn's Ridge does the exercise")
def fit_ridge_sklearn(Phi, y, l2):
    from sklearn.linear_model import Ridge
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    model = Ridge(alpha=l2).fit(Phi, y)
    return model.coef_, float(model.intercept_)


@variants.wrong("fit_ridge", "no validation: a negative l2 is used as it is")
def fit_ridge_negative_l2(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],):
        raise ValueError("bad arguments")
    Pc, yc = Phi - Phi.mean(axis=0), y - y.mean()
    a = np.linalg.lstsq(Pc.T @ Pc + l2 * np.eye(Phi.shape[1]), Pc.T @ yc, rcond=None)[0]
    return a, float(y.mean() - Phi.mean(axis=0) @ a)


@variants.wrong("fit_ridge", "checks len(y) against Phi, not y's shape: a column y (N, 1) is accepted",
                hint="y must be 1-D, shape (N,)")
def fit_ridge_length_only(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or len(y) != Phi.shape[0] or l2 < 0:
        raise ValueError("bad arguments")
    y = y.reshape(len(y), -1)[:, 0]
    Pc, yc = Phi - Phi.mean(axis=0), y - y.mean()
    a = np.linalg.lstsq(Pc.T @ Pc + l2 * np.eye(Phi.shape[1]), Pc.T @ yc, rcond=None)[0]
    return a, float(y.mean() - Phi.mean(axis=0) @ a)


@variants.correct("fit_ridge", "a column of ones, penalty diag(l2, ..., l2, 0), np.linalg.solve "
                  "(lstsq when the system is singular)")
def fit_ridge_augmented(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    A = np.column_stack([Phi, np.ones(len(y))])
    P = l2 * np.eye(A.shape[1])
    P[-1, -1] = 0.0
    M = A.T @ A + P
    try:
        w = np.linalg.solve(M, A.T @ y)
    except np.linalg.LinAlgError:
        w = np.linalg.lstsq(M, A.T @ y, rcond=None)[0]
    return w[:-1], float(w[-1])


@variants.correct("fit_ridge", "lstsq on the centred data stacked over sqrt(l2) I (no normal "
                  "equations)")
def fit_ridge_stacked_lstsq(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    K = Phi.shape[1]
    mean_phi, mean_y = Phi.mean(axis=0), y.mean()
    A = np.vstack([Phi - mean_phi, np.sqrt(l2) * np.eye(K)])
    t = np.concatenate([y - mean_y, np.zeros(K)])
    a = np.linalg.lstsq(A, t, rcond=None)[0]
    return a, mean_y - mean_phi @ a


@variants.correct("fit_ridge", "the dual (kernel) form a = Phi_c^T (Phi_c Phi_c^T + l2 I)^-1 y_c "
                  "when l2 > 0")
def fit_ridge_dual(Phi, y, l2):
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    Pc, yc = Phi - Phi.mean(axis=0), y - y.mean()
    if l2 > 0:
        a = Pc.T @ np.linalg.solve(Pc @ Pc.T + l2 * np.eye(len(y)), yc)
    else:
        a = np.linalg.pinv(Pc) @ yc
    return a, float(np.mean(y - Phi @ a))


@variants.wrong("fit_ridge", "scipy.linalg.solve with assume_a='pos', and d from the residual mean: a module this exercise may not import",
                hint="which this exercise may not use")
def fit_ridge_scipy(Phi, y, l2):
    import scipy.linalg
    Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
    if Phi.ndim != 2 or y.shape != (Phi.shape[0],) or l2 < 0:
        raise ValueError("bad arguments")
    Pc, yc = Phi - Phi.mean(axis=0), y - y.mean()
    if l2 > 0:
        a = scipy.linalg.solve(Pc.T @ Pc + l2 * np.eye(Phi.shape[1]), Pc.T @ yc, assume_a="pos")
    else:
        a = scipy.linalg.lstsq(Pc, yc)[0]
    return a, np.float64(np.mean(y - Phi @ a))


# --------------------------------------------------------------------------- #
# sawtooth
# --------------------------------------------------------------------------- #

@variants.wrong("sawtooth", "a closed form of the tent map with np.abs: 1 - |2x - 1|")
def sawtooth_abs(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.array(x, dtype=float)
    for _ in range(depth):
        h = 1.0 - np.abs(2.0 * h - 1.0)
    return h


@variants.wrong("sawtooth", "the closed-form triangle wave with np.mod")
def sawtooth_mod(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    x = np.array(x, dtype=float)
    if depth == 0:
        return x
    u = np.mod(2.0 ** (depth - 1) * x, 1.0)
    return 1.0 - 2.0 * np.maximum(u - 0.5, 0.5 - u)


@variants.wrong("sawtooth", "the triangle wave with the % operator and no forbidden routine")
def sawtooth_percent(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    x = np.array(x, dtype=float)
    if depth == 0:
        return x
    u = (2.0 ** (depth - 1) * x) % 1.0
    return 1.0 - 2.0 * np.maximum(u - 0.5, 0.5 - u)


@variants.wrong("sawtooth", "the tent as np.minimum(2x, 2 - 2x)")
def sawtooth_minimum(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.array(x, dtype=float)
    for _ in range(depth):
        h = np.minimum(2.0 * h, 2.0 - 2.0 * h)
    return h


@variants.wrong("sawtooth", "the tent as 1 - max(1 - 2x, 2x - 1) (np.maximum, but not a ReLU)")
def sawtooth_max_of_lines(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.array(x, dtype=float)
    for _ in range(depth):
        h = 1.0 - np.maximum(1.0 - 2.0 * h, 2.0 * h - 1.0)
    return h


@variants.wrong("sawtooth", "the tent by halves with np.where(x < 1/2, 2x, 2 - 2x)")
def sawtooth_where(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.array(x, dtype=float)
    for _ in range(depth):
        h = np.where(h < 0.5, 2.0 * h, 2.0 - 2.0 * h)
    return h


@variants.wrong("sawtooth", "ReLUs, but x clipped to [0, 1] first")
def sawtooth_clipped(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.clip(np.array(x, dtype=float), 0.0, 1.0)
    for _ in range(depth):
        h = 2.0 * np.maximum(0.0, h) - 4.0 * np.maximum(0.0, h - 0.5)
    return h


@variants.wrong("sawtooth", "one wide layer: the shallow sum of 2^depth ReLUs with the same kinks")
def sawtooth_shallow(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    x = np.array(x, dtype=float)
    if depth == 0:
        return x
    n = 2 ** depth
    slope = float(n)
    out = slope * np.maximum(0.0, x)
    for k in range(1, n):
        out = out + (-2 * slope if k % 2 else 2 * slope) * np.maximum(0.0, x - k / n)
    return out


@variants.wrong("sawtooth", "off by one: composes depth - 1 times")
def sawtooth_one_less(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.array(x, dtype=float)
    for _ in range(max(depth - 1, 0)):
        h = 2.0 * np.maximum(0.0, h) - 4.0 * np.maximum(0.0, h - 0.5)
    return h


@variants.wrong("sawtooth", "off by one: composes depth + 1 times")
def sawtooth_one_more(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.array(x, dtype=float)
    for _ in range(depth + 1):
        h = 2.0 * np.maximum(0.0, h) - 4.0 * np.maximum(0.0, h - 0.5)
    return h


@variants.wrong("sawtooth", "wrong tent: 2 relu(x) - 2 relu(x - 1/2) (a ramp that flattens)")
def sawtooth_wrong_weights(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.array(x, dtype=float)
    for _ in range(depth):
        h = 2.0 * np.maximum(0.0, h) - 2.0 * np.maximum(0.0, h - 0.5)
    return h


@variants.wrong("sawtooth", "tent = 2x - 4 relu(x - 1/2): the first unit is not a ReLU")
def sawtooth_linear_first_unit(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.array(x, dtype=float)
    for _ in range(depth):
        h = 2.0 * h - 4.0 * np.maximum(0.0, h - 0.5)
    return h


@variants.wrong("sawtooth", "depth 0 returns zeros instead of x")
def sawtooth_depth_zero(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.array(x, dtype=float)
    if depth == 0:
        return np.zeros_like(h)
    for _ in range(depth):
        h = 2.0 * np.maximum(0.0, h) - 4.0 * np.maximum(0.0, h - 0.5)
    return h


@variants.wrong("sawtooth", "interpolates between the kinks with np.interp")
def sawtooth_interp(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    x = np.array(x, dtype=float)
    if depth == 0:
        return x
    knots = np.linspace(0.0, 1.0, 2 ** depth + 1)
    values = (np.arange(2 ** depth + 1) % 2).astype(float)
    return np.interp(x, knots, values)


@variants.wrong("sawtooth", "modifies x in place (h = x, then h -= ...)")
def sawtooth_in_place(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.asarray(x, dtype=float)
    for _ in range(depth):
        t = 2.0 * np.maximum(0.0, h) - 4.0 * np.maximum(0.0, h - 0.5)
        h[...] = t
    return h


@variants.wrong("sawtooth", "no validation of depth: a negative depth returns x")
def sawtooth_no_validation(x, depth):
    h = np.array(x, dtype=float)
    for _ in range(int(depth)):
        h = 2.0 * np.maximum(0.0, h) - 4.0 * np.maximum(0.0, h - 0.5)
    return h


@variants.wrong("sawtooth", "depth 0 returns the caller's own array (no copy)", hint="returned x itself")
def sawtooth_no_copy(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.asarray(x, dtype=float)            # the caller's own array when x is float64
    for _ in range(depth):
        h = 2.0 * np.maximum(h, 0.0) - 4.0 * np.maximum(h - 0.5, 0.0)
    return h


@variants.wrong("sawtooth", "accepts a whole float depth (2.0): checks depth == int(depth)",
                hint="2.0 is a float")
def sawtooth_whole_float(x, depth):
    if isinstance(depth, bool) or depth < 0 or depth != int(depth):
        raise ValueError("depth must be an integer >= 0")
    h = np.array(x, dtype=float)
    for _ in range(int(depth)):
        h = 2.0 * np.maximum(h, 0.0) - 4.0 * np.maximum(h - 0.5, 0.0)
    return h


@variants.wrong("sawtooth", "accepts depth = True: isinstance(True, int) holds",
                hint="True is a bool")
def sawtooth_accepts_bool(x, depth):
    if not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.array(x, dtype=float)
    for _ in range(depth):
        h = 2.0 * np.maximum(h, 0.0) - 4.0 * np.maximum(h - 0.5, 0.0)
    return h


@variants.correct("sawtooth", "recursion, and the ReLU as z * (z > 0)")
def sawtooth_recursive(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    x = np.array(x, dtype=float)
    if depth == 0:
        return x

    def relu(z):
        return z * (z > 0)

    h = sawtooth_recursive(x, depth - 1)
    return 2.0 * relu(h) - 4.0 * relu(h - 0.5)


@variants.correct("sawtooth", "each layer as a matrix product: hidden = relu(h W1 + b1), "
                  "h = hidden @ w2, with np.clip(z, 0, None) as the ReLU")
def sawtooth_matrices(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    x = np.asarray(x, dtype=float)
    W1, b1, w2 = np.array([[1.0, 1.0]]), np.array([0.0, -0.5]), np.array([2.0, -4.0])
    h = x.reshape(-1, 1).copy()
    for _ in range(depth):
        h = (np.clip(h @ W1 + b1, 0.0, None) @ w2)[:, None]
    return h.reshape(x.shape)


@variants.correct("sawtooth", "a list of `depth` layers (weights, biases), applied in turn")
def sawtooth_layers(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    layer = (np.array([1.0, 1.0]), np.array([0.0, -0.5]), np.array([2.0, -4.0]))
    network = [layer] * int(depth)
    h = np.array(x, dtype=float)
    for w_in, b_in, w_out in network:
        hidden = np.maximum(0.0, h[..., None] * w_in + b_in)
        h = hidden @ w_out
    return h


@variants.correct("sawtooth", "the ReLU written as (z + |z|) / 2: an absolute value, but still a "
                  "ReLU network")
def sawtooth_abs_relu(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")

    def relu(z):
        return 0.5 * (z + np.abs(z))

    h = np.array(x, dtype=float)
    for _ in range(depth):
        h = 2.0 * relu(h) - 4.0 * relu(h - 0.5)
    return h


@variants.correct("sawtooth", "np.maximum(h, 0) with the constants in another order, and a "
                  "while loop")
def sawtooth_while(x, depth):
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError("depth must be an integer >= 0")
    h = np.asarray(x, dtype=float) + 0.0
    layers = 0
    while layers < depth:
        h = -4.0 * np.maximum(h - 0.5, 0.0) + 2.0 * np.maximum(h, 0.0)
        layers += 1
    return h


# --------------------------------------------------------------------------- #
# count_linear_pieces
# --------------------------------------------------------------------------- #

@variants.wrong("count_linear_pieces", "fooled by collinear samples: one piece per interval",
                hint="ONE piece however many")
def count_pieces_intervals(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    return len(x) - 1


@variants.wrong("count_linear_pieces", "off by one: counts the kinks, not the pieces",
                hint="the number of kinks + 1")
def count_pieces_kinks(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    return int(np.sum(np.abs(np.diff(s)) > tol))


@variants.wrong("count_linear_pieces", "off by one: kinks + 2 (counts both ends)")
def count_pieces_plus_two(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    return int(np.sum(np.abs(np.diff(s)) > tol)) + 2


@variants.wrong("count_linear_pieces", "exact comparison of slopes: round-off makes kinks")
def count_pieces_exact(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    return int(np.sum(s[1:] != s[:-1])) + 1


@variants.wrong("count_linear_pieces", "counts distinct slopes (np.unique), not runs",
                hint="do not count distinct slopes")
def count_pieces_unique(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    return len(np.unique(np.round(s, 6)))


@variants.wrong("count_linear_pieces", "compares differences of y, as if the grid were uniform")
def count_pieces_uniform_grid(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    dy = np.diff(y)
    return int(np.sum(np.abs(np.diff(dy)) > tol)) + 1


@variants.wrong("count_linear_pieces", "counts changes of the slope's sign only (local extrema)")
def count_pieces_sign(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    return int(np.sum(np.sign(s[1:]) != np.sign(s[:-1]))) + 1


@variants.wrong("count_linear_pieces", "ignores the tol argument (always 1e-6)")
def count_pieces_fixed_tol(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    return int(np.sum(np.abs(np.diff(s)) > 1e-6)) + 1


@variants.wrong("count_linear_pieces", "np.isclose with its default relative tolerance",
                hint="ABSOLUTE tolerance")
def count_pieces_isclose(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    return int(np.sum(~np.isclose(s[1:], s[:-1], atol=tol))) + 1


@variants.wrong("count_linear_pieces", "a huge tolerance hard-wired (1e-2): real kinks merge")
def count_pieces_coarse(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    return int(np.sum(np.abs(np.diff(s)) > max(tol, 1e-2))) + 1


@variants.wrong("count_linear_pieces", "sorts x itself instead of rejecting an unsorted x")
def count_pieces_sorts(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2:
        raise ValueError("bad arguments")
    order = np.argsort(x)
    x, y = x[order], y[order]
    s = np.diff(y) / np.diff(x)
    return int(np.sum(np.abs(np.diff(s)) > tol)) + 1


@variants.wrong("count_linear_pieces", "checks only that x[0] < x[-1] for the order")
def count_pieces_checks_ends(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or x[0] >= x[-1]:
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    return int(np.sum(np.abs(np.diff(s)) > tol)) + 1


@variants.wrong("count_linear_pieces", "a kink where |s[i+1] - s[i]| >= tol: slopes exactly tol apart "
                "split", hint="strictly (not >=)")
def count_pieces_at_least_tol(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    return int(np.sum(np.abs(np.diff(s)) >= tol)) + 1


@variants.wrong("count_linear_pieces", "a relative tolerance: |s[i+1] - s[i]| > tol * max(|s[i]|, "
                "|s[i+1]|)", hint="ABSOLUTE tolerance")
def count_pieces_relative(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    scale = np.maximum(np.abs(s[1:]), np.abs(s[:-1]))
    return int(np.sum(np.abs(np.diff(s)) > tol * np.maximum(scale, 1.0))) + 1


@variants.wrong("count_linear_pieces", "checks len(y) == len(x), not the shape: a column y (N, 1) "
                "is accepted", hint="compare the shapes, not only the lengths")
def count_pieces_length_only(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or len(y) != len(x) or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    y = y.reshape(len(y), -1)[:, 0]
    s = np.diff(y) / np.diff(x)
    return int(np.sum(np.abs(np.diff(s)) > tol)) + 1


@variants.correct("count_linear_pieces", "a loop that compares each slope with the previous one")
def count_pieces_loop(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or tol < 0:
        raise ValueError("bad arguments")
    for i in range(len(x) - 1):
        if not x[i] < x[i + 1]:
            raise ValueError("x must be strictly increasing")
    pieces, previous = 1, None
    for i in range(len(x) - 1):
        slope = (y[i + 1] - y[i]) / (x[i + 1] - x[i])
        if previous is not None and abs(slope - previous) > tol:
            pieces += 1
        previous = slope
    return pieces


@variants.correct("count_linear_pieces", "compares each slope with the first slope of its run")
def count_pieces_run_start(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    pieces, start = 1, s[0]
    for slope in s[1:]:
        if abs(slope - start) > tol:
            pieces += 1
            start = slope
    return pieces


@variants.correct("count_linear_pieces", "np.isclose(rtol=0, atol=tol), returns a NumPy integer")
def count_pieces_isclose_abs(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or x.size < 2 or not np.all(x[1:] > x[:-1]):
        raise ValueError("bad arguments")
    s = np.diff(y) / np.diff(x)
    return 1 + np.count_nonzero(~np.isclose(s[1:], s[:-1], rtol=0.0, atol=tol))


@variants.correct("count_linear_pieces", "changes of slope from cross products of "
                  "consecutive segments")
def count_pieces_cross(x, y, tol=1e-6):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("bad arguments")
    dx, dy = np.diff(x), np.diff(y)
    # s2 - s1 = (dy2 dx1 - dy1 dx2) / (dx1 dx2)
    change = (dy[1:] * dx[:-1] - dy[:-1] * dx[1:]) / (dx[:-1] * dx[1:])
    return int((np.abs(change) > tol).sum() + 1)
