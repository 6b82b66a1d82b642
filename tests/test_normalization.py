"""Tests of source_lib.normalization against torch.nn.BatchNorm1d (forward pass and running
statistics, in training and evaluation), torch autograd (BatchNorm backward), central
differences (every backward), and statistical properties of dropout."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from source_lib import normalization as nm
from source_lib.calculus import numerical_gradient
from source_lib.testing import check_backward


def t(a):
    """A float64 torch leaf that records its gradient."""
    return torch.tensor(np.asarray(a, dtype=float), dtype=torch.float64, requires_grad=True)


def torch_batchnorm(D, gamma, beta, state, momentum, eps):
    layer = torch.nn.BatchNorm1d(D, momentum=momentum, eps=eps, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(gamma))
        layer.bias.copy_(torch.tensor(beta))
        layer.running_mean.copy_(torch.tensor(state["running_mean"]))
        layer.running_var.copy_(torch.tensor(state["running_var"]))
    return layer


# --------------------------------------------------------------------------- #
# BatchNorm forward and running statistics
# --------------------------------------------------------------------------- #

@settings(max_examples=40, deadline=None)
@given(N=st.integers(2, 9), D=st.integers(1, 6), momentum=st.floats(0.0, 1.0),
       eps=st.sampled_from([1e-5, 1e-3, 0.5]), seed=st.integers(0, 2**32 - 1))
def test_batchnorm_matches_torch_over_training_steps_then_evaluation(N, D, momentum, eps, seed):
    rng = np.random.default_rng(seed)
    gamma, beta = rng.normal(size=D), rng.normal(size=D)
    state = {"running_mean": rng.normal(size=D), "running_var": rng.uniform(0.5, 2.0, size=D)}
    layer = torch_batchnorm(D, gamma, beta, state, momentum, eps)
    mean_array, var_array = state["running_mean"], state["running_var"]

    layer.train()
    for step in range(3):
        x = rng.normal(loc=rng.normal(size=D), scale=rng.uniform(0.2, 3.0, size=D), size=(N, D))
        out, _ = nm.batchnorm_forward(x, gamma, beta, state, train=True, momentum=momentum,
                                      eps=eps)
        expected = layer(torch.tensor(x)).detach().numpy()
        np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(state["running_mean"], layer.running_mean.numpy(),
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(state["running_var"], layer.running_var.numpy(),
                                   rtol=1e-12, atol=1e-12)
    # updated in place: the dict still holds the very same arrays
    assert state["running_mean"] is mean_array and state["running_var"] is var_array

    layer.eval()
    before = {k: v.copy() for k, v in state.items()}
    for n_eval in (1, N):
        x = rng.normal(size=(n_eval, D))
        out, _ = nm.batchnorm_forward(x, gamma, beta, state, train=False, momentum=momentum,
                                      eps=eps)
        np.testing.assert_allclose(out, layer(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-10, atol=1e-10)
        for k in before:
            np.testing.assert_array_equal(state[k], before[k])


def test_batchnorm_hand_worked_example():
    # x = [1, 3]: mean 2, biased variance 1, unbiased variance 2
    state = nm.new_batchnorm_state(1)
    out, _ = nm.batchnorm_forward(np.array([[1.0], [3.0]]), np.ones(1), np.zeros(1), state)
    np.testing.assert_allclose(out, np.array([[-1.0], [1.0]]) / np.sqrt(1 + 1e-5), rtol=1e-14)
    # running: 0.9 * 0 + 0.1 * 2 = 0.2 and 0.9 * 1 + 0.1 * 2 = 1.1
    np.testing.assert_allclose(state["running_mean"], [0.2], rtol=1e-14)
    np.testing.assert_allclose(state["running_var"], [1.1], rtol=1e-14)


def test_batchnorm_training_output_is_standardised_per_feature():
    rng = np.random.default_rng(3)
    x = rng.normal(loc=5.0, scale=4.0, size=(50, 7))
    out, _ = nm.batchnorm_forward(x, np.ones(7), np.zeros(7), nm.new_batchnorm_state(7),
                                  eps=1e-12)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0, rtol=1e-10)


def test_batchnorm_does_not_modify_its_other_inputs():
    rng = np.random.default_rng(4)
    x, gamma, beta = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=3)
    copies = [a.copy() for a in (x, gamma, beta)]
    nm.batchnorm_forward(x, gamma, beta, nm.new_batchnorm_state(3))
    for a, b in zip((x, gamma, beta), copies):
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------- #
# BatchNorm backward
# --------------------------------------------------------------------------- #

@settings(max_examples=40, deadline=None)
@given(N=st.integers(2, 8), D=st.integers(1, 5), eps=st.sampled_from([1e-5, 0.5]),
       seed=st.integers(0, 2**32 - 1))
def test_batchnorm_backward_matches_torch_autograd(N, D, eps, seed):
    rng = np.random.default_rng(seed)
    x, gamma, beta = rng.normal(size=(N, D)) * 3 + 1, rng.normal(size=D), rng.normal(size=D)
    dout = rng.normal(size=(N, D))
    state = nm.new_batchnorm_state(D)
    for train in (True, False):
        out, cache = nm.batchnorm_forward(x, gamma, beta, state, train=train, eps=eps)
        dx, dgamma, dbeta = nm.batchnorm_backward(dout, cache)

        tx, tg, tb = t(x), t(gamma), t(beta)
        tout = torch.nn.functional.batch_norm(
            tx, torch.tensor(state["running_mean"]), torch.tensor(state["running_var"]),
            weight=tg, bias=tb, training=train, momentum=0.0, eps=eps)
        tout.backward(torch.tensor(dout))
        np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-10, atol=1e-10)
        for ours, theirs in ((dx, tx), (dgamma, tg), (dbeta, tb)):
            assert ours.shape == theirs.shape
            np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_backward_matches_central_differences(train):
    rng = np.random.default_rng(5)
    state = {"running_mean": rng.normal(size=4), "running_var": rng.uniform(0.5, 2, size=4)}

    def forward(x, gamma, beta):
        return nm.batchnorm_forward(x, gamma, beta, {k: v.copy() for k, v in state.items()},
                                    train=train)

    check_backward(forward, nm.batchnorm_backward,
                   [rng.normal(size=(5, 4)) * 2, rng.normal(size=4), rng.normal(size=4)], rng)


def test_batchnorm_gradient_is_blind_to_shifts_and_scalings_of_the_batch():
    # out does not change when a column of x is shifted or scaled, so dx is orthogonal to
    # both directions in every column: sum_n dx_n = 0 and sum_n dx_n xhat_n = 0 (eps -> 0)
    rng = np.random.default_rng(6)
    x = rng.normal(size=(10, 3))
    _, cache = nm.batchnorm_forward(x, rng.normal(size=3), np.zeros(3), nm.new_batchnorm_state(3),
                                    eps=1e-12)
    dx, _, _ = nm.batchnorm_backward(rng.normal(size=(10, 3)), cache)
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.sum(dx * cache["xhat"], axis=0), 0.0, atol=1e-10)


# --------------------------------------------------------------------------- #
# BatchNorm errors
# --------------------------------------------------------------------------- #

def good_args(N=4, D=3):
    return [np.ones((N, D)) * np.arange(N)[:, None], np.ones(D), np.zeros(D),
            nm.new_batchnorm_state(D)]


@pytest.mark.parametrize("change, kwargs, message", [
    (lambda a: a.__setitem__(0, np.ones(3)), {}, "x must be 2-D"),
    (lambda a: a.__setitem__(1, np.ones(4)), {}, "gamma"),
    (lambda a: a.__setitem__(2, np.ones((1, 3))), {}, "beta"),
    (lambda a: a.__setitem__(3, {"running_mean": np.zeros(3)}), {}, "running_var"),
    (lambda a: a.__setitem__(3, {"running_mean": np.zeros(2), "running_var": np.ones(2)}), {},
     "running_mean"),
    (lambda a: a.__setitem__(3, {"running_mean": [0.0] * 3, "running_var": np.ones(3)}), {},
     "float NumPy array"),
    (lambda a: a.__setitem__(3, {"running_mean": np.zeros(3), "running_var": -np.ones(3)}), {},
     ">= 0"),
    (lambda a: a.__setitem__(3, None), {}, "state must be a dict"),
    (lambda a: None, {"momentum": 1.5}, "momentum"),
    (lambda a: None, {"momentum": -0.1}, "momentum"),
    (lambda a: None, {"eps": 0.0}, "eps"),
    (lambda a: a.__setitem__(0, np.ones((1, 3))), {}, "at least 2 rows"),
])
def test_batchnorm_rejects_bad_arguments(change, kwargs, message):
    args = good_args()
    change(args)
    with pytest.raises(ValueError, match=message):
        nm.batchnorm_forward(*args, **kwargs)


def test_batchnorm_keeps_other_entries_of_the_state():
    """torch's BatchNorm1d keeps a third buffer, num_batches_tracked; the exercise's state may
    hold such entries, which batchnorm_forward reads past and leaves as they are."""
    rng = np.random.default_rng(4)
    x, gamma, beta = rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=3)
    plain = nm.new_batchnorm_state(3)
    extra = {**nm.new_batchnorm_state(3), "num_batches_tracked": 7}
    for train in (True, False):
        out_plain, _ = nm.batchnorm_forward(x, gamma, beta, plain, train=train)
        out_extra, _ = nm.batchnorm_forward(x, gamma, beta, extra, train=train)
        np.testing.assert_array_equal(out_extra, out_plain)
        assert extra["num_batches_tracked"] == 7 and set(extra) == set(plain) | {"num_batches_tracked"}
        for key in plain:
            np.testing.assert_array_equal(extra[key], plain[key])


def test_batchnorm_of_a_constant_feature_matches_torch():
    """A feature constant over the batch (variance exactly 0) and one equal up to round-off
    (0.1 seven times: a computed variance of about 1e-34) give beta, as in torch."""
    x = np.column_stack([np.full(7, 2.5), np.full(7, 0.1), np.arange(7.0)])
    gamma, beta = np.array([1.5, -2.0, 0.5]), np.array([0.3, -0.7, 1.0])
    state = nm.new_batchnorm_state(3)
    layer = torch_batchnorm(3, gamma, beta, state, 0.1, 1e-5)
    out, _ = nm.batchnorm_forward(x, gamma, beta, state)
    expected = layer(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(out[:, :2], np.broadcast_to(beta[:2], (7, 2)), atol=1e-12)
    np.testing.assert_allclose(state["running_var"], layer.running_var.numpy(), rtol=1e-12)


def test_batchnorm_backward_rejects_a_dout_of_the_wrong_shape():
    _, cache = nm.batchnorm_forward(*good_args())
    with pytest.raises(ValueError, match="dout"):
        nm.batchnorm_backward(np.ones((3, 4)), cache)


def test_new_batchnorm_state_starts_like_torch():
    layer = torch.nn.BatchNorm1d(5)
    state = nm.new_batchnorm_state(5)
    np.testing.assert_array_equal(state["running_mean"], layer.running_mean.numpy())
    np.testing.assert_array_equal(state["running_var"], layer.running_var.numpy())
    with pytest.raises(ValueError, match="D must"):
        nm.new_batchnorm_state(0)


# --------------------------------------------------------------------------- #
# Dropout
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("p", [0.1, 0.3, 0.7])
def test_dropout_statistics(p):
    # 200 000 independent units: the fraction dropped has standard deviation
    # sqrt(p (1 - p) / n) < 1.2e-3, so a 6-sigma band fails a correct layer with
    # probability about 2e-9.
    rng = np.random.default_rng(7)
    x = rng.uniform(0.5, 2.0, size=(400, 500)) * rng.choice([-1.0, 1.0], size=(400, 500))
    out, cache = nm.dropout_forward(x, p, rng=rng)
    dropped = out == 0
    n = x.size
    assert abs(dropped.mean() - p) < 6 * np.sqrt(p * (1 - p) / n)
    np.testing.assert_allclose(out[~dropped], x[~dropped] / (1 - p), rtol=1e-15)
    np.testing.assert_array_equal(cache["mask"], ~dropped)
    ones_out, _ = nm.dropout_forward(np.ones(n), p, rng=rng)
    assert abs(ones_out.mean() - 1.0) < 6 * np.sqrt(p / ((1 - p) * n))


def test_dropout_matches_torch_in_distribution_and_in_evaluation():
    # torch's dropout: the same expectation and survivor scale; identity in evaluation
    torch.manual_seed(0)
    x = np.ones((300, 300))
    theirs = torch.nn.functional.dropout(torch.tensor(x), p=0.4, training=True).numpy()
    ours, _ = nm.dropout_forward(x, 0.4, rng=np.random.default_rng(8))
    assert set(np.unique(theirs)) == set(np.unique(ours)) == {0.0, 1 / 0.6}
    assert abs((theirs == 0).mean() - (ours == 0).mean()) < 0.01
    x = np.random.default_rng(9).normal(size=(4, 5))
    out, _ = nm.dropout_forward(x, 0.4, train=False)
    np.testing.assert_array_equal(
        out, torch.nn.functional.dropout(torch.tensor(x), p=0.4, training=False).numpy())


def test_dropout_uses_only_the_given_generator():
    x = np.ones((20, 30))
    a, _ = nm.dropout_forward(x, 0.5, rng=np.random.default_rng(1))
    b, _ = nm.dropout_forward(x, 0.5, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a, b)
    rng = np.random.default_rng(1)
    c, _ = nm.dropout_forward(x, 0.5, rng=rng)
    d, _ = nm.dropout_forward(x, 0.5, rng=rng)
    assert not np.array_equal(c, d)


def test_dropout_with_p_zero_is_the_identity_even_in_training():
    x = np.random.default_rng(2).normal(size=(3, 4))
    out, cache = nm.dropout_forward(x, 0.0)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(nm.dropout_backward(np.ones((3, 4)), cache), np.ones((3, 4)))


@pytest.mark.parametrize("train", [True, False])
def test_dropout_backward_matches_central_differences_with_the_forward_mask(train):
    rng = np.random.default_rng(10)
    x = rng.normal(size=(6, 5))
    _, cache = nm.dropout_forward(x, 0.3, train=train, rng=rng)
    # with the mask fixed, the layer is linear in x: differentiate it numerically
    if train:
        mask = cache["mask"]
        forward = lambda v: (np.where(mask, v / 0.7, 0.0), cache)  # noqa: E731
    else:
        forward = lambda v: nm.dropout_forward(v, 0.3, train=False)  # noqa: E731
    check_backward(forward, nm.dropout_backward, [x], rng)
    dout = rng.normal(size=(6, 5))
    expected = dout * cache["mask"] / 0.7 if train else dout
    np.testing.assert_allclose(nm.dropout_backward(dout, cache), expected, rtol=1e-15)


def test_dropout_backward_matches_torch_autograd():
    torch.manual_seed(1)
    tx = t(np.random.default_rng(11).normal(size=(8, 6)))
    tout = torch.nn.functional.dropout(tx, p=0.25, training=True)
    dout = np.random.default_rng(12).normal(size=(8, 6))
    tout.backward(torch.tensor(dout))
    # rebuild our cache from torch's mask: the gradients must agree
    cache = {"p": 0.25, "train": True, "mask": tout.detach().numpy() != 0}
    np.testing.assert_allclose(nm.dropout_backward(dout, cache), tx.grad.numpy(), rtol=1e-14)


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, np.nan, "half"])
def test_dropout_rejects_a_bad_probability(p):
    with pytest.raises(ValueError, match="p must"):
        nm.dropout_forward(np.ones(3), p, rng=np.random.default_rng(0))


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5])
def test_dropout_rejects_a_bad_probability_in_evaluation_too(p):
    """p is an argument of the layer whatever the mode, as in torch."""
    with pytest.raises(ValueError, match="p must be"):
        nm.dropout_forward(np.ones(3), p, train=False)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_torch_checks_p_before_looking_at_the_mode(p):
    # (torch accepts p = 1, which drops everything; the exercise asks for p < 1)
    with pytest.raises(ValueError, match="dropout probability"):
        torch.nn.functional.dropout(torch.ones(3), p=p, training=False)


def test_dropout_leaves_numpys_global_random_state_alone():
    np.random.seed(99)
    before = np.random.get_state()
    nm.dropout_forward(np.ones((20, 30)), 0.5, rng=np.random.default_rng(0))
    after = np.random.get_state()
    assert np.array_equal(before[1], after[1]) and before[2:] == after[2:]


def test_dropout_mask_depends_only_on_the_generator_and_the_shape():
    """The checks rely on it: with a generator in the same state, an input with exact zeros
    (after a ReLU) gets the mask of an input without, and the backward pass uses that mask even
    where the output is 0 because the input was."""
    x_full = np.random.default_rng(1).uniform(0.5, 2.0, size=(40, 50))
    x = np.where(np.random.default_rng(2).random(x_full.shape) < 0.5, 0.0, x_full)
    probe, _ = nm.dropout_forward(x_full, 0.3, rng=np.random.default_rng(7))
    out, cache = nm.dropout_forward(x, 0.3, rng=np.random.default_rng(7))
    kept = probe != 0
    np.testing.assert_array_equal(out, np.where(kept, x / 0.7, 0.0))
    dout = np.ones_like(x)
    np.testing.assert_array_equal(nm.dropout_backward(dout, cache), kept / 0.7)
    assert np.any(kept & (x == 0)), "some kept entries have a zero input"


def test_dropout_needs_a_generator_in_training():
    with pytest.raises(ValueError, match="rng"):
        nm.dropout_forward(np.ones(3), 0.5)


def test_dropout_backward_rejects_a_dout_of_the_wrong_shape():
    _, cache = nm.dropout_forward(np.ones((2, 3)), 0.5, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="dout"):
        nm.dropout_backward(np.ones((3, 2)), cache)


# --------------------------------------------------------------------------- #
# The demo network
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("bn", [None, "before", "after"])
def test_mlp_gradients_match_central_differences(bn):
    rng = np.random.default_rng(13)
    params = nm.init_mlp([4, 6, 5, 3], rng, bn=bn is not None)
    for k in params:  # move gamma, beta and the biases away from 1 and 0
        params[k] = params[k] + 0.3 * rng.normal(size=params[k].shape)
    X, y = rng.normal(size=(7, 4)), rng.integers(0, 3, size=7)
    seed = 99

    def loss_of(name, value):
        state = None if bn is None else {l: nm.new_batchnorm_state(s) for l, s in ((1, 6), (2, 5))}
        return nm.mlp_loss({**params, name: value}, X, y, bn=bn, p_drop=0.3, state=state,
                           train=True, rng=np.random.default_rng(seed))[0]

    _, grads = nm.mlp_loss(params, X, y, bn=bn, p_drop=0.3, train=True,
                           rng=np.random.default_rng(seed))
    assert set(grads) == set(params)
    for name in params:
        numeric = numerical_gradient(lambda v: loss_of(name, v), params[name], h=1e-6)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-7, err_msg=name)


def test_mlp_matches_torch_in_evaluation_mode():
    rng = np.random.default_rng(14)
    params = nm.init_mlp([4, 6, 3], rng, bn=True)
    state = {1: {"running_mean": rng.normal(size=6), "running_var": rng.uniform(0.5, 2, 6)}}
    X = rng.normal(size=(5, 4))
    layer = torch_batchnorm(6, params["gamma1"], params["beta1"], state[1], 0.1, 1e-5).eval()
    h = torch.relu(layer(torch.tensor(X @ params["W1"] + params["b1"])))
    expected = h.detach().numpy() @ params["W2"] + params["b2"]
    np.testing.assert_allclose(nm.mlp_loss(params, X, bn="before", state=state, p_drop=0.5),
                               expected, rtol=1e-10)


def test_train_mlp_learns_the_digits_with_batchnorm_and_dropout():
    from source_lib.datasets import load_digits_split

    X_train, y_train, X_val, y_val = load_digits_split()
    rng = np.random.default_rng(15)
    params = nm.init_mlp([64, 32, 10], rng, bn=True)
    _, state, history = nm.train_mlp(params, X_train, y_train, X_val, y_val, bn="before",
                                     p_drop=0.2, epochs=3, rng=rng)
    assert history["val_acc"][-1] > 0.9
    assert np.all(np.isfinite(history["loss"]))
    assert state[1]["running_var"].shape == (32,)


def test_mlp_hidden_inputs_of_the_relus_and_the_training_record():
    rng = np.random.default_rng(16)
    X = rng.normal(loc=3.0, scale=5.0, size=(40, 6))
    params = nm.init_mlp([6, 8, 8, 3], rng, bn=True, weight_scale=3.0)
    scores, hidden = nm.mlp_loss(params, X, bn="before", train=True, return_hidden=True)
    assert scores.shape == (40, 3) and [h.shape for h in hidden] == [(40, 8), (40, 8)]
    for h in hidden:  # BatchNorm before the ReLU: its inputs are standardised (gamma 1, beta 0)
        np.testing.assert_allclose(h.mean(axis=0), 0.0, atol=1e-10)
        np.testing.assert_allclose(h.std(axis=0), 1.0, rtol=1e-4)
    plain = nm.init_mlp([6, 8, 3], rng)
    _, hidden = nm.mlp_loss(plain, X, return_hidden=True)
    np.testing.assert_allclose(hidden[0], X @ plain["W1"] + plain["b1"], rtol=1e-14)

    y = rng.integers(0, 3, size=40)
    _, _, history = nm.train_mlp(plain, X, y, epochs=2, batch_size=10, rng=rng,
                                 record=lambda p, s: p["W1"][0, 0])
    assert len(history["record"]) == len(history["loss"]) + 1 == 9
    assert history["record"][0] == plain["W1"][0, 0] != history["record"][-1]
