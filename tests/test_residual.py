"""Tests of source_lib.residual against torch (ops and autograd)."""

import copy

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from source_lib import residual as ref


def _block_torch(x, W1, b1, W2, b2):
    t = [torch.tensor(a) for a in (x, W1, b1, W2, b2)]
    x, W1, b1, W2, b2 = t
    return (x + torch.relu(x @ W1 + b1) @ W2 + b2).numpy()


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 6), d=st.integers(1, 6), h=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_residual_block_matches_torch(n, d, h, seed):
    rng = np.random.default_rng(seed)
    args = (rng.normal(size=(n, d)), rng.normal(size=(d, h)), rng.normal(size=h),
            rng.normal(size=(h, d)), rng.normal(size=d))
    copies = [a.copy() for a in args]
    np.testing.assert_allclose(ref.residual_block(*args), _block_torch(*args), rtol=1e-12, atol=1e-12)
    for a, c in zip(args, copies):
        np.testing.assert_array_equal(a, c)


def test_residual_block_zero_correction_is_identity():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3))
    out = ref.residual_block(x, rng.normal(size=(3, 5)), rng.normal(size=5), np.zeros((5, 3)), np.zeros(3))
    np.testing.assert_array_equal(out, x)


def test_residual_block_relu_inside_only():
    # x = -1, W1 = 1, b1 = 0 -> relu(-1) = 0, so the block returns x = -1 (not relu of the sum)
    out = ref.residual_block([[-1.0]], [[1.0]], [0.0], [[2.0]], [0.0])
    assert out[0, 0] == -1.0


@pytest.mark.parametrize("args, word", [
    ((np.ones(3), np.ones((3, 2)), np.ones(2), np.ones((2, 3)), np.ones(3)), "x"),
    ((np.ones((2, 3)), np.ones((4, 2)), np.ones(2), np.ones((2, 3)), np.ones(3)), "W1"),
    ((np.ones((2, 3)), np.ones((3, 2)), np.ones(3), np.ones((2, 3)), np.ones(3)), "b1"),
    ((np.ones((2, 3)), np.ones((3, 2)), np.ones(2), np.ones((5, 3)), np.ones(3)), "W2"),
    ((np.ones((2, 3)), np.ones((3, 2)), np.ones(2), np.ones((2, 4)), np.ones(4)), "width"),
    ((np.ones((2, 3)), np.ones((3, 2)), np.ones(2), np.ones((2, 3)), np.ones(4)), "b2"),
])
def test_residual_block_errors(args, word):
    with pytest.raises(ValueError, match=word):
        ref.residual_block(*args)


def test_residual_mlp_shapes_and_zero_init_identity():
    torch.manual_seed(0)
    model = ref.ResidualMLP(5, 7, 3, 4, zero_init=True)
    x = torch.randn(6, 5)
    assert model(x).shape == (6, 4)
    h = torch.relu(model.stem(x))
    for block in model.blocks:
        torch.testing.assert_close(block(h), h, rtol=0, atol=0)
    torch.testing.assert_close(model(x), model.head(h))
    plain = ref.PlainMLP(5, 7, 3, 4, zero_init=True)
    out = plain(torch.randn(6, 5))
    torch.testing.assert_close(out, out[:1].expand(6, 4))   # constant: the input is lost


def test_residual_mlp_parameter_count_grows():
    n = [sum(p.numel() for p in ref.ResidualMLP(5, 7, d, 4).parameters()) for d in (0, 1, 3)]
    assert n[0] < n[1] < n[2] and n[2] - n[1] == 2 * (n[1] - n[0])


@pytest.mark.parametrize("bad", [dict(in_dim=0), dict(width=2.5), dict(depth=-1), dict(num_classes=True)])
def test_residual_mlp_errors(bad):
    kw = dict(in_dim=3, width=4, depth=2, num_classes=2) | bad
    with pytest.raises(ValueError):
        ref.ResidualMLP(**kw)


def _oracle_norm(model, X, y):
    m = copy.deepcopy(model)
    m.zero_grad(set_to_none=True)
    loss = torch.nn.functional.cross_entropy(m(torch.as_tensor(X, dtype=torch.float32)),
                                             torch.as_tensor(y), reduction="sum") / len(y)
    loss.backward()
    first = next(mod for mod in m.modules() if isinstance(mod, torch.nn.Linear))
    return float(np.sqrt((first.weight.grad.numpy().astype(np.float64) ** 2).sum()))


@pytest.mark.parametrize("depth", [0, 2])
def test_first_layer_grad_norm_matches_autograd(depth):
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(10, 5)), rng.integers(0, 3, size=10)
    model = ref.ResidualMLP(5, 6, depth, 3)
    assert ref.first_layer_grad_norm(model, X, y) == pytest.approx(_oracle_norm(model, X, y), rel=1e-5)
    seq = torch.nn.Sequential(torch.nn.Tanh(), torch.nn.Linear(5, 4), torch.nn.ReLU(), torch.nn.Linear(4, 3))
    assert ref.first_layer_grad_norm(seq, X, y) == pytest.approx(_oracle_norm(seq, X, y), rel=1e-5)


def test_first_layer_grad_norm_leaves_grads():
    torch.manual_seed(2)
    model = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    X, y = np.random.default_rng(2).normal(size=(8, 4)), np.arange(8) % 3
    ref.first_layer_grad_norm(model, X, y)
    assert all(p.grad is None for p in model.parameters())
    model[2].weight.grad = torch.ones_like(model[2].weight)
    ref.first_layer_grad_norm(model, X, y)
    assert model[0].weight.grad is None
    torch.testing.assert_close(model[2].weight.grad, torch.ones_like(model[2].weight))
    with pytest.raises(ValueError):
        ref.first_layer_grad_norm(torch.nn.Sequential(torch.nn.ReLU()), X, y)


def test_layer_grad_norms_and_training():
    torch.manual_seed(3)
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(64, 5)), rng.integers(0, 3, size=64)
    model = ref.ResidualMLP(5, 8, 2, 3)
    norms = ref.layer_grad_norms(model, X, y)
    assert norms.shape == (6,) and norms[0] == pytest.approx(ref.first_layer_grad_norm(model, X, y))
    losses = ref.train_model(model, X, y, epochs=30, lr=1e-2, batch_size=64)
    assert losses[-1] < 0.85 * losses[0]


def test_train_model_adam_matches_torch_optim():
    torch.manual_seed(4)
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(20, 5)), rng.integers(0, 3, size=20)
    a = ref.ResidualMLP(5, 6, 1, 3)
    b = copy.deepcopy(a)
    ref.train_model(a, X, y, epochs=3, lr=1e-2, batch_size=20, weight_decay=0.1)
    opt = torch.optim.Adam(b.parameters(), lr=1e-2, weight_decay=0.1)
    xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(b(xt), yt).backward()
        opt.step()
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5)
