"""Wrong and correct implementations of the graded functions of the capstone (13).

Variants may use what the notebook's set-up cell imports: ``np`` and ``math``. A variant of
``diagnose`` may call the notebook's own ``diverged``, ``update_ratio`` and ``best_epoch`` (the
solution's, in the course tests).
"""

import math

import numpy as np

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# diverged
# --------------------------------------------------------------------------- #

@variants.wrong("diverged", "misses nan: comparisons only (every comparison with nan is False)",
                hint="np.isfinite")
def diverged_misses_nan(train_loss, factor=10.0):
    loss = np.asarray(train_loss, dtype=float)
    if loss.size == 0 or not factor > 1:
        raise ValueError("bad input")
    return bool(np.any(loss[1:] > factor * np.minimum.accumulate(loss)[:-1]))


@variants.wrong("diverged", "compares with the first loss instead of the smallest before it",
                hint="not with the first loss")
def diverged_first_entry(train_loss, factor=10.0):
    loss = np.asarray(train_loss, dtype=float)
    if loss.size == 0 or not factor > 1:
        raise ValueError("bad input")
    if not np.all(np.isfinite(loss)):
        return True
    return bool(np.any(loss[1:] > factor * loss[0]))


@variants.wrong("diverged", "compares with the previous loss instead of the smallest so far",
                hint="not with the previous loss")
def diverged_previous_entry(train_loss, factor=10.0):
    loss = np.asarray(train_loss, dtype=float)
    if loss.size == 0 or not factor > 1:
        raise ValueError("bad input")
    if not np.all(np.isfinite(loss)):
        return True
    return bool(np.any(loss[1:] > factor * loss[:-1]))


@variants.wrong("diverged", "compares with the minimum of the whole run (later losses included)",
                hint="minimum of the whole run")
def diverged_global_minimum(train_loss, factor=10.0):
    loss = np.asarray(train_loss, dtype=float)
    if loss.size == 0 or not factor > 1:
        raise ValueError("bad input")
    if not np.all(np.isfinite(loss)):
        return True
    return bool(np.any(loss > factor * loss.min()))


@variants.wrong("diverged", "at or above factor times the best (>= instead of >)",
                hint="strictly above")
def diverged_greater_equal(train_loss, factor=10.0):
    loss = np.asarray(train_loss, dtype=float)
    if loss.size == 0 or not factor > 1:
        raise ValueError("bad input")
    if not np.all(np.isfinite(loss)):
        return True
    return bool(np.any(loss[1:] >= factor * np.minimum.accumulate(loss)[:-1]))


@variants.wrong("diverged", "ignores the argument factor (always 10)", hint="use the argument factor")
def diverged_fixed_factor(train_loss, factor=10.0):
    loss = np.asarray(train_loss, dtype=float)
    if loss.size == 0 or not factor > 1:
        raise ValueError("bad input")
    if not np.all(np.isfinite(loss)):
        return True
    return bool(np.any(loss[1:] > 10.0 * np.minimum.accumulate(loss)[:-1]))


@variants.wrong("diverged", "returns 1 or 0 instead of a bool", hint="should return a bool")
def diverged_int(train_loss, factor=10.0):
    loss = np.asarray(train_loss, dtype=float)
    if loss.size == 0 or not factor > 1:
        raise ValueError("bad input")
    bad = not np.all(np.isfinite(loss)) or np.any(loss[1:] > factor * np.minimum.accumulate(loss)[:-1])
    return int(bad)


@variants.wrong("diverged", "accepts factor <= 1 (no check)", hint="factor must be > 1")
def diverged_no_factor_check(train_loss, factor=10.0):
    loss = np.asarray(train_loss, dtype=float)
    if loss.size == 0:
        raise ValueError("train_loss is empty")
    if not np.all(np.isfinite(loss)):
        return True
    return bool(np.any(loss[1:] > factor * np.minimum.accumulate(loss)[:-1]))


@variants.wrong("diverged", "an empty loss curve returns False instead of raising",
                hint="empty train_loss")
def diverged_empty_ok(train_loss, factor=10.0):
    loss = np.asarray(train_loss, dtype=float)
    if not factor > 1:
        raise ValueError("factor must be > 1")
    if not np.all(np.isfinite(loss)):
        return True
    return bool(np.any(loss[1:] > factor * np.minimum.accumulate(loss)[:-1]))


@variants.correct("diverged", "a loop with the best loss so far (math.isfinite)")
def diverged_loop(train_loss, factor=10.0):
    if len(train_loss) == 0:
        raise ValueError("train_loss must not be empty")
    if factor <= 1:
        raise ValueError("factor must be > 1")
    best = math.inf
    for value in train_loss:
        value = float(value)
        if not math.isfinite(value) or value > factor * best:
            return True
        best = min(best, value)
    return False


@variants.correct("diverged", "the best before each step with an inf in front, one vectorised test")
def diverged_shifted_minimum(train_loss, factor=10.0):
    loss = np.asarray(train_loss, dtype=np.float64)
    if loss.ndim != 1 or len(loss) == 0 or factor <= 1:
        raise ValueError("train_loss must be a non-empty 1-D array and factor > 1")
    best_before = np.concatenate([[np.inf], np.minimum.accumulate(loss)[:-1]])
    with np.errstate(invalid="ignore"):
        return bool(np.any(~np.isfinite(loss) | (loss > factor * best_before)))


@variants.correct("diverged", "the ratio to the best so far (losses are positive)")
def diverged_ratio(train_loss, factor=10.0):
    loss = np.array(train_loss, dtype=float)
    if loss.size == 0 or not factor > 1:
        raise ValueError("empty train_loss or factor <= 1")
    if np.isnan(loss).any() or np.isinf(loss).any():
        return True
    return np.max(loss[1:] / np.minimum.accumulate(loss)[:-1], initial=0.0) > factor


# --------------------------------------------------------------------------- #
# update_ratio
# --------------------------------------------------------------------------- #

@variants.wrong("update_ratio", "without the learning rate: |g| / |W|", hint="learning rate")
def ratio_without_lr(record):
    lr, g, w = (np.asarray(record[k], dtype=float) for k in ("lr", "grad_norms", "weight_norms"))
    if g.shape != w.shape or len(lr) != len(g) or np.any(w == 0):
        raise ValueError("shapes or a zero weight norm")
    return np.median(g / w, axis=0)


@variants.wrong("update_ratio", "the mean over the steps instead of the median", hint="MEDIAN")
def ratio_mean(record):
    lr, g, w = (np.asarray(record[k], dtype=float) for k in ("lr", "grad_norms", "weight_norms"))
    if g.shape != w.shape or len(lr) != len(g) or np.any(w == 0):
        raise ValueError("shapes or a zero weight norm")
    return np.mean(lr[:, None] * g / w, axis=0)


@variants.wrong("update_ratio", "the median of lr times the median of |g| / |W|",
                hint="not the median of lr times")
def ratio_product_of_medians(record):
    lr, g, w = (np.asarray(record[k], dtype=float) for k in ("lr", "grad_norms", "weight_norms"))
    if g.shape != w.shape or len(lr) != len(g) or np.any(w == 0):
        raise ValueError("shapes or a zero weight norm")
    return np.median(lr) * np.median(g / w, axis=0)


@variants.wrong("update_ratio", "the median over the layers (axis 1) instead of the steps",
                hint="not over the layers")
def ratio_wrong_axis(record):
    lr, g, w = (np.asarray(record[k], dtype=float) for k in ("lr", "grad_norms", "weight_norms"))
    if g.shape != w.shape or len(lr) != len(g) or np.any(w == 0):
        raise ValueError("shapes or a zero weight norm")
    return np.median(lr[:, None] * g / w, axis=1)


@variants.wrong("update_ratio", "the upper middle value for an even number of steps (sorted[T // 2])",
                hint="even number of steps")
def ratio_upper_middle(record):
    lr, g, w = (np.asarray(record[k], dtype=float) for k in ("lr", "grad_norms", "weight_norms"))
    if g.shape != w.shape or len(lr) != len(g) or np.any(w == 0):
        raise ValueError("shapes or a zero weight norm")
    r = np.sort(lr[:, None] * g / w, axis=0)
    return r[len(r) // 2]


@variants.wrong("update_ratio", "scales record['grad_norms'] in place", hint="modified its input")
def ratio_in_place(record):
    g = record["grad_norms"]
    if np.any(np.asarray(record["weight_norms"]) == 0) or len(record["lr"]) != len(g):
        raise ValueError("a zero weight norm or mismatched lengths")
    g *= np.asarray(record["lr"])[:, None]
    return np.median(g / record["weight_norms"], axis=0)


@variants.wrong("update_ratio", "no check of a zero weight norm (divides by it)",
                hint="a weight norm of 0")
def ratio_no_zero_check(record):
    lr, g, w = (np.asarray(record[k], dtype=float) for k in ("lr", "grad_norms", "weight_norms"))
    if g.shape != w.shape or len(lr) != len(g):
        raise ValueError("shapes")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.median(lr[:, None] * g / w, axis=0)


@variants.correct("update_ratio", "loops over the layers and steps, the median by sorting")
def ratio_loops(record):
    lr, g, w = list(record["lr"]), np.asarray(record["grad_norms"]), np.asarray(record["weight_norms"])
    if g.shape != w.shape or len(lr) != g.shape[0]:
        raise ValueError("lr must be (T,) and the norms (T, L), with the same T and L")
    T, L = g.shape
    out = np.empty(L)
    for l in range(L):
        values = []
        for t in range(T):
            if w[t, l] == 0:
                raise ValueError("zero weight norm")
            values.append(lr[t] * g[t, l] / w[t, l])
        values.sort()
        mid = T // 2
        out[l] = values[mid] if T % 2 else (values[mid - 1] + values[mid]) / 2
    return out


@variants.correct("update_ratio", "np.percentile at 50, the rate broadcast with reshape")
def ratio_percentile(record):
    lr, g, w = (np.asarray(record[key], dtype=float) for key in ("lr", "grad_norms", "weight_norms"))
    if g.ndim != 2 or w.shape != g.shape or lr.shape != (g.shape[0],):
        raise ValueError("mismatched shapes")
    if (w == 0).any():
        raise ValueError("a weight norm is zero")
    return np.percentile(lr.reshape(-1, 1) * (g / w), 50, axis=0)


# --------------------------------------------------------------------------- #
# best_epoch
# --------------------------------------------------------------------------- #

@variants.wrong("best_epoch", "the last of tied best epochs", hint="FIRST epoch")
def best_last_tie(val_loss):
    v = np.asarray(val_loss, dtype=float)
    if v.size == 0 or not np.all(np.isfinite(v)):
        raise ValueError("val_loss")
    return int(len(v) - 1 - np.argmin(v[::-1]))


@variants.wrong("best_epoch", "argmax: the worst epoch", hint="not the largest")
def best_argmax(val_loss):
    v = np.asarray(val_loss, dtype=float)
    if v.size == 0 or not np.all(np.isfinite(v)):
        raise ValueError("val_loss")
    return int(np.argmax(v))


@variants.wrong("best_epoch", "epochs counted from 1", hint="do not add 1")
def best_one_based(val_loss):
    v = np.asarray(val_loss, dtype=float)
    if v.size == 0 or not np.all(np.isfinite(v)):
        raise ValueError("val_loss")
    return int(np.argmin(v)) + 1


@variants.wrong("best_epoch", "returns the best loss, not its epoch", hint="should return an int")
def best_value(val_loss):
    v = np.asarray(val_loss, dtype=float)
    if v.size == 0 or not np.all(np.isfinite(v)):
        raise ValueError("val_loss")
    return float(v.min())


@variants.wrong("best_epoch", "accepts nan (np.argmin returns the nan's index)",
                hint="a nan validation loss")
def best_no_nan_check(val_loss):
    v = np.asarray(val_loss, dtype=float)
    if v.size == 0:
        raise ValueError("val_loss is empty")
    return int(np.argmin(v))


@variants.correct("best_epoch", "a loop that keeps the first strict improvement")
def best_loop(val_loss):
    best, where = math.inf, None
    for e, v in enumerate(val_loss):
        if not math.isfinite(v):
            raise ValueError("val_loss must be finite")
        if v < best:
            best, where = v, e
    if where is None:
        raise ValueError("val_loss is empty")
    return where


@variants.correct("best_epoch", "the first index where the loss equals its minimum (np.flatnonzero)")
def best_flatnonzero(val_loss):
    v = np.asarray(val_loss, dtype=float)
    if len(v) == 0 or np.isnan(v).any() or np.isinf(v).any():
        raise ValueError("val_loss must be non-empty and finite")
    return np.flatnonzero(v == v.min())[0]


# --------------------------------------------------------------------------- #
# diagnose
# --------------------------------------------------------------------------- #

@variants.wrong("diagnose", "always answers the commonest cause in practice, 'healthy'",
                hint="answered 'healthy' 4x")
def diagnose_always_healthy(record):
    return "healthy"


@variants.wrong("diagnose", "ignores overfitting (the validation loss is never read)",
                hint="missed: overfitting 4 of 4")
def diagnose_no_overfitting(record):
    loss = np.asarray(record["train_loss"], dtype=float)
    if diverged(np.maximum(loss, 0.1)):
        return "lr_too_high"
    dead = np.asarray(record["dead_fraction"])
    if dead[len(loss) - max(1, len(loss) // 4):].mean(axis=0).max() > 0.5:
        return "dead_relus"
    g = np.median(record["grad_norms"], axis=0)
    if g[0] < 1e-2 * g[-1]:
        return "vanishing_gradients"
    train = record["train_epoch_loss"]
    if train[-1] > 0.9 * train[0] and np.median(update_ratio(record)) < 1e-3:
        return "lr_too_low"
    return "healthy"


@variants.wrong("diagnose", "tests the rate (a small update ratio alone) before overfitting",
                hint="missed: overfitting")
def diagnose_rate_before_overfitting(record):
    loss = np.asarray(record["train_loss"], dtype=float)
    if diverged(np.maximum(loss, 0.1)):
        return "lr_too_high"
    dead = np.asarray(record["dead_fraction"])
    if dead[len(loss) - max(1, len(loss) // 4):].mean(axis=0).max() > 0.5:
        return "dead_relus"
    g = np.median(record["grad_norms"], axis=0)
    if g[0] < 1e-2 * g[-1]:
        return "vanishing_gradients"
    if np.median(update_ratio(record)) < 1e-4:
        return "lr_too_low"
    val = record["val_loss"]
    best = best_epoch(val)
    if best < len(val) - 1 and val[-1] > 1.05 * val[best]:
        return "overfitting"
    return "healthy"


@variants.wrong("diagnose", "never tests for divergence (an exploded run goes to the other tests)",
                hint="missed: lr_too_high 4 of 4")
def diagnose_no_divergence_test(record):
    loss = np.asarray(record["train_loss"], dtype=float)
    dead = np.asarray(record["dead_fraction"])
    if dead[len(loss) - max(1, len(loss) // 4):].mean(axis=0).max() > 0.5:
        return "dead_relus"
    g = np.median(record["grad_norms"], axis=0)
    if g[0] < 1e-2 * g[-1]:
        return "vanishing_gradients"
    val, train = record["val_loss"], record["train_epoch_loss"]
    best = best_epoch(val)
    if best < len(val) - 1 and val[-1] > 1.05 * val[best] and train[-1] < train[best]:
        return "overfitting"
    if train[-1] > 0.9 * train[0] and np.median(update_ratio(record)) < 1e-3:
        return "lr_too_low"
    return "healthy"


@variants.wrong("diagnose", "the gradient test upside down (last layer against the first)",
                hint="missed: vanishing_gradients")
def diagnose_gradients_inverted(record):
    loss = np.asarray(record["train_loss"], dtype=float)
    if diverged(np.maximum(loss, 0.1)):
        return "lr_too_high"
    dead = np.asarray(record["dead_fraction"])
    if dead[len(loss) - max(1, len(loss) // 4):].mean(axis=0).max() > 0.5:
        return "dead_relus"
    g = np.median(record["grad_norms"], axis=0)
    if g[-1] < 1e-2 * g[0]:
        return "vanishing_gradients"
    val, train = record["val_loss"], record["train_epoch_loss"]
    best = best_epoch(val)
    if best < len(val) - 1 and val[-1] > 1.05 * val[best] and train[-1] < train[best]:
        return "overfitting"
    if train[-1] > 0.9 * train[0] and np.median(update_ratio(record)) < 1e-3:
        return "lr_too_low"
    return "healthy"


@variants.wrong("diagnose", "answers with names that are not causes ('lr too high')",
                hint="not one of the causes")
def diagnose_bad_names(record):
    loss = np.asarray(record["train_loss"], dtype=float)
    if diverged(np.maximum(loss, 0.1)):
        return "lr too high"
    return "no idea"


@variants.wrong("diagnose", "floors the recorded loss at 0.1 in place (np.clip with out=)",
                hint="modified its input")
def diagnose_in_place(record):
    loss = record["train_loss"]
    np.clip(loss, 0.1, None, out=loss)
    if diverged(loss):
        return "lr_too_high"
    val, train = record["val_loss"], record["train_epoch_loss"]
    best = best_epoch(val)
    if best < len(val) - 1 and val[-1] > 1.05 * val[best] and train[-1] < train[best]:
        return "overfitting"
    return "healthy"


@variants.correct("diagnose", "differently built: other statistics and thresholds, loops, its own "
                              "divergence test")
def diagnose_own_rules(record):
    loss = [float(x) for x in record["train_loss"]]
    # 1. an explosion: not finite, or a jump above 10 times the best so far, counted from 0.05
    best = math.inf
    for value in loss:
        if not math.isfinite(value) or max(value, 0.05) > 10 * best:
            return "lr_too_high"
        best = min(best, max(value, 0.05))
    T = len(loss)
    dead = np.asarray(record["dead_fraction"], dtype=float)
    # 2. the last 10 steps (or fewer): more than 60 % of some layer dead
    if dead[-min(10, T):].mean(axis=0).max() > 0.6:
        return "dead_relus"
    # 3. the mean gradient norms over the second half, in orders of magnitude
    g = np.asarray(record["grad_norms"], dtype=float)[T // 2:].mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if np.log10(g[0] / g[-1]) < -2.5:
            return "vanishing_gradients"
    # 4. the validation loss ends at least 2 % above its best, in the first 80 % of the epochs
    val = list(record["val_loss"])
    e = val.index(min(val))
    if e < 0.8 * len(val) and val[-1] > 1.02 * val[e]:
        return "overfitting"
    # 5. the training loss has lost less than 7 % of its first-epoch value
    train = record["train_epoch_loss"]
    if train[-1] > 0.93 * train[0]:
        return "lr_too_low"
    return "healthy"


@variants.correct("diagnose", "the table's rules, with the mean update ratio of the last epoch")
def diagnose_last_epoch_ratio(record):
    loss = np.asarray(record["train_loss"], dtype=float)
    if diverged(np.clip(loss, 0.1, None)):
        return "lr_too_high"
    T, E = len(loss), len(record["val_loss"])
    quarter = slice(T - max(1, T // 4), T)
    if np.any(np.mean(record["dead_fraction"][quarter], axis=0) > 0.5):
        return "dead_relus"
    g = np.median(record["grad_norms"], axis=0)
    if g[0] / g[-1] < 1e-2:
        return "vanishing_gradients"
    val, train = np.asarray(record["val_loss"]), np.asarray(record["train_epoch_loss"])
    best = best_epoch(val)
    if best < E - 1 and val[-1] > 1.05 * val[best] and train[-1] < train[best]:
        return "overfitting"
    last_epoch = slice(T - T // E, T)
    ratio = record["lr"][last_epoch, None] * record["grad_norms"][last_epoch] / record["weight_norms"][last_epoch]
    if train[-1] > 0.9 * train[0] and ratio.mean() < 1e-4:
        return "lr_too_low"
    return "healthy"
