"""Wrong and correct implementations of the graded functions of lesson 05.

A variant of a backward function alone relies on the cache of the notebook's solution
(``(X, W, b)`` for the affine layer, the input ``x`` for the ReLU); variants that change the
cache layout replace the forward and backward functions together.
"""

import numpy as np

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# affine_forward
# --------------------------------------------------------------------------- #

@variants.wrong("affine_forward", "forgets the bias")
def affine_forward_no_bias(X, W, b):
    return X @ W, (X, W, b)


@variants.wrong("affine_forward", "adds the bias down the columns (b[:, None])")
def affine_forward_bias_column(X, W, b):
    return X @ W + b[:, None], (X, W, b)


@variants.wrong("affine_forward", "returns only the output, no cache")
def affine_forward_no_cache(X, W, b):
    return X @ W + b


@variants.correct("affine_forward", "np.einsum, and validation by NumPy's own errors")
def affine_forward_einsum(X, W, b):
    if b.shape != (W.shape[1],):
        raise ValueError("b must have one entry per column of W")
    return np.einsum("nd,dm->nm", X, W) + b[None, :], (X, W, b)


@variants.correct("affine_forward", "a loop over the examples")
def affine_forward_loop(X, W, b):
    if W.shape[0] != X.shape[1]:
        raise ValueError("W must have a row per column of X")
    if b.shape != (W.shape[1],):
        raise ValueError("b must have one entry per column of W")
    out = np.empty((X.shape[0], W.shape[1]))
    for n in range(X.shape[0]):
        out[n] = X[n] @ W + b
    return out, (X, W, b)


# --------------------------------------------------------------------------- #
# affine_backward (the solution's cache is (X, W, b))
# --------------------------------------------------------------------------- #

@variants.wrong("affine_backward", "transposed dW: dout.T @ X")
def affine_backward_dW_transposed(dout, cache):
    X, W, _ = cache
    return dout @ W.T, dout.T @ X, dout.sum(axis=0)


@variants.wrong("affine_backward", "dW = X @ dout.T")
def affine_backward_dW_wrong_product(dout, cache):
    X, W, _ = cache
    return dout @ W.T, X @ dout.T, dout.sum(axis=0)


@variants.wrong("affine_backward", "db summed over axis 1")
def affine_backward_db_axis1(dout, cache):
    X, W, _ = cache
    return dout @ W.T, X.T @ dout, dout.sum(axis=1)


@variants.wrong("affine_backward", "db as the mean over the batch")
def affine_backward_db_mean(dout, cache):
    X, W, _ = cache
    return dout @ W.T, X.T @ dout, dout.mean(axis=0)


@variants.wrong("affine_backward", "dX = dout @ W, without the transpose")
def affine_backward_dX_no_transpose(dout, cache):
    X, W, _ = cache
    return dout @ W, X.T @ dout, dout.sum(axis=0)


@variants.correct("affine_backward", "np.einsum")
def affine_backward_einsum(dout, cache):
    X, W, _ = cache
    return (np.einsum("nm,dm->nd", dout, W), np.einsum("nd,nm->dm", X, dout),
            np.einsum("nm->m", dout))


@variants.correct("affine_backward", "a loop over the examples, summing outer products")
def affine_backward_loop(dout, cache):
    X, W, _ = cache
    dX = np.zeros_like(X)
    dW = np.zeros_like(W)
    db = np.zeros(W.shape[1])
    for n in range(X.shape[0]):
        dX[n] = W @ dout[n]
        dW += np.outer(X[n], dout[n])
        db += dout[n]
    return dX, dW, db


@variants.correct(("affine_forward", "affine_backward"), "cache as a dict")
def affine_dict_cache():
    def forward(X, W, b):
        if W.shape[0] != X.shape[1] or b.shape != (W.shape[1],):
            raise ValueError("W or b has the wrong shape")
        return X @ W + b, {"X": X, "W": W}

    def backward(dout, cache):
        return dout @ cache["W"].T, cache["X"].T @ dout, dout.sum(axis=0)

    return forward, backward


@variants.correct(("affine_forward", "affine_backward"), "cache (W, X) in the other order")
def affine_reversed_cache():
    def forward(X, W, b):
        if W.shape[0] != X.shape[1] or b.shape != (W.shape[1],):
            raise ValueError("W or b has the wrong shape")
        return X @ W + b, (W, X)

    def backward(dout, cache):
        W, X = cache
        return dout @ W.T, X.T @ dout, dout.sum(axis=0)

    return forward, backward


@variants.wrong(("affine_forward", "affine_backward"), "dict cache, transposed dW")
def affine_dict_cache_transposed():
    def forward(X, W, b):
        if W.shape[0] != X.shape[1] or b.shape != (W.shape[1],):
            raise ValueError("W or b has the wrong shape")
        return X @ W + b, {"X": X, "W": W}

    def backward(dout, cache):
        return dout @ cache["W"].T, dout.T @ cache["X"], dout.sum(axis=0)

    return forward, backward


# --------------------------------------------------------------------------- #
# relu_forward
# --------------------------------------------------------------------------- #

@variants.wrong("relu_forward", "zeroes x in place and returns it")
def relu_forward_in_place(x):
    x[x < 0] = 0
    return x, x


@variants.wrong("relu_forward", "leaky ReLU (0.01 x for x < 0)")
def relu_forward_leaky(x):
    return np.where(x > 0, x, 0.01 * x), x


@variants.wrong("relu_forward", "absolute value")
def relu_forward_abs(x):
    return np.abs(x), x


@variants.correct("relu_forward", "x * (x > 0), a boolean mask")
def relu_forward_mask(x):
    return x * (x > 0), x


@variants.correct("relu_forward", "np.clip on a copy")
def relu_forward_clip(x):
    out = x.copy()
    np.clip(out, 0, None, out=out)
    return out, x


# --------------------------------------------------------------------------- #
# relu_backward (the solution's cache is the input x)
# --------------------------------------------------------------------------- #

@variants.wrong("relu_backward", "gradient 1 at exactly 0 (x >= 0)")
def relu_backward_ge(dout, cache):
    return dout * (cache >= 0)


@variants.wrong("relu_backward", "zeroes dout in place")
def relu_backward_in_place(dout, cache):
    dout[cache <= 0] = 0
    return dout


@variants.wrong("relu_backward", "returns the gate without multiplying by dout")
def relu_backward_gate_only(dout, cache):
    return (cache > 0).astype(float)


@variants.wrong("relu_backward", "multiplies by the sign of x")
def relu_backward_sign(dout, cache):
    return dout * np.sign(cache)


@variants.wrong(("relu_forward", "relu_backward"), "caches the output, gate out >= 0")
def relu_output_cache_ge():
    def forward(x):
        out = np.maximum(x, 0)
        return out, out

    def backward(dout, cache):
        return dout * (cache >= 0)

    return forward, backward


@variants.correct("relu_backward", "np.where on the input")
def relu_backward_where(dout, cache):
    return np.where(cache > 0, dout, 0.0)


@variants.correct("relu_backward", "a copy of dout, zeroed where x <= 0")
def relu_backward_copy(dout, cache):
    dx = dout.copy()
    dx[cache <= 0] = 0
    return dx


@variants.correct(("relu_forward", "relu_backward"), "caches the output, gate out > 0")
def relu_output_cache():
    def forward(x):
        out = np.maximum(x, 0)
        return out, out

    def backward(dout, cache):
        return dout * (cache > 0)

    return forward, backward


@variants.correct(("relu_forward", "relu_backward"), "caches the boolean mask in a dict")
def relu_mask_cache():
    def forward(x):
        mask = x > 0
        return np.where(mask, x, 0.0), {"mask": mask}

    def backward(dout, cache):
        return dout * cache["mask"]

    return forward, backward


# --------------------------------------------------------------------------- #
# softmax_loss
# --------------------------------------------------------------------------- #

@variants.wrong("softmax_loss", "no max-shift: overflows for large logits")
def softmax_loss_no_shift(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    p[np.arange(N), y] -= 1
    return loss, p / N


@variants.wrong("softmax_loss", "one shift by the global max, not per row")
def softmax_loss_global_shift(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits - logits.max()
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -np.mean(log_p[np.arange(N), y])
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return loss, d / N


@variants.wrong("softmax_loss", "log of the softmax: log(0) when a probability underflows")
def softmax_loss_log_of_probs(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(N), y]))
    d = p.copy()
    d[np.arange(N), y] -= 1
    return loss, d / N


@variants.wrong("softmax_loss", "loss summed over the batch, not averaged")
def softmax_loss_sum(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -np.sum(log_p[np.arange(N), y]), d / N


@variants.wrong("softmax_loss", "dlogits without the 1/N")
def softmax_loss_no_mean_in_grad(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -np.mean(log_p[np.arange(N), y]), d


@variants.wrong("softmax_loss", "dlogits without the one-hot subtraction")
def softmax_loss_no_onehot(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(N), y]), np.exp(log_p) / N


@variants.wrong("softmax_loss", "subtracts the row max from logits in place")
def softmax_loss_in_place(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    logits -= logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -np.mean(log_p[np.arange(N), y]), d / N


@variants.wrong("softmax_loss", "softmax over axis 0 (the batch) instead of the classes")
def softmax_loss_wrong_axis(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits - logits.max(axis=0, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=0, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -np.mean(log_p[np.arange(N), y]), d / N


@variants.wrong("softmax_loss", "no label checks: y = -1 silently picks the last class")
def softmax_loss_no_checks(logits, y):
    N = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -np.mean(log_p[np.arange(N), y]), d / N


@variants.wrong("softmax_loss", "scipy.special.softmax does the softmax")
def softmax_loss_scipy(logits, y):
    from scipy.special import softmax as sp_softmax
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = sp_softmax(logits, axis=1)
    d[np.arange(N), y] -= 1
    return -np.mean(log_p[np.arange(N), y]), d / N


@variants.wrong("softmax_loss", "lesson 04's reference log_softmax does the work")
def softmax_loss_lesson04(logits, y):
    from source_lib.information import log_softmax as stable_log_softmax
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    log_p = stable_log_softmax(logits, axis=1)
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -log_p[np.arange(N), y].mean(), d / N


@variants.correct("softmax_loss", "log-sum-exp written out, one-hot matrix from np.eye")
def softmax_loss_logsumexp(logits, y):
    N, C = logits.shape
    y = np.asarray(y)
    if y.shape != (N,) or y.min() < 0 or y.max() >= C:
        raise ValueError("y must hold one label in [0, C) per row")
    m = logits.max(axis=1)
    lse = m + np.log(np.sum(np.exp(logits - m[:, None]), axis=1))
    onehot = np.eye(C)[y]
    loss = np.mean(lse - np.sum(onehot * logits, axis=1))
    probs = np.exp(logits - lse[:, None])
    return loss, (probs - onehot) / N


@variants.correct("softmax_loss", "a loop over the rows")
def softmax_loss_loop(logits, y):
    N, C = logits.shape
    if len(y) != N:
        raise ValueError("y must hold one label per row")
    loss, d = 0.0, np.zeros_like(logits)
    for n in range(N):
        if not 0 <= y[n] < C:
            raise ValueError(f"y[{n}] = {y[n]} is not a class index")
        z = logits[n] - np.max(logits[n])
        log_norm = np.log(np.sum(np.exp(z)))
        loss -= (z[y[n]] - log_norm) / N
        d[n] = np.exp(z - log_norm)
        d[n, y[n]] -= 1
    return loss, d / N


@variants.correct("softmax_loss", "scipy.special.logsumexp for the normaliser")
def softmax_loss_scipy_logsumexp(logits, y):
    from scipy.special import logsumexp
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    log_p = logits - logsumexp(logits, axis=1, keepdims=True)
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -log_p[np.arange(N), y].mean(), d / N


# --------------------------------------------------------------------------- #
# two_layer_net (uses the notebook's layer functions unless stated)
# --------------------------------------------------------------------------- #

@variants.wrong("two_layer_net", "forgets reg in the gradients")
def two_layer_net_no_reg_grad(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


@variants.wrong("two_layer_net", "penalty reg * sum(W**2) without the 0.5, gradient reg * W")
def two_layer_net_no_half(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "penalty with the 0.5 but gradient 2 * reg * W")
def two_layer_net_double_grad(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 + 2 * reg * W1, "b1": db1, "W2": dW2 + 2 * reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "regularises the biases too")
def two_layer_net_reg_biases(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * sum(np.sum(p ** 2) for p in (W1, b1, W2, b2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1 + reg * b1, "W2": dW2 + reg * W2,
                  "b2": db2 + reg * b2}


@variants.wrong("two_layer_net", "a ReLU on the scores as well")
def two_layer_net_relu_on_scores(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    Z2, c2 = affine_forward(H, W2, b2)
    S, cs = relu_forward(Z2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(relu_backward(dS, cs), c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "the ReLU on the input instead of the hidden layer")
def two_layer_net_relu_on_input(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    R, _ = relu_forward(X)
    H, c1 = affine_forward(R, W1, b1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(dH, c1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "the backward pass skips the ReLU gate")
def two_layer_net_ungated(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, _ = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(dH, c1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "returns the scores even when y is given")
def two_layer_net_always_scores(params, X, y=None, reg=0.0):
    H, _ = relu_forward(affine_forward(X, params["W1"], params["b1"])[0])
    return affine_forward(H, params["W2"], params["b2"])[0]


@variants.wrong("two_layer_net", "tests `if not y` instead of `if y is None`")
def two_layer_net_truthiness(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if not y:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "an SGD step on params inside (modifies its input)")
def two_layer_net_updates_params(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    grads = {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}
    for k in params:
        params[k] -= 1e-3 * grads[k]
    return loss, grads


@variants.wrong("two_layer_net", "gradients keyed dW1, db1, ...")
def two_layer_net_wrong_keys(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"dW1": dW1 + reg * W1, "db1": db1, "dW2": dW2 + reg * W2, "db2": db2}


@variants.correct("two_layer_net", "from scratch in plain NumPy, without the layer functions")
def two_layer_net_scratch(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    S = H @ W2 + b2
    if y is None:
        return S
    N = X.shape[0]
    z = S - S.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(N), y].mean() + 0.5 * reg * ((W1 ** 2).sum() + (W2 ** 2).sum())
    dS = np.exp(log_p)
    dS[np.arange(N), y] -= 1
    dS /= N
    dZ1 = (dS @ W2.T) * (Z1 > 0)
    return loss, {"W2": H.T @ dS + reg * W2, "b2": dS.sum(axis=0),
                  "W1": X.T @ dZ1 + reg * W1, "b1": dZ1.sum(axis=0)}


@variants.correct("two_layer_net", "np.einsum, a loop over examples for the loss, keyword calls")
def two_layer_net_einsum(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = np.einsum("nd,dh->nh", X, W1) + b1
    H = np.where(Z1 > 0, Z1, 0.0)
    S = np.einsum("nh,hc->nc", H, W2) + b2
    if y is not None:
        loss, dS = 0.0, np.zeros_like(S)
        for n in range(S.shape[0]):
            loss_n, dS_n = softmax_loss(logits=S[n:n + 1], y=np.asarray(y)[n:n + 1])
            loss += loss_n / S.shape[0]
            dS[n] = dS_n[0] / S.shape[0]
        loss += reg / 2 * (np.vdot(W1, W1) + np.vdot(W2, W2))
        dZ1 = np.einsum("nc,hc->nh", dS, W2) * (Z1 > 0)
        grads = {"W1": np.einsum("nd,nh->dh", X, dZ1) + reg * W1, "b1": dZ1.sum(0),
                 "W2": np.einsum("nh,nc->hc", H, dS) + reg * W2, "b2": dS.sum(0)}
        return np.float64(loss), grads
    return S


# --------------------------------------------------------------------------- #
# Added in review: more student mistakes and correct alternatives
# --------------------------------------------------------------------------- #

@variants.wrong("affine_forward", "no shape checks: a bias of shape (1,) broadcasts silently")
def affine_forward_no_checks(X, W, b):
    return X @ W + b, (X, W, b)


@variants.wrong("affine_forward", "np.squeeze on the product: a batch of one loses its row axis")
def affine_forward_squeeze(X, W, b):
    if W.shape[0] != X.shape[1] or b.shape != (W.shape[1],):
        raise ValueError("W or b has the wrong shape")
    return np.squeeze(X @ W) + b, (X, W, b)


@variants.wrong("affine_forward", "X @ W.T (works only when W is square)")
def affine_forward_transposed_W(X, W, b):
    if W.shape[0] != X.shape[1] or b.shape != (W.shape[1],):
        raise ValueError("W or b has the wrong shape")
    return X @ W.T + b, (X, W, b)


@variants.correct("affine_forward", "np.dot and (W.T @ X.T).T, checks by hand")
def affine_forward_dot(X, W, b):
    X, W, b = np.asarray(X), np.asarray(W), np.asarray(b)
    if X.ndim != 2 or W.ndim != 2 or X.shape[1] != W.shape[0]:
        raise ValueError("W must have shape (D, M) for X of shape (N, D)")
    if b.ndim != 1 or b.shape[0] != W.shape[1]:
        raise ValueError("b must have shape (M,)")
    return (W.T @ X.T).T + np.dot(np.ones((X.shape[0], 1)), b[None, :]), [X, W]


@variants.wrong("affine_backward", "db with keepdims=True: shape (1, M) instead of (M,)")
def affine_backward_db_keepdims(dout, cache):
    X, W, _ = cache
    return dout @ W.T, X.T @ dout, dout.sum(axis=0, keepdims=True)


@variants.wrong("affine_backward", "dW averaged over the batch (X.T @ dout / N)")
def affine_backward_dW_mean(dout, cache):
    X, W, _ = cache
    return dout @ W.T, X.T @ dout / X.shape[0], dout.sum(axis=0)


@variants.wrong("affine_backward", "np.squeeze(db): 0-d when M = 1")
def affine_backward_db_squeeze(dout, cache):
    X, W, _ = cache
    return dout @ W.T, X.T @ dout, np.squeeze(np.sum(dout, axis=0, keepdims=True))


@variants.correct("affine_backward", "np.dot, np.tensordot, and db as ones @ dout; a list")
def affine_backward_tensordot(dout, cache):
    X, W, _ = cache
    return [np.dot(dout, W.T), np.tensordot(X, dout, axes=([0], [0])),
            np.ones(dout.shape[0]) @ dout]


@variants.correct(("affine_forward", "affine_backward"), "the cache is a closure that does the backward")
def affine_closure_cache():
    def forward(X, W, b):
        if W.shape[0] != X.shape[1] or b.shape != (W.shape[1],):
            raise ValueError("W or b has the wrong shape")

        def backward_here(dout):
            return dout @ W.T, X.T @ dout, dout.sum(axis=0)

        return X @ W + b, backward_here

    def backward(dout, cache):
        return cache(dout)

    return forward, backward


@variants.wrong("relu_forward", "np.max(x, 0) instead of np.maximum: a reduction over axis 0")
def relu_forward_np_max(x):
    return np.max(x, 0), x


@variants.wrong("relu_forward", "zeroes a ravel() view, which writes through to x")
def relu_forward_ravel_view(x):
    flat = x.ravel()
    flat[flat < 0] = 0
    return flat.reshape(x.shape), x.copy()


@variants.wrong("relu_forward", "copies only 2-D inputs; a 1-D x is zeroed in place")
def relu_forward_copy_2d_only(x):
    out = x.copy() if x.ndim == 2 else x
    out[out < 0] = 0
    return out, x.copy()


@variants.correct("relu_forward", "(x + |x|) / 2")
def relu_forward_abs_formula(x):
    return (x + np.abs(x)) / 2, x


@variants.wrong("relu_backward", "np.heaviside(x, 1): gradient 1 at exactly 0")
def relu_backward_heaviside_one(dout, cache):
    return dout * np.heaviside(cache, 1.0)


@variants.wrong("relu_backward", "a 'safe' gate x > 1e-8 blocks tiny positive inputs")
def relu_backward_tolerance(dout, cache):
    return dout * (cache > 1e-8)


@variants.wrong("relu_backward", "gates on the sign of dout instead of the input")
def relu_backward_gate_dout(dout, cache):
    return dout * (dout > 0)


@variants.correct("relu_backward", "np.heaviside(x, 0)")
def relu_backward_heaviside_zero(dout, cache):
    return dout * np.heaviside(cache, 0.0)


@variants.correct(("relu_forward", "relu_backward"), "caches the output, gate out != 0")
def relu_output_cache_nonzero():
    def forward(x):
        out = np.where(x > 0, x, 0.0)
        return out, out

    def backward(dout, cache):
        return np.where(cache != 0, dout, 0.0)

    return forward, backward


@variants.wrong(("relu_forward", "relu_backward"), "caches the mask x >= 0")
def relu_mask_ge_cache():
    def forward(x):
        return np.maximum(x, 0), x >= 0

    def backward(dout, cache):
        return dout * cache

    return forward, backward


@variants.wrong("softmax_loss", "d[:, y] -= 1 subtracts 1 in whole columns, not one per row")
def softmax_loss_column_onehot(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[:, y] -= 1
    return -np.mean(log_p[np.arange(N), y]), d / N


@variants.wrong("softmax_loss", "loss as the mean of -Y * log P over all N * C entries")
def softmax_loss_mean_all(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    Y = np.eye(C)[y]
    d = (np.exp(log_p) - Y) / N
    return -np.mean(Y * log_p), d


@variants.wrong("softmax_loss", "label check y > C instead of y >= C")
def softmax_loss_off_by_one_check(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y > C):
        raise ValueError("y is invalid")
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -np.mean(log_p[np.arange(N), y]), d / N


@variants.wrong("softmax_loss", "loss with keepdims: an array of shape (1,), not a number")
def softmax_loss_loss_keepdims(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -np.mean(log_p[np.arange(N), y], keepdims=True), d / N


@variants.wrong("softmax_loss", "shifts logits in place, but only when they are large")
def softmax_loss_in_place_when_large(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits
    if np.abs(logits).max() > 500:
        z -= logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -np.mean(log_p[np.arange(N), y]), d / N


@variants.wrong("softmax_loss", "torch cross_entropy and autograd do the work")
def softmax_loss_torch(logits, y):
    import torch
    import torch.nn.functional as tF
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = torch.tensor(logits, requires_grad=True)
    loss = tF.cross_entropy(z, torch.as_tensor(y, dtype=torch.long))
    loss.backward()
    return loss.item(), z.grad.numpy()


@variants.wrong("softmax_loss", "the tensor method .log_softmax does the work")
def softmax_loss_torch_method(logits, y):
    import torch
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    log_p = torch.from_numpy(logits).log_softmax(1).numpy()
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -np.mean(log_p[np.arange(N), y]), d / N


@variants.correct("softmax_loss", "np.logaddexp.reduce for the normaliser, take_along_axis")
def softmax_loss_logaddexp(logits, y):
    N, C = logits.shape
    y = np.asarray(y).astype(np.int64)
    if y.shape != (N,) or np.any((y < 0) | (y >= C)):
        raise ValueError("y must hold one label in [0, C) per row")
    lse = np.logaddexp.reduce(logits, axis=1, keepdims=True)
    log_p = logits - lse
    picked = np.take_along_axis(log_p, y[:, None], axis=1)[:, 0]
    d = np.exp(log_p)
    np.add.at(d, (np.arange(N), y), -1.0)
    return np.float64(-picked.sum() / N), d / N


@variants.correct("softmax_loss", "shift by the row max via a [:, None] index, loss from the unshifted logits")
def softmax_loss_unshifted_pick(logits, y):
    N, C = logits.shape
    if len(y) != N or min(y) < 0 or max(y) >= C:
        raise ValueError("y is invalid")
    m = np.max(logits, axis=1)
    lse = m + np.log(np.sum(np.exp(logits - m[:, None]), axis=1))
    loss = np.mean(lse - logits[np.arange(N), y])
    d = np.exp(logits - lse[:, None])
    d[np.arange(N), y] -= 1
    return float(loss), d / N


@variants.wrong("two_layer_net", "reg in the gradients but not in the loss")
def two_layer_net_no_reg_loss(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "penalty and its gradient divided by N")
def two_layer_net_reg_over_n(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2)) / N
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 + reg * W1 / N, "b1": db1, "W2": dW2 + reg * W2 / N, "b2": db2}


@variants.wrong("two_layer_net", "regularises W2 only")
def two_layer_net_reg_W2_only(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * np.sum(W2 ** 2)
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "returns softmax probabilities instead of scores when y is None")
def two_layer_net_probabilities(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        e = np.exp(S - S.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "`if y == None`: ambiguous for a batch of labels")
def two_layer_net_eq_none(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y == None:  # noqa: E711 - the mistake being catalogued
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "with reg > 0, builds grads['W1'] in the array params['W1'] (in place)")
def two_layer_net_inplace_reg(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    grads = {"W1": W1, "b1": db1, "W2": W2, "b2": db2}
    if reg:
        grads["W1"] *= reg
        grads["W2"] *= reg
        grads["W1"] += dW1
        grads["W2"] += dW2
    else:
        grads["W1"], grads["W2"] = dW1, dW2
    return loss, grads


@variants.correct("two_layer_net", "layer functions with keywords, norm()**2 penalty, keys in another order")
def two_layer_net_norm_penalty(params, X, y=None, reg=0.0):
    Z1, c1 = affine_forward(X=X, W=params["W1"], b=params["b1"])
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, params["W2"], params["b2"])
    if y is None:
        return S
    data_loss, dS = softmax_loss(S, y)
    penalty = reg / 2 * sum(np.linalg.norm(params[k]) ** 2 for k in ("W1", "W2"))
    dH, dW2, db2 = affine_backward(dS, c2)
    dX, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    grads = {"b2": db2, "b1": db1}
    grads["W2"] = dW2 + reg * params["W2"]
    grads["W1"] = dW1 + reg * params["W1"]
    return data_loss + penalty, grads


# --------------------------------------------------------------------------- #
# Added with the check module (source_lib/checks/backprop.py)
# --------------------------------------------------------------------------- #

@variants.wrong("two_layer_net", "divides dS by N again after softmax_loss (N twice)")
def two_layer_net_dS_over_n_twice(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    dS = dS / X.shape[0]
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "averages the data gradients over the batch once more (N twice)")
def two_layer_net_grads_over_n_twice(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 / N + reg * W1, "b1": db1 / N, "W2": dW2 / N + reg * W2, "b2": db2 / N}


@variants.wrong("two_layer_net", "divides the (already mean) data loss by N again")
def two_layer_net_loss_over_n_twice(params, X, y=None, reg=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1, c1 = affine_forward(X, W1, b1)
    H, cr = relu_forward(Z1)
    S, c2 = affine_forward(H, W2, b2)
    if y is None:
        return S
    loss, dS = softmax_loss(S, y)
    loss = loss / X.shape[0] + 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dH, dW2, db2 = affine_backward(dS, c2)
    _, dW1, db1 = affine_backward(relu_backward(dH, cr), c1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}


@variants.wrong("two_layer_net", "torch autograd computes the gradients")
def two_layer_net_autograd(params, X, y=None, reg=0.0):
    import torch
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    S = torch.relu(torch.as_tensor(X) @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    if y is None:
        return S.detach().numpy()
    z = S - S.max(dim=1, keepdim=True).values
    log_p = z - torch.log(torch.exp(z).sum(dim=1, keepdim=True))
    loss = -log_p[torch.arange(len(y)), torch.as_tensor(y)].mean()
    loss = loss + 0.5 * reg * ((t["W1"] ** 2).sum() + (t["W2"] ** 2).sum())
    loss.backward()
    return loss.item(), {k: v.grad.numpy() for k, v in t.items()}


@variants.wrong("softmax_loss", "dlogits divided by N twice")
def softmax_loss_grad_over_n_twice(logits, y):
    N, C = logits.shape
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y is invalid")
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return -np.mean(log_p[np.arange(N), y]), d / N / N


@variants.correct("softmax_loss", "rejects labels whose dtype is not integer (as lesson 04 does)")
def softmax_loss_integer_dtype_only(logits, y):
    y = np.asarray(y)
    N, C = logits.shape
    if y.dtype.kind not in "iu":
        raise ValueError(f"y must hold integer class indices; got dtype {y.dtype}")
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y must hold one label in [0, C) per row")
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return float(-log_p[np.arange(N), y].mean()), d / N


@variants.correct("softmax_loss", "accepts integer-valued float labels (casts them to int)")
def softmax_loss_casts_float_labels(logits, y):
    y = np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y != np.round(y)) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("y must hold one integer label in [0, C) per row")
    y = y.astype(np.int64)
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    return float(-log_p[np.arange(N), y].mean()), d / N


@variants.correct(("affine_forward", "affine_backward"),
                  "cache is an instance of a class of its own")
def affine_object_cache():
    class AffineCache:
        def __init__(self, X, W):
            self.X, self.W = X, W

        def grads(self, dout):
            return dout @ self.W.T, self.X.T @ dout, dout.sum(axis=0)

    def forward(X, W, b):
        if W.shape[0] != X.shape[1] or b.shape != (W.shape[1],):
            raise ValueError("W must be (D, M) and b (M,) for X of shape (N, D)")
        return X @ W + b, AffineCache(X.copy(), W.copy())

    def backward(dout, cache):
        return cache.grads(dout)

    return forward, backward


@variants.correct(("relu_forward", "relu_backward"), "the cache is a closure that applies the gate")
def relu_closure_cache():
    def forward(x):
        mask = x > 0

        def gate(dout):
            return np.where(mask, dout, 0.0)

        return np.where(mask, x, 0.0), gate

    def backward(dout, cache):
        return cache(dout)

    return forward, backward

