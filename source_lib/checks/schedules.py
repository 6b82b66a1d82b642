"""Checks of lesson 09 (learning-rate schedules): the three schedule functions over whole
ranges of steps (0 to well past ``total_steps``), one ``int`` step at a time, and the
reduce-on-plateau scheduler over hand-worked and long random metric sequences.

Every expected value comes from ``source_lib.schedules`` or is derived by hand in a
comment. The schedule functions are called with Python ``int`` steps only: accepting
arrays of steps is allowed, not required. Their results must be single numbers (a
``float``; a NumPy scalar or an ``int`` is accepted, an array, even 0-d, is not).

Reduce-on-plateau follows torch's rules, including ``eps = 1e-8`` (a cut that changes the
rate by less is skipped). Whether a learner's version skips such cuts is not graded: the
rates are compared with an absolute tolerance of ``2 eps / (1 - factor)`` on top of a
relative one (skipping or not changes a rate by less than ``eps / (1 - factor)``), and
the hand-worked cases, which expose every mistake, keep the rates far above it.
Metrics are non-negative (losses), where ``m < best * (1 - threshold)`` and
``best - m > threshold * best`` agree.
"""

import math

import numpy as np

from source_lib import schedules as ref
from source_lib.checks import Choice, Lesson, Number
from source_lib.testing import describe, fail

checks = Lesson("09_lr_schedules")

# The schedulers of torch do the exercises. Every scheduler but one runs
# LRScheduler._initial_step when it is made and LRScheduler._update_lr at every step;
# ReduceLROnPlateau runs _init_is_better when made and its in_cooldown property at every step.
# (Listing the classes themselves would add nothing at run time: making an instance of a class
# is not a call the guard sees.)
SCHEDULERS = [
    "torch.optim.lr_scheduler.LRScheduler._initial_step",
    "torch.optim.lr_scheduler.LRScheduler._update_lr",
    "torch.optim.lr_scheduler.ReduceLROnPlateau._init_is_better",
    "torch.optim.lr_scheduler.ReduceLROnPlateau.in_cooldown.fget",
]

step_decay = checks.exercise("step_decay", ref.step_decay, forbidden=SCHEDULERS)
cosine_decay = checks.exercise("cosine_decay", ref.cosine_decay, forbidden=SCHEDULERS)
warmup_cosine = checks.exercise("warmup_cosine", ref.warmup_cosine, forbidden=SCHEDULERS)
plateau = checks.exercise("ReduceLROnPlateau", ref.ReduceLROnPlateau, forbidden=SCHEDULERS)

# Any correct float64 formula (np.cos or math.cos, cos^2 forms, a recursion over the steps as
# torch's) lands within these of the reference; every mistake below is far outside.
RTOL = 1e-9
ATOL = 1e-12          # times the largest rate of the schedule
# Reduce-on-plateau: skipping the cuts smaller than eps = 1e-8 (torch, the reference) or not
# changes a rate by less than eps / (1 - factor): once lr * (1 - factor) < eps, torch stops
# and the other goes on towards 0 (or min_lr). The checks allow twice that.
PLATEAU_RTOL = 1e-9


def _plateau_atol(factor):
    return 2 * ref.EPS / (1 - factor)


# --------------------------------------------------------------------------- #
# Calling a schedule, comparing whole ranges of steps
# --------------------------------------------------------------------------- #

def _number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) \
        and not isinstance(value, (bool, np.bool_))


def _rate(f, args, kwargs=None):
    """``f(*args, **kwargs)`` (a single, guarded call), which must return a single number; as a float."""
    kwargs = kwargs or {}
    got = f(*args, **kwargs)
    if not _number(got):
        fail(f"{f.name} should return one learning rate, a float.",
             inputs=f.describe_call(args, kwargs), expected="a float", received=describe(got),
             hint="return float(...) of your result: a NumPy array (even of shape (), as np.where "
                  "returns) or a list is not a number")
    return float(got)


def _close(got, want, scale, rtol=RTOL, atol=ATOL):
    return abs(got - want) <= atol * scale + rtol * abs(want)


def _rates_of(fn, steps, args, kwargs):
    """Runs beside the learner's code: ``fn(step, *args, **kwargs)`` for every step, in one request
    (a whole range of steps costs one round trip). Stops at the first exception and reports it."""
    rates = []
    for t in steps:
        try:
            rates.append(fn(int(t), *args, **kwargs))
        except Exception as err:  # noqa: BLE001 - reported to the checks
            return rates, [int(t), type(err).__name__, str(err)[:300]]
    return rates, None


def _check_range(f, steps, args, kwargs, hint, diagnoses=(), error_hint=None):
    """Compare the learner's rate with the reference's at every step of ``steps``.

    ``args`` are the arguments after ``step``. ``diagnoses`` is a list of
    ``(hint, rate_of_step)`` for known mistakes: the first that matches the wrong value
    received replaces the general ``hint``. The learner's function is called in one request
    for the whole range (the hand-worked cases before it make single, guarded calls).
    """
    steps, kwargs = [int(t) for t in steps], dict(kwargs)
    expected = f.reference(np.asarray(steps, dtype=np.int64), *args, **kwargs)
    scale = max(float(np.max(np.abs(expected))), float(args[0]), 1e-300)
    rates, error = f.run_helper(_rates_of, f.value(), steps, list(args), kwargs)
    for t, want, got in zip(steps, expected, rates):
        call = (t,) + tuple(args)
        if not _number(got):
            fail(f"{f.name} should return one learning rate, a float.", inputs=f.describe_call(call, kwargs),
                 expected="a float", received=describe(got),
                 hint="return float(...) of your result: a NumPy array (even of shape (), as np.where "
                      "returns) or a list is not a number")
        got = float(got)
        if _close(got, float(want), scale):
            continue
        why = hint
        for label, mistake in diagnoses:
            try:
                wrong = mistake(t)
            except (ArithmeticError, ValueError):
                continue
            if wrong is not None and math.isfinite(wrong) and _close(got, wrong, scale, 1e-7, 1e-10) \
                    and not _close(wrong, float(want), scale):
                why = label
                break
        fail(f"{f.name} gives the wrong learning rate at step {t}.",
             inputs=f.describe_call(call, kwargs), expected=f"{float(want):.12g}",
             received=f"{got:.12g}", hint=why)
    if error is not None:
        t, kind, message = error
        fail(f"{f.name} raised {kind}: {message}", inputs=f.describe_call((t,) + tuple(args), kwargs),
             hint=error_hint or "run your function on this input yourself and read the error")


def _half_cosine(lr_from, lr_to, progress):
    return lr_to + (lr_from - lr_to) * (1.0 + math.cos(math.pi * progress)) / 2.0


INT_BOOL = ("{} must be an integer, and True is a bool: isinstance(True, int) holds in Python, so "
            "reject bools explicitly (isinstance(value, bool))")


# --------------------------------------------------------------------------- #
# step_decay
# --------------------------------------------------------------------------- #

STEP_FORMULA = "lr0 * gamma ** (step // step_size)"


def _step_decay_diagnoses(lr0, gamma, size):
    stairs = "steps count from 0: steps 0 .. step_size - 1 use lr0 and the first cut is AT step step_size"
    return [
        (f"off by one step: {stairs}", lambda t: lr0 * gamma ** ((t + 1) // size)),
        (f"off by one step: {stairs}", lambda t: lr0 * gamma ** ((t - 1) // size) if t >= 1 else None),
        (f"one cut too many: {stairs}", lambda t: lr0 * gamma ** (t // size + 1)),
        ("use integer division step // step_size: the rate falls in stairs, not continuously",
         lambda t: lr0 * gamma ** (t / size)),
        ("use integer division step // step_size (floor), not rounding",
         lambda t: lr0 * gamma ** round(t / size)),
        (f"gamma is raised to a power: {STEP_FORMULA}, not multiplied by the number of cuts",
         lambda t: lr0 * gamma * (t // size)),
    ]


@step_decay.part("values", points=3)
def step_decay_values(f, rng):
    # Hand-worked: lr0 = 0.8, gamma = 0.5, step_size = 2. Steps 0, 1 use 0.8; steps 2, 3 use
    # 0.8 * 0.5 = 0.4; step 4 uses 0.8 * 0.25 = 0.2 (4 // 2 = 2 cuts).
    for t, want in enumerate([0.8, 0.8, 0.4, 0.4, 0.2]):
        got = _rate(f, (t, 0.8, 0.5, 2))
        if not _close(got, want, 0.8):
            fail(f"step_decay gives the wrong learning rate at step {t}.",
                 inputs=f.describe_call((t, 0.8, 0.5, 2), {}), expected=f"{want:g}",
                 received=f"{got:.12g}",
                 hint=next((label for label, m in _step_decay_diagnoses(0.8, 0.5, 2)
                            if (w := m(t)) is not None and _close(got, w, 0.8)),
                           f"{STEP_FORMULA}; steps count from 0: steps 0 and 1 use lr0, the first "
                           "cut is at step 2"))
    # step_size = 1: a cut at every step, so step t uses lr0 * gamma ** t; gamma = 1 never cuts.
    _check_range(f, range(12), (0.3, 0.9, 1), {}, STEP_FORMULA, _step_decay_diagnoses(0.3, 0.9, 1))
    _check_range(f, range(0, 40, 7), (0.05, 1.0, 3), {}, "gamma = 1 is allowed: the rate never changes")
    # random settings over whole ranges of steps: several cuts, each boundary seen
    for _ in range(3):
        lr0 = float(rng.uniform(0.01, 1.0))
        gamma = float(rng.uniform(0.1, 0.9))
        size = int(rng.integers(2, 16))
        _check_range(f, range(5 * size + 3), (lr0, gamma, size), {}, STEP_FORMULA,
                     _step_decay_diagnoses(lr0, gamma, size))
    # a step far out (many cuts) and lr0 = 0 (allowed: every rate is 0)
    size = int(rng.integers(50, 200))
    _check_range(f, [0, 10 * size - 1, 10 * size, 10 * size + 1], (1.0, 0.5, size), {}, STEP_FORMULA,
                 _step_decay_diagnoses(1.0, 0.5, size))
    _check_range(f, [0, 5], (0.0, 0.5, 2), {}, "lr0 = 0 is allowed: every rate is 0")


@step_decay.part("errors", points=1)
def step_decay_errors(f, rng):
    lr0, gamma, size = float(rng.uniform(0.01, 1.0)), float(rng.uniform(0.1, 0.9)), int(rng.integers(1, 20))
    f.check_raises(ValueError, -1, lr0, gamma, size, hint="steps count from 0: reject step < 0")
    f.check_raises(ValueError, -int(rng.integers(2, 100)), lr0, gamma, size, hint="reject step < 0")
    f.check_raises(ValueError, 3, lr0, gamma, 0, hint="step_size must be >= 1 (step // 0 is undefined)")
    f.check_raises(ValueError, 3, lr0, gamma, -2, hint="step_size must be >= 1")
    f.check_raises(ValueError, 3, -lr0, gamma, size, hint="a learning rate cannot be negative: lr0 >= 0")
    f.check_raises(ValueError, 3, lr0, 0.0, size, hint="gamma must be in (0, 1]: 0 is excluded")
    f.check_raises(ValueError, 3, lr0, -gamma, size, hint="gamma must be in (0, 1]")
    f.check_raises(ValueError, 3, lr0, 1.0 + gamma, size, hint="gamma must be in (0, 1]: a factor above 1 "
                   "makes the rate grow")
    # Integer arguments are integers: an int or a NumPy integer, not a whole float, not a bool
    # (isinstance(True, int) holds in Python, so a bool must be rejected explicitly).
    f.check_raises(ValueError, 3, lr0, gamma, float(size), hint=f"step_size must be an integer: {float(size)!r} "
                   "is a float (check isinstance(step_size, (int, np.integer)))")
    f.check_raises(ValueError, 3, lr0, gamma, True, hint=INT_BOOL.format("step_size"))
    f.check_raises(ValueError, 4.0, lr0, gamma, size, hint="step must be an integer: 4.0 is a float")
    f.check_raises(ValueError, True, lr0, gamma, size, hint=INT_BOOL.format("step"))


# --------------------------------------------------------------------------- #
# cosine_decay
# --------------------------------------------------------------------------- #

COSINE_FORMULA = "lr_min + (lr0 - lr_min) * (1 + cos(pi * min(step, total_steps) / total_steps)) / 2"


def _cosine_diagnoses(lr0, total, lr_min):
    return [
        ("the cosine went on past total_steps (and climbs back up): use min(step, total_steps), so "
         "that the rate stays at lr_min from step total_steps on",
         lambda t: _half_cosine(lr0, lr_min, t / total) if t > total else None),
        ("off by one: the rate is lr0 at step 0 and lr_min at step total_steps exactly: divide by "
         "total_steps (not total_steps - 1)",
         lambda t: _half_cosine(lr0, lr_min, min(t, total - 1) / (total - 1)) if total > 1 else None),
        ("off by one: the rate is lr0 at step 0 and lr_min at step total_steps exactly: divide by "
         "total_steps (not total_steps + 1)",
         lambda t: _half_cosine(lr0, lr_min, min(t, total + 1) / (total + 1))),
        ("off by one: steps count from 0, and step 0 uses lr0 (do not add 1 to step)",
         lambda t: _half_cosine(lr0, lr_min, min(t + 1, total) / total)),
        ("the rate must decay to lr_min, not to 0: lr_min + (lr0 - lr_min) * (1 + cos(...)) / 2",
         lambda t: _half_cosine(lr0, 0.0, min(t, total) / total)),
        ("the amplitude is lr0 - lr_min: lr_min + (lr0 - lr_min) * (1 + cos(...)) / 2, not lr_min + lr0 * ...",
         lambda t: lr_min + lr0 * (1.0 + math.cos(math.pi * min(t, total) / total)) / 2.0),
        ("1 + cos, not 1 - cos: at step 0 the cosine is 1 and the rate is lr0",
         lambda t: _half_cosine(lr_min, lr0, min(t, total) / total)),
    ]


@cosine_decay.part("values", points=3)
def cosine_decay_values(f, rng):
    # Hand-worked: lr0 = 1, lr_min = 0.2, T = 10. cos(0) = 1 gives lr0 = 1; at t = 5 the cosine
    # is cos(pi / 2) = 0, the midpoint 0.2 + 0.8 / 2 = 0.6; at t = 10, cos(pi) = -1 gives 0.2,
    # and so does every later step.
    for t, want in [(0, 1.0), (5, 0.6), (10, 0.2), (11, 0.2), (30, 0.2)]:
        got = _rate(f, (t, 1.0, 10, 0.2))
        if not _close(got, want, 1.0):
            fail(f"cosine_decay gives the wrong learning rate at step {t}.",
                 inputs=f.describe_call((t, 1.0, 10, 0.2), {}), expected=f"{want:g}",
                 received=f"{got:.12g}",
                 hint=next((label for label, m in _cosine_diagnoses(1.0, 10, 0.2)
                            if (w := m(t)) is not None and _close(got, w, 1.0)), COSINE_FORMULA))
    # the default lr_min is 0; T = 1 (lr0 at step 0, then 0)
    _check_range(f, range(8), (0.5, 4), {}, f"{COSINE_FORMULA}, lr_min = 0 by default",
                 _cosine_diagnoses(0.5, 4, 0.0))
    _check_range(f, range(4), (0.5, 1), {}, "total_steps = 1: lr0 at step 0, lr_min from step 1 on",
                 _cosine_diagnoses(0.5, 1, 0.0))
    # lr_min = lr0 is allowed: a constant rate
    _check_range(f, range(0, 12, 3), (0.2, 6, 0.2), {}, "lr_min = lr0 is allowed: the rate stays lr0")
    # random settings, every step from 0 to total_steps + 20
    for with_floor in (True, True, False):
        lr0 = float(rng.uniform(0.01, 1.0))
        total = int(rng.integers(2, 80))
        lr_min = float(rng.uniform(0.05, 0.5)) * lr0 if with_floor else 0.0
        _check_range(f, range(total + 21), (lr0, total, lr_min), {}, COSINE_FORMULA,
                     _cosine_diagnoses(lr0, total, lr_min))
    # a long budget: the start, the middle, the end
    total = int(rng.integers(1000, 5000))
    lr0 = float(rng.uniform(0.01, 1.0))
    _check_range(f, [0, 1, total // 2, total - 1, total, total + 1, 3 * total], (lr0, total, lr0 / 100), {},
                 COSINE_FORMULA, _cosine_diagnoses(lr0, total, lr0 / 100))


@cosine_decay.part("errors", points=1)
def cosine_decay_errors(f, rng):
    lr0, total = float(rng.uniform(0.01, 1.0)), int(rng.integers(1, 100))
    f.check_raises(ValueError, -1, lr0, total, hint="steps count from 0: reject step < 0")
    f.check_raises(ValueError, -int(rng.integers(2, 100)), lr0, total, 0.0, hint="reject step < 0")
    f.check_raises(ValueError, 0, lr0, 0, hint="total_steps must be >= 1 (the cosine divides by it)")
    f.check_raises(ValueError, 0, lr0, -total, hint="total_steps must be >= 1")
    f.check_raises(ValueError, 2, lr0, total, -lr0 / 10, hint="lr_min must be >= 0")
    f.check_raises(ValueError, 2, lr0, total, 2 * lr0, hint="lr_min must be <= lr0: the rate decays to it")
    f.check_raises(ValueError, 2, lr0, float(total), hint=f"total_steps must be an integer: {float(total)!r} "
                   "is a float (check isinstance(total_steps, (int, np.integer)))")
    f.check_raises(ValueError, 2, lr0, True, hint=INT_BOOL.format("total_steps"))
    f.check_raises(ValueError, 2.0, lr0, total, hint="step must be an integer: 2.0 is a float")


# --------------------------------------------------------------------------- #
# warmup_cosine
# --------------------------------------------------------------------------- #

WARMUP_FORMULA = ("peak_lr * step / warmup_steps while step < warmup_steps; then lr_min + (peak_lr - lr_min) "
                  "* (1 + cos(pi * (step - warmup_steps) / (total_steps - warmup_steps))) / 2; lr_min "
                  "from total_steps on")
NO_WARMUP = ("warmup_steps = 0 means no warm-up: the schedule is the cosine from step 0, and nothing may "
             "divide by warmup_steps")
NO_COSINE = ("warmup_steps == total_steps leaves no cosine phase: the ramp, then lr_min from total_steps "
             "on; never divide by total_steps - warmup_steps = 0")


def _warmup_diagnoses(peak, warm, total, lr_min):
    def phase(t, length):
        return _half_cosine(peak, lr_min, min(max(t - warm, 0), length) / length)

    return [
        ("the warm-up starts at 0: step t of the ramp uses peak_lr * t / warmup_steps with t counted "
         "from 0 (not t + 1), and the peak is reached at step warmup_steps",
         lambda t: peak * (t + 1) / warm if t < warm else None),
        ("the ramp goes from 0 to peak_lr: peak_lr * step / warmup_steps",
         lambda t: lr_min + (peak - lr_min) * t / warm if t < warm else None),
        ("the cosine phase lasts total_steps - warmup_steps steps: divide (step - warmup_steps) by "
         "(total_steps - warmup_steps), not by total_steps",
         lambda t: phase(t, total) if warm <= t else None),
        ("the cosine phase starts at step warmup_steps, at peak_lr: use step - warmup_steps in the cosine",
         lambda t: _half_cosine(peak, lr_min, min(t, total) / total) if warm <= t else None),
        ("the cosine went on past total_steps: from step total_steps on the rate is lr_min",
         lambda t: _half_cosine(peak, lr_min, (t - warm) / (total - warm)) if total < t and warm < total
         else None),
        ("the cosine must decay to lr_min: lr_min + (peak_lr - lr_min) * (1 + cos(...)) / 2",
         lambda t: _half_cosine(peak, 0.0, min(max(t - warm, 0), total - warm) / (total - warm))
         if warm <= t and warm < total else None),
        ("off by one: the ramp is used while step < warmup_steps, and the cosine phase starts at step "
         "warmup_steps with peak_lr",
         lambda t: phase(t - 1, total - warm) if warm < t <= total and warm < total else None),
    ]


def _check_warmup(f, steps, peak, warm, total, lr_min, error_hint=None):
    _check_range(f, steps, (peak, warm, total, lr_min), {}, WARMUP_FORMULA,
                 _warmup_diagnoses(peak, warm, total, lr_min), error_hint)


@warmup_cosine.part("values", points=4)
def warmup_cosine_values(f, rng):
    # Hand-worked: peak 1, W = 4, T = 12, lr_min = 0.2. The ramp gives 0, 1/4, 2/4, 3/4 at steps
    # 0..3 and the peak 1 at step 4; halfway through the cosine phase (t - W = 4 of T - W = 8)
    # the cosine is 0 and the rate 0.2 + 0.8 / 2 = 0.6; from step 12 on, 0.2.
    for t, want in [(0, 0.0), (1, 0.25), (2, 0.5), (3, 0.75), (4, 1.0), (8, 0.6), (12, 0.2), (20, 0.2)]:
        got = _rate(f, (t, 1.0, 4, 12, 0.2))
        if not _close(got, want, 1.0):
            fail(f"warmup_cosine gives the wrong learning rate at step {t}.",
                 inputs=f.describe_call((t, 1.0, 4, 12, 0.2), {}), expected=f"{want:g}",
                 received=f"{got:.12g}",
                 hint=next((label for label, m in _warmup_diagnoses(1.0, 4, 12, 0.2)
                            if (w := m(t)) is not None and _close(got, w, 1.0)), WARMUP_FORMULA))
    # no warm-up: the cosine from step 0 (the default lr_min = 0, and an lr_min)
    total = int(rng.integers(5, 60))
    peak = float(rng.uniform(0.01, 1.0))
    _check_range(f, range(total + 21), (peak, 0, total), {}, NO_WARMUP, error_hint=NO_WARMUP)
    _check_warmup(f, range(total + 21), peak, 0, total, peak / 10, error_hint=NO_WARMUP)
    # warm-up over the whole budget: the ramp, then lr_min (and W = T = 1: 0, then lr_min)
    total = int(rng.integers(3, 40))
    _check_warmup(f, range(total + 21), peak, total, total, peak / 5, error_hint=NO_COSINE)
    _check_warmup(f, range(5), peak, 1, 1, 0.0, error_hint=NO_COSINE)
    # a one-step warm-up: rate 0 at step 0, then the peak at step 1
    _check_warmup(f, range(12), peak, 1, 10, 0.0)
    # random settings, every step from 0 to total_steps + 20
    for with_floor in (True, False, True):
        total = int(rng.integers(10, 90))
        warm = int(rng.integers(2, total))
        peak = float(rng.uniform(0.01, 1.0))
        lr_min = float(rng.uniform(0.05, 0.5)) * peak if with_floor else 0.0
        _check_warmup(f, range(total + 21), peak, warm, total, lr_min)


@warmup_cosine.part("errors", points=1)
def warmup_cosine_errors(f, rng):
    peak, total = float(rng.uniform(0.01, 1.0)), int(rng.integers(2, 100))
    warm = int(rng.integers(0, total))
    f.check_raises(ValueError, -1, peak, warm, total, hint="steps count from 0: reject step < 0")
    f.check_raises(ValueError, -int(rng.integers(2, 100)), peak, warm, total, hint="reject step < 0")
    f.check_raises(ValueError, 0, peak, 0, 0, hint="total_steps must be >= 1")
    f.check_raises(ValueError, 0, peak, warm, -total, hint="total_steps must be >= 1")
    f.check_raises(ValueError, 1, peak, -1, total, hint="warmup_steps must be >= 0")
    f.check_raises(ValueError, 1, peak, total + 1, total,
                   hint="warmup_steps must be <= total_steps: the warm-up is part of the budget")
    f.check_raises(ValueError, 1, peak, total + int(rng.integers(2, 50)), total,
                   hint="warmup_steps must be <= total_steps")
    f.check_raises(ValueError, 1, peak, warm, total, -peak / 10, hint="lr_min must be >= 0")
    f.check_raises(ValueError, 1, peak, warm, total, 2 * peak, hint="lr_min must be <= peak_lr")
    f.check_raises(ValueError, 1, peak, float(warm), total, hint=f"warmup_steps must be an integer: "
                   f"{float(warm)!r} is a float (check isinstance(warmup_steps, (int, np.integer)))")
    f.check_raises(ValueError, 1, peak, True, total, hint=INT_BOOL.format("warmup_steps"))
    f.check_raises(ValueError, 1, peak, warm, float(total), hint=f"total_steps must be an integer: "
                   f"{float(total)!r} is a float")


# --------------------------------------------------------------------------- #
# ReduceLROnPlateau
# --------------------------------------------------------------------------- #

PLATEAU_RULES = ("an improvement is metric < best * (1 - threshold) (best starts at inf); any other metric "
                 "is a bad step; when the count of bad steps since the last improvement or cut EXCEEDS "
                 "patience, lr = max(lr * factor, min_lr) and the count restarts at 0; step returns the "
                 "rate after that")


SHARED = ("keep the state (best, the count of bad steps, the rate) on the instance (self.best = ...), "
          "not on the class, in a default argument or in global variables: two schedulers must not "
          "share it")


def _settings(kwargs):
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _plateau_rates(sched, metrics):
    """Runs beside the learner's code: ``sched.step(m)`` for every metric, in one request.
    Stops at the first exception and reports it."""
    rates = []
    for m in metrics:
        try:
            rates.append(sched.step(float(m)))
        except Exception as err:  # noqa: BLE001 - reported to the checks
            return rates, [len(rates), type(err).__name__, str(err)[:300]]
    return rates, None


def _drive(f, lr, kwargs, metrics, hint, one_by_one=True):
    """Make the learner's scheduler, step it through ``metrics`` and compare every returned rate
    with the reference's. ``one_by_one``: a guarded call per step (short sequences); otherwise
    the whole sequence in one request."""
    sched = f(lr, **kwargs)
    reference = ref.ReduceLROnPlateau(lr, **kwargs)
    expected = [reference.step(m) for m in metrics]
    if one_by_one:
        rates, error = [sched.step(float(m)) for m in metrics], None
    else:
        rates, error = f.run_helper(_plateau_rates, sched, [float(m) for m in metrics])
    made = f"s = ReduceLROnPlateau({_settings(dict(lr=lr, **kwargs))})"

    def calls(i):
        shown = describe(np.round(np.asarray(metrics[max(0, i - 11):i + 1]), 10))
        return f"{made}; then s.step(m) for m in {'..., ' if i > 11 else ''}{shown[1:-1]} (call {i + 1})"

    for i, (want, got) in enumerate(zip(expected, rates)):
        if not _number(got):
            fail("ReduceLROnPlateau.step should return the learning rate to use next, a float.",
                 inputs=calls(i), expected="a float", received=describe(got),
                 hint="end step with `return self.lr` (or whatever holds the current rate)")
        if not _close(float(got), want, 1.0, PLATEAU_RTOL, _plateau_atol(kwargs.get("factor", 0.1))):
            if one_by_one:
                # A new scheduler with the same settings, stepped through the same metrics, must
                # return the same rates: if it does not, the state is shared between instances.
                again = f(lr, **kwargs)
                rerun = [again.step(float(m)) for m in metrics[:i + 1]]
                if any(not _number(r) or not _number(g) or float(r) != float(g)
                       for r, g in zip(rerun, rates[:i + 1])):
                    hint = SHARED + (f" (a second scheduler made the same way returned {describe(rerun)}"
                                     f" for the same metrics, the first {describe(rates[:i + 1])})")
            fail(f"ReduceLROnPlateau.step returned the wrong learning rate at call {i + 1}.",
                 inputs=calls(i), expected=f"{want:.12g}", received=f"{float(got):.12g}", hint=hint)
    if error is not None:
        i, kind, message = error
        fail(f"ReduceLROnPlateau.step raised {kind}: {message}", inputs=calls(i),
             hint="run your scheduler on this sequence yourself and read the error")


def _metric_sequence(rng, n, threshold):
    """A loss with flat plateaus, improvements just below and well above the relative threshold,
    creeping improvements, real drops and noisy worse stretches (all values > 0)."""
    metrics, best = [], float(rng.uniform(0.5, 3.0))
    while len(metrics) < n:
        kind = int(rng.integers(6))
        for _ in range(int(rng.integers(1, 15))):
            last = metrics[-1] if metrics else best
            if kind == 0:
                m = best                                    # flat: a bad step
            elif kind == 1:
                m = best * (1 - 0.5 * threshold)            # too small an improvement: bad
            elif kind == 2:
                m = best * (1 - 2 * threshold - 1e-3)       # a real improvement
            elif kind == 3:
                m = best * float(rng.uniform(0.6, 0.95))    # a big drop
            elif kind == 4:
                m = last * (1 - 0.6 * threshold)            # creeping below the previous value
            else:
                m = best * float(rng.uniform(0.999, 1.3))   # noise, mostly worse
            metrics.append(m)
            if m < best * (1 - threshold):
                best = m
    return metrics[:n]


@plateau.part("values", points=4)
def plateau_values(f, rng):
    # Patience 2 on a flat metric: call 1 improves on best = inf; calls 2, 3 are bad steps 1, 2;
    # call 4 is bad step 3 > 2, so the rate is cut to 0.5 (and returned at once) and the count
    # restarts; calls 5, 6, 7 are bad steps 1, 2, 3: cut to 0.25 at call 7.
    _drive(f, 1.0, dict(factor=0.5, patience=2), [1.0] * 7,
           "the first metric always improves on best = inf; the rate is cut when the count of bad steps "
           "EXCEEDS patience (at the third bad step with patience=2), the count restarts at 0 after a cut, "
           "and step returns the rate after the cut")
    # An improvement resets the count of bad steps. Patience 2: call 1 improves on inf, call 2
    # is bad step 1, call 3 (0.5) improves and the count restarts at 0; calls 4, 5, 6 are bad
    # steps 1, 2, 3, so the cut to 0.5 comes at call 6. A count that an improvement leaves at
    # 1 reaches 3 at call 5, one call early.
    _drive(f, 1.0, dict(factor=0.5, patience=2), [1.0, 1.0, 0.5, 0.5, 0.5, 0.5],
           "an improvement resets the count of bad steps to 0 (num_bad_steps = 0 whenever metric < "
           "best * (1 - threshold)): call 3 improves, so the cut comes at the third bad step after it, "
           "call 6")
    # Relative threshold 1e-4 at a large scale: 99.995 beats 100 by 0.005 absolutely (more than
    # 1e-4) but by 5e-5 relatively (less): three bad steps, a cut at call 4; 99.98 then beats
    # 100 * (1 - 1e-4) = 99.99, an improvement.
    _drive(f, 1.0, dict(factor=0.5, patience=2), [100.0, 99.995, 99.995, 99.995, 99.98],
           "the threshold is relative: an improvement must beat best * (1 - threshold), here 100 * (1 - 1e-4) "
           "= 99.99; an absolute test (metric < best - threshold) counts 99.995 as an improvement")
    # ... and at a small scale: 0.00095 beats 0.001 by 5 % relatively (an improvement) although
    # only by 5e-5 absolutely (less than 1e-4): never a cut here.
    _drive(f, 1.0, dict(factor=0.5, patience=2), [1e-3, 9.5e-4, 9e-4, 8.5e-4, 8e-4, 7.5e-4],
           "the threshold is relative: 0.00095 < 0.001 * (1 - 1e-4) is an improvement, although an absolute "
           "test (metric < best - threshold) would not count it")
    # threshold 0: an equal value is not an improvement (strict <). Cut at calls 3 and 5.
    _drive(f, 1.0, dict(factor=0.5, patience=1, threshold=0.0), [2.0] * 6,
           "an improvement is strictly below best * (1 - threshold): with threshold = 0 an equal metric is "
           "a bad step (use <, not <=)")
    # The floor: patience 0 cuts at every bad step: 1 -> 0.1 -> max(0.01, 0.05) = 0.05, then stays.
    _drive(f, 1.0, dict(factor=0.1, patience=0, min_lr=0.05), [1.0] * 6,
           "the rate never goes below min_lr: lr = max(lr * factor, min_lr)")
    # The best changes only on an improvement: 0.95, 0.9025 do not beat 1 * (1 - 0.1) = 0.9
    # (bad steps 1, 2), 0.857 does (new best), 0.8145 does not beat 0.857 * 0.9 (bad step 1):
    # with patience 3, no cut. Letting the best follow every lower value makes 4 bad steps.
    _drive(f, 1.0, dict(factor=0.1, patience=3, threshold=0.1), [1.0, 0.95, 0.9025, 0.857375, 0.81450625],
           "best changes only on an improvement (metric < best * (1 - threshold)); a value that is lower "
           "but not by the threshold is a bad step and leaves best alone")
    # Two schedulers stepped side by side must not share their state.
    a = f(1.0, factor=0.5, patience=1)
    b = f(0.3, factor=0.2, patience=0, threshold=0.0)
    ref_a = ref.ReduceLROnPlateau(1.0, factor=0.5, patience=1)
    ref_b = ref.ReduceLROnPlateau(0.3, factor=0.2, patience=0, threshold=0.0)
    seq_a = [3.0, 3.0, 2.0, 3.0, 3.0, 3.0, 1.0, 1.0]
    seq_b = [1.0, 0.5, 0.5, 0.25, 0.25, 0.25, 0.1, 0.2]
    for i, (ma, mb) in enumerate(zip(seq_a, seq_b)):
        for sched, reference, m, label in ((a, ref_a, ma, "a"), (b, ref_b, mb, "b")):
            want, got = reference.step(m), sched.step(m)
            if not _number(got) or not _close(float(got), want, 1.0, PLATEAU_RTOL,
                                              _plateau_atol(reference.factor)):
                fail("Two ReduceLROnPlateau objects stepped in turn disturbed each other.",
                     inputs=f"a = ReduceLROnPlateau(lr=1.0, factor=0.5, patience=1); b = ReduceLROnPlateau("
                            f"lr=0.3, factor=0.2, patience=0, threshold=0.0); a.step(m_a) and b.step(m_b) "
                            f"in turn with m_a = {seq_a}, m_b = {seq_b}; call {i + 1} of {label}",
                     expected=f"{want:.12g}", received=describe(got), hint=SHARED)
    # Long random sequences, with settings drawn at random; one reaches min_lr.
    for patience, with_floor in ((int(rng.integers(0, 3)), False), (int(rng.integers(2, 6)), True),
                                 (int(rng.integers(0, 2)), True)):
        kwargs = dict(factor=float(rng.uniform(0.2, 0.8)), patience=patience,
                      threshold=float(rng.choice([1e-4, 1e-3, 1e-2])))
        lr = float(rng.uniform(0.05, 1.0))
        if with_floor:
            kwargs["min_lr"] = lr * float(rng.uniform(0.01, 0.2))
        metrics = _metric_sequence(rng, 200, kwargs["threshold"])
        _drive(f, lr, kwargs, metrics, PLATEAU_RULES, one_by_one=False)


@plateau.part("errors", points=1)
def plateau_errors(f, rng):
    lr = float(rng.uniform(0.01, 1.0))
    f.check_raises(ValueError, 0.0, hint="lr must be > 0")
    f.check_raises(ValueError, -lr, hint="lr must be > 0")
    f.check_raises(ValueError, lr, factor=1.0, hint="factor must be in (0, 1): 1 would never reduce the rate")
    f.check_raises(ValueError, lr, factor=1.0 + lr, hint="factor must be in (0, 1): above 1 the rate would grow")
    f.check_raises(ValueError, lr, factor=0.0, hint="factor must be in (0, 1): 0 would stop training")
    f.check_raises(ValueError, lr, factor=-0.5, hint="factor must be in (0, 1)")
    f.check_raises(ValueError, lr, patience=-1, hint="patience must be >= 0")
    f.check_raises(ValueError, lr, patience=2.0, hint="patience must be an integer: 2.0 is a float "
                   "(check isinstance(patience, (int, np.integer)))")
    f.check_raises(ValueError, lr, patience=True, hint=INT_BOOL.format("patience"))
    f.check_raises(ValueError, lr, threshold=-1e-4, hint="threshold must be in [0, 1)")
    f.check_raises(ValueError, lr, threshold=1.0, hint="threshold must be in [0, 1): with 1 nothing improves")
    f.check_raises(ValueError, lr, min_lr=-lr / 100, hint="min_lr must be >= 0")


# --------------------------------------------------------------------------- #
# The quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=3, questions=[
    Number("q1", "step_decay(step=25, lr0=0.1, gamma=0.5, step_size=10)?", answer=0.025,
           why="25 // 10 = 2 cuts (at steps 10 and 20): 0.1 * 0.5^2 = 0.025."),
    Number("q2", "cosine_decay(step=250, lr0=0.4, total_steps=1000, lr_min=0.0)?",
           answer=0.2 * (1 + math.cos(math.pi / 4)),
           why="a quarter of the way: 0.4 * (1 + cos(pi/4)) / 2 = 0.2 * (1 + 0.7071) = 0.3414. The cosine "
               "leaves the start slowly: 85 % of the rate is left after 25 % of the budget."),
    Number("q3", "warmup_cosine(step=3, peak_lr=0.2, warmup_steps=8, total_steps=100)?", answer=0.075,
           why="step 3 < 8 is in the ramp: 0.2 * 3 / 8 = 0.075 (the ramp starts at 0 at step 0)."),
    Choice("q4", "Constant rate, noisy gradients: what does halving the rate do?",
           {"a": "same floor, twice as fast", "b": "floor about half as high, about twice as slow",
            "c": "divergence", "d": "nothing"}, answer="b",
           why="the noise floor is eta sigma^2 / (2 (2 - eta lambda)), about proportional to eta, while "
               "the mean shrinks like (1 - eta lambda)^t: half the rate, half the floor, twice the steps."),
    Number("q5", "ReduceLROnPlateau(lr=1.0, factor=0.5, patience=2), seven steps of 1.0: the last rate?",
           answer=0.25,
           why="call 1 improves on inf; calls 2-4 are bad steps 1-3, and 3 > 2 cuts to 0.5 at call 4; "
               "calls 5-7 are bad steps 1-3 again: 0.25 at call 7."),
    Choice("q6", "best 0.50, threshold 0.01: which value improves?",
           {"a": "0.499", "b": "0.496", "c": "0.494", "d": "any value below 0.50"}, answer="c",
           why="an improvement must be below 0.50 * (1 - 0.01) = 0.495: only 0.494 is."),
    Choice("q7", "Why warm up?", {"a": "fragile first steps", "b": "larger average rate",
                                  "c": "cosine undefined at 0", "d": "lower noise floor"}, answer="a",
           why="early on the gradients and curvature are largest and Adam's statistics rest on a few "
               "gradients; a ramp from 0 keeps the first steps small until they settle."),
    Choice("q8", "Range test: lowest at 0.5, explodes at 1.5. Peak rate?",
           {"a": "1.5", "b": "about 0.2 to 0.4", "c": "1e-3", "d": "0.5, constant"}, answer="b",
           why="the minimum of the curve is already at the edge of stability; take the peak somewhat "
               "below it (a factor 3 to 10 below the explosion) and let the schedule decay from there."),
])
