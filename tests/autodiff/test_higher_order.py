"""grad, value_and_grad, gradients(create_graph=True), hessian."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autodiff
from autodiff import Value, grad, hessian, value_and_grad


def test_grad_of_a_cube_and_its_derivatives():
    f = lambda x: x**3  # noqa: E731
    assert grad(f)(2.0) == 12.0
    assert grad(grad(f))(2.0) == 12.0
    assert grad(grad(grad(f)))(2.0) == 6.0
    assert grad(grad(grad(grad(f))))(2.0) == 0.0


@given(st.floats(-3, 3))
def test_derivatives_of_sin_cycle(x):
    assert grad(lambda v: v.sin())(x) == pytest.approx(math.cos(x), abs=1e-12)
    assert grad(grad(lambda v: v.sin()))(x) == pytest.approx(-math.sin(x), abs=1e-12)
    assert grad(grad(grad(lambda v: v.sin())))(x) == pytest.approx(-math.cos(x), abs=1e-12)


@given(st.floats(-4, 4))
def test_second_derivative_of_tanh(x):
    t = math.tanh(x)
    assert grad(grad(lambda v: v.tanh()))(x) == pytest.approx(-2 * t * (1 - t * t), abs=1e-12)


def test_argnums_tuple_and_value_and_grad():
    f = lambda x, y, z: x * y + z * z  # noqa: E731
    assert grad(f, argnums=(0, 2))(2.0, 3.0, 4.0) == (3.0, 8.0)
    assert grad(f, argnums=1)(2.0, 3.0, 4.0) == 2.0
    assert value_and_grad(f)(2.0, 3.0, 4.0) == (22.0, 3.0)
    with pytest.raises(ValueError, match="argnums"):
        grad(f, argnums=3)(1.0, 2.0, 3.0)


def test_grad_on_values_builds_a_graph():
    x = Value(2.0)
    slope = grad(lambda v: v * v * v)(x)
    assert isinstance(slope, Value) and slope.data == 12.0
    slope.backward()
    assert x.grad == 12.0  # d/dx 3x^2 = 6x


def test_grad_of_a_constant_function_is_zero():
    assert grad(lambda x: 3.0)(1.0) == 0.0
    assert grad(grad(lambda x: 2 * x))(1.0) == 0.0


def test_gradients_create_graph_leaves_grad_alone():
    x, y = Value(1.0), Value(2.0)
    gx, gy = autodiff.gradients(x * x * y, [x, y], create_graph=True)
    assert (gx.data, gy.data) == (4.0, 1.0)
    assert (x.grad, y.grad) == (0.0, 0.0)


def test_hessian_of_a_quadratic_form():
    # f = x^2 y + 3 y^2 + xy -> H = [[2y, 2x + 1], [2x + 1, 6]]
    H = hessian(lambda x, y: x * x * y + 3 * y * y + x * y)(1.0, 2.0)
    assert H == [[4.0, 3.0], [3.0, 6.0]]


def test_hessian_of_logsumexp_is_diag_p_minus_ppT():
    xs = [0.1, -0.3, 0.7]
    H = hessian(lambda *v: autodiff.logsumexp(v))(*xs)
    z = sum(math.exp(x) for x in xs)
    p = [math.exp(x) / z for x in xs]
    for i in range(3):
        for j in range(3):
            assert H[i][j] == pytest.approx((p[i] if i == j else 0.0) - p[i] * p[j], abs=1e-12)
