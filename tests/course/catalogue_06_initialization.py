"""Wrong and correct implementations of the graded functions of lesson 06.

Each variant runs in the lesson's kernel, where the set-up cell has imported ``np`` and
``torch``; anything else is imported inside the variant. A wrong variant keeps
everything right but its one mistake, so that the check which rejects it is the one
meant to. The initialisers' mistakes change the variance by a third or more, or the
shape of the distribution: the statistical checks reject them whatever the seed.
"""

import numpy as np

from catalogue import Catalogue

variants = Catalogue()


# --------------------------------------------------------------------------- #
# xavier_normal
# --------------------------------------------------------------------------- #

@variants.wrong("xavier_normal", "Var = 1 / fan_in: fan_in alone (LeCun's variance)")
def xavier_normal_fan_in(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))


@variants.wrong("xavier_normal", "Var = 1 / fan_out: fan_out alone")
def xavier_normal_fan_out(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_out), size=(fan_in, fan_out))


@variants.wrong("xavier_normal", "the variance passed as NumPy's scale (the std)")
def xavier_normal_variance_as_scale(fan_in, fan_out, rng):
    return rng.normal(0.0, 2.0 / (fan_in + fan_out), size=(fan_in, fan_out))


@variants.wrong("xavier_normal", "the 2 forgotten: Var = 1 / (fan_in + fan_out)")
def xavier_normal_no_two(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(1.0 / (fan_in + fan_out))


@variants.wrong("xavier_normal", "He's variance 2 / fan_in")
def xavier_normal_he(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)


@variants.wrong("xavier_normal", "a square root too many: std = (2 / (fan_in + fan_out)) ** 0.25")
def xavier_normal_double_sqrt(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(np.sqrt(2.0 / (fan_in + fan_out)))


@variants.wrong("xavier_normal", "uniform with the right variance instead of a normal")
def xavier_normal_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_normal", "normal clipped at two standard deviations (variance 0.77 of it)")
def xavier_normal_clipped(fan_in, fan_out, rng):
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return np.clip(rng.standard_normal((fan_in, fan_out)), -2.0, 2.0) * std


@variants.wrong("xavier_normal", "shape (fan_out, fan_in): torch's layout")
def xavier_normal_transposed(fan_in, fan_out, rng):
    return rng.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / (fan_in + fan_out))


@variants.wrong("xavier_normal", "np.random.randn: NumPy's global state instead of rng")
def xavier_normal_global(fan_in, fan_out, rng):
    return np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / (fan_in + fan_out))


@variants.wrong("xavier_normal", "NumPy's global generator seeded from rng, then drawn from",
                hint="global random state")
def xavier_normal_global_seeded_from_rng(fan_in, fan_out, rng):
    np.random.seed(int(rng.integers(2**31)))
    return np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / (fan_in + fan_out))


@variants.wrong("xavier_normal", "draws from rng, but calls np.random.seed(0) first",
                hint="global random state")
def xavier_normal_seeds_global(fan_in, fan_out, rng):
    np.random.seed(0)   # "for reproducibility": resets every other user of np.random
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / (fan_in + fan_out))


@variants.wrong("xavier_normal", "a generator of its own with a fixed seed")
def xavier_normal_fixed_seed(fan_in, fan_out, rng):
    own = np.random.default_rng(0)
    return own.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / (fan_in + fan_out))


@variants.wrong("xavier_normal", "a fresh unseeded generator: rng ignored")
def xavier_normal_fresh_generator(fan_in, fan_out, rng):
    return np.random.default_rng().standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / (fan_in + fan_out))


@variants.wrong("xavier_normal", "torch.nn.init.xavier_normal_ on a tensor, transposed back")
def xavier_normal_torch(fan_in, fan_out, rng):
    from torch.nn import init as torch_init
    torch.manual_seed(int(rng.integers(2**31)))
    w = torch.empty(fan_out, fan_in, dtype=torch.float64)
    torch_init.xavier_normal_(w)
    return w.numpy().T.copy()


@variants.wrong("xavier_normal", "float32 weights")
def xavier_normal_float32(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out), dtype=np.float32) * np.float32(np.sqrt(2.0 / (fan_in + fan_out)))


@variants.correct("xavier_normal", "rng.normal with the std as scale")
def xavier_normal_rng_normal(fan_in, fan_out, rng):
    return rng.normal(loc=0.0, scale=(2.0 / (fan_in + fan_out)) ** 0.5, size=(fan_in, fan_out))


@variants.correct("xavier_normal", "a child generator seeded from rng")
def xavier_normal_child(fan_in, fan_out, rng):
    child = np.random.default_rng(rng.integers(2**63))
    return child.standard_normal(fan_in * fan_out).reshape(fan_in, fan_out) * np.sqrt(2 / (fan_in + fan_out))


@variants.correct("xavier_normal", "Box-Muller from rng.random")
def xavier_normal_box_muller(fan_in, fan_out, rng):
    n = fan_in * fan_out
    u1 = 1.0 - rng.random(n)               # in (0, 1]: log is finite
    u2 = rng.random(n)
    z = np.sqrt(-2.0 * np.log(u1)) * np.cos(2 * np.pi * u2)
    return z.reshape(fan_in, fan_out) * np.sqrt(2.0 / (fan_in + fan_out))


@variants.correct("xavier_normal", "one draw at a time, in a loop")
def xavier_normal_loop(fan_in, fan_out, rng):
    std = np.sqrt(2.0 / (fan_in + fan_out))
    W = np.empty((fan_in, fan_out))
    for i in range(fan_in):
        for j in range(fan_out):
            W[i, j] = rng.normal(0.0, std)
    return W


# --------------------------------------------------------------------------- #
# xavier_uniform
# --------------------------------------------------------------------------- #

@variants.wrong("xavier_uniform", "bound without the 6: sqrt(1 / (fan_in + fan_out))")
def xavier_uniform_no_six(fan_in, fan_out, rng):
    a = np.sqrt(1.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "the normal's std as the bound: sqrt(2 / (fan_in + fan_out))")
def xavier_uniform_std_bound(fan_in, fan_out, rng):
    a = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "bound sqrt(3 / (fan_in + fan_out)): the 2 forgotten")
def xavier_uniform_three(fan_in, fan_out, rng):
    a = np.sqrt(3.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "bound sqrt(6 / fan_in)")
def xavier_uniform_fan_in(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "bound 6 / (fan_in + fan_out) without the square root")
def xavier_uniform_no_sqrt(fan_in, fan_out, rng):
    a = 6.0 / (fan_in + fan_out)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "uniform on [0, a]")
def xavier_uniform_positive(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.random((fan_in, fan_out)) * a


@variants.wrong("xavier_uniform", "(rng.random() - 0.5) * a: on [-a/2, a/2]")
def xavier_uniform_half(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return (rng.random((fan_in, fan_out)) - 0.5) * a


@variants.wrong("xavier_uniform", "a normal with Xavier's variance instead of a uniform")
def xavier_uniform_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / (fan_in + fan_out))


@variants.wrong("xavier_uniform", "np.random.uniform: NumPy's global state")
def xavier_uniform_global(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "np.random.seed(0) then np.random.uniform")
def xavier_uniform_seeded_global(fan_in, fan_out, rng):
    np.random.seed(0)
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "NumPy's global generator seeded from rng, then drawn from",
                hint="global random state")
def xavier_uniform_global_seeded_from_rng(fan_in, fan_out, rng):
    np.random.seed(int(rng.integers(2**31)))
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "shape (fan_out, fan_in)")
def xavier_uniform_transposed(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_out, fan_in))


@variants.wrong("xavier_uniform", "torch.nn.init.xavier_uniform_")
def xavier_uniform_torch(fan_in, fan_out, rng):
    w = torch.empty(fan_out, fan_in, dtype=torch.float64)
    torch.nn.init.xavier_uniform_(w, generator=torch.Generator().manual_seed(int(rng.integers(2**31))))
    return w.numpy().T.copy()


@variants.wrong("xavier_uniform", "a list of lists instead of an array")
def xavier_uniform_list(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out)).tolist()


@variants.correct("xavier_uniform", "(2 rng.random() - 1) a")
def xavier_uniform_rescaled(fan_in, fan_out, rng):
    a = (6.0 / (fan_in + fan_out)) ** 0.5
    return (2.0 * rng.random((fan_in, fan_out)) - 1.0) * a


@variants.correct("xavier_uniform", "a * rng.uniform(-1, 1)")
def xavier_uniform_unit(fan_in, fan_out, rng):
    return np.sqrt(6 / (fan_in + fan_out)) * rng.uniform(-1, 1, (fan_in, fan_out))


@variants.correct("xavier_uniform", "the variance first, then a = sqrt(3 Var)")
def xavier_uniform_from_variance(fan_in, fan_out, rng):
    variance = 2.0 / (fan_in + fan_out)
    a = np.sqrt(3.0 * variance)
    return rng.uniform(low=-a, high=a, size=(fan_in, fan_out))


# --------------------------------------------------------------------------- #
# he_normal
# --------------------------------------------------------------------------- #

@variants.wrong("he_normal", "Var = 1 / fan_in: the factor 2 forgotten")
def he_normal_no_two(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(1.0 / fan_in)


@variants.wrong("he_normal", "Var = 2 / fan_out")
def he_normal_fan_out(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_out)


@variants.wrong("he_normal", "Xavier's variance 2 / (fan_in + fan_out)")
def he_normal_xavier(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / (fan_in + fan_out))


@variants.wrong("he_normal", "the variance 2 / fan_in passed as the std")
def he_normal_variance_as_scale(fan_in, fan_out, rng):
    return rng.normal(0.0, 2.0 / fan_in, size=(fan_in, fan_out))


@variants.wrong("he_normal", "std 2 / sqrt(fan_in): Var = 4 / fan_in")
def he_normal_four(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * 2.0 / np.sqrt(fan_in)


@variants.wrong("he_normal", "He uniform (bound sqrt(6 / fan_in)): right variance, not normal")
def he_normal_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("he_normal", "np.random.normal: NumPy's global state")
def he_normal_global(fan_in, fan_out, rng):
    return np.random.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


@variants.wrong("he_normal", "NumPy's global generator seeded from rng, then drawn from",
                hint="global random state")
def he_normal_global_seeded_from_rng(fan_in, fan_out, rng):
    np.random.seed(rng.integers(2**32))
    return np.random.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


@variants.wrong("he_normal", "requires Python ints: rejects NumPy integer fans",
                hint="NumPy integers")
def he_normal_python_ints_only(fan_in, fan_out, rng):
    if not (isinstance(fan_in, int) and isinstance(fan_out, int)):
        raise ValueError("fan_in and fan_out must be integers")
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)


@variants.wrong("he_normal", "shape (fan_out, fan_in)")
def he_normal_transposed(fan_in, fan_out, rng):
    return rng.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / fan_in)


@variants.wrong("he_normal", "torch.nn.init.kaiming_normal_, imported under another name")
def he_normal_torch(fan_in, fan_out, rng):
    from torch.nn.init import kaiming_normal_ as fill
    w = torch.empty(fan_out, fan_in, dtype=torch.float64)
    fill(w, nonlinearity="relu", generator=torch.Generator().manual_seed(int(rng.integers(2**31))))
    return w.numpy().T.copy()


@variants.wrong("he_normal", "a torch tensor instead of a NumPy array")
def he_normal_tensor(fan_in, fan_out, rng):
    return torch.from_numpy(rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in))


@variants.correct("he_normal", "rng.normal(0, sqrt(2 / fan_in))")
def he_normal_rng_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))


@variants.correct("he_normal", "sqrt(2) times a LeCun-normal matrix")
def he_normal_gain(fan_in, fan_out, rng):
    lecun = rng.standard_normal(size=(fan_in, fan_out)) / np.sqrt(fan_in)
    return np.sqrt(2.0) * lecun


@variants.correct("he_normal", "drawn column by column")
def he_normal_columns(fan_in, fan_out, rng):
    std = np.sqrt(2.0 / fan_in)
    return np.column_stack([rng.normal(0.0, std, size=fan_in) for _ in range(fan_out)]) \
        .reshape(fan_in, fan_out)


# --------------------------------------------------------------------------- #
# activation_stds
# --------------------------------------------------------------------------- #

@variants.wrong("activation_stds", "std of the pre-activations h_{l-1} @ W_l",
                hint="pre-activation")
def activation_stds_pre(X, weights, activation):
    acts = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}
    if activation not in acts:
        raise ValueError("unknown activation")
    h, out = X, []
    for W in weights:
        z = h @ W
        out.append(float(z.std()))
        h = acts[activation](z)
    return out


@variants.wrong("activation_stds", "std over axis 0 (per unit), then averaged", hint="per unit")
def activation_stds_axis0(X, weights, activation):
    acts = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}
    if activation not in acts:
        raise ValueError("unknown activation")
    h, out = X, []
    for W in weights:
        h = acts[activation](h @ W)
        out.append(float(h.std(axis=0).mean()))
    return out


@variants.wrong("activation_stds", "std over axis 1 (per example), then averaged",
                hint="per example")
def activation_stds_axis1(X, weights, activation):
    acts = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}
    if activation not in acts:
        raise ValueError("unknown activation")
    h, out = X, []
    for W in weights:
        h = acts[activation](h @ W)
        out.append(float(np.mean(np.std(h, axis=1))))
    return out


@variants.wrong("activation_stds", "includes std(h_0) = std(X): L + 1 values")
def activation_stds_with_input(X, weights, activation):
    acts = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}
    if activation not in acts:
        raise ValueError("unknown activation")
    h = np.asarray(X, dtype=float)
    out = [float(h.std())]
    for W in weights:
        h = acts[activation](h @ W)
        out.append(float(h.std()))
    return out


@variants.wrong("activation_stds", "no activation after the last layer",
                hint="the last one included")
def activation_stds_linear_last(X, weights, activation):
    acts = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}
    if activation not in acts:
        raise ValueError("unknown activation")
    h, out = X, []
    for l, W in enumerate(weights):
        h = h @ W
        if l < len(weights) - 1:
            h = acts[activation](h)
        out.append(float(h.std()))
    return out


@variants.wrong("activation_stds", "ddof=1 (torch's default std)", hint="ddof=1")
def activation_stds_ddof1(X, weights, activation):
    acts = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}
    if activation not in acts:
        raise ValueError("unknown activation")
    h, out = X, []
    for W in weights:
        h = acts[activation](h @ W)
        out.append(float(np.std(h, ddof=1)))
    return out


@variants.wrong("activation_stds", "the variance instead of the std", hint="np.var")
def activation_stds_variance(X, weights, activation):
    acts = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}
    if activation not in acts:
        raise ValueError("unknown activation")
    h, out = X, []
    for W in weights:
        h = acts[activation](h @ W)
        out.append(float(h.var()))
    return out


@variants.wrong("activation_stds", "root mean square instead of the std (no centring)",
                hint="sqrt(mean(h**2))")
def activation_stds_rms(X, weights, activation):
    acts = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}
    if activation not in acts:
        raise ValueError("unknown activation")
    h, out = X, []
    for W in weights:
        h = acts[activation](h @ W)
        out.append(float(np.sqrt(np.mean(h**2))))
    return out


@variants.wrong("activation_stds", "the mean absolute activation instead of the std",
                hint="mean absolute")
def activation_stds_mean_abs(X, weights, activation):
    acts = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}
    if activation not in acts:
        raise ValueError("unknown activation")
    h, out = X, []
    for W in weights:
        h = acts[activation](h @ W)
        out.append(float(np.abs(h).mean()))
    return out


@variants.wrong("activation_stds", "h @ W.T: the weights taken as (fan_out, fan_in)")
def activation_stds_transposed(X, weights, activation):
    acts = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}
    if activation not in acts:
        raise ValueError("unknown activation")
    h, out = X, []
    for W in weights:
        h = acts[activation](h @ W.T)
        out.append(float(h.std()))
    return out


@variants.wrong("activation_stds", "any unknown name treated as linear (no ValueError)")
def activation_stds_default_linear(X, weights, activation):
    h, out = X, []
    for W in weights:
        h = h @ W
        if activation == "relu":
            h = np.maximum(h, 0.0)
        elif activation == "tanh":
            h = np.tanh(h)
        out.append(float(h.std()))
    return out


@variants.wrong("activation_stds", "names lower-cased first: accepts 'ReLU' and 'Tanh'")
def activation_stds_case_insensitive(X, weights, activation):
    acts = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}
    key = activation.lower()
    if key not in acts:
        raise ValueError("unknown activation")
    h, out = X, []
    for W in weights:
        h = acts[key](h @ W)
        out.append(float(h.std()))
    return out


@variants.wrong("activation_stds", "torch.nn.Linear layers with the weights copied in")
def activation_stds_torch_linear(X, weights, activation):
    acts = {"relu": torch.relu, "tanh": torch.tanh, "linear": lambda z: z}
    if activation not in acts:
        raise ValueError("unknown activation")
    h, out = torch.from_numpy(np.asarray(X, dtype=float)), []
    with torch.no_grad():
        for W in weights:
            layer = torch.nn.Linear(W.shape[0], W.shape[1], bias=False, dtype=torch.float64)
            layer.weight.copy_(torch.from_numpy(W.T))
            h = acts[activation](layer(h))
            out.append(float(h.std(correction=0)))
    return out


@variants.correct("activation_stds", "std written out: sqrt(mean((h - mean(h))^2)), if/elif chain")
def activation_stds_by_hand(X, weights, activation):
    if activation not in ("relu", "tanh", "linear"):
        raise ValueError(f"activation must be 'relu', 'tanh' or 'linear', not {activation!r}")
    h = np.array(X, dtype=float)
    stds = []
    for W in weights:
        z = h @ W
        if activation == "relu":
            h = z * (z > 0)
        elif activation == "tanh":
            h = np.tanh(z)
        else:
            h = z
        stds.append(float(np.sqrt(np.mean((h - h.mean()) ** 2))))
    return stds


@variants.correct("activation_stds", "a 1-D array instead of a list")
def activation_stds_array(X, weights, activation):
    if activation not in {"relu", "tanh", "linear"}:
        raise ValueError("activation must be relu, tanh or linear")
    h = X
    stds = np.empty(len(weights))
    for l, W in enumerate(weights):
        h = h @ W
        h = np.where(h > 0, h, 0.0) if activation == "relu" else np.tanh(h) if activation == "tanh" else h
        stds[l] = h.ravel().std()
    return stds


@variants.wrong("activation_stds", "torch tensors with torch.relu / torch.tanh and std(correction=0): a module this exercise may not import",
                hint="which this exercise may not use")
def activation_stds_torch_tensors(X, weights, activation):
    funcs = {"relu": torch.relu, "tanh": torch.tanh, "linear": lambda t: t}
    if activation not in funcs:
        raise ValueError("unknown activation")
    h = torch.as_tensor(np.asarray(X, dtype=np.float64))
    out = []
    for W in weights:
        if W.shape[0] != h.shape[1]:        # torch's @ raises RuntimeError, not ValueError
            raise ValueError(f"weights of shape {W.shape} do not fit activations of width {h.shape[1]}")
        h = funcs[activation](h @ torch.as_tensor(np.asarray(W, dtype=np.float64)))
        out.append(h.std(correction=0).item())
    return out


@variants.correct("activation_stds", "every layer kept first, stds at the end (helper nested)")
def activation_stds_collect(X, weights, activation):
    def act(z):
        if activation == "relu":
            return np.maximum(0, z)
        if activation == "tanh":
            return np.tanh(z)
        if activation == "linear":
            return z
        raise ValueError(f"unknown activation: {activation}")

    act(np.zeros(1))  # validates the name even for an empty list of weights
    layers = []
    h = X
    for W in weights:
        h = act(h @ W)
        layers.append(h)
    return [float(np.std(h)) for h in layers]


# --------------------------------------------------------------------------- #
# gradient_norms
# --------------------------------------------------------------------------- #

@variants.wrong("gradient_norms", "the SUM of the losses: no division by N",
                hint="SUM of the losses")
def gradient_norms_sum(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "a ReLU on the logits too", hint="no ReLU after the last layer")
def gradient_norms_relu_logits(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for W in weights:
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0)
    logits = h
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N * (zs[-1] > 0)
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "no ReLU mask in the backward pass",
                hint="goes back through every ReLU")
def gradient_norms_no_mask(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta)))
        if l:
            delta = delta @ weights[l].T
    return norms[::-1]


@variants.wrong("gradient_norms", "ReLU derivative 1 at exactly 0: mask z >= 0",
                hint="not (z >= 0)")
def gradient_norms_mask_ge(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] >= 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "the list in backward order: last layer first",
                hint="FIRST layer")
def gradient_norms_reversed(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms


@variants.wrong("gradient_norms", "squared Frobenius norms", hint="square ROOT")
def gradient_norms_squared(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.sum((hs[l].T @ delta) ** 2)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "spectral norms (np.linalg.norm(dW, 2)) instead of Frobenius",
                hint="spectral norm")
def gradient_norms_spectral(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta, 2)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "norms of dL/dz_l (the error signal) instead of dL/dW_l",
                hint="error signal")
def gradient_norms_of_delta(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    zs, h = [], X
    for l, W in enumerate(weights):
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(delta)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "dW_l = h_l^T delta_l: the layer's output instead of its input",
                hint="INPUT of layer l")
def gradient_norms_output_activations(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
        hs.append(h)
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "softmax without the max-shift: nan for huge logits",
                hint="overflow")
def gradient_norms_no_shift(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    with np.errstate(all="ignore"):
        p = np.exp(zs[-1])
        p = p / p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        with np.errstate(all="ignore"):
            norms.append(float(np.linalg.norm(hs[l].T @ delta)))
            if l:
                delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "the one-hot labels forgotten: delta_L = softmax / N",
                hint="one-hot labels")
def gradient_norms_no_onehot(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "divides by N * C (a mean over every logit)", hint="not by N*C")
def gradient_norms_mean_over_classes(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / (N * C)
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "torch autograd does the backward pass")
def gradient_norms_autograd(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    Ws = [torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in weights]
    h = torch.as_tensor(np.asarray(X, dtype=np.float64))
    for W in Ws[:-1]:
        h = torch.relu(h @ W)
    logits = h @ Ws[-1]
    log_q = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    loss = -log_q[torch.arange(N), torch.as_tensor(y)].mean()
    loss.backward()
    return [float(torch.linalg.norm(W.grad)) for W in Ws]


@variants.wrong("gradient_norms", "checks y < C but lets -1 through",
                hint="-1 is a valid NumPy index")
def gradient_norms_negative_label(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "no validation of y: IndexError for the label C")
def gradient_norms_no_validation(X, y, weights):
    y = np.asarray(y)
    N = X.shape[0]
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "the norm of the weight and bias gradients combined (the "
                "network has no bias)", hint="no biases")
def gradient_norms_with_bias(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        dW, db = hs[l].T @ delta, delta.sum(axis=0)
        norms.append(float(np.sqrt(np.sum(dW**2) + np.sum(db**2))))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "y checked by its length only: a column (N, 1) of labels passes",
                hint="shape (N,)")
def gradient_norms_length_only(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if len(y) != N or np.any(y < 0) or np.any(y >= C):
        raise ValueError("bad labels")
    hs, zs, h = [], [], X
    for l, W in enumerate(weights):
        hs.append(h)
        z = h @ W
        zs.append(z)
        h = np.maximum(z, 0) if l < len(weights) - 1 else z
    p = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(N), y] -= 1
    delta = p / N
    norms = []
    for l in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(hs[l].T @ delta)))
        if l:
            delta = (delta @ weights[l].T) * (zs[l - 1] > 0)
    return norms[::-1]


@variants.wrong("gradient_norms", "one-hot matrix, scipy's softmax, sqrt(sum(dW**2)): a module this exercise may not import",
                hint="which this exercise may not use")
def gradient_norms_onehot(X, y, weights):
    from scipy.special import softmax
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,):
        raise ValueError("y must have one label per row of X")
    if y.min() < 0 or y.max() >= C:
        raise ValueError("labels must be in 0..C-1")
    Y = np.zeros((N, C))
    Y[np.arange(N), y] = 1.0
    inputs, masks = [], []
    h = X
    for W in weights[:-1]:
        inputs.append(h)
        z = h @ W
        masks.append(z > 0)
        h = np.where(z > 0, z, 0.0)
    inputs.append(h)
    delta = (softmax(h @ weights[-1], axis=1) - Y) / N
    grads = [None] * len(weights)
    for l in reversed(range(len(weights))):
        grads[l] = inputs[l].T @ delta
        if l > 0:
            delta = (delta @ weights[l].T) * masks[l - 1]
    return [float(np.sqrt(np.sum(g * g))) for g in grads]


@variants.correct("gradient_norms", "example by example: outer products summed over the batch")
def gradient_norms_per_example(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or np.any((y < 0) | (y >= C)):
        raise ValueError("labels out of range")
    grads = [np.zeros_like(W, dtype=float) for W in weights]
    for n in range(N):
        hs, zs, h = [], [], X[n]
        for l, W in enumerate(weights):
            hs.append(h)
            z = h @ W
            zs.append(z)
            h = np.maximum(z, 0.0) if l < len(weights) - 1 else z
        e = np.exp(zs[-1] - zs[-1].max())
        delta = e / e.sum()
        delta[y[n]] -= 1.0
        delta /= N
        for l in range(len(weights) - 1, -1, -1):
            grads[l] += np.outer(hs[l], delta)
            if l:
                delta = (weights[l] @ delta) * (zs[l - 1] > 0)
    return [float(np.linalg.norm(g)) for g in grads]


@variants.wrong("gradient_norms", "log-sum-exp via scipy, a 1-D array of norms: a module this exercise may not import",
                hint="which this exercise may not use")
def gradient_norms_logsumexp(X, y, weights):
    from scipy.special import logsumexp
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,) or not np.all((0 <= y) & (y < C)):
        raise ValueError("y does not match")
    acts, pre = [X], []
    for l, W in enumerate(weights):
        pre.append(acts[-1] @ W)
        if l < len(weights) - 1:
            acts.append(np.maximum(pre[-1], 0))
    z = pre[-1]
    delta = np.exp(z - logsumexp(z, axis=1, keepdims=True))
    delta[np.arange(N), y] -= 1
    delta = delta / N
    out = np.zeros(len(weights))
    for l in range(len(weights) - 1, -1, -1):
        out[l] = np.linalg.norm(acts[l].T @ delta, "fro")
        if l:
            delta = delta @ weights[l].T
            delta[pre[l - 1] <= 0] = 0.0
    return out


@variants.correct("gradient_norms", "Jacobian-style: the backward pass as a loop of matrix products")
def gradient_norms_jacobians(X, y, weights):
    y = np.asarray(y)
    N, C = X.shape[0], weights[-1].shape[1]
    if y.shape != (N,):
        raise ValueError("one label per example")
    if (y < 0).any() or (y >= C).any():
        raise ValueError("labels outside 0..C-1")
    L = len(weights)
    h = [np.asarray(X, dtype=float)]
    z = []
    for l in range(L):
        z.append(h[-1] @ weights[l])
        h.append(np.maximum(z[-1], 0) if l < L - 1 else z[-1])
    m = z[-1].max(axis=1, keepdims=True)
    q = np.exp(z[-1] - m)
    q /= q.sum(axis=1, keepdims=True)
    g = q - np.eye(C)[y]
    g /= N
    result = []
    for l in range(L - 1, -1, -1):
        result.insert(0, float(np.linalg.norm(h[l].T @ g)))
        g = (g @ weights[l].T) * np.heaviside(z[l - 1], 0.0) if l > 0 else None
    return result
