"""Parameter, Module, Neuron, Layer, MLP and the initializers."""

import math

import numpy as np
import pytest

import autodiff
import nn
from autodiff import Value
from nn.activations import ACTIVATIONS


# ---------------------------------------------------------------- Neuron
def test_neuron_is_dot_then_activation_two_nodes():
    neuron = nn.Neuron(3, activation="tanh", seed=0)
    out = neuron([1.0, 2.0, 3.0])
    assert out.op.name == "tanh"
    z = out.parents[0]
    assert z.op.name == "dot"
    assert z.parents[:3] == tuple(neuron.w) and z.parents[-1] is neuron.b
    expected = math.tanh(sum(w.data * x for w, x in zip(neuron.w, [1, 2, 3])) + neuron.b.data)
    assert out.data == pytest.approx(expected, abs=1e-15)


def test_linear_neuron_is_one_node():
    neuron = nn.Neuron(2, activation="linear", seed=0)
    assert neuron([1.0, 2.0]).op.name == "dot"


def test_parameters_are_parameter_leaves():
    neuron = nn.Neuron(4, seed=0)
    assert all(isinstance(p, nn.Parameter) and isinstance(p, Value) for p in neuron.parameters())
    assert all(p.op is None for p in neuron.parameters())
    assert neuron.parameters() == [*neuron.w, neuron.b]
    assert not hasattr(nn.Parameter(1.0), "__dict__")


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_activation_is_accepted(activation):
    neuron = nn.Neuron(2, activation=activation, seed=0)
    assert neuron.activation == activation
    assert math.isfinite(neuron([0.5, -0.5]).data)


def test_unknown_activation_lists_the_valid_ones():
    with pytest.raises(ValueError, match="swish.*linear, relu, leaky_relu, tanh, sigmoid, softplus"):
        nn.Neuron(2, activation="swish")
    with pytest.raises(ValueError, match="valid activations"):
        nn.MLP(2, [2, 1], output_activation="softmax")


def test_wrong_input_length_names_both_lengths():
    with pytest.raises(ValueError, match="length 3.*length 2"):
        nn.Neuron(3, seed=0)([1.0, 2.0])
    with pytest.raises(ValueError, match="length 2.*length 5"):
        nn.Layer(2, 3, seed=0)([1.0] * 5)
    with pytest.raises(ValueError, match="length 2.*length 1"):
        nn.MLP(2, [3, 1], seed=0)([1.0])


@pytest.mark.parametrize("bad", [0, -1, 2.5, "3", True, None])
def test_bad_sizes_are_rejected(bad):
    with pytest.raises(ValueError, match="positive int"):
        nn.Neuron(bad)
    with pytest.raises(ValueError):
        nn.MLP(2, [4, bad])


def test_bad_nouts_and_seed():
    with pytest.raises(ValueError, match="at least one layer"):
        nn.MLP(2, [])
    with pytest.raises(ValueError, match="list of layer sizes"):
        nn.MLP(2, 3)
    with pytest.raises(ValueError, match="seed"):
        nn.MLP(2, [3], seed=1.5)
    with pytest.raises(ValueError, match="unknown init 'glorot'"):
        nn.MLP(2, [3], init="glorot")


def test_neuron_accepts_values_numbers_and_numpy():
    neuron = nn.Neuron(2, seed=1)
    a = neuron([1.0, 2.0]).data
    assert neuron([Value(1.0), 2]).data == a
    assert neuron(np.array([1.0, 2.0])).data == a


def test_gradients_reach_the_inputs():
    layer = nn.Layer(2, 3, activation="tanh", seed=0)
    x = [Value(0.3), Value(-0.7)]
    autodiff.sum(layer(x)).backward()
    expected = [
        sum(n.w[i].data * (1 - math.tanh(autodiff.dot(n.w, [0.3, -0.7], n.b).data) ** 2) for n in layer.neurons)
        for i in range(2)
    ]
    assert [v.grad for v in x] == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------- Layer and MLP
def test_layer_returns_a_list_even_for_one_neuron():
    out = nn.Layer(2, 1, seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1
    out = nn.MLP(2, [1], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1


def test_mlp_shapes_and_activations():
    model = nn.MLP(3, [4, 5, 2], activation="tanh", output_activation="sigmoid", seed=0)
    assert model.nin == 3 and model.nouts == [4, 5, 2]
    assert [(layer.nin, layer.nout, layer.activation) for layer in model.layers] == [
        (3, 4, "tanh"),
        (4, 5, "tanh"),
        (5, 2, "sigmoid"),
    ]
    assert model.num_parameters() == 4 * 4 + 5 * 5 + 2 * 6
    out = model([0.1, 0.2, 0.3])
    assert len(out) == 2 and all(0 < v.data < 1 for v in out)


def test_named_parameters_are_dotted_and_stable():
    model = nn.MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-1] == "layers.1.neurons.0.b"
    assert len(names) == len(set(names)) == model.num_parameters() == 13
    assert names == [name for name, _ in model.named_parameters()]
    assert [p for _, p in model.named_parameters()] == model.parameters()
    assert dict(model.named_parameters())["layers.0.neurons.1.w.0"] is model.layers[0].neurons[1].w[0]


def test_same_seed_same_network_other_seed_other_network():
    a, b, c = (nn.MLP(2, [8, 8, 1], seed=s) for s in (3, 3, 4))
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()


def test_zero_grad():
    model = nn.MLP(2, [3, 1], seed=0)
    model([1.0, 1.0])[0].backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_repr_is_readable():
    assert (
        repr(nn.MLP(2, [16, 16, 1], seed=0))
        == "MLP(2 -> [16, 16, 1], activation='relu', output_activation='linear', 337 parameters)"
    )
    assert repr(nn.Layer(2, 3)) == "Layer(2 -> 3, activation='relu')"
    assert repr(nn.Neuron(2, activation="tanh")) == "Neuron(2, activation='tanh')"


def test_config_rebuilds_the_architecture():
    for module in (
        nn.MLP(2, [3, 1], activation="tanh", init="uniform", seed=5),
        nn.Layer(3, 2, "sigmoid"),
        nn.Neuron(4, "softplus"),
    ):
        twin = type(module)(**module.config())
        assert twin.config() == module.config()
        assert list(twin.state_dict()) == list(module.state_dict())


# ---------------------------------------------------------------- scopes, for viz clusters
def test_values_carry_nested_scopes():
    model = nn.MLP(2, [3, 2], seed=0)
    out = model([1.0, 2.0])
    assert [s.name for s in out[1].scope.path()] == ["MLP", "layer 2 (3→2)", "neuron 2"]
    hidden = out[0].parents[3]  # linear output: dot(w0, w1, w2, h0, h1, h2, b); h0 = first hidden unit
    assert [s.name for s in hidden.scope.path()] == ["MLP", "layer 1 (2→3)", "neuron 1"]
    assert model.layers[0].neurons[2].scope is model.layers[0].neurons[2].scope  # made once, reused
    assert autodiff.current_scope() is None  # and left afterwards


# ---------------------------------------------------------------- state dicts
def test_state_dict_round_trip():
    a, b = nn.MLP(2, [4, 1], seed=0), nn.MLP(2, [4, 1], seed=1)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert b([0.3, 0.4])[0].data == a([0.3, 0.4])[0].data


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (lambda s: s.pop("layers.1.neurons.0.b"), r"missing keys \[layers.1.neurons.0.b\]"),
        (lambda s: s.update({"layers.9.w": 1.0}), r"unexpected keys \[layers.9.w\]"),
        (lambda s: s.update({"layers.0.neurons.0.w.0": float("nan")}), "layers.0.neurons.0.w.0=nan"),
        (lambda s: s.update({"layers.0.neurons.1.b": float("inf")}), "layers.0.neurons.1.b=inf"),
        (lambda s: s.update({"layers.0.neurons.1.b": "0.5"}), "layers.0.neurons.1.b='0.5'"),
        (lambda s: s.update({"layers.0.neurons.1.b": True}), "layers.0.neurons.1.b=True"),
        (lambda s: s.update({"layers.0.neurons.1.b": None}), "layers.0.neurons.1.b=None"),
    ],
)
def test_load_state_dict_errors_leave_the_model_unchanged(corrupt, message):
    model = nn.MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    state = nn.MLP(2, [4, 1], seed=1).state_dict()
    corrupt(state)
    with pytest.raises(ValueError, match=message):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_load_state_dict_rejects_a_non_dict():
    model = nn.MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match="dict"):
        model.load_state_dict([1.0, 2.0])


def test_parameters_stay_python_floats():
    model = nn.MLP(2, [3, 1], seed=0)
    model.load_state_dict({k: np.float64(0.5) for k in model.state_dict()})
    assert all(type(p.data) is float for p in model.parameters())
    assert all(type(v) is float for v in nn.MLP(2, [3, 1], init="uniform", seed=0).state_dict().values())


# ---------------------------------------------------------------- initializers
def weights_of(layer):
    return np.array([[w.data for w in n.w] for n in layer.neurons])


def test_default_init_suits_the_activation():
    assert nn.Neuron(3, "relu").init == "he"
    assert nn.Neuron(3, "leaky_relu").init == "he"
    assert nn.Neuron(3, "tanh").init == "xavier"
    assert nn.Neuron(3, "linear").init == "xavier"
    model = nn.MLP(3, [4, 1], activation="relu", output_activation="sigmoid")
    assert [layer.init for layer in model.layers] == ["he", "xavier"]


def test_uniform_init_is_micrograds_with_random_biases():
    layer = nn.Layer(50, 40, init="uniform", seed=0)
    W = weights_of(layer)
    biases = np.array([n.b.data for n in layer.neurons])
    assert W.min() >= -1 and W.max() <= 1 and W.std() == pytest.approx(1 / math.sqrt(3), rel=0.05)
    assert biases.min() >= -1 and biases.max() <= 1 and np.unique(biases).size == 40


def test_xavier_and_he_scales_and_zero_biases():
    xavier = nn.Layer(200, 100, activation="tanh", init="xavier", seed=0)
    limit = math.sqrt(6 / 300)
    W = weights_of(xavier)
    assert np.abs(W).max() <= limit and W.std() == pytest.approx(limit / math.sqrt(3), rel=0.05)
    he = weights_of(nn.Layer(200, 100, init="he", seed=0))
    assert he.std() == pytest.approx(math.sqrt(2 / 200), rel=0.05)
    assert all(n.b.data == 0.0 for n in xavier.neurons)


def test_rng_kinds():
    # rng= is the old spelling of seed=: it still works, and says so
    with pytest.deprecated_call():
        assert nn.Neuron(3, rng=7).state_dict() == nn.Neuron(3, rng=np.random.default_rng(7)).state_dict()
    with pytest.raises(TypeError, match="rng"), pytest.deprecated_call():
        nn.Neuron(3, rng="seven")


def test_parameters_are_named_parameters_in_the_same_order():
    import nn as _nn

    for module in (_nn.Neuron(3, seed=0), _nn.Layer(3, 2, seed=0), _nn.MLP(3, [4, 2], seed=0)):
        assert [id(p) for p in module.parameters()] == [id(p) for _, p in module.named_parameters()]


def test_seed_is_the_one_spelling_and_rng_a_deprecated_alias():
    with pytest.warns(DeprecationWarning, match="rng= is deprecated; use seed="):
        old = nn.Layer(3, 2, rng=5)
    assert old.state_dict() == nn.Layer(3, 2, seed=5).state_dict()
    with pytest.warns(DeprecationWarning, match="rng="):
        assert nn.Neuron(3, rng=5).state_dict() == nn.Neuron(3, seed=5).state_dict()
    with pytest.raises(ValueError, match="not both"):
        nn.Neuron(3, seed=1, rng=1)
    generator = np.random.default_rng(3)
    a = nn.MLP(2, [3, 1], seed=generator)  # a Generator: used, but not storable in the config
    assert a.seed is None and a.state_dict() != nn.MLP(2, [3, 1], seed=generator).state_dict()
    for bad in (-1, 1.5, "x", True):  # one rule for every seed: a SeedError, both TypeError and ValueError
        for cls, args in ((nn.MLP, (2, [3])), (nn.Layer, (2, 3)), (nn.Neuron, (2,))):
            with pytest.raises(TypeError, match="seed") as info:
                cls(*args, seed=bad)
            assert isinstance(info.value, ValueError)


def test_mlp_init_and_its_deprecated_old_name():
    model = nn.MLP(2, [3, 1], init="he", seed=0)
    assert model.init == "he" and model.config()["init"] == "he"
    with pytest.warns(DeprecationWarning, match="init_name is deprecated"):
        assert model.init_name == "he"


def test_neurons_and_layers_take_their_scope_at_construction():
    scope = autodiff.Scope("mine")
    layer = nn.Layer(2, 2, seed=0, scope=scope)
    assert layer.scope is scope and [n.scope.parent for n in layer.neurons] == [scope, scope]
    assert [n.scope.name for n in layer.neurons] == ["neuron 1", "neuron 2"]
    out = layer([1.0, 2.0])
    assert [s.name for s in out[1].scope.path()] == ["mine", "neuron 2"]
    with pytest.raises(TypeError, match="scope"):
        nn.Neuron(2, scope="mine")


@pytest.mark.parametrize("activation", ["linear", "relu", "leaky_relu", "tanh", "sigmoid", "softplus"])
def test_each_activation_is_its_engine_op(activation):
    from nn.activations import activation_op, get_activation

    op, arg = activation_op(activation)
    neuron = nn.Neuron(3, activation=activation, seed=0)
    out = neuron([0.5, -1.0, 2.0])
    z = autodiff.dot([w for w in neuron.w], [0.5, -1.0, 2.0], neuron.b)
    assert out.data == get_activation(activation)(z).data
    if op is None:
        assert out.op.name == "dot"
    else:
        assert (out.op.name, out.arg) == (op, arg)
        assert [p.op.name for p in out.parents] == ["dot"]
