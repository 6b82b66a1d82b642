"""Checks of lesson 07 (optimisers): ``SGD`` (with momentum), ``RMSprop``, ``Adam`` and ``AdamW``.

Optimisers are stateful, so every check runs many steps: a learner's optimiser and the
reference (``source_lib.optimizers``, whose rules match ``torch.optim``) step side by side on
a dict of several parameters of several shapes (two of the same shape, so that one buffer
shared by all parameters is seen), with gradients whose scales range from 1e-6 to 10, and
the whole trajectory is compared after every step. Hand-worked first steps come first.
The contract of ``step(params, grads)`` is checked too: the arrays of ``params`` are updated
in place (the dict keeps the same array objects), ``grads`` is never modified (not even
later, by a buffer that aliases a gradient the caller reuses), two optimisers stepping in
turn do not share state, the state follows the parameter's name and not its array (checked
first, beside the learner's code: new arrays at every step move as the same arrays do), and
hyperparameters on the boundary of their range (zero) are accepted.

When a value is wrong, the checks replay the usual mistakes (dampened momentum, a missing
bias correction, ``eps`` inside the square root, the decay after the step...) on the same
inputs and name, in the hint, the one that the learner's values match.
"""

import numpy as np

from source_lib import optimizers as ref
from source_lib.checks import Choice, Lesson, Number, StudentError
from source_lib.testing import ExerciseFailure, assert_close, describe, fail

checks = Lesson("07_optimizers")

# torch's optimisers: the classes (found in the code that names them), the method that every
# torch optimiser's constructor calls (found at run time, however the class was reached) and
# the functional forms.
TORCH_OPTIM = [
    "torch.optim.SGD",
    "torch.optim.RMSprop",
    "torch.optim.Adam",
    "torch.optim.AdamW",
    "torch.optim.Optimizer.add_param_group",
    "torch.optim.sgd.sgd",
    "torch.optim.rmsprop.rmsprop",
    "torch.optim.adam.adam",
    "torch.optim.adamw.adamw",
]

sgd = checks.exercise("SGD", ref.SGD, forbidden=TORCH_OPTIM, mutable=["params"])
rmsprop = checks.exercise("RMSprop", ref.RMSprop, forbidden=TORCH_OPTIM, mutable=["params"])
adam = checks.exercise("Adam", ref.Adam, forbidden=TORCH_OPTIM, mutable=["params"])
adamw = checks.exercise("AdamW", ref.AdamW, forbidden=TORCH_OPTIM, mutable=["params"])

# Any correct float64 implementation (another order of operations, torch's
# step_size / bias_correction2_sqrt form) stays within round-off of the reference over
# these few dozen steps.
RTOL, ATOL = 1e-9, 1e-12

DEFAULTS = {
    "SGD": {"momentum": 0.0},
    "RMSprop": {"lr": 0.01, "alpha": 0.99, "eps": 1e-8},
    "Adam": {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8},
    "AdamW": {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.01},
}


# --------------------------------------------------------------------------- #
# Known mistakes, replayed on the checks' side to name the one a learner made.
# A rule updates p in place from its gradient g, its per-parameter state s, a state
# shared by all parameters of one optimiser, and the hyperparameters h.
# --------------------------------------------------------------------------- #

def _adam_moments(g, s, h):
    beta1, beta2 = h["betas"]
    s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
    s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * g * g
    return beta1, beta2, s["m"], s["v"]


def _adam_rule(t_of=None, correct_m=True, correct_v=True, eps_inside=False, paper_eps=False,
               swap_betas=False):
    """An Adam variant: which step count, which corrections, where eps goes."""
    def rule(p, g, s, shared, h):
        s["t"] = s.get("t", 0) + 1
        t = s["t"] if t_of is None else t_of(s, shared)
        if swap_betas:
            h = {**h, "betas": h["betas"][::-1]}
        beta1, beta2, m, v = _adam_moments(g, s, h)
        if paper_eps:  # Kingma and Ba's "efficient" form: eps added to the uncorrected root
            p -= h["lr"] * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t) * m / (np.sqrt(v) + h["eps"])
            return
        m_hat = m / (1 - beta1 ** t) if correct_m else m
        v_hat = v / (1 - beta2 ** t) if correct_v else v
        denom = np.sqrt(v_hat + h["eps"]) if eps_inside else np.sqrt(v_hat) + h["eps"]
        p -= h["lr"] * m_hat / denom
    return rule


def _t_per_parameter_update(s, shared):
    shared["t"] = shared.get("t", 0) + 1        # one counter bumped for every parameter
    return shared["t"]


def _decayed(adam_rule, where):
    def rule(p, g, s, shared, h):
        lr, wd = h["lr"], h["weight_decay"]
        if where == "before":
            p *= 1 - lr * wd
            adam_rule(p, g, s, shared, h)
        elif where == "after":
            adam_rule(p, g, s, shared, h)
            p *= 1 - lr * wd
        elif where == "gradient":
            adam_rule(p, g + wd * p, s, shared, h)
        elif where == "no lr":
            p *= 1 - wd
            adam_rule(p, g, s, shared, h)
        elif where == "none":
            adam_rule(p, g, s, shared, h)
    return rule


def _sgd_rule(kind):
    def rule(p, g, s, shared, h):
        lr, mu = h["lr"], h.get("momentum", 0.0)
        first = "b" not in s
        if kind == "dampened":                 # b = mu b + (1 - mu) g from b = 0
            s["b"] = mu * s.get("b", 0.0) + (1 - mu) * g
        elif kind == "torch dampening":       # b = g, then b = mu b + (1 - mu) g
            s["b"] = g.copy() if first else mu * s["b"] + (1 - mu) * g
        elif kind == "lagged":                # the step uses the buffer before its update
            old = s.get("b", np.zeros_like(g))
            s["b"] = mu * old + g
            p -= lr * old
            return
        elif kind == "first counted twice":   # b = g, then also b = mu b + g on step 1
            s["b"] = (1 + mu) * g if first else mu * s["b"] + g
        elif kind in ("nesterov", "plain"):
            s["b"] = g.copy() if first else mu * s["b"] + g
        elif kind == "no momentum":
            s["b"] = g
        step = g + mu * s["b"] if kind == "nesterov" else s["b"]
        p -= lr * step
    return rule


def _rmsprop_rule(kind):
    def rule(p, g, s, shared, h):
        lr, alpha, eps = h["lr"], h["alpha"], h["eps"]
        s["t"] = s.get("t", 0) + 1
        if kind == "v starts at g^2" and s["t"] == 1:
            s["v"] = g * g
        elif kind == "alpha swapped":
            s["v"] = (1 - alpha) * s.get("v", 0.0) + alpha * g * g
        else:
            s["v"] = alpha * s.get("v", 0.0) + (1 - alpha) * g * g
        v = s["v"] / (1 - alpha ** s["t"]) if kind == "bias corrected" else s["v"]
        if kind == "eps inside":
            p -= lr * g / np.sqrt(v + eps)
        elif kind == "no sqrt":
            p -= lr * g / (v + eps)
        else:
            p -= lr * g / (np.sqrt(v) + eps)
    return rule


MISTAKES = {
    "SGD": [
        (_sgd_rule("dampened"), "your buffer is an average started at zero, b = mu*b + "
         "(1 - mu)*g (a textbook form, the same method with a learning rate 1 - mu times "
         "smaller); here b = g on the first step, then the new gradient enters with weight 1: "
         "b = mu*b + g"),
        (_sgd_rule("torch dampening"), "your buffer damps the gradient, b = mu*b + (1 - mu)*g "
         "after a first b = g (torch's dampening=momentum); here the new gradient enters with "
         "weight 1: b = mu*b + g"),
        (_sgd_rule("lagged"), "your step uses the buffer from before this step's update (so the "
         "first step does not move): update b first (b = g on the first step, then "
         "b = mu*b + g), then p -= lr*b"),
        (_sgd_rule("first counted twice"), "on the first step b = g only: you also applied "
         "b = mu*b + g on top of it, which counts the first gradient (1 + mu) times"),
        (_sgd_rule("nesterov"), "this is Nesterov momentum (p -= lr*(g + mu*b)); the exercise "
         "asks for plain heavy-ball momentum: p -= lr*b"),
        (_sgd_rule("no momentum"), "the momentum is ignored: keep a buffer per parameter, "
         "b = g on its first step, then b = mu*b + g, and step with p -= lr*b"),
    ],
    "RMSprop": [
        (_rmsprop_rule("eps inside"), "eps goes OUTSIDE the square root: g / (np.sqrt(v) + eps), "
         "not g / np.sqrt(v + eps) (which differs a lot for small gradients)"),
        (_rmsprop_rule("v starts at g^2"), "v starts at zeros (v_0 = 0), so that the first "
         "update gives v = (1 - alpha)*g**2, and RMSprop has no bias correction: yours has "
         "v = g**2 after the first step"),
        (_rmsprop_rule("alpha swapped"), "v = alpha*v + (1 - alpha)*g**2: alpha weighs the OLD "
         "average"),
        (_rmsprop_rule("bias corrected"), "RMSprop has no bias correction (torch's does not "
         "divide v by 1 - alpha**t)"),
        (_rmsprop_rule("no sqrt"), "divide by the ROOT mean square: np.sqrt(v) + eps"),
    ],
}
MISTAKES["Adam"] = [
    (_adam_rule(correct_m=False, correct_v=False), "the bias correction is missing: divide m by "
     "1 - beta1**t and v by 1 - beta2**t before the step"),
    (_adam_rule(correct_v=False), "only m is corrected: v_hat = v / (1 - beta2**t) too"),
    (_adam_rule(correct_m=False), "only v is corrected: m_hat = m / (1 - beta1**t) too"),
    (_adam_rule(eps_inside=True), "eps goes OUTSIDE the square root: m_hat / (np.sqrt(v_hat) + eps)"),
    (_adam_rule(paper_eps=True), "you folded the corrections into the learning rate "
     "(lr * sqrt(1 - beta2**t) / (1 - beta1**t)), which moves eps: the exercise (and torch) "
     "adds eps to sqrt(v_hat), the corrected root"),
    (_adam_rule(t_of=_t_per_parameter_update), "t counts steps, not parameter updates: your "
     "counter grows once per parameter within a step; keep t per parameter (or bump it once "
     "per call of step)"),
    (_adam_rule(t_of=lambda s, shared: 1), "t must grow by 1 at every step (t = 1 on the first "
     "step, 2 on the second, ...): yours stays at 1"),
    (_adam_rule(t_of=lambda s, shared: s["t"] + 1), "t is 1 on the first step (it counts the "
     "steps taken, this one included): yours is off by one"),
    (_adam_rule(swap_betas=True), "the betas are swapped: beta1 (0.9) averages the gradient, "
     "m = beta1*m + (1 - beta1)*g, and beta2 (0.999) its square"),
]
MISTAKES["AdamW"] = [
    (_decayed(_adam_rule(), "after"), "decay BEFORE the Adam step, with the old weights: "
     "p *= 1 - lr*weight_decay first, then p -= lr*m_hat/(sqrt(v_hat) + eps)"),
    (_decayed(_adam_rule(), "gradient"), "that is Adam with an L2 penalty (weight_decay*p added "
     "to the gradient, so the decay goes through the adaptive scaling); AdamW decays apart: "
     "p *= 1 - lr*weight_decay, then the Adam step with g alone"),
    (_decayed(_adam_rule(), "no lr"), "the decay factor is 1 - lr*weight_decay, not "
     "1 - weight_decay"),
    (_decayed(_adam_rule(), "none"), "no weight decay was applied (is the default weight_decay "
     "0.01?): p *= 1 - lr*weight_decay before the Adam step"),
] + [(_decayed(rule, "before"), hint) for rule, hint in MISTAKES["Adam"]]

GENERIC = {
    "SGD": "b = g (a copy) on a parameter's first step, then b = momentum*b + g; p -= lr*b "
           "(with momentum 0: p -= lr*g)",
    "RMSprop": "v starts at zeros; v = alpha*v + (1 - alpha)*g**2; p -= lr*g/(np.sqrt(v) + eps)",
    "Adam": "per parameter: t += 1; m = beta1*m + (1 - beta1)*g; v = beta2*v + (1 - beta2)*g**2; "
            "m_hat = m/(1 - beta1**t); v_hat = v/(1 - beta2**t); "
            "p -= lr*m_hat/(np.sqrt(v_hat) + eps)",
    "AdamW": "p *= 1 - lr*weight_decay, then the Adam step with the gradient g as given",
}


def _replay(rule, hyper, params0, grads_seq):
    params = {k: np.array(v, dtype=float) for k, v in params0.items()}
    states, shared = {k: {} for k in params}, {}
    with np.errstate(all="ignore"):
        for grads in grads_seq:
            for k, p in params.items():
                rule(p, np.asarray(grads[k], dtype=float), states[k], shared, hyper)
    return params


def _diagnose(name, hyper, params0, grads_seq, got):
    """The hint of the first known mistake whose replay matches ``got``, else the generic one."""
    if not all(np.all(np.isfinite(v)) for v in got.values()):
        if name in ("Adam", "AdamW"):
            return ("a weight became inf or NaN: the bias correction divides by 1 - beta**t, "
                    "which is 0 for t = 0; t must be 1 on the first step (t += 1 before use)")
        return "a weight became inf or NaN: look for a division by zero. " + GENERIC[name]
    full = {**DEFAULTS[name], **hyper}
    matches = []
    for rule, hint in MISTAKES[name]:
        replayed = _replay(rule, full, params0, grads_seq)
        if hint not in matches and all(np.allclose(got[k], replayed[k], rtol=1e-7, atol=1e-10)
                                       for k in got):
            matches.append(hint)
    if len(matches) == 1:
        return matches[0]
    if matches:  # the steps so far cannot tell these mistakes apart
        return "your values match more than one known mistake: " + "; or ".join(
            f"({i}) {hint}" for i, hint in enumerate(matches, start=1))
    return GENERIC[name]


# --------------------------------------------------------------------------- #
# Running an optimiser of the learner's beside the reference
# --------------------------------------------------------------------------- #

def _call(hyper):
    return ", ".join(f"{k}={v!r}" for k, v in hyper.items())


def _shapes(params):
    return "{" + ", ".join(f"{k!r}: {np.shape(v)}" for k, v in params.items()) + "}"


def _copy(params):
    return {k: np.array(v, dtype=float) for k, v in params.items()}


class _Run:
    """One optimiser of the learner's and one of the reference, stepped side by side."""

    def __init__(self, f, hyper, params0, label):
        self.f, self.hyper, self.label = f, dict(hyper), label
        self.params0 = _copy(params0)
        self.params = _copy(params0)          # the learner's (written back after each step)
        self.expected = _copy(params0)
        self.grads_seq = []
        self.mine = f(**hyper)
        self.theirs = f.reference(**hyper)
        self.step_method = self.mine.step

    def inputs(self, t):
        return (f"{self.f.name}({_call(self.hyper)}), step {t} of {self.label}; params of shapes "
                f"{_shapes(self.params0)}; the gradients of step {t}: "
                + ", ".join(f"{k}={describe(v)}" for k, v in self.grads_seq[-1].items()))

    def step(self, grads):
        t = len(self.grads_seq) + 1
        self.grads_seq.append({k: np.array(v) for k, v in grads.items()})
        arrays = dict(self.params)
        self.step_method(self.params, grads)
        self.theirs.step(self.expected, {k: np.array(v) for k, v in grads.items()})
        replaced = self.f.last.get("replaced", {})
        replaced = replaced.get(0, replaced.get("params", []))
        if set(self.params) != set(arrays):
            fail(f"{self.f.name}.step changed the keys of params.", inputs=self.inputs(t),
                 expected=sorted(arrays), received=sorted(self.params),
                 hint="update the arrays that are there; never add or remove parameters")
        if replaced:
            fail(f"{self.f.name}.step put new arrays into params instead of updating the old ones "
                 "in place.", inputs=self.inputs(t),
                 expected="the same array objects, holding new values",
                 received=f"new arrays under the keys {sorted(replaced)}",
                 hint="write into the array: p -= lr * step (or p[...] = ...), not "
                      "params[key] = p - lr * step: whoever holds the arrays (a model) must "
                      "see the update")
        for k in self.expected:
            if not _close(self.params[k], self.expected[k]):
                hint = _diagnose(self.f.name, self.hyper, self.params0, self.grads_seq, self.params)
                if hint == GENERIC[self.f.name]:
                    hint += ("; and keep a separate state for every parameter name (here two "
                             "parameters have the same shape but their own gradients)")
                assert_close(self.params[k], self.expected[k], rtol=RTOL, atol=ATOL,
                             what=f"params[{k!r}] after step {t}", inputs=self.inputs(t), hint=hint)
        return t


def _close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or not np.all(np.isfinite(a)):
        return False
    return bool(np.linalg.norm(a - b) <= ATOL + RTOL * np.linalg.norm(b))


def _random_params(rng):
    """Four parameters: a weight matrix, two biases of the SAME shape, and a square matrix."""
    d, h = int(rng.integers(2, 5)), int(rng.integers(2, 4))
    return {"W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
            "W2": rng.normal(size=(h, h)), "b2": rng.normal(size=h)}


def _gradients(rng, params, steps):
    """Gradients with a drift (so momentum matters) and noise, at scales 1e-6 to 10 per
    parameter (tiny ones show where eps goes), with an exact zero now and then."""
    scales = dict(zip(params, rng.permutation([1e-6, 1e-2, 1.0, 10.0])))
    drift = {k: rng.normal(size=np.shape(v)) for k, v in params.items()}
    seq = []
    for t in range(steps):
        grads = {k: scales[k] * (drift[k] + rng.normal(size=np.shape(v)))
                 for k, v in params.items()}
        if t % 4 == 2:
            key = list(params)[t % len(params)]
            grads[key].flat[0] = 0.0
        seq.append(grads)
    return seq


def _run_random(f, rng, hyper, steps=15, label="a random run"):
    params = _random_params(rng)
    run = _Run(f, hyper, params, label)
    for grads in _gradients(rng, params, steps):
        run.step(grads)


def _interleaved(f, rng, hyper, steps=5):
    """Two optimisers of the same class stepping in turn on two dicts with the same keys."""
    params_a, params_b = _random_params(rng), None
    params_b = {k: rng.normal(size=np.shape(v)) for k, v in params_a.items()}
    run_a = _Run(f, hyper, params_a, "two optimisers stepping in turn (the first)")
    run_b = _Run(f, hyper, params_b, "two optimisers stepping in turn (the second)")
    seq_a, seq_b = _gradients(rng, params_a, steps), _gradients(rng, params_b, steps)
    for grads_a, grads_b in zip(seq_a, seq_b):
        for run, grads in ((run_a, grads_a), (run_b, grads_b)):
            t = len(run.grads_seq) + 1
            try:
                run.step(grads)
            except AssertionError as err:
                if t == 1 and run is run_a:
                    raise
                fail(f"Two {f.name} optimisers stepping in turn disturb each other.",
                     inputs=run.inputs(t),
                     detail=str(err).splitlines()[0],
                     hint="each optimiser keeps its own state: create it in __init__ "
                          "(self.state = {}), not as a class attribute or a global variable, "
                          "and key it by the parameter's name")


def _steps_in_process(opt, params, grads, steps):
    """Beside the learner's code: step `steps` times with the SAME grads dict (as a caller that
    reuses its gradient arrays); report the values, the gradients that changed and the
    parameters whose array was replaced."""
    import numpy as np

    arrays = dict(params)
    saved = {k: np.array(v, copy=True) for k, v in grads.items()}
    for _ in range(steps):
        opt.step(params, grads)
    changed = [k for k in grads if not np.array_equal(grads[k], saved[k])]
    replaced = [k for k in params if params[k] is not arrays[k]]
    return {k: np.array(v, dtype=float) for k, v in params.items()}, changed, replaced


def _reused_gradients(f, rng, hyper, steps=3):
    params = _random_params(rng)
    grads = {k: rng.normal(size=np.shape(v)) for k, v in params.items()}
    mine = f(**hyper)
    got, changed, replaced = f.run_helper(_steps_in_process, mine, _copy(params), grads, steps)
    inputs = (f"{f.name}({_call(hyper)}) stepped {steps} times with the same grads dict (a "
              f"caller that reuses its gradient arrays); params of shapes {_shapes(params)}")
    if changed:
        fail(f"{f.name}.step changed the caller's gradients {changed} on a later step.",
             inputs=inputs, expected="grads left exactly as they were",
             hint="your state holds the gradient array itself (b = g): a later in-place update "
                  "(b *= momentum, b += g) then changes the caller's array. Start it as a copy: "
                  "b = g.copy() (or b = np.array(g))")
    if replaced:
        fail(f"{f.name}.step put new arrays into params instead of updating them in place.",
             inputs=inputs, received=f"new arrays under {sorted(replaced)}",
             hint="write into the array: p -= lr * step, not params[key] = p - lr * step")
    expected = _reference_after(f, hyper, params, [grads] * steps)
    for k in expected:
        assert_close(got[k], expected[k], rtol=RTOL, atol=ATOL, what=f"params[{k!r}] after {steps} steps",
                     inputs=inputs, hint=_diagnose(f.name, hyper, params, [grads] * steps, got))


def _reference_after(f, hyper, params, grads_seq):
    """Copies of ``params`` after the reference optimiser ``f.reference(**hyper)`` stepped them
    through the gradients of ``grads_seq``."""
    expected, opt = _copy(params), f.reference(**hyper)
    for grads in grads_seq:
        opt.step(expected, grads)
    return expected


def _steps_on_same_and_new_arrays(opt_same, opt_new, params, grads_seq):
    """Beside the learner's code: ``opt_same`` steps the same arrays at every step (a training
    loop), ``opt_new`` new arrays with the same values at every step (a caller that copies or
    reloads its parameters), under other names, so that even a state shared by every instance
    keeps the two apart. The old arrays are kept alive, so no new array can get the id of an
    old one. Returns the values each optimiser reached."""
    import numpy as np

    same = {k: np.array(v, dtype=float) for k, v in params.items()}
    new = {k + "_copy": np.array(v, dtype=float) for k, v in params.items()}
    kept = []
    for grads in grads_seq:
        opt_same.step(same, {k: np.array(g, dtype=float) for k, g in grads.items()})
        kept.append(new)
        new = {k: np.array(v, dtype=float) for k, v in new.items()}
        opt_new.step(new, {k + "_copy": np.array(g, dtype=float) for k, g in grads.items()})
    return ({k: np.array(v, dtype=float) for k, v in same.items()},
            {k[:-len("_copy")]: np.array(v, dtype=float) for k, v in new.items()})


STATE_BY_NAME = ("key the state by the parameter's NAME (the key of params), not by id(p) or "
                 "the array object: a caller may hand you the same parameter in a new array "
                 "(after copying or reloading a model), and Python gives the id of a freed array "
                 "to the next new one")


def _state_by_name(f, rng, hyper, steps=4):
    """The state follows the parameter's name: an optimiser stepped on new arrays at every step
    moves them as one stepped on the same arrays does. Checked first, and decided from values
    alone, so that a state keyed by id(p) fails here the same way on every run."""
    params = {"W": rng.normal(size=(2, 3)), "b": rng.normal(size=3)}
    grads_seq = [{k: rng.normal(size=np.shape(v)) for k, v in params.items()}
                 for _ in range(steps)]
    same, new = f.run_helper(_steps_on_same_and_new_arrays, f(**hyper), f(**hyper),
                             _copy(params), grads_seq)
    expected = _reference_after(f, hyper, params, grads_seq)
    right = all(_close(same.get(k), expected[k]) for k in expected)
    if right and not all(_close(new.get(k), expected[k]) for k in expected):
        key = next(k for k in expected if not _close(new.get(k), expected[k]))
        fail(f"{f.name} lost its state when the same parameters came in new arrays.",
             inputs=(f"two new {f.name}({_call(hyper)}) optimisers, {steps} steps with the same "
                     f"gradients on params of shapes {_shapes(params)}: the first always given the "
                     f"same arrays, the second new arrays (holding the same values) at every step"),
             expected=f"the same values from both: params[{key!r}] = {describe(expected[key])}",
             received=f"{describe(same[key])} with the same arrays, "
                      f"{describe(new.get(key))} with new arrays",
             hint=STATE_BY_NAME)


def _fresh_instances_agree(f, hyper):
    """Two new optimisers given the same parameters and gradients must move them the same way;
    otherwise state outlives its instance (a class attribute, a global). Only decided when the
    first one moves as the reference does: any other mistake is named by the checks after."""
    p0, grads = [0.5, -1.5], [[1.0, -2.0], [0.5, 0.25], [-1.0, 3.0]]
    inputs = (f"two new {f.name}({_call(hyper)}) optimisers, one after the other, each stepping "
              f"theta = {p0} with the gradients {grads}")
    hint = ("each optimiser keeps its own state: create it in __init__ (self.state = {}), not as "
            "a class attribute (shared by every instance) or a global variable")
    expected = _reference_after(f, hyper, {"theta": np.array(p0)},
                                [{"theta": np.array(g)} for g in grads])
    results = []
    for i in range(2):
        opt = f(**hyper)
        params = {"theta": np.array(p0)}
        try:
            for g in grads:
                opt.step(params, {"theta": np.array(g)})
        except ExerciseFailure as err:
            if i == 0:
                raise
            fail(f"A second, new {f.name} failed where the first one worked.", inputs=inputs,
                 detail=str(err).splitlines()[0], hint=hint)
        results.append(params["theta"])
        if i == 0 and not _close(results[0], expected["theta"]):
            return   # a mistake of the update itself: the hand-worked steps below name it
    if not _close(results[1], results[0]):
        fail(f"Two new {f.name} optimisers given the same inputs moved differently.", inputs=inputs,
             expected=f"the second like the first: {describe(results[0])}",
             received=describe(results[1]), hint=hint)


def _hand_steps(f, hyper, p0, grads, expected, hint_of, inputs):
    """Step a single parameter `w` by hand-worked gradients; compare after every step. On a
    wrong step, the remaining steps are taken too before the mistake is named: later steps
    tell apart mistakes that agree on the first ones."""
    opt = f(**hyper)
    params = {"w": np.array(p0, dtype=float)}
    seq = [{"w": np.array(g, dtype=float)} for g in grads]
    for t, (g, e) in enumerate(zip(seq, expected), start=1):
        opt.step(params, g)
        got = np.array(params["w"], dtype=float)
        if not _close(got, np.asarray(e, dtype=float)):
            taken, last = t, got
            try:
                for g_ in seq[t:]:
                    opt.step(params, g_)
                    taken, last = taken + 1, np.array(params["w"], dtype=float)
            except ExerciseFailure:
                pass
            hint = _diagnose(f.name, hyper, {"w": p0}, seq[:taken], {"w": last})
            assert_close(got, np.asarray(e, dtype=float), rtol=1e-12, atol=1e-15,
                         what=f"w after step {t}", inputs=f"{f.name}({_call(hyper)}); {inputs}",
                         hint=hint if hint != GENERIC[f.name] else hint_of(t))


def _accepts(f, hyper, hint):
    """Hyperparameters on the boundary of their range (zero, which torch accepts) are valid:
    the constructor takes them and the optimiser steps as the reference does."""
    inputs = f"{f.name}({_call(hyper)}), then two steps of w = [1, -2] with g = [0.5, -1], " \
             "then [-2, 0.25]"
    try:
        opt = f(**hyper)
    except StudentError as err:
        fail(f"{f.name} rejected valid hyperparameters.", inputs=f"{f.name}({_call(hyper)})",
             expected="an optimiser", received=str(err).splitlines()[0], hint=hint)
    params, steps = {"w": np.array([1.0, -2.0])}, ([0.5, -1.0], [-2.0, 0.25])
    expected = _reference_after(f, hyper, params, [{"w": np.array(g)} for g in steps])
    for g in steps:
        opt.step(params, {"w": np.array(g)})
    assert_close(params["w"], expected["w"], rtol=RTOL, atol=ATOL, what="w after two steps",
                 inputs=inputs, hint=hint)


ZERO_IS_VALID = ("0 is a valid {name} (torch accepts it): reject only negative values "
                 "(if not {name} >= 0: raise ...), not 0 itself")


# --------------------------------------------------------------------------- #
# SGD
# --------------------------------------------------------------------------- #

@sgd.part("values", points=3)
def sgd_values(f, rng):
    _state_by_name(f, rng, {"lr": 0.1, "momentum": 0.9})
    _fresh_instances_agree(f, {"lr": 0.1, "momentum": 0.9})
    # Plain SGD, one step: w = [1, -2] - 0.1 * [2, 0.5] = [0.8, -2.05].
    _hand_steps(f, {"lr": 0.1}, [1.0, -2.0], [[2.0, 0.5]], [[0.8, -2.05]],
                lambda t: "p -= lr * g", "w = [1, -2], g = [2, 0.5]")
    # Momentum 0.9, lr 0.1, the gradients 1, 2, -1 from w = 0: the buffers are
    # b1 = 1, b2 = 0.9 * 1 + 2 = 2.9, b3 = 0.9 * 2.9 - 1 = 1.61, so
    # w = -0.1, -0.1 - 0.29 = -0.39, -0.39 - 0.161 = -0.551. (Gradients that change tell the
    # usual mistakes apart: with a constant one, torch's dampening and no momentum agree.)
    _hand_steps(f, {"lr": 0.1, "momentum": 0.9}, [0.0], [[1.0], [2.0], [-1.0]],
                [[-0.1], [-0.39], [-0.551]],
                lambda t: ("on the first step the buffer is the gradient itself (b = g), and "
                           "the step is p -= lr*b" if t == 1 else
                           "later steps: b = momentum*b + g, then p -= lr*b"),
                "w = 0, g = 1, then 2, then -1")
    # Random runs compared with the reference: plain, then with momentum.
    _run_random(f, rng, {"lr": float(rng.uniform(0.01, 0.1))}, label="a random run without momentum")
    _run_random(f, rng, {"lr": float(rng.uniform(0.01, 0.1)), "momentum": float(rng.uniform(0.5, 0.95))},
                label="a random run with momentum")
    _reused_gradients(f, rng, {"lr": 0.1, "momentum": 0.9})
    _interleaved(f, rng, {"lr": 0.05, "momentum": 0.9})


@sgd.part("errors", points=1)
def sgd_errors(f, rng):
    f.check_raises(ValueError, lr=-0.1, hint="a negative learning rate climbs the loss: raise "
                   "ValueError if lr < 0 (as torch does)")
    f.check_raises(ValueError, lr=0.1, momentum=-0.5, hint="raise ValueError if momentum < 0 "
                   "(as torch does)")
    _accepts(f, {"lr": 0.0, "momentum": 0.9}, ZERO_IS_VALID.format(name="lr"))


# --------------------------------------------------------------------------- #
# RMSprop
# --------------------------------------------------------------------------- #

@rmsprop.part("values", points=3)
def rmsprop_values(f, rng):
    _state_by_name(f, rng, {"lr": 0.01})
    _fresh_instances_agree(f, {"lr": 0.01})
    # lr 0.01, alpha 0.99, eps 0, from w = [1, -1], g1 = [3, -0.5], then g2 = [1, 2]:
    # step 1: v1 = 0.01 g1^2, so g1 / sqrt(v1) = 10 sign(g1): w = [1, -1] - 0.1 * [1, -1] = [0.9, -0.9];
    # step 2: v2 = 0.99 * 0.01 g1^2 + 0.01 g2^2 = 0.0099 [9, 0.25] + 0.01 [1, 4] = [0.0991, 0.042475],
    # and w moves by 0.01 g2 / sqrt(v2) more.
    g1, g2 = np.array([3.0, -0.5]), np.array([1.0, 2.0])
    second = 0.01 * g2 / np.sqrt(np.array([0.0991, 0.042475]))
    _hand_steps(f, {"lr": 0.01, "alpha": 0.99, "eps": 0.0}, [1.0, -1.0], [g1, g2],
                [[0.9, -0.9], np.array([0.9, -0.9]) - second],
                lambda t: "v starts at 0: v = alpha*v + (1 - alpha)*g**2, then "
                          "p -= lr*g/(np.sqrt(v) + eps)", "w = [1, -1], g = [3, -0.5], then [1, 2]")
    # A tiny gradient shows where eps goes: g = 1e-6, eps = 1e-8 (the default):
    # v = 0.01 * 1e-12, sqrt(v) = 1e-7, so w = 1 - 0.01 * 1e-6 / (1e-7 + 1e-8) = 1 - 0.1 / 1.1.
    _hand_steps(f, {"lr": 0.01}, [1.0], [[1e-6]], [[1.0 - 0.1 / 1.1]],
                lambda t: "with the defaults (lr=0.01, alpha=0.99, eps=1e-8) the first step is "
                          "lr*g/(np.sqrt(0.01*g**2) + eps): check the default values, and that "
                          "eps goes OUTSIDE the square root", "w = 1, g = 1e-6, default alpha and eps")
    _run_random(f, rng, {}, label="a random run with the default hyperparameters")
    _run_random(f, rng, {"lr": float(rng.uniform(0.001, 0.05)), "alpha": float(rng.uniform(0.8, 0.99)),
                         "eps": 1e-6}, label="a random run")
    _reused_gradients(f, rng, {"lr": 0.01})
    _interleaved(f, rng, {"lr": 0.01})


@rmsprop.part("errors", points=1)
def rmsprop_errors(f, rng):
    f.check_raises(ValueError, lr=-0.01, hint="raise ValueError if lr < 0 (as torch does)")
    f.check_raises(ValueError, alpha=-0.5, hint="raise ValueError if alpha < 0 (as torch does)")
    f.check_raises(ValueError, eps=-1e-8, hint="raise ValueError if eps < 0 (as torch does)")
    _accepts(f, {"lr": 0.0}, ZERO_IS_VALID.format(name="lr"))
    _accepts(f, {"lr": 0.01, "alpha": 0.0}, ZERO_IS_VALID.format(name="alpha")
             + "; with alpha = 0, v is the last squared gradient")


# --------------------------------------------------------------------------- #
# Adam
# --------------------------------------------------------------------------- #

@adam.part("values", points=4)
def adam_values(f, rng):
    _state_by_name(f, rng, {"lr": 0.01})
    _fresh_instances_agree(f, {"lr": 0.01})
    # eps = 0 and the same gradient twice. Step 1: m_hat = g and v_hat = g^2, so every weight
    # moves by lr * sign(g) = 0.01. Step 2: m_2 = (1 - b1^2) g and v_2 = (1 - b2^2) g^2, so the
    # corrected moments are again g and g^2: another 0.01. (Without the correction step 1 would
    # be 0.1 / sqrt(0.001) = 3.16 times larger.)
    _hand_steps(f, {"lr": 0.01, "eps": 0.0}, [1.0, 1.0, 1.0], [[1e-4, -3.0, 1e4]] * 2,
                [[0.99, 1.01, 0.99], [0.98, 1.02, 0.98]],
                lambda t: ("on the first step m_hat = g and v_hat = g**2, so each weight moves "
                           "by lr*sign(g): divide m by 1 - beta1**t and v by 1 - beta2**t with "
                           "t = 1" if t == 1 else
                           "for a constant gradient m_hat = g and v_hat = g**2 at every step: "
                           "is t increased at each step?"),
                "w = [1, 1, 1], g = [1e-4, -3, 1e4] twice")
    # A tiny gradient shows where eps goes: g = 1e-6 and the default eps = 1e-8, lr = 0.01:
    # m_hat = 1e-6, sqrt(v_hat) = 1e-6, w = 1 - 0.01 * 1e-6 / (1e-6 + 1e-8) = 1 - 0.01 / 1.01.
    _hand_steps(f, {"lr": 0.01}, [1.0], [[1e-6]], [[1.0 - 0.01 / 1.01]],
                lambda t: "with the defaults (betas=(0.9, 0.999), eps=1e-8) the first step is "
                          "lr*g/(|g| + eps): check the default values, and that eps goes OUTSIDE "
                          "the square root", "w = 1, g = 1e-6, default betas and eps")
    _run_random(f, rng, {}, label="a random run with the default hyperparameters")
    _run_random(f, rng, {"lr": float(rng.uniform(0.005, 0.05)),
                         "betas": (float(rng.uniform(0.5, 0.9)), float(rng.uniform(0.9, 0.999))),
                         "eps": 1e-7}, label="a random run")
    _reused_gradients(f, rng, {"lr": 0.01})
    _interleaved(f, rng, {"lr": 0.01})


@adam.part("errors", points=1)
def adam_errors(f, rng):
    f.check_raises(ValueError, lr=-0.001, hint="raise ValueError if lr < 0 (as torch does)")
    f.check_raises(ValueError, eps=-1e-8, hint="raise ValueError if eps < 0 (as torch does)")
    f.check_raises(ValueError, betas=(1.0, 0.999), hint="each beta must be in [0, 1): beta1 = 1 "
                   "would never let a gradient in (and the correction divides by 0)")
    f.check_raises(ValueError, betas=(0.9, 1.5), hint="each beta must be in [0, 1): check "
                   "betas[1] as well as betas[0]")
    f.check_raises(ValueError, betas=(-0.1, 0.999), hint="each beta must be in [0, 1): "
                   "reject negative betas")
    _accepts(f, {"lr": 0.0}, ZERO_IS_VALID.format(name="lr"))
    _accepts(f, {"lr": 0.01, "betas": (0.0, 0.0)}, "each beta may be 0 (the interval [0, 1) "
             "includes it): reject only betas < 0 or >= 1")


# --------------------------------------------------------------------------- #
# AdamW
# --------------------------------------------------------------------------- #

@adamw.part("values", points=3)
def adamw_values(f, rng):
    _state_by_name(f, rng, {"lr": 0.01, "weight_decay": 0.1})
    _fresh_instances_agree(f, {"lr": 0.01, "weight_decay": 0.1})
    # A zero gradient: the Adam step is 0 / (0 + eps) = 0, so only the decay acts,
    # w = (1 - 0.1 * 0.5)^t w0 = 0.95^t * [2, -4].
    _hand_steps(f, {"lr": 0.1, "weight_decay": 0.5}, [2.0, -4.0], [[0.0, 0.0]] * 3,
                [[2.0 * 0.95 ** t, -4.0 * 0.95 ** t] for t in (1, 2, 3)],
                lambda t: "decay every weight by the factor 1 - lr*weight_decay at every step, "
                          "before the Adam step", "w = [2, -4], g = 0 three times")
    # Decay first, then the Adam step (eps = 0, first step of size lr): w = 1 * 0.95 - 0.1 = 0.85
    # (decaying after the step would give (1 - 0.1) * 0.95 = 0.855).
    _hand_steps(f, {"lr": 0.1, "weight_decay": 0.5, "eps": 0.0}, [1.0], [[1.0]], [[0.85]],
                lambda t: "decay BEFORE the Adam step: p *= 1 - lr*weight_decay, then "
                          "p -= lr*m_hat/(np.sqrt(v_hat) + eps)", "w = 1, g = 1")
    _run_random(f, rng, {}, label="a random run with the default hyperparameters")
    _run_random(f, rng, {"lr": float(rng.uniform(0.01, 0.05)), "betas": (0.8, 0.99), "eps": 1e-7,
                         "weight_decay": float(rng.uniform(0.1, 0.5))}, label="a random run")
    _reused_gradients(f, rng, {"lr": 0.01, "weight_decay": 0.1})
    _interleaved(f, rng, {"lr": 0.01, "weight_decay": 0.1})


@adamw.part("errors", points=1)
def adamw_errors(f, rng):
    f.check_raises(ValueError, weight_decay=-0.01, hint="raise ValueError if weight_decay < 0 "
                   "(as torch does)")
    f.check_raises(ValueError, lr=-0.001, hint="raise ValueError if lr < 0 (as torch does)")
    f.check_raises(ValueError, betas=(0.9, 1.0), hint="each beta must be in [0, 1)")
    f.check_raises(ValueError, eps=-1.0, hint="raise ValueError if eps < 0 (as torch does)")
    _accepts(f, {"lr": 0.0}, ZERO_IS_VALID.format(name="lr"))
    _accepts(f, {"lr": 0.01, "weight_decay": 0.0}, ZERO_IS_VALID.format(name="weight_decay")
             + "; with weight_decay = 0, AdamW is Adam")


# --------------------------------------------------------------------------- #
# The quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=3, questions=[
    Choice("q1", "What does Adam's bias correction correct?",
           {"a": "the noise of minibatch gradients",
            "b": "m and v start at zero, so early on they underestimate the mean gradient and "
                 "mean squared gradient by the factors 1 - beta1**t and 1 - beta2**t",
            "c": "the bias vectors of the layers",
            "d": "the curvature of the loss"},
           answer="b",
           why="an average that starts at 0 has weights summing to 1 - beta**t after t steps, "
               "as if zeros had come before the first gradient; dividing by 1 - beta**t "
               "removes that bias, so the first step already has size lr."),
    Number("q2", "Adam, lr = 0.01, first step, g = -250: the signed change of the weight?",
           answer=0.01, rtol=1e-3,
           why="m_hat = g and v_hat = g**2 on the first step, so the change is "
               "-lr * g / |g| = +0.01 (the weight moves against the gradient, by lr)."),
    Number("q3", "SGD, momentum 0.9, lr 0.1, constant gradient 1: the long-run step size?",
           answer=1.0, rtol=1e-3,
           why="the buffer tends to g / (1 - mu) = 10, so the step tends to lr * 10 = 1: "
               "momentum multiplies the step along a consistent slope by 1 / (1 - mu)."),
    Number("q4", "RMSprop, lr 0.01, alpha 0.99, first step with g = 3: the distance moved?",
           answer=0.1, rtol=1e-3,
           why="v = (1 - alpha) g**2 = 0.01 g**2, so g / sqrt(v) = 10 sign(g) and the weight "
               "moves 10 lr = 0.1, whatever g is (RMSprop has no bias correction)."),
    Choice("q5", "Why is AdamW's weight decay kept out of the gradient?",
           {"a": "it is cheaper", "b": "inside the gradient it would be divided by sqrt(v_hat)",
            "c": "it would make Adam diverge", "d": "the two are equivalent"},
           answer="b",
           why="with the decay in the gradient, a weight with large gradients is hardly decayed "
               "and one with tiny gradients moves by about lr per step whatever lambda is; "
               "AdamW decays every weight by the same factor 1 - lr*lambda."),
    Choice("q6", "Why did Adam leave the plateau of the digits network long before SGD?",
           {"a": "its learning rate was larger", "b": "it adds noise to the gradients",
            "c": "it divides each gradient by its own running RMS, so tiny gradients still give "
                 "steps of about lr", "d": "its bias correction makes early steps larger"},
           answer="c",
           why="on the plateau the gradients are tiny but consistent; SGD's steps are "
               "proportional to them, Adam's are normalised to about lr per weight."),
    Number("q7", "Gradient descent on (x**2 + 25 y**2) / 2: the largest stable learning rate?",
           answer=0.08, rtol=1e-3,
           why="the y coordinate is multiplied by 1 - 25 lr per step, which must stay in "
               "(-1, 1): lr < 2 / 25 = 0.08."),
])
