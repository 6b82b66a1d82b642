"""Wrong and correct implementations of the graded functions of lesson 03."""

import numpy as np

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# gaussian_log_pdf
# --------------------------------------------------------------------------- #

@variants.wrong("gaussian_log_pdf", "log of the density: -inf far from the mean")
def gaussian_log_pdf_log_of_pdf(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be > 0")
    pdf = np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (np.sqrt(2 * np.pi) * sigma)
    return np.log(pdf)


@variants.wrong("gaussian_log_pdf", "forgets the 1/2 in the exponent")
def gaussian_log_pdf_no_half(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be > 0")
    return -((x - mu) ** 2) / sigma**2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


@variants.wrong("gaussian_log_pdf", "normalises with log(sigma^2) instead of log(sigma)")
def gaussian_log_pdf_log_variance(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be > 0")
    return -((x - mu) ** 2) / (2 * sigma**2) - np.log(sigma**2) - 0.5 * np.log(2 * np.pi)


@variants.wrong("gaussian_log_pdf", "no check of sigma")
def gaussian_log_pdf_no_check(x, mu, sigma):
    with np.errstate(all="ignore"):
        return -((x - mu) ** 2) / (2 * sigma**2) - np.log(sigma) - 0.5 * np.log(2 * np.pi)


@variants.wrong("gaussian_log_pdf", "centres x in place")
def gaussian_log_pdf_in_place(x, mu, sigma):
    sigma = np.asarray(sigma, dtype=float)
    if np.any(sigma <= 0):
        raise ValueError("sigma must be > 0")
    if isinstance(x, np.ndarray) and np.shape(mu) == ():
        x -= mu
        d = x
    else:
        d = np.asarray(x, dtype=float) - mu
    return -(d**2) / (2 * sigma**2) - np.log(sigma) - 0.5 * np.log(2 * np.pi)


@variants.wrong("gaussian_log_pdf", "calls scipy.stats.norm.logpdf")
def gaussian_log_pdf_scipy(x, mu, sigma):
    import scipy.stats

    if np.any(np.asarray(sigma) <= 0):
        raise ValueError("sigma must be > 0")
    return scipy.stats.norm.logpdf(x, loc=mu, scale=sigma)


@variants.correct("gaussian_log_pdf", "-log(2 pi sigma^2) / 2 arrangement")
def gaussian_log_pdf_variance_form(x, mu, sigma):
    sigma = np.asarray(sigma, dtype=float)
    if (sigma <= 0).any():
        raise ValueError(f"sigma must be positive, got {sigma}")
    var = sigma**2
    return -0.5 * np.log(2 * np.pi * var) - (np.asarray(x) - mu) ** 2 / (2 * var)


@variants.correct("gaussian_log_pdf", "a Python loop over the broadcast elements with math.log")
def gaussian_log_pdf_loop(x, mu, sigma):
    import math

    xb, mb, sb = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(mu, dtype=float),
                                     np.asarray(sigma, dtype=float))
    out = np.empty(xb.shape)
    for i in np.ndindex(xb.shape):
        if sb[i] <= 0:
            raise ValueError("sigma must be > 0")
        z = (xb[i] - mb[i]) / sb[i]
        out[i] = -z * z / 2 - math.log(sb[i]) - math.log(math.sqrt(2 * math.pi))
    return out


# --------------------------------------------------------------------------- #
# sample_categorical
# --------------------------------------------------------------------------- #

@variants.wrong("sample_categorical", "searchsorted side='left': u = 0 lands in an empty class 0")
def sample_categorical_left(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(size), side="left")


@variants.wrong("sample_categorical", "argmax(cdf >= u): the same off-by-one as side='left'")
def sample_categorical_argmax_ge(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs) / probs.sum()
    u = rng.random(size)
    return np.argmax(cdf >= u[..., None], axis=-1)


@variants.wrong("sample_categorical", "cumulative sums not normalised: index K past the last edge")
def sample_categorical_unnormalised(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    return np.searchsorted(np.cumsum(probs), rng.random(size), side="right")


@variants.wrong("sample_categorical", "last edge set to 1: a trailing empty class can be drawn")
def sample_categorical_last_edge_one(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(size), side="right")


@variants.wrong("sample_categorical", "draws from NumPy's global random state")
def sample_categorical_global(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, np.random.random(size), side="right")


@variants.wrong("sample_categorical", "np.random.choice (global state)")
def sample_categorical_np_choice(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    return np.random.choice(len(probs), size=size, p=probs / probs.sum())


@variants.wrong("sample_categorical", "rng.choice does the exercise")
def sample_categorical_rng_choice(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    return rng.choice(len(probs), size=size, p=probs / probs.sum())


@variants.wrong("sample_categorical", "rng.multinomial one draw at a time")
def sample_categorical_multinomial(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    shape = (size,) if isinstance(size, int) else tuple(size)
    onehot = rng.multinomial(1, probs / probs.sum(), size=shape)
    return onehot.argmax(axis=-1)


@variants.wrong("sample_categorical", "torch.multinomial does the exercise")
def sample_categorical_torch(probs, size, rng):
    import torch

    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    shape = (size,) if isinstance(size, int) else tuple(size)
    gen = torch.Generator().manual_seed(int(rng.integers(2**31)))
    draws = torch.multinomial(torch.tensor(probs), int(np.prod(shape)), replacement=True,
                              generator=gen)
    return draws.numpy().reshape(shape)


@variants.wrong("sample_categorical", "searches the probabilities, not their cumulative sums")
def sample_categorical_no_cumsum(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    idx = np.searchsorted(np.sort(probs), rng.random(size), side="right")
    return np.minimum(idx, len(probs) - 1)


@variants.wrong("sample_categorical", "ignores probs: uniform classes")
def sample_categorical_uniform(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    return rng.integers(0, len(probs), size=size)


@variants.wrong("sample_categorical", "returns float indices")
def sample_categorical_float(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(size), side="right").astype(float)


@variants.wrong("sample_categorical", "flattens a tuple size")
def sample_categorical_flat(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(int(np.prod(size))), side="right")


@variants.wrong("sample_categorical", "no validation of probs")
def sample_categorical_no_validation(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    idx = np.searchsorted(cdf, rng.random(size), side="right")
    return np.minimum(idx, len(probs) - 1)


@variants.wrong("sample_categorical", "a fresh unseeded generator instead of rng")
def sample_categorical_fresh_rng(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, np.random.default_rng().random(size), side="right")


@variants.correct("sample_categorical", "a Python loop with a linear scan per draw")
def sample_categorical_loop(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or len(probs) == 0:
        raise ValueError("probs must be a non-empty vector")
    if not np.all(np.isfinite(probs)) or probs.min() < 0 or not np.isclose(probs.sum(), 1.0):
        raise ValueError("probs must be non-negative and sum to 1")
    edges, running = [], 0.0
    for q in probs:
        running += q
        edges.append(running)
    shape = (size,) if np.isscalar(size) else tuple(size)
    out = np.empty(shape, dtype=int)
    for i in np.ndindex(shape):
        u = rng.random() * running      # uniform in [0, last edge): never past the last edge
        k = 0
        while edges[k] <= u:
            k += 1
        out[i] = k
    return out


@variants.correct("sample_categorical", "u in (0, 1] with side='left'")
def sample_categorical_one_minus_u(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-6:
        raise ValueError("probs is not a probability vector")
    cdf = np.cumsum(probs)
    cdf = cdf / cdf[-1]
    u = 1.0 - rng.uniform(0.0, 1.0, size=size)     # in (0, 1]
    return np.searchsorted(cdf, u, side="left")


@variants.correct("sample_categorical", "count of edges <= u by broadcasting")
def sample_categorical_count(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    u = rng.random(size) * cdf[-1]
    return (u[..., None] >= cdf).sum(axis=-1)


@variants.correct("sample_categorical", "Gumbel-max trick")
def sample_categorical_gumbel(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    shape = (size,) if isinstance(size, int) else tuple(size)
    with np.errstate(divide="ignore"):
        log_p = np.log(probs)
    return np.argmax(log_p + rng.gumbel(size=shape + (len(probs),)), axis=-1)


# --------------------------------------------------------------------------- #
# gaussian_mle
# --------------------------------------------------------------------------- #

@variants.wrong("gaussian_mle", "unbiased variance (ddof=1)")
def gaussian_mle_unbiased(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        return float(x.mean()), float(np.sqrt(np.sum((x - x.mean()) ** 2) / (len(x) - 1)))


@variants.wrong("gaussian_mle", "returns the variance instead of sigma")
def gaussian_mle_variance(x):
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(np.mean((x - x.mean()) ** 2))


@variants.wrong("gaussian_mle", "mean absolute deviation instead of the root mean square")
def gaussian_mle_abs(x):
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(np.mean(np.abs(x - x.mean())))


@variants.wrong("gaussian_mle", "centres x in place")
def gaussian_mle_in_place(x):
    mu = x.mean()
    if x.dtype.kind == "f":
        x -= mu
        return float(mu), float(np.sqrt(np.mean(x**2)))
    return float(mu), float(np.sqrt(np.mean((x - mu) ** 2)))


@variants.wrong("gaussian_mle", "returns an array instead of a pair")
def gaussian_mle_array(x):
    x = np.asarray(x, dtype=float)
    return np.array([x.mean(), x.std()])


@variants.correct("gaussian_mle", "np.std with ddof=0")
def gaussian_mle_std(x):
    return np.mean(x), np.std(x)


@variants.correct("gaussian_mle", "one pass: sqrt(mean(x^2) - mean(x)^2)")
def gaussian_mle_one_pass(x):
    x = np.asarray(x, dtype=float)
    m = x.mean()
    return m, np.sqrt(max(np.mean(x * x) - m * m, 0.0))


@variants.correct("gaussian_mle", "a Python loop")
def gaussian_mle_loop(x):
    n = len(x)
    mu = 0.0
    for value in x:
        mu += value
    mu /= n
    ss = 0.0
    for value in x:
        ss += (value - mu) ** 2
    return mu, (ss / n) ** 0.5


# --------------------------------------------------------------------------- #
# gaussian_nll_grad
# --------------------------------------------------------------------------- #

@variants.wrong("gaussian_nll_grad", "gradient of the summed NLL, not the mean")
def gaussian_nll_grad_sum(x, mu, sigma):
    d = np.asarray(x, dtype=float) - mu
    return float(-d.sum() / sigma**2), float(len(d) / sigma - np.sum(d**2) / sigma**3)


@variants.wrong("gaussian_nll_grad", "gradient of the log-likelihood (wrong sign)")
def gaussian_nll_grad_sign(x, mu, sigma):
    d = np.asarray(x, dtype=float) - mu
    return float(np.mean(d) / sigma**2), float(-1 / sigma + np.mean(d**2) / sigma**3)


@variants.wrong("gaussian_nll_grad", "d_sigma is the derivative with respect to the variance")
def gaussian_nll_grad_variance(x, mu, sigma):
    d = np.asarray(x, dtype=float) - mu
    return (float(-np.mean(d) / sigma**2),
            float(1 / (2 * sigma**2) - np.mean(d**2) / (2 * sigma**4)))


@variants.wrong("gaussian_nll_grad", "d_sigma with sigma^2 instead of sigma^3")
def gaussian_nll_grad_square(x, mu, sigma):
    d = np.asarray(x, dtype=float) - mu
    return float(-np.mean(d) / sigma**2), float(1 / sigma - np.mean(d**2) / sigma**2)


@variants.wrong("gaussian_nll_grad", "d_mu not divided by sigma^2")
def gaussian_nll_grad_no_scale(x, mu, sigma):
    d = np.asarray(x, dtype=float) - mu
    return float(-np.mean(d)), float(1 / sigma - np.mean(d**2) / sigma**3)


@variants.wrong("gaussian_nll_grad", "torch autograd does the exercise")
def gaussian_nll_grad_torch(x, mu, sigma):
    import math

    import torch

    m = torch.tensor(float(mu), dtype=torch.float64, requires_grad=True)
    s = torch.tensor(float(sigma), dtype=torch.float64, requires_grad=True)
    xt = torch.as_tensor(np.asarray(x, dtype=float))
    loss = (torch.log(s) + 0.5 * math.log(2 * math.pi) + (xt - m) ** 2 / (2 * s**2)).mean()
    loss.backward()
    return m.grad.item(), s.grad.item()


@variants.correct("gaussian_nll_grad", "(sigma^2 - mean((x - mu)^2)) / sigma^3 form")
def gaussian_nll_grad_combined(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return (mu - x.mean()) / sigma**2, (sigma**2 - np.mean((x - mu) ** 2)) / sigma**3


@variants.correct("gaussian_nll_grad", "a Python loop over the sample")
def gaussian_nll_grad_loop(x, mu, sigma):
    d_mu = d_sigma = 0.0
    for value in x:
        d_mu += -(value - mu) / sigma**2
        d_sigma += 1 / sigma - (value - mu) ** 2 / sigma**3
    return d_mu / len(x), d_sigma / len(x)


# --------------------------------------------------------------------------- #
# bernoulli_nll
# --------------------------------------------------------------------------- #

@variants.wrong("bernoulli_nll", "no clipping: inf or nan for p of exactly 0 or 1")
def bernoulli_nll_no_clip(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    with np.errstate(all="ignore"):
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "clips only from below: 1 - p can still be 0")
def bernoulli_nll_lower_clip(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.maximum(p, eps)
    with np.errstate(all="ignore"):
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "clips to a fixed 1e-15 instead of eps")
def bernoulli_nll_fixed_eps(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "clip bounds swapped: np.clip(p, 1 - eps, eps)")
def bernoulli_nll_swapped_clip(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, 1 - eps, eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "sum instead of mean")
def bernoulli_nll_sum(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "clips p in place")
def bernoulli_nll_in_place(y, p, eps=1e-12):
    y = np.asarray(y, dtype=float)
    if y.shape != np.shape(p) or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    np.clip(p, eps, 1 - eps, out=p)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "no shape check: (2,) and (2, 1) broadcast")
def bernoulli_nll_broadcasts(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "accepts any labels")
def bernoulli_nll_no_label_check(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or np.any((p < 0) | (p > 1)) or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "accepts any eps")
def bernoulli_nll_no_eps_check(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)):
        raise ValueError("bad arguments")
    p = np.clip(p, eps, 1 - eps)
    with np.errstate(all="ignore"):
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "sklearn.metrics.log_loss does the exercise")
def bernoulli_nll_sklearn(y, p, eps=1e-12):
    from sklearn.metrics import log_loss

    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    return float(log_loss(y.ravel(), np.clip(p, eps, 1 - eps).ravel(), labels=[0, 1]))


@variants.correct("bernoulli_nll", "clips the probability of the observed label, q = where(y, p, 1 - p)")
def bernoulli_nll_observed(y, p, eps=1e-12):
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    if np.shape(y) != np.shape(p):
        raise ValueError(f"y and p must have the same shape, got {np.shape(y)} and {np.shape(p)}")
    if not np.isin(y, [0, 1]).all():
        raise ValueError("y must hold 0/1 labels")
    if p.min() < 0 or p.max() > 1:
        raise ValueError("p must be in [0, 1]")
    if eps <= 0 or eps >= 0.5:
        raise ValueError("eps must be in (0, 0.5)")
    q = np.where(y == 1, p, 1 - p)          # probability given to the observed label
    return float(-np.log(np.clip(q, eps, 1 - eps)).mean())


@variants.correct("bernoulli_nll", "a Python loop with math.log and log1p")
def bernoulli_nll_loop(y, p, eps=1e-12):
    import math

    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape:
        raise ValueError("y and p: shape mismatch")
    if not (0 < eps < 0.5):
        raise ValueError("eps out of range")
    total = 0.0
    for yi, pi in zip(y.ravel(), p.ravel()):
        if yi not in (0.0, 1.0):
            raise ValueError("y: labels must be 0 or 1")
        if not 0.0 <= pi <= 1.0:
            raise ValueError("p: probabilities must be in [0, 1]")
        pi = min(max(pi, eps), 1 - eps)
        total -= math.log(pi) if yi == 1 else math.log1p(-pi)
    return total / y.size
