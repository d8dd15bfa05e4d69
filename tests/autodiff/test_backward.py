"""Exact small cases, accumulation semantics, shared nodes and deep graphs."""

import math

import pytest

import autodiff
from autodiff import Value


def test_product_rule_exactly():
    x, y = Value(3.0), Value(-4.0)
    (x * y).backward()
    assert (x.grad, y.grad) == (-4.0, 3.0)


def test_chain_rule_exactly():
    # d/dx (2x + 1)^2 = 4 (2x + 1) = 28 at x = 3
    x = Value(3.0)
    ((2 * x + 1) ** 2).backward()
    assert x.grad == 28.0


def test_the_notes_perceptron_gradient():
    # 000_*.txt "Gradient decent": x=1, b=0, w=3, y=1: loss=(wx+b-y)^2=4, dloss/dw = 2*(3-1)*1 = 4.
    w, b = Value(3.0), Value(0.0)
    loss = (w * 1.0 + b - 1.0) ** 2
    loss.backward()
    assert loss.data == 4.0 and w.grad == 4.0 and b.grad == 4.0


def test_classic_tanh_neuron():
    # micrograd's neuron: x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432 -> o = tanh(n) = 0.7071
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    assert o.data == pytest.approx(math.sqrt(0.5), abs=1e-12)
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0), abs=1e-12)


def test_a_value_used_twice_gets_both_contributions():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0


def test_c_equals_c_plus_c_plus_1():
    a = Value(2.0)
    c = a
    for _ in range(3):
        c = c + c + 1  # c = 8a + 7
    c.backward()
    assert c.data == 23.0 and a.grad == 8.0


@pytest.mark.parametrize("calls", [1, 2, 3])
def test_each_backward_call_adds_the_same_gradients(calls):
    # micrograd gets x*x*x wrong on a second call: its intermediate grads leak into the next pass.
    x = Value(2.0)
    y = x * x * x
    for _ in range(calls):
        y.backward()
    assert x.grad == calls * 12.0
    assert y.grad == calls * 1.0


def test_backward_seed_scales_gradients():
    x = Value(2.0)
    (x * x).backward(grad=0.5)
    assert x.grad == 2.0


@pytest.mark.parametrize("seed", [True, "1", None, float("nan"), [1.0]])
def test_backward_rejects_a_bad_seed(seed):
    x = Value(2.0)
    with pytest.raises((TypeError, ValueError), match="seed"):
        (x * x).backward(grad=seed)
    assert x.grad == 0.0


def test_zero_grad_resets_the_whole_graph():
    x = Value(2.0)
    h = x * 3
    y = h.tanh()
    y.backward()
    assert x.grad != 0 and h.grad != 0
    autodiff.zero_grad(y)
    assert (x.grad, h.grad, y.grad) == (0.0, 0.0, 0.0)


def test_gradients_does_not_touch_grad():
    x, y = Value(2.0), Value(5.0)
    out = x * x + y
    assert autodiff.gradients(out, [x, y]) == [4.0, 1.0]
    assert (x.grad, y.grad, out.grad) == (0.0, 0.0, 0.0)


def test_gradients_of_an_unrelated_input_is_zero():
    x, unrelated = Value(2.0), Value(7.0)
    x.backward()  # leaves stale scratch values around on purpose
    assert autodiff.gradients(x * 2, [unrelated, x]) == [0.0, 2.0]


def test_gradients_rejects_non_values():
    with pytest.raises(TypeError, match="output must be a Value"):
        autodiff.gradients(3.0, [Value(1.0)])
    with pytest.raises(TypeError, match="inputs must be Values"):
        autodiff.gradients(Value(1.0), [1.0])


def test_relu_dead_path_gets_zero_not_nan():
    x = Value(-1.0)
    y = x.relu() * 1e300
    y.backward()
    assert x.grad == 0.0


def test_a_million_node_chain_backward_and_free():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    assert len(autodiff.topological_order(y)) == 1_000_001
    del y  # freeing a deep chain must not overflow the C stack


def test_builtin_sum_of_100k_values():
    xs = [Value(float(i)) for i in range(100_000)]
    total = sum(xs)
    total.backward()
    assert total.data == sum(range(100_000))
    assert all(x.grad == 1.0 for x in xs)


def test_topological_order_puts_inputs_first():
    x = Value(1.0)
    y = (x * 2).exp() + x
    order = autodiff.topological_order(y)
    position = {node: k for k, node in enumerate(order)}
    assert order[-1] is y and order[0] is x
    assert all(position[p] < position[node] for node in order for p in node.parents)


def test_overflowing_gradient_is_an_error_not_inf():
    x = Value(1e-300)
    y = x.sqrt() * 1e300  # forward fine; d/dx = 1e300 * 0.5 / 1e-150 overflows
    with pytest.raises(OverflowError, match="gradient"):
        y.backward()


def test_a_leaf_whose_finite_shares_sum_to_inf_is_an_error():
    # each path brings 1e308 (finite); their sum at the leaf overflows
    x = Value(1e-10)
    y = x * 1e308 + x * 1e308
    with pytest.raises(OverflowError, match="gradient"):
        y.backward()
    assert x.grad == 0.0  # no leaf got anything: no silent inf


def test_infinite_derivative_is_an_error_naming_the_op():
    x = Value(0.0)
    with pytest.raises(ZeroDivisionError, match="sqrt"):
        x.sqrt().backward()


def test_nodes_with_a_limit_stops_early():
    x = Value(1.0)
    y = x
    for _ in range(1000):
        y = y * 1.0
    assert len(autodiff.nodes(y)) == 1001
    found = autodiff.nodes(y, limit=10)
    assert 10 < len(found) < 1001 and y in found
