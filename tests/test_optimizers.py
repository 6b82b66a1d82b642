"""Tests of source_lib.optimizers against torch.optim: whole trajectories of SGD (with and
without momentum), RMSprop, Adam and AdamW in float64, for several parameters of several
shapes in one dict, with gradients that depend on the parameters (a quadratic loss) and
random ones; hand-worked first steps; the in-place contract; state per instance and per
parameter; and every documented ValueError (compared with torch's own checks)."""

import copy

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from source_lib import optimizers as opt

SHAPES = {"W1": (4, 3), "b1": (3,), "W2": (3, 2), "s": ()}


def random_params(rng, shapes=SHAPES, scale=1.0):
    return {k: np.array(scale * rng.standard_normal(shape)) for k, shape in shapes.items()}


def torch_pair(ours, torch_cls, params, **hyper):
    """Our optimiser and torch's on copies of ``params`` (torch tensors in float64)."""
    tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    return ours(**hyper), torch_cls(list(tensors.values()), **hyper), tensors


CASES = [
    (opt.SGD, torch.optim.SGD, {"lr": 0.1}),
    (opt.SGD, torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}),
    (opt.SGD, torch.optim.SGD, {"lr": 0.01, "momentum": 0.5}),
    (opt.RMSprop, torch.optim.RMSprop, {}),
    (opt.RMSprop, torch.optim.RMSprop, {"lr": 0.003, "alpha": 0.9, "eps": 1e-6}),
    (opt.Adam, torch.optim.Adam, {}),
    (opt.Adam, torch.optim.Adam, {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-4}),
    (opt.AdamW, torch.optim.AdamW, {}),
    (opt.AdamW, torch.optim.AdamW, {"lr": 0.02, "betas": (0.8, 0.95), "eps": 1e-6,
                                    "weight_decay": 0.3}),
]
IDS = [f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]


def run_against_torch(ours_cls, torch_cls, hyper, params, gradient_of, steps):
    """Step both optimisers ``steps`` times; compare every parameter after every step."""
    ours, theirs, tensors = torch_pair(ours_cls, torch_cls, params, **hyper)
    for t in range(steps):
        grads = gradient_of(params, t)
        for k, g in grads.items():
            tensors[k].grad = torch.tensor(g, dtype=torch.float64)
        ours.step(params, grads)
        theirs.step()
        for k in params:
            np.testing.assert_allclose(params[k], tensors[k].detach().numpy(), rtol=1e-11,
                                       atol=1e-13, err_msg=f"{k} after step {t + 1}")


@pytest.mark.parametrize("ours_cls,torch_cls,hyper", CASES, ids=IDS)
def test_trajectory_on_a_quadratic_matches_torch(ours_cls, torch_cls, hyper):
    # loss = sum_k 0.5 * sum(c_k * p_k^2) with a different curvature per entry: the gradient
    # depends on the current parameters, so the whole trajectory must agree
    rng = np.random.default_rng(1)
    params = random_params(rng)
    curv = {k: rng.uniform(0.1, 5.0, size=np.shape(v)) for k, v in params.items()}
    run_against_torch(ours_cls, torch_cls, hyper, params,
                      lambda p, t: {k: curv[k] * p[k] for k in p}, steps=200)


@pytest.mark.parametrize("ours_cls,torch_cls,hyper", CASES, ids=IDS)
def test_trajectory_with_random_gradients_matches_torch(ours_cls, torch_cls, hyper):
    # gradients of very different scales per parameter, some exactly zero, sign changes
    rng = np.random.default_rng(2)
    params = random_params(rng)
    scales = {"W1": 1e-3, "b1": 1.0, "W2": 50.0, "s": 1e-6}

    def gradient_of(p, t):
        grads = {k: scales[k] * rng.standard_normal(np.shape(v)) for k, v in p.items()}
        grads["b1"][t % 3] = 0.0
        return grads

    run_against_torch(ours_cls, torch_cls, hyper, params, gradient_of, steps=100)


@settings(max_examples=40, deadline=None)
@given(lr=st.floats(1e-4, 0.5), beta1=st.floats(0.0, 0.99), beta2=st.floats(0.0, 0.9999),
       eps=st.floats(1e-10, 1e-2), wd=st.floats(0.0, 1.0), momentum=st.floats(0.0, 0.99),
       seed=st.integers(0, 2**32 - 1))
def test_any_hyperparameters_match_torch(lr, beta1, beta2, eps, wd, momentum, seed):
    rng = np.random.default_rng(seed)
    cases = [(opt.SGD, torch.optim.SGD, {"lr": lr, "momentum": momentum}),
             (opt.RMSprop, torch.optim.RMSprop, {"lr": lr, "alpha": beta2, "eps": eps}),
             (opt.Adam, torch.optim.Adam, {"lr": lr, "betas": (beta1, beta2), "eps": eps}),
             (opt.AdamW, torch.optim.AdamW, {"lr": lr, "betas": (beta1, beta2), "eps": eps,
                                             "weight_decay": wd})]
    for ours_cls, torch_cls, hyper in cases:
        params = random_params(rng, {"a": (3, 2), "b": (5,)})
        run_against_torch(ours_cls, torch_cls, hyper, params,
                          lambda p, t: {k: rng.standard_normal(np.shape(v)) for k, v in p.items()},
                          steps=20)


# --------------------------------------------------------------------------- #
# Hand-worked steps
# --------------------------------------------------------------------------- #

def test_sgd_hand_worked_steps():
    # plain SGD: 1 - 0.1 * 2 = 0.8
    p = {"w": np.array([1.0])}
    opt.SGD(lr=0.1).step(p, {"w": np.array([2.0])})
    assert p["w"][0] == pytest.approx(0.8)
    # momentum 0.9, constant gradient 1, lr 0.1: buffers 1, 1.9, 2.71 (the first is g, not
    # (1 - mu) g and not mu * 0 + g ... which is the same; the mistake 0 would give no step)
    p = {"w": np.array([0.0])}
    o = opt.SGD(lr=0.1, momentum=0.9)
    positions = []
    for _ in range(3):
        o.step(p, {"w": np.array([1.0])})
        positions.append(p["w"][0])
    np.testing.assert_allclose(positions, [-0.1, -0.1 - 0.19, -0.1 - 0.19 - 0.271], rtol=1e-14)


def test_rmsprop_first_step():
    # v = 0.01 g^2, step = lr g / (0.1 |g| + eps) = 10 lr sign(g) (eps negligible)
    p = {"w": np.array([1.0, -1.0])}
    opt.RMSprop(lr=0.01).step(p, {"w": np.array([3.0, -0.5])})
    np.testing.assert_allclose(p["w"], [1.0 - 0.1, -1.0 + 0.1], rtol=1e-7)


def test_adam_first_step_has_size_lr():
    # m_hat = g, v_hat = g^2: the step is lr * g / (|g| + eps) = lr * sign(g)
    p = {"w": np.array([1.0, 1.0, 1.0])}
    opt.Adam(lr=0.01, eps=0.0).step(p, {"w": np.array([1e-4, -3.0, 1e4])})
    np.testing.assert_allclose(p["w"], [0.99, 1.01, 0.99], rtol=1e-14)


def test_adamw_decays_before_the_step():
    # zero gradient: the Adam step is 0 / (0 + eps) = 0, so only the decay acts:
    # p = (1 - lr * wd) p per step
    p = {"w": np.array([2.0, -4.0])}
    o = opt.AdamW(lr=0.1, weight_decay=0.5)
    for _ in range(3):
        o.step(p, {"w": np.zeros(2)})
    np.testing.assert_allclose(p["w"], np.array([2.0, -4.0]) * 0.95 ** 3, rtol=1e-14)


def test_adamw_with_zero_decay_is_adam():
    rng = np.random.default_rng(3)
    p1 = random_params(rng)
    p2 = copy.deepcopy(p1)
    a, w = opt.Adam(lr=0.01), opt.AdamW(lr=0.01, weight_decay=0.0)
    for _ in range(20):
        g = {k: rng.standard_normal(np.shape(v)) for k, v in p1.items()}
        a.step(p1, g)
        w.step(p2, g)
    for k in p1:
        np.testing.assert_array_equal(p1[k], p2[k])


# --------------------------------------------------------------------------- #
# The contract of step: in place, grads untouched, state per instance and per key
# --------------------------------------------------------------------------- #

ALL = [opt.SGD(lr=0.1), opt.SGD(lr=0.1, momentum=0.9), opt.RMSprop(), opt.Adam(), opt.AdamW()]


@pytest.mark.parametrize("cls,hyper", [(opt.SGD, {"lr": 0.1}), (opt.SGD, {"lr": 0.1, "momentum": 0.9}),
                                       (opt.RMSprop, {}), (opt.Adam, {}), (opt.AdamW, {})])
def test_step_updates_in_place_and_leaves_grads_alone(cls, hyper):
    rng = np.random.default_rng(4)
    params = random_params(rng)
    arrays = dict(params)
    before = copy.deepcopy(params)
    o = cls(**hyper)
    for _ in range(3):
        grads = {k: rng.standard_normal(np.shape(v)) for k, v in params.items()}
        grads_copy = copy.deepcopy(grads)
        o.step(params, grads)
        for k in params:
            np.testing.assert_array_equal(grads[k], grads_copy[k])
    assert list(params) == list(arrays)
    for k in params:
        assert params[k] is arrays[k], f"{k} was replaced instead of updated in place"
        assert not np.array_equal(params[k], before[k])


@pytest.mark.parametrize("cls,hyper", [(opt.SGD, {"lr": 0.1, "momentum": 0.9}),
                                       (opt.RMSprop, {}), (opt.Adam, {}), (opt.AdamW, {})])
def test_state_belongs_to_the_instance_and_the_parameter(cls, hyper):
    rng = np.random.default_rng(5)
    params_a = random_params(rng)
    params_b = random_params(rng)
    grads = [{k: rng.standard_normal(np.shape(v)) for k, v in params_a.items()} for _ in range(5)]
    # alone
    alone = copy.deepcopy(params_a)
    o = cls(**hyper)
    for g in grads:
        o.step(alone, g)
    # interleaved with another optimiser of the same class on other parameters
    oa, ob = cls(**hyper), cls(**hyper)
    for g in grads:
        oa.step(params_a, g)
        ob.step(params_b, {k: 3.0 * v for k, v in g.items()})
    for k in alone:
        np.testing.assert_array_equal(params_a[k], alone[k])
    # each parameter alone in its own dict gives the same result as all of them together
    for k in alone:
        single = {k: copy.deepcopy(random_params(np.random.default_rng(5))[k])}
        o1 = cls(**hyper)
        for g in grads:
            o1.step(single, {k: g[k]})
        np.testing.assert_array_equal(single[k], alone[k])


def test_state_is_created_on_the_first_step():
    o = opt.Adam()
    assert o.state == {}
    o.step({"w": np.zeros(2)}, {"w": np.ones(2)})
    assert o.state["w"]["step"] == 1
    assert o.state["w"]["exp_avg"].shape == (2,)


def test_lr_may_change_between_steps():
    p = {"w": np.array([1.0])}
    o = opt.SGD(lr=0.1)
    o.step(p, {"w": np.array([1.0])})
    o.lr = 0.5
    o.step(p, {"w": np.array([1.0])})
    assert p["w"][0] == pytest.approx(1.0 - 0.1 - 0.5)


def test_zero_gradient_is_safe():
    # eps keeps RMSprop and Adam finite when a weight's gradient is exactly zero
    for o in (opt.RMSprop(), opt.Adam(), opt.AdamW(weight_decay=0.0)):
        p = {"w": np.array([1.0, 2.0])}
        for _ in range(3):
            o.step(p, {"w": np.zeros(2)})
        np.testing.assert_array_equal(p["w"], [1.0, 2.0])


def test_integer_like_gradients_are_accepted():
    p = {"w": np.array([1.0, 1.0])}
    opt.SGD(lr=0.5).step(p, {"w": [2, 4]})
    np.testing.assert_array_equal(p["w"], [0.0, -1.0])


def test_repr_names_the_hyperparameters():
    assert repr(opt.SGD(lr=0.1, momentum=0.9)) == "SGD(lr=0.1, momentum=0.9)"


# --------------------------------------------------------------------------- #
# ValueErrors: the constructors reject what torch rejects; step rejects mismatches
# --------------------------------------------------------------------------- #

BAD = [
    (opt.SGD, torch.optim.SGD, {"lr": -0.1}),
    (opt.SGD, torch.optim.SGD, {"lr": 0.1, "momentum": -0.5}),
    (opt.RMSprop, torch.optim.RMSprop, {"lr": -1.0}),
    (opt.RMSprop, torch.optim.RMSprop, {"alpha": -0.1}),
    (opt.RMSprop, torch.optim.RMSprop, {"eps": -1e-8}),
    (opt.Adam, torch.optim.Adam, {"lr": -1e-3}),
    (opt.Adam, torch.optim.Adam, {"eps": -1.0}),
    (opt.Adam, torch.optim.Adam, {"betas": (1.0, 0.999)}),
    (opt.Adam, torch.optim.Adam, {"betas": (0.9, 1.5)}),
    (opt.Adam, torch.optim.Adam, {"betas": (-0.1, 0.999)}),
    (opt.AdamW, torch.optim.AdamW, {"weight_decay": -0.01}),
    (opt.AdamW, torch.optim.AdamW, {"betas": (0.9, 1.0)}),
    (opt.AdamW, torch.optim.AdamW, {"lr": -1.0}),
]


@pytest.mark.parametrize("ours_cls,torch_cls,hyper", BAD)
def test_bad_hyperparameters_raise_like_torch(ours_cls, torch_cls, hyper):
    with pytest.raises(ValueError):
        torch_cls([torch.zeros(1, requires_grad=True)], **hyper)
    with pytest.raises(ValueError, match=list(hyper)[-1]):
        ours_cls(**({"lr": 0.1} if ours_cls is opt.SGD else {}) | hyper)


@pytest.mark.parametrize("hyper", [{"lr": float("nan")}, {"lr": float("inf")}, {"lr": "fast"},
                                   {"lr": 0.1, "betas": 0.9}])
def test_nonsense_hyperparameters_raise(hyper):
    cls = opt.Adam if "betas" in hyper else opt.SGD
    with pytest.raises(ValueError):
        cls(**hyper)


def test_zero_learning_rate_is_allowed_like_torch():
    p = {"w": np.array([1.0])}
    opt.Adam(lr=0.0).step(p, {"w": np.array([5.0])})
    assert p["w"][0] == 1.0


@pytest.mark.parametrize("params,grads,match", [
    ({"w": np.zeros(2)}, {"v": np.zeros(2)}, "keys"),
    ({"w": np.zeros(2)}, {"w": np.zeros(2), "v": np.zeros(2)}, "keys"),
    ({"w": np.zeros(2)}, {"w": np.zeros(3)}, "shape"),
    ({"w": np.zeros((2, 1))}, {"w": np.zeros(2)}, "shape"),
    ({"w": [0.0, 0.0]}, {"w": np.zeros(2)}, "in place"),
    ({"w": np.zeros(2, dtype=int)}, {"w": np.zeros(2)}, "floats"),
    ([np.zeros(2)], {"w": np.zeros(2)}, "dict"),
    ({"w": np.zeros(2)}, [np.zeros(2)], "dict"),
    ({"w": np.zeros(2)}, {"w": ["a", "b"]}, "numbers"),
])
def test_step_rejects_mismatched_arguments(params, grads, match):
    with pytest.raises(ValueError, match=match):
        opt.SGD(lr=0.1).step(params, grads)


def test_step_rejects_a_read_only_parameter():
    w = np.zeros(2)
    w.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        opt.Adam().step({"w": w}, {"w": np.ones(2)})


@pytest.mark.parametrize("ours_cls, torch_cls, hyper", [
    (opt.RMSprop, torch.optim.RMSprop, {"lr": 0.01, "alpha": 0.0}),
    (opt.RMSprop, torch.optim.RMSprop, {"lr": 0.01, "eps": 0.0}),
    (opt.Adam, torch.optim.Adam, {"lr": 0.01, "betas": (0.0, 0.0)}),
    (opt.AdamW, torch.optim.AdamW, {"lr": 0.01, "weight_decay": 0.0}),
    (opt.SGD, torch.optim.SGD, {"lr": 0.0, "momentum": 0.9}),
])
def test_hyperparameters_on_the_boundary_are_allowed_and_match_torch(ours_cls, torch_cls, hyper):
    """Zero is a valid value of every hyperparameter that must be >= 0 (and of each beta), as
    the exercises say and torch does."""
    rng = np.random.default_rng(5)
    p0 = rng.normal(size=(3, 2))
    ours, params = ours_cls(**hyper), {"w": p0.copy()}
    w = torch.tensor(p0, requires_grad=True)
    theirs = torch_cls([w], **hyper)
    for _ in range(4):
        g = rng.normal(size=p0.shape)
        ours.step(params, {"w": g})
        w.grad = torch.tensor(g)
        theirs.step()
    np.testing.assert_allclose(params["w"], w.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cls, hyper", [(opt.SGD, {"lr": 0.1, "momentum": 0.9}),
                                        (opt.RMSprop, {"lr": 0.01}), (opt.Adam, {"lr": 0.01}),
                                        (opt.AdamW, {"lr": 0.01})])
def test_state_follows_the_name_not_the_array(cls, hyper):
    """A caller may hand the same parameter in a new array at every step (after copying or
    reloading a model): the optimiser moves it as if the array were the same."""
    rng = np.random.default_rng(6)
    p0, grads = rng.normal(size=4), [rng.normal(size=4) for _ in range(5)]
    same, new = {"w": p0.copy()}, {"w": p0.copy()}
    a, b, kept = cls(**hyper), cls(**hyper), []
    for g in grads:
        a.step(same, {"w": g})
        kept.append(new["w"])
        new = {"w": new["w"].copy()}
        b.step(new, {"w": g})
    np.testing.assert_array_equal(new["w"], same["w"])
