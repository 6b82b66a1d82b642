"""The numbers and comparisons of lesson 06's prose, checked against the executed lesson (see
claims.py). Tolerances are those the sentences imply: "about" a measured value allows the
spread of one random draw (10 to 25 %), "nearly 40 orders" a few orders, a stated figure
read off a formula its printed digits."""

import math

from claims import Claims, about, at_least, at_most, between, equals, holds

claims = Claims("06_initialization")

# --- 1. A signal through many layers (measured: std of h_l for gains 0.9, 1, 1.1) ----------
# "about N-fold" of one random network: within 25 % (the curves wander about 15 % off g^l)
claims.add("After 50 layers a gain of 0.9 has shrunk the signal about 200-fold",
           "1 / measured[0.9][-1]", about(200, rel=0.25))
claims.add("a gain of 1.1 has blown it up about 100-fold", "measured[1.1][-1]",
           about(100, rel=0.25))
# "follow": every measured std within 25 % of g^l (the largest gap of one draw is about 15 %)
claims.add("the measured curves follow the dotted predictions",
           "max(float(np.max(np.abs(np.log(np.array(measured[g]) / g ** layers)))) "
           "for g in measured)", at_most(math.log(1.25)))

# --- 2. Xavier and He, sampled (layer 400 -> 200) ---------------------------------------------
claims.add("The two Xavier samplers have the same standard deviation (0.0577)",
           "sigma_xavier", about(0.0577, abs=5e-5))
claims.add("The two Xavier samplers have the same standard deviation",
           "abs(samples['xavier_normal'].std() / samples['xavier_uniform'].std() - 1) < 0.01",
           holds())
claims.add("the uniform never goes beyond", "float(np.abs(samples['xavier_uniform']).max()) <= bound",
           holds())
claims.add("a = \\pm 0.1", "bound", about(0.1, abs=1e-12))
claims.add("He's weights are wider (0.0707)", "float(np.sqrt(2 / fan_in))", about(0.0707, abs=5e-5))
claims.add("He's weights are wider", "samples['he_normal'].std() > samples['xavier_normal'].std()",
           holds())
claims.add("the variance by the factor 600/400 = 1.5",
           "(2 / fan_in) / (2 / (fan_in + fan_out))", about(1.5, abs=1e-12))
claims.add("the standard deviation by \\sqrt{1.5} \\approx 1.22",
           "float(np.sqrt(2 / fan_in) / sigma_xavier)", about(1.22, abs=0.005))

# --- 3. Four scales, two non-linearities (width 256, depth 10) -------------------------------
S = "summary[{!r}, {!r}]"
small_tanh, small_relu = S.format("too small: std 0.01", "tanh"), S.format("too small: std 0.01", "relu")
xavier_tanh, xavier_relu = S.format("Xavier", "tanh"), S.format("Xavier", "relu")
he_tanh, he_relu = S.format("He", "tanh"), S.format("He", "relu")
large_tanh, large_relu = S.format("too large: std 1", "tanh"), S.format("too large: std 1", "relu")
# summary[name, activation][l - 1]: the std, largest |h|, shares beyond 0.9 and 0.99 and the
# median log10 of the positive activations of layer l, computed by the figure's cell
claims.add("every activation of layers 4, 7 and 10 lies within \\pm 0.025",
           f"all({small_tanh}[l - 1]['max'] < 0.025 for l in (4, 7, 10))", holds())
claims.add("from layer 4 on", f"{small_tanh}[1]['max'] > 0.025", holds())   # layer 2 does not
# "almost one power of ten per layer": the median moves by 0.8 to 1 decade per layer
claims.add("the ReLU activations slide left by almost one power of ten per layer",
           f"({small_relu}[9]['log10'] - {small_relu}[0]['log10']) / 9", between(-1.0, -0.8))
claims.add("to about 10^{-9} at layer 10", f"{small_relu}[9]['log10']", about(-9, abs=0.6))
claims.add("the signal is alive at layer 10 (standard deviation 0.23)", f"{xavier_tanh}[9]['std']",
           about(0.23, abs=0.005))
# "narrow": the std decreases at every layer
claims.add("later layers narrow slowly",
           f"all(a['std'] > b['std'] for a, b in zip({xavier_tanh}, {xavier_tanh}[1:]))", holds())
claims.add("their standard deviation from 0.59 at layer 1", f"{xavier_relu}[0]['std']",
           about(0.59, abs=0.005))
claims.add("to 0.023 at layer 10", f"{xavier_relu}[9]['std']", about(0.023, abs=0.0005))
claims.add("a factor of about 25", f"{xavier_relu}[0]['std'] / {xavier_relu}[9]['std']",
           about(25, rel=0.1))
claims.add("the standard deviation stays between 0.8 and 1.1 at every layer",
           f"all(0.8 <= d['std'] <= 1.1 for d in {he_relu})", holds())
claims.add("push 30 % of the first layer's units beyond \\pm 0.9", f"{he_tanh}[0]['beyond 0.9']",
           about(0.30, abs=0.02))
claims.add("standard deviation about 0.56 from layer 4 on",
           f"all(abs(d['std'] - 0.56) <= 0.02 for d in {he_tanh}[3:])", holds())
claims.add("at every layer some 87 % of the units are beyond",
           f"all(abs(d['beyond 0.99'] - 0.87) <= 0.02 for d in {large_tanh})", holds())
claims.add("The ReLU activations grow by a factor of about 11 per layer",
           f"10 ** (({large_relu}[9]['log10'] - {large_relu}[0]['log10']) / 9)", about(11, rel=0.1))
claims.add("about 10^{10} at layer 10", f"{large_relu}[9]['log10']", about(10, abs=0.6))

# --- the gain slider (30 layers of width 128, the reference's activation_stds) ----------------
# "keeps its scale": layer 30 within 25 % of the input's std 1
claims.add("At g = 1 the linear network keeps its scale", "stds_at(1.0)['linear'][-1]",
           between(0.8, 1.25))
claims.add("the ReLU network loses a factor 1/\\sqrt2 per layer",
           "(stds_at(1.0)['relu'][-1] / stds_at(1.0)['relu'][0]) ** (1 / 29)",
           about(2 ** -0.5, rel=0.05))
# "slowly, then more slowly still": it loses more over layers 1-10 than over layers 21-30
claims.add("the tanh network shrinks slowly at first and then more slowly still",
           "(lambda s: s[9] / s[0] < s[29] / s[20] < 1)(stds_at(1.0)['tanh'])", holds())
claims.add("its standard deviation stays between 0.45 and 0.95",
           "(lambda s: 0.45 <= min(s) and max(s) <= 0.95)(stds_at(1.41)['relu'])", holds())
claims.add("to 10^4 and 10^9 at layer 30",
           "(lambda s: abs(np.log10(s['relu'][-1]) - 4) <= 0.5 and "
           "abs(np.log10(s['linear'][-1]) - 9) <= 0.5)(stds_at(2.0))", holds())
claims.add("while tanh stays bounded by 1", "max(stds_at(2.0)['tanh']) < 1", holds())

# --- 4. The circular law ----------------------------------------------------------------------
# "roughly in the unit disk": no modulus above 1.2; "a sharp edge at radius 1": the largest
# modulus within 0.05 of 1; "follows r^2 closely": the fraction inside r is never more than
# 0.06 off r^2 (a Kolmogorov-Smirnov distance); "a few": 1 to 25 of the 400
claims.add("Already at n = 25 the eigenvalues sit roughly in the unit disk",
           "float(np.abs(spectra[25]).max())", at_most(1.2))
claims.add("with a sharp edge at radius 1", "float(np.abs(spectra[400]).max())",
           about(1.0, abs=0.05))
claims.add("the fraction inside radius r follows r^2 closely",
           "float(np.max(np.abs(np.arange(1, 401) / 400 - np.sort(np.abs(spectra[400])) ** 2)))",
           at_most(0.06))
claims.add("A few eigenvalues lie exactly on the real axis",
           "int(np.sum(spectra[400].imag == 0))", between(1, 25))
claims.add("from 0.003 to 1.98", "[round(float(singular_values.min()), 3), "
           "round(float(singular_values.max()), 2)]", equals([0.003, 1.98]))

# --- 5. Gradients through depth -----------------------------------------------------------
claims.add("within a factor of 6", "max(max(v) / min(v) for v in norms_of.values())", at_most(6))
# "nearly 40 orders": 35 to 40 decades between the smallest and the largest norm
claims.add("the levels are nearly 40 orders of magnitude apart",
           "float(np.log10(max(map(max, norms_of.values())) / min(map(min, norms_of.values()))))",
           between(35, 40))
# "of order 1": between 0.1 and 10 at every depth; slopes are least-squares fits of log10 of the
# first layer's norm against the depth (the right panel's lines)
claims.add("With He it stays of order 1 however deep the network",
           "all(0.1 <= v <= 10 for v in first_of['He'])", holds())
claims.add("it halves every two layers",
           "10 ** (2 * np.polyfit(depths, np.log10(first_of['Xavier']), 1)[0])", about(0.5, rel=0.2))
claims.add("it loses more than a power of ten per layer",
           "np.polyfit(depths, np.log10(first_of['too small: std 0.01']), 1)[0]", at_most(-1))
claims.add("it gains three quarters of one",
           "np.polyfit(depths, np.log10(first_of['too large: std 1']), 1)[0]", about(0.75, abs=0.1))

# --- Does it train? (histories: the training loss of every SGD step) -------------------------
claims.add("at about 3.8", "histories['He'][0]", about(3.8, abs=0.2))
claims.add("He starts above", "histories['He'][0] > np.log(10)", holds())
claims.add("and falls fastest", "histories['He'][-1] < histories['Xavier'][-1] < np.log(10)",
           holds())
claims.add("Xavier starts at \\log 10", "histories['Xavier'][0]", about(math.log(10), abs=0.05))
# "exactly log 10": every step within 1e-6 of it; "in the millions": 1e6 to 1e8
claims.add("The too-small network sits at exactly \\log 10",
           "max(abs(v - np.log(10)) for v in histories['too small: std 0.01'])", at_most(1e-6))
claims.add("The too-large network starts with a loss in the millions",
           "histories['too large: std 1'][0]", between(1e6, 1e8))
claims.add("the loss explodes beyond 10^{100}", "float(np.nanmax(histories['too large: std 1']))",
           at_least(1e100))
claims.add("the network ends either in nan or with every ReLU dead",
           "bool(np.isnan(histories['too large: std 1'][-1]) or "
           "abs(histories['too large: std 1'][-1] - np.log(10)) < 1e-9)", holds())

# --- the sizes of the demos, as the prose states them ----------------------------------------
claims.add("through 50 linear layers of width 256", "[len(measured[1.0]), X_demo.shape[1]]",
           equals([50, 256]), after="measured = {}")
claims.add("networks of ten layers of width 256",
           "[len(networks['He']), networks['He'][0].shape]", equals([10, (256, 256)]))
claims.add("a 30-layer network of width 128", "[len(stds_at(1.0)['relu']), stds_at.__defaults__[1]]",
           equals([30, 128]))
claims.add("batch of 256 handwritten digits (64 pixels, 10 classes",
           "[X_batch.shape, len(np.unique(y_batch))]", equals([(256, 64), 10]))
claims.add("20-layer ReLU network of width 64", "[len(next(iter(norms_of.values()))), "
           "make_network(scales['He'], 20)[1].shape]", equals([20, (64, 64)]))
# "about half are exactly 0": 40 to 60 % of every ReLU layer of every network of the figure
claims.add("of the positive activations (about half are exactly 0)",
           "all(0.4 <= np.mean(h == 0) <= 0.6 for weights in networks.values() "
           "for h in layer_activations(X_demo, weights, 'relu'))", holds())
