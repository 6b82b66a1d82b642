"""Tests of source_lib.diagnosis: the four graded functions against direct computations
(Python loops, hand-worked records), record_run against the same training written in torch
(autograd gradients, torch.optim's SGD and Adam), and the run generator: the reference's
diagnose names the cause of every run it makes, over 50 seeds per cause."""

import copy
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from source_lib import diagnosis as ref
from source_lib.datasets import load_digits_split

# --------------------------------------------------------------------------- #
# diverged
# --------------------------------------------------------------------------- #


def diverged_loop(loss, factor):
    """The definition, one step at a time."""
    best = math.inf
    for value in loss:
        if not math.isfinite(value) or value > factor * best:
            return True
        best = min(best, value)
    return False


@pytest.mark.parametrize("loss, factor, expected", [
    ([2.3, 1.2, 0.6, 0.5], 10.0, False),
    ([2.3, 0.1, 2.0], 10.0, True),          # 2.0 > 10 * 0.1, though < 10 * 2.3 (the first)
    ([1.0, 0.1, 0.5, 1.5], 10.0, True),     # each step < 10x the previous, 1.5 > 10 * 0.1
    ([2.0, 0.1, 0.12], 10.0, False),        # a drop is not a divergence
    ([0.5, 5.0], 10.0, False),              # exactly 10 times is not above
    ([0.5, 5.000001], 10.0, True),
    ([1.0, np.nan], 10.0, True),
    ([np.inf], 10.0, True),
    ([0.3], 10.0, False),
    ([1.0, 0.5, 1.6], 3.0, True),
    ([1.0, 0.5, 1.6], 10.0, False),
])
def test_diverged_hand_cases(loss, factor, expected):
    got = ref.diverged(np.array(loss), factor)
    assert isinstance(got, bool) and got is expected


finite_or_not = st.one_of(st.floats(1e-6, 1e3), st.sampled_from([np.nan, np.inf, -np.inf]))


@settings(max_examples=200, deadline=None)
@given(loss=st.lists(st.one_of(st.floats(1e-6, 1e3), finite_or_not), min_size=1, max_size=30),
       factor=st.floats(1.0001, 100.0))
def test_diverged_matches_the_definition(loss, factor):
    arr = np.array(loss)
    before = arr.copy()
    assert ref.diverged(arr, factor) is diverged_loop(loss, factor)
    np.testing.assert_array_equal(arr, before)


@pytest.mark.parametrize("loss, factor, word", [
    ([], 10.0, "at least one"), ([[1.0, 2.0]], 10.0, "1-D"), ([1.0], 1.0, "factor"),
    ([1.0], 0.5, "factor"), ([1.0], -3.0, "factor"), ([1.0], np.nan, "factor"),
    ([1.0], np.inf, "factor"), (["a"], 10.0, "numbers"),
])
def test_diverged_errors(loss, factor, word):
    with pytest.raises(ValueError, match=word):
        ref.diverged(loss, factor)


# --------------------------------------------------------------------------- #
# update_ratio
# --------------------------------------------------------------------------- #

def record_of(lr, grads, weights):
    return {"lr": np.asarray(lr, float), "grad_norms": np.asarray(grads, float),
            "weight_norms": np.asarray(weights, float)}


def test_update_ratio_hand_case():
    # ratios 0.1 * [1, 2, 3] / 10 = [0.01, 0.02, 0.03] and twice that: medians 0.02, 0.04
    got = ref.update_ratio(record_of([0.1] * 3, [[1, 2], [2, 4], [3, 6]], np.full((3, 2), 10.0)))
    np.testing.assert_allclose(got, [0.02, 0.04], rtol=1e-14)
    # even T: the mean of the two middle values, 1e-3 * (2 + 4) / 2
    got = ref.update_ratio(record_of([1e-3] * 4, [[1.0], [2.0], [4.0], [8.0]], np.ones((4, 1))))
    np.testing.assert_allclose(got, [3e-3], rtol=1e-14)


@settings(max_examples=100, deadline=None)
@given(T=st.integers(1, 20), L=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_update_ratio_matches_a_loop(T, L, seed):
    rng = np.random.default_rng(seed)
    rec = record_of(rng.uniform(1e-4, 1, T), np.exp(2 * rng.normal(size=(T, L))),
                    rng.uniform(0.1, 5, (T, L)))
    rec["train_loss"] = rng.random(T)    # other keys are ignored
    before = copy.deepcopy(rec)
    expected = [float(np.median([rec["lr"][t] * rec["grad_norms"][t, l] / rec["weight_norms"][t, l]
                                 for t in range(T)])) for l in range(L)]
    np.testing.assert_allclose(ref.update_ratio(rec), expected, rtol=1e-13)
    for key in before:
        np.testing.assert_array_equal(rec[key], before[key])


def test_update_ratio_of_a_real_run_is_near_1e_3():
    rec = ref.record_run({"n_train": 300, "epochs": 2}, np.random.default_rng(0))
    assert np.all((1e-4 < ref.update_ratio(rec)) & (ref.update_ratio(rec) < 1e-2))


@pytest.mark.parametrize("rec, word", [
    ("not a dict", "dict"),
    ({"lr": [0.1], "grad_norms": [[1.0]]}, "weight_norms"),
    (record_of([0.1, 0.1], [[1.0]], [[1.0]]), "one rate per step"),
    (record_of([0.1], [[1.0, 2.0]], [[1.0]]), "same shape"),
    (record_of([0.1, 0.1], [[1.0], [2.0]], [[1.0]]), "same shape"),
    (record_of([0.1], [1.0], [1.0]), "2-D"),
    (record_of([0.1, 0.1], [[1.0], [2.0]], [[1.0], [0.0]]), "holds a 0"),
    (record_of(np.zeros(0), np.zeros((0, 2)), np.zeros((0, 2))), "at least one step"),
])
def test_update_ratio_errors(rec, word):
    with pytest.raises(ValueError, match=word):
        ref.update_ratio(rec)


# --------------------------------------------------------------------------- #
# best_epoch
# --------------------------------------------------------------------------- #

@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.1, 0.2, 0.3, 0.5, 1.0, 2.3]), min_size=1, max_size=30))
def test_best_epoch_is_the_first_minimum(val):
    got = ref.best_epoch(np.array(val))
    assert isinstance(got, int) and got == val.index(min(val))


@pytest.mark.parametrize("val, word", [([], "at least 1"), ([1.0, np.nan], "finite"),
                                       ([np.inf, 1.0], "finite"), ([[1.0]], "1-D")])
def test_best_epoch_errors(val, word):
    with pytest.raises(ValueError, match=word):
        ref.best_epoch(val)


# --------------------------------------------------------------------------- #
# diagnose, on records made by hand: each rule, and their order
# --------------------------------------------------------------------------- #

def synthetic(T=40, E=4, L=3, **changes):
    """A healthy-looking record (ratio 1e-3, balanced gradients, no dead unit, both losses
    falling) with ``changes`` applied (arrays, or functions of the record's array)."""
    rec = {"train_loss": np.linspace(2.3, 0.3, T), "val_loss": np.linspace(1.5, 0.4, E),
           "train_epoch_loss": np.linspace(1.4, 0.3, E), "lr": np.full(T, 0.01),
           "grad_norms": np.full((T, L), 0.5), "weight_norms": np.full((T, L), 5.0),
           "dead_fraction": np.zeros((T, L))}
    for key, value in changes.items():
        rec[key] = value(rec[key].copy()) if callable(value) else np.asarray(value, float)
    return rec


def _set(index, value):
    def change(arr):
        arr[index] = value
        return arr
    return change


@pytest.mark.parametrize("changes, cause", [
    ({}, "healthy"),
    ({"train_loss": _set(-1, 10.0)}, "lr_too_high"),      # 10 > 10 * 0.35, the best before it
    ({"train_loss": _set(-1, np.nan)}, "lr_too_high"),
    ({"dead_fraction": _set((slice(30, None), 1), 0.8)}, "dead_relus"),
    ({"dead_fraction": _set((slice(0, 30), 1), 0.9)}, "healthy"),   # dead early, alive late
    ({"grad_norms": _set((slice(None), 0), 1e-3)}, "vanishing_gradients"),   # 1e-3 < 1e-2 * 0.5
    ({"grad_norms": _set((slice(None), 0), 1e-2)}, "healthy"),      # 1e-2 > 1e-2 * 0.5
    ({"val_loss": [1.5, 0.4, 0.5, 0.6]}, "overfitting"),
    ({"val_loss": [1.5, 0.4, 0.41, 0.415]}, "healthy"),             # under 5 % above the best
    ({"val_loss": [1.5, 0.4, 0.5, 0.6], "train_epoch_loss": [1.4, 0.3, 0.35, 0.4]}, "healthy"),
    ({"lr": np.full(40, 1e-5), "train_epoch_loss": [2.30, 2.29, 2.28, 2.28]}, "lr_too_low"),
    ({"lr": np.full(40, 1e-5)}, "healthy"),        # a small ratio, but the loss falls fast
    # order: divergence before dead units, dead units before the gradient test, and so on
    ({"train_loss": _set(-1, 10.0), "dead_fraction": np.ones((40, 3))}, "lr_too_high"),
    ({"dead_fraction": np.full((40, 3), 0.9), "grad_norms": _set((slice(None), 0), 0.0)},
     "dead_relus"),
    ({"grad_norms": _set((slice(None), 0), 1e-4), "val_loss": [1.5, 0.4, 0.5, 0.6]},
     "vanishing_gradients"),
    ({"lr": np.full(40, 1e-5), "val_loss": [1.5, 0.4, 0.5, 0.6],
      "train_epoch_loss": [2.30, 2.29, 2.28, 2.27]}, "overfitting"),
])
def test_diagnose_rules(changes, cause):
    rec = synthetic(**changes)
    before = copy.deepcopy(rec)
    assert ref.diagnose(rec) == cause
    for key in before:
        np.testing.assert_array_equal(rec[key], before[key])


def test_diagnose_errors():
    rec = synthetic()
    del rec["grad_norms"]
    with pytest.raises(ValueError, match="grad_norms"):
        ref.diagnose(rec)
    with pytest.raises(ValueError, match="dict"):
        ref.diagnose([1, 2, 3])
    with pytest.raises(ValueError, match="same shape"):
        ref.diagnose(synthetic(dead_fraction=np.zeros((40, 2))))


def test_signals_of_a_diverged_run_say_only_that():
    assert ref.signals(synthetic(train_loss=_set(3, np.inf))) == {"diverged": True}
    s = ref.signals(synthetic())
    assert s["diverged"] is False and s["dead"] == 0.0 and s["grad_ratio"] == 1.0
    assert s["best_epoch"] == 3 and s["val_rise"] == 0.0
    np.testing.assert_allclose(s["update_ratio"], 1e-3, rtol=1e-12)


# --------------------------------------------------------------------------- #
# record_run against the same training in torch
# --------------------------------------------------------------------------- #

def torch_record(config, seed):
    """record_run's training written with torch: autograd for the gradients, torch.optim for
    the updates, and the same random draws (the subset, the weights layer by layer, each
    epoch's shuffle) from a generator seeded alike."""
    c = dict(ref.DEFAULT_CONFIG, **config)
    rng = np.random.default_rng(seed)
    X_all, y_all, X_val, y_val = load_digits_split()
    subset = rng.choice(len(y_all), size=c["n_train"], replace=False)
    X, y = torch.tensor(X_all[subset]), torch.tensor(y_all[subset])
    X_val, y_val = torch.tensor(X_val), torch.tensor(y_val)
    sizes = [64] + [c["width"]] * c["depth"] + [10]
    L = len(sizes) - 1
    Ws = [torch.tensor(rng.normal(size=(i, o)) * (c["init_scale"] * math.sqrt(2.0 / i)),
                       requires_grad=True) for i, o in zip(sizes[:-1], sizes[1:])]
    bs = [torch.full((o,), c["bias_init"] if l < L - 1 else 0.0, dtype=torch.float64,
                     requires_grad=True) for l, o in enumerate(sizes[1:])]
    if c["optimizer"] == "adam":
        opt = torch.optim.Adam(Ws + bs, lr=c["lr"])
    else:
        opt = torch.optim.SGD(Ws + bs, lr=c["lr"], momentum=0.9 if c["optimizer"] == "momentum" else 0.0)

    def forward(inputs):
        hs = [inputs]
        for W, b in zip(Ws[:-1], bs[:-1]):
            hs.append(torch.relu(hs[-1] @ W + b))
        return hs, hs[-1] @ Ws[-1] + bs[-1]

    n, batch = c["n_train"], min(c["batch_size"], c["n_train"])
    out = {k: [] for k in ("train_loss", "grad_norms", "weight_norms", "dead_fraction",
                           "val_loss", "train_epoch_loss")}
    for _ in range(c["epochs"]):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            idx = torch.tensor(order[start:start + batch])
            hs, logits = forward(X[idx])
            loss = F.cross_entropy(logits, y[idx])
            grads = torch.autograd.grad(loss, Ws + bs)
            out["train_loss"].append(float(loss.detach()))
            out["grad_norms"].append([float(torch.linalg.norm(g)) for g in grads[:L]])
            out["weight_norms"].append([float(torch.linalg.norm(W.detach())) for W in Ws])
            out["dead_fraction"].append([float((h == 0).all(dim=0).double().mean()) for h in hs[1:]]
                                        + [0.0])
            with torch.no_grad():
                for W in Ws:
                    W.mul_(1.0 - c["lr"] * c["weight_decay"])
            for p, g in zip(Ws + bs, grads):
                p.grad = g
            opt.step()
        with torch.no_grad():
            out["val_loss"].append(float(F.cross_entropy(forward(X_val)[1], y_val)))
            out["train_epoch_loss"].append(float(F.cross_entropy(forward(X)[1], y)))
    return {k: np.array(v) for k, v in out.items()}


@pytest.mark.parametrize("config", [
    {"n_train": 300, "epochs": 3, "batch_size": 64},
    {"n_train": 200, "epochs": 2, "batch_size": 50, "optimizer": "adam", "lr": 3e-3,
     "weight_decay": 0.1, "depth": 3, "width": 20},
    {"n_train": 97, "epochs": 3, "batch_size": 40, "optimizer": "sgd", "lr": 0.05,
     "init_scale": 0.7, "bias_init": -0.3, "depth": 1},
    {"n_train": 60, "epochs": 2, "batch_size": 60, "bias_init": -4.5, "width": 16},  # dead units
])
def test_record_run_matches_torch(config):
    rec = ref.record_run(config, np.random.default_rng(11))
    expected = torch_record(config, 11)
    for key, value in expected.items():
        np.testing.assert_allclose(rec[key], value, rtol=1e-9, atol=1e-12, err_msg=key)
    np.testing.assert_array_equal(rec["lr"], np.full(len(rec["train_loss"]),
                                                     dict(ref.DEFAULT_CONFIG, **config)["lr"]))
    if config.get("bias_init", 0.1) < -1:       # the case meant to have dead units has them
        assert rec["dead_fraction"][:, :-1].max() > 0.5


def test_record_run_shapes_determinism_and_progress():
    config = {"depth": 3, "n_train": 100, "batch_size": 32, "epochs": 2}
    before = copy.deepcopy(config)
    steps = []
    a = ref.record_run(config, np.random.default_rng(5), progress=steps.append)
    b = ref.record_run(config, np.random.default_rng(5))
    assert config == before
    T, E, L = 2 * 4, 2, 4                       # ceil(100 / 32) = 4 steps per epoch
    assert steps == [1] * T
    assert set(a) == set(ref.RECORD_KEYS)
    shapes = {"train_loss": (T,), "lr": (T,), "val_loss": (E,), "train_epoch_loss": (E,),
              "grad_norms": (T, L), "weight_norms": (T, L), "dead_fraction": (T, L)}
    for key, shape in shapes.items():
        assert a[key].shape == shape and a[key].dtype == np.float64, key
        np.testing.assert_array_equal(a[key], b[key])
    assert np.all(a["dead_fraction"][:, -1] == 0.0)
    c = ref.record_run(config, np.random.default_rng(6))
    assert not np.array_equal(a["train_loss"], c["train_loss"])


def test_record_run_stops_at_a_non_finite_loss():
    # plain SGD at 300: the loss overflows to inf within the first epoch (at step 7 here)
    rec = ref.record_run({"optimizer": "sgd", "lr": 300.0, "epochs": 2}, np.random.default_rng(0))
    loss = rec["train_loss"]
    bad = np.flatnonzero(~np.isfinite(loss))
    assert bad.size, "this learning rate should blow the run up"
    first = bad[0]
    assert np.all(np.isnan(loss[first + 1:]))
    assert np.all(np.isnan(rec["grad_norms"][first + 1:]))
    assert ref.diverged(loss) and ref.diagnose(rec) == "lr_too_high"


@pytest.mark.parametrize("config, word", [
    ({"depht": 3}, "unknown"), ({"depth": 0}, "depth"), ({"depth": 2.0}, "depth"),
    ({"width": True}, "width"), ({"n_train": 5}, "n_train"), ({"n_train": 2000}, "n_train"),
    ({"epochs": 0}, "epochs"), ({"batch_size": 0}, "batch_size"), ({"lr": 0.0}, "lr"),
    ({"lr": -1.0}, "lr"), ({"init_scale": np.nan}, "init_scale"),
    ({"weight_decay": -0.1}, "weight_decay"), ({"optimizer": "rmsprop"}, "optimizer"),
    ({"bias_init": np.inf}, "bias_init"), ({"lr": "fast"}, "must be a number"), ("momentum", "dict"),
])
def test_record_run_errors(config, word):
    with pytest.raises(ValueError, match=word):
        ref.record_run(config, np.random.default_rng(0))


def test_record_run_wants_a_generator():
    with pytest.raises(ValueError, match="Generator"):
        ref.record_run({}, 0)


# --------------------------------------------------------------------------- #
# The generator of runs, and the reference's diagnosis of every run it makes
# --------------------------------------------------------------------------- #

def test_make_config_and_draw_runs():
    rng = np.random.default_rng(3)
    for cause in ref.CAUSES:
        config = ref.make_config(cause, rng)
        assert set(config) == set(ref.DEFAULT_CONFIG)
    with pytest.raises(ValueError, match="cause"):
        ref.make_config("too_deep", rng)
    for bad in (2, -1, True, "adam"):
        with pytest.raises(ValueError, match="flavour"):
            ref.make_config("lr_too_high", rng, flavour=bad)
    # the two ways a cause is made: Adam at 1-4 or SGD at 30-300, Adam or momentum
    assert ref.make_config("lr_too_high", rng, flavour=0)["optimizer"] == "adam"
    assert ref.make_config("lr_too_high", rng, flavour=1)["optimizer"] == "sgd"
    assert ref.make_config("dead_relus", rng, flavour=0)["optimizer"] == "adam"
    assert ref.make_config("dead_relus", rng, flavour=1)["optimizer"] == "momentum"
    # draw_runs alternates them: two runs of lr_too_high are one of each
    rates = sorted(rec["lr"][0] for _, rec in ref.draw_runs(np.random.default_rng(9), per_cause=2,
                                                               causes=("lr_too_high",)))
    assert rates[0] < 5 < 30 <= rates[1]
    runs = ref.draw_runs(np.random.default_rng(4), per_cause=2, causes=("healthy", "lr_too_low"))
    assert sorted(c for c, _ in runs) == ["healthy", "healthy", "lr_too_low", "lr_too_low"]
    orders = {tuple(c for c, _ in ref.draw_runs(np.random.default_rng(s), causes=ref.CAUSES[:3]))
              for s in range(8)}
    assert len(orders) > 1, "the order of the runs must be drawn at random"
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match="per_cause"):
            ref.draw_runs(rng, per_cause=bad)
    with pytest.raises(ValueError, match="causes"):
        ref.draw_runs(rng, causes=("healthy", "bad_luck"))
    # iter_runs records the same runs one at a time
    lazy = ref.iter_runs(np.random.default_rng(4), per_cause=2, causes=("healthy", "lr_too_low"))
    for (cause, rec), (cause_, rec_) in zip(runs, lazy):
        assert cause == cause_
        np.testing.assert_array_equal(rec["train_loss"], rec_["train_loss"])


SEEDS_PER_CAUSE = 50


@pytest.mark.parametrize("cause", ref.CAUSES)
def test_reference_diagnoses_every_generated_run(cause):
    """The reference is right on every run of the generator (here 50 seeds per cause; the
    checks grade diagnose by accuracy on such runs, so a correct diagnose gets full marks)."""
    wrong = []
    for seed in range(SEEDS_PER_CAUSE):
        rng = np.random.default_rng([seed, ref.CAUSES.index(cause)])
        config = ref.make_config(cause, rng, flavour=seed % 2)     # both ways a cause is made
        got = ref.diagnose(ref.record_run(config, rng))
        if got != cause:
            wrong.append((seed, got, config))
    assert not wrong, f"{len(wrong)} runs of {cause} misdiagnosed: {wrong[:3]}"
