"""Lesson 02: derivatives by central differences, Jacobians, Hessians and gradient descent."""

import numpy as np

from source_lib.validation import as_float_array, check_positive

__all__ = ["numerical_gradient"]


def numerical_gradient(f, x, h=1e-5):
    r"""Gradient of a scalar function by central differences.

    .. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

    Parameters
    ----------
    f : callable
        Scalar function of an array shaped like ``x``.
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
    point = x.copy()
    flat = point.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + h
        f_plus = float(f(point))
        flat[i] = original - h
        f_minus = float(f(point))
        flat[i] = original
        grad.flat[i] = (f_plus - f_minus) / (2 * h)
    return grad
