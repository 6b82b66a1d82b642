r"""Capstone: diagnosing a training run.

Each lesson from 04 to 12 taught a way training goes wrong. This module reads the evidence a
run leaves behind and names the cause. A run is recorded as a plain dict of arrays, a
*record* (it travels as data), with ``T`` optimiser steps, ``E`` epochs and ``L`` weight
layers (layer 0 nearest the input, layer ``L - 1`` the output layer):

==================== ========== ===========================================================
key                  shape      meaning
==================== ========== ===========================================================
``train_loss``       ``(T,)``   mean loss of the batch at each step (inf or nan once a run
                                diverges; training stops there and the rest is nan)
``val_loss``         ``(E,)``   mean loss on the validation set at the end of each epoch
``train_epoch_loss`` ``(E,)``   mean loss on the whole training set at the end of each epoch
``lr``               ``(T,)``   the learning rate used at each step
``grad_norms``       ``(T, L)`` Frobenius norm of each layer's weight gradient at each step
``weight_norms``     ``(T, L)`` Frobenius norm of each layer's weight at each step (before
                                the step's update)
``dead_fraction``    ``(T, L)`` fraction of a layer's ReLU units that are zero on every
                                example of the step's batch (0 for the output layer, which
                                has no ReLU)
==================== ========== ===========================================================

:func:`record_run` makes such records by training a small ReLU network on the digits data
(:func:`source_lib.datasets.load_digits_split`, nothing downloaded) with the settings of a
*config*; :func:`make_config` draws a config that goes wrong in a chosen way, and
:func:`draw_runs` (or :func:`iter_runs`, one run at a time) records runs of every cause. The
four graded functions read the records: :func:`diverged`, :func:`update_ratio`,
:func:`best_epoch` and :func:`diagnose`, which names one of :data:`CAUSES` (with the numbers
of :func:`signals`).
"""

import contextlib
import functools
import math

import numpy as np

from source_lib import optimizers
from source_lib.datasets import load_digits_split
from source_lib.validation import as_float_array, check_same_shape

__all__ = ["CAUSES", "DEFAULT_CONFIG", "diverged", "update_ratio", "best_epoch", "diagnose",
           "signals", "record_run", "make_config", "iter_runs", "draw_runs"]

#: What :func:`diagnose` can answer.
CAUSES = ("healthy", "lr_too_high", "lr_too_low", "vanishing_gradients", "dead_relus",
          "overfitting")

#: The settings of a run (:func:`record_run`); a config may give only some of them.
DEFAULT_CONFIG = {
    "depth": 2,            # hidden ReLU layers (the network has depth + 1 weight layers)
    "width": 48,           # units per hidden layer
    "init_scale": 1.0,     # weights ~ N(0, (init_scale * sqrt(2 / fan_in))^2): 1 is He's
    "bias_init": 0.1,      # initial bias of every hidden unit (output biases start at 0)
    "optimizer": "momentum",   # "sgd", "momentum" (SGD with momentum 0.9) or "adam"
    "lr": 0.02,            # learning rate
    "weight_decay": 0.0,   # decoupled: every step multiplies the weights by 1 - lr * wd
    "n_train": 1437,       # training examples, drawn from the 1437 of the digits' split
    "epochs": 5,
    "batch_size": 128,     # at most n_train (a larger value means full batches)
}
OPTIMIZERS = ("sgd", "momentum", "adam")
MOMENTUM = 0.9

# What diagnose calls a symptom (see its docstring for the reasoning behind each number).
DIVERGENCE_FACTOR = 10.0    # diverged: a loss above 10 times the smallest before it ...
LOSS_FLOOR = 0.1            # ... the losses counted from 0.1 up (below, a jump is noise)
DEAD_LIMIT = 0.5            # dead: more than half of a layer's units, over the last quarter
VANISHING_LIMIT = 1e-2      # vanishing: first layer's gradient below 1 % of the last layer's
OVERFIT_RISE = 0.05         # overfitting: the final validation loss 5 % above its best
SLOW_PROGRESS = 0.9         # too slow: the training loss still above 90 % of its first value ...
SLOW_RATIO = 1e-3           # ... with steps smaller than a healthy run's (update ratio 1e-3)


RECORD_KEYS = ("train_loss", "val_loss", "train_epoch_loss", "lr", "grad_norms",
               "weight_norms", "dead_fraction")


# --------------------------------------------------------------------------- #
# Argument checks
# --------------------------------------------------------------------------- #

def _numbers(x, name, ndim):
    """``x`` as a float64 array with ``ndim`` dimensions (NaN and inf allowed: a diverged
    run records them)."""
    return as_float_array(x, name, ndim=ndim, min_size=0, finite=False)


def _field(record, key, ndim):
    if not isinstance(record, dict):
        raise ValueError(f"record must be a dict of arrays; got {type(record).__name__}")
    if key not in record:
        raise ValueError(f"record has no {key!r}: a record holds {', '.join(RECORD_KEYS)}")
    return _numbers(record[key], f"record[{key!r}]", ndim)


# --------------------------------------------------------------------------- #
# The graded functions
# --------------------------------------------------------------------------- #

def diverged(train_loss, factor=DIVERGENCE_FACTOR):
    r"""Whether a run diverged: a loss that is not finite, or that jumps far above the best.

    .. math::

        \text{diverged} \iff \exists t:\ \ell_t \notin \mathbb{R}
        \ \text{ or }\ \ell_t > c \min_{s < t} \ell_s

    with :math:`c` = ``factor``. The comparison is with the smallest loss *before* step
    :math:`t` (not the first): a run that had reached 0.1 and jumps to 3 has diverged, even
    though 3 is close to where it started.

    Parameters
    ----------
    train_loss : array_like, shape (T,)
        The loss at each step; may hold inf or nan.
    factor : float
        How many times the best loss so far counts as an explosion; must be > 1.

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        If ``train_loss`` is not 1-D or is empty, or ``factor`` is not a finite number > 1.
    """
    loss = _numbers(train_loss, "train_loss", 1)
    if loss.size == 0:
        raise ValueError("train_loss must hold at least one loss; got an empty array")
    try:
        factor = float(factor)
    except (TypeError, ValueError) as err:
        raise ValueError(f"factor must be a number > 1; got {factor!r}") from err
    if not (math.isfinite(factor) and factor > 1):
        raise ValueError(f"factor must be a finite number > 1 (a loss above factor times the "
                         f"best so far diverged); got {factor!r}")
    if not np.all(np.isfinite(loss)):
        return True
    best_before = np.minimum.accumulate(loss)[:-1]
    return bool(np.any(loss[1:] > factor * best_before))


def update_ratio(record):
    r"""The update-to-weight ratio of every layer: the median over the steps of
    :math:`\eta_t \lVert \nabla W_l \rVert / \lVert W_l \rVert`.

    .. math::

        r_l = \operatorname{median}_t
              \frac{\eta_t\, \lVert g_{t,l} \rVert_F}{\lVert W_{t,l} \rVert_F}

    It is the relative size of the step a plain gradient step would take: about
    :math:`10^{-3}` in a healthy run; far smaller and the weights hardly move, far larger
    and each step rewrites them. The median ignores the few wild steps a run may have.
    Steps after a divergence hold nan, and so does the ratio of a layer that has any.

    Parameters
    ----------
    record : dict
        A record with ``"lr"`` ``(T,)``, ``"grad_norms"`` and ``"weight_norms"`` ``(T, L)``.

    Returns
    -------
    ndarray, shape (L,)

    Raises
    ------
    ValueError
        If a key is missing, the arrays are not ``(T,)``, ``(T, L)``, ``(T, L)`` with the
        same ``T`` and ``L`` (``T >= 1``), or a weight norm is 0.
    """
    lr = _field(record, "lr", 1)
    grads = _field(record, "grad_norms", 2)
    weights = _field(record, "weight_norms", 2)
    check_same_shape(grads, weights, "record['grad_norms']", "record['weight_norms']")
    if lr.shape[0] != grads.shape[0]:
        raise ValueError(f"record['lr'] must hold one rate per step, {grads.shape[0]} "
                         f"(the rows of grad_norms); got {lr.shape[0]}")
    if lr.size == 0:
        raise ValueError("the record must hold at least one step; got T = 0")
    if np.any(weights == 0):
        raise ValueError("record['weight_norms'] holds a 0: the ratio divides by the weight "
                         "norm, which must not be 0")
    return np.median(lr[:, None] * grads / weights, axis=0)


def best_epoch(val_loss):
    """The early-stopping point: the first epoch with the smallest validation loss.

    Parameters
    ----------
    val_loss : array_like, shape (E,)
        Validation loss at the end of each epoch (epoch 0 first).

    Returns
    -------
    int
        The index of the first minimum (ties go to the earlier epoch: stop as soon as
        possible).

    Raises
    ------
    ValueError
        If ``val_loss`` is not 1-D, is empty, or holds nan or inf.
    """
    loss = as_float_array(val_loss, "val_loss", ndim=1)
    return int(np.argmin(loss))


def signals(record):
    r"""The numbers :func:`diagnose` reads, one per symptom (a doctor's chart).

    Parameters
    ----------
    record : dict
        A record (see the module's docstring).

    Returns
    -------
    dict
        ``"diverged"``: whether the loss, counted from 0.1 up, diverged (factor 10);
        ``"dead"``: the largest over the layers of the mean dead fraction over the last
        quarter of the steps; ``"grad_ratio"``: the median gradient norm of the first layer
        over that of the last; ``"best_epoch"``: :func:`best_epoch` of the validation loss;
        ``"val_rise"``: the final validation loss over its best, minus 1;
        ``"train_falls"``: whether the training loss ends below its value at the best
        epoch; ``"update_ratio"``: the median over the layers of :func:`update_ratio`;
        ``"progress"``: the final training loss over the first epoch's. A diverged run
        gives only ``"diverged"``: its other numbers mean nothing.

    Raises
    ------
    ValueError
        If the record lacks a key or its arrays do not match (``(T,)``, ``(E,)``,
        ``(T, L)``), or it has no step.
    """
    loss = _field(record, "train_loss", 1)
    if diverged(np.maximum(loss, LOSS_FLOOR), DIVERGENCE_FACTOR):
        return {"diverged": True}
    val = _field(record, "val_loss", 1)
    train = _field(record, "train_epoch_loss", 1)
    check_same_shape(val, train, "record['val_loss']", "record['train_epoch_loss']")
    dead = _field(record, "dead_fraction", 2)
    grads = _field(record, "grad_norms", 2)
    check_same_shape(dead, grads, "record['dead_fraction']", "record['grad_norms']")
    T = loss.shape[0]
    if dead.shape[0] != T:
        raise ValueError(f"record['dead_fraction'] must have one row per step ({T}); "
                         f"got {dead.shape[0]}")
    last_quarter = dead[T - max(1, T // 4):]
    g = np.median(grads, axis=0)
    best = best_epoch(val)
    with np.errstate(divide="ignore", invalid="ignore"):
        grad_ratio = float(g[0] / g[-1])
    return {
        "diverged": False,
        "dead": float(np.max(np.mean(last_quarter, axis=0))),
        "grad_ratio": grad_ratio,
        "best_epoch": best,
        "val_rise": float(val[-1] / val[best] - 1.0),
        "train_falls": bool(train[-1] < train[best]),
        "update_ratio": float(np.median(update_ratio(record))),
        "progress": float(train[-1] / train[0]),
    }


def diagnose(record):
    r"""Name what went wrong in a training run (or ``"healthy"``).

    The symptoms are checked in order, and the first that shows names the cause:

    1. ``"lr_too_high"``: the loss diverged (:func:`diverged`, factor 10), counted from
       0.1 up: ``diverged(np.maximum(train_loss, 0.1))``. Below a tenth of a nat the loss of
       a batch is noise: a jump from 0.005 to 0.08 is not an explosion. First, because a run
       that blew up leaves nonsense in every other signal (dead units, nan gradients).
    2. ``"dead_relus"``: over the last quarter of the steps, more than half of the units of
       some layer were dead on average. A dead unit passes no gradient, so the layers
       below it look starved too: this comes before the gradient test.
    3. ``"vanishing_gradients"``: the median gradient norm of the first layer is below
       :math:`10^{-2}` times that of the last layer (orders of magnitude apart).
    4. ``"overfitting"``: the validation loss has a best epoch before the last, ends more
       than 5 % above it, and the training loss has kept falling since.
    5. ``"lr_too_low"``: the training loss has hardly moved (at the last epoch it is still
       above 90 % of its value after the first), and the steps are smaller than a healthy
       run's: the median over the layers of :func:`update_ratio` is below :math:`10^{-3}`.
    6. Otherwise ``"healthy"``.

    Parameters
    ----------
    record : dict
        A record (see the module's docstring).

    Returns
    -------
    str
        One of :data:`CAUSES`.

    Raises
    ------
    ValueError
        If the record lacks a key or its arrays do not match.
    """
    s = signals(record)
    if s["diverged"]:
        return "lr_too_high"
    if s["dead"] > DEAD_LIMIT:
        return "dead_relus"
    if s["grad_ratio"] < VANISHING_LIMIT:
        return "vanishing_gradients"
    # a best epoch before the last is implied: at the last, val_rise is 0 and train_falls False
    if s["val_rise"] > OVERFIT_RISE and s["train_falls"]:
        return "overfitting"
    if s["progress"] > SLOW_PROGRESS and s["update_ratio"] < SLOW_RATIO:
        return "lr_too_low"
    return "healthy"


# --------------------------------------------------------------------------- #
# Recording runs
# --------------------------------------------------------------------------- #

@functools.cache
def _digits():
    """The digits' training and validation split (loaded once per process)."""
    return load_digits_split()


def _check_config(config):
    if not isinstance(config, dict):
        raise ValueError(f"config must be a dict; got {type(config).__name__}")
    unknown = sorted(set(config) - set(DEFAULT_CONFIG), key=str)
    if unknown:
        raise ValueError(f"config has unknown keys {unknown}; the keys are "
                         f"{', '.join(DEFAULT_CONFIG)}")
    c = dict(DEFAULT_CONFIG, **config)
    n_max = len(_digits()[1])
    for key, low, high in (("depth", 1, 64), ("width", 1, 4096), ("epochs", 1, 10_000),
                           ("n_train", 10, n_max), ("batch_size", 1, None)):
        value = c[key]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
                or value < low or (high is not None and value > high):
            raise ValueError(f"config[{key!r}] must be an integer in [{low}, "
                             f"{high if high is not None else 'inf'}]; got {value!r}")
        c[key] = int(value)
    for key, low in (("init_scale", 0.0), ("lr", 0.0), ("weight_decay", None), ("bias_init", None)):
        try:
            value = float(c[key])
        except (TypeError, ValueError) as err:
            raise ValueError(f"config[{key!r}] must be a number; got {c[key]!r}") from err
        if not math.isfinite(value) or (low is not None and not value > low) \
                or (key == "weight_decay" and value < 0):
            bound = {"init_scale": " > 0", "lr": " > 0", "weight_decay": " >= 0"}.get(key, "")
            raise ValueError(f"config[{key!r}] must be a finite number{bound}; got {c[key]!r}")
        c[key] = value
    if c["optimizer"] not in OPTIMIZERS:
        raise ValueError(f"config['optimizer'] must be one of {OPTIMIZERS}; got {c['optimizer']!r}")
    return c


def _forward(Ws, bs, X):
    """The inputs of every layer (``X`` first) and the log-probabilities of the output.

    The log-softmax is written here rather than taken from :mod:`source_lib.information`,
    whose functions refuse the inf and nan of a run that diverges."""
    hs = [X]
    for W, b in zip(Ws[:-1], bs[:-1]):
        hs.append(np.maximum(hs[-1] @ W + b, 0.0))
    z = hs[-1] @ Ws[-1] + bs[-1]
    shifted = z - z.max(axis=1, keepdims=True)
    return hs, shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _mean_loss(Ws, bs, X, y):
    """Mean cross-entropy of the network on (X, y)."""
    logp = _forward(Ws, bs, X)[1]
    return float(-np.mean(logp[np.arange(len(y)), y]))


def record_run(config, rng, progress=None):
    r"""Train a small ReLU network on the digits and record what a doctor would look at.

    The network has ``depth`` hidden ReLU layers of ``width`` units and a linear output
    layer (10 logits), ``L = depth + 1`` weight layers. Weights start as
    :math:`\mathcal{N}(0, s^2 \cdot 2/n_\text{in})` (He's initialisation, lesson 06, times
    ``init_scale`` :math:`s`), hidden biases at ``bias_init`` and output biases at 0. The
    loss is the mean softmax cross-entropy (lesson 04) and its gradients come from
    backpropagation (lesson 05). Each step takes a batch of ``batch_size`` examples of a
    shuffled training set of ``n_train`` digits (drawn once with ``rng`` from the 1437 of
    the split) and updates with the optimiser of lesson 07 (``"sgd"``, ``"momentum"`` =
    SGD with momentum 0.9, ``"adam"``) after a decoupled weight decay of the weights,
    :math:`W \leftarrow (1 - \eta\lambda) W`. Training stops at the first loss that is not
    finite (the rest of the record is nan).

    Parameters
    ----------
    config : dict
        Some or all of the keys of :data:`DEFAULT_CONFIG` (the rest take its values).
    rng : numpy.random.Generator
        Draws the training subset, the initial weights and the order of the batches: the
        same generator state gives the same record.
    progress : callable, optional
        Called with 1 after each step (a progress bar's ``update``).

    Returns
    -------
    dict
        The record: the arrays listed in the module's docstring, ``T = epochs * ceil(n_train
        / batch_size)`` steps.

    Raises
    ------
    ValueError
        If a key of ``config`` is unknown or its value out of range, or ``rng`` is not a
        NumPy generator.

    Notes
    -----
    ``rng`` draws, in this order: the training subset (``rng.choice``), the weights layer by
    layer from the input (``rng.normal``), then each epoch's shuffle (``rng.permutation``).
    The library's tests replay these draws to train the same network with torch.
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    c = _check_config(config)
    X_all, y_all, X_val, y_val = _digits()
    subset = rng.choice(len(y_all), size=c["n_train"], replace=False)
    X, y = X_all[subset], y_all[subset]
    sizes = [X.shape[1]] + [c["width"]] * c["depth"] + [10]
    L = len(sizes) - 1
    Ws = [rng.normal(size=(n_in, n_out)) * (c["init_scale"] * math.sqrt(2.0 / n_in))
          for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    bs = [np.full(n_out, c["bias_init"] if l < L - 1 else 0.0) for l, n_out in enumerate(sizes[1:])]
    params = {**{f"W{l}": W for l, W in enumerate(Ws)}, **{f"b{l}": b for l, b in enumerate(bs)}}
    lr, decay = c["lr"], c["weight_decay"]
    opt = optimizers.Adam(lr) if c["optimizer"] == "adam" else \
        optimizers.SGD(lr, momentum=MOMENTUM if c["optimizer"] == "momentum" else 0.0)

    n, batch = c["n_train"], min(c["batch_size"], c["n_train"])
    per_epoch = -(-n // batch)
    T, E = c["epochs"] * per_epoch, c["epochs"]
    record = {"train_loss": np.full(T, np.nan), "val_loss": np.full(E, np.nan),
              "train_epoch_loss": np.full(E, np.nan), "lr": np.full(T, lr),
              "grad_norms": np.full((T, L), np.nan), "weight_norms": np.full((T, L), np.nan),
              "dead_fraction": np.full((T, L), np.nan)}
    t = 0
    with np.errstate(all="ignore"), _one_thread():
        for epoch in range(E):
            order = rng.permutation(n)
            for start in range(0, n, batch):
                idx = order[start:start + batch]
                stop = _step(Ws, bs, params, X[idx], y[idx], opt, lr, decay, record, t)
                t += 1
                if progress is not None:
                    progress(1)
                if stop:
                    return record
            record["val_loss"][epoch] = _mean_loss(Ws, bs, X_val, y_val)
            record["train_epoch_loss"][epoch] = _mean_loss(Ws, bs, X, y)
    return record


def _step(Ws, bs, params, Xb, yb, opt, lr, decay, record, t):
    """One training step: forward, record, backward, update. True if the loss is not finite."""
    L, N = len(Ws), len(yb)
    hs, logp = _forward(Ws, bs, Xb)             # hs: the inputs of every layer
    loss = -np.mean(logp[np.arange(N), yb])
    record["train_loss"][t] = loss
    record["dead_fraction"][t, :-1] = [np.mean(np.all(h == 0.0, axis=0)) for h in hs[1:]]
    record["dead_fraction"][t, -1] = 0.0
    # backward: dL/dz = (softmax - onehot) / N, then down through every layer
    dz = np.exp(logp)
    dz[np.arange(N), yb] -= 1.0
    dz /= N
    grads = {}
    for l in range(L - 1, -1, -1):
        grads[f"W{l}"] = hs[l].T @ dz
        grads[f"b{l}"] = dz.sum(axis=0)
        if l > 0:
            dz = (dz @ Ws[l].T) * (hs[l] > 0)
    record["grad_norms"][t] = [np.linalg.norm(grads[f"W{l}"]) for l in range(L)]
    record["weight_norms"][t] = [np.linalg.norm(W) for W in Ws]
    if not np.isfinite(loss):
        return True
    if decay:
        for W in Ws:
            W *= 1.0 - lr * decay
    opt.step(params, grads)
    return False


def _one_thread():
    """BLAS on one thread while a run trains (a context manager): its matrices are small,
    and one core is what grading may use."""
    controller = _blas_controller()
    return contextlib.nullcontext() if controller is None else \
        controller.limit(limits=1, user_api="blas")


@functools.cache
def _blas_controller():
    """threadpoolctl's controller, which scans the loaded libraries: made once."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:    # pragma: no cover - the course's environment has it
        return None
    return ThreadpoolController()


# --------------------------------------------------------------------------- #
# Runs that go wrong in a chosen way
# --------------------------------------------------------------------------- #

def _log_uniform(rng, low, high):
    return float(math.exp(rng.uniform(math.log(low), math.log(high))))


def make_config(cause, rng, flavour=None):
    """A config whose run shows ``cause`` (see :data:`CAUSES`), with its settings drawn at random.

    ============================ =========================================================
    cause                        how the run is set up
    ============================ =========================================================
    ``"healthy"``                1-3 hidden layers, He's scale, SGD with momentum at a rate
                                 of 0.004-0.015, 4-6 epochs of the whole training set
    ``"lr_too_high"``            Adam at a rate of 1-4 (flavour 0), or plain SGD at 30-300
                                 (flavour 1)
    ``"lr_too_low"``             plain SGD at 1e-5 to 5e-5
    ``"vanishing_gradients"``    10-14 hidden layers at 0.15-0.25 of He's scale
    ``"dead_relus"``             hidden biases started at -5 to -4 (where one huge update
                                 or a wrong sign leaves them): most units never fire; Adam
                                 at 0.001-0.003 (flavour 0) or SGD with momentum at
                                 0.015-0.06 (flavour 1)
    ``"overfitting"``            15-30 training examples, 3 hidden layers of 64, Adam at
                                 0.007-0.011 for 40-60 epochs of full batches
    ============================ =========================================================

    Parameters
    ----------
    cause : str
        One of :data:`CAUSES`.
    rng : numpy.random.Generator
    flavour : {None, 0, 1}
        For the causes made in two ways (``"lr_too_high"``, ``"dead_relus"``), which one;
        drawn at random if None.

    Returns
    -------
    dict
        A complete config for :func:`record_run`.

    Raises
    ------
    ValueError
        If ``cause`` is not one of :data:`CAUSES`, or ``flavour`` is not None, 0 or 1.
    """
    if cause not in CAUSES:
        raise ValueError(f"cause must be one of {CAUSES}; got {cause!r}")
    if flavour is not None and (isinstance(flavour, bool) or flavour not in (0, 1)):
        raise ValueError(f"flavour must be None, 0 or 1; got {flavour!r}")
    c = dict(DEFAULT_CONFIG)
    c.update(depth=int(rng.integers(1, 4)), width=int(rng.choice([32, 48, 64])),
             init_scale=float(rng.uniform(0.8, 1.2)), epochs=int(rng.integers(3, 6)))
    if cause == "healthy":
        c.update(optimizer="momentum", lr=_log_uniform(rng, 0.004, 0.015),
                 weight_decay=float(rng.choice([0.0, 1e-4, 1e-3])), epochs=int(rng.integers(4, 7)))
    elif cause == "lr_too_high":
        if _first_way(rng, flavour):
            c.update(optimizer="adam", lr=_log_uniform(rng, 1.0, 4.0))
        else:
            c.update(optimizer="sgd", lr=_log_uniform(rng, 30.0, 300.0))
    elif cause == "lr_too_low":
        c.update(optimizer="sgd", lr=_log_uniform(rng, 1e-5, 5e-5))
    elif cause == "vanishing_gradients":
        c.update(depth=int(rng.integers(10, 15)), width=32,
                 init_scale=float(rng.uniform(0.15, 0.25)), optimizer="momentum",
                 lr=_log_uniform(rng, 0.005, 0.03), epochs=int(rng.integers(3, 5)))
    elif cause == "dead_relus":
        adam = _first_way(rng, flavour)
        c.update(depth=2, width=int(rng.choice([64, 96])), bias_init=float(rng.uniform(-5.0, -4.0)),
                 optimizer="adam" if adam else "momentum",
                 lr=_log_uniform(rng, 1e-3, 3e-3) if adam else _log_uniform(rng, 0.015, 0.06))
    else:  # overfitting
        n = int(rng.integers(15, 31))
        c.update(depth=3, width=64, init_scale=float(rng.uniform(0.7, 1.0)), optimizer="adam",
                 lr=_log_uniform(rng, 0.007, 0.011), n_train=n, batch_size=n,
                 epochs=int(rng.integers(40, 61)))
    return c


def _first_way(rng, flavour):
    """Whether a cause made in two ways is made the first way: ``flavour`` 0, or a coin
    drawn with ``rng`` when it is None."""
    return bool(rng.random() < 0.5) if flavour is None else flavour == 0


def iter_runs(rng, per_cause=1, causes=CAUSES):
    """Record ``per_cause`` runs of every cause, in an order drawn at random, one at a time.

    A generator: each ``(cause, record)`` pair is recorded when it is asked for, so a caller
    that stops early (the checks, at a ``diagnose`` that is not written yet) records no more.
    The causes made in two ways alternate between them (:func:`make_config`'s ``flavour``),
    so that ``per_cause >= 2`` shows both. :func:`draw_runs` gives the same runs as a list.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the order, the configs and the runs.
    per_cause : int
        Runs of each cause, >= 1.
    causes : sequence of str
        Which causes (all of :data:`CAUSES` by default).

    Yields
    ------
    (str, dict)
        A cause and the record of a run that shows it.

    Raises
    ------
    ValueError
        If ``per_cause < 1`` or a cause is unknown (when the generator starts).
    """
    if isinstance(per_cause, (bool, np.bool_)) or not isinstance(per_cause, (int, np.integer)) \
            or per_cause < 1:
        raise ValueError(f"per_cause must be an integer >= 1; got {per_cause!r}")
    for cause in causes:
        if cause not in CAUSES:
            raise ValueError(f"causes must be among {CAUSES}; got {cause!r}")
    labels = [(cause, k % 2) for cause in causes for k in range(per_cause)]
    for i in rng.permutation(len(labels)):
        cause, flavour = labels[i]
        yield cause, record_run(make_config(cause, rng, flavour=flavour), rng)


def draw_runs(rng, per_cause=1, causes=CAUSES):
    """Record ``per_cause`` runs of every cause, in an order drawn at random: the list of
    :func:`iter_runs`.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the order, the configs and the runs.
    per_cause : int
        Runs of each cause, >= 1.
    causes : sequence of str
        Which causes (all of :data:`CAUSES` by default).

    Returns
    -------
    list of (str, dict)
        ``(cause, record)`` pairs.

    Raises
    ------
    ValueError
        If ``per_cause < 1`` or a cause is unknown.
    """
    return list(iter_runs(rng, per_cause, causes))
