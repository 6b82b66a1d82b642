"""Tests of source_lib.schedules against torch.optim.lr_scheduler (StepLR,
CosineAnnealingLR, LambdaLR for the warm-up, ReduceLROnPlateau), each driven one step
at a time with a dummy optimiser whose learning rate is read after every step, plus
hypothesis properties (bounds, monotonicity, scalar = vectorised)."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from source_lib import schedules as sch


# --------------------------------------------------------------------------- #
# Driving torch's schedulers
# --------------------------------------------------------------------------- #

def dummy_optimizer(lr):
    """An SGD optimiser over one parameter that never receives a gradient."""
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)


def torch_lrs(make_scheduler, lr, num_steps):
    """The learning rate torch's scheduler gives at steps 0, ..., num_steps - 1.

    The rate of step t is the optimiser's after t calls of scheduler.step();
    optimizer.step() comes first each time, as in training (and as torch expects).
    """
    opt = dummy_optimizer(lr)
    scheduler = make_scheduler(opt)
    lrs = []
    for _ in range(num_steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return np.array(lrs)


def torch_plateau_lrs(metrics, lr, **kwargs):
    """The learning rate after each call of torch's ReduceLROnPlateau.step(metric)."""
    opt = dummy_optimizer(lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", threshold_mode="rel",
                                                           cooldown=0, eps=1e-8, **kwargs)
    lrs = []
    for m in metrics:
        opt.step()
        scheduler.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    return np.array(lrs)


def our_plateau_lrs(metrics, lr, **kwargs):
    scheduler = sch.ReduceLROnPlateau(lr, **kwargs)
    return np.array([scheduler.step(m) for m in metrics])


# --------------------------------------------------------------------------- #
# step_decay
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("lr0, gamma, step_size", [(0.1, 0.5, 1), (0.1, 0.1, 7), (1.0, 0.9, 30),
                                                   (0.03, 1.0, 5), (2.5, 0.37, 13)])
def test_step_decay_matches_torch_steplr(lr0, gamma, step_size):
    n = 200
    expected = torch_lrs(lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size, gamma), lr0, n)
    ours = sch.step_decay(np.arange(n), lr0, gamma, step_size)
    # torch multiplies recursively, we take a power: equal to round-off
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=0)
    np.testing.assert_allclose([sch.step_decay(t, lr0, gamma, step_size) for t in range(n)], ours, rtol=1e-14)


def test_step_decay_hand_values():
    # steps 0, 1 use lr0; 2, 3 use lr0 / 2; 4 uses lr0 / 4
    assert [sch.step_decay(t, 0.8, 0.5, 2) for t in range(5)] == [0.8, 0.8, 0.4, 0.4, 0.2]


# --------------------------------------------------------------------------- #
# cosine_decay
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("lr0, total, lr_min", [(0.1, 100, 0.0), (1.0, 1, 0.0), (0.5, 37, 0.01),
                                                (0.2, 2, 0.2), (3.0, 250, 1e-3)])
def test_cosine_decay_matches_torch_up_to_total_steps(lr0, total, lr_min):
    expected = torch_lrs(lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, total, eta_min=lr_min),
                         lr0, total + 1)
    ours = sch.cosine_decay(np.arange(total + 1), lr0, total, lr_min)
    # torch's recursive form drifts from the closed form by round-off, near lr_min too
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12 * lr0)
    assert ours[-1] == lr_min


def test_cosine_decay_stays_at_lr_min_where_torch_climbs_back():
    total = 40
    torch_after = torch_lrs(lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, total, eta_min=0.01),
                            1.0, 2 * total + 1)[total:]
    ours = sch.cosine_decay(np.arange(total, 2 * total + 1), 1.0, total, 0.01)
    assert np.all(ours == 0.01)
    assert torch_after[-1] > 0.99          # torch's cosine has a period of 2 T


def test_cosine_decay_hand_values():
    # cos(0) = 1, cos(pi/2) = 0, cos(pi) = -1: lr0, the midpoint, lr_min
    assert sch.cosine_decay(0, 1.0, 10, 0.2) == 1.0
    assert sch.cosine_decay(5, 1.0, 10, 0.2) == pytest.approx(0.6, rel=1e-15)
    assert sch.cosine_decay(10, 1.0, 10, 0.2) == 0.2
    assert sch.cosine_decay(1000, 1.0, 10, 0.2) == 0.2


# --------------------------------------------------------------------------- #
# warmup_cosine
# --------------------------------------------------------------------------- #

def lambda_factor(peak, warmup, total, lr_min):
    """LambdaLR's multiplier of peak_lr for the warm-up-then-cosine schedule, written
    independently of the reference (plain math, one branch per phase)."""
    def factor(t):
        if t < warmup:
            return t / warmup
        if t >= total:
            return lr_min / peak
        c = 0.5 * (1 + math.cos(math.pi * (t - warmup) / (total - warmup)))
        return (lr_min + (peak - lr_min) * c) / peak
    return factor


@pytest.mark.parametrize("peak, warmup, total, lr_min", [(0.1, 10, 100, 0.0), (1.0, 0, 50, 0.0),
                                                         (0.5, 1, 20, 0.05), (0.3, 25, 25, 0.0),
                                                         (0.3, 25, 25, 0.1), (2.0, 7, 8, 0.5),
                                                         (0.01, 99, 400, 1e-4)])
def test_warmup_cosine_matches_torch_lambdalr(peak, warmup, total, lr_min):
    n = total + 20
    expected = torch_lrs(lambda opt: torch.optim.lr_scheduler.LambdaLR(
        opt, lambda_factor(peak, warmup, total, lr_min)), peak, n)
    ours = sch.warmup_cosine(np.arange(n), peak, warmup, total, lr_min)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


def test_warmup_cosine_hand_values():
    # the ramp starts at 0 (not peak / W) and reaches the peak at t = W
    assert [sch.warmup_cosine(t, 1.0, 4, 12) for t in range(5)] == [0.0, 0.25, 0.5, 0.75, 1.0]
    # halfway through the cosine phase (t - W = (T - W) / 2) the rate is the midpoint
    assert sch.warmup_cosine(8, 1.0, 4, 12, 0.2) == pytest.approx(0.6, rel=1e-15)
    assert sch.warmup_cosine(12, 1.0, 4, 12, 0.2) == 0.2
    assert sch.warmup_cosine(500, 1.0, 4, 12, 0.2) == 0.2


def test_warmup_of_zero_steps_is_cosine_decay():
    t = np.arange(80)
    np.testing.assert_array_equal(sch.warmup_cosine(t, 0.7, 0, 60, 0.01), sch.cosine_decay(t, 0.7, 60, 0.01))


def test_warmup_over_all_steps_has_no_cosine_phase():
    # W = T: the ramp, then lr_min (no division by T - W = 0)
    np.testing.assert_array_equal(sch.warmup_cosine(np.arange(7), 1.0, 5, 5, 0.1),
                                  [0.0, 0.2, 0.4, 0.6, 0.8, 0.1, 0.1])


# --------------------------------------------------------------------------- #
# Properties of the three functions
# --------------------------------------------------------------------------- #

schedule_args = st.integers(1, 300).flatmap(lambda total: st.tuples(
    st.just(total), st.integers(0, total), st.floats(1e-4, 10.0), st.floats(0.0, 1.0)))


@settings(max_examples=150, deadline=None)
@given(schedule_args)
def test_schedules_are_bounded_monotone_and_vectorised(args):
    total, warmup, peak, frac = args
    lr_min = frac * peak
    t = np.arange(total + 30)
    cos = sch.cosine_decay(t, peak, total, lr_min)
    wc = sch.warmup_cosine(t, peak, warmup, total, lr_min)
    assert np.all(np.diff(cos) <= 1e-15 * peak)                       # never increases
    assert np.all((cos >= lr_min - 1e-15 * peak) & (cos <= peak * (1 + 1e-15)))
    assert np.all(np.diff(wc[:warmup]) >= 0)                          # ramp up
    if warmup < total:
        assert wc[warmup] == pytest.approx(peak, rel=1e-15)           # the peak at t = W
    assert np.all(np.diff(wc[warmup:]) <= 1e-15 * peak)               # then down
    assert np.all((wc >= 0) & (wc <= peak * (1 + 1e-15)))
    assert np.all(wc[total:] == lr_min)
    for k in (0, warmup, total - 1, total, total + 29):
        assert sch.cosine_decay(k, peak, total, lr_min) == pytest.approx(cos[k], rel=1e-14, abs=1e-300)
        assert sch.warmup_cosine(k, peak, warmup, total, lr_min) == pytest.approx(wc[k], rel=1e-14, abs=1e-300)


def test_scalar_steps_give_floats_and_arrays_keep_their_shape():
    for value in (sch.step_decay(3, 0.1, 0.5, 2), sch.cosine_decay(np.int64(3), 0.1, 10),
                  sch.warmup_cosine(np.int32(3), 0.1, np.int64(2), 10)):
        assert type(value) is float
    steps = np.arange(12).reshape(3, 4)
    for out in (sch.step_decay(steps, 0.1, 0.5, 2), sch.cosine_decay(steps, 0.1, 10),
                sch.warmup_cosine(steps, 0.1, 2, 10)):
        assert out.shape == (3, 4) and out.dtype == np.float64


def test_schedule_functions_leave_their_input_alone():
    steps = np.arange(10)
    sch.warmup_cosine(steps, 1.0, 3, 8)
    np.testing.assert_array_equal(steps, np.arange(10))


# --------------------------------------------------------------------------- #
# ReduceLROnPlateau
# --------------------------------------------------------------------------- #

def long_metric_sequence(rng, n=400, threshold=1e-4):
    """A loss with plateaus, improvements just below and just above the relative
    threshold, real drops, and noisy stretches."""
    metrics, best = [], 1.0 + rng.random()
    while len(metrics) < n:
        kind = rng.integers(5)
        length = int(rng.integers(1, 25))
        for _ in range(length):
            if kind == 0:        # flat plateau
                m = best
            elif kind == 1:      # improvement by half the threshold: does not count
                m = best * (1 - 0.5 * threshold)
            elif kind == 2:      # improvement by twice the threshold: counts
                m = best * (1 - 2 * threshold)
            elif kind == 3:      # a real drop
                m = best * rng.uniform(0.5, 0.95)
            else:                # noise around the best, mostly worse
                m = best * rng.uniform(0.99, 1.2)
            metrics.append(m)
            # the sequence's running best under torch's rule, to aim the next values at
            if m < best * (1 - threshold):
                best = m
    return metrics[:n]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("kwargs", [dict(), dict(factor=0.5, patience=3), dict(factor=0.5, patience=0),
                                    dict(factor=0.3, patience=5, min_lr=1e-3),
                                    dict(factor=0.9, patience=2, threshold=0.01),
                                    dict(factor=0.1, patience=1, threshold=0.0, min_lr=1e-6)])
def test_reduce_on_plateau_matches_torch_on_long_sequences(seed, kwargs):
    rng = np.random.default_rng(seed)
    metrics = long_metric_sequence(rng, threshold=kwargs.get("threshold", 1e-4))
    lr = float(rng.uniform(0.01, 1.0))
    expected = torch_plateau_lrs(metrics, lr, **kwargs)
    ours = our_plateau_lrs(metrics, lr, **kwargs)
    np.testing.assert_array_equal(ours, expected)
    assert len(np.unique(ours)) > 2 or kwargs.get("min_lr", 0) > 0     # the rate did move


def test_reduce_on_plateau_counts_patience_like_torch():
    # patience 2: the third bad step in a row reduces, then the count restarts
    ours = our_plateau_lrs([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 1.0, factor=0.5, patience=2)
    assert list(ours) == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]


def test_reduce_on_plateau_threshold_is_relative():
    # from a best of 100, 99.995 improves by 5e-5 relatively, less than the threshold 1e-4:
    # a bad step. An absolute test would count it (0.005 > 1e-4) and never reduce.
    metrics = [100.0] + [99.995] * 3
    ours = our_plateau_lrs(metrics, 1.0, factor=0.5, patience=2)
    np.testing.assert_array_equal(ours, torch_plateau_lrs(metrics, 1.0, factor=0.5, patience=2))
    assert ours[-1] == 0.5


def test_reduce_on_plateau_stops_at_min_lr_and_skips_tiny_reductions():
    metrics = [1.0] * 60
    ours = our_plateau_lrs(metrics, 1.0, factor=0.5, patience=0, min_lr=0.01)
    np.testing.assert_array_equal(ours, torch_plateau_lrs(metrics, 1.0, factor=0.5, patience=0, min_lr=0.01))
    assert ours.min() == 0.01
    # within EPS of min_lr: torch (and we) do not move
    close = 0.01 + 5e-9
    ours = our_plateau_lrs(metrics, close, factor=0.5, patience=0, min_lr=0.01)
    np.testing.assert_array_equal(ours, torch_plateau_lrs(metrics, close, factor=0.5, patience=0, min_lr=0.01))
    assert np.all(ours == close)
    # a tiny rate: its reductions are below EPS
    ours = our_plateau_lrs(metrics, 1e-7, factor=0.5, patience=0)
    np.testing.assert_array_equal(ours, torch_plateau_lrs(metrics, 1e-7, factor=0.5, patience=0))


def test_reduce_on_plateau_nan_and_inf_are_never_improvements():
    metrics = [1.0, float("nan"), float("inf"), float("nan"), 0.5]
    kwargs = dict(factor=0.5, patience=1)
    np.testing.assert_array_equal(our_plateau_lrs(metrics, 1.0, **kwargs), torch_plateau_lrs(metrics, 1.0, **kwargs))


def test_reduce_on_plateau_instances_are_independent():
    a = sch.ReduceLROnPlateau(1.0, factor=0.5, patience=1)
    b = sch.ReduceLROnPlateau(1.0, factor=0.5, patience=1)
    for _ in range(7):          # an improvement, then 3 x 2 bad steps: 3 reductions
        a.step(1.0)
    assert a.lr == 0.125 and b.lr == 1.0 and b.best == math.inf and b.num_bad_steps == 0
    assert b.step(3.0) == 1.0


def test_reduce_on_plateau_returns_floats_and_accepts_tensors():
    s = sch.ReduceLROnPlateau(0.1, patience=0)
    assert type(s.step(torch.tensor(1.0))) is float
    assert type(s.step(np.float32(2.0))) is float
    assert s.lr == pytest.approx(0.01)


# --------------------------------------------------------------------------- #
# Errors
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("call, message", [
    (lambda: sch.step_decay(-1, 0.1, 0.5, 2), "step"),
    (lambda: sch.step_decay(2.5, 0.1, 0.5, 2), "step"),
    (lambda: sch.step_decay(np.array([0, 1, -3]), 0.1, 0.5, 2), "step"),
    (lambda: sch.step_decay("3", 0.1, 0.5, 2), "step"),
    (lambda: sch.step_decay(3, -0.1, 0.5, 2), "lr0"),
    (lambda: sch.step_decay(3, 0.1, 0.0, 2), "gamma"),
    (lambda: sch.step_decay(3, 0.1, 1.5, 2), "gamma"),
    (lambda: sch.step_decay(3, 0.1, 0.5, 0), "step_size"),
    (lambda: sch.step_decay(3, 0.1, 0.5, 1.5), "step_size"),
    # integers only: a whole float and a bool are not integers
    (lambda: sch.step_decay(2.0, 0.1, 0.5, 2), "step"),
    (lambda: sch.step_decay(True, 0.1, 0.5, 2), "step"),
    (lambda: sch.step_decay(np.array([0.0, 1.0]), 0.1, 0.5, 2), "step"),
    (lambda: sch.step_decay(3, 0.1, 0.5, 2.0), "step_size"),
    (lambda: sch.step_decay(3, 0.1, 0.5, True), "step_size"),
    (lambda: sch.cosine_decay(3, 0.1, 10.0), "total_steps"),
    (lambda: sch.cosine_decay(3, 0.1, True), "total_steps"),
    (lambda: sch.warmup_cosine(3, 0.1, 2.0, 10), "warmup_steps"),
    (lambda: sch.warmup_cosine(3, 0.1, False, 10), "warmup_steps"),
    (lambda: sch.warmup_cosine(3, 0.1, 2, 10.0), "total_steps"),
    (lambda: sch.ReduceLROnPlateau(0.1, patience=2.0), "patience"),
    (lambda: sch.ReduceLROnPlateau(0.1, patience=True), "patience"),
    (lambda: sch.cosine_decay(-1, 0.1, 10), "step"),
    (lambda: sch.cosine_decay(3, 0.1, 0), "total_steps"),
    (lambda: sch.cosine_decay(3, 0.1, 10, lr_min=-0.01), "lr_min"),
    (lambda: sch.cosine_decay(3, 0.1, 10, lr_min=0.2), "lr_min"),
    (lambda: sch.cosine_decay(3, float("nan"), 10), "lr0"),
    (lambda: sch.warmup_cosine(-2, 0.1, 5, 10), "step"),
    (lambda: sch.warmup_cosine(3, 0.1, 11, 10), "warmup_steps"),
    (lambda: sch.warmup_cosine(3, 0.1, -1, 10), "warmup_steps"),
    (lambda: sch.warmup_cosine(3, 0.1, 0, 0), "total_steps"),
    (lambda: sch.warmup_cosine(3, -0.1, 2, 10), "peak_lr"),
    (lambda: sch.warmup_cosine(3, 0.1, 2, 10, lr_min=0.5), "lr_min"),
    (lambda: sch.ReduceLROnPlateau(0.0), "lr"),
    (lambda: sch.ReduceLROnPlateau(0.1, factor=1.0), "factor"),
    (lambda: sch.ReduceLROnPlateau(0.1, factor=0.0), "factor"),
    (lambda: sch.ReduceLROnPlateau(0.1, factor=-0.5), "factor"),
    (lambda: sch.ReduceLROnPlateau(0.1, patience=-1), "patience"),
    (lambda: sch.ReduceLROnPlateau(0.1, patience=1.5), "patience"),
    (lambda: sch.ReduceLROnPlateau(0.1, threshold=-1e-4), "threshold"),
    (lambda: sch.ReduceLROnPlateau(0.1, threshold=1.0), "threshold"),
    (lambda: sch.ReduceLROnPlateau(0.1, min_lr=-1e-3), "min_lr"),
    (lambda: sch.ReduceLROnPlateau(0.1).step("low"), "metric"),
])
def test_invalid_arguments_raise_value_errors_that_name_them(call, message):
    with pytest.raises(ValueError, match=message):
        call()
