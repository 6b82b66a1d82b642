"""The numbers and comparisons of lesson 08's prose, checked against the executed lesson (see
claims.py). The demos are seeded, so a printed figure is checked to the digits it shows;
comparisons "within the noise" use the lesson's own yardstick, twice the standard error of the
difference of the means over the seeds."""

from claims import Claims, about, at_most, between, equals, holds

claims = Claims("08_batchnorm_dropout")

claims.add("17 points in all",
           "sum(part.points for ex in checks.exercises.values() for part in ex.parts.values())",
           equals(17))

# --- 1. Why normalise inside the network? (relu_inputs: the inputs of every ReLU) ------------
# Without biases a ReLU network is positively homogeneous: scaling every weight by s scales the
# ReLU inputs of layer l by s^l, so the ratio is 0.6^8 up to round-off.
claims.add("by about 0.6^8 \\approx 0.017 at layer 8",
           "float(relu_inputs(0.6, False)[7].std() / relu_inputs(1.0, False)[7].std())",
           about(0.017, abs=0.0005))
# "the same standardised distribution": std 1 (to 1e-4, eps aside) at every layer and scale
claims.add("every layer sees the same standardised distribution, whatever the scale",
           "max(abs(float(h.std()) - 1) for s in (0.6, 1.0, 2.0) for h in relu_inputs(s, True))",
           at_most(1e-4))

# --- 2. The running statistics (history: momentum -> (running mean, running var) per step) ---
# "covers all but 1/e of its way from 0 to 3": the first step with |m - 3| < 3/e
claims.add("in some 10 steps for momentum 0.1, 50 for 0.02",
           "[1 + int(np.argmax(np.abs(np.array([m[0] for m, v in history[a]]) - 3) < 3 / np.e)) "
           "for a in (0.1, 0.02)]", equals([10, 50]))
# "approach the true values": for momentum 0.1, the averages of the last 50 steps within 5 %
claims.add("The running averages approach the true values (grey lines)",
           "bool(np.allclose(np.mean([m for m, v in history[0.1][-50:]], axis=0), true_mean, "
           "rtol=0.05) and np.allclose(np.mean([v for m, v in history[0.1][-50:]], axis=0), "
           "true_var, rtol=0.05))", holds())
# "noisier": larger step-to-step changes of the running mean over the last 50 steps
claims.add("The larger momentum follows the data faster but stays noisier",
           "bool(np.all(np.std(np.diff([m for m, v in history[0.1][-50:]], axis=0), axis=0) > "
           "np.std(np.diff([m for m, v in history[0.02][-50:]], axis=0), axis=0)))", holds())

# --- training and evaluation outputs of one example (outputs: one pair per batch) ------------
claims.add("The same example gets a different training output with each batch",
           "not np.allclose(outputs[0][0], outputs[1][0])", holds())
claims.add("and always the same evaluation output",
           "bool(np.array_equal(outputs[0][1], outputs[1][1]))", holds())
claims.add("\\approx (0.5, -1)", "np.round(outputs[0][1], 3).tolist()", equals([0.5, -1.0]))

# --- 3. BatchNorm's backward pass: the two invariances -----------------------------------
claims.add("Both sums vanish to round-off",
           "max(float(np.abs(dx.sum(axis=0)).max()), float(np.abs((dx * xhat).sum(axis=0)).max()))",
           at_most(1e-10))

# --- 4. Before or after the ReLU (runs[lr, placement, seed]: the training history) ---------
# record of seed 0 at lr 0.1: the 15th, 50th and 85th percentiles of one unit's ReLU input;
# "drifts ... centre and width both": the range over training of the median and of the width
# (85th - 15th percentile) is largest without BatchNorm, smallest with it before the ReLU
claims.add("Without BatchNorm the unit's input distribution drifts",
           "(lambda q: q['no BatchNorm'][0] > q['BN after ReLU'][0] > q['BN before ReLU'][0] and "
           "q['no BatchNorm'][1] > q['BN after ReLU'][1] > q['BN before ReLU'][1])("
           "{label: (float(np.ptp(np.array(runs[0.1, label, 0]['record'])[:, 1])), "
           "float(np.ptp(np.array(runs[0.1, label, 0]['record'])[:, 2] "
           "- np.array(runs[0.1, label, 0]['record'])[:, 0]))) for label in placements})", holds())


def final(lr, label):
    return f"np.array([runs[{lr}, {label!r}, s]['val_acc'][-1] for s in seeds])"


def gap(lr, a, b):
    """(difference of the mean final accuracies, twice its standard error), as the lesson's cell
    computes them."""
    return (f"(lambda a, b: (b.mean() - a.mean(), 2 * np.sqrt(a.var(ddof=1) / len(a) "
            f"+ b.var(ddof=1) / len(b))))({final(lr, a)}, {final(lr, b)})")


claims.add("where BatchNorm before the ReLU learned more slowly over these three epochs",
           "all(np.mean([runs[0.1, 'BN before ReLU', s]['val_acc'][e] for s in seeds]) < "
           "np.mean([runs[0.1, label, s]['val_acc'][e] for s in seeds]) "
           "for e in range(epochs) for label in ('no BatchNorm', 'BN after ReLU'))", holds())
claims.add("by about two points of validation accuracy",
           f"{gap(0.1, 'BN before ReLU', 'BN after ReLU')}[0]", about(0.02, abs=0.005))
# "at the edge of the noise": the difference within 25 % of the noise level, on either side
claims.add("right at the edge of the noise",
           f"(lambda d: abs(d[0]) / d[1])({gap(0.1, 'BN before ReLU', 'BN after ReLU')})",
           between(0.75, 1.25))
claims.add("At the larger learning rate the placements could not be told apart",
           f"(lambda d: abs(d[0]) <= d[1])({gap(0.5, 'BN before ReLU', 'BN after ReLU')})", holds())
claims.add("does BatchNorm itself change the final accuracy by more than the noise",
           "all((lambda d: abs(d[0]) <= d[1])(d) for d in ["
           + ", ".join(gap(lr, "no BatchNorm", label) for lr in (0.1, 0.5)
                       for label in ("BN before ReLU", "BN after ReLU")) + "])", holds())

# --- 5. Dropout on a digit (draws: 500 outputs of dropout with p = 0.5) -------------------
# "about half": 35 to 65 % of the lit pixels of the first draw are zero
claims.add("about half of the digit's lit pixels are gone",
           "float(np.mean(draws[0][digit > 0] == 0))", between(0.35, 0.65))
claims.add("the survivors are twice as bright",
           "bool(np.allclose(draws[0][draws[0] > 0], 2 * digit[draws[0] > 0]))", holds())
# "close to the input": no pixel of the mean of 500 draws off by more than a tenth of the
# brightest input pixel
claims.add("the average of many draws is close to the input itself",
           "float(np.abs(np.mean(draws, axis=0) - digit).max() / digit.max())", at_most(0.1))

# --- 6. Dropout against overfitting (dropout_runs: p -> history; 100 training images) -------
claims.add("one hidden layer of 128 units, about 10,000 weights and biases",
           "sum(v.size for v in ref.init_mlp([64, 128, 10], np.random.default_rng(0)).values())",
           about(10000, rel=0.05))
claims.add("To see dropout at work we need a network that overfits: 100 training images",
           "len(y_small)", equals(100))
claims.add("Both networks learn the 100 training images perfectly",
           "[h['train_acc'][-1] for h in dropout_runs.values()]", equals([1.0, 1.0]))
claims.add("(93.3 % against 91.6 %)",
           "[round(dropout_runs[p]['val_acc'][-1], 3) for p in (0.5, 0.0)]", equals([0.933, 0.916]))
claims.add("the validation loss lower (0.27 against 0.30)",
           "[round(dropout_runs[p]['val_loss'][-1], 2) for p in (0.5, 0.0)]", equals([0.27, 0.3]))
claims.add("the gap narrows, but it does not close",
           "0 < 1 - dropout_runs[0.5]['val_acc'][-1] < 1 - dropout_runs[0.0]['val_acc'][-1]",
           holds())
claims.add("still falls towards zero (below 0.01)", "dropout_runs[0.5]['train_loss'][-1]",
           at_most(0.01))


# Other rates, trained as train_small does (recomputed here: train_small would add them to the
# lesson's dropout_runs)
def other_rate(p, key):
    return (f"(lambda r: ref.train_mlp(ref.init_mlp([64, 128, 10], r), X_small, y_small, X_val, "
            f"y_val, p_drop={p}, lr=0.2, epochs=100, batch_size=50, rng=r)[2])"
            f"(np.random.default_rng(10))[{key!r}][-1]")


claims.add("moderate rates (0.3 to 0.6) help a little (93 % validation accuracy for each)",
           f"[round({other_rate(0.3, 'val_acc')}, 2), round({other_rate(0.6, 'val_acc')}, 2)]",
           equals([0.93, 0.93]))
claims.add("the network still fits its 100 training images", other_rate(0.9, "train_acc"),
           equals(1.0))
claims.add("falls below that of no dropout at all (90.5 %)",
           f"round({other_rate(0.9, 'val_acc')}, 3)", equals(0.905))
claims.add("and its validation loss rises above it",
           f"{other_rate(0.9, 'val_loss')} > dropout_runs[0.0]['val_loss'][-1]", holds())

# --- the sizes of the demos, as the prose states them ----------------------------------------
claims.add("Take a ReLU network of depth 8 and width 100",
           "[len(relu_inputs(1.0, False)), relu_inputs(1.0, False)[0].shape[1], probe.shape[1]]",
           equals([8, 100, 64]))
claims.add("at two learning rates, each from three random seeds",
           "[len(rates), len(seeds), len(runs), epochs]", equals([2, 3, 18, 3]))
claims.add("The last column averages 500 dropout", "len(draws)", equals(500))
claims.add("We train it for 100 epochs", "[len(h['val_acc']) for h in dropout_runs.values()]",
           equals([100, 100]))
