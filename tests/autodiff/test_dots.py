"""autodiff.dots: a dense layer's nodes, the same as one autodiff.dot per row."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autodiff
from autodiff import Scope, Value

# A function as the activation still works (the tests below keep it covered), deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:dots\\(activation=<a function>\\) is deprecated:DeprecationWarning")

finite = st.floats(-5, 5, allow_nan=False)


@pytest.mark.parametrize(
    ("activation", "arg", "method"),
    [
        (None, None, lambda z: z),
        ("relu", None, Value.relu),
        (autodiff.get_op("tanh"), None, Value.tanh),
        ("leaky_relu", 0.2, lambda z: z.leaky_relu(0.2)),
    ],
)
def test_an_op_or_its_name_as_the_activation_makes_one_node_per_row(activation, arg, method):
    rows = [[Value(0.5), Value(-1.0)], [Value(2.0), Value(0.25)]]
    xs = [Value(1.5), Value(2.0)]
    scopes = [Scope("neuron 0"), Scope("neuron 1")]
    fused = autodiff.dots(rows, xs, activation=activation, activation_arg=arg, scopes=scopes)
    single = [method(autodiff.dot(w, xs)) for w in rows]
    assert [v.data for v in fused] == [v.data for v in single]
    for out, scope in zip(fused, scopes):
        assert out.scope is scope
        if activation is None:
            assert out.op is autodiff.get_op("dot")
        else:
            assert out.arg == arg and out.parents[0].scope is scope


def test_a_bad_activation_is_named():
    with pytest.raises(ValueError, match="no one-input op named 'relux'"):
        autodiff.dots([[1.0]], [1.0], activation="relux")
    with pytest.raises(TypeError, match="activation must be an op"):
        autodiff.dots([[1.0]], [1.0], activation=3)
    with pytest.deprecated_call():
        autodiff.dots([[1.0]], [1.0], activation=lambda z: z)


@given(st.integers(1, 4), st.integers(0, 4), st.data())
def test_dots_makes_the_same_nodes_and_gradients_as_dot_per_row(n_rows, n_inputs, data):
    rows = [[Value(data.draw(finite)) for _ in range(n_inputs)] for _ in range(n_rows)]
    biases = [Value(data.draw(finite)) for _ in range(n_rows)]
    xs = [Value(data.draw(finite)) for _ in range(n_inputs)]
    fused = autodiff.dots(rows, xs, biases, activation=Value.tanh)
    single = [autodiff.dot(w, xs, b).tanh() for w, b in zip(rows, biases)]
    for a, b in zip(fused, single):
        assert a.data == b.data  # bit for bit: one formula (ops.dot_value) for both
        (z_fused,), (z_single,) = a.parents, b.parents
        assert z_fused.op is z_single.op is autodiff.get_op("dot")
        assert z_fused.parents == z_single.parents
    expected = autodiff.gradients(autodiff.sum(single), [*xs, *biases])
    assert autodiff.gradients(autodiff.sum(fused), [*xs, *biases]) == expected


# Rows of Values with a one-node activation are put in their scopes directly; numbers (which become
# leaves) and other activations run inside the scope. Both must give the same scopes.
@pytest.mark.parametrize("make_weight", [float, Value], ids=["numbers", "values"])
@pytest.mark.parametrize("activation", [Value.relu, lambda z: z.relu()], ids=["method", "callable"])
def test_each_row_is_made_in_its_scope_and_the_caller_scope_comes_back(make_weight, activation):
    scopes = [Scope("neuron 0"), Scope("neuron 1")]
    with autodiff.scope("layer") as layer:
        outs = autodiff.dots(
            [[make_weight(1.0)], [make_weight(2.0)]],
            [Value(3.0)],
            [make_weight(0.0), make_weight(1.0)],
            activation=activation,
            scopes=scopes,
        )
        after = Value(0.0) * 2
    for out, scope in zip(outs, scopes):
        assert out.scope is scope and out.parents[0].scope is scope  # activation and dot node
    assert after.scope is layer
    assert autodiff.current_scope() is None


def test_dots_respects_no_grad():
    w = Value(2.0)
    with autodiff.no_grad():
        (out,) = autodiff.dots([[w]], [3.0], [1.0], scopes=[Scope("n")])
    assert out.data == 7.0 and out.parents == ()
    assert autodiff.is_grad_enabled()


def test_numbers_become_leaves_and_no_bias_is_allowed():
    (out,) = autodiff.dots([[2.0, 3.0]], [4.0, 5.0])
    assert out.data == 23.0 and len(out.parents) == 4


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: autodiff.dots([[1.0, 2.0]], [1.0]), ValueError, ["2 weights", "1 inputs"]),
        (lambda: autodiff.dots([[1.0]], [1.0], [0.0, 0.0]), ValueError, ["1 weight rows", "2 biases"]),
        (lambda: autodiff.dots([[1.0]], [1.0], scopes=["n"]), TypeError, ["Scope", "str"]),
        (lambda: autodiff.dots([[1.0], [2.0]], [1.0], scopes=[None, "n"]), TypeError, ["Scope", "str"]),
        (lambda: autodiff.dots([[1.0]], [1.0], ["b"]), TypeError, ["bias", "str"]),
        (lambda: autodiff.dots(5, [1.0]), TypeError, ["weight_rows", "int"]),
        (lambda: autodiff.dots([["w"]], [1.0]), TypeError, ["str"]),
    ],
)
def test_bad_input_names_the_problem(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_an_error_inside_a_row_restores_the_scope():
    with pytest.raises(OverflowError):
        autodiff.dots([[1.0]], [1e200], [0.0], activation=lambda z: z * 1e200, scopes=[Scope("n")])
    assert autodiff.current_scope() is None


class _UnhashableRelu:
    """A callable activation that cannot go in a set (it defines __eq__ without __hash__)."""

    def __eq__(self, other):
        return isinstance(other, _UnhashableRelu)

    def __call__(self, z):
        return z.relu()


def test_an_unhashable_activation_works_like_any_callable():
    scope = Scope("n")
    (out,) = autodiff.dots([[Value(2.0)]], [Value(-3.0)], [Value(1.0)], activation=_UnhashableRelu(), scopes=[scope])
    assert out.data == 0.0 and out.op is autodiff.get_op("relu")
    assert out.scope is scope and out.parents[0].scope is scope
