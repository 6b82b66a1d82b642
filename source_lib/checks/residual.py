r"""Checks of lesson 12 (residual networks): the residual block in NumPy, the residual MLP in
torch and the norm of the first layer's gradient.

``ResidualMLP`` is checked against its specification with the learner's OWN weights. A
helper of this module (run beside the learner's code with ``f.run_helper``) reads the model
as data: its ``nn.Linear`` layers in the order of ``model.modules()``, with their names,
weights and biases as float64 arrays, and its parameters' ``requires_grad``. Everything
else happens here, in the checks' process: the layers are given their roles (input layer,
the two layers of each block, output layer) from their shapes and from the model's own
output (a guarded call ``model(x)``), the specified forward

.. math::

    h_0 = \operatorname{relu}(x W_{in}^\top + b_{in}), \quad
    h_k = h_{k-1} + \operatorname{relu}(h_{k-1} W_{1,k}^\top + b_{1,k}) W_{2,k}^\top + b_{2,k},
    \quad \text{logits} = h_{depth} W_{out}^\top + b_{out}

is recomputed in float64 from those weights and compared with the model's output, its
gradients with the gradients the model's own autograd gives, and, with ``zero_init``, one
step of gradient descent is taken (here, on the specified computation) to see that every
block's first layer then receives a gradient: a block whose two layers both start at zero
never does (it is dead for ever). Any module layout passes (blocks in an ``nn.Sequential``,
two ``nn.ModuleList`` of first and second layers, an ``nn.ModuleDict``, float32 or float64)
as long as the input layer is the first ``nn.Linear`` of ``model.modules()`` (the exercise
asks it: ``first_layer_grad_norm`` and the lesson's demos read the first layer there).

``first_layer_grad_norm`` is checked on torch models built from data by a helper beside the
learner's code (the same helper builds them here for the expected value, with the
reference): models whose first parameter is not the first ``nn.Linear`` (a LayerNorm or a
BatchNorm1d first, the Linear nested in a Sequential), in float32 and float64, in training
and evaluation mode, with parameters frozen and gradients already present. After the call,
the model is read back as data and must be exactly as it was: every ``requires_grad``,
every module's mode, every ``.grad``, every parameter and buffer.

Expected values come from :mod:`source_lib.residual` or are derived by hand in a comment.
"""

import itertools

import numpy as np
import torch

from source_lib import residual as ref
from source_lib.checks import NUMPY, Choice, Lesson, Number, StudentError
from source_lib.testing import assert_close, describe, fail

checks = Lesson("12_residual_networks")
TORCH = NUMPY + ("torch",)   # the torch exercises may use torch; residual_block may not

residual_block = checks.exercise("residual_block", ref.residual_block)
residual_mlp = checks.exercise("ResidualMLP", ref.ResidualMLP, imports=TORCH)
grad_norm = checks.exercise("first_layer_grad_norm", ref.first_layer_grad_norm, imports=TORCH)


def _relu(z):
    return np.maximum(z, 0.0)


def _nearest(named, default):
    """The hint of the nearest mistake of ``named`` (sorted ``(distance, hint)`` pairs) if it is
    clearly the nearest (ten times nearer than the next), else ``default``: a mistake is named
    only when the result points at it and at no other."""
    if named and (len(named) == 1 or named[0][0] < 0.1 * named[1][0]):
        return named[0][1]
    return default


def _close(a, b, rtol, atol=0.0):
    """Norm-wise closeness (the comparison of :func:`assert_close`), as a boolean."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and \
        np.linalg.norm(a - b) <= atol + rtol * np.linalg.norm(b)


# --------------------------------------------------------------------------- #
# residual_block
# --------------------------------------------------------------------------- #

# Common mistakes, each computed here from the same inputs: a result that matches one of
# them (and not the block) fails with the hint that names it.
_BLOCK_MISTAKES = [
    (lambda x, W1, b1, W2, b2: _relu(x + _relu(x @ W1 + b1) @ W2 + b2),
     "a ReLU is applied to the sum: the ReLU acts inside the correction only, "
     "x + relu(x @ W1 + b1) @ W2 + b2, with no ReLU on the sum"),
    (lambda x, W1, b1, W2, b2: _relu(x @ W1 + b1) @ W2 + b2,
     "the input is not added back: the block is x + F(x) (the skip connection), not F(x)"),
    (lambda x, W1, b1, W2, b2: x + (x @ W1 + b1) @ W2 + b2,
     "no ReLU: apply relu to x @ W1 + b1 before the second product"),
    (lambda x, W1, b1, W2, b2: x + (_relu(x @ W1) + b1) @ W2 + b2,
     "b1 is added after the ReLU: it belongs inside, relu(x @ W1 + b1)"),
    (lambda x, W1, b1, W2, b2: x + _relu(x @ W1) @ W2 + b2,
     "b1 is missing: relu(x @ W1 + b1)"),
    (lambda x, W1, b1, W2, b2: x + _relu(x @ W1 + b1) @ W2,
     "b2 is missing: add it after the second product, ... @ W2 + b2"),
    (lambda x, W1, b1, W2, b2: x + _relu(x @ W1 + b1) @ (W2 + b2),
     "b2 is added to W2 before the product: relu(x @ W1 + b1) @ W2 + b2"),
    (lambda x, W1, b1, W2, b2: 2 * x + _relu(x @ W1 + b1) @ W2 + b2,
     "the input is added twice: x + F(x), with x once"),
]


def _check_block(f, args, expected=None, what="the block's output"):
    """Call the learner's residual_block on ``args``; compare with ``expected`` (the reference's
    value if None) and, on a mismatch, name the mistake the result matches, if any."""
    got = f(*args)
    if expected is None:
        expected = ref.residual_block(*args)
    if _close(got, expected, rtol=1e-10, atol=1e-12):
        return
    # the mistake whose result is the nearest to the learner's, if it is close to it
    named = sorted((np.linalg.norm(np.asarray(got, dtype=float) - mistake(*args)), text)
                   for mistake, text in _BLOCK_MISTAKES
                   if not _close(mistake(*args), expected, rtol=1e-10, atol=1e-12)
                   and _close(got, mistake(*args), rtol=1e-10, atol=1e-12))
    hint = _nearest(named, "x + relu(x @ W1 + b1) @ W2 + b2, with W1 of shape (D, H) and W2 of "
                           "shape (H, D)")
    assert_close(got, expected, rtol=1e-10, atol=1e-12, what=what,
                 inputs=f.describe_call(args, {}), hint=hint)


@residual_block.part("values", points=3)
def residual_block_values(f, rng):
    # x = [[-1, 2]], W1 = W2 = I, b1 = b2 = 0: relu(x) = [0, 2], so the block gives
    # x + [0, 2] = [-1, 4]. A ReLU after the addition would give [0, 4]; no skip [0, 2].
    eye = np.eye(2)
    x = np.array([[-1.0, 2.0]])
    _check_block(f, (x, eye, np.zeros(2), eye, np.zeros(2)), np.array([[-1.0, 4.0]]))
    # The same block with b1 = [3, -3], b2 = [0.5, -0.5]: relu(x + b1) = relu([2, -1]) = [2, 0],
    # so the output is x + [2, 0] + b2 = [1.5, 1.5]: the biases count, b1 inside the ReLU and b2
    # outside it. The common mistakes all differ here: without b1 [-0.5, 3.5], without b2 [1, 2],
    # b2 added to W2 [2, 3], b1 after the ReLU [2.5, 0.5], no ReLU [1.5, 0.5], no skip
    # [2.5, -0.5], the input added twice [0.5, 3.5].
    _check_block(f, (x, eye, np.array([3.0, -3.0]), eye, np.array([0.5, -0.5])),
                 np.array([[1.5, 1.5]]))
    # W2 = 0 and b2 = 0: F(x) = 0, the block is the identity (whatever W1 and b1).
    x = rng.normal(size=(4, 3))
    _check_block(f, (x, rng.normal(size=(3, 5)), rng.normal(size=5), np.zeros((5, 3)),
                     np.zeros(3)), x, what="the block with W2 = 0, b2 = 0")
    # Random blocks with a hidden width that differs from the width of x.
    for n, d, h in [(5, 4, 7), (1, 6, 3), (int(rng.integers(2, 9)), int(rng.integers(2, 9)),
                                           int(rng.integers(2, 9)))]:
        _check_block(f, (rng.normal(size=(n, d)), rng.normal(size=(d, h)), rng.normal(size=h),
                         rng.normal(size=(h, d)), rng.normal(size=d)))


@residual_block.part("errors", points=1)
def residual_block_errors(f, rng):
    n, d, h = int(rng.integers(3, 7)), 3, 2

    def args(x=None, W1=None, b1=None, W2=None, b2=None):
        return (rng.normal(size=(n, d)) if x is None else x,
                rng.normal(size=(d, h)) if W1 is None else W1,
                rng.normal(size=h) if b1 is None else b1,
                rng.normal(size=(h, d)) if W2 is None else W2,
                rng.normal(size=d) if b2 is None else b2)

    # x has width 1 and W2 maps to width 3: NumPy would broadcast (N, 1) + (N, 3) silently.
    f.check_raises(ValueError, rng.normal(size=(n, 1)), rng.normal(size=(1, h)),
                   rng.normal(size=h), rng.normal(size=(h, 3)), rng.normal(size=3),
                   hint="W2 maps to 3 columns but x has 1: the block would change the width "
                        "(NumPy broadcasts (N, 1) + (N, 3) without complaint); compare "
                        "W2.shape[1] with x.shape[1] and raise ValueError")
    f.check_raises(ValueError, *args(W2=rng.normal(size=(h, 5)), b2=rng.normal(size=5)),
                   hint="W2 maps to 5 columns but x has 3: a residual block cannot change the width")
    # Biases of shape (1,) (or a 2-D bias) broadcast silently: every shape is the learner's to check.
    f.check_raises(ValueError, *args(b1=rng.normal(size=1)),
                   hint=f"b1 has shape (1,) but W1 has {h} columns: b1 must have shape (H,) = "
                        f"({h},) (a bias of shape (1,) broadcasts silently); compare b1.shape "
                        "with (W1.shape[1],)")
    f.check_raises(ValueError, *args(b2=rng.normal(size=1)),
                   hint=f"b2 has shape (1,) but x has {d} columns: b2 must have shape (D,) = "
                        f"({d},) (a bias of shape (1,) broadcasts silently); compare b2.shape "
                        "with (x.shape[1],)")
    f.check_raises(ValueError, *args(b1=rng.normal(size=(1, h))),
                   hint=f"b1 has shape (1, {h}): a bias is 1-D, shape (H,); a (1, H) array "
                        "broadcasts silently")
    f.check_raises(ValueError, *args(x=rng.normal(size=d)),
                   hint="x must be 2-D, a batch (N, D); a 1-D x would give a 1-D result")
    f.check_raises(ValueError, *args(W1=rng.normal(size=(d + 1, h))),
                   hint=f"W1 has {d + 1} rows but x has {d} columns: W1 must have shape (D, H)")
    f.check_raises(ValueError, *args(W2=rng.normal(size=(h + 1, d))),
                   hint=f"W2 has {h + 1} rows but W1 has {h} columns: W2 must have shape (H, D)")


# --------------------------------------------------------------------------- #
# ResidualMLP: helpers run beside the learner's code (data out, nothing decided there)
# --------------------------------------------------------------------------- #

def _read_model(model):
    """The model as plain data: its nn.Linear layers in the order of model.modules() (name,
    weight of shape (out, in) and bias as float64 arrays, dtype) and its parameters (name,
    shape, requires_grad)."""
    import torch

    linears = []
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear):
            bias = module.bias
            linears.append({"name": name or "(the model itself)",
                            "weight": module.weight.detach().cpu().double().numpy(),
                            "bias": None if bias is None else bias.detach().cpu().double().numpy(),
                            "dtype": str(module.weight.dtype).replace("torch.", "")})
    parameters = [[name, list(p.shape), bool(p.requires_grad)]
                  for name, p in model.named_parameters()]
    return {"linears": linears, "parameters": parameters}


def _output_gradients(model, x, r):
    """The gradient of sum(model(x) * r) with respect to the weight and the bias of every
    nn.Linear (in the order of model.modules()), as float64 arrays; None for a parameter that
    the output does not reach."""
    import torch

    params = []
    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            params += [module.weight, module.bias]
    out = model(x)
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return [None] * len(params)
    wanted = [p for p in params if p is not None and p.requires_grad]
    grads = torch.autograd.grad((out * torch.as_tensor(r, dtype=out.dtype)).sum(), wanted,
                                allow_unused=True)
    found = {id(p): g for p, g in zip(wanted, grads)}
    return [None if found.get(id(p)) is None else found[id(p)].detach().double().numpy()
            for p in params]


# --------------------------------------------------------------------------- #
# ResidualMLP: the specification, computed here
# --------------------------------------------------------------------------- #

# Architectures that are not the one asked, each computed from the learner's own weights: a
# model whose output matches one of them fails with the hint that names it.
_MLP_MISTAKES = {
    "relu after the sum": "a ReLU after the addition, relu(h + F(h)): a block is "
                          "h + fc2(relu(fc1(h))), the ReLU acts inside F only, nothing is "
                          "applied to the sum",
    "no relu after the input layer": "the input layer is followed by a ReLU: "
                                     "h = relu(input_layer(x)) before the first block",
    "the input layer's output added": "every block adds the input layer's output h_0; each "
                                      "block adds ITS OWN input: h = h + fc2(relu(fc1(h))), "
                                      "h updated block after block",
    "no skip": "no skip connection: the block returns relu(fc2(relu(fc1(h)))) instead of "
               "h + fc2(relu(fc1(h)))",
    "no skip, no relu": "no skip connection: the block returns fc2(relu(fc1(h))) instead of "
                        "h + fc2(relu(fc1(h)))",
    "relu on the correction": "a ReLU on the correction, h + relu(fc2(...)): fc2's output is "
                              "added as it is",
    "softmax": "the output is softmax probabilities: return the logits, the output layer's "
               "result (F.cross_entropy applies the softmax itself)",
}


def _forward(layers, layout, x, mistake=None):
    """The specified forward (or a mistake of ``_MLP_MISTAKES``) in float64 NumPy: ``layers``
    are ``(W, b)`` with W of shape (out, in), ``layout = (stem, [(fc1, fc2), ...], head)``
    indices into ``layers``, blocks in the order they are applied."""
    stem, blocks, head = layout
    W, b = layers[stem]
    h = x @ W.T + b
    h = h if mistake == "no relu after the input layer" else _relu(h)
    h0 = h
    for i, j in blocks:
        (W1, b1), (W2, b2) = layers[i], layers[j]
        correction = _relu(h @ W1.T + b1) @ W2.T + b2
        h = {"relu after the sum": lambda: _relu(h + correction),
             "the input layer's output added": lambda: h0 + correction,
             "no skip": lambda: _relu(correction),
             "no skip, no relu": lambda: correction,
             "relu on the correction": lambda: h + _relu(correction)}.get(
                 mistake, lambda: h + correction)()
    W, b = layers[head]
    out = h @ W.T + b
    if mistake == "softmax":
        e = np.exp(out - out.max(axis=1, keepdims=True))
        out = e / e.sum(axis=1, keepdims=True)
    return out


def _torch_forward(params, layout, x):
    """The specified forward in torch (float64 tensors), for its gradients."""
    stem, blocks, head = layout
    h = torch.relu(x @ params[stem][0].T + params[stem][1])
    for i, j in blocks:
        h = h + torch.relu(h @ params[i][0].T + params[i][1]) @ params[j][0].T + params[j][1]
    return h @ params[head][0].T + params[head][1]


def _leaves(layers):
    return [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
            for W, b in layers]


def _spec_gradients(layers, layout, x, r):
    """Gradients of sum(forward(x) * r) for every layer's (W, b), float64, as arrays."""
    params = _leaves(layers)
    out = _torch_forward(params, layout, torch.tensor(x))
    flat = [t for pair in params for t in pair]
    grads = torch.autograd.grad((out * torch.tensor(r)).sum(), flat, allow_unused=True)
    return [np.zeros(t.shape) if g is None else g.numpy() for t, g in zip(flat, grads)]


def _first_layers_after_one_step(layers, layout, x, y, lr=0.1):
    """Take one step of gradient descent on the mean cross-entropy of the specified network
    (float64, here); return the norm of the gradient that each block's first layer's weight
    receives at the next step."""
    params = _leaves(layers)
    flat = [t for pair in params for t in pair]
    labels = torch.as_tensor(y)
    inputs = torch.tensor(x)
    loss = torch.nn.functional.cross_entropy(_torch_forward(params, layout, inputs), labels)
    grads = torch.autograd.grad(loss, flat, allow_unused=True)
    with torch.no_grad():
        stepped = [(t - lr * g if g is not None else t.detach()).requires_grad_(True)
                   for t, g in zip(flat, grads)]
    params = list(zip(stepped[0::2], stepped[1::2]))
    loss = torch.nn.functional.cross_entropy(_torch_forward(params, layout, inputs), labels)
    first = [params[i][0] for i, _ in layout[1]]
    return [float(torch.linalg.norm(g)) if g is not None else 0.0
            for g in torch.autograd.grad(loss, first, allow_unused=True)]


def _layouts(squares, depth, preferred=()):
    """Assignments of the square layers to the blocks' (fc1, fc2), in the order of application:
    the ``preferred`` ones, the two registration orders people write (each block's fc1 and fc2
    together; all fc1 then all fc2), then every other one."""
    together = [tuple(squares[2 * k:2 * k + 2]) for k in range(depth)]
    apart = [(squares[k], squares[depth + k]) for k in range(depth)]
    seen = []
    for blocks in [*preferred, together, apart]:
        if blocks not in seen:
            seen.append(blocks)
            yield blocks
    for order in itertools.permutations(squares):
        blocks = [tuple(order[2 * k:2 * k + 2]) for k in range(depth)]
        if blocks not in seen:
            yield blocks


class _Model:
    """A learner's model read as data (``_read_model``), its layers given their roles."""

    def __init__(self, f, args, kwargs, rng):
        self.f, self.kwargs = f, kwargs
        self.in_dim, self.width, self.depth, self.num_classes = args
        self.label = (f"ResidualMLP(in_dim={self.in_dim}, width={self.width}, depth={self.depth}, "
                      f"num_classes={self.num_classes}" +
                      "".join(f", {k}={v}" for k, v in kwargs.items()) + ")")
        self.handle = f(*args, **kwargs)
        if isinstance(self.handle, (int, float, str, list, tuple, dict, np.ndarray)) \
                or self.handle is None:
            fail("ResidualMLP(...) should build a torch.nn.Module.", inputs=self.label,
                 expected="a ResidualMLP instance", received=describe(self.handle),
                 hint="class ResidualMLP(nn.Module) whose __init__ calls super().__init__()")
        try:
            data = f.run_helper(_read_model, self.handle)
        except StudentError as err:
            fail("The checks could not read your model's layers.", inputs=self.label,
                 detail=str(err).splitlines()[0],
                 hint="ResidualMLP must subclass torch.nn.Module and call super().__init__() first")
        self.linears = data["linears"]
        self.parameters = data["parameters"]
        self.layers = [(lin["weight"], lin["bias"]) for lin in self.linears]
        self.names = [lin["name"] for lin in self.linears]
        self.dtype = self.linears[0]["dtype"] if self.linears else "float32"
        self.x = rng.normal(size=(24, self.in_dim)) * 2.0
        if self.dtype == "float32":   # the model's input, rounded as it sees it
            self.x = self.x.astype(np.float32).astype(np.float64)
        self.rtol = 1e-4 if self.dtype != "float64" else 1e-9

    def shape_of(self, i):
        out, inp = self.layers[i][0].shape
        return f"`{self.names[i]}` = nn.Linear({inp}, {out})"

    # the structure -----------------------------------------------------------
    def roles(self):
        """Find the input layer, the output layer and the blocks' layers by their shapes."""
        if not self.linears:
            fail("Your model has no nn.Linear layer that the checks can see.", inputs=self.label,
                 expected="nn.Linear layers registered with the module (attributes, nn.ModuleList)",
                 received="no nn.Linear in model.modules()",
                 hint="assign the layers as attributes of the module (self.stem = nn.Linear(...)) "
                      "after super().__init__(), and keep the blocks in an nn.ModuleList")
        d, w, c = self.in_dim, self.width, self.num_classes
        shapes = [layer[0].shape for layer in self.layers]
        stems = [i for i, s in enumerate(shapes) if s == (w, d)]
        heads = [i for i, s in enumerate(shapes) if s == (c, w)]
        squares = [i for i, s in enumerate(shapes) if s == (w, w)]
        others = [i for i in range(len(shapes)) if i not in stems + heads + squares]
        found = ", ".join(self.shape_of(i) for i in range(len(shapes)))
        expected = (f"one nn.Linear({d}, {w}) (input layer), {2 * self.depth} nn.Linear({w}, {w}) "
                    f"(fc1 and fc2 of each of the {self.depth} blocks), one nn.Linear({w}, {c}) "
                    "(output layer)")
        if others:
            fail("Your model has a layer of a shape the architecture does not have.",
                 inputs=self.label, expected=expected, received=found,
                 hint=f"{self.shape_of(others[0])} is not part of it: the blocks' two layers are "
                      "both nn.Linear(width, width) (the correction keeps the width), the input "
                      "layer is nn.Linear(in_dim, width), the output layer nn.Linear(width, "
                      "num_classes)")
        if len(heads) != 1:
            fail(f"Your model has {len(heads)} output layers nn.Linear({w}, {c}).",
                 inputs=self.label, expected=expected, received=found,
                 hint="the output layer nn.Linear(width, num_classes) returns the logits, shape "
                      "(N, num_classes)")
        if len(stems) != 1:
            fail(f"Your model has {len(stems)} input layers nn.Linear({d}, {w}).",
                 inputs=self.label, expected=expected, received=found,
                 hint="one input layer nn.Linear(in_dim, width), followed by a ReLU")
        if len(squares) != 2 * self.depth:
            fail(f"Your model has {len(squares)} layers nn.Linear({w}, {w}) for depth={self.depth}.",
                 inputs=self.label, expected=expected, received=found,
                 hint="build `depth` blocks, each with two layers of its own, kept in an "
                      "nn.ModuleList (a Python list hides them from model.modules() and "
                      "model.parameters(); one layer reused by every block counts once)")
        if stems[0] != 0:
            fail("The input layer is not the first nn.Linear of model.modules().",
                 inputs=self.label, expected=f"first {self.shape_of(stems[0])}",
                 received=f"first {self.shape_of(0)}",
                 hint="register the input layer first (assign it before the blocks and the output "
                      "layer): first_layer_grad_norm and the lesson's demos take the first "
                      "nn.Linear of model.modules() for the input layer")
        missing = [i for i, (_, b) in enumerate(self.layers) if b is None]
        if missing:
            fail("A layer of your model has no bias.", inputs=self.label,
                 received=f"{self.shape_of(missing[0])} with bias=False",
                 hint="every layer is nn.Linear(in, out) with its bias (the default)")
        frozen = [name for name, _, grad in self.parameters if not grad]
        if frozen:
            fail("Some of your model's parameters do not require gradients: training cannot "
                 "change them.", inputs=self.label, expected="requires_grad=True for every parameter",
                 received=f"requires_grad=False for {', '.join(frozen[:4])}",
                 hint="leave requires_grad as torch sets it (do not call requires_grad_(False)); "
                      "initialise under torch.no_grad() or with torch.nn.init instead")
        self.stem, self.head, self.squares = stems[0], heads[0], squares

    # the model's own output --------------------------------------------------
    def output(self, x):
        tensor = torch.as_tensor(x, dtype=getattr(torch, self.dtype, torch.float32))
        try:
            out = self.handle(tensor)
        except StudentError as err:
            fail("Calling your model on a batch raised an error.",
                 inputs=f"{self.label}, then model(x) with x a {self.dtype} tensor of shape "
                        f"{tuple(x.shape)}",
                 detail=str(err).split("\n  input:")[0],
                 hint="forward(self, x) takes a tensor (N, in_dim) and returns the logits (N, "
                      "num_classes)")
        if isinstance(out, torch.Tensor):
            out = out.detach().double().numpy()
        if not isinstance(out, np.ndarray) or out.shape != (len(x), self.num_classes):
            fail("Your model's forward does not return logits of shape (N, num_classes).",
                 inputs=f"{self.label}, x of shape {tuple(x.shape)}",
                 expected=f"a tensor of shape ({len(x)}, {self.num_classes})",
                 received=describe(out) if not isinstance(out, np.ndarray) else f"shape {out.shape}",
                 hint="the output layer maps width -> num_classes: one row of logits per input")
        return out

    def find_layout(self, out, preferred=()):
        """The assignment of the square layers under which the specified forward gives the
        model's output ``out`` on ``self.x``, or None."""
        for blocks in _layouts(self.squares, self.depth, preferred):
            layout = (self.stem, blocks, self.head)
            if _close(out, _forward(self.layers, layout, self.x), self.rtol, 1e-7):
                return layout
        return None

    def diagnose(self, out):
        """The hint of the first mistake of ``_MLP_MISTAKES`` that ``out`` matches."""
        for blocks in itertools.islice(_layouts(self.squares, self.depth), 2):
            layout = (self.stem, blocks, self.head)
            for mistake, hint in _MLP_MISTAKES.items():
                if _close(out, _forward(self.layers, layout, self.x, mistake), self.rtol, 1e-7):
                    return hint
        return None

    def block_names(self, layout):
        return [f"block {k} (fc1 `{self.names[i]}`, fc2 `{self.names[j]}`)"
                for k, (i, j) in enumerate(layout[1])]


def _specified(model, preferred=()):
    """Check the model's structure and its output against the specification; its layout."""
    model.roles()
    out = model.output(model.x)
    layout = model.find_layout(out, preferred)
    if layout is None:
        stem, head = model.layers[model.stem], model.layers[model.head]
        skipped = _relu(model.x @ stem[0].T + stem[1]) @ head[0].T + head[1]
        alone = model.depth and _close(out, skipped, model.rtol, 1e-7)
        layers = ", ".join(model.shape_of(i) for i in range(len(model.layers)))
        fail("Your model does not compute the specified network with its own weights.",
             inputs=f"{model.label}, x of shape {model.x.shape}",
             expected="input layer, ReLU, then for each block h + fc2(relu(fc1(h))), then the "
                      "output layer, computed here from your model's weights",
             received="other logits" + (" (those of the input and output layers alone: the "
                                        "blocks are skipped)" if alone else ""),
             detail=f"your layers: {layers}",
             hint=model.diagnose(out) or "h = relu(input_layer(x)); for each block, "
                  "h = h + fc2(relu(fc1(h))) with the block's own fc1, fc2; return "
                  "output_layer(h), the logits")
    return layout, out


@residual_mlp.part("values", points=4)
def residual_mlp_values(f, rng):
    # Sizes all different, so that each layer's role shows in its shape: the input layer is
    # the only nn.Linear(in_dim, width), the output layer the only nn.Linear(width, num_classes).
    in_dim, width, num_classes = (int(rng.integers(3, 8)), int(rng.integers(9, 13)),
                                  int(rng.integers(2, 6)))
    sizes = (in_dim, width, 3, num_classes)

    # 1. The default model: its structure, its output and its gradients are the specification's.
    model = _Model(f, sizes, {}, rng)
    layout, _ = _specified(model)
    r = rng.normal(size=(len(model.x), num_classes))
    try:
        got = f.run_helper(_output_gradients, model.handle,
                           torch.as_tensor(model.x, dtype=getattr(torch, model.dtype)), r)
    except StudentError as err:
        fail("Differentiating your model's output raised an error.", inputs=model.label,
             detail=str(err).splitlines()[0],
             hint="forward must be made of torch operations on the layers' outputs")
    want = _spec_gradients(model.layers, layout, model.x, r)
    scale = np.sqrt(sum(np.sum(g ** 2) for g in want))
    for k, (g, w) in enumerate(zip(got, want)):
        layer = model.shape_of(k // 2)
        part = "weight" if k % 2 == 0 else "bias"
        if g is None or not _close(g, w, 1e-3 if model.dtype != "float64" else 1e-8, 1e-6 * scale):
            fail("The gradient does not flow through your model as through the specified network.",
                 inputs=f"{model.label}, the gradient of sum(model(x) * r) for a random r",
                 expected=f"the gradient of the {part} of {layer}: {describe(w)}",
                 received="none: the output does not depend on it through autograd"
                          if g is None else describe(g),
                 hint="forward must use the layers' outputs as torch tensors all the way: no "
                      ".detach(), .data, .numpy() or torch.tensor(...) in between, which cut the "
                      "gradient")
    fc2_zero = [name for name, (i, j) in zip(model.block_names(layout), layout[1])
                if not np.any(model.layers[j][0]) and not np.any(model.layers[j][1])]
    if fc2_zero:
        fail("With zero_init=False, a block's second layer starts at zero.", inputs=model.label,
             expected="torch's default initialisation of every layer",
             received=f"fc2 all zero in {fc2_zero[0]}",
             hint="zero the blocks' second layers only when zero_init is True")

    # 2. Other depths: one block, and none (the input and output layers alone).
    for depth in (1, 0):
        small = _Model(f, (in_dim, width, depth, num_classes), {}, rng)
        _specified(small)

    # 3. zero_init=True: every block's fc2 (weight and bias) is zero, so the network is its
    # input and output layers alone; and training can start: after one step, every block's
    # first layer receives a gradient.
    zero = _Model(f, sizes, {"zero_init": True}, rng)
    layout, _ = _specified(zero, preferred=[layout[1]])
    names = zero.block_names(layout)
    weights = [(zero.layers[i], zero.layers[j]) for i, j in layout[1]]
    status = [(not np.any(W1), not np.any(b1), not np.any(W2), not np.any(b2))
              for (W1, b1), (W2, b2) in weights]
    first_zeroed = [name for name, s in zip(names, status) if s[0] and s[1] and not (s[2] and s[3])]
    weight_only = [name for name, s in zip(names, status) if s[2] and not s[3]]
    untouched = [name for name, s in zip(names, status) if not (s[2] and s[3])]
    if first_zeroed:
        fail("With zero_init=True, a block's FIRST layer is zero and its second is not.",
             inputs=zero.label, expected="fc2's weight and bias zero in every block, fc1 as torch "
             "initialises it", received=f"fc1 zero, fc2 not, in {first_zeroed[0]}",
             hint="zero the SECOND layer fc2 (weight and bias), not the first: with fc1 = 0 the "
                  "correction is relu(0) W2 + b2 = b2, not 0, and fc1 gets no gradient (relu'(0) "
                  "= 0) for ever")
    if weight_only:
        fail("With zero_init=True, a block's fc2 has a zero weight but not a zero bias.",
             inputs=zero.label, expected="fc2's weight AND bias zero in every block",
             received=f"fc2's bias not zero in {weight_only[0]}",
             hint="zero fc2's bias too (nn.init.zeros_(fc2.bias)): with the bias alone, F(h) = b2 "
                  "and the block adds a constant instead of being the identity")
    if untouched:
        fail("With zero_init=True, not every block starts as the identity.", inputs=zero.label,
             expected="fc2's weight and bias zero in EVERY block",
             received=f"fc2 not zero in {untouched[0]}"
                      + (f" ({len(untouched)} of {len(names)} blocks)" if len(untouched) < len(names)
                         else " (in every block: zero_init changed nothing)"),
             hint="when zero_init is True, loop over every block and set its fc2's weight and "
                  "bias to zero (nn.init.zeros_)")
    # Every fc2 is now exactly zero, so the output _specified matched is that of the input and
    # output layers alone: each block is h + 0 = h.
    y = rng.integers(0, num_classes, size=len(zero.x))
    norms = _first_layers_after_one_step(zero.layers, layout, zero.x, y)
    dead = [name for name, norm in zip(names, norms) if not norm > 0.0]
    if dead:
        fail("With zero_init=True, a block is dead for ever: its first layer gets no gradient, "
             "even after a training step.",
             inputs=f"{zero.label}; one step of gradient descent (lr 0.1) on the mean cross-"
                    "entropy of the specified network with your model's weights, computed here",
             expected="a non-zero gradient for every block's fc1 at the second step",
             received=f"exactly 0 for {dead[0]}",
             hint="zero fc2 only and leave fc1 as torch initialises it: if fc1 is zero too, "
                  "a = relu(h W1 + b1) = 0, so fc2's gradient a^T delta is 0, fc2 stays 0, fc1's "
                  "gradient (delta W2^T) stays 0: the block never learns")
    flat = [name for name, s in zip(names, status) if s[0]]
    if flat:
        fail("With zero_init=True, a block's fc1 weight is zero as well.", inputs=zero.label,
             expected="fc1 as torch initialises it", received=f"fc1's weight all zero in {flat[0]}",
             hint="zero_init zeroes the second layer fc2 only (weight and bias); a zero fc1 "
                  "weight gives every input the same hidden units")


@residual_mlp.part("errors", points=1)
def residual_mlp_errors(f, rng):
    in_dim, width, depth, num_classes = 4, int(rng.integers(5, 9)), 2, 3
    cases = [
        ((in_dim, width, 2.0, num_classes),
         "depth=2.0 is a float, not an integer: raise ValueError (range(2.0) raises a TypeError "
         "of its own, not the ValueError the exercise asks)"),
        ((in_dim, width, True, num_classes),
         "depth=True is a bool, not an integer (range(True) would build 1 block): check "
         "isinstance(depth, bool) before isinstance(depth, int)"),
        ((in_dim, width, -1, num_classes), "depth=-1: the number of blocks cannot be negative"),
        ((0, width, depth, num_classes), "in_dim=0: sizes must be positive integers"),
        ((in_dim, float(width), depth, num_classes),
         f"width={float(width)} is a float: sizes must be integers"),
        ((in_dim, width, depth, True), "num_classes=True is a bool, not an integer"),
    ]
    for args, hint in cases:
        f.check_raises(ValueError, *args, hint=hint)


# --------------------------------------------------------------------------- #
# first_layer_grad_norm
# --------------------------------------------------------------------------- #

def _build_model(spec, dtype, training, frozen, grads):
    """A torch classifier from plain data (built beside the learner's code, and here for the
    expected values). ``spec`` lists its modules: ["linear", W, b] (W of shape (out, in)),
    ["relu"], ["tanh"], ["layernorm", weight, bias], ["batchnorm", weight, bias, mean, var],
    ["seq", [modules]]. The model is converted to ``dtype``, put in training mode or not; the
    parameters whose indices are in ``frozen`` do not require gradients, and ``.grad`` of the
    i-th parameter is ``grads[i]`` (an array or None)."""
    import torch

    kind_of = getattr(torch, dtype)

    def build(items):
        modules = []
        for item in items:
            kind = item[0]
            if kind == "linear":
                module = torch.nn.Linear(item[1].shape[1], item[1].shape[0])
            elif kind == "layernorm":
                module = torch.nn.LayerNorm(len(item[1]))
            elif kind == "batchnorm":
                module = torch.nn.BatchNorm1d(len(item[1]))
            elif kind == "seq":
                modules.append(torch.nn.Sequential(*build(item[1])))
                continue
            else:
                modules.append(torch.nn.ReLU() if kind == "relu" else torch.nn.Tanh())
                continue
            module.to(kind_of)           # in place, before the values are copied in
            with torch.no_grad():
                for tensor, value in zip(module.parameters(), item[1:3]):
                    tensor.copy_(torch.as_tensor(value))
                for tensor, value in zip(module.buffers(), item[3:]):
                    tensor.copy_(torch.as_tensor(value))
            modules.append(module)
        return modules

    model = torch.nn.Sequential(*build(spec))
    model.train(training)
    for i, p in enumerate(model.parameters()):
        p.requires_grad_(i not in frozen)
        p.grad = None if grads[i] is None else torch.as_tensor(grads[i], dtype=p.dtype).clone()
    return model


def _state_of(model):
    """The model as plain data: every parameter's name, requires_grad, value and .grad (float64
    arrays; None for no gradient), every buffer's name and value, every module's name and
    training flag."""
    params = [[name, bool(p.requires_grad), p.detach().double().numpy(),
               None if p.grad is None else p.grad.detach().double().numpy()]
              for name, p in model.named_parameters()]
    buffers = [[name, b.detach().double().numpy()] for name, b in model.named_buffers()]
    modes = [[name or "(the model)", bool(m.training)] for name, m in model.named_modules()]
    return {"parameters": params, "buffers": buffers, "modes": modes}


def _same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a.shape == b.shape and np.array_equal(a, b)


def _count_parameters(spec):
    """The number of parameter tensors of the model ``_build_model`` makes from ``spec``."""
    return sum(_count_parameters(item[1]) if item[0] == "seq" else
               2 * (item[0] in ("linear", "layernorm", "batchnorm")) for item in spec)


def _linear(rng, n_in, n_out):
    return ["linear", rng.normal(size=(n_out, n_in)) / np.sqrt(n_in), 0.1 * rng.normal(size=n_out)]


def _grad_norm_alternatives(model, X, y):
    """Common mistakes, each computed here on a model built here: ``[(value, hint)]``."""
    F_ = torch.nn.functional
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    first_param = next(model.parameters())
    model.requires_grad_(True)         # our own copy: every mistake's gradient can be taken
    params = list(model.parameters())
    x = torch.as_tensor(X, dtype=linears[0].weight.dtype)
    t = torch.as_tensor(y)

    def grad_of(loss, wrt):
        return torch.autograd.grad(loss, wrt)

    g = dict(zip(map(id, params), grad_of(F_.cross_entropy(model(x), t), params)))
    g_first = g[id(linears[0].weight)].double()
    out = [
        (float(torch.linalg.norm(g_first)) ** 2,
         "the SQUARED norm: the Frobenius norm is sqrt(sum of squares)"),
        (float(torch.linalg.matrix_norm(g_first, ord=2)),
         "the spectral norm (largest singular value): the Frobenius norm is sqrt(sum of squares), "
         "torch.linalg.norm(grad)"),
        (float(torch.linalg.norm(g[id(linears[0].weight)])),
         "the norm computed in float32: compute it in float64, float(grad.double().norm()) (in "
         "float32 the squares of tiny entries underflow to 0)"),
        (len(y) * float(torch.linalg.norm(g_first)),
         "the SUM of the losses over the batch: the loss is the MEAN cross-entropy "
         "(F.cross_entropy's default)"),
        (float(torch.linalg.norm(g[id(linears[0].bias)].double())),
         "the gradient of the first layer's BIAS: the exercise asks for its weight"),
        (float(torch.linalg.norm(g[id(linears[-1].weight)].double())),
         "the gradient of the LAST nn.Linear: the exercise asks for the FIRST nn.Linear of "
         "model.modules()"),
        (float(torch.sqrt(sum((v.double() ** 2).sum() for v in g.values()))),
         "the gradient of ALL the parameters: only the weight of the FIRST nn.Linear of "
         "model.modules() counts"),
    ]
    if first_param is not linears[0].weight:
        out.append((float(torch.linalg.norm(g[id(first_param)].double())),
                    "the gradient of the model's FIRST PARAMETER (here a normalisation layer's "
                    "weight): the exercise asks for the weight of the first nn.Linear of "
                    "model.modules(), next(m for m in model.modules() if isinstance(m, nn.Linear))"))
    if not model.training:
        model.train()
        (g_train,) = grad_of(F_.cross_entropy(model(x), t), [linears[0].weight])
        out.append((float(torch.linalg.norm(g_train.double())),
                    "the gradient in TRAINING mode: the model is in evaluation mode (model.eval()), "
                    "where BatchNorm uses its running statistics; measure it in its own mode, "
                    "without model.train()"))
    return out


def _norm_case(f, spec, X, y, *, dtype="float32", training=True, frozen=(), grads=None,
               expected=None, what, hint):
    """Build the model beside the learner's code, call first_layer_grad_norm on it, compare
    with ``expected`` (the reference's on the same model built here if None) and check that
    the model was left exactly as it was."""
    grads = grads if grads is not None else [None] * _count_parameters(spec)
    args = (spec, dtype, training, list(frozen), grads)
    here = _build_model(*args)
    before = _state_of(here)
    if expected is None:
        expected = ref.first_layer_grad_norm(_build_model(*args), X, y)
    inputs = f"{what}, in {'training' if training else 'evaluation'} mode, {dtype}; X of shape " \
             f"{X.shape}, y={describe(y)}"
    model = f.run_helper(_build_model, *args)
    try:
        got = f(model, X, y)
    except StudentError as err:
        message = str(err).split("\n  input:")[0]
        dtype_error = any(word in message for word in ("dtype", "Double", "Float"))
        fail("first_layer_grad_norm raised an error.", inputs=inputs, detail=message,
             hint=f"convert X to the dtype of the model's parameters ({dtype} here): "
                  "torch.as_tensor(X, dtype=first.weight.dtype)" if dtype_error else
                  "run it on a small torch model of your own and read the error")
    if isinstance(got, bool) or not (isinstance(got, (int, float, np.floating, np.integer))
                                     or (np.ndim(got) == 0 and np.asarray(got).dtype.kind == "f")):
        fail("first_layer_grad_norm should return a float.", inputs=inputs, expected="a float",
             received=describe(got), hint="return float(norm)")
    rtol = 1e-4 if dtype == "float32" else 1e-8
    if not _close(float(got), expected, rtol):
        # the mistake whose value is the nearest to the result, if it is close to it
        named = sorted((abs(float(got) - value), text) for value, text in
                       _grad_norm_alternatives(_build_model(*args), X, y)
                       if not _close(value, expected, rtol) and _close(float(got), value, rtol))
        hint = _nearest(named, hint)
    assert_close(float(got), expected, rtol=rtol, what="the gradient norm", inputs=inputs,
                 hint=hint)
    after = f.run_helper(_state_of, model)
    for (name, grad_before, _, _), (_, grad_after, _, _) in zip(before["parameters"],
                                                                after["parameters"]):
        if grad_before != grad_after:
            fail("first_layer_grad_norm changed which parameters require gradients.",
                 inputs=inputs, expected=f"{name}.requires_grad = {grad_before}, as before the call",
                 received=f"{name}.requires_grad = {grad_after}",
                 hint="a measurement leaves the model as it found it: do not switch requires_grad "
                      "(torch.autograd.grad(loss, weight) needs nothing switched), or put every "
                      "flag back as it was")
    for (name, mode_before), (_, mode_after) in zip(before["modes"], after["modes"]):
        if mode_before != mode_after:
            fail("first_layer_grad_norm changed the model's mode.", inputs=inputs,
                 expected=f"{name} in {'training' if mode_before else 'evaluation'} mode, as "
                          "before the call",
                 received=f"{'training' if mode_after else 'evaluation'} mode",
                 hint="a measurement leaves the model as it found it: do not call model.eval() "
                      "or model.train() (the model is measured in its own mode), or restore it "
                      "with model.train(was_training)")
    for (name, _, _, g_before), (_, _, _, g_after) in zip(before["parameters"], after["parameters"]):
        if not _same(g_before, g_after):
            fail("first_layer_grad_norm changed the model's own gradients.", inputs=inputs,
                 expected=f"{name}.grad as before the call: {describe(g_before)}",
                 received=describe(g_after),
                 hint="use torch.autograd.grad(loss, weight), which returns the gradient without "
                      "storing it in .grad (loss.backward() accumulates into .grad, and "
                      "model.zero_grad() erases the gradients the caller had)")
    for (name, _, v_before, _), (_, _, v_after, _) in zip(before["parameters"], after["parameters"]):
        if not _same(v_before, v_after):
            fail("first_layer_grad_norm changed the model's weights.", inputs=inputs,
                 expected=f"{name} unchanged", received=describe(v_after),
                 hint="measure the gradient, take no step: the parameters must stay as they were")
    for (name, b_before), (_, b_after) in zip(before["buffers"], after["buffers"]):
        if not _same(b_before, b_after):
            fail("first_layer_grad_norm changed the model's buffers.", inputs=inputs,
                 expected=f"{name} unchanged", received=describe(b_after),
                 hint="a forward pass in training mode updates BatchNorm's running statistics: "
                      "leave the model in its own mode")
    if len(after["parameters"]) != len(before["parameters"]) or \
            len(after["modes"]) != len(before["modes"]):
        fail("first_layer_grad_norm changed the model's structure.", inputs=inputs,
             hint="a measurement leaves the model as it found it")


@grad_norm.part("values", points=3)
def grad_norm_values(f, rng):
    # One Linear(2, 2) layer with W = 0, b = 0, X = [[1, 0], [0, 1]], y = [0, 1]: the logits are
    # 0, p = [1/2, 1/2], and dL_n/dlogits = p - onehot(y_n) is [-1/2, 1/2] and [1/2, -1/2]. The
    # mean loss's dL/dW = (1/N) sum_n outer(dlogits_n, x_n) (torch's weight is (out, in))
    # = (1/2) ([[-1/2, 0], [1/2, 0]] + [[0, 1/2], [0, -1/2]]) = [[-1/4, 1/4], [1/4, -1/4]], of
    # Frobenius norm sqrt(4 / 16) = 1/2. The SUM of the two losses would give 1, the squared
    # norm 1/4, the bias's gradient (the mean of dlogits) 0.
    X, y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 1])
    _norm_case(f, [["linear", np.zeros((2, 2)), np.zeros(2)]], X, y, expected=0.5,
               what="one nn.Linear(2, 2) with W = 0, b = 0",
               hint="the loss is the MEAN cross-entropy over the batch (F.cross_entropy's default), "
                    "not the sum; the norm is the Frobenius norm sqrt(sum of squares)")
    # The same layer, the inputs scaled by 1e-25: the gradient is 1e-25 times the one above, of
    # norm 1e-25 / 2 (section 3's deep plain networks have first-layer gradients that small).
    # Its entries are normal float32 numbers, but their squares (~6e-52) are below the smallest
    # float32 (~1.4e-45): a norm computed in float32 comes out as 0.
    _norm_case(f, [["linear", np.zeros((2, 2)), np.zeros(2)]], 1e-25 * X, y,
               expected=0.5e-25, what="the same layer, X = 1e-25 * [[1, 0], [0, 1]]",
               hint="compute the norm in float64, float(grad.double().norm()): in float32 the "
                    "squares of entries this small underflow to 0, and so does the norm")
    d, h, c, n = 6, int(rng.integers(4, 9)), 4, int(rng.integers(8, 20))
    X, y = rng.normal(size=(n, d)), rng.integers(0, c, size=n)
    # Linear, ReLU, Linear, with a gradient already in the second layer's weight.
    grads = [None, None, rng.normal(size=(c, h)), None]
    _norm_case(f, [_linear(rng, d, h), ["relu"], _linear(rng, h, c)], X, y, grads=grads,
               what=f"Sequential(Linear({d}, {h}), ReLU, Linear({h}, {c})), a .grad already in "
                    "the second layer's weight",
               hint="the gradient of the weight of the FIRST nn.Linear in model.modules(), of the "
                    "mean cross-entropy, its Frobenius norm")
    # A LayerNorm first, the first Linear inside a nested Sequential, float64: the first
    # parameter is not the first Linear's weight. The last layer is frozen.
    spec = [["layernorm", 1 + 0.1 * rng.normal(size=d), 0.1 * rng.normal(size=d)],
            ["seq", [_linear(rng, d, h), ["tanh"]]], _linear(rng, h, c)]
    grads = [None, rng.normal(size=d), None, rng.normal(size=h), None, None]
    _norm_case(f, spec, X, y, dtype="float64", frozen=(4, 5), grads=grads,
               what=f"Sequential(LayerNorm({d}), Sequential(Linear({d}, {h}), Tanh), "
                    f"Linear({h}, {c}) with requires_grad=False), .grad already in two parameters",
               hint="the weight of the first nn.Linear of model.modules(), which need not hold the "
                    "model's first parameter (here a LayerNorm's) nor be model[0]: "
                    "next(m for m in model.modules() if isinstance(m, nn.Linear))")
    # A BatchNorm1d first, in evaluation mode (its running statistics used, not the batch's).
    spec = [["batchnorm", 1 + 0.2 * rng.normal(size=d), 0.2 * rng.normal(size=d),
             0.5 * rng.normal(size=d), rng.uniform(0.5, 2.0, size=d)],
            _linear(rng, d, h), ["relu"], _linear(rng, h, c)]
    grads = [rng.normal(size=d), None, rng.normal(size=(h, d)), None, None, None]
    _norm_case(f, spec, X, y, training=False, grads=grads,
               what=f"Sequential(BatchNorm1d({d}), Linear({d}, {h}), ReLU, Linear({h}, {c})), "
                    ".grad already in two parameters",
               hint="measure the model as it is, in its own mode: in evaluation mode BatchNorm "
                    "normalises with its running statistics (model.train() would use the "
                    "batch's); and the first nn.Linear, not the first parameter")


# --------------------------------------------------------------------------- #
# The quiz
# --------------------------------------------------------------------------- #

checks.quiz(points=2, questions=[
    Choice("q1", "A layer of a PLAIN network learns nothing useful, and weight decay drives its "
                 "weights and bias to zero. What does the network compute from then on?",
           {"a": "The identity: the layer passes its input through.",
            "b": "A constant: every input gives the same output, since the layer outputs 0 "
                 "(or relu(0) = 0) whatever it receives.",
            "c": "The same function as before, only smaller."},
           answer="b",
           why="h = relu(0 * x + 0) = 0 for every x, so everything after the layer sees the same "
               "input: the network forgets the data."),
    Choice("q2", "The same happens to the correction F of a residual block h + F(h). What does "
                 "the block compute?",
           {"a": "A constant.", "b": "Zero.", "c": "The identity: h + 0 = h."},
           answer="c",
           why="A residual block that learns nothing gets out of the way; a deeper residual "
               "network can always fall back to a shallower one."),
    Number("q3", "A scalar residual block is b(x) = x + F(x) with F'(x) = -0.2 at some x. "
                 "What is the derivative b'(x) there?",
           answer=0.8, rtol=1e-6,
           why="b'(x) = 1 + F'(x) = 1 - 0.2 = 0.8: the identity path contributes the 1."),
    # Asked to 3 significant figures: 9.54e-7 and 9.5e-7 are within 1 %, while the order of
    # magnitude 1e-6 of the lesson's text (5 % away) is not the number asked.
    Number("q4", "A chain of 20 scalar plain layers each has derivative 0.5. By what factor is "
                 "a gradient multiplied when it crosses all 20 (backpropagation)? Give it to 3 "
                 "significant figures.",
           answer=0.5 ** 20, rtol=1e-2,
           why="The chain rule multiplies the 20 factors: 0.5^20 ≈ 9.54e-7: the gradient vanishes."),
    # 3 significant figures: 2.65 is 0.1 % from 1.05^20 = 2.6533; within 1 %.
    Number("q5", "A chain of 20 scalar residual blocks each has derivative 1 + 0.05. By what "
                 "factor is a gradient multiplied when it crosses all 20? Give it to 3 "
                 "significant figures.",
           answer=1.05 ** 20, rtol=1e-2,
           why="1.05^20 ≈ 2.65: factors near 1 multiply to a number of order 1, not 0 or infinity."),
    Choice("q6", "Why does zero_init (the last layer of every block set to 0) make a deep "
                 "residual network easy to start training?",
           {"a": "At the start the network is as shallow as its input and output layers, and "
                 "every block's Jacobian is exactly I, so gradients reach the first layer intact.",
            "b": "Zero weights make the loss zero.",
            "c": "Zero weights stop the blocks from ever learning."},
           answer="a",
           why="The blocks' last layers still receive gradients (their input relu(h W1 + b1) is "
               "not zero), so they grow away from zero as soon as training needs them to."),
    Choice("q7", "A zero_init that sets BOTH layers of every block to zero (weights and biases) "
                 "also starts every block as the identity. What happens when training starts?",
           {"a": "The blocks learn as with fc2 alone at zero.",
            "b": "The blocks never learn: relu(h 0 + 0) = 0 gives fc2 a zero gradient, so fc2 "
                 "stays 0, and fc1's gradient passes through fc2 = 0.",
            "c": "The loss diverges."},
           answer="b",
           why="fc2's gradient is relu(h W1 + b1)^T delta = 0, and fc1's is h^T (delta W2^T * "
               "relu'(0)) = 0: nothing ever moves, the block is dead for ever. With fc1 left at "
               "random, fc2 gets a gradient at the first step and fc1 at the next."),
])
