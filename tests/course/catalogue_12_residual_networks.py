"""Wrong and correct implementations of the graded functions of lesson 12.

Variants may use what the notebook's set-up cell imports: ``np``, ``torch``, ``nn`` and ``F``
(``torch.nn.functional``). A ``hint`` is text that the first failing check's message must
contain: the check names the mistake made.
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# residual_block: the formula
# --------------------------------------------------------------------------- #

@variants.wrong("residual_block", "ReLU after the addition: relu(x + F(x))",
                hint="a ReLU is applied to the sum")
def block_relu_after(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return np.maximum(x + np.maximum(x @ W1 + b1, 0) @ W2 + b2, 0)


@variants.wrong("residual_block", "no skip connection: F(x) alone", hint="the input is not added back")
def block_no_skip(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return np.maximum(x @ W1 + b1, 0) @ W2 + b2


@variants.wrong("residual_block", "no ReLU at all", hint="no ReLU")
def block_linear(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return x + (x @ W1 + b1) @ W2 + b2


@variants.wrong("residual_block", "b1 added after the ReLU", hint="b1 is added after the ReLU")
def block_b1_outside(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return x + (np.maximum(x @ W1, 0) + b1) @ W2 + b2


@variants.wrong("residual_block", "forgets b1", hint="b1 is missing")
def block_no_b1(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return x + np.maximum(x @ W1, 0) @ W2 + b2


@variants.wrong("residual_block", "forgets b2", hint="b2 is missing")
def block_no_b2(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return x + np.maximum(x @ W1 + b1, 0) @ W2


@variants.wrong("residual_block", "b2 inside the product: relu(x W1 + b1) (W2 + b2)",
                hint="b2 is added to W2")
def block_b2_in_product(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return x + np.maximum(x @ W1 + b1, 0) @ (W2 + b2)


@variants.wrong("residual_block", "adds the input twice: 2x + F(x)", hint="added twice")
def block_twice(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    return 2 * x + np.maximum(x @ W1 + b1, 0) @ W2 + b2


@variants.wrong("residual_block", "modifies x in place (x += F(x))", hint="modified its input `x`")
def block_in_place(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("width")
    x += np.maximum(x @ W1 + b1, 0) @ W2 + b2
    return x


# --------------------------------------------------------------------------- #
# residual_block: the validation of every shape
# --------------------------------------------------------------------------- #

@variants.wrong("residual_block", "no width check: NumPy broadcasts a width-1 x silently",
                hint="W2 maps to 3 columns but x has 1")
def block_no_check(x, W1, b1, W2, b2):
    return x + np.maximum(x @ W1 + b1, 0) @ W2 + b2


@variants.wrong("residual_block", "silently truncates the correction to the width of x",
                hint="the block would change the width")
def block_truncate(x, W1, b1, W2, b2):
    out = np.maximum(x @ W1 + b1, 0) @ W2 + b2
    return x + out[:, :x.shape[1]]


@variants.wrong("residual_block", "validates the width (W2's columns) only: a b1 of shape (1,) "
                "broadcasts", hint="b1 has shape (1,)")
def block_width_only(x, W1, b1, W2, b2):
    if np.shape(W2)[1] != np.shape(x)[1]:
        raise ValueError("W2 must map back to the width of x")
    return x + np.maximum(x @ W1 + b1, 0) @ W2 + b2


@variants.wrong("residual_block", "validates W2 and b1 but not b2: a b2 of shape (1,) broadcasts",
                hint="b2 has shape (1,)")
def block_no_b2_check(x, W1, b1, W2, b2):
    x, W1, b1, W2 = (np.asarray(a, dtype=float) for a in (x, W1, b1, W2))
    if x.ndim != 2 or W2.shape != (W1.shape[1], x.shape[1]) or b1.shape != (W1.shape[1],):
        raise ValueError("shapes do not chain")
    return x + np.maximum(x @ W1 + b1, 0) @ W2 + b2


@variants.wrong("residual_block", "validates each bias by its last dimension only: a 2-D b1 "
                "broadcasts", hint="b1 has shape (1, ")
def block_last_dim(x, W1, b1, W2, b2):
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or np.shape(W2)[1] != x.shape[1] or np.shape(b1)[-1] != np.shape(W1)[1] \
            or np.shape(b2)[-1] != x.shape[1]:
        raise ValueError("shapes do not chain")
    return x + np.maximum(x @ W1 + b1, 0) @ W2 + b2


@variants.wrong("residual_block", "no 2-D check: a 1-D x gives a 1-D result",
                hint="x must be 2-D")
def block_no_ndim(x, W1, b1, W2, b2):
    x, W1, b1, W2, b2 = (np.asarray(a, dtype=float) for a in (x, W1, b1, W2, b2))
    D = x.shape[-1]
    if W1.shape[0] != D or W2.shape != (W1.shape[1], D) or b1.shape != (W1.shape[1],) \
            or b2.shape != (D,):
        raise ValueError("shapes do not chain")
    return x + np.maximum(x @ W1 + b1, 0) @ W2 + b2


@variants.correct("residual_block", "the reference formula, every shape validated in one test")
def block_ok(x, W1, b1, W2, b2):
    x, W1, b1, W2, b2 = (np.asarray(a, dtype=float) for a in (x, W1, b1, W2, b2))
    if x.ndim != 2 or W1.ndim != 2 or W1.shape[0] != x.shape[1] \
            or W2.shape != (W1.shape[1], x.shape[1]) or b1.shape != (W1.shape[1],) \
            or b2.shape != (x.shape[1],):
        raise ValueError("shapes do not chain, or W2 changes the width of x")
    return x + np.maximum(x @ W1 + b1, 0.0) @ W2 + b2


@variants.correct("residual_block", "a loop over the examples, ReLU by a mask, checks one by one")
def block_loop(x, W1, b1, W2, b2):
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError("x must be 2-D")
    N, D = x.shape
    H = np.shape(W1)[1] if np.ndim(W1) == 2 else -1
    for name, a, shape in (("W1", W1, (D, H)), ("b1", b1, (H,)), ("W2", W2, (H, D)), ("b2", b2, (D,))):
        if np.shape(a) != shape:
            raise ValueError(f"{name} must have shape {shape}")
    out = np.empty_like(x)
    for n in range(N):
        z = x[n] @ W1 + b1
        out[n] = x[n] + (z * (z > 0)) @ W2 + b2
    return out


@variants.wrong("residual_block", "torch operations on tensors, converted back: a module this exercise may not import",
                hint="which this exercise may not use")
def block_torch(x, W1, b1, W2, b2):
    t = [torch.as_tensor(np.asarray(a, dtype=float)) for a in (x, W1, b1, W2, b2)]
    x_, W1_, b1_, W2_, b2_ = t
    if x_.dim() != 2 or W1_.dim() != 2 or tuple(W2_.shape) != (W1_.shape[1], x_.shape[1]) \
            or W1_.shape[0] != x_.shape[1] or tuple(b1_.shape) != (W1_.shape[1],) \
            or tuple(b2_.shape) != (x_.shape[1],):
        raise ValueError("a residual block cannot change the width, and its shapes must chain")
    return (x_ + torch.relu(x_ @ W1_ + b1_) @ W2_ + b2_).numpy()


@variants.correct("residual_block", "np.einsum and np.clip")
def block_einsum(x, W1, b1, W2, b2):
    shapes = [np.shape(a) for a in (x, W1, b1, W2, b2)]
    if len(shapes[0]) != 2 or len(shapes[1]) != 2:
        raise ValueError("x and W1 must be 2-D")
    (N, D), (_, H) = shapes[0], shapes[1]
    if shapes[1:] != [(D, H), (H,), (H, D), (D,)]:
        raise ValueError(f"expected W1 {(D, H)}, b1 {(H,)}, W2 {(H, D)}, b2 {(D,)}; got {shapes[1:]}")
    h = np.clip(np.einsum("nd,dh->nh", x, W1) + b1, 0, None)
    return np.einsum("nh,hd->nd", h, W2) + b2 + x


# --------------------------------------------------------------------------- #
# ResidualMLP: zero_init
# --------------------------------------------------------------------------- #

@variants.wrong("ResidualMLP", "ignores zero_init", hint="zero_init changed nothing")
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


@variants.wrong("ResidualMLP", "zero_init zeroes fc2's weight but not its bias",
                hint="zero fc2's bias too")
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


@variants.wrong("ResidualMLP", "zero_init zeroes the FIRST layer of each block (F = relu(0) W2 + b2 != 0)",
                hint="zero the SECOND layer fc2")
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


@variants.wrong("ResidualMLP", "zero_init zeroes fc1 and fc2's bias: the identity at the start, "
                "but fc1 never gets a gradient", hint="zero the SECOND layer fc2")
class MLPZeroFirstAndBias(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(nn.ModuleList([nn.Linear(width, width), nn.Linear(width, width)])
                                    for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for fc1, fc2 in self.blocks:
                nn.init.zeros_(fc1.weight)
                nn.init.zeros_(fc1.bias)
                nn.init.zeros_(fc2.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for fc1, fc2 in self.blocks:
            h = h + fc2(torch.relu(fc1(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "zero_init zeroes BOTH layers of every block: dead for ever",
                hint="dead for ever")
class MLPZeroBoth(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(nn.Sequential(nn.Linear(width, width), nn.ReLU(),
                                                  nn.Linear(width, width)) for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for block in self.blocks:
                for layer in (block[0], block[2]):
                    nn.init.zeros_(layer.weight)
                    nn.init.zeros_(layer.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for block in self.blocks:
            h = h + block(h)
        return self.head(h)


@variants.wrong("ResidualMLP", "zero_init only on the first block", hint="EVERY block")
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


@variants.wrong("ResidualMLP", "zeroes fc2 whatever zero_init says",
                hint="only when zero_init is True")
class MLPAlwaysZero(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.fc1 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.fc2 = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        for b in self.fc2:
            nn.init.zeros_(b.weight)
            nn.init.zeros_(b.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for a, b in zip(self.fc1, self.fc2):
            h = h + b(torch.relu(a(h)))
        return self.head(h)


# --------------------------------------------------------------------------- #
# ResidualMLP: the architecture
# --------------------------------------------------------------------------- #

@variants.wrong("ResidualMLP", "no skip connection (a plain network)", hint="no skip connection")
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


@variants.wrong("ResidualMLP", "a ReLU after the addition: relu(h + F(h))",
                hint="a ReLU after the addition")
class MLPReluAfterSum(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(nn.ModuleList([nn.Linear(width, width), nn.Linear(width, width)])
                                    for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for _, fc2 in self.blocks:
                nn.init.zeros_(fc2.weight)
                nn.init.zeros_(fc2.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for fc1, fc2 in self.blocks:
            h = torch.relu(h + fc2(torch.relu(fc1(h))))
        return self.head(h)


@variants.wrong("ResidualMLP", "no ReLU after the input layer",
                hint="the input layer is followed by a ReLU")
class MLPNoStemRelu(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(nn.ModuleList([nn.Linear(width, width), nn.Linear(width, width)])
                                    for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for _, fc2 in self.blocks:
                nn.init.zeros_(fc2.weight)
                nn.init.zeros_(fc2.bias)

    def forward(self, x):
        h = self.stem(x)
        for fc1, fc2 in self.blocks:
            h = h + fc2(torch.relu(fc1(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "every block adds the input layer's output instead of its own input",
                hint="ITS OWN input")
class MLPStemSkip(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(nn.ModuleList([nn.Linear(width, width), nn.Linear(width, width)])
                                    for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for _, fc2 in self.blocks:
                nn.init.zeros_(fc2.weight)
                nn.init.zeros_(fc2.bias)

    def forward(self, x):
        h0 = torch.relu(self.stem(x))
        h = h0
        for fc1, fc2 in self.blocks:
            h = h0 + fc2(torch.relu(fc1(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "returns softmax probabilities instead of logits", hint="softmax")
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


@variants.wrong("ResidualMLP", "no output layer: returns h, of width `width`",
                hint="returns the logits")
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


@variants.wrong("ResidualMLP", "blocks of hidden width 2 x width, no ReLU after the input layer",
                hint="both nn.Linear(width, width)")
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


@variants.wrong("ResidualMLP", "blocks' layers without bias", hint="with its bias")
class MLPNoBias(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.fc1 = nn.ModuleList(nn.Linear(width, width, bias=False) for _ in range(depth))
        self.fc2 = nn.ModuleList(nn.Linear(width, width, bias=False) for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for b in self.fc2:
                nn.init.zeros_(b.weight)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for a, b in zip(self.fc1, self.fc2):
            h = h + b(torch.relu(a(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "the output layer registered before the input layer",
                hint="register the input layer first")
class MLPHeadFirst(nn.Module):
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
# ResidualMLP: registration, depth, gradients
# --------------------------------------------------------------------------- #

@variants.wrong("ResidualMLP", "blocks kept in a Python list: their layers are not registered",
                hint="nn.ModuleList")
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


@variants.wrong("ResidualMLP", "ignores depth (always one block)", hint="build `depth` blocks")
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


@variants.wrong("ResidualMLP", "three blocks whatever the depth", hint="build `depth` blocks")
class MLPThreeBlocks(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(nn.ModuleList([nn.Linear(width, width), nn.Linear(width, width)])
                                    for _ in range(3))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for _, fc2 in self.blocks:
                nn.init.zeros_(fc2.weight)
                nn.init.zeros_(fc2.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for fc1, fc2 in self.blocks:
            h = h + fc2(torch.relu(fc1(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "one pair of layers shared by every block",
                hint="one layer reused by every block counts once")
class MLPShared(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        pair = nn.ModuleList([nn.Linear(width, width), nn.Linear(width, width)])
        self.blocks = nn.ModuleList([pair] * depth)
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            nn.init.zeros_(pair[1].weight)
            nn.init.zeros_(pair[1].bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for fc1, fc2 in self.blocks:
            h = h + fc2(torch.relu(fc1(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "the output layer frozen at zero (requires_grad off)",
                hint="requires_grad")
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


@variants.wrong("ResidualMLP", "the ReLU through NumPy: the right numbers, but no gradient "
                "reaches the input layer", hint="cut the gradient")
class MLPNumpyRelu(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(nn.ModuleList([nn.Linear(width, width), nn.Linear(width, width)])
                                    for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for _, fc2 in self.blocks:
                nn.init.zeros_(fc2.weight)
                nn.init.zeros_(fc2.bias)

    def forward(self, x):
        z = self.stem(x)
        h = torch.as_tensor(np.maximum(z.detach().numpy(), 0))
        for fc1, fc2 in self.blocks:
            h = h + fc2(torch.relu(fc1(h)))
        return self.head(h)


# --------------------------------------------------------------------------- #
# ResidualMLP: validation of the sizes
# --------------------------------------------------------------------------- #

@variants.wrong("ResidualMLP", "no validation: depth=2.0 raises range()'s TypeError",
                hint="depth=2.0 is a float")
class MLPNoValidation(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(nn.ModuleList([nn.Linear(width, width), nn.Linear(width, width)])
                                    for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for _, fc2 in self.blocks:
                nn.init.zeros_(fc2.weight)
                nn.init.zeros_(fc2.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for fc1, fc2 in self.blocks:
            h = h + fc2(torch.relu(fc1(h)))
        return self.head(h)


@variants.wrong("ResidualMLP", "isinstance(depth, int) accepts True (a bool is an int)",
                hint="depth=True is a bool")
class MLPBoolDepth(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        for v, least in ((in_dim, 1), (width, 1), (depth, 0), (num_classes, 1)):
            if not isinstance(v, int) or v < least:
                raise ValueError("sizes must be integers")
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(nn.ModuleList([nn.Linear(width, width), nn.Linear(width, width)])
                                    for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            for _, fc2 in self.blocks:
                nn.init.zeros_(fc2.weight)
                nn.init.zeros_(fc2.bias)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for fc1, fc2 in self.blocks:
            h = h + fc2(torch.relu(fc1(h)))
        return self.head(h)


# --------------------------------------------------------------------------- #
# ResidualMLP: correct alternatives
# --------------------------------------------------------------------------- #

@variants.correct("ResidualMLP", "a Block module of its own, everything in one nn.Sequential")
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
        for v, least in ((in_dim, 1), (width, 1), (depth, 0), (num_classes, 1)):
            if type(v) is not int or v < least:
                raise ValueError("in_dim, width, num_classes >= 1 and depth >= 0, integers")
        self.net = nn.Sequential(nn.Linear(in_dim, width), nn.ReLU(),
                                 *[self.Block(width, zero_init) for _ in range(depth)],
                                 nn.Linear(width, num_classes))

    def forward(self, x):
        return self.net(x)


@variants.correct("ResidualMLP", "two ModuleLists (all first layers, then all second layers)")
class MLPTwoLists(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        if any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1
               for v in (in_dim, width, num_classes)):
            raise ValueError("in_dim, width and num_classes must be positive integers")
        if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
            raise ValueError("depth must be a non-negative integer")
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
        return self.head(h)


@variants.correct("ResidualMLP", "an nn.ModuleDict (input layer first), functional ReLU, "
                  "zeroed through .data")
class MLPDict(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        if not all(type(v) is int and v >= 1 for v in (in_dim, width, num_classes)) \
                or type(depth) is not int or depth < 0:
            raise ValueError("sizes must be integers: in_dim, width, num_classes >= 1, depth >= 0")
        self.layers = nn.ModuleDict({"stem": nn.Linear(in_dim, width)})
        for k in range(depth):
            self.layers[f"a{k}"] = nn.Linear(width, width)
            self.layers[f"b{k}"] = nn.Linear(width, width)
            if zero_init:
                self.layers[f"b{k}"].weight.data.zero_()
                self.layers[f"b{k}"].bias.data.zero_()
        self.layers["head"] = nn.Linear(width, num_classes)
        self.depth = depth

    def forward(self, x):
        h = F.relu(self.layers["stem"](x))
        for k in range(self.depth):
            h = h + self.layers[f"b{k}"](F.relu(self.layers[f"a{k}"](h)))
        return self.layers["head"](h)


@variants.correct("ResidualMLP", "a float64 model (self.double()), zeroed with mul_(0) under no_grad")
class MLPDouble(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        for name, v, least in (("in_dim", in_dim, 1), ("width", width, 1), ("depth", depth, 0),
                               ("num_classes", num_classes, 1)):
            if isinstance(v, bool) or not isinstance(v, int) or v < least:
                raise ValueError(f"{name} must be an integer >= {least}")
        self.stem = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(nn.ModuleList([nn.Linear(width, width), nn.Linear(width, width)])
                                    for _ in range(depth))
        self.head = nn.Linear(width, num_classes)
        if zero_init:
            with torch.no_grad():
                for _, fc2 in self.blocks:
                    fc2.weight.mul_(0)
                    fc2.bias.mul_(0)
        self.double()

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for fc1, fc2 in self.blocks:
            h = h + fc2(torch.relu(fc1(h)))
        return self.head(h)


@variants.correct("ResidualMLP", "a block class that registers fc2 before fc1 and calls "
                  "F.linear on their parameters; blocks applied from the last registered")
class MLPReversed(nn.Module):
    class Block(nn.Module):
        def __init__(self, width, zero_init):
            super().__init__()
            self.second = nn.Linear(width, width)
            self.first = nn.Linear(width, width)
            if zero_init:
                nn.init.constant_(self.second.weight, 0.0)
                nn.init.constant_(self.second.bias, 0.0)

        def forward(self, h):
            a = F.relu(F.linear(h, self.first.weight, self.first.bias))
            return h + F.linear(a, self.second.weight, self.second.bias)

    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        if not all(type(v) is int for v in (in_dim, width, depth, num_classes)):
            raise ValueError("sizes must be integers")
        if min(in_dim, width, num_classes) < 1 or depth < 0:
            raise ValueError("sizes must be positive, depth non-negative")
        self.inp = nn.Linear(in_dim, width)
        self.blocks = nn.ModuleList(self.Block(width, zero_init) for _ in range(depth))
        self.out = nn.Linear(width, num_classes)

    def forward(self, x):
        h = F.relu(self.inp(x))
        for block in reversed(self.blocks):
            h = block(h)
        return self.out(h)


# --------------------------------------------------------------------------- #
# first_layer_grad_norm: the value
# --------------------------------------------------------------------------- #

@variants.wrong("first_layer_grad_norm", "sums the loss over the batch instead of averaging",
                hint="SUM of the losses")
def gn_sum(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y),
                           reduction="sum")
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.double().norm())


@variants.wrong("first_layer_grad_norm", "the LAST Linear layer", hint="LAST nn.Linear")
def gn_last(model, X, y):
    last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=last.weight.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, last.weight)
    return float(g.double().norm())


@variants.wrong("first_layer_grad_norm", "the norm of the gradient of ALL the parameters",
                hint="ALL the parameters")
def gn_all(model, X, y):
    params = [p for p in model.parameters() if p.requires_grad]
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=params[0].dtype)), torch.as_tensor(y))
    grads = torch.autograd.grad(loss, params)
    return float(torch.sqrt(sum((g.double() ** 2).sum() for g in grads)))


@variants.wrong("first_layer_grad_norm", "the squared norm", hint="SQUARED")
def gn_squared(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float((g.double() ** 2).sum())


@variants.wrong("first_layer_grad_norm", "the gradient of the bias, not the weight", hint="BIAS")
def gn_bias(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.bias)
    return float(g.double().norm())


@variants.wrong("first_layer_grad_norm", "the spectral norm (largest singular value), not Frobenius",
                hint="spectral")
def gn_spectral(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(torch.linalg.matrix_norm(g.double(), ord=2))


@variants.wrong("first_layer_grad_norm", "MSE to one-hot labels instead of cross-entropy",
                hint="MEAN cross-entropy")
def gn_mse(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    out = model(torch.as_tensor(X, dtype=first.weight.dtype))
    loss = F.mse_loss(out, F.one_hot(torch.as_tensor(y), out.shape[1]).to(out.dtype))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.double().norm())


@variants.wrong("first_layer_grad_norm", "the norm computed in float32: 0 for a gradient of 1e-25",
                hint="float64")
def gn_float32_norm(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.norm())


# --------------------------------------------------------------------------- #
# first_layer_grad_norm: which layer, which dtype, which mode
# --------------------------------------------------------------------------- #

@variants.wrong("first_layer_grad_norm", "the model's first parameter taken for the first Linear's "
                "weight", hint="FIRST PARAMETER")
def gn_first_param(model, X, y):
    w = next(model.parameters())
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=w.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, w)
    return float(g.double().norm())


@variants.wrong("first_layer_grad_norm", "model[0] as the first layer (a LayerNorm here)",
                hint="first nn.Linear of model.modules()")
def gn_index(model, X, y):
    first = model[0]
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.double().norm())


@variants.wrong("first_layer_grad_norm", "X always converted to float32 (a float64 model fails)",
                hint="convert X to the dtype of the model's parameters")
def gn_float32_input(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=torch.float32)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.double().norm())


@variants.wrong("first_layer_grad_norm", "model.train() first: BatchNorm then uses the batch's "
                "statistics (and updates its running ones)", hint="TRAINING mode")
def gn_train(model, X, y):
    model.train()
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.double().norm())


# --------------------------------------------------------------------------- #
# first_layer_grad_norm: the model left exactly as it was
# --------------------------------------------------------------------------- #

@variants.wrong("first_layer_grad_norm", "loss.backward(): leaves gradients in .grad",
                hint="changed the model's own gradients")
def gn_backward(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    loss.backward()
    return float(first.weight.grad.double().norm())


@variants.wrong("first_layer_grad_norm", "zero_grad, backward, zero_grad: erases the caller's gradients",
                hint="changed the model's own gradients")
def gn_zero_grad(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    model.zero_grad()
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    loss.backward()
    norm = float(first.weight.grad.double().norm())
    model.zero_grad()
    return norm


@variants.wrong("first_layer_grad_norm", "model.eval() to measure, not switched back",
                hint="changed the model's mode")
def gn_eval(model, X, y):
    model.eval()
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.double().norm())


@variants.wrong("first_layer_grad_norm", "freezes every other parameter to save work, and leaves "
                "them frozen", hint="changed which parameters require gradients")
def gn_freeze(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    for p in model.parameters():
        p.requires_grad_(p is first.weight)
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.double().norm())


@variants.wrong("first_layer_grad_norm", "model.requires_grad_(True) to be safe: unfreezes the "
                "caller's frozen layers", hint="changed which parameters require gradients")
def gn_unfreeze(model, X, y):
    model.requires_grad_(True)
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    return float(g.double().norm())


@variants.wrong("first_layer_grad_norm", "takes a gradient step with what it measured",
                hint="changed the model's weights")
def gn_step(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)), torch.as_tensor(y))
    (g,) = torch.autograd.grad(loss, first.weight)
    with torch.no_grad():
        first.weight -= 0.1 * g
    return float(g.double().norm())


# --------------------------------------------------------------------------- #
# first_layer_grad_norm: correct alternatives
# --------------------------------------------------------------------------- #

@variants.correct("first_layer_grad_norm", "backward on a deep copy of the model")
def gn_deepcopy(model, X, y):
    import copy
    m = copy.deepcopy(model)
    m.zero_grad(set_to_none=True)
    first = next(mod for mod in m.modules() if isinstance(mod, nn.Linear))
    F.cross_entropy(m(torch.tensor(np.asarray(X), dtype=first.weight.dtype)), torch.tensor(y)).backward()
    return float(first.weight.grad.double().norm())


@variants.correct("first_layer_grad_norm", "backward, then the caller's gradients put back")
def gn_restore(model, X, y):
    params = list(model.parameters())
    saved = [None if p.grad is None else p.grad.clone() for p in params]
    for p in params:
        p.grad = None
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    F.cross_entropy(model(torch.as_tensor(X).to(first.weight.dtype)), torch.as_tensor(y).long()).backward()
    norm = first.weight.grad.double().norm().item()
    for p, s in zip(params, saved):
        p.grad = s
    return norm


@variants.correct("first_layer_grad_norm", "log_softmax by hand, mean of the picked entries, "
                  "np.linalg.norm of the gradient as a float64 array")
def gn_manual(model, X, y):
    first = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][0]
    logits = model(torch.from_numpy(np.asarray(X)).to(first.weight.dtype))
    logp = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    loss = -logp[torch.arange(len(y)), torch.as_tensor(y)].mean()
    g = torch.autograd.grad(loss, [first.weight])[0]
    return float(np.linalg.norm(g.detach().numpy().astype(np.float64)))


@variants.correct("first_layer_grad_norm", "freezes every other parameter while it measures, then "
                  "puts every flag back")
def gn_freeze_restore(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    flags = [(p, p.requires_grad) for p in model.parameters()]
    try:
        for p, _ in flags:
            p.requires_grad_(p is first.weight)
        loss = F.cross_entropy(model(torch.as_tensor(X, dtype=first.weight.dtype)),
                               torch.as_tensor(y))
        (g,) = torch.autograd.grad(loss, first.weight)
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)
    return float(torch.linalg.vector_norm(g.to(torch.float64)))
