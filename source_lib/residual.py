r"""Lesson 12: residual networks.

A residual block adds a learned correction to its input instead of replacing it:

.. math::

    \operatorname{block}(x) = x + F(x), \qquad F(x) = \operatorname{relu}(x W_1 + b_1) W_2 + b_2 .

If the block learns nothing (:math:`F = 0`) it is the identity, not the zero map, and its
Jacobian :math:`I + F'(x)` lets the gradient through unchanged. This module holds the
block in NumPy, a residual MLP in torch (and its plain twin, for comparison), the norm of
the first layer's gradient, and the small training loop of the lesson's demos.
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from source_lib.validation import as_float_array

__all__ = ["residual_block", "ResidualMLP", "PlainMLP", "first_layer_grad_norm",
           "layer_grad_norms", "train_model"]


def residual_block(x, W1, b1, W2, b2):
    r"""One residual block of a batch: the input plus a two-layer correction.

    .. math::

        \operatorname{block}(x) = x + \operatorname{relu}(x W_1 + b_1)\, W_2 + b_2

    The ReLU acts inside the correction only; the sum is not passed through it.

    Parameters
    ----------
    x : array_like, shape (N, D)
        A batch of inputs, one per row.
    W1 : array_like, shape (D, H)
        Weight of the block's first layer.
    b1 : array_like, shape (H,)
        Bias of the first layer.
    W2 : array_like, shape (H, D)
        Weight of the second layer: it must map back to the width ``D`` of ``x``.
    b2 : array_like, shape (D,)
        Bias of the second layer.

    Returns
    -------
    ndarray, shape (N, D)
        ``x + relu(x @ W1 + b1) @ W2 + b2``.

    Raises
    ------
    ValueError
        If ``x`` is not 2-D, or the shapes do not chain as above (in particular if
        ``W2`` would change the width: ``W2.shape[1] != x.shape[1]``).
    """
    x = as_float_array(x, "x", ndim=2)
    W1 = as_float_array(W1, "W1", ndim=2)
    b1 = as_float_array(b1, "b1", ndim=1)
    W2 = as_float_array(W2, "W2", ndim=2)
    b2 = as_float_array(b2, "b2", ndim=1)
    D = x.shape[1]
    if W1.shape[0] != D:
        raise ValueError(f"W1 must have {D} rows (the width of x); got shape {W1.shape}")
    H = W1.shape[1]
    if b1.shape != (H,):
        raise ValueError(f"b1 must have shape ({H},) to match W1; got {b1.shape}")
    if W2.shape[0] != H:
        raise ValueError(f"W2 must have {H} rows (the columns of W1); got shape {W2.shape}")
    if W2.shape[1] != D:
        raise ValueError(f"W2 must map back to the width of x ({D} columns): a residual block "
                         f"cannot change the width; got W2 of shape {W2.shape}")
    if b2.shape != (D,):
        raise ValueError(f"b2 must have shape ({D},), the width of x; got {b2.shape}")
    return x + np.maximum(x @ W1 + b1, 0.0) @ W2 + b2


class _Block(nn.Module):
    """``h + fc2(relu(fc1(h)))`` (residual) or ``relu(fc2(relu(fc1(h))))`` (plain)."""

    def __init__(self, width, residual, zero_init=False):
        super().__init__()
        self.fc1 = nn.Linear(width, width)
        self.fc2 = nn.Linear(width, width)
        self.residual = residual
        if zero_init:
            nn.init.zeros_(self.fc2.weight)
            nn.init.zeros_(self.fc2.bias)

    def forward(self, h):
        out = self.fc2(F.relu(self.fc1(h)))
        return h + out if self.residual else F.relu(out)


class ResidualMLP(nn.Module):
    r"""A multilayer perceptron of residual blocks.

    .. math::

        h_0 = \operatorname{relu}(x W_{in} + b_{in}), \quad
        h_{k} = h_{k-1} + \operatorname{relu}(h_{k-1} W_1^{(k)} + b_1^{(k)}) W_2^{(k)} + b_2^{(k)},
        \quad \text{logits} = h_{depth} W_{out} + b_{out}

    Parameters
    ----------
    in_dim : int
        Number of input features.
    width : int
        Width of every hidden layer (blocks keep it).
    depth : int
        Number of residual blocks (0 allowed: stem and head only).
    num_classes : int
        Number of outputs (logits).
    zero_init : bool
        If True, the second layer of every block starts at zero (weight and bias), so
        every block starts as the identity.

    Raises
    ------
    ValueError
        If a size is not a positive integer or ``depth`` is negative.
    """

    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        _check_sizes(in_dim, width, depth, num_classes)
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(_Block(width, True, zero_init) for _ in range(depth))
        self.head = nn.Linear(width, num_classes)

    def forward(self, x):
        """Logits of shape ``(N, num_classes)`` for inputs ``x`` of shape ``(N, in_dim)``."""
        h = F.relu(self.stem(x))
        for block in self.blocks:
            h = block(h)
        return self.head(h)


class PlainMLP(ResidualMLP):
    """The plain twin of :class:`ResidualMLP`: the same layers without the skip connections
    (every block is ``relu(fc2(relu(fc1(h))))``); ``zero_init`` zeroes the blocks' second layers,
    which makes the network constant."""

    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__(in_dim, width, 0, num_classes)
        _check_sizes(in_dim, width, depth, num_classes)
        self.blocks = nn.ModuleList(_Block(width, False, zero_init) for _ in range(depth))


def _check_sizes(in_dim, width, depth, num_classes):
    for name, value in (("in_dim", in_dim), ("width", width), ("num_classes", num_classes)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
    if not isinstance(depth, (int, np.integer)) or isinstance(depth, bool) or depth < 0:
        raise ValueError(f"depth must be a non-negative integer; got {depth!r}")


def _tensors(model, X, y):
    param = next(model.parameters(), None)
    dtype = param.dtype if param is not None else torch.get_default_dtype()
    X = torch.as_tensor(np.asarray(X) if not isinstance(X, torch.Tensor) else X, dtype=dtype)
    y = torch.as_tensor(np.asarray(y) if not isinstance(y, torch.Tensor) else y, dtype=torch.long)
    return X, y


def first_layer_grad_norm(model, X, y):
    r"""Frobenius norm of the gradient of the mean cross-entropy w.r.t. the first layer's weight.

    .. math::

        \left\| \frac{\partial}{\partial W} \frac{1}{N} \sum_{n} -\log \operatorname{softmax}
        (f(x_n))_{y_n} \right\|_F

    where ``W`` is the weight of the first ``torch.nn.Linear`` in ``model.modules()``, for
    the model as it is (its mode, training or evaluation, is the model's own). The gradient
    is taken with :func:`torch.autograd.grad`, so the model is left exactly as it was (its
    ``.grad`` attributes included), and its norm is computed in float64: in float32 the
    squares of entries below about ``3e-23`` underflow to 0, and a deep plain network's
    first-layer gradient is that small.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier returning logits of shape ``(N, C)``, with at least one ``nn.Linear``.
    X : array_like or torch.Tensor, shape (N, D)
        Inputs (converted to the dtype of the model's parameters).
    y : array_like or torch.Tensor of int, shape (N,)
        Class indices.

    Returns
    -------
    float
        The norm, a non-negative number.

    Raises
    ------
    ValueError
        If the model has no ``torch.nn.Linear`` layer.
    """
    first = next((m for m in model.modules() if isinstance(m, nn.Linear)), None)
    if first is None:
        raise ValueError("model must contain a torch.nn.Linear layer")
    X, y = _tensors(model, X, y)
    with torch.enable_grad():
        loss = F.cross_entropy(model(X), y)
        (grad,) = torch.autograd.grad(loss, first.weight)
    return float(torch.linalg.norm(grad.double()))


def layer_grad_norms(model, X, y):
    """Frobenius norms of the loss gradient w.r.t. the weight of every ``nn.Linear``, in order.

    Like :func:`first_layer_grad_norm`, for every layer at once (``.grad`` left untouched,
    norms in float64).
    """
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    X, y = _tensors(model, X, y)
    with torch.enable_grad():
        loss = F.cross_entropy(model(X), y)
        grads = torch.autograd.grad(loss, [m.weight for m in layers])
    return np.array([float(torch.linalg.norm(g.double())) for g in grads])


def train_model(model, X, y, epochs=5, lr=1e-3, batch_size=64, weight_decay=0.0, seed=0,
                progress=None):
    """Train ``model`` with Adam on mini-batches of ``(X, y)``; return the loss of every step.

    Parameters
    ----------
    model : torch.nn.Module
        The classifier, trained in place.
    X, y : array_like
        Training inputs ``(N, D)`` and integer labels ``(N,)``.
    epochs, lr, batch_size, weight_decay : number
        Adam's settings (``weight_decay`` is an L2 penalty, as in ``torch.optim.Adam``).
    seed : int
        Seed of the shuffles.
    progress : callable, optional
        Called with the number of steps done after each step (a progress bar's ``update``).

    Returns
    -------
    ndarray
        The mini-batch loss at every step.
    """
    X, y = _tensors(model, X, y)
    gen = torch.Generator().manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    adam = _Adam(params, lr, weight_decay)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=gen)
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            loss = F.cross_entropy(model(X[idx]), y[idx])
            adam.step(torch.autograd.grad(loss, params))
            losses.append(loss.item())
            if progress is not None:
                progress(1)
    return np.array(losses)


class _Adam:
    """Adam with an L2 penalty added to the gradient (as ``torch.optim.Adam``'s weight_decay),
    written out: torch.optim's first use imports its compiler, which takes seconds."""

    def __init__(self, params, lr, weight_decay=0.0, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.wd, self.betas, self.eps = params, lr, weight_decay, betas, eps
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.t = 0

    @torch.no_grad()
    def step(self, grads):
        self.t += 1
        b1, b2 = self.betas
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            if self.wd:
                g = g + self.wd * p
            m.mul_(b1).add_(g, alpha=1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            denom = (v / (1 - b2 ** self.t)).sqrt_().add_(self.eps)
            p.addcdiv_(m, denom, value=-self.lr / (1 - b1 ** self.t))
