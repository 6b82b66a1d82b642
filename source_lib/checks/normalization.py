"""Checks of lesson 08 (batch normalisation and dropout): BatchNorm's forward pass over several
consecutive training calls then evaluation calls (output and running statistics, compared with
``source_lib.normalization``, which the library tests compare with ``torch.nn.BatchNorm1d``),
its backward pass fed the learner's OWN forward cache, dropout's forward pass checked exactly
(survivors scaled by 1/(1-p), identity in evaluation, draws from the given generator only) and
statistically (fraction dropped, mean preserved), and dropout's backward pass checked exactly
against the mask of the learner's own forward call.

The running state: the exercise accepts both readings of "updated in place". After a training
call, ``state["running_mean"]`` and ``state["running_var"]`` of the caller's dict must hold the
new values, whether the learner updated the arrays themselves or stored new arrays in the dict
(``mutable=["state"]`` writes either back). Rebinding ``state`` inside the function updates
nothing and fails. The state may hold other entries (torch's ``num_batches_tracked``): they are
accepted and must come back unchanged. A feature constant over the batch (variance exactly 0)
and one equal up to round-off are valid inputs, whose output is beta.

Dropout: ``p`` is validated in evaluation too (as torch does); a call leaves NumPy's global
random state as it was (as every call of every lesson, checked by
:class:`~source_lib.checks.Runner`); the mask depends only on the generator and the shape, so
the backward pass is checked on inputs with exact zeros (as after a ReLU), where a mask rebuilt
from ``out != 0`` is wrong.

Statistical checks use 6-standard-deviation bands on inputs of 20 000 entries: a correct
dropout fails one of the six banded comparisons of a run with probability about 1.2e-8 (and
the check that two rows or two columns of the mask differ with probability below 1e-8).
Every other comparison is exact up to round-off, so no wrong implementation listed in the
catalogue passes by luck with any seed.
"""

import numpy as np

from source_lib import normalization as ref
from source_lib.checks import Choice, Lesson, Number, StudentError
from source_lib.testing import assert_close, describe, fail

checks = Lesson("08_batchnorm_dropout")

# Routines that do the exercise: torch's BatchNorm and dropout, in every spelling we know of.
BATCHNORM_SHORTCUTS = [
    "torch.nn.functional.batch_norm",
    "torch.nn.functional.instance_norm",
    "torch.nn.functional.layer_norm",
    "torch.batch_norm",
    "torch.native_batch_norm",
    "torch.nn.BatchNorm1d",
    "torch.nn.BatchNorm2d",
    "torch.nn.modules.batchnorm._BatchNorm.forward",
]
DROPOUT_SHORTCUTS = [
    "torch.nn.functional.dropout",
    "torch.nn.functional.dropout1d",
    "torch.nn.functional.alpha_dropout",
    "torch.nn.functional.feature_alpha_dropout",
    "torch.dropout",
    "torch.nn.Dropout",
    "torch.nn.modules.dropout.Dropout.forward",
]
# A backward pass written by hand, not left to torch's autograd.
AUTOGRAD_SHORTCUTS = [
    "torch.autograd.backward",
    "torch.autograd.grad",
    "torch.Tensor.backward",
]

batchnorm_forward = checks.exercise("batchnorm_forward", ref.batchnorm_forward,
                                    forbidden=BATCHNORM_SHORTCUTS, mutable=["state"])
batchnorm_backward = checks.exercise("batchnorm_backward", ref.batchnorm_backward,
                                     forbidden=BATCHNORM_SHORTCUTS + AUTOGRAD_SHORTCUTS)
dropout_forward = checks.exercise("dropout_forward", ref.dropout_forward,
                                  forbidden=DROPOUT_SHORTCUTS)
dropout_backward = checks.exercise("dropout_backward", ref.dropout_backward,
                                   forbidden=DROPOUT_SHORTCUTS + AUTOGRAD_SHORTCUTS)


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #

def _arrays(**named):
    """``name=value`` pairs for a failure message (small arrays in full)."""
    return ", ".join(f"{name}={describe(value)}" for name, value in named.items())


def _pair(result, name, what, inputs):
    """``result`` as ``(first, second)`` if it is a pair; otherwise a failure."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        fail(f"{name} must return a pair {what}.", inputs=inputs,
             expected=f"a tuple {what}", received=describe(result),
             hint=f"end with `return {what.strip('()')}`")
    return result


def _matches(got, value, rtol=1e-9, atol=1e-12):
    """Whether ``got`` equals ``value`` (same shape, close, inf and NaN in the same places): to
    recognise a known mistake."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    value = np.asarray(value, dtype=float)
    if got.shape != value.shape:
        return False
    finite = np.isfinite(value)
    if not np.array_equal(np.isfinite(got), finite) or \
            not np.array_equal(got[~finite], value[~finite], equal_nan=True):
        return False
    return float(np.linalg.norm(got[finite] - value[finite])) <= \
        atol + rtol * float(np.linalg.norm(value[finite]))


def _compare(got, expected, what, inputs, hint, suspects=(), rtol=1e-9, atol=1e-12):
    """assert_close, with the hint of the first known mistake that ``got`` reproduces."""
    for value, why in suspects:
        if not _matches(expected, value) and _matches(got, value):
            hint = why
            break
    assert_close(got, expected, rtol=rtol, atol=atol, what=what, inputs=inputs, hint=hint)


def _random_batch(rng, N, D):
    """A batch whose columns have their own centre (up to ~10) and scale (0.5 to 3)."""
    return 3.0 * rng.normal(size=D) + rng.uniform(0.5, 3.0, size=D) * rng.normal(size=(N, D))


def _random_state(rng, D):
    return {"running_mean": rng.normal(size=D), "running_var": rng.uniform(0.5, 2.0, size=D)}


def _copy_state(state):
    return {k: np.array(v, dtype=float) for k, v in state.items()}


# --------------------------------------------------------------------------- #
# batchnorm_forward
# --------------------------------------------------------------------------- #

def _bn_suspects(x, gamma, beta, old, momentum, eps, train):
    """Known wrong outputs and states of one BatchNorm call, each with its hint."""
    n = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    rm, rv = old["running_mean"], old["running_var"]
    unbiased = var * n / max(n - 1, 1)
    with np.errstate(all="ignore"):
        per_row = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + eps)
    out, state = [], []
    if train:
        new_rm, new_rv = (1 - momentum) * rm + momentum * mu, (1 - momentum) * rv + momentum * unbiased
        out += [
            (gamma * (x - mu) / np.sqrt(unbiased + eps) + beta,
             "normalise the batch with the BIASED variance, dividing by N (x.var(axis=0)); the "
             "unbiased N/(N-1) version is only for the running variance"),
            (gamma * (x - rm) / np.sqrt(rv + eps) + beta,
             "in training, normalise with the statistics of the BATCH, not the running ones"),
            (gamma * (x - new_rm) / np.sqrt(new_rv + eps) + beta,
             "in training, normalise with the statistics of the BATCH, not with the running "
             "ones (even freshly updated)"),
            (gamma * (x - mu) / (np.sqrt(var) + eps) + beta,
             "eps goes under the square root: (x - mu) / sqrt(var + eps)"),
            (beta * (x - mu) / np.sqrt(var + eps) + gamma,
             "out = gamma * xhat + beta: gamma scales, beta shifts"),
            (gamma * per_row + beta,
             "normalise every feature (column, axis=0) over the batch, not every example (row, "
             "axis=1) over its features"),
        ]
        if eps != 1e-5:
            out.append((gamma * (x - mu) / np.sqrt(var + 1e-5) + beta,
                        "use the eps argument, not a fixed 1e-5"))
        if np.any(var == 0):
            for constant in (0.0, np.nan):
                out.append((np.where(var == 0, constant, gamma * (x - mu) / np.sqrt(var + eps)
                                     + beta),
                            "a feature that is constant over the batch is normalised like any "
                            "other: xhat = 0 there and out = beta; no special case is needed"))
        mean_hint = ("new running_mean = (1 - momentum) * old + momentum * batch mean, in the "
                     "caller's dict")
        var_hint = ("new running_var = (1 - momentum) * old + momentum * UNBIASED batch variance "
                    "(var * N / (N - 1)), in the caller's dict")
        reversed_hint = ("the momentum convention is reversed: torch's momentum is the weight of "
                         "the NEW batch, new = (1 - momentum) * old + momentum * batch")
        decay_hint = "the old value decays too: new = (1 - momentum) * old + momentum * batch"
        state += [
            ("running_mean", rm, "the running mean was not updated: " + mean_hint + " (rebinding "
             "`state = ...` or working on a copy leaves the caller's dict unchanged)"),
            ("running_var", rv, "the running variance was not updated: " + var_hint),
            ("running_mean", momentum * rm + (1 - momentum) * mu, reversed_hint),
            ("running_var", momentum * rv + (1 - momentum) * unbiased, reversed_hint),
            ("running_var", (1 - momentum) * rv + momentum * var,
             "the running variance takes the UNBIASED batch variance, var * N / (N - 1), as "
             "torch.nn.BatchNorm1d does (the batch itself is normalised with the biased one)"),
            ("running_mean", mu, "the running mean must be a moving average, not the last batch's"),
            ("running_var", unbiased, "the running variance must be a moving average, not the "
                                      "last batch's"),
            ("running_mean", rm + momentum * mu, decay_hint),
            ("running_var", rv + momentum * unbiased, decay_hint),
        ]
        if momentum != 0.1:
            state += [(key, value, "use the momentum argument, not a fixed 0.1")
                      for key, value in (("running_mean", 0.9 * rm + 0.1 * mu),
                                         ("running_var", 0.9 * rv + 0.1 * unbiased))]
    else:
        out += [
            (gamma * (x - mu) / np.sqrt(var + eps) + beta,
             "in evaluation, normalise with state['running_mean'] and state['running_var'], "
             "not with the statistics of the batch"),
            (gamma * (x - rm) / np.sqrt(rv) + beta,
             "add eps in evaluation too: (x - running_mean) / sqrt(running_var + eps)"),
            (gamma * (x - rm) / (np.sqrt(rv) + eps) + beta,
             "eps goes under the square root: (x - running_mean) / sqrt(running_var + eps)"),
            (beta * (x - rm) / np.sqrt(rv + eps) + gamma,
             "out = gamma * xhat + beta: gamma scales, beta shifts"),
        ]
        if eps != 1e-5:
            out.append((gamma * (x - rm) / np.sqrt(rv + 1e-5) + beta,
                        "use the eps argument, not a fixed 1e-5"))
    return out, state


STATE_KEYS = ("running_mean", "running_var")
STATE_KEYS_HINT = ("update 'running_mean' and 'running_var' and leave every other entry of state "
                   "as it is (torch keeps a third one, num_batches_tracked): do not add, remove "
                   "or rename keys")


def _check_state_after(state, old, inputs):
    """The caller's dict after a call: the same keys, the extra ones unchanged, the running
    statistics arrays of shape (D,)."""
    if not isinstance(state, dict) or set(state) != set(old):
        fail("after the call, state should hold the keys it came with.", inputs=inputs,
             expected=sorted(old), received=sorted(state) if isinstance(state, dict)
             else describe(state), hint=STATE_KEYS_HINT)
    for key in old:
        if key not in STATE_KEYS and not (np.shape(state[key]) == np.shape(old[key])
                                          and np.array_equal(state[key], old[key])):
            fail(f"the call changed state[{key!r}], which is not batchnorm_forward's.",
                 inputs=inputs, expected=describe(old[key]), received=describe(state[key]),
                 hint=STATE_KEYS_HINT)
    for key in STATE_KEYS:
        if np.shape(state[key]) != np.shape(old[key]):
            fail(f"state[{key!r}] changed its shape.", inputs=inputs,
                 expected=f"shape {np.shape(old[key])}, one entry per feature",
                 received=f"shape {np.shape(state[key])}",
                 hint="the running statistics keep the shape (D,): take the batch mean and "
                      "variance over axis 0 without keepdims")


def _bn_call(f, x, gamma, beta, state, train, momentum, eps, label, on_error=None):
    """One call of the learner's batchnorm_forward, checked against the reference. With
    ``on_error``, an exception of the learner's function fails with that hint."""
    old = {k: (np.array(v) if isinstance(v, np.ndarray) else v) for k, v in state.items()}
    kwargs = {"train": train}
    if momentum is not None:
        kwargs["momentum"] = momentum
    if eps is not None:
        kwargs["eps"] = eps
    m = 0.1 if momentum is None else momentum
    e = 1e-5 if eps is None else eps
    inputs = f"{label}: {_arrays(x=x, gamma=gamma, beta=beta)}, state={describe(old)}, " + \
        ", ".join(f"{k}={v}" for k, v in kwargs.items())
    try:
        result = f(x, gamma, beta, state, **kwargs)
    except StudentError as err:
        if on_error is None:
            raise
        fail("batchnorm_forward failed on a valid input.", inputs=inputs,
             received=str(err).splitlines()[0], hint=on_error)
    out, _ = _pair(result, "batchnorm_forward", "(out, cache)", inputs)
    expected_state = _copy_state({k: old[k] for k in STATE_KEYS})
    expected_out, _ = ref.batchnorm_forward(x, gamma, beta, expected_state, train=train,
                                            momentum=m, eps=e)
    out_suspects, state_suspects = _bn_suspects(x, gamma, beta, old, m, e, train)
    _compare(out, expected_out, "out returned by batchnorm_forward", inputs,
             "out = gamma * (x - mean) / sqrt(var + eps) + beta, per feature (column): batch "
             "statistics in training, running statistics in evaluation",
             out_suspects)
    _check_state_after(state, old, inputs)
    if not train:
        for key in STATE_KEYS:
            if not np.array_equal(state[key], old[key]):
                fail(f"an evaluation call changed state[{key!r}].", inputs=inputs,
                     expected=describe(old[key]), received=describe(state[key]),
                     hint="in evaluation (train=False) the running statistics are only read, "
                          "never updated")
        return
    for key in STATE_KEYS:
        suspects = [(value, why) for k, value, why in state_suspects if k == key]
        _compare(state[key], expected_state[key], f"state[{key!r}] after the call",
                 inputs, "new = (1 - momentum) * old + momentum * batch statistic (the unbiased "
                 "variance for running_var), stored in the caller's dict", suspects)


@batchnorm_forward.part("values", points=5)
def batchnorm_forward_values(f, rng):
    # Hand-worked: x = [[1], [3]] has mean 2, biased variance 1 and unbiased variance 2, so
    #   out = (x - 2) / sqrt(1 + 1e-5) = [[-1], [1]] / sqrt(1.00001)
    #   running_mean = 0.9 * 0 + 0.1 * 2 = 0.2,  running_var = 0.9 * 1 + 0.1 * 2 = 1.1
    # (the unbiased variance in the normalisation would give [[-1], [1]] / sqrt(2); a biased
    # running variance 1.0; the momentum reversed 1.8 and 1.9).
    state = {"running_mean": np.zeros(1), "running_var": np.ones(1)}
    x, gamma, beta = np.array([[1.0], [3.0]]), np.ones(1), np.zeros(1)
    old = _copy_state(state)
    inputs = "x=[[1], [3]], gamma=[1], beta=[0], state={running_mean: [0], running_var: [1]}"
    out, _ = _pair(f(x, gamma, beta, state), "batchnorm_forward", "(out, cache)", inputs)
    out_suspects, state_suspects = _bn_suspects(x, gamma, beta, old, 0.1, 1e-5, True)
    _compare(out, np.array([[-1.0], [1.0]]) / np.sqrt(1 + 1e-5), "out returned by "
             "batchnorm_forward", inputs, "mean 2 and BIASED variance 1 (divide by N = 2): "
             "out = (x - 2) / sqrt(1 + eps)",
             [(np.array([[-1.0], [1.0]]) / np.sqrt(2 + 1e-5),
               "normalise with the BIASED variance (divide by N, here 1), not the unbiased "
               "one (here 2)")] + out_suspects)
    _check_state_after(state, old, inputs)
    _compare(state["running_mean"], np.array([0.2]),
             "state['running_mean'] after the call", inputs,
             "0.9 * 0 + 0.1 * 2 = 0.2: momentum is the weight of the new batch mean, and the "
             "caller's dict must hold the new value",
             [(np.array([1.8]), "the momentum convention is reversed: new = 0.9 * old + 0.1 * "
                                "batch = 0.2, not 0.1 * old + 0.9 * batch = 1.8"),
              (np.array([0.0]), "the caller's state was not updated: change state['running_mean']"
                                " itself (in place, or store a new array in the dict)")]
             + [(value, why) for k, value, why in state_suspects if k == "running_mean"])
    _compare(state["running_var"], np.array([1.1]),
             "state['running_var'] after the call", inputs,
             "0.9 * 1 + 0.1 * 2 = 1.1, with the UNBIASED batch variance 2",
             [(np.array([1.0]), "the running variance takes the UNBIASED batch variance "
                                "(var * N / (N - 1) = 2 here): 0.9 * 1 + 0.1 * 2 = 1.1"),
              (np.array([1.9]), "the momentum convention is reversed: new = 0.9 * old + 0.1 * "
                                "batch")]
             + [(value, why) for k, value, why in state_suspects if k == "running_var"])

    # Random runs: three consecutive training calls with the same state (each reads what the
    # previous one wrote), then evaluation calls, one of them on a single example. Columns have
    # their own centre and scale, so batch and running statistics differ; one run has a large
    # eps (a misplaced or forgotten eps shows), one uses the default momentum and eps. One state
    # carries an extra entry, as torch's does (num_batches_tracked): it is left alone.
    runs = [((4, 3), None, None), ((7, 1), float(rng.uniform(0.05, 0.5)), None),
            ((16, 5), float(rng.uniform(0.05, 0.5)), 0.3), ((2, 4), 0.9, None)]
    for k, ((N, D), momentum, eps) in enumerate(runs):
        gamma, beta = rng.normal(size=D) + 1.0, rng.normal(size=D)
        state = _random_state(rng, D)
        extra = None
        if k == 2:
            state["num_batches_tracked"] = 7
            extra = ("state may hold other entries besides the running statistics (torch keeps "
                     "num_batches_tracked there, as this state does): read and update "
                     "state['running_mean'] and state['running_var'] and leave the rest alone")
        for step in range(3):
            _bn_call(f, _random_batch(rng, N, D), gamma, beta, state, True, momentum, eps,
                     f"training call {step + 1} of 3 with the same state", on_error=extra)
        for n_eval in (1, N + 2):
            _bn_call(f, _random_batch(rng, n_eval, D), gamma, beta, state, False, momentum, eps,
                     "evaluation call after the three training calls", on_error=extra)

    # A feature that is constant over the batch (variance exactly 0: a multiple of 1/4 sums and
    # divides by N = 6 exactly) and one of equal values whose computed variance is a round-off
    # (six times 0.1: the mean is 0.1 - 1.4e-17, the variance 1.9e-34, not 0) are valid: eps
    # keeps the division finite, xhat is 0 (up to round-off) and the output is beta, as in torch.
    N, D = 6, 3
    x = _random_batch(rng, N, D)
    x[:, 0] = float(rng.integers(-12, 13)) / 4
    x[:, 1] = 0.1
    gamma, beta = rng.normal(size=D) + 1.0, rng.normal(size=D)
    state = _random_state(rng, D)
    on_error = ("a feature that is constant over the batch is valid: its variance is 0, eps keeps "
                "sqrt(var + eps) positive and its output is beta. Do not test var == 0 (round-off "
                "leaves about 1e-34 for a column of equal values): the formula needs no special "
                "case")
    for train in (True, False):
        _bn_call(f, x, gamma, beta, state, train, None, None,
                 "a batch whose first feature is constant and second equal up to round-off "
                 f"({'training' if train else 'evaluation'})", on_error=on_error)


# --------------------------------------------------------------------------- #
# batchnorm_backward (fed the learner's own batchnorm_forward cache, training mode)
# --------------------------------------------------------------------------- #

BN_GRAD_HINTS = {
    "dx": "in training, mu and var depend on every x of the column: "
          "dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(var + eps) with "
          "dxhat = dout * gamma and the means over the batch (axis 0)",
    "dgamma": "dgamma = sum over the batch of dout * xhat (the NORMALISED input)",
    "dbeta": "dbeta = sum over the batch of dout (axis 0), not the mean",
}


def _bn_grad_suspects(x, gamma, dout, eps):
    """Known wrong gradients (dx, dgamma, dbeta), each with its hint."""
    n = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    g = dout * gamma
    mean_term = g.mean(axis=0)
    var_term = xhat * np.mean(g * xhat, axis=0)
    unb = 1.0 / np.sqrt(var * n / (n - 1) + eps)
    with np.errstate(all="ignore"):
        inv_std0 = 1.0 / np.sqrt(var)
        xhat0 = (x - mu) * inv_std0
    no_eps = ("the backward pass divides by the same sqrt(var + eps) as the forward pass: keep "
              "eps (cache 1 / sqrt(var + eps), or xhat itself)")
    return {
        "dx": [
            (g * inv_std, "dx is missing the terms through the batch mean and variance: in "
                          "training, every x of a column moves mu and var, so dx = (dxhat - "
                          "mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(var + eps)"),
            ((g - var_term) * inv_std, "dx is missing the term through the batch MEAN: "
                                       "subtract mean(dxhat) over the batch"),
            ((g - mean_term) * inv_std, "dx is missing the term through the batch VARIANCE: "
                                        "subtract xhat * mean(dxhat * xhat) over the batch"),
            ((g - mean_term + var_term) * inv_std, "the term through the variance has the wrong "
                                                   "sign: dx = (dxhat - mean(dxhat) - xhat * "
                                                   "mean(dxhat * xhat)) / sqrt(var + eps)"),
            ((g - mean_term - var_term) * inv_std * n, "divide by N once: the sums over the batch "
                                                       "become means"),
            ((g - mean_term - xhat * np.mean(g * xhat, axis=0)) * unb,
             "the backward pass uses the same (biased) variance as the forward normalisation"),
            ((g - g.mean(axis=0) - xhat0 * np.mean(g * xhat0, axis=0)) * inv_std0, no_eps),
        ],
        "dgamma": [(np.sum(dout * x, axis=0), "dgamma = sum(dout * xhat): the NORMALISED input, "
                                              "not x"),
                   (np.mean(dout * xhat, axis=0), "dgamma is a SUM over the batch, not a mean"),
                   (np.sum(dout * xhat0, axis=0), no_eps)],
        "dbeta": [(dout.mean(axis=0), "dbeta is a SUM over the batch, not a mean")],
    }


def _check_bn_backward(f, x, gamma, beta, dout, eps, inputs, expected=None):
    kwargs = {} if eps is None else {"eps": eps}
    state = {"running_mean": np.zeros(x.shape[1]), "running_var": np.ones(x.shape[1])}
    _, cache = _pair(f.other("batchnorm_forward")(x, gamma, beta, state, train=True, **kwargs),
                     "batchnorm_forward", "(out, cache)", inputs)
    got = f(dout, cache)
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        fail("batchnorm_backward must return a tuple (dx, dgamma, dbeta).", inputs=inputs,
             received=describe(got), hint="end with `return dx, dgamma, dbeta`")
    e = 1e-5 if eps is None else eps
    if expected is None:
        _, ref_cache = ref.batchnorm_forward(x, gamma, beta, _copy_state(state), eps=e)
        expected = ref.batchnorm_backward(dout, ref_cache)
    suspects = _bn_grad_suspects(x, gamma, dout, e)
    for label, g, exp in zip(("dx", "dgamma", "dbeta"), got, expected):
        _compare(g, exp, f"{label} returned by batchnorm_backward", inputs, BN_GRAD_HINTS[label],
                 suspects[label], rtol=1e-8, atol=1e-12)


@batchnorm_backward.part("values", points=4)
def batchnorm_backward_values(f, rng):
    # Hand-worked, x = [[1], [3]], gamma = [2]: xhat = [[-1], [1]] / s with s = sqrt(1 + eps).
    # (1) dout = [[1], [1]]: shifting both inputs equally does not change the output, so
    #     dx = 0; dgamma = sum(dout * xhat) = 0; dbeta = sum(dout) = 2. The gradient without
    #     the terms through mu and var would be gamma * dout / s = [[2], [2]] / s.
    x, gamma, beta = np.array([[1.0], [3.0]]), np.array([2.0]), np.zeros(1)
    s = np.sqrt(1 + 1e-5)
    dout = np.array([[1.0], [1.0]])
    _check_bn_backward(f, x, gamma, beta, dout, None,
                       "x=[[1], [3]], gamma=[2], beta=[0], dout=[[1], [1]] (your forward's cache)",
                       (np.zeros((2, 1)), np.zeros(1), np.array([2.0])))
    # (2) dout = [[-1], [1]], along xhat: scaling the batch does not change the output either
    #     (up to eps), so dx is tiny: with dxhat = gamma * dout = [[-2], [2]], sum(dxhat) = 0 and
    #     sum(dxhat * xhat) = 4 / s, dx = (N dxhat - xhat * 4 / s) / (N s)
    #     = [[-2], [2]] * (1 - 1 / s^2) / s = [[-2], [2]] * eps / ((1 + eps) s).
    #     dgamma = sum(dout * xhat) = 2 / s, dbeta = 0.
    dout = np.array([[-1.0], [1.0]])
    _check_bn_backward(f, x, gamma, beta, dout, None,
                       "x=[[1], [3]], gamma=[2], beta=[0], dout=[[-1], [1]] (your forward's cache)",
                       (np.array([[-2.0], [2.0]]) * 1e-5 / ((1 + 1e-5) * s), np.array([2.0 / s]),
                        np.zeros(1)))
    # Random batches against the reference, one with a large eps.
    for (N, D), eps in [((2, 3), None), ((5, 4), None), ((9, 2), 0.3), ((16, 6), None)]:
        x = _random_batch(rng, N, D)
        gamma, beta, dout = rng.normal(size=D) + 1.0, rng.normal(size=D), rng.normal(size=(N, D))
        _check_bn_backward(f, x, gamma, beta, dout, eps,
                           f"random x of shape {(N, D)}, gamma {describe(gamma)}, random dout"
                           + (f", eps={eps}" if eps is not None else "")
                           + " (your batchnorm_forward's cache, training mode)")


# --------------------------------------------------------------------------- #
# dropout_forward
# --------------------------------------------------------------------------- #

def _nonzero(rng, shape):
    """Entries of size 0.5 to 2 and random sign: none is 0, so out == 0 marks a dropped one."""
    return rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def _survivors_exact(x, out, p, inputs):
    """Every entry of ``out`` is 0 or exactly x / (1 - p); return the mask of survivors."""
    if not isinstance(out, np.ndarray) or out.shape != x.shape:
        fail("out returned by dropout_forward has the wrong shape or type.", inputs=inputs,
             expected=f"an array of shape {x.shape}", received=describe(out),
             hint="draw one random number per entry: rng.random(x.shape)")
    kept = out != 0
    if not np.any(kept):
        fail("dropout_forward dropped every entry.", inputs=inputs,
             expected=f"about {1 - p:.0%} of the entries kept", received="all zero",
             hint="p is the probability of DROPPING an entry: keep it when rng.random() >= p")
    _compare(out[kept], x[kept] / (1 - p), "out, at the entries that survived,", inputs,
             "every kept entry is x / (1 - p) (inverted dropout), every dropped one exactly 0",
             [(x[kept], "scale the survivors by 1 / (1 - p): inverted dropout keeps the expected "
                        "value of every entry, so that evaluation needs no change"),
              (x[kept] / p, "scale by 1 / (1 - p), the probability of KEEPING, not 1 / p"),
              (x[kept] * (1 - p), "in training, DIVIDE the survivors by 1 - p (multiplying by "
                                  "1 - p belongs to the old, non-inverted dropout at test time)")],
             rtol=1e-12, atol=0.0)
    return kept


def _call_dropout(f, x, p, gen, inputs):
    out, _ = _pair(f(x, p, train=True, rng=gen), "dropout_forward", "(out, cache)", inputs)
    return out


def _shared_mask(kept, inputs):
    """Independent entries: a mask shared by all the rows (one random number per column) makes
    every row the same, one shared by all the columns every column the same. For independent
    entries (p in [0.1, 0.9], rows of 200 and columns of 100 entries), two given rows or two
    given columns agree with probability below 0.82^100 < 3e-9."""
    hint = "draw one independent random number per ENTRY: rng.random(x.shape), "
    for axis, same, per in ((0, "row", "column"), (1, "column", "row")):
        first = np.take(kept, 0, axis=axis)
        if all(np.array_equal(first, np.take(kept, i, axis=axis)) for i in range(kept.shape[axis])):
            fail(f"dropout_forward dropped the same entries in every {same}.", inputs=inputs,
                 hint=hint + f"not one per {per} shared by every {same}")
    for axis, same in ((0, "row"), (1, "column")):
        if np.array_equal(np.take(kept, 0, axis=axis), np.take(kept, 1, axis=axis)):
            fail(f"dropout_forward dropped the same entries in two different {same}s.",
                 inputs=inputs, hint=hint + "not one per row or per column")


@dropout_forward.part("values", points=3)
def dropout_forward_values(f, rng):
    # Evaluation is the identity: out == x exactly, no scaling, and no rng needed.
    x = rng.normal(size=(3, 4))
    inputs = f"x={describe(x)}, p=0.5, train=False"
    out, _ = _pair(f(x, 0.5, train=False), "dropout_forward", "(out, cache)", inputs)
    _compare(out, x, "out returned by dropout_forward in evaluation", inputs,
             "in evaluation dropout is the identity: return x as it is (inverted dropout did "
             "the scaling in training)",
             [(x * 0.5, "no scaling in evaluation: inverted dropout already scaled by 1 / (1 - p) "
                        "in training"),
              (x / 0.5, "no scaling in evaluation: out = x when train=False")],
             rtol=0.0, atol=0.0)

    # Large inputs: n = 20 000 entries, each dropped independently with probability p. The
    # fraction dropped has standard deviation sqrt(p (1 - p) / n). Each ratio out_i / x_i is 0
    # or 1 / (1 - p), with mean 1 and variance p / (1 - p), so their average has standard
    # deviation sqrt(p / ((1 - p) n)). Both must lie within 6 standard deviations (false
    # failure probability ~2e-9 each). p = 0.2 and p = 0.7 are fixed: p read as the keep
    # probability moves the fraction by |1 - 2p| >= 0.4, hundreds of standard deviations.
    for k, p in enumerate((0.2, 0.7, float(np.round(rng.uniform(0.1, 0.9), 3)))):
        x = _nonzero(rng, (100, 200))
        n = x.size
        seed = int(rng.integers(2**32))
        inputs = (f"x of shape {x.shape} with entries of size 0.5 to 2 (none zero), p={p}, "
                  f"train=True, rng=np.random.default_rng({seed})")
        out = _call_dropout(f, x, p, np.random.default_rng(seed), inputs)
        kept = _survivors_exact(x, out, p, inputs)
        _shared_mask(kept, inputs)
        dropped = 1.0 - kept.mean()
        sigma = np.sqrt(p * (1 - p) / n)
        if abs(dropped - p) > 6 * sigma:
            hint = ("p is the probability of DROPPING an entry (as in torch): keep it with "
                    "probability 1 - p, e.g. mask = rng.random(x.shape) >= p"
                    if abs(dropped - (1 - p)) <= 6 * sigma else
                    "drop every entry independently with probability p: "
                    "mask = rng.random(x.shape) >= p")
            fail("dropout_forward dropped the wrong fraction of the entries.", inputs=inputs,
                 expected=f"a fraction {p} ± {6 * sigma:.4f} (6 standard deviations)",
                 received=f"{dropped:.4f}", hint=hint)
        ratio_mean = float(np.mean(out / x))
        sigma_mean = np.sqrt(p / ((1 - p) * n))
        if abs(ratio_mean - 1.0) > 6 * sigma_mean:
            fail("dropout_forward does not preserve the mean: out / x should average 1.",
                 inputs=inputs, expected=f"1 ± {6 * sigma_mean:.4f} (6 standard deviations)",
                 received=f"{ratio_mean:.4f}",
                 hint="keep each entry with probability 1 - p and scale it by 1 / (1 - p), so "
                      "that E[out] = x")
        if k > 0:
            continue
        # A generator in the same state gives the same output (the mask comes from rng only),
        # and a second call with the same generator draws a new mask.
        again = _call_dropout(f, x, p, np.random.default_rng(seed), inputs)
        if not np.array_equal(again, out):
            fail("two calls with generators in the same state gave different outputs.",
                 inputs=inputs, hint="draw the mask from the rng argument only (rng.random(...))"
                 ", never from np.random's global functions or a generator of your own")
        gen = np.random.default_rng(seed)
        first = _call_dropout(f, x, p, gen, inputs)
        second = _call_dropout(f, x, p, gen, inputs + " (a second call with the same rng)")
        if np.array_equal(first, second):
            fail("two consecutive calls with the same rng dropped exactly the same entries.",
                 inputs=inputs, hint="draw the mask from the rng you are given, at every call: "
                 "a generator seeded inside the function gives the same mask every time")
    # p = 0 drops nothing and scales by 1/(1 - 0) = 1.
    x = rng.normal(size=(5, 6))
    gen = np.random.default_rng(int(rng.integers(2**32)))
    inputs = f"x={describe(x)}, p=0, train=True, rng=a Generator"
    try:
        out = _call_dropout(f, x, 0.0, gen, inputs)
    except StudentError as err:
        fail("dropout_forward rejected p = 0.", inputs=inputs, received=str(err).splitlines()[0],
             hint="p = 0 is a valid probability (0 <= p < 1): nothing is dropped and out = x")
    _compare(out, x, "out returned by dropout_forward", inputs,
             "p = 0 drops nothing: out = x", rtol=1e-15, atol=0.0)
    # Other shapes: 1-D and 3-D inputs keep their shape.
    for shape in [(9,), (2, 3, 4)]:
        x = _nonzero(rng, shape)
        seed = int(rng.integers(2**32))
        inputs = f"x of shape {shape}, p=0.5, train=True, rng=np.random.default_rng({seed})"
        _survivors_exact(x, _call_dropout(f, x, 0.5, np.random.default_rng(seed), inputs),
                         0.5, inputs)


@dropout_forward.part("errors", points=1)
def dropout_forward_errors(f, rng):
    x = rng.normal(size=(3, 4))
    for p, why in [(1.0, "p = 1 drops everything and 1 / (1 - p) is infinite: require p < 1"),
                   (-0.1, "a probability cannot be negative: require 0 <= p"),
                   (1.5, "a probability cannot exceed 1: require 0 <= p < 1")]:
        f.check_raises(ValueError, x, p, train=True, rng=np.random.default_rng(0), hint=why)
    # p is an argument of the layer, whatever the mode: torch's dropout rejects p = 1.5 in
    # evaluation too, and so must this one (an evaluation call returns before any mask is drawn,
    # so a check placed after `if not train: return ...` never runs).
    for p in (1.5, -0.1):
        f.check_raises(ValueError, x, p, train=False,
                       hint="validate p in evaluation too (as torch does): check 0 <= p < 1 "
                            "first, before the `if not train` branch returns")


# --------------------------------------------------------------------------- #
# dropout_backward (fed the learner's own dropout_forward cache)
# --------------------------------------------------------------------------- #

@dropout_backward.part("values", points=2)
def dropout_backward_values(f, rng):
    forward = f.other("dropout_forward")
    # Evaluation: the layer is the identity, so dx = dout.
    x, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    inputs = f"the cache of your dropout_forward(x, 0.5, train=False), dout={describe(dout)}"
    _, cache = _pair(forward(x, 0.5, train=False), "dropout_forward", "(out, cache)", inputs)
    _compare(f(dout, cache), dout, "dx returned by dropout_backward in evaluation", inputs,
             "in evaluation dropout is the identity, so dx = dout",
             [(dout / 0.5, "no scaling in evaluation: dx = dout"),
              (dout * 0.5, "no scaling in evaluation: dx = dout")], rtol=0.0, atol=0.0)
    # Training. The mask depends only on the generator's state and x's shape, so a first call
    # on an x without a zero entry shows it (out == 0 exactly where an entry was dropped); a
    # second call with a generator in the same state, on an x with exact zeros like a ReLU's
    # output (an entry kept there has out == 0 too), makes the cache whose backward is checked:
    # dx must be dout * mask / (1 - p) for THAT mask, nonzero where a zero input was kept.
    for p, shape in [(0.2, (40, 50)), (0.7, (40, 50)),
                     (float(np.round(rng.uniform(0.1, 0.9), 3)), (6, 5, 4))]:
        x_full, dout = _nonzero(rng, shape), rng.normal(size=shape)
        x = np.where(rng.random(shape) < 0.5, 0.0, x_full)      # half exact zeros
        seed = int(rng.integers(2**32))
        call = f"dropout_forward(x, p={p}, train=True, rng=np.random.default_rng({seed}))"
        inputs = (f"the cache of your {call} for x of shape {shape} with {int(np.sum(x == 0))} "
                  f"entries exactly 0 (as after a ReLU); random dout")
        probe, _ = _pair(forward(x_full, p, train=True, rng=np.random.default_rng(seed)),
                         "dropout_forward", "(out, cache)", inputs)
        out, cache = _pair(forward(x, p, train=True, rng=np.random.default_rng(seed)),
                           "dropout_forward", "(out, cache)", inputs)
        for value in (probe, out):
            if not isinstance(value, np.ndarray) or value.shape != shape:
                fail("dropout_forward returned an out of the wrong shape, so dropout_backward "
                     "cannot be checked.", inputs=inputs, received=describe(value),
                     hint="fix dropout_forward first")
        mask = probe != 0
        if not _matches(out, np.where(mask, x / (1 - p), 0.0), rtol=1e-12, atol=0.0):
            fail("dropout_forward drew another mask for another x with a generator in the same "
                 "state, so dropout_backward cannot be checked.",
                 inputs=f"{call} for an x without zeros, then for the same x with half its "
                        "entries set to 0",
                 hint="the mask depends only on rng and the shape of x: "
                      "mask = rng.random(x.shape) >= p")
        expected = dout * mask / (1 - p)
        suspects = [(dout * mask, "scale by 1 / (1 - p) in the backward pass too: it is part of "
                                  "the function the forward pass computed"),
                    (dout / (1 - p), "apply the mask: the gradient of a dropped entry is 0"),
                    (dout * mask / p, "scale by 1 / (1 - p), the probability of KEEPING, not 1 / p"),
                    (dout * mask * (1 - p), "divide by 1 - p, as the forward pass did")]
        got = f(dout, cache)
        if isinstance(got, np.ndarray) and got.shape == shape and \
                not any(_matches(got, value, rtol=1e-12, atol=0.0) for value, _ in suspects):
            rebuilt = mask & (x != 0)
            lost = (got == 0) & mask & (dout != 0)
            if np.any(lost) and np.all((x == 0)[lost]) and \
                    _matches(got, dout * rebuilt / (1 - p), rtol=1e-12, atol=0.0):
                fail("dx returned by dropout_backward is 0 for entries that the forward pass "
                     "kept but whose input was 0.", inputs=inputs,
                     expected=f"dout / (1 - p) at all {int(mask.sum())} kept entries",
                     received=f"0 at {int(lost.sum())} of them (each with x = 0)",
                     hint="a kept entry whose input is 0 has out == 0 too, so the mask cannot be "
                          "rebuilt from out != 0 (or x != 0): keep the mask itself in the cache")
            if not np.array_equal(got == 0, ~mask | (dout == 0)):
                fail("dx returned by dropout_backward is not zero exactly where the forward pass "
                     "dropped entries.", inputs=inputs,
                     expected=f"zeros at the {int((~mask).sum())} dropped entries only",
                     received=f"zeros at {int((got == 0).sum())} entries, "
                              f"{int(((got == 0) & mask & (dout != 0)).sum())} of them kept by "
                              "the forward pass",
                     hint="use the mask stored in the cache by the forward call; never draw a new "
                          "one")
        _compare(got, expected, "dx returned by dropout_backward", inputs,
                 "dx = dout * mask / (1 - p) with the mask your forward call drew and kept in "
                 "the cache: zero exactly where the forward pass dropped an entry", suspects,
                 rtol=1e-12, atol=0.0)


# --------------------------------------------------------------------------- #
# Concept quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=2, questions=[
    Choice("q1", "In evaluation mode, BatchNorm normalises each feature with ...",
           {"a": "the mean and variance of the evaluation batch",
            "b": "the running mean and running variance collected during training",
            "c": "mean 0 and variance 1, whatever the data"},
           answer="b",
           why="A prediction must not depend on the other examples of its batch (and a single "
               "example has no variance), so evaluation uses the moving averages of training."),
    Number("q2", "running_var = 1, momentum 0.1, a batch of N = 4 with biased variance 3: the "
                 "running variance after the step?",
           answer=1.3, rtol=1e-6,
           why="The unbiased variance is 3 * 4 / 3 = 4, and 0.9 * 1 + 0.1 * 4 = 1.3."),
    Number("q3", "Inverted dropout with p = 0.2: the output of a surviving unit whose input is 4?",
           answer=5.0, rtol=1e-6,
           why="Survivors are divided by 1 - p = 0.8: 4 / 0.8 = 5, so E[out] = 0.8 * 5 = 4."),
    Choice("q4", "In training mode, what is the sum over the batch of BatchNorm's dx for one "
                 "feature (eps -> 0)?",
           {"a": "the sum of dout", "b": "gamma times the sum of dout", "c": "0"},
           answer="c",
           why="Shifting a whole column of x leaves the output unchanged (the batch mean absorbs "
               "it), so the gradient has no component along (1, ..., 1)."),
    Choice("q5", "Why must dropout_backward use the mask stored by the forward pass?",
           {"a": "drawing a new mask would be too slow",
            "b": "the gradient is that of the function the forward pass computed, which zeroed "
                 "exactly those units; another mask is the gradient of another network",
            "c": "a new mask would change the expected value of the gradient"},
           answer="b",
           why="Backpropagation differentiates the computation that produced the loss; with "
               "its mask fixed, dropout is the linear map x -> m * x / (1 - p)."),
    Number("q6", "A unit with input x = 1 goes through inverted dropout with p = 0.5: the "
                 "variance of its output?",
           answer=1.0, rtol=1e-6,
           why="out is 0 or 2 with probability 1/2 each: E[out^2] - E[out]^2 = 2 - 1 = 1, "
               "i.e. p / (1 - p) * x^2."),
    Choice("q7", "An affine layer x W + b is followed by BatchNorm in training mode. The "
                 "gradient of the loss with respect to b is ...",
           {"a": "zero: the batch mean subtracts b again, and beta takes over its role",
            "b": "the same as without BatchNorm",
            "c": "gamma times the gradient without BatchNorm"},
           answer="a",
           why="db is the sum over the batch of BatchNorm's dx, which is 0 for every feature; "
               "that is why such layers are built without a bias."),
])
