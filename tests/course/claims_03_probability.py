"""Claims of lesson 03: the numbers and comparisons of its prose that come from running it
(see claims.py). Each expression reads the lesson's variables, or recomputes, the way the
lesson does, a value that the lesson only prints or draws."""

from claims import Claims, about, at_least, at_most, between, equals, holds

claims = Claims("03_probability")

# --- 1. The three distributions of the first figure ---------------------------------------------
DENSITIES = ("curves = {(mu, sigma): np.exp(ref.gaussian_log_pdf(x_grid, mu, sigma))\n"
             "          for mu, sigma in [(0.0, 1.0), (0.0, 2.0), (2.0, 0.3)]}\n")
claims.add("Each Gaussian peaks at its mean",
           DENSITIES + "all(abs(x_grid[np.argmax(c)] - mu) <= 0.02 for (mu, _), c in curves.items())",
           holds())
claims.add("the narrow one ($\\sigma = 0.3$) climbs above 1",
           DENSITIES + "float(curves[(2.0, 0.3)].max())", at_least(1.0))

# --- 2. Log-densities far from the mean -------------------------------------------------------
AFTER_UNDERFLOW = "z_zero = z[np.isneginf(naive)][0]"
claims.add("which falls below that near $z = 38.6$ and is then stored as exactly 0",
           "round(float(z_zero), 1)", equals(38.6), after=AFTER_UNDERFLOW)
claims.add("Its logarithm, about $-745$ there",
           "float(ref.gaussian_log_pdf(z_zero, 0.0, 1.0))", about(-745.0, abs=1.5),
           after=AFTER_UNDERFLOW)
claims.add("The two curves coincide until $z \\approx 38.6$",
           "float(np.max(np.abs(naive[z < z_zero] - stable[z < z_zero])))", at_most(0.01),
           after=AFTER_UNDERFLOW)
claims.add("a point 1000 standard deviations away has log-density $-500\\,000.9$",
           "float(ref.gaussian_log_pdf(1000.0, 0.0, 1.0))", about(-500000.9, abs=0.05))

# --- 3. Sampling -----------------------------------------------------------------------------
claims.add("the last cumulative sum need not be exactly 1 (see below)", "bool(last != 1.0)", holds())
# The demo's draws: show_sampling(n) draws n classes from pi with default_rng(1).
SHARES = ("def shares(n):\n"
          "    return np.bincount(sampler(pi, n, np.random.default_rng(1)), minlength=len(pi)) / n\n")
claims.add("class 2 has no stretch at all, so it can never be hit",
           SHARES + "float(shares(100_000)[2])", equals(0.0))
claims.add("the share of each class among the draws sits close to its probability",
           SHARES + "float(np.abs(shares(1000) - pi).max())", at_most(0.05))
# Over the slider's range, 10 to 100 000 draws: the slope of log |share - pi| against log n.
claims.add("the gap shrinks like $1/\\sqrt{n}$ as the number of draws $n$ grows",
           SHARES + "ns = np.unique(np.round(10 ** np.arange(1, 5.01, 0.25)).astype(int))\n"
                    "gaps = [np.linalg.norm(shares(n) - pi) for n in ns]\n"
                    "float(np.polyfit(np.log10(ns), np.log10(gaps), 1)[0])",
           about(-0.5, abs=0.1))

# --- 4. Likelihood ------------------------------------------------------------------------------
claims.add("Each point multiplies the likelihood by about $10^{-0.6}$",
           "float(logs_first[-1] / len(sample))", about(-0.6, abs=0.05))
claims.add("so after about 520 points the product drops below the smallest positive float64",
           "int(n_zero)", about(520, abs=10))
claims.add("for $N = 2$ it is half the truth", "float(mle_var[0] / true_sigma**2)",
           about(0.5, abs=0.02))
claims.add("by $N = 20$ only 5 % short", "float(1 - mle_var[-1] / true_sigma**2)",
           about(0.05, abs=0.01))
claims.add("The average of the MLE (circles) follows $\\frac{N-1}{N}\\sigma^2$",
           "float(np.max(np.abs(np.array(mle_var) / ((sizes - 1) / sizes * true_sigma**2) - 1)))",
           at_most(0.02))
claims.add("Dividing by $N - 1$ (squares) is on target at every size",
           "float(np.max(np.abs(np.array(unbiased_var) / true_sigma**2 - 1)))", at_most(0.02))
claims.add("The surface has a single peak, at the MLE (star)",
           "i, j = np.unravel_index(np.argmax(mean_ll), mean_ll.shape)\n"
           "bool(abs(MU[i, j] - mu_mle) <= mus[1] - mus[0] and abs(SIGMA[i, j] - sigma_mle) <= sigmas[1] - sigmas[0])",
           holds())
claims.add("the MLE fits this particular sample of 50 points", "len(x_fit)", equals(50))
# "close but not on it": several grid spacings away, and less than 0.2 in each parameter.
claims.add("the true parameters (cross) are close but not on it",
           "float(max(abs(1.5 - mu_mle), abs(0.8 - sigma_mle)))", between(0.03, 0.2))
# The same distance, 0.3, below and above sigma_hat: the drop of the mean log-likelihood.
claims.add("it drops steeply towards small $\\sigma$",
           "def ll(s):\n"
           "    return ref.gaussian_log_pdf(x_fit, mu_mle, s).mean()\n"
           "bool(ll(sigma_mle) - ll(sigma_mle - 0.3) > 2 * (ll(sigma_mle) - ll(sigma_mle + 0.3)))",
           holds())

# --- 5. Gradient descent on the NLL (the figure: lr = 0.3, 100 steps from (0.7, 1.6)) -----------
FIT = ("def fit(lr, num_steps=100):\n"
       "    return fit_by_gradient_descent(x_fit, 0.7, 1.6, lr, num_steps)\n"
       "path = fit(0.3)\n"
       "gaps = np.abs(path - [mu_mle, sigma_mle])\n")
claims.add("Gradient descent walks to the star, and the gaps to the closed-form answer shrink "
           "geometrically (straight lines on the log scale) down to rounding level",
           FIT + "float(gaps[-1].max())", at_most(1e-12))
claims.add("which is why $\\sigma$ converges faster",
           FIT + "int(np.argmax(gaps[:, 1] < 1e-12)) < int(np.argmax(gaps[:, 0] < 1e-12))", holds())
# Slightly below the limit sigma_hat^2 the fit converges; slightly above it sigma keeps
# bouncing (300 steps, the slider's largest count).
claims.add("cannot settle in the $\\sigma$ direction: the iterates keep bouncing around the "
           "optimum instead of converging",
           FIT + "below = np.abs(fit(0.9 * sigma_mle**2, 300)[-1] - [mu_mle, sigma_mle]).max()\n"
                 "above = np.abs(fit(1.1 * sigma_mle**2, 300)[-20:, 1] - sigma_mle).min()\n"
                 "bool(below < 1e-12 and above > 1e-3)",
           holds())
# At the slider's largest rate (10**0.3) sigma jumps more than ten times sigma_hat away.
claims.add("and for much larger steps they run off",
           FIT + "float(fit(10**0.3, 300)[:, 1].max() / sigma_mle)", at_least(10))

# --- 7. Logistic regression on odd and even digits --------------------------------------------
claims.add("The loss starts at $\\log 2$", "float(history['training NLL'][0])",
           about(0.6931471805599453, abs=1e-12))
claims.add("and falls as the weights make the observed labels more and more probable; the "
           "validation loss follows",
           "bool(np.all(np.diff(history['training NLL']) < 0) and "
           "np.all(np.diff(history['validation NLL']) < 0))",
           holds())
claims.add("the validation accuracy climbs to about 92 %",
           "float(history['validation accuracy'][-1])", about(0.92, abs=0.01))
# Not computed by the lesson: logistic regression fitted to convergence (scikit-learn, a range
# of penalties) on the same split does not beat the lesson's 300 steps by more than a point.
claims.add("a single linear layer cannot do much better on this task",
           "from sklearn.linear_model import LogisticRegression\n"
           "best = max(LogisticRegression(C=C, max_iter=5000).fit(X_tr, t_tr).score(X_va, t_va)\n"
           "           for C in (0.01, 0.1, 1.0, 10.0, 100.0))\n"
           "float(best - history['validation accuracy'][-1])",
           at_most(0.01))
