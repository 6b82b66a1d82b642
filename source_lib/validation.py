"""Argument checks shared by every module of the reference library.

Each helper raises :class:`ValueError` with a message that names the argument
and says what was expected, so a student calling the library learns what went
wrong from the message alone.
"""

import numpy as np

__all__ = ["as_float_array", "check_positive", "check_probability_vector", "check_same_shape"]


def as_float_array(x, name, ndim=None, min_size=1, finite=True):
    """Return ``x`` as a float64 array (a copy is never made needlessly).

    Parameters
    ----------
    x : array_like
        The argument to check.
    name : str
        Its name, used in the error message.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    min_size : int
        Smallest number of elements allowed.
    finite : bool
        Whether NaN and infinity are refused (a diverged run's losses hold them).

    Raises
    ------
    ValueError
        If ``x`` is not numeric, has the wrong number of dimensions, too few
        elements, or contains NaN or infinity when ``finite``.
    """
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be an array of numbers; got {type(x).__name__}") from err
    if ndim is not None:
        allowed = (ndim,) if np.isscalar(ndim) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}; got an array of shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s); got shape {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return arr


def check_same_shape(a, b, name_a, name_b):
    """Raise ValueError unless arrays ``a`` and ``b`` have the same shape."""
    if np.shape(a) != np.shape(b):
        raise ValueError(f"{name_a} and {name_b} must have the same shape; "
                         f"got {np.shape(a)} and {np.shape(b)}")


def check_positive(value, name, strict=True):
    """Raise ValueError unless every element of ``value`` is > 0 (>= 0 if not strict)."""
    arr = np.asarray(value, dtype=np.float64)
    ok = np.all(arr > 0) if strict else np.all(arr >= 0)
    if not ok or not np.all(np.isfinite(arr)):
        bound = "> 0" if strict else ">= 0"
        raise ValueError(f"{name} must be finite and {bound}; got {value!r}")


def check_probability_vector(p, name, axis=-1, atol=1e-8):
    """Raise ValueError unless ``p`` is non-negative and sums to 1 along ``axis``."""
    arr = np.asarray(p, dtype=np.float64)
    if np.any(arr < 0) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain finite, non-negative probabilities")
    if not np.allclose(arr.sum(axis=axis), 1.0, rtol=0, atol=atol * max(1, arr.shape[axis] if arr.ndim else 1)):
        raise ValueError(f"{name} must sum to 1 along axis {axis}")
