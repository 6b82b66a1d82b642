"""The numbers and comparisons of lesson 12's prose, checked against the executed lesson
(see claims.py)."""

from claims import Claims, about, at_most, between, equals, holds

claims = Claims("12_residual_networks")

# --- section 1: the collapse, in numbers (plain_out and resid_out from 300 digit images)
claims.add("Take 300 digit images (64 pixels each)", "list(x.shape)", equals([300, 64]),
           after="plain_out =")
claims.add("The plain layer sends every image to the same vector (spread 0)",
           "float(np.ptp(plain_out, axis=0).max())", equals(0.0), after="plain_out =")
claims.add("The residual block returns each image exactly (distance 0)",
           "float(np.abs(resid_out - x).max())", equals(0.0), after="plain_out =")

# --- section 2: the order of magnitude the quiz's q4 asks to 3 significant figures
claims.add(r"0.5^{20} \approx 10^{-6}", "0.5 ** 20", between(0.5e-6, 2e-6))

# --- the worked nn.Module (stack = TanhStack(3, 4, 2, 2), zeroed with zero_output=True)
claims.add("torch initialises both at random, uniformly in",
           "all(float(m.weight.detach().abs().max()) <= 1 / np.sqrt(m.in_features) and "
           "float(m.bias.detach().abs().max()) <= 1 / np.sqrt(m.in_features) "
           "for m in stack.modules() if isinstance(m, nn.Linear))", holds())
claims.add("The parameters come out in the order the layers were assigned (`inp`, `hidden.0`, "
           "`hidden.1`, `out`)",
           "[name.rsplit('.', 1)[0] for name, _ in stack.named_parameters()][::2]",
           equals(["inp", "hidden.0", "hidden.1", "out"]))
claims.add("each weight of shape `(n_out, n_in)`, float32 and requiring gradients",
           "all(m.weight.shape == (m.out_features, m.in_features) for m in stack.modules() "
           "if isinstance(m, nn.Linear)) and all(p.dtype == torch.float32 and p.requires_grad "
           "for p in stack.parameters())", holds())
claims.add("lists the stack itself, then its layers in that same order (the `ModuleList` among them)",
           "[type(m).__name__ for m in stack.modules()]",
           equals(["TanhStack", "Linear", "ModuleList", "Linear", "Linear", "Linear"]))
claims.add("With `zero_output=True` every output is exactly 0 whatever the input",
           "zeroed(torch.randn(50, 3)).detach().abs().max().item()", equals(0.0))
claims.add("`Unregistered()` has 0 parameters",
           "sum(p.numel() for p in Unregistered().parameters())", equals(0))

# --- section 3: gradients at initialisation. scan[kind, depth] holds every layer's gradient
# norm (float64), input layer first; scan["plain", 16] is the first figure at its default depth.
claims.add("With 16 blocks it falls by a factor between 1.5 and 5 per layer",
           "p = scan['plain', 16]\nr = p[10:] / p[9:-1]\n1.5 <= r.min() and r.max() <= 5",
           holds())
claims.add("about 2.7 on average (a nearly straight line on the log scale), from the output layer "
           "down to layer 9",
           "p = scan['plain', 16]\n(p[-1] / p[9]) ** (1 / (len(p) - 1 - 9))", about(2.7, abs=0.15))
claims.add("below that the line levels off, and layers 0 to 8 all get less than",
           "p = scan['plain', 16]\n"
           "bool(p[:9].max() < 1e-12 and p[:9].max() / p[:9].min() < 10)", holds())
# The gradient of a layer's weight, sum_n outer(delta_n, a_n), splits into the part of the
# batch's mean input a_bar (sum_n outer(delta_n, a_bar)) and the part of the differences between
# images (sum_n outer(delta_n, a_n - a_bar)); both computed for the plain network of 16 blocks
# as show_gradients builds it (torch.manual_seed(0), PlainMLP first), with forward hooks.
PARTS = """
with torch.random.fork_rng():
    torch.manual_seed(0)
    net = ref.PlainMLP(64, 32, 16, 10)
xs = torch.as_tensor(Xg, dtype=torch.float32)
layers = linears_in_call_order(net, xs)
seen = {}
hooks = [m.register_forward_hook(lambda mod, inp, out: seen.__setitem__(mod, (inp[0], out)))
         for m in layers]
logits = net(xs)
for hook in hooks:
    hook.remove()
deltas = torch.autograd.grad(F.cross_entropy(logits, torch.as_tensor(yg)),
                             [seen[m][1] for m in layers])
inputs = [seen[m][0].detach().double() for m in layers]
means = [a.mean(0, keepdim=True) for a in inputs]
differences = np.array([float((d.double().T @ (a - m)).norm())
                        for a, m, d in zip(inputs, means, deltas)])
average = np.array([float((d.double().T @ m.expand_as(a)).norm())
                    for a, m, d in zip(inputs, means, deltas)])
"""
claims.add("Near the input the gradient of a layer's weight is carried mostly by how much the "
           "layer's input differs from image to image (layers 0 to 5)",
           PARTS + "[bool(v) for v in differences[:7] > average[:7]]",
           equals([True] * 6 + [False]))
claims.add("that part stays about the same, within a factor of 2, from layer 0 to layer 13",
           PARTS + "float(differences[:14].max() / differences[:14].min())", at_most(2))
claims.add("the differences between images shrink going up through the same layers that shrink "
           "the backward signal going down",
           PARTS + "spread = [float(a.std(0).norm()) for a in inputs[:14]]\n"
           "signal = [float(d.norm()) for d in deltas[:14]]\n"
           "bool(np.all(np.diff(spread) < 0) and np.all(np.diff(signal) > 0))", holds())
claims.add("the plain network's first-layer gradient falls by a factor of about 6 per block",
           "f = [scan['plain', d][0] for d in depths_scan]\n(f[0] / f[-1]) ** (1 / (len(f) - 1))",
           about(6, rel=0.1))
claims.add(r"from $6 \times 10^{-2}$ with 1 block", "scan['plain', 1][0]", about(0.06, abs=0.005))
claims.add(r"to $10^{-13}$ with 16", "scan['plain', 16][0]", between(5e-14, 2e-13))
claims.add(r"and $3 \times 10^{-23}$ with 28", "scan['plain', 28][0]", about(3e-23, rel=0.2))
# A float32 square rounds to 0 below half the smallest float32 (the smallest subnormal,
# ~1.4e-45), so entries below sqrt(1.4e-45 / 2) ~ 2.6e-23 square to exactly 0.
claims.add(r"in float32 the squares of entries below about $3 \times 10^{-23}$ underflow to 0",
           "tiny = (float(np.finfo(np.float32).smallest_subnormal) / 2) ** 0.5\n"
           "[round(tiny / 1e-23, 1), float(np.float32(0.99 * tiny) ** 2), "
           "float(np.float32(1.01 * tiny) ** 2) > 0]", equals([2.6, 0.0, True]))
# The first-layer gradient norm as a float32 computation gives it: 0 from 28 blocks on.
claims.add("so from 28 blocks on the norm would come out as exactly 0",
           "zero = []\n"
           "for d in depths_scan:\n"
           "    with torch.random.fork_rng():\n"
           "        torch.manual_seed(0)\n"
           "        net = ref.PlainMLP(64, 32, int(d), 10)\n"
           "    xs = torch.as_tensor(Xg, dtype=torch.float32)\n"
           "    loss = F.cross_entropy(net(xs), torch.as_tensor(yg))\n"
           "    (g,) = torch.autograd.grad(loss, linears_in_call_order(net, xs)[0].weight)\n"
           "    zero.append(float(g.norm()) == 0.0)\n"
           "[int(d) for d, z in zip(depths_scan, zero) if z]", equals(list(range(28, 33))))
claims.add("the layers' norms stay within a factor of 15 of each other at every depth from 1 to 32",
           "max(float(scan['residual', d].max() / scan['residual', d].min()) for d in depths_scan)",
           at_most(15))
claims.add("and the first layer's stays between 0.4 and 1",
           "f = [scan['residual', d][0] for d in depths_scan]\nbool(0.4 <= min(f) and max(f) <= 1)",
           holds())

# --- section 4: training. runs[kind, depth] = (model, loss at every step, validation accuracy);
# "the loss at the end" is the mean of the last 10 steps', "at the start" of the first 10.
END = "end = {k: float(np.mean(v[1][-10:])) for k, v in runs.items()}\n"
START = "start = {k: float(np.mean(v[1][:10])) for k, v in runs.items()}\n"
claims.add("With 2 blocks both networks learn, the residual one faster",
           END + START + "[end[kind, 2] < 0.8 * start[kind, 2] for kind in ('plain', 'residual')]"
           " + [end['residual', 2] < end['plain', 2]]", equals([True, True, True]))
claims.add(r"With 8 and 16 blocks the plain network barely moves from $\log 10 \approx 2.3$",
           "max(float(np.abs(runs['plain', d][1] - np.log(10)).max()) for d in (8, 16))",
           at_most(0.05))
claims.add(r"$\log 10 \approx 2.3$, the loss of guessing", "float(np.log(10))", about(2.3, abs=0.01))
claims.add("The residual network trains *better* as it gets deeper",
           END + "[end['residual', 2] > end['residual', 8] > end['residual', 16], "
           "runs['residual', 2][2] < runs['residual', 8][2] < runs['residual', 16][2]]",
           equals([True, True]))
# the signal reaching the last layers of the trained plain network of 16 blocks: how much the
# head's input differs from image to image, against the first block's input
claims.add("the signal reaching its last layers carries little of the input",
           "net = runs['plain', 16][0]\n"
           "xs = torch.as_tensor(X_val, dtype=torch.float32)\n"
           "layers = linears_in_call_order(net, xs)\n"
           "seen = {}\n"
           "hooks = [m.register_forward_hook(lambda mod, inp, out: seen.__setitem__(mod, inp[0])) "
           "for m in (layers[1], layers[-1])]\n"
           "with torch.no_grad():\n"
           "    net(xs)\n"
           "for hook in hooks:\n"
           "    hook.remove()\n"
           "float(seen[layers[-1]].std(0).norm() / seen[layers[1]].std(0).norm())", at_most(1e-3))
claims.add("the deeper plain ones never learned anything to lose",
           "[round(runs['plain', d][2], 2) for d in (8, 16)]", equals([0.08, 0.08]))

# --- the collapse in a trained network: collapse[kind] from zero_last_block
claims.add("gives the same logits for every image (spread 0)", "collapse['plain']['spread']",
           equals(0.0))
claims.add("accuracy falls to about 10%, chance", "collapse['plain']['accuracy']",
           about(0.1, abs=0.03))
claims.add("The residual network's zeroed block now returns its input exactly (difference 0)",
           "collapse['residual']['change']", equals(0.0))
claims.add("keeps most of its accuracy",
           "collapse['residual']['accuracy'] >= 0.8 * collapse['residual']['before']", holds())

# --- the summary
claims.add("plain networks get worse with depth and stall at 8-16 blocks",
           END + "[end['plain', 2] < end['plain', 8], "
           "all(abs(end['plain', d] - np.log(10)) < 0.05 for d in (8, 16))]", equals([True, True]))
claims.add("residual networks get better",
           END + "end['residual', 2] > end['residual', 8] > end['residual', 16]", holds())
