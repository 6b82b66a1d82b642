"""Wrong and correct implementations of the graded functions of lesson 09.

Each variant runs in the lesson's kernel, where the set-up cell has imported ``math``
and ``np``; anything else is imported inside the variant. A variant that should fail
for one mistake keeps everything else right (validation included), so that the check
which rejects it is the one meant to.

The variants that use torch's schedulers make a torch optimiser when they are defined (a
default argument, a class attribute), as a learner who used torch earlier in the notebook
would have: the first optimiser of a process imports hundreds of modules, which under the
shortcut guard's profiler can outlast the time limit of the first call and then fails for
that reason instead of the shortcut.
"""

import math

import numpy as np

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# step_decay
# --------------------------------------------------------------------------- #


@variants.wrong("step_decay", "off by one: (step + 1) // step_size, the first cut one step early",
                hint="off by one step")
def step_decay_early(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** ((step + 1) // step_size))


@variants.wrong("step_decay", "off by one: max(step - 1, 0) // step_size, the first cut one step late")
def step_decay_late(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** (max(step - 1, 0) // step_size))


@variants.wrong("step_decay", "one cut too many: gamma ** (step // step_size + 1)")
def step_decay_extra_cut(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** (step // step_size + 1))


@variants.wrong("step_decay", "true division: a continuous exponential decay instead of stairs")
def step_decay_continuous(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** (step / step_size))


@variants.wrong("step_decay", "round(step / step_size) instead of the floor")
def step_decay_round(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** round(step / step_size))


@variants.wrong("step_decay", "gamma times the number of cuts instead of a power")
def step_decay_product(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    cuts = step // step_size
    return float(lr0 * gamma * cuts) if cuts else float(lr0)


@variants.wrong("step_decay", "returns a 0-d array (np.asarray), not a float")
def step_decay_array(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return np.asarray(lr0 * gamma ** (step // step_size))


@variants.wrong("step_decay", "rejects gamma = 1 (a valid factor: no decay)")
def step_decay_rejects_gamma_one(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma < 1:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** (step // step_size))


@variants.wrong("step_decay", "rejects step_size = 1 (a cut at every step is valid)")
def step_decay_rejects_size_one(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size <= 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** (step // step_size))


@variants.wrong("step_decay", "accepts a negative step")
def step_decay_negative_step(step, lr0, gamma, step_size):
    if step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** (step // step_size))


@variants.wrong("step_decay", "accepts gamma outside (0, 1]")
def step_decay_any_gamma(step, lr0, gamma, step_size):
    if step < 0 or step_size < 1 or lr0 < 0:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** (step // step_size))


@variants.wrong("step_decay", "accepts step_size = 0 (ZeroDivisionError instead of ValueError)")
def step_decay_size_zero(step, lr0, gamma, step_size):
    if step < 0 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** (step // step_size))


@variants.wrong("step_decay", "torch's StepLR driven with a dummy optimiser")
def step_decay_torch(step, lr0, gamma, step_size,
                     _optimiser=__import__("torch").optim.SGD([__import__("torch").zeros(1)], lr=0.1)):
    import torch
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size, gamma)
    for _ in range(step):
        opt.step()
        sched.step()
    return float(opt.param_groups[0]["lr"])


@variants.wrong("step_decay", "accepts a whole float step_size (2.0): only checks step_size >= 1",
                hint="is a float")
def step_decay_float_size(step, lr0, gamma, step_size):
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
        raise ValueError("step must be an integer")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** (step // int(step_size)))


@variants.wrong("step_decay", "accepts step_size = True: isinstance(True, int) holds", hint="True is a bool")
def step_decay_bool_size(step, lr0, gamma, step_size):
    for whole in (step, step_size):
        if not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return float(lr0 * gamma ** (step // step_size))


@variants.correct("step_decay", "a loop that multiplies by gamma at every multiple of step_size")
def step_decay_loop(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    lr = lr0
    for t in range(1, step + 1):
        if t % step_size == 0:
            lr *= gamma
    return lr


@variants.correct("step_decay", "math.floor(step / step_size), validation with messages")
def step_decay_floor(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")
    if step_size < 1:
        raise ValueError(f"step_size must be >= 1, got {step_size}")
    if lr0 < 0:
        raise ValueError("lr0 must be >= 0")
    if gamma <= 0 or gamma > 1:
        raise ValueError("gamma must be in (0, 1]")
    return lr0 * gamma ** math.floor(step / step_size)


@variants.correct("step_decay", "vectorised: accepts arrays of steps, float for a scalar")
def step_decay_vectorised(step, lr0, gamma, step_size):
    if isinstance(step, bool) or np.asarray(step).dtype.kind not in "iu":
        raise ValueError("step must be an integer or an integer array")
    if isinstance(step_size, bool) or not isinstance(step_size, (int, np.integer)):
        raise ValueError("step_size must be an integer")
    t = np.asarray(step)
    if np.any(t < 0) or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    out = lr0 * np.power(gamma, t // step_size)
    return float(out) if out.ndim == 0 else out


@variants.correct("step_decay", "exp of a log: lr0 * exp((step // step_size) * log(gamma))")
def step_decay_exp_log(step, lr0, gamma, step_size):
    for whole in (step, step_size,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or step_size < 1 or lr0 < 0 or not 0 < gamma <= 1:
        raise ValueError("invalid argument")
    return lr0 * math.exp((step // step_size) * math.log(gamma))


# --------------------------------------------------------------------------- #
# cosine_decay
# --------------------------------------------------------------------------- #


@variants.wrong("cosine_decay", "the cosine continues past total_steps (no min)",
                hint="went on past total_steps")
def cosine_no_clip(step, lr0, total_steps, lr_min=0.0):
    for whole in (step, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    return float(lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * step / total_steps)) / 2)


@variants.wrong("cosine_decay", "off by one: divides by total_steps - 1 (lr_min one step early)")
def cosine_minus_one(step, lr0, total_steps, lr_min=0.0):
    for whole in (step, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    n = max(total_steps - 1, 1)
    return float(lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * min(step, n) / n)) / 2)


@variants.wrong("cosine_decay", "off by one: step + 1 (the first step is already below lr0)")
def cosine_plus_one(step, lr0, total_steps, lr_min=0.0):
    for whole in (step, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    return float(lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * min(step + 1, total_steps) / total_steps)) / 2)


@variants.wrong("cosine_decay", "1 - cos: rises from lr_min to lr0")
def cosine_reversed(step, lr0, total_steps, lr_min=0.0):
    for whole in (step, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    return float(lr_min + (lr0 - lr_min) * (1 - math.cos(math.pi * min(step, total_steps) / total_steps)) / 2)


@variants.wrong("cosine_decay", "ignores lr_min: decays to 0")
def cosine_no_floor(step, lr0, total_steps, lr_min=0.0):
    for whole in (step, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    return float(lr0 * (1 + math.cos(math.pi * min(step, total_steps) / total_steps)) / 2)


@variants.wrong("cosine_decay", "amplitude lr0 instead of lr0 - lr_min")
def cosine_wrong_amplitude(step, lr0, total_steps, lr_min=0.0):
    for whole in (step, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    return float(lr_min + lr0 * (1 + math.cos(math.pi * min(step, total_steps) / total_steps)) / 2)


@variants.wrong("cosine_decay", "returns np.where's 0-d array, not a float")
def cosine_zero_d(step, lr0, total_steps, lr_min=0.0):
    for whole in (step, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    return np.where(step >= total_steps, lr_min,
                    lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * step / total_steps)) / 2)


@variants.wrong("cosine_decay", "rejects lr_min == lr0 (a valid constant schedule)")
def cosine_strict_floor(step, lr0, total_steps, lr_min=0.0):
    for whole in (step, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= lr_min < lr0:
        raise ValueError("invalid argument")
    return float(lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * min(step, total_steps) / total_steps)) / 2)


@variants.wrong("cosine_decay", "accepts a negative step")
def cosine_negative_step(step, lr0, total_steps, lr_min=0.0):
    if total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    return float(lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * min(step, total_steps) / total_steps)) / 2)


@variants.wrong("cosine_decay", "accepts lr_min above lr0")
def cosine_any_floor(step, lr0, total_steps, lr_min=0.0):
    if step < 0 or total_steps < 1 or lr_min < 0:
        raise ValueError("invalid argument")
    return float(lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * min(step, total_steps) / total_steps)) / 2)


@variants.wrong("cosine_decay", "accepts total_steps = 0 (ZeroDivisionError instead of ValueError)")
def cosine_total_zero(step, lr0, total_steps, lr_min=0.0):
    if step < 0 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    return float(lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * min(step, total_steps) / total_steps)) / 2)


@variants.wrong("cosine_decay", "torch's CosineAnnealingLR driven with a dummy optimiser")
def cosine_torch(step, lr0, total_steps, lr_min=0.0,
                 _optimiser=__import__("torch").optim.SGD([__import__("torch").zeros(1)], lr=0.1)):
    import torch
    if step < 0 or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr0)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, total_steps, eta_min=lr_min)
    for _ in range(min(step, total_steps)):
        opt.step()
        sched.step()
    return float(opt.param_groups[0]["lr"])


@variants.wrong("cosine_decay", "accepts total_steps = True (and 10.0): no check of the type",
                hint="is a float")
def cosine_any_total(step, lr0, total_steps, lr_min=0.0):
    if step < 0 or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    return float(lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * min(step, total_steps) / total_steps)) / 2)


@variants.correct("cosine_decay", "cos^2 form: lr_min + (lr0 - lr_min) cos^2(pi t / (2T))")
def cosine_squared(step, lr0, total_steps, lr_min=0.0):
    for whole in (step, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    return lr_min + (lr0 - lr_min) * math.cos(math.pi * min(step, total_steps) / (2 * total_steps)) ** 2


@variants.correct("cosine_decay", "torch's recursion by hand, step after step from lr0")
def cosine_recursive(step, lr0, total_steps, lr_min=0.0):
    for whole in (step, total_steps):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    lr, T = lr0, total_steps
    for t in range(1, min(step, T) + 1):
        # CosineAnnealingLR's recursive form (its get_lr), exact in exact arithmetic
        lr = lr_min + (lr - lr_min) * (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T)) \
            if t < T else lr_min
    return lr


@variants.correct("cosine_decay", "lr0 - (lr0 - lr_min)(1 - cos)/2, with np.clip")
def cosine_other_form(step, lr0, total_steps, lr_min=0.0):
    for whole in (step, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0:
        raise ValueError("step must be >= 0")
    if total_steps < 1:
        raise ValueError("total_steps must be >= 1")
    if lr_min < 0 or lr_min > lr0:
        raise ValueError("need 0 <= lr_min <= lr0")
    progress = np.clip(step / total_steps, 0.0, 1.0)
    return float(lr0 - (lr0 - lr_min) * (1 - np.cos(np.pi * progress)) / 2)


@variants.correct("cosine_decay", "vectorised over arrays of steps, float for a scalar")
def cosine_vectorised(step, lr0, total_steps, lr_min=0.0):
    if isinstance(step, bool) or np.asarray(step).dtype.kind not in "iu":
        raise ValueError("step must be an integer or an integer array")
    for whole in (total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    t = np.asarray(step)
    if np.any(t < 0) or total_steps < 1 or not 0 <= lr_min <= lr0:
        raise ValueError("invalid argument")
    out = lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * np.minimum(t, total_steps) / total_steps)) / 2
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------- #
# warmup_cosine
# --------------------------------------------------------------------------- #


@variants.wrong("warmup_cosine", "the ramp starts at peak_lr / warmup_steps: (step + 1) / warmup_steps")
def warmup_starts_high(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    if step >= total_steps:
        return lr_min
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "divides by warmup_steps before testing the phase: ZeroDivisionError at 0")
def warmup_divides_by_zero(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    ramp = peak_lr * step / warmup_steps
    if step < warmup_steps:
        return ramp
    if step >= total_steps:
        return lr_min
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "divides by total_steps - warmup_steps even from total_steps on: 0 when W = T")
def warmup_divides_by_zero_at_end(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    p = min(step - warmup_steps, total_steps - warmup_steps) / (total_steps - warmup_steps)
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "the cosine phase lasts total_steps instead of total_steps - warmup_steps")
def warmup_cosine_too_long(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return lr_min
    p = (step - warmup_steps) / total_steps
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "the cosine ignores the warm-up offset: cos(pi * step / total_steps)")
def warmup_cosine_no_offset(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    p = min(step, total_steps) / total_steps
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "the cosine continues past total_steps")
def warmup_no_clip(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if warmup_steps == total_steps:
        return lr_min
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "the ramp starts from lr_min instead of 0")
def warmup_from_floor(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return lr_min + (peak_lr - lr_min) * step / warmup_steps
    if step >= total_steps:
        return lr_min
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "the cosine decays to 0, ignoring lr_min (but returns lr_min after the end)")
def warmup_ignores_floor(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return lr_min
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return peak_lr * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "off by one: the cosine phase starts one step late (peak held twice)")
def warmup_late_cosine(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return lr_min
    p = max(step - warmup_steps - 1, 0) / (total_steps - warmup_steps)
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "rejects warmup_steps = 0 (no warm-up is valid)")
def warmup_rejects_zero(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 1 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return lr_min
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "rejects warmup_steps == total_steps (valid: no cosine phase)")
def warmup_rejects_full(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps < total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return lr_min
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "accepts warmup_steps > total_steps")
def warmup_too_long_accepted(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    if step < 0 or total_steps < 1 or warmup_steps < 0 or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return lr_min
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "accepts a negative step (a negative rate on the ramp)")
def warmup_negative_step(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    if total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return lr_min
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2


@variants.wrong("warmup_cosine", "torch's LambdaLR driven with a dummy optimiser")
def warmup_torch(step, peak_lr, warmup_steps, total_steps, lr_min=0.0,
                 _optimiser=__import__("torch").optim.SGD([__import__("torch").zeros(1)], lr=0.1)):
    import torch
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")

    def factor(t):
        if t < warmup_steps:
            return t / warmup_steps
        if t >= total_steps:
            return lr_min / peak_lr if peak_lr else 0.0
        p = (t - warmup_steps) / (total_steps - warmup_steps)
        return (lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * p)) / 2) / peak_lr if peak_lr else 0.0

    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=peak_lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    for _ in range(min(step, total_steps)):
        opt.step()
        sched.step()
    return float(opt.param_groups[0]["lr"])


@variants.wrong("warmup_cosine", "accepts warmup_steps = True: isinstance(True, int) holds",
                hint="True is a bool")
def warmup_bool_warmup(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps):
        if not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return float(peak_lr * step / warmup_steps)
    if step >= total_steps:
        return float(lr_min)
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return float(lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * progress)) / 2)


@variants.correct("warmup_cosine", "calls the learner's own cosine_decay for the second phase")
def warmup_with_cosine_decay(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return float(lr_min)
    return cosine_decay(step - warmup_steps, peak_lr, total_steps - warmup_steps, lr_min)


@variants.correct("warmup_cosine", "ramp while step <= warmup_steps (same value at W), guarded W = 0")
def warmup_inclusive(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0:
        raise ValueError("step must be >= 0")
    if total_steps < 1:
        raise ValueError("total_steps must be >= 1")
    if warmup_steps < 0 or warmup_steps > total_steps:
        raise ValueError("need 0 <= warmup_steps <= total_steps")
    if lr_min < 0 or lr_min > peak_lr:
        raise ValueError("need 0 <= lr_min <= peak_lr")
    if warmup_steps > 0 and step <= warmup_steps and step < total_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return lr_min
    return lr_min + (peak_lr - lr_min) * (1 + math.cos(math.pi * (step - warmup_steps)
                                                         / (total_steps - warmup_steps))) / 2


@variants.correct("warmup_cosine", "vectorised with np.where under np.errstate")
def warmup_vectorised(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    if isinstance(step, bool) or np.asarray(step).dtype.kind not in "iu":
        raise ValueError("step must be an integer or an integer array")
    for whole in (warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    t = np.asarray(step, dtype=float)
    if np.any(t < 0) or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    with np.errstate(divide="ignore", invalid="ignore"):
        ramp = peak_lr * t / warmup_steps
        p = np.clip((t - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
        cos = lr_min + (peak_lr - lr_min) * (1 + np.cos(np.pi * p)) / 2
    out = np.where(t < warmup_steps, ramp, np.where(t >= total_steps, lr_min, cos))
    return float(out) if out.ndim == 0 else out


@variants.correct("warmup_cosine", "sin^2 form of the cosine phase")
def warmup_sin_squared(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    for whole in (step, warmup_steps, total_steps,):
        if isinstance(whole, bool) or not isinstance(whole, (int, np.integer)):
            raise ValueError("integer arguments must be integers")
    if step < 0 or total_steps < 1 or not 0 <= warmup_steps <= total_steps or not 0 <= lr_min <= peak_lr:
        raise ValueError("invalid argument")
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    if step >= total_steps:
        return lr_min
    p = (step - warmup_steps) / (total_steps - warmup_steps)
    return peak_lr - (peak_lr - lr_min) * math.sin(math.pi * p / 2) ** 2


# --------------------------------------------------------------------------- #
# ReduceLROnPlateau
# --------------------------------------------------------------------------- #


@variants.wrong("ReduceLROnPlateau", "patience off by one: cuts when the count REACHES patience")
class PlateauPatienceEarly:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad >= self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "absolute threshold: metric < best - threshold",
                hint="the threshold is relative")
class PlateauAbsolute:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        if metric < self.best - self.threshold:
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "ignores min_lr: goes below the floor", hint="never goes below min_lr")
class PlateauNoFloor:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = self.lr * self.factor
            self.bad = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "state on the class: every scheduler shares best and the count",
                hint="on the instance")
class PlateauClassState:
    best = math.inf
    bad = 0

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        type(self).best, type(self).bad = math.inf, 0

    def step(self, metric):
        cls = ReduceLROnPlateau
        if metric < cls.best * (1 - self.threshold):
            cls.best, cls.bad = metric, 0
        else:
            cls.bad += 1
        if cls.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            cls.bad = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "state in a mutable default argument, shared by every instance",
                hint="on the instance")
class PlateauMutableDefault:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0, state={}):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.factor, self.patience, self.threshold, self.min_lr = factor, patience, threshold, min_lr
        self.state = state
        self.state.setdefault("best", math.inf)
        self.state.setdefault("bad", 0)
        self.lr = lr

    def step(self, metric):
        s = self.state
        if metric < s["best"] * (1 - self.threshold):
            s["best"], s["bad"] = metric, 0
        else:
            s["bad"] += 1
        if s["bad"] > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            s["bad"] = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "the count of bad steps is not reset after a cut")
class PlateauNoReset:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
        return self.lr


@variants.wrong("ReduceLROnPlateau", "<= instead of <: an equal metric counts as an improvement")
class PlateauLessEqual:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        if metric <= self.best * (1 - self.threshold):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "best follows every lower metric, improvement or not")
class PlateauBestCreeps:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.bad = 0
        else:
            self.bad += 1
        self.best = min(self.best, metric)
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "returns the rate used for this step (before the cut)")
class PlateauStaleRate:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        used = self.lr
        if metric < self.best * (1 - self.threshold):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return used


@variants.wrong("ReduceLROnPlateau", "bad steps counted against the previous metric, not the best")
class PlateauPreviousMetric:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.last, self.bad = math.inf, 0

    def step(self, metric):
        if metric < self.last * (1 - self.threshold):
            self.bad = 0
        else:
            self.bad += 1
        self.last = metric
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "the first metric is taken as the best but counted as a bad step")
class PlateauFirstIsBad:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = None, 0

    def step(self, metric):
        if self.best is None:
            self.best = metric
        if metric < self.best * (1 - self.threshold):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "accepts factor >= 1 (and <= 0)")
class PlateauAnyFactor:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if lr <= 0 or patience < 0 or not 0 <= threshold < 1 or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "no validation at all")
class PlateauNoValidation:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "wraps torch's ReduceLROnPlateau with a dummy optimiser")
class PlateauTorch:
    _optimiser = __import__("torch").optim.SGD([__import__("torch").zeros(1)], lr=0.1)

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        import torch
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
        self.sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
            self.opt, factor=factor, patience=patience, threshold=threshold, min_lr=min_lr)

    def step(self, metric):
        self.sched.step(metric)
        return float(self.opt.param_groups[0]["lr"])


@variants.wrong("ReduceLROnPlateau", "the count of bad steps is not reset on an improvement",
                hint="an improvement resets the count")
class PlateauNoResetOnImprovement:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best = metric                 # the count of bad steps is left as it was
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return self.lr


@variants.wrong("ReduceLROnPlateau", "accepts patience = True: isinstance(True, int) holds",
                hint="True is a bool")
class PlateauBoolPatience:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return self.lr


@variants.correct("ReduceLROnPlateau", "no eps: every cut is applied, however small")
class PlateauNoEps:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.bad = math.inf, 0

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.bad = 0
        return self.lr


@variants.correct("ReduceLROnPlateau", "best = None sentinel; relative gain (best - m) > threshold * best")
class PlateauSentinel:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if not lr > 0:
            raise ValueError("lr must be > 0")
        if not 0 < factor < 1:
            raise ValueError("factor must be in (0, 1)")
        if patience < 0:
            raise ValueError("patience must be >= 0")
        if not 0 <= threshold < 1:
            raise ValueError("threshold must be in [0, 1)")
        if min_lr < 0:
            raise ValueError("min_lr must be >= 0")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.waited = None, 0

    def step(self, metric):
        if self.best is None or self.best - metric > self.threshold * self.best:
            self.best, self.waited = metric, 0
        else:
            self.waited += 1
            if self.waited > self.patience:
                new = max(self.lr * self.factor, self.min_lr)
                if self.lr - new > 1e-8:
                    self.lr = new
                self.waited = 0
        return float(self.lr)


@variants.correct("ReduceLROnPlateau", "rate as lr0 * factor ** cuts, floored at min_lr")
class PlateauPower:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr0, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.cuts, self.best, self.bad = 0, math.inf, 0
        self.lr = lr

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.bad = metric, 0
        else:
            self.bad += 1
        if self.bad > self.patience:
            self.cuts += 1
            self.lr = max(self.lr0 * self.factor ** self.cuts, self.min_lr)
            self.bad = 0
        return self.lr


@variants.correct("ReduceLROnPlateau", "keeps the whole history of metrics and counts from the last reset")
class PlateauHistory:
    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
            raise ValueError("patience must be an integer")
        if lr <= 0 or not 0 < factor < 1 or patience < 0 or not 0 <= threshold < 1 \
                or min_lr < 0:
            raise ValueError("invalid argument")
        self.lr, self.factor, self.patience = lr, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.history, self.best, self.reset_at = [], float("inf"), 0

    def step(self, metric):
        self.history.append(float(metric))
        if metric < self.best * (1 - self.threshold):
            self.best = metric
            self.reset_at = len(self.history)
        if len(self.history) - self.reset_at > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.reset_at = len(self.history)
        return self.lr
