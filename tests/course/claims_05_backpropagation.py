"""Claims of lesson 05: the numbers and comparisons of its prose that come from running it
(see claims.py). Each expression reads the lesson's variables, or recomputes, the way the
lesson does, a value that the lesson only prints or draws."""

from claims import Claims, about, at_least, at_most, between, equals, holds

claims = Claims("05_backpropagation")

# --- 1. The data ----------------------------------------------------------------------------------
claims.add("each pixel standardised to mean 0 and variance 1 over the training set",
           "sd = X_train.std(axis=0)\n"
           "bool(np.abs(X_train.mean(axis=0)).max() < 1e-12 and np.all(np.abs(sd[sd > 0] - 1) < 1e-12))",
           holds())
claims.add("but for the 3 pixels that are blank in every training image, which stay 0",
           "blank = X_train.std(axis=0) == 0\n"
           "[int(blank.sum()), bool(np.all(raw_train[:, blank] == 0) and np.all(X_train[:, blank] == 0))]",
           equals([3, True]))
claims.add("$C = 10$ classes", "[int(X_train.shape[1]), len(np.unique(y_train))]", equals([64, 10]))

# --- 3. The ReLU gate -----------------------------------------------------------------------------
claims.add("gradients flow through positive inputs unchanged and stop at negative ones; the "
           "filled dot marks the convention at $z = 0$",
           "g = ref.relu_backward(np.ones_like(z), ref.relu_forward(z)[1])\n"
           "bool(np.all(g[z > 0] == 1) and np.all(g[z < 0] == 0) and np.any(z == 0) and np.all(g[z == 0] == 0))",
           holds(), after="z = np.linspace(-2, 2, 401)")

# --- 4. Softmax cross-entropy of one example ------------------------------------------------------
claims.add("When the true class scores far below the others, the loss grows linearly and the "
           "gradient saturates at $-1$",
           "bool(abs((losses[1] - losses[0]) / (z_true[1] - z_true[0]) + 1) < 0.01 and abs(slopes[0] + 1) < 0.01)",
           holds(), after="z_true = np.linspace(-6, 8, 300)")
claims.add("once the true class dominates, both loss and gradient fade to zero",
           "float(max(losses[-1], abs(slopes[-1])))", at_most(0.01), after="z_true = np.linspace(-6, 8, 300)")
claims.add("The largest exponent is then $e^0 = 1$, the sum lies between 1 and $C$, and nothing "
           "overflows",
           "bool(np.isnan(naive).any() and np.all(np.isfinite(stable)) and np.isclose(stable.sum(), 1))",
           holds(), after="z_big = np.array([[1000.0, 999.0, 0.0]])")

# --- 6. Finite differences of the loss in W1[0, 0] ------------------------------------------------
GC = "gc_rng = np.random.default_rng(7)"
ERR = ("fe, ce = np.array(forward_err), np.array(central_err)\n"
       "def slope(e, lo=1e-4, hi=1e-2):\n"
       "    m = (steps >= lo) & (steps <= hi)\n"
       "    return float(np.polyfit(np.log10(steps[m]), np.log10(e[m]), 1)[0])\n"
       "window = (steps >= 1e-5) & (steps <= 1e-4)\n")
claims.add("the central difference's error falls twice as fast as the forward difference's "
           "(slope 2 against 1 on these log axes)",
           ERR + "[round(slope(ce), 1), round(slope(fe), 1)]", equals([2.0, 1.0]), after=GC)
claims.add("rounding error takes over and both rise again",
           ERR + "bool(slope(fe, 1e-13, 1e-8) < 0 and slope(ce, 1e-13, 1e-8) < 0)", holds(), after=GC)
claims.add("Central differences reach errors of $10^{-12}$ to $10^{-11}$ for $h$ around $10^{-5}$ "
           "to $10^{-4}$",
           ERR + "bool(ce[window].min() >= 10**-12.5 and ce[window].max() <= 10**-10.75)", holds(),
           after=GC)
claims.add("while the forward difference never gets much below $10^{-9}$",
           ERR + "float(np.log10(fe.min()))", at_least(-9.5), after=GC)
# Its best against the typical (geometric mean) central error in that window.
claims.add("a hundred times worse",
           ERR + "float(np.log10(fe.min()) - np.mean(np.log10(ce[window])))", about(2.0, abs=0.6),
           after=GC)
# The perturbed weight W1[0, 0] moves the pre-activations Z1[:, 0] by h X[:, 0]: the first
# step that carries one of them across 0 is the last, h = 0.1.
claims.add("The jump of the central difference at the far right is the ReLU kink",
           ERR + "Z1 = gc_X @ gc_params['W1'] + gc_params['b1']\n"
                 "crossing = np.min(np.abs(Z1[:, 0] / gc_X[:, 0]))\n"
                 "bool(steps[-2] < crossing < steps[-1] and ce[-1] > 100 * ce[-2])",
           holds(), after=GC)
CHECK = "gc_reg = 0.1"
RELATIVE = ("def relative(name):\n"
            "    def loss_of(v):\n"
            "        return net({**gc_params, name: v}, gc_X, gc_y, reg=gc_reg)[0]\n"
            "    return ref.rel_error(grads[name], numerical_gradient(loss_of, gc_params[name], h=1e-6))\n"
            "errors = [relative(name) for name in gc_params]\n")
claims.add("Every parameter agrees with central differences to about $10^{-9}$ or better",
           RELATIVE + "float(max(errors))", at_most(2e-9), after=CHECK)
claims.add("the planted bug stands out by many orders of magnitude",
           RELATIVE + "float(np.log10(buggy_error / max(errors)))", at_least(5), after=CHECK)
# Timing, with a wide margin: the printed ratio is in the thousands.
claims.add("Even our small digits network shows the gap", "float(numeric_s / backprop_s)",
           at_least(100))

# --- 7. Training on the digits ----------------------------------------------------------------------
claims.add("on the 1438 training digits and measures accuracy on the 359 held-out validation digits",
           "[len(y_train), len(y_val)]", equals([1438, 359]))
claims.add("The loss falls steeply in the first epoch and then keeps creeping down",
           "bool(step_losses[0] > 2 * epoch_means[0] and np.all(np.diff(epoch_means) < 0))", holds())
claims.add("the minibatch loss is noisy because each step sees only 32 images",
           "[batch_size, bool(np.sum(np.diff(step_losses) > 0) > 0.2 * len(step_losses))]",
           equals([32, True]))
claims.add("Validation accuracy passes 95% within a few epochs",
           "int(np.argmax(np.array(val_acc) > 0.95)) + 1", between(1, 3))
claims.add("levels off a little below the training accuracy",
           "float(train_acc[-1] - val_acc[-1])", between(0.0, 0.05))
claims.add("its 100 hidden activations (the ReLU leaves many of them at exactly 0)",
           "[int(H_one.shape[1]), bool(np.mean(H_one == 0) >= 0.3)]", equals([100, True]))
claims.add("the output puts nearly all of its probability on one class", "float(probs_one.max())",
           at_least(0.9))

# --- 8. Learning rates (two epochs from the same start, as the figure trains them) -----------------
RATES = ("runs = {rate: train_for(rate) for rate in (0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0)}\n"
         "loss = {rate: np.array(run['loss']) for rate, run in runs.items()}\n")
claims.add("a larger step first helps ($\\eta = 0.5$ falls faster than $0.1$)",
           RATES + "bool(loss[0.5][:30].mean() < loss[0.1][:30].mean())", holds())
claims.add("at $\\eta = 1$ the loss jumps up now and then, yet still ends low",
           RATES + "bool(np.sum(loss[1.0][1:] > 2 * loss[1.0][:-1]) >= 3 and "
                   "loss[1.0][-20:].mean() < 0.25 * loss[1.0][0])",
           holds())
claims.add("On the right every loss ends above where it started",
           RATES + "bool(all(loss[r][-1] > loss[r][0] for r in (1.5, 2.0, 3.0, 5.0)))", holds())
claims.add("at $\\eta = 1.5$ it spikes to tens and ends well above its start",
           RATES + "bool(10 <= loss[1.5].max() < 100 and loss[1.5][-1] > 2 * loss[1.5][0])", holds())
claims.add("although nothing has overflowed yet",
           RATES + "bool(np.all(np.isfinite(loss[1.5])))", holds())
claims.add("from $\\eta = 2$ on it grows from the first steps",
           RATES + "bool(all(loss[r][5] > 3 * loss[r][0] for r in (2.0, 3.0, 5.0)))", holds())
# "nearly straight": a line fits log10(loss) against the step with R^2 above 0.99.
claims.add("For\n$\\eta = 3$ and $5$ the curves are nearly straight lines on logarithmic axes",
           RATES + "def r2(values):\n"
                   "    t = np.arange(len(values))\n"
                   "    residual = values - np.polyval(np.polyfit(t, values, 1), t)\n"
                   "    return 1 - residual.var() / values.var()\n"
                   "float(min(r2(np.log10(loss[3.0])), r2(np.log10(loss[5.0]))))",
           at_least(0.99))
claims.add("up to\n$10^{60}$ and more", RATES + "float(np.log10(loss[5.0].max()))", at_least(60))
claims.add("20 % and 11 % of the validation digits right",
           RATES + "[round(100 * runs[r]['val_acc'][-1]) for r in (3.0, 5.0)]", equals([20, 11]))
# The slider's smallest rate, 0.001, for three epochs.
claims.add("the loss has barely moved after three epochs",
           "slow = np.array(train_for(0.001, epochs=3)['loss'])\nfloat(slow[-20:].mean() / slow[0])",
           at_least(0.8))
