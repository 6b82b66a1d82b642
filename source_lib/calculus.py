"""Lesson 02: derivatives by central differences, Jacobians, Hessians and gradient descent.

Everything here differentiates a black-box function numerically, by evaluating it
at points a small step ``h`` away. That is how a gradient computed by
backpropagation is checked (``source_lib.testing.check_backward``), and how the
course looks at curvature without a symbolic formula.
"""

import numpy as np

from source_lib.validation import as_float_array, check_positive

__all__ = [
    "numerical_gradient",
    "jacobian",
    "hessian",
    "hessian_vector_product",
    "classify_critical_point",
    "gradient_descent",
]


def numerical_gradient(f, x, h=1e-5):
    r"""Gradient of a scalar function by central differences.

    .. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

    The error is :math:`O(h^2)` (truncation) plus about :math:`\epsilon |f| / h`
    (round-off, :math:`\epsilon \approx 2.2 \times 10^{-16}`).

    Parameters
    ----------
    f : callable
        Scalar function of an array shaped like ``x``. It is called with a
        perturbed copy of ``x`` and must not modify its argument.
    x : array_like
        Point at which to differentiate; any shape. It is never modified.
    h : float
        Step size (> 0).

    Returns
    -------
    ndarray
        Array of the shape of ``x`` holding the partial derivatives.

    Raises
    ------
    ValueError
        If ``h`` is not positive or ``x`` holds a NaN or infinity.
    """
    check_positive(h, "h")
    x = as_float_array(x, "x", min_size=0)
    grad = np.empty_like(x)
    point = x.copy()          # perturbed one coordinate at a time; x itself is never touched
    flat = point.reshape(-1)  # a view of point
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + h
        f_plus = float(f(point))
        flat[i] = original - h
        f_minus = float(f(point))
        flat[i] = original
        grad.flat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def jacobian(f, x, h=1e-5):
    r"""Jacobian matrix of a vector function by central differences.

    .. math:: J_{ij} = \frac{\partial f_i}{\partial x_j}
              \approx \frac{f_i(x + h e_j) - f_i(x - h e_j)}{2h}

    Column ``j`` is the rate of change of the whole output when ``x_j`` moves.

    Parameters
    ----------
    f : callable
        Function from ``R^n`` to ``R^m``: takes a 1-D array of length ``n`` and
        returns a 1-D array of length ``m`` (a scalar counts as ``m = 1``).
    x : array_like, shape (n,)
        Point at which to differentiate. It is never modified.
    h : float
        Step size (> 0).

    Returns
    -------
    ndarray, shape (m, n)
        The Jacobian; row ``i`` is the gradient of the output ``f_i``.

    Raises
    ------
    ValueError
        If ``x`` is not 1-D and finite, ``h`` is not positive, or ``f``
        returns an array of more than one dimension.
    """
    check_positive(h, "h")
    x = as_float_array(x, "x", ndim=1, min_size=1)

    def evaluate(point):
        out = np.atleast_1d(np.asarray(f(point), dtype=np.float64))
        if out.ndim != 1:
            raise ValueError(f"f must return a 1-D array (or a scalar); got shape {out.shape}")
        return out

    columns = []
    point = x.copy()
    for j in range(x.size):
        point[j] = x[j] + h
        f_plus = evaluate(point)
        point[j] = x[j] - h
        f_minus = evaluate(point)
        point[j] = x[j]
        columns.append((f_plus - f_minus) / (2 * h))
    return np.stack(columns, axis=1)


def hessian(f, x, h=1e-4):
    r"""Hessian matrix of a scalar function by second-order central differences.

    Diagonal entries use the three-point second difference, off-diagonal
    entries the four-point mixed difference:

    .. math::
        H_{ii} &\approx \frac{f(x + h e_i) - 2 f(x) + f(x - h e_i)}{h^2}, \\
        H_{ij} &\approx \frac{f(x + h e_i + h e_j) - f(x + h e_i - h e_j)
                        - f(x - h e_i + h e_j) + f(x - h e_i - h e_j)}{4 h^2}.

    Both have an :math:`O(h^2)` truncation error and a round-off error of about
    :math:`\epsilon |f| / h^2`, which is why the default step is larger than
    that of :func:`numerical_gradient`. The result is exactly symmetric.

    Parameters
    ----------
    f : callable
        Scalar function of a 1-D array.
    x : array_like, shape (n,)
        Point at which to differentiate. It is never modified.
    h : float
        Step size (> 0).

    Returns
    -------
    ndarray, shape (n, n)
        The symmetric matrix of second partial derivatives.

    Raises
    ------
    ValueError
        If ``x`` is not 1-D and finite or ``h`` is not positive.
    """
    check_positive(h, "h")
    x = as_float_array(x, "x", ndim=1, min_size=1)
    n = x.size

    def at(*moves):
        """f at x moved by (index, step) pairs."""
        point = x.copy()
        for index, step in moves:
            point[index] += step
        return float(f(point))

    H = np.empty((n, n))
    f0 = at()
    for i in range(n):
        H[i, i] = (at((i, h)) - 2 * f0 + at((i, -h))) / h**2
        for j in range(i + 1, n):
            H[i, j] = H[j, i] = (at((i, h), (j, h)) - at((i, h), (j, -h))
                                 - at((i, -h), (j, h)) + at((i, -h), (j, -h))) / (4 * h**2)
    return H


def hessian_vector_product(grad_f, x, v, h=1e-5):
    r"""Product of the Hessian with a vector, from two gradients, without forming the Hessian.

    The directional derivative of the gradient along ``v`` is ``H v``:

    .. math:: H v \approx \frac{\nabla f(x + \varepsilon v) - \nabla f(x - \varepsilon v)}
              {2 \varepsilon}, \qquad \varepsilon = h / \lVert v \rVert,

    so each product costs two gradient evaluations and memory of the size of
    ``x``, where the Hessian would need ``n`` times that.

    Parameters
    ----------
    grad_f : callable
        Gradient of ``f``: takes and returns arrays shaped like ``x``.
    x : array_like
        Point at which the Hessian is taken; any shape. It is never modified.
    v : array_like
        Direction, shaped like ``x``.
    h : float
        Length of the step along ``v`` (> 0); the step is scaled by
        ``1 / ||v||`` so that its size does not depend on the length of ``v``.

    Returns
    -------
    ndarray
        ``H v``, shaped like ``x`` (zeros if ``v`` is zero).

    Raises
    ------
    ValueError
        If ``x`` and ``v`` differ in shape, hold NaN or infinity, or ``h`` is
        not positive.
    """
    check_positive(h, "h")
    x = as_float_array(x, "x", min_size=0)
    v = as_float_array(v, "v", min_size=0)
    if x.shape != v.shape:
        raise ValueError(f"x and v must have the same shape; got {x.shape} and {v.shape}")
    norm = np.linalg.norm(v)
    if norm == 0:
        return np.zeros_like(x)
    eps = h / norm
    g_plus = np.asarray(grad_f(x + eps * v), dtype=np.float64)
    g_minus = np.asarray(grad_f(x - eps * v), dtype=np.float64)
    return (g_plus - g_minus) / (2 * eps)


def classify_critical_point(H, tol=1e-8):
    r"""Classify a critical point by the signs of the Hessian's eigenvalues.

    With :math:`\lambda_1 \le \dots \le \lambda_n` the eigenvalues of the
    symmetric matrix ``H``:

    - ``"saddle"`` if some :math:`\lambda_i > tol` and some :math:`\lambda_j < -tol`
      (curving up along one direction, down along another), whatever the others are;
    - otherwise ``"degenerate"`` if some :math:`|\lambda_i| \le tol` (the second-order
      test cannot decide: the surface is flat to second order along that direction);
    - otherwise ``"minimum"`` if all are positive, ``"maximum"`` if all are negative.

    Parameters
    ----------
    H : array_like, shape (n, n)
        Hessian at a critical point; symmetric (only its symmetric part is used).
    tol : float
        Eigenvalues with absolute value at most ``tol`` count as zero (>= 0).

    Returns
    -------
    str
        One of ``"minimum"``, ``"maximum"``, ``"saddle"``, ``"degenerate"``.

    Raises
    ------
    ValueError
        If ``H`` is not a finite, non-empty square matrix or ``tol`` is negative.
    """
    check_positive(tol, "tol", strict=False)
    H = as_float_array(H, "H", ndim=2)
    if H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be a square matrix; got shape {H.shape}")
    eigenvalues = np.linalg.eigvalsh((H + H.T) / 2)
    has_positive = np.any(eigenvalues > tol)
    has_negative = np.any(eigenvalues < -tol)
    if has_positive and has_negative:
        return "saddle"
    if np.any(np.abs(eigenvalues) <= tol):
        return "degenerate"
    return "minimum" if has_positive else "maximum"


def gradient_descent(grad_f, x0, lr, num_steps):
    r"""Plain gradient descent with a constant learning rate; returns the whole path.

    .. math:: x_{k+1} = x_k - \eta \, \nabla f(x_k), \qquad k = 0, \dots, \text{num\_steps} - 1

    Parameters
    ----------
    grad_f : callable
        Gradient of the function to minimise: 1-D array of length ``n`` in,
        array of the same shape out.
    x0 : array_like, shape (n,)
        Starting point. It is never modified.
    lr : float
        Learning rate :math:`\eta` (> 0).
    num_steps : int
        Number of updates (>= 0).

    Returns
    -------
    ndarray, shape (num_steps + 1, n)
        The trajectory: row 0 is ``x0``, row ``k`` the point after ``k`` steps.
        A learning rate that is too large makes it grow without bound.

    Raises
    ------
    ValueError
        If ``x0`` is not 1-D and finite, ``lr`` is not positive, or ``num_steps``
        is not a non-negative integer.
    """
    x = as_float_array(x0, "x0", ndim=1, min_size=1)
    check_positive(lr, "lr")
    if not isinstance(num_steps, (int, np.integer)) or isinstance(num_steps, bool) \
            or num_steps < 0:
        raise ValueError(f"num_steps must be a non-negative integer; got {num_steps!r}")
    trajectory = np.empty((num_steps + 1, x.size))
    trajectory[0] = x
    for k in range(num_steps):
        trajectory[k + 1] = trajectory[k] - lr * np.asarray(grad_f(trajectory[k].copy()),
                                                             dtype=np.float64)
    return trajectory
