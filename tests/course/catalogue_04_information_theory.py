"""Wrong and correct implementations of the graded functions of lesson 04.

Each variant runs in the lesson's kernel, where the set-up cell has imported ``np``
and ``torch``; anything else is imported inside the variant. Variants that should
fail only because of a missing check keep everything else right, so that the test
which rejects them is the one meant to.
"""

import numpy as np

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# entropy
# --------------------------------------------------------------------------- #

@variants.wrong("entropy", "bits (log2) instead of nats")
def entropy_bits(p):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0):
        raise ValueError("p must be a probability vector")
    terms = np.zeros_like(p)
    terms[p > 0] = p[p > 0] * np.log2(p[p > 0])
    return -terms.sum(axis=-1)


@variants.wrong("entropy", "0 log 0 gives NaN (no mask)")
def entropy_nan(p):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0):
        raise ValueError("p must be a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(p * np.log(p), axis=-1)


@variants.wrong("entropy", "sums over axis 0 instead of the last axis")
def entropy_axis0(p):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0):
        raise ValueError("p must be a probability vector")
    terms = np.zeros_like(p)
    terms[p > 0] = p[p > 0] * np.log(p[p > 0])
    return -terms.sum(axis=0)


@variants.correct("entropy", "np.where without np.errstate: right values with RuntimeWarnings (warnings are free advice)")
def entropy_where_warns(p):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0):
        raise ValueError("p must be a probability vector")
    return -np.sum(np.where(p > 0, p * np.log(p), 0.0), axis=-1)


@variants.wrong("entropy", "no validation: accepts vectors that do not sum to 1")
def entropy_no_validation(p):
    p = np.asarray(p, dtype=float)
    terms = np.zeros_like(p)
    terms[p > 0] = p[p > 0] * np.log(p[p > 0])
    return -terms.sum(axis=-1)


@variants.wrong("entropy", "validates the sum of the whole batch, not each row")
def entropy_validates_total(p):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.isclose(p.sum(), p.size / p.shape[-1]):
        raise ValueError("p must be a probability vector")
    terms = np.zeros_like(p)
    terms[p > 0] = p[p > 0] * np.log(p[p > 0])
    return -terms.sum(axis=-1)


@variants.wrong("entropy", "calls scipy.stats.entropy under another name")
def entropy_scipy_stats(p):
    from scipy.stats import entropy as library_entropy
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0):
        raise ValueError("p must be a probability vector")
    return library_entropy(p, axis=-1)


@variants.wrong("entropy", "scipy.special.entr (a ufunc), imported under another name")
def entropy_entr(p):
    from scipy.special import entr as elementwise
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0):
        raise ValueError("p must be a probability vector")
    return elementwise(p).sum(axis=-1)


@variants.wrong("entropy", "scipy.special.xlogy through a module alias")
def entropy_xlogy(p):
    import scipy.special as sps
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0):
        raise ValueError("p must be a probability vector")
    return -sps.xlogy(p, p).sum(axis=-1)


@variants.correct("entropy", "np.where inside np.errstate")
def entropy_where_errstate(p):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-8):
        raise ValueError("p must be a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(p > 0, p * np.log(p), 0.0), axis=-1)


@variants.correct("entropy", "a hand-written xlogy helper, nested")
def entropy_own_xlogy(p):
    def xlogy(a, b):
        return a * np.log(np.where(a > 0, b, 1.0))

    p = np.asarray(p, dtype=float)
    if (p < 0).any():
        raise ValueError("p has negative entries")
    if np.abs(p.sum(axis=-1) - 1.0).max() > 1e-9:
        raise ValueError("p does not sum to 1")
    H = -xlogy(p, p).sum(axis=-1)
    return H.item() if H.ndim == 0 else H


@variants.correct("entropy", "a loop over the distributions of the batch")
def entropy_loop(p):
    p = np.array(p, dtype=float)
    flat = p.reshape(-1, p.shape[-1])
    out = np.empty(len(flat))
    for n, row in enumerate(flat):
        if np.any(row < 0) or abs(row.sum() - 1.0) > 1e-8:
            raise ValueError(f"row {n} of p is not a probability vector")
        nz = row[row > 0]
        out[n] = -np.dot(nz, np.log(nz))
    out = out.reshape(p.shape[:-1])
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------- #
# cross_entropy
# --------------------------------------------------------------------------- #

@variants.wrong("cross_entropy", "p and q swapped: -sum q log p")
def cross_entropy_swapped(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(q > 0, q * np.log(p), 0.0), axis=-1)


@variants.wrong("cross_entropy", "bits (log2) instead of nats")
def cross_entropy_bits(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(p > 0, p * np.log2(q), 0.0), axis=-1)


@variants.wrong("cross_entropy", "0 * log 0 gives NaN where p = q = 0")
def cross_entropy_nan(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(p * np.log(q), axis=-1)


@variants.wrong("cross_entropy", "clips q at 1e-12: finite where the answer is inf")
def cross_entropy_clipped(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    return -np.sum(p * np.log(np.clip(q, 1e-12, 1.0)), axis=-1)


@variants.correct("cross_entropy", "right values with a divide-by-zero RuntimeWarning (warnings are free advice)")
def cross_entropy_warns(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    used = p > 0
    terms = np.zeros_like(p)
    terms[used] = p[used] * np.log(q[used])
    return -terms.sum(axis=-1)


@variants.wrong("cross_entropy", "no shape check: broadcasts (4, 3) against (3,)")
def cross_entropy_broadcasts(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    p, q = np.broadcast_arrays(p, q)
    used = p > 0
    terms = np.zeros(p.shape)
    with np.errstate(divide="ignore"):
        terms[used] = p[used] * np.log(q[used])
    return -terms.sum(axis=-1)


@variants.wrong("cross_entropy", "H(p) + KL(p || q) with scipy.stats.entropy, renamed")
def cross_entropy_scipy(p, q):
    from scipy.stats import entropy as H
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    return H(p, axis=-1) + H(p, q, axis=-1)


@variants.wrong("cross_entropy", "-sum xlogy(p, q) with scipy's ufunc")
def cross_entropy_xlogy(p, q):
    from scipy import special
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore"):
        return -special.xlogy(p, q).sum(axis=-1)


@variants.correct("cross_entropy", "np.where inside np.errstate")
def cross_entropy_where(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0, rtol=0, atol=1e-8):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        H = -np.sum(np.where(p > 0, p * np.log(q), 0.0), axis=-1)
    return H


@variants.correct("cross_entropy", "a loop over rows: inf as soon as q = 0 < p")
def cross_entropy_loop(p, q):
    p, q = np.array(p, dtype=float), np.array(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    P, Q = p.reshape(-1, p.shape[-1]), q.reshape(-1, q.shape[-1])
    out = np.empty(len(P))
    for n in range(len(P)):
        for r in (P[n], Q[n]):
            if np.any(r < 0) or abs(r.sum() - 1.0) > 1e-8:
                raise ValueError("not a probability vector")
        used = P[n] > 0
        if np.any(Q[n][used] == 0):
            out[n] = np.inf
        else:
            out[n] = -np.sum(P[n][used] * np.log(Q[n][used]))
    out = out.reshape(p.shape[:-1])
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------- #
# kl_divergence
# --------------------------------------------------------------------------- #

@variants.wrong("kl_divergence", "reversed: KL(q || p)")
def kl_reversed(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * (np.log(q) - np.log(p)), 0.0)
    return np.maximum(terms.sum(axis=-1), 0.0)


@variants.wrong("kl_divergence", "H(p) - H(p, q): the wrong sign")
def kl_wrong_sign(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        H_p = -np.sum(np.where(p > 0, p * np.log(p), 0.0), axis=-1)
        H_pq = -np.sum(np.where(p > 0, p * np.log(q), 0.0), axis=-1)
    return H_p - H_pq


@variants.wrong("kl_divergence", "no clipping: -1e-17 for nearly equal distributions")
def kl_no_clip(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(np.where(p > 0, p * np.log(p / q), 0.0), axis=-1)


@variants.wrong("kl_divergence", "0 log 0 gives NaN (no mask)")
def kl_nan(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(np.sum(p * np.log(p / q), axis=-1), 0.0)


@variants.wrong("kl_divergence", "scipy.special.rel_entr (a ufunc), renamed")
def kl_rel_entr(p, q):
    from scipy.special import rel_entr as terms
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    return np.maximum(terms(p, q).sum(axis=-1), 0.0)


@variants.wrong("kl_divergence", "scipy.special.kl_div through a module alias")
def kl_kl_div(p, q):
    import scipy.special as sps
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    return np.maximum(sps.kl_div(p, q).sum(axis=-1), 0.0)


@variants.wrong("kl_divergence", "scipy.stats.entropy(p, q), renamed")
def kl_scipy_stats(p, q):
    from scipy.stats import entropy as relative_entropy
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    return relative_entropy(p, q, axis=-1)


@variants.wrong("kl_divergence", "no shape check: broadcasts (4, 3) against (3,)")
def kl_broadcasts(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    p, q = np.broadcast_arrays(p, q)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(np.sum(np.where(p > 0, p * np.log(p / q), 0.0), axis=-1), 0.0)


@variants.correct("kl_divergence", "masks, log(p / q), clipped")
def kl_masks(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0, rtol=0, atol=1e-8):
            raise ValueError("not a probability vector")
    terms = np.zeros_like(p)
    used = p > 0
    with np.errstate(divide="ignore"):
        terms[used] = p[used] * np.log(p[used] / q[used])
    return np.maximum(terms.sum(axis=-1), 0.0)


@variants.correct("kl_divergence", "H(p, q) - H(p) by hand, inf kept, clipped")
def kl_from_cross_entropy(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0, rtol=0, atol=1e-8):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        H_pq = -np.sum(np.where(p > 0, p * np.log(q), 0.0), axis=-1)
        H_p = -np.sum(np.where(p > 0, p * np.log(p), 0.0), axis=-1)
    return np.maximum(H_pq - H_p, 0.0)


@variants.correct("kl_divergence", "a loop over rows")
def kl_loop(p, q):
    p, q = np.array(p, dtype=float), np.array(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    P, Q = p.reshape(-1, p.shape[-1]), q.reshape(-1, q.shape[-1])
    out = np.zeros(len(P))
    for n in range(len(P)):
        for r in (P[n], Q[n]):
            if np.any(r < 0) or abs(r.sum() - 1.0) > 1e-8:
                raise ValueError("not a probability vector")
        for pi, qi in zip(P[n], Q[n]):
            if pi > 0:
                out[n] += np.inf if qi == 0 else pi * np.log(pi / qi)
        out[n] = max(out[n], 0.0)
    out = out.reshape(p.shape[:-1])
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------- #
# softmax
# --------------------------------------------------------------------------- #

@variants.wrong("softmax", "no max-shift: overflows for large logits")
def softmax_no_shift(z, axis=-1):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=axis, keepdims=True)


@variants.wrong("softmax", "shifted by the global maximum, not each row's")
def softmax_global_shift(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum(axis=axis, keepdims=True)


@variants.wrong("softmax", "normalises over axis 0 (the wrong axis)")
def softmax_wrong_axis(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


@variants.wrong("softmax", "ignores the axis argument (always the last axis)")
def softmax_ignores_axis(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@variants.wrong("softmax", "modifies its input: z -= max in place")
def softmax_in_place(z, axis=-1):
    z = np.asarray(z, dtype=float)
    z -= z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


@variants.wrong("softmax", "calls scipy.special.softmax under another name")
def softmax_scipy(z, axis=-1):
    from scipy.special import softmax as library_softmax
    return library_softmax(np.asarray(z, dtype=float), axis=axis)


@variants.wrong("softmax", "exp(z - scipy.special.logsumexp(z))")
def softmax_logsumexp(z, axis=-1):
    from scipy import special
    z = np.asarray(z, dtype=float)
    return np.exp(z - special.logsumexp(z, axis=axis, keepdims=True))


@variants.wrong("softmax", "torch.softmax")
def softmax_torch(z, axis=-1):
    return torch.softmax(torch.from_numpy(np.asarray(z, dtype=float)), dim=axis).numpy()


@variants.wrong("softmax", "torch.nn.functional.softmax, renamed")
def softmax_torch_functional(z, axis=-1):
    from torch.nn.functional import softmax as sm
    return sm(torch.from_numpy(np.asarray(z, dtype=float)), dim=axis).numpy()


@variants.wrong("softmax", "the tensor method .softmax")
def softmax_tensor_method(z, axis=-1):
    return torch.tensor(np.asarray(z, dtype=float)).softmax(axis).numpy()


@variants.correct("softmax", "exp(z - LSE(z)) with the log-sum-exp written by hand")
def softmax_via_lse(z, axis=-1):
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=axis, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return np.exp(z - lse)


@variants.correct("softmax", "a loop over the slices along axis")
def softmax_loop(z, axis=-1):
    moved = np.moveaxis(np.array(z, dtype=float), axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    out = np.empty_like(flat)
    for n, row in enumerate(flat):
        e = np.exp(row - row.max())
        out[n] = e / e.sum()
    return np.moveaxis(out.reshape(moved.shape), -1, axis)


@variants.correct("softmax", "copy first, then shift in place")
def softmax_copy_then_in_place(z, axis=-1):
    z = np.array(z, dtype=float)
    z -= z.max(axis=axis, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=axis, keepdims=True)
    return z


# --------------------------------------------------------------------------- #
# log_softmax
# --------------------------------------------------------------------------- #

@variants.wrong("log_softmax", "log(softmax(z)): -inf where softmax underflows")
def log_softmax_log_of_softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    with np.errstate(divide="ignore"):
        return np.log(e / e.sum(axis=axis, keepdims=True))


@variants.wrong("log_softmax", "no max-shift: z - log(sum(exp(z))) overflows")
def log_softmax_no_shift(z, axis=-1):
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore"):
        return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


@variants.wrong("log_softmax", "shifted by the global maximum, not each row's")
def log_softmax_global_shift(z, axis=-1):
    z = np.asarray(z, dtype=float)
    s = z - z.max()
    with np.errstate(divide="ignore"):
        return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


@variants.wrong("log_softmax", "ignores the axis argument")
def log_softmax_ignores_axis(z, axis=-1):
    z = np.asarray(z, dtype=float)
    s = z - z.max(axis=-1, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=-1, keepdims=True))


@variants.wrong("log_softmax", "modifies its input: z -= max in place")
def log_softmax_in_place(z, axis=-1):
    z = np.asarray(z, dtype=float)
    z -= z.max(axis=axis, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


@variants.wrong("log_softmax", "z - scipy.special.logsumexp(z), renamed")
def log_softmax_scipy_lse(z, axis=-1):
    from scipy.special import logsumexp as lse
    z = np.asarray(z, dtype=float)
    return z - lse(z, axis=axis, keepdims=True)


@variants.wrong("log_softmax", "scipy.special.log_softmax")
def log_softmax_scipy(z, axis=-1):
    import scipy.special
    return scipy.special.log_softmax(np.asarray(z, dtype=float), axis=axis)


@variants.wrong("log_softmax", "torch.nn.functional.log_softmax")
def log_softmax_torch(z, axis=-1):
    import torch.nn.functional as F
    return F.log_softmax(torch.from_numpy(np.asarray(z, dtype=float)), dim=axis).numpy()


@variants.correct("log_softmax", "z - LSE(z), LSE = m + log(sum(exp(z - m)))")
def log_softmax_lse(z, axis=-1):
    z = np.asarray(z, dtype=float)
    m = z.max(axis=axis, keepdims=True)
    return z - (m + np.log(np.exp(z - m).sum(axis=axis, keepdims=True)))


@variants.correct("log_softmax", "the shifted exponentials reused: s - log(sum(e))")
def log_softmax_shifted_exp(z, axis=-1):
    s = np.asarray(z, dtype=float) - np.max(z, axis=axis, keepdims=True)
    e = np.exp(s)
    return s - np.log(e.sum(axis=axis, keepdims=True))


@variants.correct("log_softmax", "a loop over the slices along axis")
def log_softmax_loop(z, axis=-1):
    moved = np.moveaxis(np.array(z, dtype=float), axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    out = np.empty_like(flat)
    for n, row in enumerate(flat):
        m = row.max()
        out[n] = row - m - np.log(np.sum(np.exp(row - m)))
    return np.moveaxis(out.reshape(moved.shape), -1, axis)


# --------------------------------------------------------------------------- #
# softmax_cross_entropy
# --------------------------------------------------------------------------- #

@variants.wrong("softmax_cross_entropy", "sum over the batch instead of the mean")
def loss_sum(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    s = logits - logits.max(axis=1, keepdims=True)
    log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-np.sum(log_q[np.arange(N), y]))


@variants.wrong("softmax_cross_entropy", "no max-shift: overflows for large logits")
def loss_no_shift(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    with np.errstate(over="ignore", invalid="ignore"):
        log_q = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return float(-np.mean(log_q[np.arange(N), y]))


@variants.wrong("softmax_cross_entropy", "log of a (shifted) softmax: inf when it underflows")
def loss_log_of_softmax(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    q = e / e.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(q[np.arange(N), y])))


@variants.wrong("softmax_cross_entropy", "picks log_q[:, y], an N x N array, instead of one entry per row")
def loss_wrong_gather(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    s = logits - logits.max(axis=1, keepdims=True)
    log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-np.mean(log_q[:, y]))


@variants.wrong("softmax_cross_entropy", "no label check: -1 silently picks the last class")
def loss_no_label_check(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N = logits.shape[0]
    if y.shape != (N,):
        raise ValueError("y must have one label per row")
    s = logits - logits.max(axis=1, keepdims=True)
    log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-np.mean(log_q[np.arange(N), y]))


@variants.wrong("softmax_cross_entropy", "torch.nn.functional.cross_entropy, renamed")
def loss_torch(logits, y):
    from torch.nn.functional import cross_entropy as ce
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    return ce(torch.from_numpy(logits), torch.from_numpy(y)).item()


@variants.wrong("softmax_cross_entropy", "sklearn.metrics.log_loss")
def loss_sklearn(logits, y):
    from sklearn.metrics import log_loss
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return float(log_loss(y, e / e.sum(axis=1, keepdims=True), labels=np.arange(C)))


@variants.wrong("softmax_cross_entropy", "scipy.special.log_softmax for the log-probabilities")
def loss_scipy_log_softmax(logits, y):
    from scipy.special import log_softmax as lsm
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    return float(-np.mean(lsm(logits, axis=1)[np.arange(N), y]))


@variants.correct("softmax_cross_entropy", "mean of LSE(z_n) - z_n[y_n]")
def loss_lse_minus_true(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    if logits.ndim != 2 or y.shape != (logits.shape[0],):
        raise ValueError("y must have one label per row of logits")
    N, C = logits.shape
    if not np.all((0 <= y) & (y < C)):
        raise ValueError("labels out of range")
    m = logits.max(axis=1)
    lse = m + np.log(np.exp(logits - m[:, None]).sum(axis=1))
    return float(np.mean(lse - logits[np.arange(N), y]))


@variants.correct("softmax_cross_entropy", "one-hot targets dotted with a stable log-softmax")
def loss_one_hot(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if len(y) != N or y.min() < 0 or y.max() > C - 1:
        raise ValueError("labels must be 0..C-1, one per row")
    one_hot = np.eye(C)[y]
    s = logits - logits.max(axis=1, keepdims=True)
    log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-(one_hot * log_q).sum() / N)


@variants.correct("softmax_cross_entropy", "a loop over the examples")
def loss_loop(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    if logits.ndim != 2 or y.shape != (logits.shape[0],):
        raise ValueError("y must have one label per row of logits")
    total = 0.0
    for z_n, y_n in zip(logits, y):
        if not 0 <= y_n < len(z_n):
            raise ValueError(f"label {y_n} out of range")
        m = z_n.max()
        total += m + np.log(np.sum(np.exp(z_n - m))) - z_n[y_n]
    return total / len(y)


# --------------------------------------------------------------------------- #
# Added in review: more mistakes and more correct alternatives
# --------------------------------------------------------------------------- #

@variants.wrong("entropy", "float(H) if H.size == 1: a batch of one distribution returns a float")
def entropy_size_one_float(p):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0):
        raise ValueError("p must be a probability vector")
    terms = np.zeros_like(p)
    terms[p > 0] = p[p > 0] * np.log(p[p > 0])
    H = -terms.sum(axis=-1)
    return float(H) if H.size == 1 else H


@variants.wrong("entropy", "checks p <= 1 instead of p >= 0: accepts [0.5, 0.7, -0.2]")
def entropy_checks_upper_bound(p):
    p = np.asarray(p, dtype=float)
    if np.any(p > 1) or not np.allclose(p.sum(axis=-1), 1.0):
        raise ValueError("p must be a probability vector")
    terms = np.zeros_like(p)
    terms[p > 0] = p[p > 0] * np.log(p[p > 0])
    return -terms.sum(axis=-1)


@variants.wrong("entropy", "exact sum check p.sum(-1) == 1: rejects valid distributions with round-off")
def entropy_exact_sum(p):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.all(p.sum(axis=-1) == 1.0):
        raise ValueError("p must be a probability vector")
    terms = np.zeros_like(p)
    terms[p > 0] = p[p > 0] * np.log(p[p > 0])
    return -terms.sum(axis=-1)


@variants.wrong("entropy", "replaces the zeros of the caller's array by 1 (only when p has zeros)")
def entropy_mutates_zeros(p):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0):
        raise ValueError("p must be a probability vector")
    zero = p == 0
    p[zero] = 1.0                      # log 1 = 0 ... but p is the caller's array
    return -np.sum(p * np.log(p), axis=-1)


@variants.wrong("entropy", "np.log(p + 1e-12): smoothing changes every value")
def entropy_epsilon(p):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0):
        raise ValueError("p must be a probability vector")
    return -np.sum(p * np.log(p + 1e-12), axis=-1)


@variants.correct("entropy", "np.nansum of p log p inside np.errstate (0 * -inf = nan dropped)")
def entropy_nansum(p):
    p = np.asarray(p, dtype=float)
    if p.ndim == 0 or np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-8):
        raise ValueError("p must be a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        H = -np.nansum(p * np.log(p), axis=-1)
    return float(H) if np.ndim(H) == 0 else H


@variants.correct("entropy", "np.log(p, out=zeros, where=p > 0)")
def entropy_log_where_out(p):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-8):
        raise ValueError("p must be a probability vector")
    log_p = np.log(p, out=np.zeros_like(p), where=p > 0)
    return -(p * log_p).sum(axis=-1)


@variants.correct("entropy", "log of max(p, smallest normal float): 0 * finite = 0")
def entropy_log_tiny(p):
    p = np.array(p, dtype=float)
    if np.any(p < 0) or np.any(np.abs(p.sum(axis=-1) - 1.0) > 1e-8):
        raise ValueError("p must be a probability vector")
    H = -np.einsum("...k,...k->...", p, np.log(np.maximum(p, np.finfo(float).tiny)))
    return H if H.ndim else float(H)


@variants.wrong("cross_entropy", "masks q > 0 instead of p > 0: 0 where the answer is inf")
def cross_entropy_masks_q(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    used = q > 0
    terms = np.zeros_like(p)
    terms[used] = p[used] * np.log(q[used])
    return -terms.sum(axis=-1)


@variants.wrong("cross_entropy", "float(H) if H.size == 1: a batch of one returns a float")
def cross_entropy_size_one_float(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore"):
        H = -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, q, 1.0)), 0.0), axis=-1)
    return float(H) if H.size == 1 else H


@variants.wrong("cross_entropy", "checks q <= 1 instead of q >= 0: accepts q = [0.6, 0.6, -0.2]")
def cross_entropy_checks_upper_bound(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r > 1) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(p > 0, p * np.log(q), 0.0), axis=-1)


@variants.wrong("cross_entropy", "infinite rows detected, but returns inf for the whole batch")
def cross_entropy_inf_whole_batch(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    if np.any((p > 0) & (q == 0)):
        return np.inf
    used = p > 0
    terms = np.zeros_like(p)
    terms[used] = p[used] * np.log(q[used])
    return -terms.sum(axis=-1)


@variants.correct("cross_entropy", "einsum of p with a masked log q")
def cross_entropy_einsum(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if r.ndim == 0 or np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0, rtol=0, atol=1e-8):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore"):
        log_q = np.where(p > 0, np.log(np.where(p > 0, q, 1.0)), 0.0)
    H = -np.einsum("...k,...k->...", p, log_q)
    return float(H) if H.ndim == 0 else H


@variants.correct("cross_entropy", "H(p) + KL(p || q), both written inline")
def cross_entropy_h_plus_kl(p, q):
    p, q = np.array(p, dtype=float), np.array(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or np.any(np.abs(r.sum(axis=-1) - 1.0) > 1e-8):
            raise ValueError("not a probability vector")
    used = p > 0
    log_p = np.log(p, out=np.zeros_like(p), where=used)
    with np.errstate(divide="ignore"):
        log_q = np.log(q, out=np.zeros_like(q), where=used)
    H = -(p * log_p).sum(axis=-1)
    kl = (np.where(used, p * (log_p - log_q), 0.0)).sum(axis=-1)
    return H + kl


@variants.wrong("kl_divergence", "kl[kl < 0] = 0: item assignment fails for a single distribution")
def kl_item_assignment(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.sum(np.where(p > 0, p * np.log(p / q), 0.0), axis=-1)
    kl[kl < 0] = 0.0
    return kl


@variants.wrong("kl_divergence", "keeps only terms with p > 0 AND q > 0: 0 where the answer is inf")
def kl_masks_both(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    used = (p > 0) & (q > 0)
    terms = np.zeros_like(p)
    terms[used] = p[used] * np.log(p[used] / q[used])
    return np.maximum(terms.sum(axis=-1), 0.0)


@variants.wrong("kl_divergence", "float(kl) if kl.size == 1: a batch of one returns a float")
def kl_size_one_float(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    used = p > 0
    terms = np.zeros_like(p)
    with np.errstate(divide="ignore"):
        terms[used] = p[used] * np.log(p[used] / q[used])
    kl = np.maximum(terms.sum(axis=-1), 0.0)
    return float(kl) if kl.size == 1 else kl


@variants.wrong("kl_divergence", "checks p <= 1 instead of p >= 0: accepts p = [0.6, 0.6, -0.2]")
def kl_checks_upper_bound(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r > 1) or not np.allclose(r.sum(axis=-1), 1.0):
            raise ValueError("not a probability vector")
    used = p > 0
    terms = np.zeros_like(p)
    with np.errstate(divide="ignore"):
        terms[used] = p[used] * np.log(p[used] / q[used])
    return np.maximum(terms.sum(axis=-1), 0.0)


@variants.correct("kl_divergence", "np.abs instead of np.maximum to remove the round-off sign")
def kl_abs(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0, rtol=0, atol=1e-8):
            raise ValueError("not a probability vector")
    used = p > 0
    with np.errstate(divide="ignore"):
        log_ratio = np.log(p, out=np.zeros_like(p), where=used) \
            - np.log(q, out=np.zeros_like(q), where=used)
    return np.abs(np.sum(p * log_ratio, axis=-1))


@variants.correct("kl_divergence", "clipped with np.where: a 0-d array (not a float) for 1-D inputs")
def kl_where_clip(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError("p and q must have the same shape")
    for r in (p, q):
        if np.any(r < 0) or not np.allclose(r.sum(axis=-1), 1.0, rtol=0, atol=1e-8):
            raise ValueError("not a probability vector")
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.sum(np.where(p > 0, p * (np.log(p) - np.log(q)), 0.0), axis=-1)
    return np.where(kl < 0, 0.0, kl)


@variants.wrong("softmax", "shifted by each row's mean, not its maximum: overflows for spread logits")
def softmax_mean_shift(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.mean(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@variants.wrong("softmax", "shifted by each row's largest |z|: underflows to 0 / 0")
def softmax_abs_max_shift(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.abs(z).max(axis=axis, keepdims=True))
    with np.errstate(invalid="ignore"):
        return e / e.sum(axis=axis, keepdims=True)


@variants.wrong("softmax", "max without keepdims, re-expanded with [..., None]: only right for the last axis")
def softmax_none_expand(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis)[..., None])
    return e / e.sum(axis=axis)[..., None]


@variants.wrong("softmax", "np.logaddexp.reduce: a library log-sum-exp")
def softmax_logaddexp(z, axis=-1):
    z = np.asarray(z, dtype=float)
    return np.exp(z - np.logaddexp.reduce(z, axis=axis, keepdims=True))


@variants.wrong("softmax", "written with torch operations, returns a torch tensor, not an ndarray")
def softmax_returns_tensor(z, axis=-1):
    t = torch.as_tensor(np.asarray(z, dtype=float))
    e = torch.exp(t - t.amax(dim=axis, keepdim=True))
    return e / e.sum(dim=axis, keepdim=True)


@variants.wrong("softmax", "torch operations (no library softmax), converted back to NumPy: a module this exercise may not import",
                hint="which this exercise may not use")
def softmax_torch_ops(z, axis=-1):
    t = torch.as_tensor(np.asarray(z, dtype=np.float64))
    e = torch.exp(t - t.amax(dim=axis, keepdim=True))
    return (e / e.sum(dim=axis, keepdim=True)).numpy()


@variants.correct("softmax", "np.apply_along_axis with a function of one slice")
def softmax_apply_along_axis(z, axis=-1):
    def one(row):
        e = np.exp(row - row.max())
        return e / e.sum()

    return np.apply_along_axis(one, axis, np.asarray(z, dtype=float))


@variants.wrong("log_softmax", "z - np.logaddexp.reduce(z): a library log-sum-exp")
def log_softmax_logaddexp(z, axis=-1):
    z = np.asarray(z, dtype=float)
    return z - np.logaddexp.reduce(z, axis=axis, keepdims=True)


@variants.wrong("log_softmax", "log of a clipped softmax: log(max(softmax, 1e-300)) is -690, not -1000")
def log_softmax_clipped(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return np.log(np.maximum(e / e.sum(axis=axis, keepdims=True), 1e-300))


@variants.wrong("log_softmax", "shifted by each row's mean, not its maximum")
def log_softmax_mean_shift(z, axis=-1):
    z = np.asarray(z, dtype=float)
    s = z - z.mean(axis=axis, keepdims=True)
    with np.errstate(over="ignore"):
        return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


@variants.wrong("log_softmax", "sum without keepdims, re-expanded with [..., None]")
def log_softmax_none_expand(z, axis=-1):
    z = np.asarray(z, dtype=float)
    s = z - z.max(axis=axis)[..., None]
    return s - np.log(np.exp(s).sum(axis=axis))[..., None]


@variants.wrong("log_softmax", "returns a torch tensor, not an ndarray")
def log_softmax_returns_tensor(z, axis=-1):
    t = torch.as_tensor(np.asarray(z, dtype=float))
    s = t - t.amax(dim=axis, keepdim=True)
    return s - torch.log(torch.exp(s).sum(dim=axis, keepdim=True))


@variants.correct("log_softmax", "log1p of the sum of the other terms (one of them is exactly 1)")
def log_softmax_log1p(z, axis=-1):
    z = np.asarray(z, dtype=float)
    s = z - z.max(axis=axis, keepdims=True)
    return s - np.log1p(np.exp(s).sum(axis=axis, keepdims=True) - 1.0)


@variants.correct("log_softmax", "log of the student's own softmax in the log domain: z - m - log(sum)")
def log_softmax_moveaxis(z, axis=-1):
    z = np.moveaxis(np.asarray(z, dtype=float), axis, -1)
    m = z.max(axis=-1)
    lse = m + np.log(np.exp(z - m[..., None]).sum(axis=-1))
    return np.moveaxis(z - lse[..., None], -1, axis)


@variants.wrong("softmax_cross_entropy", "shifted by the global maximum, not each row's")
def loss_global_shift(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    s = logits - logits.max()
    with np.errstate(divide="ignore"):
        log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-np.mean(log_q[np.arange(N), y]))


@variants.wrong("softmax_cross_entropy", "logits -= max in place: modifies the caller's logits")
def loss_in_place(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    logits -= logits.max(axis=1, keepdims=True)
    log_q = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return float(-np.mean(log_q[np.arange(N), y]))


@variants.wrong("softmax_cross_entropy", "np.mean of one_hot * log_q: divides by N * C, not N")
def loss_mean_over_classes(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    s = logits - logits.max(axis=1, keepdims=True)
    log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-np.mean(np.eye(C)[y] * log_q))


@variants.wrong("softmax_cross_entropy", "label check y > C (off by one): label C is an IndexError")
def loss_off_by_one_check(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y > C):
        raise ValueError("bad labels")
    s = logits - logits.max(axis=1, keepdims=True)
    log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-np.mean(log_q[np.arange(N), y]))


@variants.wrong("softmax_cross_entropy", "computed in torch and returned as a 0-d tensor (no .item())")
def loss_returns_tensor(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    t = torch.from_numpy(logits)
    s = t - t.amax(dim=1, keepdim=True)
    log_q = s - torch.log(torch.exp(s).sum(dim=1, keepdim=True))
    return -log_q[torch.arange(N), torch.from_numpy(y)].mean()


@variants.wrong("softmax_cross_entropy", "np.logaddexp.reduce for the log-sum-exp")
def loss_logaddexp(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    N, C = logits.shape
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    return float(np.mean(np.logaddexp.reduce(logits, axis=1) - logits[np.arange(N), y]))


@variants.correct("softmax_cross_entropy", "reuses the notebook's own log_softmax")
def loss_own_log_softmax(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    if logits.ndim != 2 or y.shape != (logits.shape[0],):
        raise ValueError("y must have one label per row of logits")
    if np.any(y < 0) or np.any(y >= logits.shape[1]):
        raise ValueError("labels out of range")
    return -float(np.mean(log_softmax(logits, axis=1)[np.arange(len(y)), y]))


@variants.correct("softmax_cross_entropy", "np.take_along_axis for the true-class entries")
def loss_take_along_axis(logits, y):
    logits, y = np.asarray(logits, dtype=float), np.asarray(y)
    if logits.ndim != 2 or y.ndim != 1 or len(y) != len(logits):
        raise ValueError("y must have one label per row of logits")
    if y.min() < 0 or y.max() >= logits.shape[1]:
        raise ValueError("labels out of range")
    m = logits.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    picked = np.take_along_axis(logits, y[:, None], axis=1)
    return float(np.mean(lse - picked))


@variants.correct("softmax", "softmax_i = 1 / sum_j exp(z_j - z_i), every pair of logits (overflow is 1 / inf = 0)")
def softmax_pairwise(z, axis=-1):
    moved = np.moveaxis(np.asarray(z, dtype=float), axis, -1)
    with np.errstate(over="ignore"):
        out = 1.0 / np.exp(moved[..., None, :] - moved[..., :, None]).sum(axis=-1)
    return np.moveaxis(out, -1, axis)
