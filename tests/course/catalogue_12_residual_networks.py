"""Wrong and correct implementations of the graded functions of lesson 12.

Variants may use what the notebook's set-up cell imports: ``np``, ``torch``, ``nn`` and ``F``
(``torch.nn.functional``).
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# residual_block
# --------------------------------------------------------------------------- #

@variants.wrong("residual_block", "ReLU after the addition: relu(x + F(x))")
def block_relu_after(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return np.maximum(x + np.maximum(x @ W1 + b1, 0) @ W2 + b2, 0)


@variants.wrong("residual_block", "no skip connection: F(x) alone")
def block_no_skip(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return np.maximum(x @ W1 + b1, 0) @ W2 + b2


@variants.wrong("residual_block", "no ReLU at all")
def block_linear(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return x + (x @ W1 + b1) @ W2 + b2


@variants.wrong("residual_block", "b1 added after the ReLU")
def block_b1_outside(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return x + (np.maximum(x @ W1, 0) + b1) @ W2 + b2


@variants.wrong("residual_block", "forgets b2")
def block_no_b2(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return x + np.maximum(x @ W1 + b1, 0) @ W2


@variants.wrong("residual_block", "b2 inside the ReLU's product: relu(x W1 + b1) (W2 + b2)")
def block_b2_in_product(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return x + np.maximum(x @ W1 + b1, 0) @ (W2 + b2)


@variants.wrong("residual_block", "adds the input twice: 2x + F(x)")
def block_twice(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return 2 * x + np.maximum(x @ W1 + b1, 0) @ W2 + b2


@variants.wrong("residual_block", "modifies x in place (x += F(x))")
def block_in_place(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    x += np.maximum(x @ W1 + b1, 0) @ W2 + b2
    return x


@variants.wrong("residual_block", "no width check: NumPy broadcasts a width-1 x silently")
def block_no_check(x, W1, b1, W2, b2):
    return x + np.maximum(x @ W1 + b1, 0) @ W2 + b2


@variants.wrong("residual_block", "silently truncates the correction to the width of x")
def block_truncate(x, W1, b1, W2, b2):
    out = np.maximum(x @ W1 + b1, 0) @ W2 + b2
    return x + out[:, :x.shape[1]]


@variants.correct("residual_block", "the reference formula with full validation")
def block_ok(x, W1, b1, W2, b2):
    x, W1, b1, W2, b2 = (np.asarray(a, dtype=float) for a in (x, W1, b1, W2, b2))
    if x.ndim != 2 or W1.shape[0] != x.shape[1] or W2.shape != (W1.shape[1], x.shape[1]) \
            or b1.shape != (W1.shape[1],) or b2.shape != (x.shape[1],):
        raise ValueError("shapes do not chain, or W2 changes the width of x")
    return x + np.maximum(x @ W1 + b1, 0.0) @ W2 + b2


@variants.correct("residual_block", "a loop over the examples, ReLU by a mask")
def block_loop(x, W1, b1, W2, b2):
    x = np.asarray(x, dtype=float)
    if np.shape(W2)[1] != x.shape[1] or np.shape(b2) != (x.shape[1],):
        raise ValueError("W2 must keep the width of x")
    out = np.empty_like(x)
    for n in range(x.shape[0]):
        z = x[n] @ W1 + b1
        out[n] = x[n] + (z * (z > 0)) @ W2 + b2
    return out


@variants.correct("residual_block", "torch operations on tensors, converted back")
def block_torch(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("a residual block cannot change the width")
    t = [torch.as_tensor(np.asarray(a, dtype=float)) for a in (x, W1, b1, W2, b2)]
    x_, W1_, b1_, W2_, b2_ = t
    return (x_ + torch.relu(x_ @ W1_ + b1_) @ W2_ + b2_).numpy()


@variants.correct("residual_block", "np.einsum and np.clip")
def block_einsum(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("a residual block cannot change the width")
    h = np.clip(np.einsum("nd,dh->nh", x, W1) + b1, 0, None)
    return np.einsum("nh,hd->nd", h, W2) + b2 + x


# --------------------------------------------------------------------------- #
# ResidualMLP
# --------------------------------------------------------------------------- #

@variants.wrong("ResidualMLP", "ignores zero_init")
class MLPNoZeroInit(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.fc1 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.fc2 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.head = nn.Linear(width, num_classes)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for a, b in zip(self.fc1, self.fc2):
            h = h + b(torch.relu(a(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "zero_init zeroes fc2's weight but not its bias")
class MLPWeightOnly(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.fc1 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.fc2 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for b in self.fc2:
                nn.init.zeros_(b.weight)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for a, b in zip(self.fc1, self.fc2):
            h = h + b(torch.relu(a(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "zero_init zeroes the FIRST layer of each block (F = relu(0) W2 + b2 != 0)")
class MLPZeroFirst(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.fc1 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.fc2 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for a in self.fc1:
                nn.init.zeros_(a.weight)
                nn.init.zeros_(a.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for a, b in zip(self.fc1, self.fc2):
            h = h + b(torch.relu(a(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "zero_init only on the first block")
class MLPZeroOne(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.fc1 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.fc2 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init and depth:
            nn.init.zeros_(self.fc2[0].weight)
            nn.init.zeros_(self.fc2[0].bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for a, b in zip(self.fc1, self.fc2):
            h = h + b(torch.relu(a(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "no skip connection (a plain network)")
class MLPPlain(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.fc1 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.fc2 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for b in self.fc2:
                nn.init.zeros_(b.weight)
                nn.init.zeros_(b.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for a, b in zip(self.fc1, self.fc2):
            h = torch.relu(b(torch.relu(a(h))))
        return self.head(h)


@variants.wrong("ResidualMLP", "blocks kept in a Python list: their parameters are not registered")
class MLPList(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.blocks = [(nn.Linear(width, width), nn.Linear(width, width)) for _ in range(depth)]
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for _, b in self.blocks:
                nn.init.zeros_(b.weight)
                nn.init.zeros_(b.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for a, b in self.blocks:
            h = h + b(torch.relu(a(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "ignores depth (always one block)")
class MLPOneBlock(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.fc1, self.fc2 = nn.Linear(width, width), nn.Linear(width, width)
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            nn.init.zeros_(self.fc2.weight)
            nn.init.zeros_(self.fc2.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        h = h + self.fc2(torch.relu(self.fc1(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "returns softmax probabilities instead of logits")
class MLPSoftmax(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.fc1 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.fc2 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for b in self.fc2:
                nn.init.zeros_(b.weight)
                nn.init.zeros_(b.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for a, b in zip(self.fc1, self.fc2):
            h = h + b(torch.relu(a(h)))
        return torch.softmax(self.head(h), dim=1)


@variants.wrong("ResidualMLP", "output layer of width `width`, not num_classes")
class MLPWrongHead(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.fc1 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.fc2 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        if zero_init:
            for b in self.fc2:
                nn.init.zeros_(b.weight)
                nn.init.zeros_(b.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for a, b in zip(self.fc1, self.fc2):
            h = h + b(torch.relu(a(h)))
        return h


@variants.wrong("ResidualMLP", "output layer frozen at zero (requires_grad off): the model cannot learn")
class MLPDetach(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.fc1 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.fc2 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        with torch.no_grad():
            self.head.weight.zero_()
            self.head.bias.zero_()
        self.head.requires_grad_(False)
        if zero_init:
            for b in self.fc2:
                nn.init.zeros_(b.weight)
                nn.init.zeros_(b.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for a, b in zip(self.fc1, self.fc2):
            h = h + b(torch.relu(a(h)))
        return self.head(h)


@variants.correct("ResidualMLP", "a Block module of its own, blocks in an nn.Sequential")
class MLPBlockClass(nn.Module):
    class Block(nn.Module):
        def __init__(self, width, zero_init):
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(width, width), nn.Linear(width, width)
            if zero_init:
                nn.init.zeros_(self.fc2.weight)
                nn.init.zeros_(self.fc2.bias)

        def forward(self, h):
            return h + self.fc2(torch.relu(self.fc1(h)))

    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, width), nn.ReLU(),
                                 *[self.Block(width, zero_init) for _ in range(depth)],
                                 nn.Linear(width, num_classes))

    def forward(self, x):
        return self.net(x)


@variants.correct("ResidualMLP", "no ReLU after the input layer, hidden width 2 x width in the blocks")
class MLPWide(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.inp = nn.Linear(in_dim, width)
        self.up = nn.ModuleList(nn.Linear(width, 2 * width) for _ in range(depth))
        self.down = nn.ModuleList(nn.Linear(2 * width, width) for _ in range(depth))
        self.out = nn.Linear(width, num_classes)
        if zero_init:
            with torch.no_grad():
                for d in self.down:
                    d.weight.fill_(0.0)
                    d.bias.fill_(0.0)

    def forward(self, x):
        h = self.inp(x)
        for u, d in zip(self.up, self.down):
            h = h + d(F.relu(u(h)))
        return self.out(h)


@variants.correct("ResidualMLP", "parameters as nn.Linear inside an nn.ModuleDict, functional ReLU")
class MLPDict(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.layers = nn.ModuleDict({"head": nn.Linear(width, num_classes),
                                     "stem": nn.Linear(in_dim, width)})
        for k in range(depth):
            self.layers[f"a{k}"] = nn.Linear(width, width)
            self.layers[f"b{k}"] = nn.Linear(width, width)
            if zero_init:
                self.layers[f"b{k}"].weight.data.zero_()
                self.layers[f"b{k}"].bias.data.zero_()
        self.depth = depth

    def forward(self, x):
        h = F.relu(self.layers["stem"](x))
        for k in range(self.depth):
            h = h + self.layers[f"b{k}"](F.relu(self.layers[f"a{k}"](h)))
        return self.layers["head"](h)


# --------------------------------------------------------------------------- #
# first_layer_grad_norm
# --------------------------------------------------------------------------- #

@variants.wrong("first_layer_grad_norm", "loss.backward(): leaves gradients in .grad")
def gn_backward(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=torch.float32)), torch.as_tensor(y))
    loss.backward()
    return float(first.weight.grad.norm())


@variants.wrong("first_layer_grad_norm", "zero_grad, backward, zero_grad: erases the caller's gradients")
def gn_zero_grad(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    model.zero_grad()
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=torch.float32)), torch.as_tensor(y))
    loss.backward()
    norm = float(first.weight.grad.norm())
    model.zero_grad()
    return norm


@variants.wrong("first_layer_grad_norm", "sums the loss over the batch instead of averaging")
def gn_sum(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=torch.float32)), torch.as_tensor(y),
                           reduction="sum")
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.norm())


@variants.wrong("first_layer_grad_norm", "the LAST Linear layer")
def gn_last(model, X, y):
    last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=torch.float32)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, last.weight)
    return float(g.norm())


@variants.wrong("first_layer_grad_norm", "the norm of the gradient of ALL the parameters")
def gn_all(model, X, y):
    params = list(model.parameters())
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=torch.float32)), torch.as_tensor(y))
    grads = torch.autograd.grad(loss, params)
    return float(torch.sqrt(sum((g ** 2).sum() for g in grads)))


@variants.wrong("first_layer_grad_norm", "the squared norm")
def gn_squared(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=torch.float32)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float((g ** 2).sum())


@variants.wrong("first_layer_grad_norm", "the gradient of the bias, not the weight")
def gn_bias(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=torch.float32)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.bias)
    return float(g.norm())


@variants.wrong("first_layer_grad_norm", "the spectral norm (largest singular value), not Frobenius")
def gn_spectral(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=torch.float32)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(torch.linalg.matrix_norm(g, ord=2))


@variants.wrong("first_layer_grad_norm", "model[0] as the first layer (a container in a nested model)")
def gn_index(model, X, y):
    first = model[0]
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=torch.float32)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.norm())


@variants.wrong("first_layer_grad_norm", "MSE to one-hot labels instead of cross-entropy")
def gn_mse(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    out = model(torch.as_tensor(X, dtype=torch.float32))
    loss = F.mse_loss(out, F.one_hot(torch.as_tensor(y), out.shape[1]).float())
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.norm())


@variants.correct("first_layer_grad_norm", "backward on a deep copy of the model")
def gn_deepcopy(model, X, y):
    import copy
    m = copy.deepcopy(model)
    m.zero_grad(set_to_none=True)
    first = next(mod for mod in m.modules() if isinstance(mod, nn.Linear))
    F.cross_entropy(m(torch.tensor(np.asarray(X), dtype=torch.float32)), torch.tensor(y)).backward()
    return float(first.weight.grad.norm())


@variants.correct("first_layer_grad_norm", "backward, then the caller's gradients put back")
def gn_restore(model, X, y):
    params = list(model.parameters())
    saved = [None if p.grad is None else p.grad.clone() for p in params]
    for p in params:
        p.grad = None
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    F.cross_entropy(model(torch.as_tensor(X).float()), torch.as_tensor(y).long()).backward()
    norm = first.weight.grad.norm().item()
    for p, s in zip(params, saved):
        p.grad = s
    return norm


@variants.correct("first_layer_grad_norm", "log_softmax by hand, mean of the picked entries, sqrt of sum of squares")
def gn_manual(model, X, y):
    first = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][0]
    logits = model(torch.from_numpy(np.asarray(X, dtype=np.float32)))
    logp = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    loss = -logp[torch.arange(len(y)), torch.as_tensor(y)].mean()
    g = torch.autograd.grad(loss, [first.weight])[0]
    return float(torch.sqrt((g * g).sum()))
