"""The numbers and comparisons of lesson 11's prose, checked against the executed lesson
(see claims.py)."""

from claims import Claims, about, at_most, equals, holds

claims = Claims("11_function_space")

# --- section 1: four hinges make five pieces (kinks at -0.5, 0, 0.5, 1.5)
claims.add("four units, five linear pieces",
           "ref.count_linear_pieces(np.unique(np.concatenate([x_wide, kinks_demo])), "
           "ref.relu_features(np.unique(np.concatenate([x_wide, kinks_demo])), b_demo, c_demo) "
           "@ a_demo + d_demo)",
           equals(5))

# --- section 2: the penalty at work (lambdas is a log grid of 45 values from 1e-8 to 1e3)
claims.add("The training error drops below the noise level $\\sigma$",
           "train_rmse[0] < sigma", holds())
claims.add("while the error against the true curve is large",
           "true_rmse[0] > 3 * min(true_rmse)", holds())
claims.add("its values spanning about 1.2",
           "np.ptp(Phi_grid @ my_fit_ridge(Phi_train, y_train, 100.0)[0] "
           "+ my_fit_ridge(Phi_train, y_train, 100.0)[1])",
           about(1.2, abs=0.1))
claims.add("where the samples span 2.9", "np.ptp(y_train)", about(2.9, abs=0.05))
claims.add("at $\\lambda = 10^6$ its values span less than 0.001",
           "np.ptp(Phi_grid @ my_fit_ridge(Phi_train, y_train, 1e6)[0]) < 0.001", holds())
claims.add("The best curve lies in between, near $\\lambda = \\sigma^2 / \\tau^2 = 0.0625$",
           "0.0625 / 4 <= lambdas[int(np.argmin(true_rmse))] <= 0.0625 * 4", holds())
claims.add("There the training error is about $\\sigma$",
           "float(np.interp(np.log(0.0625), np.log(lambdas), train_rmse))",
           about(0.25, rel=0.1))
claims.add("the error against the truth is within 10 % of its lowest",
           "float(np.interp(np.log(0.0625), np.log(lambdas), true_rmse)) <= 1.1 * min(true_rmse)",
           holds())
claims.add("This gives an independent check of your `fit_ridge`:",
           "[float(np.max(np.abs(a_mine - w[:-1]))) <= 1e-9, abs(d_mine - w[-1]) <= 1e-9]",
           equals([True, True]))
claims.add("The two routes agree:", "float(np.max(np.abs(weights_route - kernel_route)))",
           at_most(1e-9))

# --- section 3: hinges against a smooth curve
claims.add("the largest error is then below 0.03, about 1 % of the curve's range",
           "max(np.max(np.abs(hinge_fit(K) - target(x_grid))) for K in range(20, 61)) < 0.03 "
           "and np.ptp(target(x_grid)) > 2.5", holds())
claims.add("The points fall on a line of slope about $-2$", "slope", about(-2.0, abs=0.1))
claims.add("Random kinks do worse at every $K$",
           "bool(np.all(np.array(errors_random) > np.array(errors_even)))", holds())
claims.add("a fitted slope of about $-1.4$",
           "np.polyfit(np.log(Ks), np.log(errors_random), 1)[0]", about(-1.4, abs=0.15))

# --- section 4: pieces
claims.add("At depth 3 the curve rises and falls four times: 8 pieces from 6 ReLUs",
           "my_count_linear_pieces(x_dyadic, my_sawtooth(x_dyadic, 3))", equals(8))
claims.add("at depth 10 there are 1024 pieces from 20 ReLUs",
           "my_count_linear_pieces(x_dyadic, my_sawtooth(x_dyadic, 10))", equals(1024))
claims.add("$2^{15} = 32768$ pieces from 30 ReLUs", "[int(units[-1]), int(deep_pieces[-1])]",
           equals([30, 32768]))
claims.add("The shallow network sits exactly on its bound $K + 1$ at every width",
           "[int(p) for p in shallow_pieces] == [int(K) + 1 for K in units]", holds())
# fit_errors[L][K - 1]: the largest error of the best fit of the depth-L sawtooth by K hinges
claims.add("between 0.50 and 0.58 for teeth of height 1, as long as the width is below $2^L$",
           "[round(float(min(fit_errors[L][widths < 2**L])), 3) >= 0.5 - 0.005 and "
           "round(float(max(fit_errors[L][widths < 2**L])), 2) <= 0.58 for L in (3, 4, 5)]",
           equals([True, True, True]))
claims.add("the error drops to 0 (to round-off)",
           "max(float(fit_errors[L][widths == 2**L][0]) for L in (3, 4, 5))", at_most(1e-10))
claims.add("Wider networks fit exactly again at the multiples of $2^L$",
           "max(float(np.max(fit_errors[L][widths % 2**L == 0])) for L in (3, 4, 5))",
           at_most(1e-10))
claims.add("the error, between 0.04 and 0.48, falls only slowly as they widen",
           "[round(float(min(e[(widths > 2**L) & (widths % 2**L != 0)])), 2) >= 0.04 and "
           "round(float(max(e[(widths > 2**L) & (widths % 2**L != 0)])), 2) <= 0.48 "
           "for L, e in fit_errors.items()]",
           equals([True, True, True]))

# --- section 5: leaky ReLU
claims.add("a random leaky network and its rewrite as a ReLU network plus a line coincide, to "
           "round-off", "float(np.max(np.abs(leaky_net - rewritten)))", at_most(1e-12))
claims.add("With the same kinks, leaky and ReLU hinges give the same best approximation",
           "[abs(relu - leaky) <= 1e-9 * relu for relu, leaky in span_errors.values()]",
           equals([True, True, True]))
