"""Tests of source_lib.backprop against torch autograd and central differences."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from source_lib import backprop as bp
from source_lib.calculus import numerical_gradient
from source_lib.datasets import load_digits_split
from source_lib.testing import check_backward

dims = st.integers(min_value=1, max_value=6)


def t(a):
    """A float64 torch leaf that records its gradient."""
    return torch.tensor(np.asarray(a, dtype=float), dtype=torch.float64, requires_grad=True)


def random_params(rng, D=5, H=7, C=4, scale=1.0):
    return {"W1": scale * rng.standard_normal((D, H)), "b1": rng.standard_normal(H),
            "W2": scale * rng.standard_normal((H, C)), "b2": rng.standard_normal(C)}


# --------------------------------------------------------------------------- #
# Affine layer
# --------------------------------------------------------------------------- #

@settings(max_examples=30, deadline=None)
@given(N=dims, D=dims, M=dims, seed=st.integers(0, 2**32 - 1))
def test_affine_matches_torch(N, D, M, seed):
    rng = np.random.default_rng(seed)
    X, W, b = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)
    dout = rng.normal(size=(N, M))
    out, cache = bp.affine_forward(X, W, b)
    dX, dW, db = bp.affine_backward(dout, cache)

    tX, tW, tb = t(X), t(W), t(b)
    tout = tX @ tW + tb
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-12, atol=1e-12)
    for ours, theirs in ((dX, tX), (dW, tW), (db, tb)):
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_affine_backward_matches_central_differences():
    rng = np.random.default_rng(1)
    inputs = [rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)]
    check_backward(bp.affine_forward, bp.affine_backward, inputs, rng)


@pytest.mark.parametrize("X, W, b, name", [
    (np.ones((2, 3)), np.ones((4, 5)), np.ones(5), "W"),
    (np.ones((2, 3)), np.ones((3, 5)), np.ones(4), "b"),
    (np.ones((2, 3)), np.ones((3, 5)), np.ones((1, 5)), "b"),
    (np.ones(3), np.ones((3, 5)), np.ones(5), "X"),
    (np.ones((2, 3)), np.ones(3), np.ones(1), "W"),
])
def test_affine_forward_rejects_bad_shapes(X, W, b, name):
    with pytest.raises(ValueError, match=rf"^{name} "):
        bp.affine_forward(X, W, b)


def test_affine_backward_rejects_a_dout_of_the_wrong_shape():
    _, cache = bp.affine_forward(np.ones((2, 3)), np.ones((3, 4)), np.ones(4))
    with pytest.raises(ValueError, match="dout"):
        bp.affine_backward(np.ones((4, 2)), cache)


# --------------------------------------------------------------------------- #
# ReLU
# --------------------------------------------------------------------------- #

def test_relu_matches_torch_including_exact_zeros():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(6, 5))
    x[rng.random(x.shape) < 0.3] = 0.0
    x[0, 0] = -0.0
    dout = rng.normal(size=x.shape)
    out, cache = bp.relu_forward(x)
    dx = bp.relu_backward(dout, cache)

    tx = t(x)
    tout = torch.relu(tx)
    tout.backward(torch.tensor(dout))
    np.testing.assert_array_equal(out, tout.detach().numpy())
    np.testing.assert_array_equal(dx, tx.grad.numpy())
    assert np.all(dx[x == 0] == 0), "the gradient at exactly 0 must be 0"


def test_relu_backward_matches_central_differences_away_from_zero():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 4))
    x[np.abs(x) < 1e-3] = 0.5
    check_backward(bp.relu_forward, bp.relu_backward, [x], rng)


def test_relu_works_for_any_shape():
    x = np.array([[[-1.0, 0.0], [2.0, -3.0]]])
    out, cache = bp.relu_forward(x)
    np.testing.assert_array_equal(out, [[[0.0, 0.0], [2.0, 0.0]]])
    np.testing.assert_array_equal(bp.relu_backward(np.ones_like(x), cache), [[[0, 0], [1, 0]]])


def test_relu_backward_rejects_a_dout_of_the_wrong_shape():
    _, cache = bp.relu_forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="dout"):
        bp.relu_backward(np.ones((3, 2)), cache)


# --------------------------------------------------------------------------- #
# Softmax cross-entropy
# --------------------------------------------------------------------------- #

@settings(max_examples=30, deadline=None)
@given(N=dims, C=dims, scale=st.sampled_from([0.1, 1.0, 30.0, 1e4]),
       seed=st.integers(0, 2**32 - 1))
def test_softmax_loss_matches_torch(N, C, scale, seed):
    rng = np.random.default_rng(seed)
    logits = scale * rng.normal(size=(N, C))
    y = rng.integers(0, C, size=N)
    loss, dlogits = bp.softmax_loss(logits, y)

    tz = t(logits)
    tloss = torch.nn.functional.cross_entropy(tz, torch.tensor(y))
    tloss.backward()
    assert np.isfinite(loss)
    np.testing.assert_allclose(loss, tloss.item(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dlogits, tz.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_softmax_loss_hand_derived_values():
    # all logits equal: p = 1/C, loss = log C, gradient (1/C - onehot) / N
    loss, dlogits = bp.softmax_loss(np.zeros((2, 4)), np.array([1, 3]))
    assert loss == pytest.approx(np.log(4))
    expected = np.full((2, 4), 0.25)
    expected[[0, 1], [1, 3]] -= 1.0
    np.testing.assert_allclose(dlogits, expected / 2)
    # rows thousands apart: loss = margin to the max where the true class is far below it
    loss, dlogits = bp.softmax_loss(np.array([[1000.0, 0.0], [-5000.0, -3000.0]]), np.array([1, 0]))
    assert loss == pytest.approx((1000.0 + 2000.0) / 2)
    np.testing.assert_allclose(dlogits, [[0.5, -0.5], [-0.5, 0.5]])


def test_softmax_loss_rows_of_its_gradient_sum_to_zero():
    rng = np.random.default_rng(4)
    _, dlogits = bp.softmax_loss(rng.normal(size=(7, 5)), rng.integers(0, 5, size=7))
    np.testing.assert_allclose(dlogits.sum(axis=1), 0.0, atol=1e-15)


def test_softmax_loss_leaves_its_inputs_alone():
    logits, y = np.array([[3.0, 1.0, -2.0]]), np.array([2])
    before = logits.copy(), y.copy()
    bp.softmax_loss(logits, y)
    np.testing.assert_array_equal(logits, before[0])
    np.testing.assert_array_equal(y, before[1])


def test_float_labels_are_rejected_as_in_lesson_04():
    logits = np.array([[1.0, 2.0], [0.5, -1.0]])
    with pytest.raises(ValueError, match="integer class indices"):
        bp.softmax_loss(logits, np.array([1.0, 0.0]))
    from source_lib.information import softmax_cross_entropy
    with pytest.raises(ValueError):
        softmax_cross_entropy(logits, np.array([1.0, 0.0]))


@pytest.mark.parametrize("logits, y, fragment", [
    (np.zeros((3, 4)), np.array([0, 1]), "y must hold one label per row"),
    (np.zeros((3, 4)), np.array([0, 1, 4]), "y must hold class indices"),
    (np.zeros((3, 4)), np.array([0, -1, 2]), "y must hold class indices"),
    (np.zeros((3, 4)), np.array([0.5, 1, 2]), "y must hold integer"),
    (np.zeros((3, 4)), np.zeros((3, 1), dtype=int), "y must be a 1-D"),
    (np.zeros(4), np.array([0]), "logits must be 2-D"),
])
def test_softmax_loss_rejects_bad_arguments(logits, y, fragment):
    with pytest.raises(ValueError, match=fragment):
        bp.softmax_loss(logits, y)


# --------------------------------------------------------------------------- #
# Two-layer network
# --------------------------------------------------------------------------- #

def torch_two_layer(params, X, y, reg):
    tp = {k: t(v) for k, v in params.items()}
    scores = torch.relu(torch.tensor(X) @ tp["W1"] + tp["b1"]) @ tp["W2"] + tp["b2"]
    loss = torch.nn.functional.cross_entropy(scores, torch.tensor(y))
    loss = loss + 0.5 * reg * ((tp["W1"] ** 2).sum() + (tp["W2"] ** 2).sum())
    loss.backward()
    return scores.detach().numpy(), loss.item(), {k: v.grad.numpy() for k, v in tp.items()}


@pytest.mark.parametrize("reg", [0.0, 0.3, 2.0])
@pytest.mark.parametrize("N", [1, 6])
def test_two_layer_net_matches_torch(N, reg):
    rng = np.random.default_rng(5 + N)
    params = random_params(rng)
    X, y = rng.normal(size=(N, 5)), rng.integers(0, 4, size=N)
    scores_t, loss_t, grads_t = torch_two_layer(params, X, y, reg)

    np.testing.assert_allclose(bp.two_layer_net(params, X), scores_t, rtol=1e-12, atol=1e-12)
    loss, grads = bp.two_layer_net(params, X, y, reg=reg)
    assert isinstance(loss, float)
    np.testing.assert_allclose(loss, loss_t, rtol=1e-12)
    assert set(grads) == set(params)
    for k in params:
        assert grads[k].shape == params[k].shape
        np.testing.assert_allclose(grads[k], grads_t[k], rtol=1e-10, atol=1e-13)


def test_two_layer_net_gradient_check_of_every_parameter():
    rng = np.random.default_rng(6)
    params = random_params(rng, D=4, H=6, C=3)
    X, y = rng.normal(size=(5, 4)), rng.integers(0, 3, size=5)
    _, grads = bp.two_layer_net(params, X, y, reg=0.7)
    for name in params:
        def f(p, name=name):
            return bp.two_layer_net({**params, name: p}, X, y, reg=0.7)[0]
        assert bp.rel_error(grads[name], numerical_gradient(f, params[name], h=1e-6)) < 1e-7


def test_two_layer_net_leaves_params_alone():
    rng = np.random.default_rng(7)
    params = random_params(rng)
    before = {k: v.copy() for k, v in params.items()}
    bp.two_layer_net(params, rng.normal(size=(3, 5)), np.array([0, 1, 2]), reg=0.1)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


@pytest.mark.parametrize("change, fragment", [
    (lambda p: p.pop("b2"), "missing"),
    (lambda p: p.update(W1=np.ones((6, 7))), r"params\['W1'\]"),
    (lambda p: p.update(b1=np.ones(3)), r"params\['b1'\]"),
    (lambda p: p.update(W2=np.ones((3, 4))), r"params\['W2'\]"),
    (lambda p: p.update(b2=np.ones((1, 4))), r"params\['b2'\]"),
])
def test_two_layer_net_rejects_bad_params(change, fragment):
    params = random_params(np.random.default_rng(8))
    change(params)
    with pytest.raises(ValueError, match=fragment):
        bp.two_layer_net(params, np.ones((2, 5)))


def test_two_layer_net_rejects_bad_labels_and_reg():
    params = random_params(np.random.default_rng(9))
    X = np.ones((2, 5))
    with pytest.raises(ValueError, match="y must hold one label per row"):
        bp.two_layer_net(params, X, np.array([0]))
    with pytest.raises(ValueError, match="y must hold class indices"):
        bp.two_layer_net(params, X, np.array([0, 4]))
    with pytest.raises(ValueError, match="reg"):
        bp.two_layer_net(params, X, np.array([0, 1]), reg=-1.0)


# --------------------------------------------------------------------------- #
# Demo helpers
# --------------------------------------------------------------------------- #

def test_rel_error_and_accuracy():
    assert bp.rel_error(np.ones(3), np.ones(3)) == 0.0
    assert bp.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert bp.rel_error(np.array([1.0]), np.array([-1.0])) == 1.0
    assert bp.accuracy(np.array([[1.0, 2.0], [3.0, 0.0]]), np.array([1, 1])) == 0.5


def test_init_two_layer_net_shapes_and_scale():
    params = bp.init_two_layer_net(400, 300, 10, np.random.default_rng(10))
    assert {k: v.shape for k, v in params.items()} == {
        "W1": (400, 300), "b1": (300,), "W2": (300, 10), "b2": (10,)}
    assert params["W1"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert not params["b1"].any()
    with pytest.raises(ValueError, match="hidden_dim"):
        bp.init_two_layer_net(4, 0, 3, np.random.default_rng(0))


def test_training_on_digits_reaches_95_percent_and_leaves_the_start_alone():
    X, y, X_val, y_val = load_digits_split()
    rng = np.random.default_rng(0)
    start = bp.init_two_layer_net(64, 64, 10, rng)
    before = {k: v.copy() for k, v in start.items()}
    params, history = bp.train_two_layer_net(start, X, y, X_val, y_val, lr=0.1, reg=1e-3,
                                             epochs=8, batch_size=32, rng=rng)
    assert history["val_acc"][-1] >= 0.95
    assert len(history["loss"]) == 8 * int(np.ceil(len(y) / 32))
    assert not history["diverged"]
    assert np.mean(history["loss"][-20:]) < np.mean(history["loss"][:20])
    for k in start:
        np.testing.assert_array_equal(start[k], before[k])


def test_training_with_a_huge_learning_rate_stops_when_it_diverges():
    X, y, _, _ = load_digits_split()
    rng = np.random.default_rng(0)
    start = bp.init_two_layer_net(64, 32, 10, rng)
    with warnings.catch_warnings():  # the helper must keep overflow quiet itself
        warnings.simplefilter("error")
        _, history = bp.train_two_layer_net(start, X, y, lr=1e4, epochs=5, rng=rng)
    assert history["diverged"]
    assert np.isnan(history["loss"][-1])
    assert history["loss"][0] < 1e3 < max(v for v in history["loss"] if np.isfinite(v))
