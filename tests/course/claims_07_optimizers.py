"""The numbers and comparisons of lesson 07's prose, checked against the executed lesson (see
claims.py). The paths and trainings of the lesson are deterministic (fixed starts, seeded
batches), so a printed figure is checked to the digits it shows and "about" to 10-30 %."""

import math

from claims import Claims, about, at_least, at_most, between, equals, holds

claims = Claims("07_optimizers")

# --- 2. Gradient descent in the valley (gd_paths: learning rate -> 60 steps from START_Q) ----
claims.add("Its loss falls fastest of the three",
           "quadratic(gd_paths[0.075][-1]) < quadratic(gd_paths[0.02][-1]) "
           "< quadratic(np.array(START_Q))", holds())
claims.add("from 36 to 0.0007 in 60 steps",
           "[round(float(quadratic(np.array(START_Q)))), round(float(quadratic(gd_paths[0.075][-1])), 4)]",
           equals([36, 0.0007]))
claims.add("(against 0.7 for", "round(float(quadratic(gd_paths[0.02][-1])), 1)", equals(0.7))
# "the factor the flat direction allows": the flat coordinate's share of the loss, x^2 / 2,
# shrinks by (1 - eta)^2 per step; measured on x over the last ten steps
claims.add("(1 - \\eta)^2 \\approx 0.86 per step that the flat direction allows",
           "float((gd_paths[0.075][-1, 0] / gd_paths[0.075][-11, 0]) ** (2 / 10))",
           about(0.86, abs=0.005))
# "about 10^4": within half a decade
claims.add("the zig-zag grows and the loss climbs, to about 10^4 after 60",
           "float(np.log10(quadratic(gd_paths[0.082][-1])))", about(4, abs=0.5))

# --- 3. Momentum in the valley (paths of the momentum cell, before the RMSprop cell rebinds them)
MOMENTUM = 'paths["momentum 0.8, lr = 0.02"]'
GD = 'paths["gradient descent, lr = 0.075"]'
claims.add("and its loss rises again for a few steps",
           f"bool(np.any(np.diff([quadratic(p) for p in {MOMENTUM}[:10]]) > 0))", holds(),
           after="MySGD = checks.use")
claims.add("its path swings past the valley floor",
           f"bool(np.any(np.diff(np.sign({MOMENTUM}[:10, 1])) != 0))", holds(),
           after="MySGD = checks.use")
# "about a hundred times": 70 to 150
claims.add("after 60 steps its loss is about a hundred times lower than that of gradient descent",
           f"float(quadratic({GD}[-1]) / quadratic({MOMENTUM}[-1]))", between(70, 150),
           after="MySGD = checks.use")

# --- 4. RMSprop in the valley (its first step, against gradient descent's) -------------------
RMS = 'paths["RMSprop, lr = 0.1"]'
claims.add("its first step: 2.8 in y, 0.3 in x",
           f"np.round(np.abs({GD}[1] - {GD}[0]), 1).tolist()", equals([0.3, 2.8]),
           after="MyRMSprop = checks.use")
claims.add("first step in x and in y has the same size, 10\\eta = 1",
           f"bool(np.allclose(np.abs({RMS}[1] - {RMS}[0]), 1.0, atol=1e-6))", holds(),
           after="MyRMSprop = checks.use")

# --- 5. Adam's bias correction (uncorrected = m_t / sqrt(v_t) for a constant gradient) ------
claims.add("0.1/\\sqrt{0.001} \\approx 3.2 times the intended size", "float(uncorrected[0])",
           about(3.2, abs=0.05))
claims.add("to about 6.5\\eta near step 12",
           "abs(uncorrected.max() - 6.5) <= 0.1 and int(t[np.argmax(uncorrected)]) == 12", holds())

# --- 6. Four optimisers, two landscapes (paths_q: 100 steps; paths_r: 2000 steps) ------------
# "almost straight to the minimum": RMSprop's x never passes the minimum and it ends within 1e-6
claims.add("RMSprop goes almost straight to the minimum",
           "float(paths_q['RMSprop'][:, 0].max()) <= 0 and "
           "float(np.linalg.norm(paths_q['RMSprop'][-1])) < 1e-6", holds())
claims.add("plain SGD zig-zags",
           "bool(np.all(np.diff(np.sign(paths_q['SGD'][:, 1])) != 0))", holds())
claims.add("swing past the minimum and circle in",
           "all(paths_q[k][:, 0].max() > 0 and np.linalg.norm(paths_q[k][-1]) < 0.05 "
           "for k in ('momentum 0.9', 'Adam'))", holds())
# "the valley floor": |y - x^2| < 0.05
claims.add("quickly reach the valley floor (within ten steps)",
           "max(int(np.argmax(np.abs(p[:, 1] - p[:, 0] ** 2) < 0.05)) for p in paths_r.values())",
           at_most(10))
claims.add("2000 steps (0.56 away)", "round(float(np.linalg.norm(paths_r['SGD'][-1] - 1)), 2)",
           equals(0.56))
claims.add("momentum gets closer (0.20)",
           "round(float(np.linalg.norm(paths_r['momentum 0.9'][-1] - 1)), 2)", equals(0.2))
claims.add("(0.11 away, crossing the floor at every step)",
           "round(float(np.linalg.norm(paths_r['RMSprop'][-1] - 1)), 2)", equals(0.11))
# "at every step": over the last 300 steps, y - x^2 changes sign at each one
claims.add("crossing the floor at every step",
           "bool(np.all(np.diff(np.sign(paths_r['RMSprop'][-300:, 1] "
           "- paths_r['RMSprop'][-300:, 0] ** 2)) != 0))", holds())
claims.add("ends within 0.0003 of the minimum", "float(np.linalg.norm(paths_r['Adam'][-1] - 1))",
           at_most(0.0003))

# --- 7. The plateau (results: optimiser -> (losses, RMS moves, validation accuracy)) ---------
claims.add("the digits (64 pixels, 10 classes)",
           "[X_train.shape[1], len(np.unique(y_train))]", equals([64, 10]))

def epochs(name):
    """The mean training loss of every epoch of one run, as the figure computes it."""
    return f"results[{name!r}][0].reshape(-1, steps_per_epoch).mean(axis=1)"


# "sits at log 10": every epoch's mean loss within 0.005 of it
claims.add("SGD sits on the plateau at \\log 10 (the dotted line) for all 15 epochs",
           f"float(np.max(np.abs({epochs('SGD, lr 0.1')} - np.log(10))))", at_most(0.005))
claims.add("9 % validation accuracy", "round(results['SGD, lr 0.1'][2], 2)", equals(0.09))
# "about 10^-5": the median RMS move per step within a factor 3 of it
claims.add("so each weight moves by about 10^{-5} per step",
           "float(np.median(results['SGD, lr 0.1'][1]))", between(10 ** -5.5, 10 ** -4.5))
# "clearly below log 10": 0.1 under it
claims.add("its mean loss first drops clearly below",
           f"1 + int(np.argmax({epochs('momentum 0.9, lr 0.05')} < np.log(10) - 0.1))", equals(10))
claims.add("it leaves the plateau within the first two epochs",
           f"float({epochs('Adam, lr 0.003')}[1])", at_most(math.log(10) - 0.1))
# "comparable to eta": the median RMS move of Adam's first epoch within a factor 3 of lr 0.003
claims.add("so its steps stay comparable to \\eta no matter how small the gradients are",
           "float(np.median(results['Adam, lr 0.003'][1][:steps_per_epoch]))",
           between(0.001, 0.009))
claims.add("and ends with the best validation accuracy",
           "max(results, key=lambda k: results[k][2])", equals("Adam, lr 0.003"))

# --- 8. Adam + L2 against AdamW (groups of noise scale 1e-3, 0.1, 1, 10; 3000 steps) ---------
L2 = "np.array(means_l2)"
claims.add("their mean falls to 0.22 after 100 steps", f"round(float({L2}[99, 0]), 2)", equals(0.22))
claims.add("and below 0.05 after about 160", f"1 + int(np.argmax({L2}[:, 0] < 0.05))",
           about(160, rel=0.05))
claims.add("is still 0.85", f"round(float(target[int(np.argmax({L2}[:, 0] < 0.05))]), 2)",
           equals(0.85))
claims.add("after 3000 steps their mean is still 0.68", f"round(float({L2}[-1, 3]), 2)", equals(0.68))
claims.add("where the penalty asks for 0.05", "round(float(target[-1]), 2)", equals(0.05))
# "follows the intended curve": never more than 0.05 away from (1 - eta lambda)^t
claims.add("Only the group whose gradients have RMS near 1 follows the intended curve",
           f"[bool(np.max(np.abs({L2}[:, j] - target)) <= 0.05) for j in range(4)]",
           equals([False, False, True, False]))
claims.add("With AdamW (right) every group follows",
           "float(np.max(np.abs(np.array(means_decoupled) - target[:, None])))", at_most(0.05))

# --- the sizes of the demos, as the prose states them ----------------------------------------
claims.add("and take 2000 steps", "[len(p) - 1 for p in paths_r.values()]", equals([2000] * 4))
claims.add("with four hidden ReLU layers of width 32", "SIZES", equals([64, 32, 32, 32, 32, 10]))
claims.add("We train it for 15 epochs with minibatches of 64",
           "[len(r[0]) / steps_per_epoch for r in results.values()] "
           "+ [steps_per_epoch == int(np.ceil(len(y_train) / 64))]",
           equals([15.0, 15.0, 15.0, True]))
claims.add("group has 200 weights, all starting at 1; we train 3000 steps",
           "[np.array(means_l2).shape, per_group]", equals([(3000, 4), 200]))
