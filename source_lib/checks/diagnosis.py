"""Checks of the capstone (diagnosing a training run): ``diverged``, ``update_ratio`` and
``best_epoch`` on hand-worked cases, random records compared with :mod:`source_lib.diagnosis`
and edge cases; ``diagnose`` on fresh runs.

``diagnose`` is scored by accuracy: the part records runs of every cause with its own
generator (:func:`source_lib.diagnosis.iter_runs`, real trainings of a small network on the
digits) here, in the checks' process, with the part's ``rng`` (a public seed in the test
cell, a fresh one in the self-check, the instructor's at grading), sends each record to the
learner's function as data and gives the fraction of runs named right, with a message that
says which causes were missed and how often. The reference is right on every run the
generator makes (``tests/test_diagnosis.py`` says so over many seeds), so a correct
``diagnose`` scores full marks on any seed, and one tailored to the visible runs gains
nothing at grading.

Expected values come from the reference or are derived by hand in a comment.
"""

import numpy as np

from source_lib import diagnosis as ref
from source_lib.checks import Choice, Lesson, Number, Score, StudentError
from source_lib.testing import assert_close, describe, fail

checks = Lesson("13_training_doctor")

diverged = checks.exercise("diverged", ref.diverged)
update_ratio = checks.exercise("update_ratio", ref.update_ratio)
best_epoch = checks.exercise("best_epoch", ref.best_epoch)
diagnose = checks.exercise("diagnose", ref.diagnose)

#: Runs of each cause that the ``diagnose`` part records (6 causes: 24 runs, about 1.5 s).
RUNS_PER_CAUSE = 4


# --------------------------------------------------------------------------- #
# diverged
# --------------------------------------------------------------------------- #

def _bool_of(f, expected, args, kwargs=None, hint=None):
    """``f(*args, **kwargs)``, which must be a bool equal to ``expected``."""
    kwargs = kwargs or {}
    got = f(*args, **kwargs)
    inputs = f.describe_call(args, kwargs)
    if not isinstance(got, (bool, np.bool_)):
        fail("diverged should return a bool (True or False).", inputs=inputs,
             expected=repr(expected), received=describe(got),
             hint="return bool(...) of your test; np.any(...) gives a NumPy bool, which is fine")
    if bool(got) != expected:
        fail("diverged gives the wrong answer.", inputs=inputs, expected=repr(expected),
             received=repr(bool(got)), hint=hint)


def _loss_curve(rng, T):
    """A random loss curve: a noisy decay, sometimes with a spike of a random height."""
    loss = 2.3 * np.exp(-rng.uniform(0.0, 0.1) * np.arange(T)) * np.exp(0.3 * rng.normal(size=T))
    if rng.random() < 0.6:
        t = int(rng.integers(1, T))
        loss[t] *= float(np.exp(rng.uniform(0.0, 4.0)))
    return loss


@diverged.part("values", points=3)
def diverged_values(f, rng):
    # A loss that only falls never diverges.
    _bool_of(f, False, (np.array([2.3, 1.2, 0.6, 0.5, 0.45]),),
             hint="a falling loss has not diverged: compare each loss with factor times the "
                  "smallest loss BEFORE it")
    # [2.3, 0.1, 2.0]: the smallest loss before 2.0 is 0.1, and 2.0 > 10 * 0.1 = 1: diverged.
    # Compared with the first loss instead, 2.0 < 10 * 2.3 = 23 would look fine.
    _bool_of(f, True, (np.array([2.3, 0.1, 2.0]),),
             hint="compare with the smallest loss before each step (here 0.1), not with the "
                  "first loss (2.3): the run had reached 0.1 and jumped 20-fold")
    # [1.0, 0.1, 0.5, 1.5]: each loss is below 10 times the one just before it (0.5 < 1,
    # 1.5 < 5), but 1.5 > 10 * 0.1 = 1, the smallest before it: diverged.
    _bool_of(f, True, (np.array([1.0, 0.1, 0.5, 1.5]),),
             hint="compare with the smallest loss so far (np.minimum.accumulate), not with the "
                  "previous loss: a loss may climb back step by step")
    # A nan (or inf) means the run blew up, whatever the numbers around it. Comparisons with
    # nan are False, so a test made of comparisons alone misses it.
    _bool_of(f, True, (np.array([2.3, 1.5, np.nan, np.nan]),),
             hint="a loss that is nan (or inf) means the run diverged: test np.isfinite, since "
                  "every comparison with nan is False")
    _bool_of(f, True, (np.array([2.3, np.inf]),),
             hint="an infinite loss means the run diverged")
    _bool_of(f, True, (np.array([np.nan]),),
             hint="a single nan loss is a diverged run: test np.isfinite before anything else")
    # [2.0, 0.1]: a big DROP is not a divergence. The smallest loss of the whole run (0.1) is
    # below 2.0 / 10, but it comes after 2.0, not before.
    _bool_of(f, False, (np.array([2.0, 0.1, 0.12]),),
             hint="only the losses BEFORE a step count: a loss that drops tenfold has not "
                  "diverged (do not compare with the minimum of the whole run)")
    # Exactly 10 times is not above 10 times: 5.0 > 10 * 0.5 is False.
    _bool_of(f, False, (np.array([0.5, 5.0]),),
             hint="diverged means strictly above factor times the best so far: 5.0 is not "
                  "above 10 * 0.5")
    _bool_of(f, False, (np.array([0.7]),), hint="a single finite loss has not diverged")
    # The factor counts: [1.0, 0.5, 1.6] jumps 3.2-fold above 0.5: diverged with factor 3,
    # not with the default 10.
    _bool_of(f, True, (np.array([1.0, 0.5, 1.6]),), {"factor": 3.0},
             hint="use the argument factor, not a fixed 10")
    _bool_of(f, False, (np.array([1.0, 0.5, 1.6]),), hint="the default factor is 10")
    # Random curves, random factors; compared with the reference.
    for _ in range(12):
        loss = _loss_curve(rng, int(rng.integers(2, 60)))
        factor = float(rng.uniform(1.5, 20.0))
        _bool_of(f, ref.diverged(loss, factor), (loss,), {"factor": factor},
                 hint="diverged iff some loss is not finite or exceeds factor times the "
                      "smallest loss before it")


@diverged.part("errors", points=1)
def diverged_errors(f, rng):
    loss = _loss_curve(rng, 10)
    f.check_raises(ValueError, np.array([]), hint="an empty train_loss has nothing to judge: "
                   "raise ValueError")
    f.check_raises(ValueError, loss, factor=1.0, hint="factor must be > 1 (with factor <= 1 "
                   "any loss above the best would count as a divergence)")
    f.check_raises(ValueError, loss, factor=float(rng.uniform(0.1, 0.9)), hint="factor must be > 1")
    f.check_raises(ValueError, loss, factor=-2.0, hint="factor must be > 1")


# --------------------------------------------------------------------------- #
# update_ratio
# --------------------------------------------------------------------------- #

def _record(lr, grads, weights, rng=None):
    """A whole record around the three arrays update_ratio reads (the others random)."""
    lr, grads, weights = (np.asarray(a, dtype=float) for a in (lr, grads, weights))
    rng = rng or np.random.default_rng(0)
    T, L = grads.shape
    E = max(1, T // 3)
    return {"train_loss": rng.uniform(0.1, 2.5, size=T), "val_loss": rng.uniform(0.1, 2.5, size=E),
            "train_epoch_loss": rng.uniform(0.1, 2.5, size=E), "lr": lr, "grad_norms": grads,
            "weight_norms": weights, "dead_fraction": np.round(rng.random((T, L)), 2)}


def _ratio(f, record, expected=None, hint=None, rtol=1e-10):
    if expected is None:
        expected = ref.update_ratio(record)
    got = f(record)
    inputs = f.describe_call((record,), {})
    if np.shape(got) != expected.shape:
        T, L = np.shape(record["grad_norms"])
        fail("update_ratio returns the wrong shape.", inputs=inputs,
             expected=f"one ratio per layer, shape ({L},)", received=f"shape {np.shape(got)}",
             hint=f"take the median over the steps, axis 0 of the (T, L) = ({T}, {L}) array of "
                  f"ratios, not over the layers")
    assert_close(got, expected, rtol=rtol, atol=1e-300, what="update_ratio's result", inputs=inputs,
                 hint=hint)


RATIO = "median over the steps of lr[t] * grad_norms[t, l] / weight_norms[t, l], one per layer"


@update_ratio.part("values", points=3)
def update_ratio_values(f, rng):
    # T = 3 steps, L = 2 layers, lr 0.1, weights of norm 10: the ratios are
    # 0.1 * [1, 2, 3] / 10 = [0.01, 0.02, 0.03] (median 0.02) for layer 0 and twice that
    # (median 0.04) for layer 1. Without the learning rate they would be 10 times larger.
    _ratio(f, _record([0.1, 0.1, 0.1], [[1, 2], [2, 4], [3, 6]], np.full((3, 2), 10.0)),
           np.array([0.02, 0.04]),
           hint="multiply by the learning rate lr[t]: the ratio is the size of the step "
                "lr * |g| relative to |W|")
    # One wild step: ratios 0.001, 0.001, 0.1 in layer 0 (weights of norm 1, lr 0.01, grads
    # 0.1, 0.1, 10). The median is 0.001; the mean, 0.034, is dragged up by the one step.
    _ratio(f, _record([0.01] * 3, [[0.1, 1.0], [0.1, 1.0], [10.0, 1.0]], np.ones((3, 2))),
           np.array([0.001, 0.01]),
           hint="take the MEDIAN over the steps (np.median(..., axis=0)), not the mean: one "
                "wild step must not decide")
    # An even number of steps: the median is the mean of the two middle values. Ratios of
    # layer 0: 1e-3 * [1, 2, 4, 8] -> median (2 + 4) / 2 * 1e-3 = 3e-3.
    _ratio(f, _record([1e-3] * 4, [[1.0], [2.0], [4.0], [8.0]], np.ones((4, 1))),
           np.array([3e-3]),
           hint="with an even number of steps the median is the mean of the two middle values "
                "(np.median does it)")
    # A schedule: lr = [1, 0.1, 0.01] with |g| / |W| = [1e-2, 1e-4, 1] gives ratios
    # [1e-2, 1e-5, 1e-2], median 1e-2. The median of lr (0.1) times the median of |g|/|W|
    # (1e-2) would give 1e-3: the rate of each step goes with that step's gradient.
    _ratio(f, _record([1.0, 0.1, 0.01], [[1e-2], [1e-4], [1.0]], np.ones((3, 1))),
           np.array([1e-2]),
           hint="multiply step by step, lr[t] * grad_norms[t] / weight_norms[t], THEN take the "
                "median (not the median of lr times the median of the rest)")
    # Random records: several layers, a constant rate or a decaying schedule.
    for _ in range(6):
        T, L = int(rng.integers(5, 60)), int(rng.integers(1, 6))
        lr = np.full(T, float(np.exp(rng.uniform(np.log(1e-4), np.log(1.0)))))
        if rng.random() < 0.5:
            lr = lr * (1 + np.cos(np.pi * np.arange(T) / T)) / 2 + 1e-6
        grads = np.exp(rng.normal(size=(T, L)) * 2.0)
        weights = np.exp(rng.normal(size=(T, L))) + 0.1
        _ratio(f, _record(lr, grads, weights, rng), hint=RATIO)
    # One step, one layer.
    _ratio(f, _record([0.5], [[3.0]], [[6.0]]), np.array([0.25]), hint=RATIO)


@update_ratio.part("errors", points=1)
def update_ratio_errors(f, rng):
    T, L = int(rng.integers(4, 20)), int(rng.integers(2, 5))
    grads, weights = rng.uniform(0.1, 1, size=(T, L)), rng.uniform(1, 2, size=(T, L))
    lr = np.full(T, 0.01)
    f.check_raises(ValueError, _record(lr[:-1], grads, weights),
                   hint="lr must hold one rate per step: check len(lr) == grad_norms.shape[0]")
    f.check_raises(ValueError, _record(lr, grads, weights[:-1]),
                   hint="grad_norms and weight_norms must have the same number of steps")
    f.check_raises(ValueError, _record(lr, grads, weights[:, :-1]),
                   hint="grad_norms and weight_norms must have the same number of layers")
    zero = weights.copy()
    zero[int(rng.integers(T)), int(rng.integers(L))] = 0.0
    f.check_raises(ValueError, _record(lr, grads, zero),
                   hint="a weight norm of 0 makes the ratio meaningless (division by zero): "
                        "raise ValueError")


# --------------------------------------------------------------------------- #
# best_epoch
# --------------------------------------------------------------------------- #

def _epoch(f, val_loss, expected, hint, mistakes=None):
    """``f(val_loss)`` must be the int ``expected``; ``mistakes`` maps wrong answers to the
    hint that names them (else ``hint``)."""
    got = f(val_loss)
    inputs = f.describe_call((val_loss,), {})
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        fail("best_epoch should return an int (an epoch index).", inputs=inputs,
             expected=repr(expected), received=describe(got),
             hint="return int(...) of the index: np.argmin gives one")
    if int(got) != expected:
        fail("best_epoch gives the wrong epoch.", inputs=inputs, expected=repr(expected),
             received=repr(int(got)), hint=(mistakes or {}).get(int(got), hint))


@best_epoch.part("values", points=3)
def best_epoch_values(f, rng):
    # The validation loss falls to 0.9 at epoch 2 (counting from 0), then rises. Epoch 0 has
    # the largest loss (np.argmax), 3 is the best epoch counted from 1.
    _epoch(f, np.array([2.1, 1.3, 0.9, 1.0, 1.4]), 2,
           hint="the index (from 0) of the smallest validation loss: np.argmin",
           mistakes={0: "the epoch of the SMALLEST validation loss, not the largest: np.argmin, not "
                        "np.argmax",
                     3: "epochs count from 0: the first epoch is epoch 0, so do not add 1"})
    # A tie: 0.8 at epochs 1 and 3. Early stopping stops at the FIRST: 1, not 3.
    _epoch(f, np.array([1.5, 0.8, 0.85, 0.8, 1.1]), 1,
           hint="with a tie, the FIRST epoch with the smallest loss (early stopping stops as "
                "soon as it can); np.argmin returns the first")
    # Still falling at the end: the best epoch is the last, 3.
    _epoch(f, np.array([2.0, 1.0, 0.7, 0.6]), 3, hint="the smallest loss, not the largest")
    _epoch(f, np.array([0.42]), 0, hint="one epoch: the best is epoch 0")
    for _ in range(8):
        E = int(rng.integers(2, 40))
        val = np.round(rng.uniform(0.2, 2.0, size=E), 1)   # rounded: ties happen
        _epoch(f, val, ref.best_epoch(val), hint="the first index of the smallest value")


@best_epoch.part("errors", points=1)
def best_epoch_errors(f, rng):
    val = rng.uniform(0.2, 2.0, size=int(rng.integers(3, 10)))
    f.check_raises(ValueError, np.array([]), hint="an empty val_loss has no best epoch: raise "
                   "ValueError")
    bad = val.copy()
    bad[int(rng.integers(len(bad)))] = np.nan
    f.check_raises(ValueError, bad, hint="a nan validation loss (a diverged run) has no best "
                   "epoch: np.argmin would return the nan's index; raise ValueError")
    bad[np.isnan(bad)] = np.inf
    f.check_raises(ValueError, bad, hint="an infinite validation loss: raise ValueError")


# --------------------------------------------------------------------------- #
# diagnose: accuracy on fresh runs
# --------------------------------------------------------------------------- #

EVIDENCE = {
    "lr_too_high": "the loss is not finite or jumps above 10 times its best so far (counting "
                   "losses below 0.1 as 0.1): diverged(np.maximum(record['train_loss'], 0.1)), "
                   "checked first",
    "dead_relus": "over the last quarter of the steps, more than half of some layer's units "
                  "are dead on average (record['dead_fraction'])",
    "vanishing_gradients": "the median gradient norm of the first layer is below 1e-2 times the "
                           "last layer's (record['grad_norms'][:, 0] against [:, -1])",
    "overfitting": "the validation loss has its best epoch before the last and ends more than "
                   "5 % above it, while the training loss keeps falling",
    "lr_too_low": "the training loss hardly moves (it ends above 90 % of its first epoch's) and "
                  "the update-to-weight ratio is below a healthy 1e-3",
    "healthy": "none of the symptoms shows: are your thresholds so loose that a healthy run "
               "trips one?",
}


@diagnose.part("values", points=6)
def diagnose_values(f, rng):
    # one run at a time: a diagnose that is not written yet fails at the first, unrecorded rest
    runs = ref.iter_runs(rng, per_cause=RUNS_PER_CAUSE)
    total = RUNS_PER_CAUSE * len(ref.CAUSES)
    missed = {}          # cause -> [(what came back, as shown; the error message or None)]
    for cause, record in runs:
        try:
            got = f(record)
        except StudentError as err:
            missed.setdefault(cause, []).append((f"raised {err.error_type}", str(err)))
            continue
        if isinstance(got, str) and got == cause:
            continue
        if not isinstance(got, str):
            shown = f"{describe(got)} (not a string)"
        elif got not in ref.CAUSES:
            shown = f"{got!r} (not one of the causes)"
        else:
            shown = repr(got)
        missed.setdefault(cause, []).append((shown, None))
    if not missed:
        return None
    right = total - sum(len(v) for v in missed.values())
    lines = [f"diagnose named the cause of {right} of {total} fresh runs ({right / total:.0%}; "
             f"the points are that fraction)."]
    first_error = None
    for cause in ref.CAUSES:
        if cause not in missed:
            continue
        answers = {}
        for got, error in missed[cause]:
            answers[got] = answers.get(got, 0) + 1
            first_error = first_error or error
        said = ", ".join(f"{a} {n}x" for a, n in answers.items())
        lines.append(f"  missed: {cause} {len(missed[cause])} of {RUNS_PER_CAUSE} (answered {said})")
    lines.append("  what each missed cause looks like:")
    lines += [f"    {cause}: {EVIDENCE[cause]}" for cause in ref.CAUSES if cause in missed]
    if first_error:
        lines.append("  the first error:\n" + "\n".join("    " + ln for ln in first_error.splitlines()))
    return Score(right / total, "\n".join(lines))


# --------------------------------------------------------------------------- #
# The quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=3, questions=[
    Choice("q1", "The training loss of a run reads 2.3, 1.1, 0.4, 0.35, 4.2. With factor 10, "
                 "has it diverged?",
           {"a": "No: 4.2 is below 10 times the first loss, 2.3.",
            "b": "Yes: 4.2 is above 10 times 0.35, the smallest loss before it.",
            "c": "No: the loss is finite everywhere."},
           answer="b",
           why="The run had reached 0.35; a jump to 4.2 (12 times that) is an explosion, even if "
               "the loss is still of the order of where it started."),
    Number("q2", "A layer's weight has norm 5, its gradient norm 0.5, and the learning rate is "
                 "0.01. What is the update-to-weight ratio of that step?",
           answer=0.01 * 0.5 / 5, rtol=1e-6,
           why="0.01 * 0.5 / 5 = 1e-3: the step changes the weights by about a thousandth, "
               "what a healthy run shows."),
    Number("q3", "The validation losses of six epochs are 1.9, 1.1, 0.8, 0.8, 0.9, 1.2. Which "
                 "epoch (counting from 0) does early stopping keep?",
           answer=2, rtol=0, atol=0,
           why="The smallest loss, 0.8, comes first at epoch 2 (and again at 3): stop at the "
               "first; the rise from epoch 4 on is overfitting."),
    Choice("q4", "A 12-layer ReLU network's loss sits at log 10 = 2.30 for the whole run. The "
                 "first layer's gradient norm is about 1e-7, the last layer's about 1e-2, and "
                 "almost no unit is dead. What is wrong?",
           {"a": "The learning rate is too low.", "b": "Vanishing gradients.",
            "c": "Dead ReLUs.", "d": "Overfitting."},
           answer="b",
           why="Five orders of magnitude between the first and the last layer: the backward "
               "pass multiplies by a small factor per layer (lesson 06). A larger learning rate "
               "would move the last layers and still leave the first ones frozen."),
    Choice("q5", "Why does diagnose test for divergence before anything else?",
           {"a": "Because a too-high learning rate is the commonest cause.",
            "b": "Because a run that blew up leaves nonsense in every other signal: nan "
                 "gradients, units killed by the explosion, a meaningless validation loss.",
            "c": "Because diverged is the cheapest test."},
           answer="b",
           why="After an explosion the other signals describe the wreck, not the cause: most "
               "units are often dead, but it was the learning rate that killed them."),
    Choice("q6", "Most units of a layer output 0 on every example of every batch. Why does "
                 "training not bring them back?",
           {"a": "A unit that is 0 on every example gets a zero gradient (the ReLU's "
                 "derivative is 0 there), so its weights and bias never change.",
            "b": "Weight decay holds them at 0.",
            "c": "Their learning rate is too small."},
           answer="a",
           why="relu'(z) = 0 for z < 0: no gradient flows into the unit's weights (lesson 05), "
               "so nothing moves it back to where it fires."),
    Choice("q7", "The training loss falls to 1e-5 while the validation loss, best at epoch 3, "
                 "has doubled by epoch 40. Which remedy addresses the cause?",
           {"a": "A larger learning rate.",
            "b": "More training data, regularisation (weight decay, dropout) or stopping at "
                 "the best epoch.",
            "c": "A deeper network."},
           answer="b",
           why="The network memorises its training set (overfitting, lesson 08): more data, "
               "regularisation or early stopping; a bigger or faster learner memorises sooner."),
])
