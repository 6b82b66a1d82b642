"""Claims of lesson 04: the numbers and comparisons of its prose that come from running it
(see claims.py). Each expression reads the lesson's variables, or recomputes, the way the
lesson does, a value that the lesson only prints or draws."""

from claims import Claims, about, at_least, at_most, between, equals, holds

claims = Claims("04_information_theory")


# --- 1. Entropy of a coin -----------------------------------------------------------------------
claims.add("The entropy peaks for a fair coin ($\\log 2 \\approx 0.693$ nats, exactly 1 bit)",
           "[float(heads[np.argmax(H_coin)]), round(float(H_coin.max()), 3)]", equals([0.5, 0.693]))
claims.add("falls to 0 at both ends", "[float(H_coin[0]), float(H_coin[-1])]", equals([0.0, 0.0]))
claims.add("(a 99 % coin still has 0.056 nats)", "ref.entropy(np.array([0.99, 0.01]))",
           about(0.056, abs=0.0005))

# --- Digits against noise ----------------------------------------------------------------------
claims.add("Scikit-learn's digits are 1797 images of\n$8 \\times 8$ pixels with grey levels "
           "$0, 1, \\dots, 16$",
           "[list(digits.shape), int(digits.min()), int(digits.max())]", equals([[1797, 64], 0, 16]))
claims.add("The digit histograms have clearly lower entropy than the noise histograms",
           "bool(H_digit_images.max() < H_noise_images.min())", holds())
claims.add("half the pixels of a digit are background (level 0)",
           "float(np.mean(digits == 0))", about(0.5, abs=0.03))
claims.add("the next most common level is full intensity (16)",
           "[int(v) for v in np.argsort(-np.bincount(digits.ravel(), minlength=LEVELS))[:2]]",
           equals([0, 16]))
claims.add("its values fall a little short of $\\log 17$",
           "float(np.log(LEVELS) - H_noise_images.mean())", between(0.0, 0.2))
# Columns 0 and 7 of the 8 x 8 map.
claims.add("the border columns of the digits are almost always blank (entropy near 0)",
           "border = position_entropies(digits).reshape(8, 8)[:, [0, 7]]\n"
           "float(border.max())",
           at_most(0.4))
claims.add("whereas every noise position is maximally unpredictable",
           "float(np.log(LEVELS) - position_entropies(noise).min())", at_most(0.01))
claims.add("the bound is much lower for digits than for noise",
           "float(position_entropies(digits).sum() / position_entropies(noise).sum())",
           at_most(0.7))

# --- 2. Cross-entropy of a biased coin ------------------------------------------------------
claims.add("The cross-entropy $H(p, q)$ touches its floor $H(p)$ exactly at $q = p$",
           "bool(abs(q_heads[np.argmin(H_pq)] - p_coin[0]) < 1e-9 and "
           "abs(H_pq.min() - ref.entropy(p_coin)) < 1e-12)",
           holds())
# The figure's vertical range is 0 to 3 nats.
claims.add("blows up as the model's probability of an outcome that does happen goes to 0 — at "
           "either end",
           "float(min(H_pq[0], H_pq[-1]))", at_least(2.0))
claims.add("The dotted curve dips below $H(p)$", "bool(H_qp.min() < ref.entropy(p_coin))", holds())

# --- 3. The asymmetry of KL -----------------------------------------------------------------
KL = "p_mix = 0.6 * gaussian_on_grid"
claims.add("they agree up to the spacing of the search grid",
           "mean = np.sum(p_mix * x)\n"
           "std = np.sqrt(np.sum(p_mix * (x - mean) ** 2))\n"
           "bool(abs(mus[best_f[0]] - mean) <= mus[1] - mus[0] and "
           "abs(sigmas[best_f[1]] - std) <= sigmas[1] - sigmas[0])",
           holds(), after=KL)
claims.add("even though over a third of its mass then lies where the data are rare",
           "rare = p_mix < 0.1 * p_mix.max()\nfloat(Q[best_f][rare].sum())", between(1 / 3, 0.5),
           after=KL)
claims.add("a region that holds 4 % of the data",
           "rare = p_mix < 0.1 * p_mix.max()\nfloat(p_mix[rare].sum())", about(0.04, abs=0.005),
           after=KL)
claims.add("The reverse fit hugs the larger mode and ignores the other",
           "bool(abs(mus[best_r[0]] + 2.5) <= mus[1] - mus[0] and "
           "abs(sigmas[best_r[1]] - 0.8) <= sigmas[1] - sigmas[0])",
           holds(), after=KL)
# The smallest reverse divergence over mu > 0 lies inside the searched grid (a basin, not its
# edge), near the other mode, and is larger than the global minimum.
claims.add("its map has a second, shallower basin at the other mode",
           "right = mus > 0\n"
           "i, j = np.unravel_index(np.argmin(reverse[right]), reverse[right].shape)\n"
           "i_all = np.flatnonzero(right)[i]\n"
           "bool(0 < i_all < len(mus) - 1 and 0 < j < len(sigmas) - 1 and abs(mus[i_all] - 2.5) <= 0.25 "
           "and reverse[right][i, j] > reverse[best_r])",
           holds(), after=KL)
claims.add("Its divergence is close to $-\\log 0.6$", "float(reverse[best_r] + np.log(0.6))",
           about(0.0, abs=0.01), after=KL)
claims.add("The white band at the bottom of the middle map is where $\\mathrm{KL}(p \\,\\|\\, q)$ "
           "is infinite",
           "band = np.any(np.isinf(forward), axis=0)\n"
           "bool(band.any() and np.all(sigmas[band] < 0.5))",
           holds(), after=KL)
claims.add("The reverse map has no such band", "bool(np.all(np.isfinite(reverse)))", holds(),
           after=KL)

# --- 4. Temperature, overflow, log-sum-exp ---------------------------------------------------
claims.add("93 % at $T = 0.5$", "float(ref.softmax(class_logits / 0.5).max())",
           about(0.93, abs=0.005))
# Down to the slider's smallest temperature, 0.05.
claims.add("the entropy falls towards 0 as $T$ shrinks",
           "ents = [ref.entropy(ref.softmax(class_logits / T)) for T in (0.5, 0.2, 0.1, 0.05)]\n"
           "bool(np.all(np.diff(ents) < 0) and ents[-1] < 1e-6)",
           holds())
# At the figure's T = 3 and the slider's largest, T = 5.
claims.add("entropy near $\\log 5 \\approx 1.61$",
           "float(max(np.log(5) - ref.entropy(ref.softmax(class_logits / T)) for T in (3.0, 5.0)))",
           between(0.0, 0.15))
NAIVE = ("with np.errstate(over='ignore', invalid='ignore', under='ignore'):\n"
         "    none, one = naive_softmax(z_batch), naive_softmax(z_batch - z_batch.max())\n"
         "per_row = ref.softmax(z_batch)\n")
claims.add("Without a shift, both rows fail",
           NAIVE + "bool(np.isnan(none[0]).any() and np.isnan(none[1]).any())", holds())
claims.add("with one shift for the whole array, the first row still underflows",
           NAIVE + "bool(np.isnan(one[0]).all() and np.allclose(one[1], per_row[1]))", holds())
claims.add("only the per-row shift gets both right ($0.73, 0.27$ for the first row",
           NAIVE + "[round(float(v), 2) for v in per_row[0]]", equals([0.73, 0.27]))
LSE = "gaps = np.linspace(0.0, 1000.0, 1001)"
claims.add("until the softmax underflows, near $t \\approx 745$", "float(first_inf)",
           about(745, abs=1.5), after=LSE)
# Up to the underflow the two curves differ by less than a unit on a 1000-unit axis (the
# last values before it are subnormal numbers with few digits left).
claims.add("Both curves follow the straight line $-t$",
           "before = gaps < first_inf\n"
           "float(np.max(np.abs(via_log_of_softmax[before] - stable[before])))",
           at_most(1.0), after=LSE)
claims.add("while the log-sum-exp version stays exact",
           "float(np.max(np.abs(stable - (-gaps - np.log1p(np.exp(-gaps))))))", at_most(1e-12),
           after=LSE)

# --- 5. The classification loss --------------------------------------------------------------
claims.add("(2.303 for 10\nclasses)",
           "ref.softmax_cross_entropy(np.zeros((3, 10)), [1, 5, 7])", about(2.303, abs=5e-4))
CE = "qs = train_logits(p_target, lr=2.0)"
claims.add("The loss (blue) falls towards $H(p)$ and never below it",
           "loss = ref.cross_entropy(P, qs)\n"
           "bool(np.all(np.diff(loss) <= 0) and np.all(loss >= H_p) and loss[-1] - H_p < 1e-6)",
           holds(), after=CE)
claims.add("The prediction starts uniform, with the largest possible entropy $\\log 5$",
           "float(ref.entropy(qs[0]))", about(1.6094379124341003, abs=1e-12), after=CE)
claims.add("sharpens until its entropy (orange) settles at $H(p)$",
           "ents = ref.entropy(qs)\nbool(np.all(np.diff(ents) <= 0) and abs(ents[-1] - H_p) < 1e-3)",
           holds(), after=CE)
# The Hessian of H(p, softmax(z)) in the logits at the minimum, q = p: diag(p) - p p^T.
claims.add("beyond about 5.5 the steps overshoot",
           "float(2 / np.linalg.eigvalsh(np.diag(p_target) - np.outer(p_target, p_target))[-1])",
           about(5.5, abs=0.05))
GAP = ("def gap(lr):\n"
       "    q = train_logits(p_target, lr)\n"
       "    return ref.cross_entropy(np.broadcast_to(p_target, q.shape), q) - H_p\n"
       "def steps_to(lr, tol=1e-6):\n"
       "    return int(np.argmax(gap(lr) < tol)) if np.any(gap(lr) < tol) else None\n")
claims.add("the loss never settles",
           GAP + "bool(gap(5.4)[-1] < 1e-6 and gap(5.6)[-10:].min() > 1e-3)", holds())
claims.add("a larger rate converges faster, up to a point",
           GAP + "bool(steps_to(5.0) < steps_to(4.0) < steps_to(2.0) < steps_to(5.4))", holds())
ONE_HOT = ("def one_hot_run(num_steps):\n"
           "    z = np.zeros(5)\n"
           "    for _ in range(num_steps):\n"
           "        z = z - 2.0 * (ref.softmax(z) - one_hot)\n"
           "    return ref.cross_entropy(one_hot, ref.softmax(z)), z[2] - np.delete(z, 2).max()\n"
           "runs = [one_hot_run(n) for n in (10, 100, 1000, 10000)]\n")
claims.add("The loss keeps shrinking",
           ONE_HOT + "bool(np.all(np.diff([loss for loss, _ in runs]) < 0))", holds())
# "roughly like the logarithm": the gap grows by about the same amount per factor 10 of steps
# (ln 10 = 2.30).
claims.add("the logit gap keeps growing, roughly like the logarithm of the number of steps",
           ONE_HOT + "steps_gaps = np.diff([g for _, g in runs])\n"
                     "float(np.max(np.abs(steps_gaps / np.log(10) - 1)))",
           at_most(0.1))
# The last cell's draws, repeated from a copy of the generator as it was before that cell.
claims.add("Finally, our loss and PyTorch's agree, for ordinary and for huge logits",
           "import copy\n"
           "again = copy.deepcopy(rng)\n"
           "worst = 0.0\n"
           "for scale in (1.0, 1e4):\n"
           "    l = again.normal(size=(6, 10)) * scale\n"
           "    t = again.integers(0, 10, size=6)\n"
           "    ours = ref.softmax_cross_entropy(l, t)\n"
           "    theirs = torch.nn.functional.cross_entropy(torch.from_numpy(l), torch.from_numpy(t)).item()\n"
           "    worst = max(worst, abs(ours - theirs) / abs(theirs))\n"
           "worst",
           at_most(1e-12), after="one_hot = np.array([0.0, 0.0, 1.0, 0.0, 0.0])")
claims.add("a uniform\nprediction costs $\\log C$",
           "ref.softmax_cross_entropy(np.zeros((3, 10)), [1, 5, 7]) - np.log(10)",
           about(0.0, abs=1e-12))
