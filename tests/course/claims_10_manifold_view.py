"""The numbers and comparisons of lesson 10's prose, checked against the executed lesson
(see claims.py)."""

from claims import Claims, about, at_most, equals, holds

claims = Claims("10_manifold_view")

# --- section 1: distances to the nearest digit
claims.add("Every digit has another digit close by (a median distance of about 16)",
           "np.median(near_digits)", about(16, abs=0.5))
claims.add("while a noise image is about 60 away from every digit",
           "np.median(near_noise)", about(60, abs=3))
claims.add("occupy a region that random images never come near",
           "bool(near_noise.min() > near_digits.max())", holds())
claims.add("The midpoints fall in between",
           "np.median(near_digits) < np.median(near_mid) < np.median(near_noise)", holds())

# --- section 2: PCA dimensions of the digits and of noise
claims.add("5 directions hold half their variance and 29 hold 95 %",
           "[pca_dim(X_digits, 0.5), pca_dim(X_digits, 0.95)]", equals([5, 29]))
claims.add("needs 60 directions for 95 %", "pca_dim(X_noise, 0.95)", equals(60))
claims.add("At threshold 1 the digits need 61, not 64: three border pixels are blank in every digit",
           "[pca_dim(X_digits, 1.0), int(np.sum(X_digits.std(axis=0) == 0))]", equals([61, 3]))

# --- section 3: TwoNN
claims.add("PCA needs all three directions for the roll and both for the moons",
           "[pca_dim(roll), pca_dim(moons)]", equals([3, 2]))
# estimates[d - 1] is the estimate for the cube of dimension d = 1, ..., 12
claims.add("Up to 4 dimensions the estimate sits on the diagonal, within 0.2",
           "float(np.max(np.abs(np.array(estimates[:4]) - true_dims[:4])))", at_most(0.2))
claims.add("Beyond, it falls short",
           "bool(np.all(np.array(estimates[4:]) < true_dims[4:]))", holds())
claims.add("from about 0.7 at $d = 5$", "5 - estimates[4]", about(0.7, abs=0.1))
claims.add("to about 2.6 at $d = 12$", "12 - estimates[11]", about(2.6, abs=0.1))
claims.add("about 2 for the swiss roll and about 1.1 for the moons",
           "[round(float(rows[0][3]), 1), round(float(rows[1][3]), 1)]", equals([2.0, 1.1]))
claims.add("against PCA's 3 and 2", "[rows[0][2], rows[1][2]]", equals([3, 2]))
claims.add("29 flat directions for 95 % of the variance, and an intrinsic dimension of about 9",
           "[rows[2][2], round(float(rows[2][3]))]", equals([29, 9]))
claims.add("The noise images get an estimate near 40", "rows[3][3]", about(40, abs=2))
claims.add("Without noise the estimate is 2", "roll_curve[0]", about(2.0, abs=0.05))
claims.add("typically about half a unit away",
           "float(np.median(np.sort(np.sqrt(np.maximum(((roll[:, None, :] - roll[None, :, :]) ** 2)"
           ".sum(axis=2), 0)), axis=1)[:, 1]))", about(0.5, abs=0.1))
claims.add("the estimate is 2.5 at a noise of 0.25",
           "roll_curve[list(roll_levels).index(0.25)]", about(2.5, abs=0.05))
claims.add("from 0.75 on it stays between 2.8 and 3.1",
           "[2.8 <= d <= 3.1 for d, s in zip(roll_curve, roll_levels) if s >= 0.75]",
           equals([True] * 6))
claims.add("the curve wiggles, by up to about 0.2 from one level to the next",
           "float(np.max(np.abs(np.diff(roll_curve[3:]))))", about(0.2, abs=0.05))
claims.add("by a few hundredths on the clean roll",
           "float(np.std([two_nn(make_swiss_roll(1500, noise=0.0, random_state=s)[0]) "
           "for s in range(5)]))", at_most(0.05))
claims.add("For the digits, the estimate of about 9", "round(float(rows[2][3]))", equals(9))

# --- section 4: the linear probe on two circles
claims.add("so the probe on the raw points can do no better than guessing",
           "probe(X_circ, y_circ)", about(0.5, abs=0.02))
claims.add("and the classes come apart", "probe(lifted, y_circ)", about(0.99, abs=0.01))
# history3[step] holds the probe accuracy of [input, tanh 1..4, logits] after `step` steps
claims.add("Even before training (step 0) the random tanh layers help the probe",
           "min(history3[0][1:5]) > history3[0][0] + 0.1", holds())
claims.add("it rises and falls from layer to layer",
           "[bool(np.any(np.diff(history3[0][1:5]) > 0)), bool(np.any(np.diff(history3[0][1:5]) < 0))]",
           equals([True, True]))
claims.add("the untrained network's own logits, two numbers per point, are back at chance",
           "history3[0][5]", about(0.5, abs=0.03))
claims.add("after 100 steps separability grows layer by layer",
           "bool(np.all(np.diff(history3[100][:5]) >= 0))", holds())
claims.add("from 50 % at the input", "history3[100][0]", about(0.5, abs=0.005))
claims.add("to about 86 % after the first layer and 99 % after the second",
           "[round(100 * history3[100][1]), round(100 * history3[100][2])]", equals([86, 99]))
claims.add("99.5 % after the fourth layer: 3 points of 600 missed",
           "[round(history3[100][4], 6), round((1 - history3[100][4]) * len(y_circ))]", equals([0.995, 3]))
claims.add("one direction holds 95 % of its variance, against two or three in the earlier layers",
           "[pca_dim(reps[layer], 0.95) for layer in range(1, 5)]", equals([2, 3, 2, 1]))
claims.add("With width 2 the probe stalls well below 100 % at every layer",
           "max(trained[2][1][400])", at_most(0.9))
claims.add("From width 3 on, the boundary closes around the disk and the probe reaches the top",
           "[min(train(w)[1][400][4:]) >= 0.99 if w != 3 else min(history3[400][4:]) >= 0.99 "
           "for w in (3, 4, 5, 6)]", equals([True] * 4))

# --- summary
claims.add("the swiss roll needs 3, the digits 29 of 64",
           "[pca_dim(roll), pca_dim(X_digits), X_digits.shape[1]]", equals([3, 29, 64]))
claims.add("It finds about 2 for the swiss roll, 1.1 for the moons and about 9 for the digits",
           "[round(float(rows[0][3]), 1), round(float(rows[1][3]), 1), round(float(rows[2][3]))]",
           equals([2.0, 1.1, 9]))
claims.add("probe accuracy rises from 50 % at the input to almost 100 % at the last layers",
           "[history3[400][0], min(history3[400][4:]) >= 0.99]", equals([0.5, True]))
