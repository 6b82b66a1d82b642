"""Wrong and correct implementations of the graded functions of lesson 08.

A variant of a backward function alone relies on the cache of the notebook's solution:
``(xhat, gamma, inv_std)`` for BatchNorm, ``(mask, p)`` for dropout (``mask`` None in
evaluation). Variants that change the cache layout replace the forward and backward
functions together.
"""

import numpy as np

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# batchnorm_forward (the solution's cache is (xhat, gamma, inv_std))
# --------------------------------------------------------------------------- #

@variants.wrong("batchnorm_forward", "normalises the batch with the unbiased variance")
def bn_unbiased_normalisation(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        mu, var = x.mean(axis=0), x.var(axis=0, ddof=1)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "a biased running variance")
def bn_biased_running_var(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "the momentum convention reversed (momentum weighs the old value)")
def bn_momentum_reversed(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = momentum * state["running_mean"] + (1 - momentum) * mu
        state["running_var"] = momentum * state["running_var"] + (1 - momentum) * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "batch statistics in evaluation")
def bn_batch_stats_in_eval(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    n = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    if train:
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "never updates the running statistics")
def bn_no_update(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        mu, var = x.mean(axis=0), x.var(axis=0)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "rebinds the name state to a new dict (the caller's is unchanged)")
def bn_rebinds_state(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state = {"running_mean": (1 - momentum) * state["running_mean"] + momentum * mu,
                 "running_var": (1 - momentum) * state["running_var"]
                 + momentum * var * n / (n - 1)}
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "updates the running statistics in evaluation too")
def bn_updates_in_eval(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    n = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    if not train:
        mu, var = state["running_mean"].copy(), state["running_var"].copy()
    if n > 1:
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * x.mean(axis=0)
        state["running_var"] = (1 - momentum) * state["running_var"] \
            + momentum * x.var(axis=0) * n / (n - 1)
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "eps outside the square root", hint="under the square root")
def bn_eps_outside(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / (np.sqrt(var) + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "ignores the eps and momentum arguments (torch's defaults "
                "hard-coded)", hint="use the momentum argument")
def bn_hardcoded_defaults(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    momentum, eps = 0.1, 1e-5
    if train:
        n = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "normalises each example over its features (axis 1)",
                hint="not every example (row, axis=1)")
def bn_wrong_axis(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * x.mean(axis=0)
        state["running_var"] = (1 - momentum) * state["running_var"] \
            + momentum * x.var(axis=0) * n / (n - 1)
        mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "gamma and beta swapped", hint="gamma scales, beta shifts")
def bn_gamma_beta_swapped(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return beta * xhat + gamma, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "the old running value does not decay (old + momentum * batch)",
                hint="the old value decays too")
def bn_no_decay(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = state["running_mean"] + momentum * mu
        state["running_var"] = state["running_var"] + momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "no eps in evaluation")
def bn_no_eps_in_eval(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
        inv_std = 1 / np.sqrt(var + eps)
    else:
        mu = state["running_mean"]
        inv_std = 1 / np.sqrt(state["running_var"])
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "in training, normalises with the freshly updated running "
                "statistics", hint="statistics of the BATCH")
def bn_running_stats_in_training(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * x.mean(axis=0)
        state["running_var"] = (1 - momentum) * state["running_var"] \
            + momentum * x.var(axis=0) * n / (n - 1)
    mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "running statistics stored with keepdims, shape (1, D)",
                hint="keep the shape (D,)")
def bn_keepdims_state(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        mu, var = x.mean(axis=0, keepdims=True), x.var(axis=0, keepdims=True)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "centres x in place (x -= mu)")
def bn_modifies_x(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    x -= mu
    xhat = x * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "torch.nn.functional.batch_norm does the work")
def bn_torch(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    import torch
    import torch.nn.functional as F

    rm, rv = torch.tensor(state["running_mean"]), torch.tensor(state["running_var"])
    out = F.batch_norm(torch.tensor(x), rm, rv, torch.tensor(gamma), torch.tensor(beta),
                       training=train, momentum=momentum, eps=eps).numpy()
    state["running_mean"], state["running_var"] = rm.numpy(), rv.numpy()
    mu, var = (x.mean(axis=0), x.var(axis=0)) if train else (rm.numpy(), rv.numpy())
    inv_std = 1 / np.sqrt(var + eps)
    return out, ((x - mu) * inv_std, gamma, inv_std)


@variants.wrong("batchnorm_forward", "raises ValueError for a constant feature (var == 0 tested "
                "exactly)", hint="constant over the batch is valid")
def bn_rejects_constant_feature(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        N = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        if np.any(var == 0):
            raise ValueError("a feature has zero variance: it cannot be normalised")
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * N / (N - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "a constant feature (var == 0 exactly) set to 0 instead of "
                "beta", hint="constant over the batch is normalised like any other")
def bn_constant_feature_zero(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        N = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * N / (N - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    out = np.where(var == 0, 0.0, gamma * xhat + beta)      # "nothing to normalise"
    return out, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "rejects a state with other entries than the two statistics",
                hint="state may hold other entries")
def bn_rejects_extra_keys(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if set(state) != {"running_mean", "running_var"}:
        raise ValueError("state must hold exactly running_mean and running_var")
    if train:
        N = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * N / (N - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.wrong("batchnorm_forward", "rebuilds state from the two statistics (drops the other "
                "entries)", hint="do not add, remove or rename keys")
def bn_drops_extra_keys(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        N = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        new = {"running_mean": (1 - momentum) * state["running_mean"] + momentum * mu,
               "running_var": (1 - momentum) * state["running_var"] + momentum * var * N / (N - 1)}
        state.clear()
        state.update(new)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.correct("batchnorm_forward", "stores new arrays in the dict instead of updating them in place")
def bn_replaces_entries(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.correct("batchnorm_forward", "updates the arrays through [:] = and ddof=1 for the running variance")
def bn_slice_assignment(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        mu = np.mean(x, axis=0)
        var = np.var(x, axis=0)
        state["running_mean"][:] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"][:] = (1 - momentum) * state["running_var"] \
            + momentum * np.var(x, axis=0, ddof=1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    xhat = (x - mu) / np.sqrt(var + eps)
    return gamma * xhat + beta, (xhat, gamma, 1 / np.sqrt(var + eps))


@variants.correct("batchnorm_forward", "a loop over the features, sums written out")
def bn_loop(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    N, D = x.shape
    out = np.empty((N, D))
    xhat = np.empty((N, D))
    inv_std = np.empty(D)
    rm, rv = state["running_mean"].copy(), state["running_var"].copy()
    for j in range(D):
        col = x[:, j]
        if train:
            mu = sum(col) / N
            var = sum((c - mu) ** 2 for c in col) / N
            rm[j] = (1 - momentum) * rm[j] + momentum * mu
            rv[j] = (1 - momentum) * rv[j] + momentum * var * N / (N - 1)
        else:
            mu, var = state["running_mean"][j], state["running_var"][j]
        inv_std[j] = 1 / np.sqrt(var + eps)
        xhat[:, j] = (col - mu) * inv_std[j]
        out[:, j] = gamma[j] * xhat[:, j] + beta[j]
    if train:
        state["running_mean"], state["running_var"] = rm, rv
    return out, (xhat, gamma, inv_std)


@variants.correct("batchnorm_forward", "one-pass variance E[x^2] - mu^2")
def bn_one_pass(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        n = x.shape[0]
        mu = x.mean(axis=0)
        var = (x ** 2).mean(axis=0) - mu ** 2
        state["running_mean"] *= 1 - momentum
        state["running_mean"] += momentum * mu
        state["running_var"] *= 1 - momentum
        state["running_var"] += momentum * var * n / (n - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std)


@variants.correct("batchnorm_forward", "state.update with new arrays; eval with np.divide")
def bn_state_update(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if not train:
        return (gamma * np.divide(x - state["running_mean"], np.sqrt(state["running_var"] + eps))
                + beta, (np.divide(x - state["running_mean"], np.sqrt(state["running_var"] + eps)),
                         gamma, 1 / np.sqrt(state["running_var"] + eps)))
    n = len(x)
    mu = x.sum(axis=0) / n
    d = x - mu
    var = (d * d).sum(axis=0) / n
    state.update(running_mean=state["running_mean"] + momentum * (mu - state["running_mean"]),
                 running_var=state["running_var"]
                 + momentum * (var * n / (n - 1) - state["running_var"]))
    inv_std = 1 / np.sqrt(var + eps)
    return gamma * d * inv_std + beta, (d * inv_std, gamma, inv_std)


@variants.correct("batchnorm_forward", "a constant feature found with var == 0 and given xhat = 0 "
                  "(the formula's value anyway)")
def bn_constant_feature_special_case(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
    if train:
        N = x.shape[0]
        mu, var = x.mean(axis=0), x.var(axis=0)
        state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
        state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * N / (N - 1)
    else:
        mu, var = state["running_mean"], state["running_var"]
    inv_std = np.where(var == 0, 0.0, 1 / np.sqrt(var + eps))
    xhat = (x - mu) * inv_std
    return gamma * xhat + beta, (xhat, gamma, 1 / np.sqrt(var + eps))


# --------------------------------------------------------------------------- #
# batchnorm_backward (the solution's cache is (xhat, gamma, inv_std))
# --------------------------------------------------------------------------- #

@variants.wrong("batchnorm_backward", "no terms through the batch mean and variance")
def bn_back_no_stat_terms(dout, cache):
    xhat, gamma, inv_std = cache
    return dout * gamma * inv_std, np.sum(dout * xhat, axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward", "no term through the batch mean")
def bn_back_no_mean_term(dout, cache):
    xhat, gamma, inv_std = cache
    g = dout * gamma
    dx = (g - xhat * np.mean(g * xhat, axis=0)) * inv_std
    return dx, np.sum(dout * xhat, axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward", "no term through the batch variance")
def bn_back_no_var_term(dout, cache):
    xhat, gamma, inv_std = cache
    g = dout * gamma
    dx = (g - g.mean(axis=0)) * inv_std
    return dx, np.sum(dout * xhat, axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward", "the variance term with a + sign")
def bn_back_var_sign(dout, cache):
    xhat, gamma, inv_std = cache
    g = dout * gamma
    dx = (g - g.mean(axis=0) + xhat * np.mean(g * xhat, axis=0)) * inv_std
    return dx, np.sum(dout * xhat, axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward", "sums instead of means in dx (forgets the 1/N)")
def bn_back_no_one_over_n(dout, cache):
    xhat, gamma, inv_std = cache
    g = dout * gamma
    N = dout.shape[0]
    dx = inv_std * (N * g - g.sum(axis=0) - xhat * np.sum(g * xhat, axis=0))
    return dx, np.sum(dout * xhat, axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward", "forgets gamma in dx")
def bn_back_no_gamma(dout, cache):
    xhat, gamma, inv_std = cache
    g = dout
    dx = (g - g.mean(axis=0) - xhat * np.mean(g * xhat, axis=0)) * inv_std
    return dx, np.sum(dout * xhat, axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward", "dbeta as the mean over the batch")
def bn_back_dbeta_mean(dout, cache):
    xhat, gamma, inv_std = cache
    g = dout * gamma
    dx = (g - g.mean(axis=0) - xhat * np.mean(g * xhat, axis=0)) * inv_std
    return dx, np.sum(dout * xhat, axis=0), dout.mean(axis=0)


@variants.wrong("batchnorm_backward", "dgamma as the mean over the batch")
def bn_back_dgamma_mean(dout, cache):
    xhat, gamma, inv_std = cache
    g = dout * gamma
    dx = (g - g.mean(axis=0) - xhat * np.mean(g * xhat, axis=0)) * inv_std
    return dx, np.mean(dout * xhat, axis=0), dout.sum(axis=0)


@variants.wrong(("batchnorm_forward", "batchnorm_backward"), "dgamma = sum(dout * x), the raw input",
                hint="the NORMALISED input")
def bn_dgamma_raw_x():
    def forward(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
        n = x.shape[0]
        if train:
            mu, var = x.mean(axis=0), x.var(axis=0)
            state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
            state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
        else:
            mu, var = state["running_mean"], state["running_var"]
        inv_std = 1 / np.sqrt(var + eps)
        xhat = (x - mu) * inv_std
        return gamma * xhat + beta, (x, xhat, gamma, inv_std)

    def backward(dout, cache):
        x, xhat, gamma, inv_std = cache
        g = dout * gamma
        dx = (g - g.mean(axis=0) - xhat * np.mean(g * xhat, axis=0)) * inv_std
        return dx, np.sum(dout * x, axis=0), dout.sum(axis=0)

    return forward, backward


@variants.wrong(("batchnorm_forward", "batchnorm_backward"), "the backward pass forgets eps",
                hint="keep eps")
def bn_backward_no_eps():
    def forward(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
        n = x.shape[0]
        if train:
            mu, var = x.mean(axis=0), x.var(axis=0)
            state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
            state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
        else:
            mu, var = state["running_mean"], state["running_var"]
        xhat = (x - mu) / np.sqrt(var + eps)
        return gamma * xhat + beta, (x, mu, var, gamma)

    def backward(dout, cache):
        x, mu, var, gamma = cache
        inv_std = 1 / np.sqrt(var)
        xhat = (x - mu) * inv_std
        g = dout * gamma
        dx = (g - g.mean(axis=0) - xhat * np.mean(g * xhat, axis=0)) * inv_std
        return dx, np.sum(dout * xhat, axis=0), dout.sum(axis=0)

    return forward, backward


@variants.wrong(("batchnorm_forward", "batchnorm_backward"), "torch autograd computes the backward pass",
                hint="which this exercise may not use")
def bn_backward_autograd():
    def forward(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
        n = x.shape[0]
        if train:
            mu, var = x.mean(axis=0), x.var(axis=0)
            state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
            state["running_var"] = (1 - momentum) * state["running_var"] + momentum * var * n / (n - 1)
        else:
            mu, var = state["running_mean"], state["running_var"]
        xhat = (x - mu) / np.sqrt(var + eps)
        return gamma * xhat + beta, (x, gamma, beta, eps)

    def backward(dout, cache):
        import torch

        x, gamma, beta, eps = (torch.tensor(np.asarray(c, dtype=float), requires_grad=True)
                               for c in cache)
        mu = x.mean(dim=0)
        var = ((x - mu) ** 2).mean(dim=0)
        out = gamma * (x - mu) / torch.sqrt(var + eps) + beta
        out.backward(torch.tensor(dout))
        return x.grad.numpy(), gamma.grad.numpy(), beta.grad.numpy()

    return forward, backward


@variants.correct("batchnorm_backward", "the mean form of the compact formula")
def bn_back_means(dout, cache):
    xhat, gamma, inv_std = cache
    dxhat = dout * gamma
    dx = inv_std * (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.correct("batchnorm_backward", "an explicit Jacobian per feature")
def bn_back_jacobian(dout, cache):
    xhat, gamma, inv_std = cache
    N, D = dout.shape
    dx = np.empty((N, D))
    for j in range(D):
        # d xhat_n / d x_k = inv_std * (delta_nk - 1/N - xhat_n xhat_k / N)
        J = inv_std[j] * (np.eye(N) - 1.0 / N - np.outer(xhat[:, j], xhat[:, j]) / N)
        dx[:, j] = J.T @ (dout[:, j] * gamma[j])
    return dx, np.einsum("nd,nd->d", dout, xhat), np.einsum("nd->d", dout)


@variants.correct(("batchnorm_forward", "batchnorm_backward"), "a staged computational graph (x, mu, var, eps cached)")
def bn_staged():
    def forward(x, gamma, beta, state, train=True, momentum=0.1, eps=1e-5):
        if train:
            n = x.shape[0]
            mu = x.mean(axis=0)
            xmu = x - mu
            var = (xmu ** 2).mean(axis=0)
            state["running_mean"] = (1 - momentum) * state["running_mean"] + momentum * mu
            state["running_var"] = (1 - momentum) * state["running_var"] \
                + momentum * var * n / (n - 1)
        else:
            xmu, var = x - state["running_mean"], state["running_var"]
        sqrtvar = np.sqrt(var + eps)
        ivar = 1 / sqrtvar
        xhat = xmu * ivar
        return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "xmu": xmu, "ivar": ivar,
                                     "sqrtvar": sqrtvar}

    def backward(dout, cache):
        xhat, gamma, xmu = cache["xhat"], cache["gamma"], cache["xmu"]
        ivar, sqrtvar = cache["ivar"], cache["sqrtvar"]
        N = dout.shape[0]
        dbeta = dout.sum(axis=0)
        dgamma = (dout * xhat).sum(axis=0)
        dxhat = dout * gamma
        divar = (dxhat * xmu).sum(axis=0)
        dxmu1 = dxhat * ivar
        dsqrtvar = -divar / sqrtvar ** 2
        dvar = 0.5 * dsqrtvar / sqrtvar
        dsq = dvar * np.ones_like(dout) / N
        dxmu2 = 2 * xmu * dsq
        dx1 = dxmu1 + dxmu2
        dmu = -dx1.sum(axis=0)
        dx2 = dmu * np.ones_like(dout) / N
        return dx1 + dx2, dgamma, dbeta

    return forward, backward


# --------------------------------------------------------------------------- #
# dropout_forward (the solution's cache is (mask, p), mask None in evaluation)
# --------------------------------------------------------------------------- #

@variants.wrong("dropout_forward", "p taken as the probability of keeping a unit",
                hint="probability of DROPPING")
def drop_p_is_keep(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x.copy(), (None, p)
    mask = rng.random(x.shape) < p
    return x * mask / (1 - p), (mask, p)


@variants.wrong("dropout_forward", "no 1/(1-p) scaling of the survivors")
def drop_no_scaling(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x.copy(), (None, p)
    mask = rng.random(x.shape) >= p
    return x * mask, (mask, p)


@variants.wrong("dropout_forward", "non-inverted dropout: no scaling in training, x * (1 - p) in evaluation")
def drop_scaling_in_eval(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x * (1 - p), (None, p)
    mask = rng.random(x.shape) >= p
    return x * mask, (mask, p)


@variants.wrong("dropout_forward", "scales by 1/(1-p) in evaluation too")
def drop_divides_in_eval(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x / (1 - p), (None, p)
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), (mask, p)


@variants.wrong("dropout_forward", "drops units in evaluation too (ignores train)")
def drop_ignores_train(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    rng = rng if rng is not None else np.random.default_rng()
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), (mask, p)


@variants.wrong("dropout_forward", "a generator seeded inside: the same mask at every call")
def drop_fixed_seed(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x.copy(), (None, p)
    mask = np.random.default_rng(0).random(x.shape) >= p
    return x * mask / (1 - p), (mask, p)


@variants.wrong("dropout_forward", "NumPy's global random state instead of rng")
def drop_global_random(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x.copy(), (None, p)
    mask = np.random.rand(*x.shape) >= p
    return x * mask / (1 - p), (mask, p)


@variants.wrong("dropout_forward", "NumPy's global generator seeded from rng, then drawn from",
                hint="global random state")
def drop_global_seeded_from_rng(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x.copy(), (None, p)
    np.random.seed(int(rng.integers(2**31)))
    mask = np.random.rand(*x.shape) >= p
    return x * mask / (1 - p), (mask, p)


@variants.wrong("dropout_forward", "validates p only in training", hint="validate p in evaluation too")
def drop_validates_in_training_only(x, p, train=True, rng=None):
    if not train:
        return x.copy(), (None, p)
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), (mask, p)


@variants.wrong("dropout_forward", "one mask per column, shared by every row",
                hint="not one per column shared by every row")
def drop_mask_per_column(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x.copy(), (None, p)
    mask = np.broadcast_to(rng.random(x.shape[-1]) >= p, x.shape)
    return x * mask / (1 - p), (mask, p)


@variants.wrong("dropout_forward", "one mask per row, shared by every column",
                hint="not one per row shared by every column")
def drop_mask_per_row(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x.copy(), (None, p)
    mask = np.broadcast_to((rng.random(x.shape[0]) >= p).reshape((-1,) + (1,) * (x.ndim - 1)),
                           x.shape)
    return x * mask / (1 - p), (mask, p)


@variants.wrong("dropout_forward", "scales the survivors by 1/p", hint="not 1 / p")
def drop_scale_one_over_p(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x.copy(), (None, p)
    mask = rng.random(x.shape) >= p
    return x * mask / max(p, 1e-12), (mask, p)


@variants.wrong("dropout_forward", "drops whole rows (a random subset of round(p * N) rows)")
def drop_whole_rows(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x.copy(), (None, p)
    mask = np.ones(x.shape, dtype=bool)
    rows = rng.permutation(x.shape[0])[:int(round(p * x.shape[0]))]
    mask[rows] = False
    return x * mask / (1 - p), (mask, p)


@variants.wrong("dropout_forward", "multiplies x in place")
def drop_in_place(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x, (None, p)
    mask = rng.random(x.shape) >= p
    x *= mask / (1 - p)
    return x, (mask, p)


@variants.wrong("dropout_forward", "rejects p = 0", hint="p = 0 is a valid probability")
def drop_rejects_zero(x, p, train=True, rng=None):
    if not 0 < p < 1:
        raise ValueError("p must be in (0, 1)")
    if not train:
        return x.copy(), (None, p)
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), (mask, p)


@variants.wrong("dropout_forward", "accepts p = 1 (checks only p < 0)")
def drop_accepts_one(x, p, train=True, rng=None):
    if p < 0:
        raise ValueError("p must be >= 0")
    if not train:
        return x.copy(), (None, p)
    mask = rng.random(x.shape) >= p
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mask, x / (1 - p) if p < 1 else 0.0, 0.0), (mask, p)


@variants.wrong("dropout_forward", "torch.nn.functional.dropout does the work")
def drop_torch(x, p, train=True, rng=None):
    import torch

    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    torch.manual_seed(int(rng.integers(2**31)) if rng is not None else 0)
    out = torch.nn.functional.dropout(torch.tensor(x), p=p, training=train).numpy()
    return out, (out != 0 if train else None, p)


@variants.correct("dropout_forward", "rng.binomial for the mask, float mask")
def drop_binomial(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if not train:
        return x.copy(), (None, p)
    mask = rng.binomial(1, 1 - p, size=x.shape).astype(float)
    return x * mask / (1 - p), (mask, p)


@variants.correct("dropout_forward", "rng.uniform < 1 - p and np.where; x itself in evaluation")
def drop_uniform_where(x, p, train=True, rng=None):
    if p < 0 or p >= 1:
        raise ValueError(f"p must be in [0, 1), got {p}")
    if not train:
        return x, (None, p)
    mask = rng.uniform(size=x.shape) < 1 - p
    return np.where(mask, x / (1 - p), 0.0), (mask, p)


@variants.correct(("dropout_forward", "dropout_backward"), "the cache holds the scaled mask")
def drop_scaled_mask():
    def forward(x, p, train=True, rng=None):
        if not 0 <= p < 1:
            raise ValueError("p must be in [0, 1)")
        if not train:
            return x.copy(), np.ones(x.shape)
        scaled = (rng.random(x.shape) >= p) / (1 - p)
        return x * scaled, scaled

    def backward(dout, cache):
        return dout * cache

    return forward, backward


@variants.correct(("dropout_forward", "dropout_backward"), "the cache as a dict with the mode")
def drop_dict_cache():
    def forward(x, p, train=True, rng=None):
        if not (0.0 <= p < 1.0):
            raise ValueError("dropout probability p must satisfy 0 <= p < 1")
        cache = {"train": train, "p": p}
        if not train:
            return np.array(x, copy=True), cache
        cache["keep"] = rng.random(size=x.shape) > p
        return cache["keep"] * x / (1.0 - p), cache

    def backward(dout, cache):
        if not cache["train"]:
            return dout
        return np.where(cache["keep"], dout, 0.0) / (1.0 - cache["p"])

    return forward, backward


# --------------------------------------------------------------------------- #
# dropout_backward (the solution's cache is (mask, p), mask None in evaluation)
# --------------------------------------------------------------------------- #

@variants.wrong("dropout_backward", "no 1/(1-p) scaling")
def drop_back_no_scaling(dout, cache):
    mask, p = cache
    return dout.copy() if mask is None else dout * mask


@variants.wrong("dropout_backward", "ignores the mask", hint="apply the mask")
def drop_back_no_mask(dout, cache):
    mask, p = cache
    return dout.copy() if mask is None else dout / (1 - p)


@variants.wrong("dropout_backward", "multiplies by 1 - p")
def drop_back_times_keep(dout, cache):
    mask, p = cache
    return dout.copy() if mask is None else dout * mask * (1 - p)


@variants.wrong("dropout_backward", "scales by 1/p")
def drop_back_one_over_p(dout, cache):
    mask, p = cache
    return dout.copy() if mask is None else dout * mask / p


@variants.wrong("dropout_backward", "scales in evaluation as in training")
def drop_back_scales_in_eval(dout, cache):
    mask, p = cache
    return dout / (1 - p) if mask is None else dout * mask / (1 - p)


@variants.wrong(("dropout_forward", "dropout_backward"), "the backward pass draws a new mask from "
                "the cached rng", hint="never draw a new one")
def drop_back_new_mask():
    def forward(x, p, train=True, rng=None):
        if not 0 <= p < 1:
            raise ValueError("p must be in [0, 1)")
        if not train:
            return x.copy(), (None, p, None)
        mask = rng.random(x.shape) >= p
        return x * mask / (1 - p), (rng, p, x.shape)

    def backward(dout, cache):
        rng, p, shape = cache
        if rng is None:
            return dout.copy()
        return dout * (rng.random(shape) >= p) / (1 - p)

    return forward, backward


@variants.wrong(("dropout_forward", "dropout_backward"), "the backward pass draws a new mask from "
                "a fresh generator", hint="never draw a new one")
def drop_back_fresh_generator():
    def forward(x, p, train=True, rng=None):
        if not 0 <= p < 1:
            raise ValueError("p must be in [0, 1)")
        if not train:
            return x.copy(), (False, p)
        mask = rng.random(x.shape) >= p
        return x * mask / (1 - p), (True, p)

    def backward(dout, cache):
        train, p = cache
        if not train:
            return dout.copy()
        return dout * (np.random.default_rng().random(dout.shape) >= p) / (1 - p)

    return forward, backward


@variants.wrong(("dropout_forward", "dropout_backward"), "the backward pass rebuilds the mask from "
                "out != 0 (wrong where a kept input was 0, as after a ReLU)",
                hint="cannot be rebuilt from out != 0")
def drop_back_mask_from_out():
    def forward(x, p, train=True, rng=None):
        if not 0 <= p < 1:
            raise ValueError("p must be in [0, 1)")
        if not train:
            return x.copy(), (None, p)
        out = x * (rng.random(x.shape) >= p) / (1 - p)
        return out, (out, p)

    def backward(dout, cache):
        out, p = cache
        if out is None:
            return dout.copy()
        return dout * (out != 0) / (1 - p)

    return forward, backward


@variants.correct("dropout_backward", "np.where with the mask")
def drop_back_where(dout, cache):
    mask, p = cache
    if mask is None:
        return dout
    return np.where(mask, dout / (1 - p), 0.0)
