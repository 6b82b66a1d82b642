"""Tests of source_lib.calculus against torch autograd (gradients, Jacobians,
Hessians, Hessian-vector products) and numpy.linalg (classification)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from source_lib import calculus



@pytest.fixture(scope="module", autouse=True)
def float64_torch():
    """Torch in float64 for this module's tests only (other modules build float32 models)."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


# Smooth test functions written once for torch; the NumPy version is the same
# function evaluated on a tensor made from the array.

def smooth_scalar(t):
    """A non-separable scalar function of a tensor of any shape."""
    flat = t.reshape(-1)
    n = flat.numel()
    weights = torch.arange(1, n + 1, dtype=t.dtype) / n
    return torch.sum(torch.sin(3 * flat) * weights) + torch.log1p(torch.sum(flat) ** 2) \
        + 0.1 * torch.sum(flat**2) * torch.cos(flat.sum())


def smooth_vector(t, m):
    """A map from R^n to R^m with coupled outputs."""
    n = t.numel()
    A = torch.cos(torch.arange(m * n, dtype=t.dtype).reshape(m, n))
    return torch.tanh(A @ t) + torch.sin(t.sum()) * torch.arange(m, dtype=t.dtype)


def numpy_version(torch_function, *extra):
    def f(x):
        return torch_function(torch.as_tensor(np.array(x, dtype=np.float64)), *extra).numpy()
    return f


def torch_gradient(torch_function, x):
    t = torch.tensor(x, requires_grad=True)
    (grad,) = torch.autograd.grad(torch_function(t), t)
    return grad.numpy()


# --------------------------------------------------------------------------- #
# numerical_gradient
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("shape", [(), (1,), (5,), (3, 4), (2, 3, 2)])
def test_numerical_gradient_matches_autograd(shape):
    x = np.random.default_rng(len(shape)).normal(size=shape)
    f = numpy_version(smooth_scalar)
    got = calculus.numerical_gradient(f, x)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, torch_gradient(smooth_scalar, x), rtol=1e-7, atol=1e-8)


def test_numerical_gradient_is_second_order_accurate():
    """Halving h divides the error by about 4 (central), not 2 (forward)."""
    x = np.array([0.3, -0.7])
    f = numpy_version(smooth_scalar)
    exact = torch_gradient(smooth_scalar, x)
    err = [np.linalg.norm(calculus.numerical_gradient(f, x, h=h) - exact) for h in (1e-2, 5e-3)]
    assert 3.5 < err[0] / err[1] < 4.5


def test_numerical_gradient_leaves_x_alone_and_accepts_lists():
    x = np.array([[0.1, 0.2], [0.3, 0.4]])
    before = x.copy()
    calculus.numerical_gradient(lambda v: np.sum(v**3), x)
    np.testing.assert_array_equal(x, before)
    got = calculus.numerical_gradient(lambda v: np.sum(v**2), [1, 2])
    np.testing.assert_allclose(got, [2.0, 4.0], rtol=1e-9)


def test_numerical_gradient_leaves_x_alone_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return float(np.sum(v))

    with pytest.raises(RuntimeError):
        calculus.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("h", [0.0, -1e-5, np.nan])
def test_numerical_gradient_rejects_bad_step(h):
    with pytest.raises(ValueError, match="h"):
        calculus.numerical_gradient(np.sum, np.ones(2), h=h)


def test_numerical_gradient_rejects_nonfinite_x():
    with pytest.raises(ValueError, match="x"):
        calculus.numerical_gradient(np.sum, np.array([1.0, np.inf]))


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-2, 2)))
def test_numerical_gradient_of_quadratic_is_exact(x):
    """Central differences are exact for quadratics, up to round-off."""
    n = x.size
    A = np.cos(np.arange(n * n)).reshape(n, n)
    b = np.sin(np.arange(n))
    got = calculus.numerical_gradient(lambda v: 0.5 * v @ A @ v + b @ v, x)
    np.testing.assert_allclose(got, 0.5 * (A + A.T) @ x + b, rtol=1e-6, atol=1e-8)


# --------------------------------------------------------------------------- #
# jacobian
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("m, n", [(1, 1), (3, 5), (5, 2), (4, 4)])
def test_jacobian_matches_autograd(m, n):
    x = np.random.default_rng(m * 10 + n).normal(size=n)
    got = calculus.jacobian(numpy_version(smooth_vector, m), x)
    expected = torch.autograd.functional.jacobian(lambda t: smooth_vector(t, m),
                                                  torch.tensor(x)).numpy()
    assert got.shape == (m, n)
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-8)


def test_jacobian_of_linear_map_and_scalar_output():
    A = np.arange(6.0).reshape(2, 3)
    x = np.array([1.0, -1.0, 0.5])
    np.testing.assert_allclose(calculus.jacobian(lambda v: A @ v, x), A, atol=1e-9)
    np.testing.assert_allclose(calculus.jacobian(lambda v: v @ v, x), [2 * x], atol=1e-8)
    np.testing.assert_array_equal(x, [1.0, -1.0, 0.5])


def test_jacobian_rejects_bad_arguments():
    with pytest.raises(ValueError, match="x"):
        calculus.jacobian(lambda v: v, np.ones((2, 2)))
    with pytest.raises(ValueError, match="h"):
        calculus.jacobian(lambda v: v, np.ones(2), h=0)
    with pytest.raises(ValueError, match="f must return"):
        calculus.jacobian(lambda v: np.outer(v, v), np.ones(2))


# --------------------------------------------------------------------------- #
# hessian and Hessian-vector products
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("n", [1, 2, 5])
def test_hessian_matches_autograd(n):
    x = np.random.default_rng(n).normal(size=n) * 0.5
    got = calculus.hessian(numpy_version(smooth_scalar), x)
    expected = torch.autograd.functional.hessian(smooth_scalar, torch.tensor(x)).numpy()
    assert got.shape == (n, n)
    np.testing.assert_array_equal(got, got.T)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_hessian_is_exact_for_cubics_for_any_step():
    """Every central scheme is exact on cubic polynomials, so the step only shows in round-off."""
    x = np.array([0.5, -1.0, 2.0])

    def f(v):
        return v[0] ** 3 + v[0] * v[1] * v[2] + 2 * v[1] ** 2 * v[2]

    expected = np.array([[6 * x[0], x[2], x[1]],
                         [x[2], 4 * x[2], x[0] + 4 * x[1]],
                         [x[1], x[0] + 4 * x[1], 0.0]])
    for h in (1e-4, 1e-2, 0.3):
        np.testing.assert_allclose(calculus.hessian(f, x, h=h), expected, atol=1e-6)


def test_hessian_rejects_bad_arguments():
    with pytest.raises(ValueError, match="x"):
        calculus.hessian(np.sum, np.ones((2, 2)))
    with pytest.raises(ValueError, match="h"):
        calculus.hessian(np.sum, np.ones(2), h=-1.0)


@pytest.mark.parametrize("shape", [(6,), (3, 4)])
def test_hessian_vector_product_matches_double_backward(shape):
    rng = np.random.default_rng(7)
    x, v = rng.normal(size=shape), rng.normal(size=shape)

    def grad_f(y):
        return torch_gradient(smooth_scalar, y)

    t = torch.tensor(x, requires_grad=True)
    (g,) = torch.autograd.grad(smooth_scalar(t), t, create_graph=True)
    (expected,) = torch.autograd.grad(torch.sum(g * torch.tensor(v)), t)
    got = calculus.hessian_vector_product(grad_f, x, v)
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-6, atol=1e-8)
    # Scaling v scales the product, and a zero direction gives zero.
    np.testing.assert_allclose(calculus.hessian_vector_product(grad_f, x, 1e3 * v),
                               1e3 * expected.numpy(), rtol=1e-6, atol=1e-5)
    np.testing.assert_array_equal(calculus.hessian_vector_product(grad_f, x, 0 * v), 0 * v)


def test_hessian_vector_product_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        calculus.hessian_vector_product(lambda y: y, np.ones(3), np.ones(4))


# --------------------------------------------------------------------------- #
# classify_critical_point
# --------------------------------------------------------------------------- #

def with_eigenvalues(values, seed=0):
    n = len(values)
    Q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))
    return Q @ np.diag(values) @ Q.T


@pytest.mark.parametrize("values, tol, expected", [
    ([1.0, 2.0], 1e-8, "minimum"),
    ([-1.0, -0.5, -3.0], 1e-8, "maximum"),
    ([1.0, -1.0], 1e-8, "saddle"),
    ([1.0, 0.0], 1e-8, "degenerate"),            # semi-definite is not definite
    ([-2.0, 1e-10], 1e-8, "degenerate"),         # a tiny eigenvalue is no sign conflict
    ([2.0, 1e-12, -3.0], 1e-8, "saddle"),        # a sign conflict wins over a zero
    ([1.0, 1e-5], 1e-4, "degenerate"),           # tol is used ...
    ([1.0, 1e-5], 1e-8, "minimum"),              # ... and matters
    ([0.0, 0.0], 1e-8, "degenerate"),
    ([5.0], 1e-8, "minimum"),
])
def test_classify_critical_point(values, tol, expected):
    assert calculus.classify_critical_point(with_eigenvalues(values), tol=tol) == expected


def test_classify_uses_the_symmetric_part_and_validates():
    assert calculus.classify_critical_point(np.array([[1.0, 4.0], [0.0, 1.0]])) == "saddle"
    with pytest.raises(ValueError, match="square"):
        calculus.classify_critical_point(np.ones((2, 3)))
    with pytest.raises(ValueError, match="tol"):
        calculus.classify_critical_point(np.eye(2), tol=-1.0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-10, 10).filter(lambda v: abs(v) > 1e-3), min_size=1, max_size=5),
       st.integers(0, 1000))
def test_classify_agrees_with_eigenvalue_signs(values, seed):
    values = np.array(values)
    expected = ("saddle" if values.max() > 0 > values.min()
                else "minimum" if values.min() > 0 else "maximum")
    assert calculus.classify_critical_point(with_eigenvalues(values, seed)) == expected


# --------------------------------------------------------------------------- #
# gradient_descent
# --------------------------------------------------------------------------- #

def test_gradient_descent_on_a_quadratic_matches_the_closed_form():
    """On f = x^T A x / 2 the iterates are (I - lr A)^k x0."""
    A = np.diag([2.0, 20.0])
    x0 = np.array([1.0, 1.0])
    lr, steps = 0.05, 30
    path = calculus.gradient_descent(lambda v: A @ v, x0, lr, steps)
    assert path.shape == (steps + 1, 2)
    expected = np.array([np.linalg.matrix_power(np.eye(2) - lr * A, k) @ x0
                         for k in range(steps + 1)])
    np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(x0, [1.0, 1.0])


def test_gradient_descent_matches_torch_sgd():
    def f(t):
        return torch.sum(torch.cosh(t)) + 0.5 * torch.sum(t[:-1] * t[1:])

    x0 = np.array([1.0, -0.5, 2.0])
    path = calculus.gradient_descent(lambda v: torch_gradient(f, v), x0, 0.1, 20)
    p = torch.tensor(x0, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    for k in range(20):
        opt.zero_grad()
        f(p).backward()
        opt.step()
        np.testing.assert_allclose(path[k + 1], p.detach().numpy(), rtol=1e-12)


def test_gradient_descent_diverges_above_two_over_lambda_max():
    A = np.diag([2.0, 20.0])
    x0 = np.array([1.0, 1.0])
    stable = calculus.gradient_descent(lambda v: A @ v, x0, 0.095, 200)
    unstable = calculus.gradient_descent(lambda v: A @ v, x0, 0.105, 200)
    assert np.linalg.norm(stable[-1]) < 1e-3 < 1e3 < np.linalg.norm(unstable[-1])


def test_gradient_descent_zero_steps_and_validation():
    np.testing.assert_array_equal(calculus.gradient_descent(lambda v: v, [1.0, 2.0], 0.1, 0),
                                  [[1.0, 2.0]])
    for bad in (-1, 2.5, True):
        with pytest.raises(ValueError, match="num_steps"):
            calculus.gradient_descent(lambda v: v, [1.0], 0.1, bad)
    with pytest.raises(ValueError, match="lr"):
        calculus.gradient_descent(lambda v: v, [1.0], 0.0, 3)
    with pytest.raises(ValueError, match="x0"):
        calculus.gradient_descent(lambda v: v, np.ones((2, 2)), 0.1, 3)


def test_gradient_descent_does_not_let_grad_f_alias_the_path():
    """A grad_f that modifies its argument in place must not corrupt the trajectory."""
    def grad_f(v):
        v *= 2.0  # rude, but the recorded path must not change
        return v

    path = calculus.gradient_descent(grad_f, np.array([1.0]), 0.25, 2)
    np.testing.assert_allclose(path[:, 0], [1.0, 0.5, 0.25])
