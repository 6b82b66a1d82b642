r"""Lesson 07: optimisers, from plain gradient descent to AdamW.

Every optimiser is a small class with a state. It is built once with its
hyperparameters, then called once per training step:

.. code-block:: python

    opt = Adam(lr=1e-3)
    for X_batch, y_batch in batches:
        loss, grads = net(params, X_batch, y_batch)
        opt.step(params, grads)        # updates the arrays of params in place

``params`` maps a parameter's name to its array (``{"W1": ..., "b1": ...}``) and
``grads`` maps the same names to gradients of the same shapes. :meth:`step`
changes the values *inside* the arrays of ``params`` (``p -= ...``), so that the
same array objects hold the new values and every other reference to them (a
model holding the arrays, a plot of the weights) sees the update; ``grads`` is
left untouched.

Each optimiser keeps its state (momentum buffers, moving averages, the step
count) per parameter name, in ``self.state[name]``, created on the first step that
sees that name. The state belongs to the instance: two optimisers never share it.

The update rules are those of ``torch.optim`` (``SGD`` without dampening, weight
decay or Nesterov; ``RMSprop`` without momentum or centring; ``Adam`` without
weight decay or AMSGrad; ``AdamW``), so a trajectory of these classes matches
torch's to round-off. Hyperparameters are read at every step from the public
attributes (``opt.lr`` and so on), so a learning-rate schedule may change them
between steps.
"""

import math

import numpy as np

__all__ = ["SGD", "RMSprop", "Adam", "AdamW"]


# --------------------------------------------------------------------------- #
# Argument checks
# --------------------------------------------------------------------------- #

def _hyperparameter(value, name, low=0.0, high=None, high_open=True):
    """``value`` as a float, checked to lie in ``[low, high)`` (or ``[low, high]``)."""
    try:
        number = float(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a number; got {type(value).__name__}") from err
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite; got {value!r}")
    if number < low:
        raise ValueError(f"{name} must be >= {low:g}; got {value!r}")
    if high is not None and (number >= high if high_open else number > high):
        bracket = ")" if high_open else "]"
        raise ValueError(f"{name} must be in [{low:g}, {high:g}{bracket}; got {value!r}")
    return number


def _betas(betas):
    try:
        beta1, beta2 = betas
    except (TypeError, ValueError) as err:
        raise ValueError(f"betas must be a pair (beta1, beta2); got {betas!r}") from err
    return (_hyperparameter(beta1, "betas[0]", 0.0, 1.0),
            _hyperparameter(beta2, "betas[1]", 0.0, 1.0))


def _check_step_arguments(params, grads):
    """Check that ``params`` and ``grads`` are dicts of matching arrays; return the gradients
    as float arrays (never copies of the caller's arrays unless a conversion is needed)."""
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict of arrays; got {type(params).__name__}")
    if not isinstance(grads, dict):
        raise ValueError(f"grads must be a dict of arrays; got {type(grads).__name__}")
    if set(params) != set(grads):
        missing = sorted(set(params) - set(grads))
        extra = sorted(set(grads) - set(params))
        raise ValueError("grads must have exactly the keys of params; "
                         f"missing gradients: {missing}, gradients of unknown parameters: {extra}")
    gradients = {}
    for name, p in params.items():
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            raise ValueError(f"params[{name!r}] must be a NumPy array of floats, which step "
                             f"updates in place; got {type(p).__name__}"
                             + (f" of dtype {p.dtype}" if isinstance(p, np.ndarray) else ""))
        if not p.flags.writeable:
            raise ValueError(f"params[{name!r}] is read-only: step must update it in place")
        try:
            g = np.asarray(grads[name], dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise ValueError(f"grads[{name!r}] must be an array of numbers") from err
        if g.shape != p.shape:
            raise ValueError(f"grads[{name!r}] must have the shape of params[{name!r}], "
                             f"{p.shape}; got {g.shape}")
        gradients[name] = g
    return gradients


# --------------------------------------------------------------------------- #
# The common skeleton: per-parameter state, one update rule per class
# --------------------------------------------------------------------------- #

class _Optimizer:
    """Base class: validates a step and applies :meth:`_update` to every parameter.

    Subclasses set their hyperparameters in ``__init__`` and define
    ``_update(p, g, state)``, which changes ``p`` in place and keeps whatever it
    needs in the dict ``state`` (empty on the first step of that parameter).
    """

    def __init__(self, lr):
        self.lr = _hyperparameter(lr, "lr")
        self.state = {}   # parameter name -> dict of that parameter's buffers

    def step(self, params, grads):
        """Update every array of ``params`` in place with its gradient from ``grads``.

        Parameters
        ----------
        params : dict of str to ndarray
            The parameters; each float array is modified in place (the dict keeps
            the same array objects).
        grads : dict of str to array_like
            The gradient of the loss with respect to each parameter: the same keys
            and shapes as ``params``. Not modified.

        Raises
        ------
        ValueError
            If the keys differ, a shape differs, or a parameter is not a writable
            float array (it could not be updated in place).
        """
        grads = _check_step_arguments(params, grads)
        for name, p in params.items():
            self._update(p, grads[name], self.state.setdefault(name, {}))

    def _update(self, p, g, state):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __repr__(self):
        hyper = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if k != "state")
        return f"{type(self).__name__}({hyper})"


class SGD(_Optimizer):
    r"""Stochastic gradient descent, with optional (heavy-ball) momentum.

    With gradient :math:`g_t`, learning rate :math:`\eta` and momentum :math:`\mu`,

    .. math::
        b_1 = g_1, \qquad b_t = \mu\, b_{t-1} + g_t \quad (t > 1), \qquad
        \theta_t = \theta_{t-1} - \eta\, b_t .

    The buffer :math:`b` (``state[name]["momentum_buffer"]``) starts at the first
    gradient, not at zero, and the new gradient enters undamped (torch's
    ``dampening=0``): for a constant gradient the step grows towards
    :math:`\eta g / (1 - \mu)`. With ``momentum=0`` this is plain gradient
    descent, :math:`\theta_t = \theta_{t-1} - \eta\, g_t`, and no buffer is kept.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta \ge 0`.
    momentum : float
        Momentum factor :math:`\mu \ge 0` (typically 0.9).

    Raises
    ------
    ValueError
        If ``lr`` or ``momentum`` is negative or not finite.
    """

    def __init__(self, lr, momentum=0.0):
        super().__init__(lr)
        self.momentum = _hyperparameter(momentum, "momentum")

    def _update(self, p, g, state):
        if self.momentum != 0.0:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = g.copy()      # b_1 = g_1
            else:
                buf = state["momentum_buffer"]
                buf *= self.momentum
                buf += g                                 # b_t = mu b_{t-1} + g_t
            g = state["momentum_buffer"]
        p -= self.lr * g


class RMSprop(_Optimizer):
    r"""RMSprop: divide each weight's step by a running root mean square of its gradients.

    .. math::
        v_t = \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2, \quad v_0 = 0, \qquad
        \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{v_t} + \varepsilon}

    (element-wise). ``state[name]["square_avg"]`` holds :math:`v`. There is no
    bias correction: the first steps are larger than :math:`\eta` (the first is
    :math:`\eta / \sqrt{1 - \alpha} = 10\,\eta` for ``alpha=0.99``).

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta \ge 0`.
    alpha : float
        Smoothing constant :math:`\alpha \ge 0` of the moving average.
    eps : float
        :math:`\varepsilon \ge 0`, added to the root mean square (outside the
        square root) so that a weight with zero gradients is not divided by 0.

    Raises
    ------
    ValueError
        If a hyperparameter is negative or not finite.
    """

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        super().__init__(lr)
        self.alpha = _hyperparameter(alpha, "alpha")
        self.eps = _hyperparameter(eps, "eps")

    def _update(self, p, g, state):
        if "square_avg" not in state:
            state["square_avg"] = np.zeros_like(p, dtype=np.float64)
        v = state["square_avg"]
        v *= self.alpha
        v += (1.0 - self.alpha) * g * g
        p -= self.lr * g / (np.sqrt(v) + self.eps)


class Adam(_Optimizer):
    r"""Adam: momentum and a per-weight step size, with bias-corrected moving averages.

    With :math:`m_0 = v_0 = 0` and the step count :math:`t = 1, 2, \dots`
    (counted per parameter),

    .. math::
        m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2,

    .. math::
        \hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}, \qquad
        \theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon} .

    The averages start at zero, so :math:`m_t` and :math:`v_t` underestimate the
    mean gradient and mean squared gradient by the factors
    :math:`1 - \beta^t` (the weights of an average of :math:`t` terms sum to
    :math:`1 - \beta^t`, not 1); dividing by them removes that bias. The first
    step is therefore :math:`\eta\, g_1 / (|g_1| + \varepsilon)`, of size
    :math:`\eta` per weight. ``state[name]`` holds ``"step"``, ``"exp_avg"``
    (:math:`m`) and ``"exp_avg_sq"`` (:math:`v`).

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta \ge 0`.
    betas : tuple of float
        :math:`(\beta_1, \beta_2)`, each in :math:`[0, 1)`.
    eps : float
        :math:`\varepsilon \ge 0`, added outside the square root.

    Raises
    ------
    ValueError
        If ``lr`` or ``eps`` is negative, or a beta is outside :math:`[0, 1)`.
    """

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(lr)
        self.betas = _betas(betas)
        self.eps = _hyperparameter(eps, "eps")

    def _update(self, p, g, state):
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p, dtype=np.float64)
            state["exp_avg_sq"] = np.zeros_like(p, dtype=np.float64)
        beta1, beta2 = self.betas
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1.0 - beta1) * g
        v *= beta2
        v += (1.0 - beta2) * g * g
        m_hat = m / (1.0 - beta1 ** t)
        v_hat = v / (1.0 - beta2 ** t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    r"""AdamW: Adam with weight decay decoupled from the adaptive step.

    Each step first shrinks every weight by the same factor, then takes the
    Adam step of :class:`Adam` with the gradient of the loss alone:

    .. math::
        \theta \leftarrow (1 - \eta \lambda)\, \theta, \qquad
        \theta \leftarrow \theta - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon} .

    Adding :math:`\lambda \theta` to the gradient instead (an L2 penalty inside
    Adam) would put the decay through :math:`\hat v_t`: weights with large
    gradients would hardly be decayed and weights with tiny gradients decayed by
    about :math:`\eta` per step whatever :math:`\lambda` is. Here every weight
    decays at the rate :math:`\eta\lambda`.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta \ge 0`.
    betas : tuple of float
        :math:`(\beta_1, \beta_2)`, each in :math:`[0, 1)`.
    eps : float
        :math:`\varepsilon \ge 0`.
    weight_decay : float
        Decoupled decay rate :math:`\lambda \ge 0`.

    Raises
    ------
    ValueError
        If ``lr``, ``eps`` or ``weight_decay`` is negative, or a beta is outside
        :math:`[0, 1)`.
    """

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(lr, betas, eps)
        self.weight_decay = _hyperparameter(weight_decay, "weight_decay")

    def _update(self, p, g, state):
        p *= 1.0 - self.lr * self.weight_decay
        super()._update(p, g, state)
