"""Checks of lesson 12 (residual networks): the residual block in NumPy, the residual MLP in
torch (checked by behaviour only, so any module layout passes) and the first layer's gradient
norm (its value, the mean over the batch, and the model's own gradients left as they were).

Expected values come from :mod:`source_lib.residual` or are derived by hand in a comment.
Torch models are built by helpers of this module inside the student's process
(``f.run_helper``), so that the checks can read the very model the student's code touched.
"""

import numpy as np

from source_lib import residual as ref
from source_lib.checks import NUMPY, Choice, Lesson, Number
from source_lib.testing import assert_close, describe, fail

checks = Lesson("12_residual_networks")
TORCH = NUMPY + ("torch",)   # the torch exercises may use torch; residual_block may not

residual_block = checks.exercise("residual_block", ref.residual_block)
residual_mlp = checks.exercise("ResidualMLP", ref.ResidualMLP, time_limit=20.0, imports=TORCH)
grad_norm = checks.exercise("first_layer_grad_norm", ref.first_layer_grad_norm, imports=TORCH)


# --------------------------------------------------------------------------- #
# residual_block
# --------------------------------------------------------------------------- #

@residual_block.part("values", points=3)
def residual_block_values(f, rng):
    # x = [[-1, 2]], W1 = W2 = I, b1 = b2 = 0: relu(x) = [0, 2], so the block gives
    # x + [0, 2] = [-1, 4]. A ReLU after the addition would give [0, 4].
    eye = np.eye(2)
    f.expect(np.array([[-1.0, 4.0]]), np.array([[-1.0, 2.0]]), eye, np.zeros(2), eye, np.zeros(2),
             rtol=1e-12, what="the block's output",
             hint="the ReLU acts inside the correction only: x + relu(x @ W1 + b1) @ W2 + b2, "
                  "with no ReLU applied to the sum")
    # The same block with b1 = [1, -3], b2 = [0.5, -0.5]: relu([-1 + 1, 2 - 3]) = [0, 0], so the
    # output is x + b2 = [-0.5, 1.5]: the biases count, b1 inside the ReLU and b2 outside it.
    f.expect(np.array([[-0.5, 1.5]]), np.array([[-1.0, 2.0]]), eye, np.array([1.0, -3.0]), eye,
             np.array([0.5, -0.5]), rtol=1e-12, what="the block's output",
             hint="add b1 before the ReLU and b2 after the second matrix product")
    # W2 = 0 and b2 = 0: F(x) = 0, the block is the identity (whatever W1 and b1).
    x = rng.normal(size=(4, 3))
    f.expect(x, x, rng.normal(size=(3, 5)), rng.normal(size=5), np.zeros((5, 3)), np.zeros(3),
             rtol=1e-12, what="the block with W2 = 0, b2 = 0",
             hint="a block whose correction is zero must return its input unchanged: x + F(x)")
    # Random blocks with a hidden width that differs from the width of x.
    for n, d, h in [(5, 4, 7), (1, 6, 3), (int(rng.integers(2, 9)), int(rng.integers(2, 9)),
                                           int(rng.integers(2, 9)))]:
        f.check(rng.normal(size=(n, d)), rng.normal(size=(d, h)), rng.normal(size=h),
                rng.normal(size=(h, d)), rng.normal(size=d), rtol=1e-10, atol=1e-12,
                hint="x + relu(x @ W1 + b1) @ W2 + b2: W1 is (D, H), W2 is (H, D)")


@residual_block.part("errors", points=1)
def residual_block_errors(f, rng):
    # x has width 1 and W2 maps to width 3: NumPy would broadcast x + (N, 3) silently.
    x = rng.normal(size=(4, 1))
    f.check_raises(ValueError, x, rng.normal(size=(1, 2)), rng.normal(size=2),
                   rng.normal(size=(2, 3)), rng.normal(size=3),
                   hint="W2 maps to 3 columns but x has 1: the block would change the width "
                        "(NumPy broadcasts (4, 1) + (4, 3) without complaint); compare "
                        "W2.shape[1] with x.shape[1] and raise ValueError")
    x = rng.normal(size=(4, 3))
    f.check_raises(ValueError, x, rng.normal(size=(3, 2)), rng.normal(size=2),
                   rng.normal(size=(2, 5)), rng.normal(size=5),
                   hint="W2 maps to 5 columns but x has 3: a residual block cannot change the width")


# --------------------------------------------------------------------------- #
# ResidualMLP (in the student's process, through helpers)
# --------------------------------------------------------------------------- #

def _probe_mlp(model, X, in_dim, num_classes):
    """The model's output on X, the outputs of its input and output layers alone
    (input layer, optional ReLU, output layer: what the model is when every block is the
    identity), and its number of parameters."""
    import numpy as np
    import torch

    params = list(model.parameters())
    dtype = params[0].dtype if params else torch.get_default_dtype()
    x = torch.as_tensor(X, dtype=dtype)
    with torch.no_grad():
        out = model(x)
        linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
        stems = [m for m in linears if m.in_features == in_dim]
        heads = [m for m in linears if m.out_features == num_classes]
        skipped = []
        if len(stems) == 1 and len(heads) == 1:
            h = stems[0](x)
            skipped = [heads[0](h).double().numpy(), heads[0](torch.relu(h)).double().numpy()]
    out = out.detach().double().numpy() if isinstance(out, torch.Tensor) else np.asarray(out)
    return out, skipped, int(sum(p.numel() for p in params))


def _train_mlp(model, X, y, steps):
    """Adam (lr 1e-2, written out: torch.optim's first use imports its compiler, which takes
    seconds) for ``steps`` full-batch steps; the losses, or None without trainable parameters.
    Self-contained (not ``source_lib.residual._Adam``): it runs in the grading worker, where
    the course library is hidden."""
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        return None
    x = torch.as_tensor(X, dtype=params[0].dtype)
    t = torch.as_tensor(y, dtype=torch.long)
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    losses = []
    for k in range(1, steps + 1):
        loss = torch.nn.functional.cross_entropy(model(x), t)
        grads = torch.autograd.grad(loss, params, allow_unused=True)
        with torch.no_grad():
            for p, g, mk, vk in zip(params, grads, m, v):
                if g is None:
                    continue
                mk.mul_(0.9).add_(g, alpha=0.1)
                vk.mul_(0.999).addcmul_(g, g, value=0.001)
                p.sub_(1e-2 * (mk / (1 - 0.9 ** k)) / ((vk / (1 - 0.999 ** k)).sqrt() + 1e-8))
        losses.append(float(loss))
    return losses


def _mlp(f, *args, **kwargs):
    model = f(*args, **kwargs)
    if isinstance(model, (int, float, str, list, tuple, dict, np.ndarray)) or model is None:
        fail("ResidualMLP(...) should build a torch.nn.Module.", inputs=f.describe_call(args, kwargs),
             expected="a ResidualMLP instance", received=describe(model),
             hint="class ResidualMLP(torch.nn.Module) with __init__ calling super().__init__()")
    return model


@residual_mlp.part("values", points=4)
def residual_mlp_values(f, rng):
    # Sizes all different, so that the input layer (in_dim -> width) and the output layer
    # (width -> num_classes) are the only nn.Linear layers with those in/out sizes.
    in_dim, width, num_classes, n = 5, 12, 3, 16
    X = rng.normal(size=(n, in_dim))
    sizes = f"in_dim={in_dim}, width={width}, depth=3, num_classes={num_classes}"

    model = _mlp(f, in_dim, width, 3, num_classes, zero_init=True)
    out, skipped, count3 = f.run_helper(_probe_mlp, model, X, in_dim, num_classes)
    if np.shape(out) != (n, num_classes):
        fail("ResidualMLP's forward returns the wrong shape.", inputs=f"{sizes}, x of shape {X.shape}",
             expected=f"logits of shape ({n}, {num_classes})", received=f"shape {np.shape(out)}",
             hint="the output layer maps width -> num_classes; one row of logits per input")
    if not skipped:
        fail("The checks could not find your input and output layers.", inputs=sizes,
             expected=f"one nn.Linear({in_dim}, {width}) and one nn.Linear({width}, {num_classes})",
             received="not exactly one of each among model.modules()",
             hint="build the input and output layers with torch.nn.Linear and register them as "
                  "attributes of the module")
    if not any(np.allclose(out, s, rtol=1e-5, atol=1e-6) for s in skipped):
        fail("With zero_init=True the blocks are not all the identity.", inputs=f"{sizes}, zero_init=True",
             expected="the output of the input layer (and its ReLU) followed directly by the output "
                      "layer, as if there were no blocks", received="a different output",
             detail=f"largest difference {min(np.max(np.abs(out - s)) for s in skipped):.3g}",
             hint="zero the weight AND the bias of the LAST layer of EVERY block (torch.nn.init.zeros_), "
                  "so that F(h) = 0 and h + F(h) = h; the forward must add the input back: h + F(h)")

    model = _mlp(f, in_dim, width, 3, num_classes)
    out, skipped, _ = f.run_helper(_probe_mlp, model, X, in_dim, num_classes)
    if skipped and any(np.allclose(out, s, rtol=1e-5, atol=1e-6) for s in skipped):
        fail("With zero_init=False the blocks do nothing.", inputs=f"{sizes}, zero_init=False",
             expected="blocks that change the output (default initialisation)",
             received="the output of the input and output layers alone",
             hint="zero the blocks' last layers only when zero_init is True")

    _, _, count1 = f.run_helper(_probe_mlp, _mlp(f, in_dim, width, 1, num_classes), X, in_dim,
                                num_classes)
    if not 0 < count1 < count3:
        fail("The number of parameters does not grow with the depth.",
             inputs=f"depth=1 and depth=3 (in_dim={in_dim}, width={width}, num_classes={num_classes})",
             expected="more parameters at depth 3 than at depth 1 (and some at depth 1)",
             received=f"{count1} and {count3} parameters",
             hint="keep the blocks in a torch.nn.ModuleList (a Python list hides their parameters "
                  "from model.parameters()) and build `depth` of them")

    # A learnable task: labels are the argmax of a random linear map of the inputs.
    y = np.argmax(X @ rng.normal(size=(in_dim, num_classes)), axis=1)
    for zero_init in (False, True):
        losses = f.run_helper(_train_mlp, _mlp(f, in_dim, width, 3, num_classes, zero_init=zero_init),
                              X, y, 40)
        if losses is None:
            fail("ResidualMLP has no parameters to train.", inputs=sizes,
                 hint="register the layers as attributes (self.stem = nn.Linear(...)) and the blocks "
                      "in an nn.ModuleList, after super().__init__()")
        if not losses[-1] < 0.7 * losses[0]:
            fail("Training ResidualMLP does not reduce the loss.",
                 inputs=f"{sizes}, zero_init={zero_init}, 40 steps of Adam (lr 0.01) on {n} points",
                 expected=f"a final loss below 0.7 x the first ({0.7 * losses[0]:.3g})",
                 received=f"losses {losses[0]:.3g} -> {losses[-1]:.3g}",
                 hint="every layer must be a registered torch module and forward must use them "
                      "(no .detach(), no NumPy in between)")


# --------------------------------------------------------------------------- #
# first_layer_grad_norm
# --------------------------------------------------------------------------- #

def _build_model(layers, nested, grads):
    """A float32 torch classifier from ``layers`` = [(W, b), ...] (W of shape (out, in)) with
    ReLUs between the layers (the first wrapped in a Sequential of its own if ``nested``), and
    ``.grad`` set to ``grads[i]`` (an array or None) for the i-th parameter."""
    import torch

    mods = []
    for i, (W, b) in enumerate(layers):
        lin = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.as_tensor(W))
            lin.bias.copy_(torch.as_tensor(b))
        mods.append(lin)
        if i < len(layers) - 1:
            mods.append(torch.nn.ReLU())
    if nested:
        mods = [torch.nn.Sequential(*mods[:2])] + mods[2:]
    model = torch.nn.Sequential(*mods)
    for p, g in zip(model.parameters(), grads):
        p.grad = None if g is None else torch.as_tensor(g, dtype=p.dtype).clone()
    return model


def _grads_of(model):
    """The ``.grad`` of every parameter (None or a float64 array)."""
    return [None if p.grad is None else p.grad.detach().double().numpy() for p in model.parameters()]


def _layers(rng, sizes):
    return [(rng.normal(size=(o, i)) / np.sqrt(i), 0.1 * rng.normal(size=o))
            for i, o in zip(sizes[:-1], sizes[1:])]


def _norm(f, layers, X, y, nested=False, grads=None, hint=None, expected=None, what=None):
    grads = grads if grads is not None else [None] * (2 * len(layers))
    # the model is float32: compare its gradients with what it was given, rounded the same way
    grads = [None if g is None else np.asarray(g, dtype=np.float32).astype(np.float64) for g in grads]
    model = f.run_helper(_build_model, layers, nested, grads)
    inputs = (f"a torch model Linear{tuple(layers[0][0].shape[::-1])} -> ... with "
              f"{len(layers)} Linear layers{' (the first inside a nested Sequential)' if nested else ''}, "
              f"X of shape {X.shape}, y={describe(y)}")
    got = f(model, X, y)
    if expected is None:
        expected = ref.first_layer_grad_norm(_build_model(layers, nested, grads), X, y)
    if isinstance(got, bool) or not isinstance(got, (int, float, np.floating, np.integer)):
        if not (np.ndim(got) == 0 and np.asarray(got).dtype.kind == "f"):
            fail("first_layer_grad_norm should return a float.", inputs=inputs, expected="a float",
                 received=describe(got), hint="return float(norm)")
    assert_close(float(got), expected, rtol=1e-4, atol=1e-7, what=what or "the gradient norm",
                 inputs=inputs, hint=hint)
    after = f.run_helper(_grads_of, model)
    for i, (before, now) in enumerate(zip(grads, after)):
        if before is None and now is None:
            continue
        if before is None or now is None or not np.allclose(before, now, rtol=0, atol=0):
            which = f"parameter {i} ({'weight' if i % 2 == 0 else 'bias'} of Linear layer {i // 2})"
            fail("first_layer_grad_norm changed the model's own gradients.", inputs=inputs,
                 expected=f"the .grad of {which} as before the call: {describe(before)}",
                 received=describe(now),
                 hint="use torch.autograd.grad(loss, weight), which returns the gradient without "
                      "storing it in .grad (loss.backward() accumulates into .grad, and "
                      "model.zero_grad() erases the gradients the caller had)")


@grad_norm.part("values", points=3)
def grad_norm_values(f, rng):
    # One Linear(2, 2) layer with W = 0, b = 0 and X = [[1, 0], [1, 0]], y = [0, 0]: the logits
    # are 0, p = [1/2, 1/2], and for each example dL/dlogits = p - onehot(0) = [-1/2, 1/2]; the
    # mean over the two identical examples is the same, and dL/dW = outer(dlogits, x) =
    # [[-1/2, 0], [1/2, 0]] (torch's weight is (out, in)), of Frobenius norm sqrt(1/2).
    # The SUM of the two losses would give twice that.
    _norm(f, [(np.zeros((2, 2)), np.zeros(2))], np.array([[1.0, 0.0], [1.0, 0.0]]),
          np.array([0, 0]), expected=np.sqrt(0.5),
          hint="the loss is the MEAN cross-entropy over the batch (F.cross_entropy's default), "
               "not the sum; the norm is the Frobenius norm sqrt(sum of squares)")
    # Random two- and three-layer networks, the first layer nested, gradients already present.
    d, h, c, n = 6, int(rng.integers(4, 9)), 4, int(rng.integers(8, 20))
    X, y = rng.normal(size=(n, d)), rng.integers(0, c, size=n)
    _norm(f, _layers(rng, [d, h, c]), X, y,
          hint="the gradient of the weight of the FIRST nn.Linear in model.modules(), not of "
               "another layer nor of all the parameters")
    layers = _layers(rng, [d, h, h, c])
    grads = [None, None, rng.normal(size=(h, h)), rng.normal(size=h), None, None]
    _norm(f, layers, X, y, nested=True, grads=grads,
          hint="find the first layer with next(m for m in model.modules() if isinstance(m, "
               "torch.nn.Linear)); model[0] may be a container")


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
    Number("q4", "A chain of 20 scalar plain layers each has derivative 0.5. By what factor is "
                 "a gradient multiplied when it crosses all 20 (backpropagation)?",
           answer=0.5 ** 20, rtol=1e-2,
           why="The chain rule multiplies the 20 factors: 0.5^20 ≈ 9.5e-7: the gradient vanishes."),
    Number("q5", "A chain of 20 scalar residual blocks each has derivative 1 + 0.05. By what "
                 "factor is a gradient multiplied when it crosses all 20?",
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
])
