"""Claims of lesson 01: the numbers and comparisons of its prose that come from running it
(see claims.py). Each expression reads the lesson's variables, or recomputes, the way the
lesson does, a value that the lesson only prints or draws."""

from claims import Claims, about, at_least, at_most, between, equals, holds

claims = Claims("01_linear_algebra")

# --- 1. The dot product figure: five arrows compared with x = (2, 0) ----------------------
# The arrows of the figure, as drawn: (angle in degrees, length); the cell keeps only the last.
ARROWS = """
arrows = [(20, 1.0), (60, 2.4), (90, 1.5), (135, 1.2), (180, 1.6)]
ys = [length * np.array([np.cos(np.radians(a)), np.sin(np.radians(a))]) for a, length in arrows]
"""
claims.add("The long orange arrow at 60° has a larger dot product with x than the short blue "
           "one at 20°, although the blue one is better aligned",
           ARROWS + "x @ ys[1] > x @ ys[0] and ref.cosine_similarity(x, ys[0]) > "
                    "ref.cosine_similarity(x, ys[1])",
           holds(), after="the dot product mixes length and angle")
claims.add("the cosine similarity orders them by angle alone: positive for acute angles, "
           "exactly zero at 90°, negative beyond",
           ARROWS + "cos = [ref.cosine_similarity(x, y) for y in ys]\n"
                    "all(np.diff(cos) < 0) and cos[1] > 0 and abs(cos[2]) < 1e-12 and cos[3] < 0",
           holds(), after="the dot product mixes length and angle")
claims.add("and −1 for the arrow pointing the opposite way",
           ARROWS + "ref.cosine_similarity(x, ys[4])",
           about(-1.0, abs=1e-12), after="the dot product mixes length and angle")

# --- Alignment in real data ------------------------------------------------------------------
claims.add("We use scikit-learn's 1,797 handwritten digits",
           "len(X_train) + len(X_val)", equals(1797))
claims.add("Every diagonal cell is brighter than the rest of its row",
           "all(mean_cosine[i, i] > np.delete(mean_cosine[i], i).max() for i in range(10))",
           holds())
# "far from perfectly": no digit's images are, on average, nearly parallel (cosine 1).
claims.add("though far from perfectly",
           "float(np.diag(mean_cosine).max())", at_most(0.95))
# The three largest off-diagonal averages are the pairs 3-9, 1-8 and 3-8.
claims.add("look-alike pairs, 3 with 9 and 8 with 1 or 3, are the brightest cells off the diagonal",
           "pairs = [(a, b) for a in range(10) for b in range(a + 1, 10)]\n"
           "sorted(sorted(pairs, key=lambda p: -mean_cosine[p])[:3])",
           equals([[1, 8], [3, 8], [3, 9]]))
claims.add("already gets almost all of them right",
           "float(np.mean(y_train[nearest] == y_val))", at_least(0.95))

# --- 2. A dense layer in torch ------------------------------------------------------------
claims.add(r"Loading our $W^\top$ and $b$ into it gives the same output",
           "float(np.abs(H_torch - H).max())", at_most(1e-12), after="layer = torch.nn.Linear")

# --- 3. Eigenvectors of the widget's default matrix ----------------------------------------
# The legend prints the eigenvalues of A = [[a, b], [c, d]] for the function's defaults.
DEFAULT = "A0 = np.array(show_unit_circle_map.__defaults__).reshape(2, 2)\n"
claims.add(r"with half-lengths $\lambda_1 \approx 2.78$",
           DEFAULT + "float(np.linalg.eigvalsh(A0)[1])", about(2.78, abs=0.005))
claims.add(r"$\lambda_2 \approx 0.72$",
           DEFAULT + "float(np.linalg.eigvalsh(A0)[0])", about(0.72, abs=0.005))

# --- Power iteration: the three runs of the figure ----------------------------------------
# The cell keeps only the last run's errors; each run is repeated here as the cell does it.
RUNS = """
runs = {}
for r in (0.5, 0.8, 0.95):
    A_r = (Q * np.array([1.0, r, 0.3, -0.2, 0.1, 0.05])) @ Q.T
    v_r = start / np.linalg.norm(start)
    e_r = []
    for _ in range(steps):
        v_r = A_r @ v_r
        v_r /= np.linalg.norm(v_r)
        e_r.append(min(np.linalg.norm(v_r - Q[:, 0]), np.linalg.norm(v_r + Q[:, 0])))
    runs[r] = np.array(e_r)
"""
# "lies on its dashed prediction": within half a decade of errors[0] * ratio**t until the
# floor (errors above 1e-14).
claims.add(r"Each measured curve lies on its dashed prediction $|\lambda_2/\lambda_1|^t$",
           RUNS + "def decades_off(r, e):\n"
                  "    keep = e > 1e-14\n"
                  "    return np.max(np.abs(np.log10(e[keep] / (e[0] * r ** np.arange(steps))[keep])))\n"
                  "float(max(decades_off(r, e) for r, e in runs.items()))",
           at_most(0.5), after="for ratio in (0.5, 0.8, 0.95)")
claims.add("until it reaches the rounding floor near 10^{-16}",
           RUNS + "float(runs[0.5].min())", between(1e-17, 1e-15),
           after="for ratio in (0.5, 0.8, 0.95)")
# "full precision": an error within ten times the float64 floor (1e-15).
claims.add("with a ratio of 0.5 about 50 steps reach full precision",
           RUNS + "int(np.argmax(runs[0.5] <= 1e-15)) + 1", about(50, rel=0.15),
           after="for ratio in (0.5, 0.8, 0.95)")
claims.add("while with 0.95 eighty steps gain fewer than two digits",
           RUNS + "float(np.log10(runs[0.95][0] / runs[0.95][steps - 1]))", between(0.0, 2.0),
           after="for ratio in (0.5, 0.8, 0.95)")

# --- 4. Compressing a photograph ------------------------------------------------------------
claims.add("singular-value spectrum of a 427×640 photo", "photo.shape", equals([427, 640]))
claims.add("alone it holds over 90% of the squared norm", "float(energy[0])", at_least(0.9),
           after="energy = np.cumsum")
# "falls by orders of magnitude": at least two, from the first singular value to the last.
claims.add("The spectrum then falls by orders of magnitude", "float(s[0] / s[-1])",
           at_least(100), after="energy = np.cumsum")
claims.add("the first 56 of the 427 values hold 99%",
           "[int(np.searchsorted(energy, 0.99) + 1), int(s.size)]", equals([56, 427]),
           after="energy = np.cumsum")
claims.add("by rank 50 (under 20% of the numbers)", "50 * (m + n + 1) / (m * n)", at_most(0.2),
           after="ranks = (1, 5, 20, 50, 100)")
claims.add("the error of A_k is exactly the norm of the discarded singular values",
           "float(np.linalg.norm(photo - A_k) / np.sqrt(np.sum(s[k:] ** 2)))",
           about(1.0, abs=1e-9), after="low_rank_approx_demo = checks.use")
claims.add("another rank-k matrix, such as the best combination of k evenly spaced columns of "
           "the photo, does worse",
           "np.linalg.norm(photo - columns @ coefficients) > np.linalg.norm(photo - A_k)",
           holds(), after="low_rank_approx_demo = checks.use")
# "quickly at first and then slowly": the relative error of A_k, sqrt(1 - energy[k - 1]),
# loses more over ranks 1 to 20 than over ranks 100 to 300, five times as many.
claims.add("the relative error falls quickly at first and then slowly",
           "rel = np.sqrt(np.maximum(1 - energy, 0))\n"
           "(rel[0] - rel[19]) > (rel[99] - rel[299])",
           holds(), after="energy = np.cumsum")

# --- 5. PCA of the digits ---------------------------------------------------------------------
# "pull apart": in the plane of the first two components, each of these digits' images is
# mostly nearest to its own digit's centre among the five centres.
claims.add("Two directions out of 64 already pull several digits apart (0s, 1s, 3s, 4s and 6s "
           "settle in different regions)",
           "five = [0, 1, 3, 4, 6]\n"
           "centres = np.array([projected[y_train == d].mean(axis=0) for d in five])\n"
           "mask = np.isin(y_train, five)\n"
           "nearest_centre = np.array(five)[np.argmin(((projected[mask][:, None] - centres) ** 2)"
           ".sum(axis=-1), axis=1)]\n"
           "float(np.mean(nearest_centre == y_train[mask]))",
           at_least(0.8), after="components, ratio = pca_demo")
claims.add("about twenty components explain 90% of the variance",
           "int(np.searchsorted(np.cumsum(ratio), 0.9) + 1)", about(20, rel=0.15),
           after="components, ratio = pca_demo")
claims.add("later ones add finer details and explain less and less of the variance",
           "bool(np.all(np.diff(ratio[:7]) < 0))", holds(), after="components, ratio = pca_demo")

# --- 6. Conditioning --------------------------------------------------------------------------
claims.add("both right-hand sides are perturbed by the same 300 small random vectors",
           "perturbations.shape[1]", equals(300), after="x_true = np.array([1.0, 1.0])")
# The spread of the perturbed solutions (their root-mean-square distance to (1, 1)).
SPREAD = """
spread = {name: float(np.sqrt(np.mean(np.sum(
              (np.linalg.solve(A_s, (A_s @ x_true)[:, None] + perturbations) - x_true[:, None]) ** 2,
              axis=0))))
          for name, A_s in systems.items()}
"""
claims.add("leave the solutions of the well-conditioned system in a small blob around (1, 1), "
           "but spread those of the ill-conditioned one far along the nearly parallel lines",
           SPREAD + "spread['ill-conditioned'] > 10 * spread['well-conditioned']", holds(),
           after="x_true = np.array([1.0, 1.0])")
claims.add("its smallest singular value is about 0.05",
           "float(np.linalg.svd(systems['ill-conditioned'], compute_uv=False)[-1])",
           about(0.05, abs=0.005), after="x_true = np.array([1.0, 1.0])")
claims.add("amplified about twenty-fold",
           "float(1 / np.linalg.svd(systems['ill-conditioned'], compute_uv=False)[-1])",
           about(20, rel=0.1), after="x_true = np.array([1.0, 1.0])")
claims.add("against less than once for the well-conditioned system",
           "float(1 / np.linalg.svd(systems['well-conditioned'], compute_uv=False)[-1])",
           at_most(1.0), after="x_true = np.array([1.0, 1.0])")

# Hilbert matrices, n = 2, ..., 14 (``sizes``); index n - 2.
claims.add("for n = 13 it gives 4.5 \\cdot 10^{18}",
           "float(numpy_conditions[13 - 2])", about(4.5e18, rel=0.02), after="sizes = np.arange(2, 15)")
claims.add("instead of 5.6 \\cdot 10^{17}",
           "float(conditions[13 - 2])", about(5.6e17, rel=0.01), after="sizes = np.arange(2, 15)")
claims.add("for n = 14 a smaller value than for n = 13",
           "numpy_conditions[14 - 2] < numpy_conditions[13 - 2]", holds(),
           after="sizes = np.arange(2, 15)")
# For n <= 12, where the error is below 1: slope 1 of log error against log kappa.
claims.add(r"The error grows in step with $\kappa$",
           "float(np.polyfit(np.log10(conditions[:11]), np.log10(errors[:11]), 1)[0])",
           about(1.0, abs=0.15), after="sizes = np.arange(2, 15)")
# Each ratio error / (kappa eps), n <= 12, is one or two orders of magnitude below 1
# (rounded to whole orders): its log10 lies in [-2.5, -0.5].
claims.add(r"one to two orders of magnitude under the bound $\kappa \cdot \varepsilon$",
           "orders = np.log10(np.array(errors[:11]) / (conditions[:11] * np.finfo(float).eps))\n"
           "bool(np.all((-2.5 <= orders) & (orders <= -0.5)))",
           holds(),
           after="sizes = np.arange(2, 15)")
claims.add(r"each factor of about 30 in $\kappa$",
           "float(np.exp(np.mean(np.log(conditions[1:] / conditions[:-1]))))", about(30, rel=0.15),
           after="sizes = np.arange(2, 15)")
claims.add("costs one and a half digits",
           "float(np.mean(np.diff(np.log10(errors[:11]))))", about(1.5, abs=0.25),
           after="sizes = np.arange(2, 15)")
claims.add(r"From $n = 12$ on, where $\kappa$ passes $10^{16}$",
           "bool(conditions[11 - 2] < 1e16 < conditions[12 - 2])", holds(),
           after="sizes = np.arange(2, 15)")
claims.add("the error reaches 10%", "float(errors[12 - 2])", between(0.1, 0.3),
           after="sizes = np.arange(2, 15)")
claims.add("and then more than 100%", "float(min(errors[13 - 2:]))", at_least(1.0),
           after="sizes = np.arange(2, 15)")
claims.add("At n = 14 the error even falls again", "errors[14 - 2] < errors[13 - 2]", holds(),
           after="sizes = np.arange(2, 15)")
claims.add("the bound, thousands of times the solution",
           "float(conditions[14 - 2] * np.finfo(float).eps)", between(1e3, 1e4),
           after="sizes = np.arange(2, 15)")
# np.linalg.cond agrees with the exact kappa to 0.5% up to n = 11 and is off by more than a
# factor 2 from n = 13 on.
claims.add("The printed table shows np.linalg.cond going astray at the same point",
           "r = np.array(numpy_conditions) / conditions\n"
           "bool(np.all(np.abs(r[:10] - 1) < 0.005) and np.all(np.abs(np.log10(r[11:])) > np.log10(2)))",
           holds(), after="sizes = np.arange(2, 15)")
