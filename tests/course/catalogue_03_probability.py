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


# --------------------------------------------------------------------------- #
# Review additions
# --------------------------------------------------------------------------- #

@variants.wrong("gaussian_log_pdf", "sigma ** -2 with an integer power: fails for integer sigma")
def gaussian_log_pdf_int_power(x, mu, sigma):
    x, mu, sigma = np.asarray(x), np.asarray(mu), np.asarray(sigma)
    if np.any(sigma <= 0):
        raise ValueError("sigma must be > 0")
    return -0.5 * (x - mu) ** 2 * sigma**-2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


@variants.wrong("gaussian_log_pdf", "loop into np.empty_like(x): integer output for integer x")
def gaussian_log_pdf_empty_like(x, mu, sigma):
    import math

    xb, mb, sb = np.broadcast_arrays(np.asarray(x), np.asarray(mu), np.asarray(sigma))
    if np.any(sb <= 0):
        raise ValueError("sigma must be > 0")
    out = np.empty_like(xb)
    for i in np.ndindex(xb.shape):
        z = (xb[i] - mb[i]) / sb[i]
        out[i] = -0.5 * z * z - math.log(sb[i]) - 0.5 * math.log(2 * math.pi)
    return out


@variants.wrong("gaussian_log_pdf", "-log(2 pi sigma) / 2: sigma not squared in the normaliser")
def gaussian_log_pdf_sigma_not_squared(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be > 0")
    return -0.5 * np.log(2 * np.pi * sigma) - (x - mu) ** 2 / (2 * sigma**2)


@variants.wrong("gaussian_log_pdf", "rejects only negative sigma, silences sigma = 0")
def gaussian_log_pdf_allows_zero(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    if np.any(sigma < 0):
        raise ValueError("sigma must be >= 0")
    with np.errstate(all="ignore"):
        return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


@variants.wrong("gaussian_log_pdf", "np.all(sigma <= 0): an array with one zero passes the check")
def gaussian_log_pdf_all_instead_of_any(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    if np.all(sigma <= 0):
        raise ValueError("sigma must be > 0")
    with np.errstate(all="ignore"):
        return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


@variants.correct("gaussian_log_pdf", "expanded square x^2 - 2 x mu + mu^2, min(sigma) check")
def gaussian_log_pdf_expanded(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    if sigma.size and sigma.min() <= 0:
        raise ValueError("sigma: every standard deviation must be > 0")
    return -(x * x - 2 * x * mu + mu * mu) / (2 * sigma * sigma) - np.log(np.sqrt(2 * np.pi) * sigma)


@variants.correct("gaussian_log_pdf", "np.subtract / np.square / np.divide ufuncs, log of sqrt(2 pi) sigma")
def gaussian_log_pdf_ufuncs(x, mu, sigma):
    sigma = np.asarray(sigma)
    if not np.all(sigma > 0):
        raise ValueError("sigma must be positive")
    z = np.divide(np.subtract(x, mu), sigma, dtype=np.float64)
    return np.subtract(np.multiply(-0.5, np.square(z)), np.log(np.sqrt(2 * np.pi) * sigma))


@variants.wrong("gaussian_mle", "one pass sqrt(mean(x^2) - mean(x)^2) unclamped: NaN for equal values")
def gaussian_mle_one_pass_unclamped(x):
    x = np.asarray(x, dtype=float)
    m = x.mean()
    return float(m), float(np.sqrt(np.mean(x * x) - m * m))


@variants.wrong("gaussian_mle", "integer floor division for the mean: x.sum() // len(x)")
def gaussian_mle_floor_div(x):
    x = np.asarray(x)
    mu = x.sum() // len(x) if x.dtype.kind in "iu" else x.sum() / len(x)
    return float(mu), float(np.sqrt(np.mean((x - mu) ** 2)))


@variants.wrong("gaussian_mle", "returns a list [mu, sigma] instead of a tuple")
def gaussian_mle_list(x):
    x = np.asarray(x, dtype=float)
    return [float(x.mean()), float(x.std())]


@variants.wrong("gaussian_mle", "computes in float32")
def gaussian_mle_float32(x):
    x = np.asarray(x, dtype=np.float32)
    m = x.mean()
    return float(m), float(np.sqrt(np.mean((x - m) ** 2)))


@variants.correct("gaussian_mle", "Welford's online algorithm in a loop")
def gaussian_mle_welford(x):
    mean, m2 = 0.0, 0.0
    for n, value in enumerate(np.asarray(x, dtype=float), start=1):
        delta = value - mean
        mean += delta / n
        m2 += delta * (value - mean)
    return mean, (m2 / n) ** 0.5


@variants.correct("gaussian_mle", "math.fsum, returning numpy float64 from var() ** 0.5")
def gaussian_mle_fsum(x):
    import math

    x = np.asarray(x, dtype=float)
    mu = math.fsum(x) / x.size
    return mu, np.float64(math.fsum((x - mu) ** 2) / x.size) ** 0.5


@variants.wrong("gaussian_nll_grad", "d_sigma centred on the sample mean instead of mu")
def gaussian_nll_grad_sample_mean(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return (float((mu - x.mean()) / sigma**2),
            float(1 / sigma - np.mean((x - x.mean()) ** 2) / sigma**3))


@variants.wrong("gaussian_nll_grad", "d_sigma is the derivative with respect to log(sigma)")
def gaussian_nll_grad_log_sigma(x, mu, sigma):
    d = np.asarray(x, dtype=float) - mu
    return float(-np.mean(d) / sigma**2), float(1 - np.mean(d**2) / sigma**2)


@variants.wrong("gaussian_nll_grad", "divides by N - 1")
def gaussian_nll_grad_n_minus_1(x, mu, sigma):
    d = np.asarray(x, dtype=float) - mu
    n = len(d)
    with np.errstate(all="ignore"):
        return (float(-np.sum(d) / (n - 1) / sigma**2) if n > 1 else float(-d[0] / sigma**2),
                float(1 / sigma - np.sum(d**2) / max(n - 1, 1) / sigma**3))


@variants.wrong("gaussian_nll_grad", "returns an array instead of a pair")
def gaussian_nll_grad_array(x, mu, sigma):
    d = np.asarray(x, dtype=float) - mu
    return np.array([-np.mean(d) / sigma**2, 1 / sigma - np.mean(d**2) / sigma**3])


@variants.wrong("gaussian_nll_grad", "centres x in place")
def gaussian_nll_grad_in_place(x, mu, sigma):
    x -= mu
    return float(-np.mean(x) / sigma**2), float(1 / sigma - np.mean(x**2) / sigma**3)


@variants.correct("gaussian_nll_grad", "through the variance: d_sigma = 2 sigma dL/d(sigma^2), dot product")
def gaussian_nll_grad_via_variance(x, mu, sigma):
    d = np.asarray(x, dtype=float) - mu
    n = d.size
    var = sigma * sigma
    d_var = 0.5 / var - (d @ d) / (2 * n * var * var)
    return float(-d.sum() / (n * var)), float(2 * sigma * d_var)


@variants.correct("gaussian_nll_grad", "per-sample gradients stacked, then averaged")
def gaussian_nll_grad_per_sample(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    per_sample = np.stack([(mu - x) / sigma**2, 1 / sigma - (x - mu) ** 2 / sigma**3])
    g = per_sample.mean(axis=1)
    return g[0], g[1]


@variants.wrong("bernoulli_nll", "divides the sum by len(y): wrong mean for 2-D input")
def bernoulli_nll_len(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)) / len(y))


@variants.wrong("bernoulli_nll", "validates p after clipping it: never raises")
def bernoulli_nll_validate_after_clip(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, eps, 1 - eps)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p must be in [0, 1]")
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "label check 0 <= y <= 1: accepts 0.5")
def bernoulli_nll_range_labels(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or np.any((y < 0) | (y > 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "eps check 0 < eps <= 0.5: accepts 0.5")
def bernoulli_nll_eps_half(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps <= 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "forgets the minus sign")
def bernoulli_nll_no_minus(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, eps, 1 - eps)
    return float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "scipy.special.xlogy on the clipped probabilities: a module this exercise may not import",
                hint="which this exercise may not use")
def bernoulli_nll_xlogy(y, p, eps=1e-12):
    from scipy.special import xlogy

    y, p = np.asarray(y), np.asarray(p)
    if y.shape != p.shape:
        raise ValueError("y and p must have the same shape")
    if np.any((y != 0) & (y != 1)):
        raise ValueError("y must be 0 or 1")
    if p.min() < 0 or p.max() > 1:
        raise ValueError("p must lie in [0, 1]")
    if not (eps > 0 and eps < 0.5):
        raise ValueError("eps must be in (0, 0.5)")
    q = np.clip(p, eps, 1 - eps)
    return float(-(xlogy(y, q) + xlogy(1 - y, 1 - q)).sum() / y.size)


@variants.correct("bernoulli_nll", "boolean masks: sum -log p over positives and -log1p(-p) over negatives")
def bernoulli_nll_masks(y, p, eps=1e-12):
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    if y.shape != p.shape:
        raise ValueError("y and p must have the same shape")
    pos, neg = y == 1, y == 0
    if not np.all(pos | neg):
        raise ValueError("y must be 0 or 1")
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError("p must lie in [0, 1]")
    if not 0 < eps < 0.5:
        raise ValueError("eps must be in (0, 0.5)")
    q = np.minimum(np.maximum(p, eps), 1 - eps)
    return float((-np.log(q[pos]).sum() - np.log1p(-q[neg]).sum()) / y.size)


@variants.wrong("sample_categorical", "argmax(u < cdf) on unnormalised sums: u past the last edge gives 0")
def sample_categorical_argmax_unnormalised(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    u = rng.random(size)
    return np.argmax(u[..., None] < cdf, axis=-1)


@variants.wrong("sample_categorical", "no check that probs is 1-D: a 2-D table is sampled flat")
def sample_categorical_no_ndim_check(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(size), side="right")


@variants.wrong("sample_categorical", "normalises probs in place")
def sample_categorical_normalise_in_place(probs, size, rng):
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    probs /= probs.sum()
    return np.searchsorted(np.cumsum(probs), rng.random(size), side="right")


@variants.wrong("sample_categorical", "sorts probs first and forgets to map back to the classes")
def sample_categorical_sorted(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    order = np.argsort(probs)
    cdf = np.cumsum(probs[order])
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(size), side="right")   # should be order[...]


@variants.wrong("sample_categorical", "np.digitize(..., right=True): the side='left' off-by-one")
def sample_categorical_digitize_right(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.digitize(rng.random(size), cdf, right=True)


@variants.wrong("sample_categorical", "torch.distributions.Categorical does the exercise")
def sample_categorical_torch_categorical(probs, size, rng):
    import torch

    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    shape = (size,) if isinstance(size, int) else tuple(size)
    torch.manual_seed(int(rng.integers(2**31)))
    return torch.distributions.Categorical(probs=torch.tensor(probs)).sample(shape).numpy()


@variants.wrong("sample_categorical", "returns a Python list")
def sample_categorical_list(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(size), side="right").tolist()


@variants.correct("sample_categorical", "np.digitize (bins[i-1] <= u < bins[i]) returning int32")
def sample_categorical_digitize(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("probs must be a probability vector")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.digitize(rng.random(size), cdf).astype(np.int32)


@variants.correct("sample_categorical", "argmax(u < cdf) with the last edge made exactly 1")
def sample_categorical_argmax_lt(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("probs must be a probability vector")
    cdf = np.cumsum(probs)
    cdf = cdf / cdf[-1]
    u = rng.uniform(size=size)
    return np.argmax(u[..., None] < cdf, axis=-1)


@variants.correct("sample_categorical", "bisect.bisect_right per draw in a Python loop")
def sample_categorical_bisect(probs, size, rng):
    import bisect

    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("probs must be a probability vector")
    cdf = np.cumsum(probs)
    edges = list(cdf / cdf[-1])           # every edge equal to the last one becomes exactly 1
    u = rng.random(size)
    flat = [bisect.bisect_right(edges, v) for v in u.ravel()]
    return np.array(flat, dtype=np.int64).reshape(u.shape)


@variants.correct("sample_categorical", "vectorised binary search written by hand")
def sample_categorical_binary_search(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("probs must be a probability vector")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    u = rng.random(size)
    lo = np.zeros(u.shape, dtype=np.int64)          # answer in [lo, hi]: count of edges <= u
    hi = np.full(u.shape, len(cdf) - 1, dtype=np.int64)
    while np.any(lo < hi):
        mid = (lo + hi) // 2
        go_right = cdf[mid] <= u
        lo = np.where(go_right, mid + 1, lo)
        hi = np.where(go_right, hi, mid)
    return lo


# --------------------------------------------------------------------------- #
# Conversion to the check modules (issues 6 and 7)
# --------------------------------------------------------------------------- #

@variants.wrong("gaussian_log_pdf", "`if sigma <= 0:` works for a number, fails for an array sigma")
def gaussian_log_pdf_scalar_check(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


@variants.wrong("gaussian_log_pdf", "`if sigma.any() <= 0`: compares a bool, rejects 0 but not -1")
def gaussian_log_pdf_any_then_compare(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    if sigma.any() <= 0:
        raise ValueError("sigma must be > 0")
    with np.errstate(all="ignore"):
        return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


@variants.wrong("gaussian_log_pdf", "drops the normalising constant -log(2 pi) / 2")
def gaussian_log_pdf_no_constant(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be > 0")
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma)


@variants.wrong("gaussian_log_pdf", "output array shaped like x: ignores broadcasting")
def gaussian_log_pdf_shape_of_x(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be > 0")
    out = np.empty(x.shape)
    value = -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)
    out[...] = value.reshape(-1)[:out.size].reshape(out.shape)
    return out


@variants.wrong("gaussian_log_pdf", "computes in float32")
def gaussian_log_pdf_float32(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=np.float32) for a in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be > 0")
    return -np.float32(0.5) * ((x - mu) / sigma) ** 2 - np.log(sigma) \
        - np.float32(0.5 * np.log(2 * np.pi))


@variants.correct("gaussian_log_pdf", "sigma checked element by element in a loop over sigma.flat")
def gaussian_log_pdf_flat_check(x, mu, sigma):
    sigma = np.asarray(sigma, dtype=float)
    for s in sigma.flat:
        if not s > 0:
            raise ValueError(f"sigma must be > 0, got {s}")
    diff = np.subtract(x, mu, dtype=float)
    return -diff * diff / (2 * sigma * sigma) - np.log(sigma) - np.log(2 * np.pi) / 2


@variants.correct("gaussian_log_pdf", "np.broadcast_arrays first, then the formula on the views")
def gaussian_log_pdf_broadcast_first(x, mu, sigma):
    xb, mb, sb = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (x, mu, sigma)))
    if (sb <= 0).any():
        raise ValueError("sigma must be > 0")
    return -0.5 * np.square((xb - mb) / sb) - np.log(sb) - np.log(np.sqrt(2 * np.pi))


@variants.wrong("sample_categorical", "a generator with a fixed seed instead of rng")
def sample_categorical_fixed_seed(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, np.random.default_rng(0).random(size), side="right")


@variants.wrong("sample_categorical", "rng.choice through an alias (pick = gen.choice)")
def sample_categorical_alias_choice(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    gen = rng
    pick = gen.choice
    return pick(probs.size, size=size, p=probs)


@variants.wrong("sample_categorical", "no check of the sum: probs [0.5, 0.6] accepted")
def sample_categorical_no_sum_check(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all():
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(size), side="right")


@variants.wrong("sample_categorical", "no check for negative entries: [0.5, -0.1, 0.6] accepted")
def sample_categorical_no_sign_check(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or not np.isfinite(probs).all() \
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("invalid probs")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), probs.size - 1)


@variants.correct("sample_categorical", "validation with the reference's own tolerance, rng.uniform draws")
def sample_categorical_uniform_draws(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0:
        raise ValueError("probs must be a non-empty 1-D array")
    if not np.all(np.isfinite(probs)) or np.any(probs < 0):
        raise ValueError("probs must hold finite, non-negative numbers")
    if not np.isclose(probs.sum(), 1.0, rtol=0.0, atol=1e-8 * probs.size):
        raise ValueError("probs must sum to 1")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.uniform(0.0, 1.0, size=size), side="right").astype(np.int64)


@variants.wrong("bernoulli_nll", "checks only p > 1: a negative p is clipped to eps silently")
def bernoulli_nll_no_negative_check(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any(p > 1) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "clips first, then checks the clipped p against (0, 1): never fires")
def bernoulli_nll_clip_then_check_open(y, p, eps=1e-12):
    y = np.asarray(y, dtype=float)
    if not 0 < eps < 0.5:
        raise ValueError("eps must be in (0, 0.5)")
    q = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    if y.shape != q.shape or not np.all((y == 0) | (y == 1)):
        raise ValueError("bad labels")
    if np.any(q <= 0) or np.any(q >= 1):
        raise ValueError("p must lie in [0, 1]")
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


@variants.wrong("bernoulli_nll", "eps check only eps > 0: eps = 0.7 accepted")
def bernoulli_nll_eps_positive_only(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.shape != p.shape or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not eps > 0:
        raise ValueError("bad arguments")
    p = np.clip(p, min(eps, 1 - eps), max(eps, 1 - eps))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.wrong("bernoulli_nll", "a shape check by size only: (2,) against (2, 1) accepted")
def bernoulli_nll_size_check(y, p, eps=1e-12):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if y.size != p.size or not np.all((y == 0) | (y == 1)) or np.any((p < 0) | (p > 1)) \
            or not 0 < eps < 0.5:
        raise ValueError("bad arguments")
    p = np.clip(p, eps, 1 - eps).reshape(y.shape)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@variants.correct("bernoulli_nll", "np.where on the labels, validation with np.logical_or")
def bernoulli_nll_where(y, p, eps=1e-12):
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    if y.shape != p.shape:
        raise ValueError(f"y and p: shapes {y.shape} and {p.shape} differ")
    if np.logical_or(y < 0, y > 1).any() or np.any(y != np.round(y)):
        raise ValueError("y: labels must be 0 or 1")
    if np.logical_or(p < 0, p > 1).any():
        raise ValueError("p: probabilities must be in [0, 1]")
    if not (0 < eps < 0.5):
        raise ValueError("eps must be in (0, 0.5)")
    q = np.clip(p, eps, 1 - eps)
    return float(np.mean(np.where(y == 1, -np.log(q), -np.log1p(-q))))


@variants.wrong("gaussian_mle", "median instead of mean")
def gaussian_mle_median(x):
    x = np.asarray(x, dtype=float)
    m = float(np.median(x))
    return m, float(np.sqrt(np.mean((x - m) ** 2)))


@variants.correct("gaussian_mle", "np.var(x) ** 0.5 with a float() of each")
def gaussian_mle_var(x):
    x = np.asarray(x, dtype=float)
    return float(np.mean(x)), float(np.var(x) ** 0.5)


@variants.wrong("gaussian_nll_grad", "d_sigma without the 1 / sigma term")
def gaussian_nll_grad_no_log_term(x, mu, sigma):
    d = np.asarray(x, dtype=float) - mu
    return float(-np.mean(d) / sigma**2), float(-np.mean(d**2) / sigma**3)


@variants.correct("gaussian_nll_grad", "exact sums with math.fsum")
def gaussian_nll_grad_fsum(x, mu, sigma):
    import math

    d = [float(v) - mu for v in np.asarray(x, dtype=float)]
    n = len(d)
    return (-math.fsum(d) / (n * sigma**2),
            1 / sigma - math.fsum(v * v for v in d) / (n * sigma**3))
