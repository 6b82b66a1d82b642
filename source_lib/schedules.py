r"""Lesson 09: learning-rate schedules.

A schedule gives the learning rate :math:`\eta_t` to use at optimiser step
:math:`t = 0, 1, 2, \dots` (steps count from 0: the first update uses
:math:`\eta_0`). Four are here:

- :func:`step_decay`: multiply by ``gamma`` every ``step_size`` steps;
- :func:`cosine_decay`: half a cosine from ``lr0`` down to ``lr_min`` over
  ``total_steps`` steps, then flat;
- :func:`warmup_cosine`: a linear ramp from 0 to ``peak_lr`` over
  ``warmup_steps`` steps, then the cosine (the transformer standard);
- :class:`ReduceLROnPlateau`: no fixed plan; divide the rate whenever a monitored
  metric (a validation loss) stops improving.

The three schedule functions are pure: they take a step (an ``int`` or an array of
them) and return the rate (a ``float`` or an array of the same shape), so a whole
schedule is ``cosine_decay(np.arange(1000), 0.1, 1000)``. They agree with
``torch.optim.lr_scheduler`` (``StepLR``, ``CosineAnnealingLR`` up to
``total_steps``, ``LambdaLR``, ``ReduceLROnPlateau``) driven one step at a time.
"""

import math

import numpy as np

__all__ = ["step_decay", "cosine_decay", "warmup_cosine", "ReduceLROnPlateau", "EPS"]

#: The smallest change of the learning rate that :class:`ReduceLROnPlateau` makes,
#: as torch's ``eps`` default: a reduction by less is skipped.
EPS = 1e-8


# --------------------------------------------------------------------------- #
# Argument checks
# --------------------------------------------------------------------------- #

def _as_steps(step):
    """``step`` as an int64 array of integers >= 0, and whether it was a scalar.

    A step is an integer: a Python ``int``, a NumPy integer or an integer array. A float,
    even a whole one such as ``2.0``, and a bool are not.
    """
    if isinstance(step, (bool, np.bool_)):
        raise ValueError(f"step must be an integer >= 0 (an int, not a bool); got {step!r}")
    arr = np.asarray(step)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"step must be an integer >= 0 (an int or an integer array); got {step!r}")
    if arr.size and arr.min() < 0:
        raise ValueError(f"step must be >= 0 (steps count from 0); got {step!r}")
    return arr.astype(np.int64), arr.ndim == 0


def _whole(value, name, minimum):
    """``value`` as an int, which must be an integer (an ``int`` or a NumPy integer, not a
    float such as ``2.0`` and not a bool) >= ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer >= {minimum} (an int, not a float or a bool); "
                         f"got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _real(value, name, low=None, high=None, low_open=False, high_open=False):
    """``value`` as a finite float in the given interval (open at an end if asked)."""
    try:
        x = float(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a real number; got {value!r}") from err
    if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0:
        raise ValueError(f"{name} must be a real number; got {value!r}")
    too_low = low is not None and (x <= low if low_open else x < low)
    too_high = high is not None and (x >= high if high_open else x > high)
    if not math.isfinite(x) or too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ValueError(f"{name} must be finite and in {left}{lo}, {hi}{right}; got {value!r}")
    return x


def _lr_min(lr_min, top, top_name):
    """``lr_min`` as a float in ``[0, top]``: a decay ends below where it starts."""
    lr_min = _real(lr_min, "lr_min", low=0.0)
    if lr_min > top:
        raise ValueError(f"lr_min must be <= {top_name} ({top:g}): the rate decays to it; got {lr_min!r}")
    return lr_min


def _result(values, scalar):
    """A Python float for a scalar step, else the float64 array."""
    return float(values) if scalar else np.asarray(values, dtype=np.float64)


# --------------------------------------------------------------------------- #
# Schedules as functions of the step
# --------------------------------------------------------------------------- #

def step_decay(step, lr0, gamma, step_size):
    r"""Step decay: multiply the learning rate by ``gamma`` every ``step_size`` steps.

    .. math:: \eta_t = \eta_0 \, \gamma^{\lfloor t / s \rfloor}

    Steps :math:`0, \dots, s - 1` use :math:`\eta_0`, steps :math:`s, \dots, 2s - 1`
    use :math:`\gamma \eta_0`, and so on (``torch.optim.lr_scheduler.StepLR``).

    Parameters
    ----------
    step : int or array_like of int
        Step(s) :math:`t \ge 0`, counted from 0: integers (a float, even ``2.0``, or a bool
        is rejected).
    lr0 : float
        Initial learning rate :math:`\eta_0 \ge 0`.
    gamma : float
        Decay factor, :math:`0 < \gamma \le 1`.
    step_size : int
        Steps between decays, an integer :math:`s \ge 1` (not a float, not a bool).

    Returns
    -------
    float or ndarray
        The learning rate: a ``float`` for a scalar ``step``, else an array of its shape.

    Raises
    ------
    ValueError
        If a step is negative or not an integer, ``lr0 < 0``, ``gamma`` is
        not in ``(0, 1]`` or ``step_size`` is not an integer ``>= 1``.
    """
    t, scalar = _as_steps(step)
    lr0 = _real(lr0, "lr0", low=0.0)
    gamma = _real(gamma, "gamma", low=0.0, high=1.0, low_open=True)
    step_size = _whole(step_size, "step_size", 1)
    return _result(lr0 * gamma ** (t // step_size), scalar)


def cosine_decay(step, lr0, total_steps, lr_min=0.0):
    r"""Cosine annealing from ``lr0`` to ``lr_min`` over ``total_steps`` steps, then flat.

    .. math:: \eta_t = \eta_\min + \frac{\eta_0 - \eta_\min}{2}
              \left(1 + \cos\frac{\pi \min(t, T)}{T}\right)

    The rate starts at :math:`\eta_0` (:math:`t = 0`), is halfway at :math:`t = T/2`,
    reaches :math:`\eta_\min` at :math:`t = T` and stays there. Up to :math:`t = T`
    this is ``torch.optim.lr_scheduler.CosineAnnealingLR(T_max=T, eta_min=lr_min)``;
    torch's cosine goes on past :math:`T` and climbs back up, this one does not.

    Parameters
    ----------
    step : int or array_like of int
        Step(s) :math:`t \ge 0`, counted from 0: integers (a float, even ``2.0``, or a bool
        is rejected).
    lr0 : float
        Initial learning rate :math:`\eta_0 \ge 0`.
    total_steps : int
        Length of the decay, an integer :math:`T \ge 1` (not a float, not a bool).
    lr_min : float
        Final learning rate, :math:`0 \le \eta_\min \le \eta_0`.

    Returns
    -------
    float or ndarray
        The learning rate: a ``float`` for a scalar ``step``, else an array of its shape.

    Raises
    ------
    ValueError
        If a step is negative or not an integer, ``total_steps`` is not an
        integer ``>= 1``, or not ``0 <= lr_min <= lr0``.
    """
    t, scalar = _as_steps(step)
    lr0 = _real(lr0, "lr0", low=0.0)
    total_steps = _whole(total_steps, "total_steps", 1)
    lr_min = _lr_min(lr_min, lr0, "lr0")
    progress = np.minimum(t, total_steps) / total_steps
    return _result(lr_min + (lr0 - lr_min) * (1.0 + np.cos(np.pi * progress)) / 2.0, scalar)


def warmup_cosine(step, peak_lr, warmup_steps, total_steps, lr_min=0.0):
    r"""Linear warm-up from 0 to ``peak_lr``, then cosine annealing down to ``lr_min``.

    With :math:`W` warm-up steps and :math:`T` steps in all,

    .. math::
        \eta_t = \begin{cases}
            \eta_\text{peak} \, t / W & 0 \le t < W, \\
            \eta_\min + \dfrac{\eta_\text{peak} - \eta_\min}{2}
            \left(1 + \cos\dfrac{\pi (t - W)}{T - W}\right) & W \le t < T, \\
            \eta_\min & t \ge T.
        \end{cases}

    The first step uses a rate of 0 (a step that only lets an optimiser such as
    Adam start its moving averages), the peak is reached at :math:`t = W`, and
    ``warmup_steps = 0`` means no warm-up: :func:`cosine_decay` from ``peak_lr``.
    With ``warmup_steps == total_steps`` there is no cosine phase: the ramp is
    followed by :math:`\eta_\min`.

    Parameters
    ----------
    step : int or array_like of int
        Step(s) :math:`t \ge 0`, counted from 0: integers (a float, even ``2.0``, or a bool
        is rejected).
    peak_lr : float
        Largest learning rate :math:`\eta_\text{peak} \ge 0`, reached at the end of the warm-up.
    warmup_steps : int
        Length of the ramp, an integer :math:`0 \le W \le T` (not a float, not a bool).
    total_steps : int
        Step :math:`T \ge 1` (an integer) from which the rate is :math:`\eta_\min`.
    lr_min : float
        Final learning rate, :math:`0 \le \eta_\min \le \eta_\text{peak}`.

    Returns
    -------
    float or ndarray
        The learning rate: a ``float`` for a scalar ``step``, else an array of its shape.

    Raises
    ------
    ValueError
        If a step is negative or not an integer, ``total_steps`` is not an
        integer ``>= 1``, ``warmup_steps`` not an integer in ``[0, total_steps]``,
        or not ``0 <= lr_min <= peak_lr``.
    """
    t, scalar = _as_steps(step)
    peak_lr = _real(peak_lr, "peak_lr", low=0.0)
    total_steps = _whole(total_steps, "total_steps", 1)
    warmup_steps = _whole(warmup_steps, "warmup_steps", 0)
    if warmup_steps > total_steps:
        raise ValueError(f"warmup_steps must be <= total_steps ({total_steps}); got {warmup_steps}")
    lr_min = _lr_min(lr_min, peak_lr, "peak_lr")
    ramp = peak_lr * t / max(warmup_steps, 1)        # used only where t < warmup_steps
    decay_steps = total_steps - warmup_steps
    if decay_steps > 0:
        progress = np.clip(t - warmup_steps, 0, decay_steps) / decay_steps
        cosine = lr_min + (peak_lr - lr_min) * (1.0 + np.cos(np.pi * progress)) / 2.0
    else:
        cosine = np.full(t.shape, lr_min)
    return _result(np.where(t < warmup_steps, ramp, cosine), scalar)


# --------------------------------------------------------------------------- #
# Reduce on plateau: a schedule with state
# --------------------------------------------------------------------------- #

class ReduceLROnPlateau:
    r"""Divide the learning rate when a monitored metric stops improving.

    Call :meth:`step` once per evaluation (an epoch, say) with the metric to
    minimise (a validation loss); it returns the learning rate to use next. A
    metric is an **improvement** if it beats the best so far by a relative margin,

    .. math:: m < m_\text{best} \, (1 - \text{threshold}),

    and then becomes the new best. Every other call is a *bad* step. When the
    number of bad steps since the last improvement or reduction exceeds
    ``patience``, the rate is reduced,

    .. math:: \eta \leftarrow \max(\text{factor} \cdot \eta,\ \eta_\min),

    and the count starts again from 0. So with ``patience = 2`` the rate drops on
    the third bad step in a row. A reduction that would change the rate by less
    than ``EPS = 1e-8`` is skipped (torch's ``eps``; it only matters once the rate
    is within ``1e-8`` of ``min_lr`` or tiny itself), but the count still restarts.

    This is ``torch.optim.lr_scheduler.ReduceLROnPlateau`` with ``mode="min"``,
    ``threshold_mode="rel"``, ``cooldown=0`` and ``eps=1e-8``. As there, the first
    finite metric is always an improvement (the best starts at :math:`+\infty`), a
    ``nan`` metric is never one, and the relative test is applied literally, which
    is meant for non-negative metrics such as losses.

    Parameters
    ----------
    lr : float
        Initial learning rate, ``> 0``.
    factor : float
        Multiplier of a reduction, in ``(0, 1)``.
    patience : int
        Bad steps tolerated before a reduction, an integer ``>= 0`` (not a float, not a bool).
    threshold : float
        Relative improvement needed to count, in ``[0, 1)``.
    min_lr : float
        Floor of the learning rate, ``>= 0``.

    Attributes
    ----------
    lr : float
        The current learning rate.
    best : float
        The best metric so far (``inf`` before the first step).
    num_bad_steps : int
        Bad steps since the last improvement or reduction.

    Raises
    ------
    ValueError
        If an argument is outside the range stated above.
    """

    def __init__(self, lr, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        self.lr = _real(lr, "lr", low=0.0, low_open=True)
        self.factor = _real(factor, "factor", low=0.0, high=1.0, low_open=True, high_open=True)
        self.patience = _whole(patience, "patience", 0)
        self.threshold = _real(threshold, "threshold", low=0.0, high=1.0, high_open=True)
        self.min_lr = _real(min_lr, "min_lr", low=0.0)
        self.best = math.inf
        self.num_bad_steps = 0

    def step(self, metric):
        """Record one value of the monitored metric and return the learning rate to use next.

        Parameters
        ----------
        metric : float
            The value to minimise (e.g. a validation loss), a real number.

        Returns
        -------
        float
            The learning rate after this step.

        Raises
        ------
        ValueError
            If ``metric`` is not a real number.
        """
        try:
            metric = float(metric)
        except (TypeError, ValueError) as err:
            raise ValueError(f"metric must be a real number; got {metric!r}") from err
        if metric < self.best * (1.0 - self.threshold):
            self.best = metric
            self.num_bad_steps = 0
        else:
            self.num_bad_steps += 1
        if self.num_bad_steps > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > EPS:
                self.lr = new_lr
            self.num_bad_steps = 0
        return self.lr

    def __repr__(self):
        return (f"ReduceLROnPlateau(lr={self.lr!r}, factor={self.factor!r}, patience={self.patience!r}, "
                f"threshold={self.threshold!r}, min_lr={self.min_lr!r})")
