"""Wrong and correct implementations of the graded classes of lesson 07.

Each variant runs in the lesson's kernel, where the set-up cell has imported ``np``; a
variant of ``AdamW`` may subclass the notebook's ``Adam`` (the solution's). Variants that
should fail only because of one mistake keep everything else right (the validation too),
so that the check which rejects them is the one meant to.
"""

import numpy as np

from catalogue import Catalogue

variants = Catalogue()


class Adam:
    """Stand-in for the notebook's ``Adam`` while this module is imported: the ``AdamW``
    variants that subclass it are sent to the kernel as source, where ``Adam`` is the
    solution's."""


# --------------------------------------------------------------------------- #
# SGD
# --------------------------------------------------------------------------- #

@variants.wrong("SGD", "dampened momentum: b = mu b + (1 - mu) g from b = 0",
                hint="started at zero")
class SGD_dampened:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            b = self.momentum * self.state.get(k, 0.0) + (1 - self.momentum) * grads[k]
            self.state[k] = b
            p -= self.lr * b


@variants.wrong("SGD", "torch's dampening = momentum: b = g first, then b = mu b + (1 - mu) g",
                hint="torch's dampening")
class SGD_torch_dampening:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            if k not in self.state:
                self.state[k] = g.copy()
            else:
                self.state[k] = self.momentum * self.state[k] + (1 - self.momentum) * g
            p -= self.lr * self.state[k]


@variants.wrong("SGD", "buffer started at zero and the step taken before its update (first step 0)")
class SGD_lagged:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            if self.momentum == 0:
                p -= self.lr * grads[k]
                continue
            b = self.state.get(k, np.zeros_like(p))
            p -= self.lr * b
            self.state[k] = self.momentum * b + grads[k]


@variants.wrong("SGD", "first step counts the gradient twice: b = g, then also b = mu b + g",
                hint="(1 + mu) times")
class SGD_first_twice:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            if k not in self.state:
                self.state[k] = grads[k].copy()
            self.state[k] = self.momentum * self.state[k] + grads[k]
            p -= self.lr * self.state[k]


@variants.wrong("SGD", "Nesterov momentum instead of heavy ball", hint="Nesterov")
class SGD_nesterov:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            self.state[k] = g.copy() if k not in self.state else self.momentum * self.state[k] + g
            p -= self.lr * (g + self.momentum * self.state[k])


@variants.wrong("SGD", "momentum ignored", hint="the momentum is ignored")
class SGD_no_momentum:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum = lr, momentum

    def step(self, params, grads):
        for k, p in params.items():
            p -= self.lr * grads[k]


@variants.wrong("SGD", "puts new arrays into the dict instead of updating in place")
class SGD_replaces:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k in list(params):
            g = grads[k]
            self.state[k] = g.copy() if k not in self.state else self.momentum * self.state[k] + g
            params[k] = params[k] - self.lr * self.state[k]


@variants.wrong("SGD", "buffer aliases the gradient (b = g, then b *= mu in place): changes a reused grads")
class SGD_aliased_buffer:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            if k not in self.state:
                self.state[k] = grads[k]
            else:
                b = self.state[k]
                b *= self.momentum
                b += grads[k]
            p -= self.lr * self.state[k]


@variants.wrong("SGD", "state in a class attribute: shared by every SGD", hint="class attribute")
class SGD_class_state:
    state = {}

    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum = lr, momentum

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            self.state[k] = g.copy() if k not in self.state else self.momentum * self.state[k] + g
            p -= self.lr * self.state[k]


@variants.wrong("SGD", "state keyed by id(p): lost when the same parameter comes in a new array",
                hint="id(p)")
class SGD_id_state:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            g, key = grads[k], id(p)
            self.state[key] = g.copy() if key not in self.state else self.momentum * self.state[key] + g
            p -= self.lr * self.state[key]


@variants.wrong("SGD", "rejects lr = 0 (lr <= 0), which torch accepts", hint="0 is a valid lr")
class SGD_rejects_zero_lr:
    def __init__(self, lr, momentum=0.0):
        if lr <= 0 or momentum < 0:
            raise ValueError("lr must be > 0 and momentum >= 0")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            if self.momentum:
                self.state[k] = g.copy() if k not in self.state else self.momentum * self.state[k] + g
                g = self.state[k]
            p -= self.lr * g


@variants.wrong("SGD", "one buffer keyed by shape, shared by parameters of the same shape")
class SGD_shared_buffer:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            g, key = grads[k], p.shape
            self.state[key] = g.copy() if key not in self.state else self.momentum * self.state[key] + g
            p -= self.lr * self.state[key]


@variants.wrong("SGD", "wraps torch.optim.SGD")
class SGD_torch:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum, self.tensors, self.opt = lr, momentum, None, None

    def step(self, params, grads):
        import torch
        if self.opt is None:
            self.tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
                            for k, v in params.items()}
            self.opt = torch.optim.SGD(list(self.tensors.values()), lr=self.lr, momentum=self.momentum)
        for k, t in self.tensors.items():
            with torch.no_grad():
                t.copy_(torch.from_numpy(np.asarray(params[k], dtype=float)))
            t.grad = torch.tensor(grads[k], dtype=torch.float64)
        self.opt.step()
        for k, t in self.tensors.items():
            params[k][...] = t.detach().numpy()


@variants.wrong("SGD", "no validation of lr and momentum")
class SGD_no_validation:
    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            if self.momentum:
                self.state[k] = g.copy() if k not in self.state else self.momentum * self.state[k] + g
                g = self.state[k]
            p -= self.lr * g


@variants.wrong("SGD", "validates lr only")
class SGD_no_momentum_check:
    def __init__(self, lr, momentum=0.0):
        if lr < 0:
            raise ValueError("lr must be >= 0")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            if self.momentum:
                self.state[k] = g.copy() if k not in self.state else self.momentum * self.state[k] + g
                g = self.state[k]
            p -= self.lr * g


@variants.correct("SGD", "velocity form: v = mu v - lr g, p += v (the same for a constant lr)")
class SGD_velocity:
    def __init__(self, lr, momentum=0.0):
        if not (lr >= 0 and momentum >= 0):
            raise ValueError("lr and momentum must be >= 0")
        self.lr, self.momentum, self.velocity = lr, momentum, {}

    def step(self, params, grads):
        for k, p in params.items():
            v = self.momentum * self.velocity.get(k, 0.0) - self.lr * np.asarray(grads[k], dtype=float)
            self.velocity[k] = v
            p += v


@variants.correct("SGD", "buffer started at zeros, b = mu b + g at every step, np.subtract(out=p)")
class SGD_zero_start:
    def __init__(self, lr, momentum=0.0):
        if lr < 0:
            raise ValueError(f"lr must be >= 0, got {lr}")
        if momentum < 0:
            raise ValueError(f"momentum must be >= 0, got {momentum}")
        self.lr, self.momentum, self.buffers = lr, momentum, {}

    def step(self, params, grads):
        for name in params:
            b = self.buffers.setdefault(name, np.zeros(params[name].shape))
            b *= self.momentum
            b += grads[name]
            np.subtract(params[name], self.lr * b, out=params[name])


@variants.correct("SGD", "element by element with Python loops and p[...] assignment")
class SGD_loops:
    def __init__(self, lr, momentum=0.0):
        if lr < 0 or momentum < 0:
            raise ValueError("negative hyperparameter")
        self.lr, self.momentum, self.state = lr, momentum, {}

    def step(self, params, grads):
        for name, p in params.items():
            g = np.array(grads[name], dtype=float)
            if self.momentum != 0:
                if name in self.state:
                    b = self.state[name]
                    for i in np.ndindex(b.shape):
                        b[i] = self.momentum * b[i] + g[i]
                else:
                    self.state[name] = g
                g = self.state[name]
            new = p.copy()
            for i in np.ndindex(p.shape):
                new[i] = p[i] - self.lr * g[i]
            p[...] = new


# --------------------------------------------------------------------------- #
# RMSprop
# --------------------------------------------------------------------------- #

@variants.wrong("RMSprop", "eps inside the square root")
class RMSprop_eps_inside:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if lr < 0 or alpha < 0 or eps < 0:
            raise ValueError("hyperparameters must be >= 0")
        self.lr, self.alpha, self.eps, self.state = lr, alpha, eps, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            v = self.alpha * self.state.get(k, 0.0) + (1 - self.alpha) * g**2
            self.state[k] = v
            p -= self.lr * g / np.sqrt(v + self.eps)


@variants.wrong("RMSprop", "v started at g**2 instead of 0", hint="v starts at zeros")
class RMSprop_v_starts_at_g2:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if lr < 0 or alpha < 0 or eps < 0:
            raise ValueError("hyperparameters must be >= 0")
        self.lr, self.alpha, self.eps, self.state = lr, alpha, eps, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            if k not in self.state:
                self.state[k] = g**2
            else:
                self.state[k] = self.alpha * self.state[k] + (1 - self.alpha) * g**2
            p -= self.lr * g / (np.sqrt(self.state[k]) + self.eps)


@variants.wrong("RMSprop", "alpha and 1 - alpha swapped")
class RMSprop_alpha_swapped:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if lr < 0 or alpha < 0 or eps < 0:
            raise ValueError("hyperparameters must be >= 0")
        self.lr, self.alpha, self.eps, self.state = lr, alpha, eps, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            v = (1 - self.alpha) * self.state.get(k, 0.0) + self.alpha * g**2
            self.state[k] = v
            p -= self.lr * g / (np.sqrt(v) + self.eps)


@variants.wrong("RMSprop", "Adam-style bias correction of v", hint="RMSprop has no bias correction")
class RMSprop_bias_corrected:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if lr < 0 or alpha < 0 or eps < 0:
            raise ValueError("hyperparameters must be >= 0")
        self.lr, self.alpha, self.eps, self.state, self.t = lr, alpha, eps, {}, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            self.t[k] = self.t.get(k, 0) + 1
            v = self.alpha * self.state.get(k, 0.0) + (1 - self.alpha) * g**2
            self.state[k] = v
            p -= self.lr * g / (np.sqrt(v / (1 - self.alpha ** self.t[k])) + self.eps)


@variants.wrong("RMSprop", "divides by the mean square, not its root")
class RMSprop_no_sqrt:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if lr < 0 or alpha < 0 or eps < 0:
            raise ValueError("hyperparameters must be >= 0")
        self.lr, self.alpha, self.eps, self.state = lr, alpha, eps, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            v = self.alpha * self.state.get(k, 0.0) + (1 - self.alpha) * g**2
            self.state[k] = v
            p -= self.lr * g / (v + self.eps)


@variants.wrong("RMSprop", "puts new arrays into the dict")
class RMSprop_replaces:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if lr < 0 or alpha < 0 or eps < 0:
            raise ValueError("hyperparameters must be >= 0")
        self.lr, self.alpha, self.eps, self.state = lr, alpha, eps, {}

    def step(self, params, grads):
        for k in list(params):
            g = grads[k]
            v = self.alpha * self.state.get(k, 0.0) + (1 - self.alpha) * g**2
            self.state[k] = v
            params[k] = params[k] - self.lr * g / (np.sqrt(v) + self.eps)


@variants.wrong("RMSprop", "squares the caller's gradient in place")
class RMSprop_modifies_grads:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if lr < 0 or alpha < 0 or eps < 0:
            raise ValueError("hyperparameters must be >= 0")
        self.lr, self.alpha, self.eps, self.state = lr, alpha, eps, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            step = g / 1.0
            g *= g                      # g**2, in the caller's array
            v = self.alpha * self.state.get(k, 0.0) + (1 - self.alpha) * g
            self.state[k] = v
            p -= self.lr * step / (np.sqrt(v) + self.eps)


@variants.wrong("RMSprop", "state in a class attribute")
class RMSprop_class_state:
    state = {}

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if lr < 0 or alpha < 0 or eps < 0:
            raise ValueError("hyperparameters must be >= 0")
        self.lr, self.alpha, self.eps = lr, alpha, eps

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            v = self.alpha * self.state.get(k, 0.0) + (1 - self.alpha) * g**2
            self.state[k] = v
            p -= self.lr * g / (np.sqrt(v) + self.eps)


@variants.wrong("RMSprop", "default alpha 0.9 (Hinton's lecture) instead of torch's 0.99")
class RMSprop_default_alpha:
    def __init__(self, lr=0.01, alpha=0.9, eps=1e-8):
        if lr < 0 or alpha < 0 or eps < 0:
            raise ValueError("hyperparameters must be >= 0")
        self.lr, self.alpha, self.eps, self.state = lr, alpha, eps, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            v = self.alpha * self.state.get(k, 0.0) + (1 - self.alpha) * g**2
            self.state[k] = v
            p -= self.lr * g / (np.sqrt(v) + self.eps)


@variants.wrong("RMSprop", "rejects alpha = 0 (0 < alpha), which torch accepts",
                hint="0 is a valid alpha")
class RMSprop_rejects_zero_alpha:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if lr < 0 or not alpha > 0 or eps < 0:
            raise ValueError("bad hyperparameter")
        self.lr, self.alpha, self.eps, self.state = lr, alpha, eps, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            v = self.alpha * self.state.get(k, 0.0) + (1 - self.alpha) * g**2
            self.state[k] = v
            p -= self.lr * g / (np.sqrt(v) + self.eps)


@variants.wrong("RMSprop", "wraps torch.optim.RMSprop")
class RMSprop_torch:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if lr < 0 or alpha < 0 or eps < 0:
            raise ValueError("hyperparameters must be >= 0")
        self.lr, self.alpha, self.eps, self.opt, self.tensors = lr, alpha, eps, None, None

    def step(self, params, grads):
        import torch
        if self.opt is None:
            self.tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
                            for k, v in params.items()}
            self.opt = torch.optim.RMSprop(list(self.tensors.values()), lr=self.lr,
                                           alpha=self.alpha, eps=self.eps)
        for k, t in self.tensors.items():
            with torch.no_grad():
                t.copy_(torch.from_numpy(np.asarray(params[k], dtype=float)))
            t.grad = torch.tensor(grads[k], dtype=torch.float64)
        self.opt.step()
        for k, t in self.tensors.items():
            params[k][...] = t.detach().numpy()


@variants.wrong("RMSprop", "no validation")
class RMSprop_no_validation:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        self.lr, self.alpha, self.eps, self.state = lr, alpha, eps, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = grads[k]
            v = self.alpha * self.state.get(k, 0.0) + (1 - self.alpha) * g**2
            self.state[k] = v
            p -= self.lr * g / (np.sqrt(v) + self.eps)


@variants.correct("RMSprop", "in-place buffers: v *= alpha; v += (1 - alpha) g**2")
class RMSprop_in_place:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        for name, value in {"lr": lr, "alpha": alpha, "eps": eps}.items():
            if value < 0:
                raise ValueError(f"{name} must be >= 0")
        self.lr, self.alpha, self.eps, self.square_avg = lr, alpha, eps, {}

    def step(self, params, grads):
        for k, p in params.items():
            g = np.asarray(grads[k], dtype=float)
            v = self.square_avg.setdefault(k, np.zeros_like(p))
            v *= self.alpha
            v += (1 - self.alpha) * np.square(g)
            p[...] = p - self.lr * g / (np.sqrt(v) + self.eps)


@variants.correct("RMSprop", "first step written out: v = (1 - alpha) g**2, the denominator apart")
class RMSprop_first_step_apart:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if not (lr >= 0 and alpha >= 0 and eps >= 0):
            raise ValueError("lr, alpha and eps must be >= 0")
        self.lr, self.alpha, self.eps, self.v = lr, alpha, eps, {}

    def step(self, params, grads):
        for k in params:
            g = grads[k]
            if k in self.v:
                self.v[k] = self.alpha * self.v[k] + (1 - self.alpha) * g * g
            else:
                self.v[k] = (1 - self.alpha) * g * g
            denominator = np.sqrt(self.v[k]) + self.eps
            params[k] -= self.lr * g / denominator


@variants.correct("RMSprop", "element by element with math.sqrt and Python loops")
class RMSprop_loops:
    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        if min(lr, alpha, eps) < 0:
            raise ValueError("lr, alpha and eps must be non-negative")
        self.lr, self.alpha, self.eps, self.state = lr, alpha, eps, {}

    def step(self, params, grads):
        import math
        for k, p in params.items():
            g = grads[k]
            v = self.state.setdefault(k, np.zeros(p.shape))
            for i in np.ndindex(p.shape):
                v[i] = self.alpha * v[i] + (1 - self.alpha) * g[i] * g[i]
                p[i] -= self.lr * g[i] / (math.sqrt(v[i]) + self.eps)


# --------------------------------------------------------------------------- #
# Adam
# --------------------------------------------------------------------------- #

@variants.wrong("Adam", "no bias correction")
class Adam_no_correction:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            m, v = self.state.get(k, (0.0, 0.0))
            m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (m, v)
            p -= self.lr * m / (np.sqrt(v) + self.eps)


@variants.wrong("Adam", "only m is bias-corrected")
class Adam_only_m:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v) + self.eps)


@variants.wrong("Adam", "only v is bias-corrected")
class Adam_only_v:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            p -= self.lr * m / (np.sqrt(v / (1 - b2**t)) + self.eps)


@variants.wrong("Adam", "t starts at 0 in the correction (divides by zero on the first step)",
                hint="t must be 1 on the first step")
class Adam_t_from_zero:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            with np.errstate(divide="ignore", invalid="ignore"):
                p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)
            self.state[k] = (t + 1, m, v)


@variants.wrong("Adam", "t off by one: 2 on the first step")
class Adam_t_off_by_one:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (1, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)


@variants.wrong("Adam", "eps inside the square root")
class Adam_eps_inside:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            p -= self.lr * (m / (1 - b1**t)) / np.sqrt(v / (1 - b2**t) + self.eps)


@variants.wrong("Adam", "the paper's efficient form: corrections folded into lr, eps on sqrt(v)")
class Adam_paper_eps:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            lr_t = self.lr * np.sqrt(1 - b2**t) / (1 - b1**t)
            p -= lr_t * m / (np.sqrt(v) + self.eps)


@variants.wrong("Adam", "one step counter bumped once per parameter (counts updates, not steps)")
class Adam_t_per_update:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.m, self.v, self.t = lr, betas, eps, {}, {}, 0

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            self.t += 1
            self.m[k] = b1 * self.m.get(k, 0.0) + (1 - b1) * g
            self.v[k] = b2 * self.v.get(k, 0.0) + (1 - b2) * g**2
            m_hat = self.m[k] / (1 - b1**self.t)
            v_hat = self.v[k] / (1 - b2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


@variants.wrong("Adam", "t never incremented (always 1)")
class Adam_t_stuck:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.m, self.v, self.t = lr, betas, eps, {}, {}, 1

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            self.m[k] = b1 * self.m.get(k, 0.0) + (1 - b1) * g
            self.v[k] = b2 * self.v.get(k, 0.0) + (1 - b2) * g**2
            p -= self.lr * (self.m[k] / (1 - b1**self.t)) / (np.sqrt(self.v[k] / (1 - b2**self.t)) + self.eps)


@variants.wrong("Adam", "betas swapped between m and v")
class Adam_betas_swapped:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b2, b1 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)


@variants.wrong("Adam", "state in a class attribute", hint="class attribute")
class Adam_class_state:
    state = {}

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps = lr, betas, eps

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)


@variants.wrong("Adam", "state keyed by id(p): lost when the same parameter comes in a new array",
                hint="id(p)")
class Adam_id_state:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(id(p), (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[id(p)] = (t, m, v)
            p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)


@variants.wrong("Adam", "rejects betas of 0 (0 < beta < 1)", hint="each beta may be 0")
class Adam_rejects_zero_betas:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 < betas[0] < 1 and 0 < betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)


@variants.wrong("Adam", "puts new arrays into the dict")
class Adam_replaces:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k in list(params):
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            params[k] = params[k] - self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)


@variants.wrong("Adam", "wraps torch.optim.Adam")
class Adam_torch:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.opt, self.tensors = lr, betas, eps, None, None

    def step(self, params, grads):
        import torch
        if self.opt is None:
            self.tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
                            for k, v in params.items()}
            self.opt = torch.optim.Adam(list(self.tensors.values()), lr=self.lr, betas=self.betas,
                                        eps=self.eps)
        for k, t in self.tensors.items():
            with torch.no_grad():
                t.copy_(torch.from_numpy(np.asarray(params[k], dtype=float)))
            t.grad = torch.tensor(grads[k], dtype=torch.float64)
        self.opt.step()
        for k, t in self.tensors.items():
            params[k][...] = t.detach().numpy()


@variants.wrong("Adam", "validates lr and eps but not the betas")
class Adam_no_beta_check:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0:
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)


@variants.wrong("Adam", "checks only betas[0]")
class Adam_checks_beta1_only:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or not 0 <= betas[0] < 1:
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)


@variants.correct("Adam", "torch's form: step_size = lr / bc1, denom = sqrt(v) / sqrt(bc2) + eps")
class Adam_torch_form:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0 or not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid betas: {betas}")
        self.lr, self.betas, self.eps, self.state = lr, betas, eps, {}

    def step(self, params, grads):
        import math
        beta1, beta2 = self.betas
        for k, p in params.items():
            g = np.asarray(grads[k], dtype=float)
            st = self.state.setdefault(k, {"step": 0, "exp_avg": np.zeros_like(p),
                                           "exp_avg_sq": np.zeros_like(p)})
            st["step"] += 1
            st["exp_avg"] += (1 - beta1) * (g - st["exp_avg"])          # lerp
            st["exp_avg_sq"] *= beta2
            st["exp_avg_sq"] += (1 - beta2) * g * g
            bias_correction1 = 1 - beta1 ** st["step"]
            bias_correction2_sqrt = math.sqrt(1 - beta2 ** st["step"])
            denom = np.sqrt(st["exp_avg_sq"]) / bias_correction2_sqrt + self.eps
            p -= (self.lr / bias_correction1) * st["exp_avg"] / denom


@variants.correct("Adam", "one step counter per optimiser, bumped once per call of step")
class Adam_global_t:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        b1, b2 = betas
        if lr < 0 or eps < 0 or not (0 <= b1 < 1) or not (0 <= b2 < 1):
            raise ValueError("invalid hyperparameter")
        self.lr, self.b1, self.b2, self.eps = lr, b1, b2, eps
        self.t, self.m, self.v = 0, {}, {}

    def step(self, params, grads):
        self.t += 1
        for k in params:
            g = grads[k]
            self.m[k] = self.b1 * self.m.get(k, np.zeros(g.shape)) + (1 - self.b1) * g
            self.v[k] = self.b2 * self.v.get(k, np.zeros(g.shape)) + (1 - self.b2) * np.square(g)
            m_hat = self.m[k] / (1 - self.b1**self.t)
            v_hat = self.v[k] / (1 - self.b2**self.t)
            params[k] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


@variants.correct("Adam", "element by element with Python loops")
class Adam_loops:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        if lr < 0 or eps < 0 or any(not 0 <= b < 1 for b in betas):
            raise ValueError("invalid hyperparameter")
        self.lr, self.betas, self.eps, self.state = lr, tuple(betas), eps, {}

    def step(self, params, grads):
        import math
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            if k not in self.state:
                self.state[k] = [0, np.zeros(p.shape), np.zeros(p.shape)]
            s = self.state[k]
            s[0] += 1
            for i in np.ndindex(p.shape):
                s[1][i] = b1 * s[1][i] + (1 - b1) * g[i]
                s[2][i] = b2 * s[2][i] + (1 - b2) * g[i] ** 2
                m_hat = s[1][i] / (1 - b1 ** s[0])
                v_hat = s[2][i] / (1 - b2 ** s[0])
                p[i] = p[i] - self.lr * m_hat / (math.sqrt(v_hat) + self.eps)


# --------------------------------------------------------------------------- #
# AdamW (may subclass the notebook's Adam, the solution's)
# --------------------------------------------------------------------------- #

@variants.wrong("AdamW", "decays after the Adam step")
class AdamW_decay_after(Adam):
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(lr, betas, eps)
        if weight_decay < 0:
            raise ValueError("weight_decay must be >= 0")
        self.weight_decay = weight_decay

    def step(self, params, grads):
        super().step(params, grads)
        for p in params.values():
            p *= 1 - self.lr * self.weight_decay


@variants.wrong("AdamW", "L2 in the gradient: the decay goes through the adaptive scaling")
class AdamW_l2(Adam):
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(lr, betas, eps)
        if weight_decay < 0:
            raise ValueError("weight_decay must be >= 0")
        self.weight_decay = weight_decay

    def step(self, params, grads):
        super().step(params, {k: grads[k] + self.weight_decay * params[k] for k in params})


@variants.wrong("AdamW", "decay factor 1 - weight_decay (without lr)")
class AdamW_no_lr(Adam):
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(lr, betas, eps)
        if weight_decay < 0:
            raise ValueError("weight_decay must be >= 0")
        self.weight_decay = weight_decay

    def step(self, params, grads):
        for p in params.values():
            p *= 1 - self.weight_decay
        super().step(params, grads)


@variants.wrong("AdamW", "no decay at all (plain Adam)")
class AdamW_no_decay(Adam):
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(lr, betas, eps)
        if weight_decay < 0:
            raise ValueError("weight_decay must be >= 0")
        self.weight_decay = weight_decay


@variants.wrong("AdamW", "default weight_decay 0 instead of 0.01")
class AdamW_default_zero(Adam):
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(lr, betas, eps)
        if weight_decay < 0:
            raise ValueError("weight_decay must be >= 0")
        self.weight_decay = weight_decay

    def step(self, params, grads):
        for p in params.values():
            p *= 1 - self.lr * self.weight_decay
        super().step(params, grads)


@variants.wrong("AdamW", "decay puts new arrays into the dict")
class AdamW_replaces(Adam):
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(lr, betas, eps)
        if weight_decay < 0:
            raise ValueError("weight_decay must be >= 0")
        self.weight_decay = weight_decay

    def step(self, params, grads):
        for k in list(params):
            params[k] = params[k] * (1 - self.lr * self.weight_decay)
        super().step(params, grads)


@variants.wrong("AdamW", "no bias correction in its own Adam step")
class AdamW_no_correction:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        if lr < 0 or eps < 0 or weight_decay < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.weight_decay, self.state = lr, betas, eps, weight_decay, {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            m, v = self.state.get(k, (0.0, 0.0))
            m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (m, v)
            p *= 1 - self.lr * self.weight_decay
            p -= self.lr * m / (np.sqrt(v) + self.eps)


@variants.wrong("AdamW", "state in a class attribute")
class AdamW_class_state:
    state = {}

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        if lr < 0 or eps < 0 or weight_decay < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            t, m, v = self.state.get(k, (0, 0.0, 0.0))
            t, m, v = t + 1, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
            self.state[k] = (t, m, v)
            p *= 1 - self.lr * self.weight_decay
            p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)


@variants.wrong("AdamW", "wraps torch.optim.AdamW")
class AdamW_torch:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        if lr < 0 or eps < 0 or weight_decay < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError("bad hyperparameter")
        self.hyper = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        self.opt, self.tensors = None, None

    def step(self, params, grads):
        import torch
        if self.opt is None:
            self.tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
                            for k, v in params.items()}
            self.opt = torch.optim.AdamW(list(self.tensors.values()), **self.hyper)
        for k, t in self.tensors.items():
            with torch.no_grad():
                t.copy_(torch.from_numpy(np.asarray(params[k], dtype=float)))
            t.grad = torch.tensor(grads[k], dtype=torch.float64)
        self.opt.step()
        for k, t in self.tensors.items():
            params[k][...] = t.detach().numpy()


@variants.wrong("AdamW", "no check of weight_decay")
class AdamW_no_wd_check(Adam):
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(lr, betas, eps)
        self.weight_decay = weight_decay

    def step(self, params, grads):
        for p in params.values():
            p *= 1 - self.lr * self.weight_decay
        super().step(params, grads)


@variants.wrong("AdamW", "rejects weight_decay = 0 (plain Adam), which torch accepts",
                hint="0 is a valid weight_decay")
class AdamW_rejects_zero_decay(Adam):
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(lr, betas, eps)
        if not weight_decay > 0:
            raise ValueError("weight_decay must be > 0")
        self.weight_decay = weight_decay

    def step(self, params, grads):
        for p in params.values():
            p *= 1 - self.lr * self.weight_decay
        super().step(params, grads)


@variants.correct("AdamW", "standalone, decay inside the per-parameter loop, p -= lr wd p")
class AdamW_standalone:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        if lr < 0 or eps < 0 or weight_decay < 0 or not all(0 <= b < 1 for b in betas):
            raise ValueError("invalid hyperparameter")
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.state = {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for k, p in params.items():
            g = grads[k]
            p -= self.lr * self.weight_decay * p
            s = self.state.setdefault(k, {"t": 0, "m": np.zeros_like(p), "v": np.zeros_like(p)})
            s["t"] += 1
            s["m"] = b1 * s["m"] + (1 - b1) * g
            s["v"] = b2 * s["v"] + (1 - b2) * g * g
            p -= self.lr * (s["m"] / (1 - b1 ** s["t"])) / (np.sqrt(s["v"] / (1 - b2 ** s["t"])) + self.eps)


@variants.correct("AdamW", "subclass of Adam decaying with np.multiply(out=p)")
class AdamW_multiply(Adam):
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        if weight_decay < 0:
            raise ValueError("weight_decay must be >= 0")
        super().__init__(lr=lr, betas=betas, eps=eps)
        self.weight_decay = weight_decay

    def step(self, params, grads):
        factor = 1.0 - self.lr * self.weight_decay
        for name in params:
            np.multiply(params[name], factor, out=params[name])
        Adam.step(self, params, grads)


@variants.correct("AdamW", "standalone, torch's form of the step, decay with p[...] = p * factor")
class AdamW_torch_form:
    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not (0.0 <= betas[0] < 1.0 and 0.0 <= betas[1] < 1.0):
            raise ValueError(f"Invalid betas: {betas}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        self.lr, self.betas, self.eps, self.weight_decay, self.state = lr, betas, eps, weight_decay, {}

    def step(self, params, grads):
        import math
        beta1, beta2 = self.betas
        for k, p in params.items():
            g = grads[k]
            st = self.state.setdefault(k, {"step": 0, "m": np.zeros_like(p), "v": np.zeros_like(p)})
            p[...] = p * (1 - self.lr * self.weight_decay)
            st["step"] += 1
            st["m"] = beta1 * st["m"] + (1 - beta1) * g
            st["v"] = beta2 * st["v"] + (1 - beta2) * g * g
            denom = np.sqrt(st["v"]) / math.sqrt(1 - beta2 ** st["step"]) + self.eps
            p -= self.lr / (1 - beta1 ** st["step"]) * st["m"] / denom
