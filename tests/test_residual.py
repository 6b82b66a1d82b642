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


def test_grad_norms_do_not_underflow_in_float32():
    # W = 0, b = 0, X = 1e-25 * I (2 x 2), y = [0, 1]: dL/dW = 1e-25 * [[-1/4, 1/4], [1/4, -1/4]]
    # (see the checks' hand-worked case), of norm 1e-25 / 2. Its entries are normal float32
    # numbers but their squares are not: a float32 norm would be 0.
    model = torch.nn.Sequential(torch.nn.Linear(2, 2))
    torch.nn.init.zeros_(model[0].weight)
    torch.nn.init.zeros_(model[0].bias)
    X, y = 1e-25 * np.eye(2), np.array([0, 1])
    assert ref.first_layer_grad_norm(model, X, y) == pytest.approx(0.5e-25, rel=1e-6)
    assert ref.layer_grad_norms(model, X, y)[0] == pytest.approx(0.5e-25, rel=1e-6)


# --------------------------------------------------------------------------- #
# The computations of the lesson's checks (source_lib.checks.residual), against torch
# --------------------------------------------------------------------------- #

from source_lib.checks import residual as chk  # noqa: E402


def _layers_of(model):
    """(W, b) of every nn.Linear of a reference model, float64, and its layout."""
    layers = [(m.weight.detach().double().numpy(), m.bias.detach().double().numpy())
              for m in model.modules() if isinstance(m, torch.nn.Linear)]
    depth = len(model.blocks)
    return layers, (0, [(1 + 2 * k, 2 + 2 * k) for k in range(depth)], 1 + 2 * depth)


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_checks_forward_is_the_reference_network(depth):
    torch.manual_seed(depth)
    model = ref.ResidualMLP(5, 7, depth, 4).double()
    x = np.random.default_rng(depth).normal(size=(9, 5))
    layers, layout = _layers_of(model)
    with torch.no_grad():
        expected = model(torch.tensor(x)).numpy()
    np.testing.assert_allclose(chk._forward(layers, layout, x), expected, rtol=1e-12, atol=1e-12)
    params = chk._leaves(layers)
    np.testing.assert_allclose(chk._torch_forward(params, layout, torch.tensor(x)).detach().numpy(),
                               expected, rtol=1e-12, atol=1e-12)
    # each listed mistake is a different network (with torch's default weights)
    for mistake in chk._MLP_MISTAKES:
        if depth > 1 or mistake in ("no relu after the input layer", "softmax") \
                or (depth == 1 and mistake != "the input layer's output added"):   # same at depth 1
            assert not chk._close(chk._forward(layers, layout, x, mistake), expected, 1e-4), mistake


def test_checks_spec_gradients_match_autograd():
    torch.manual_seed(5)
    model = ref.ResidualMLP(4, 6, 2, 3).double()
    rng = np.random.default_rng(5)
    x, r = rng.normal(size=(8, 4)), rng.normal(size=(8, 3))
    layers, layout = _layers_of(model)
    (model(torch.tensor(x)) * torch.tensor(r)).sum().backward()
    expected = [t.grad.numpy() for m in model.modules() if isinstance(m, torch.nn.Linear)
                for t in (m.weight, m.bias)]
    for got, want in zip(chk._spec_gradients(layers, layout, x, r), expected):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_checks_layouts_cover_every_assignment_once():
    squares = [1, 2, 3, 4, 5, 6]
    found = list(chk._layouts(squares, 3))
    assert found[0] == [(1, 2), (3, 4), (5, 6)] and found[1] == [(1, 4), (2, 5), (3, 6)]
    assert len(found) == 720 == len({tuple(b) for b in found})
    assert list(chk._layouts([], 0)) == [[]]


def test_checks_dead_blocks_after_one_step():
    torch.manual_seed(6)
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=(16, 5)), rng.integers(0, 3, size=16)
    layers, layout = _layers_of(ref.ResidualMLP(5, 8, 3, 3, zero_init=True))
    # fc2 = 0 (zero_init): no gradient reaches fc1 at the first step, every fc1 gets one at the next
    assert all(n > 0 for n in chk._first_layers_after_one_step(layers, layout, x, y))
    # fc1 = 0 as well in the second block: it never learns
    W1, b1 = layers[layout[1][1][0]]
    layers[layout[1][1][0]] = (np.zeros_like(W1), np.zeros_like(b1))
    norms = chk._first_layers_after_one_step(layers, layout, x, y)
    assert norms[1] == 0.0 and norms[0] > 0 and norms[2] > 0


def test_checks_model_from_data_and_its_state():
    rng = np.random.default_rng(7)
    spec = [["batchnorm", np.ones(3), np.zeros(3), rng.normal(size=3), np.full(3, 2.0)],
            ["seq", [chk._linear(rng, 3, 4), ["tanh"]]], ["layernorm", np.ones(4), np.zeros(4)],
            chk._linear(rng, 4, 2)]
    assert chk._count_parameters(spec) == 8
    grads = [None] * 8
    grads[2] = rng.normal(size=(4, 3))
    model = chk._build_model(spec, "float64", False, [6, 7], grads)
    state = chk._state_of(model)
    assert [p[0] for p in state["parameters"]] == [
        "0.weight", "0.bias", "1.0.weight", "1.0.bias", "2.weight", "2.bias", "3.weight", "3.bias"]
    assert [p[1] for p in state["parameters"]] == [True] * 6 + [False] * 2
    np.testing.assert_array_equal(state["parameters"][2][3], grads[2])
    np.testing.assert_array_equal(state["parameters"][6][2], spec[3][1])
    assert all(not training for _, training in state["modes"])
    assert dict(state["buffers"])["0.running_var"].tolist() == [2.0, 2.0, 2.0]
    # the reference measures it without changing any of that
    ref.first_layer_grad_norm(model, rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1]))
    after = chk._state_of(model)
    for a, b in zip(state["parameters"], after["parameters"]):
        assert a[1] == b[1] and chk._same(a[2], b[2]) and chk._same(a[3], b[3])
    assert state["modes"] == after["modes"]
