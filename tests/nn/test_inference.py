"""predict_numpy equals the scalar forward to 1e-12."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn.activations import ACTIVATIONS


def scalar_forward(model, X):
    out = [model(row) for row in X.tolist()]
    return np.array([[v.data for v in (o if isinstance(o, list) else [o])] for o in out])


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("init", ["uniform", "xavier", "he"])
def test_mlp_matches_the_scalar_forward(activation, init):
    model = nn.MLP(3, [8, 5, 2], activation=activation, output_activation=activation, init=init, seed=1)
    X = np.random.default_rng(0).normal(0, 3, (25, 3))
    got = nn.predict_numpy(model, X)
    assert got.shape == (25, 2)
    np.testing.assert_allclose(got, scalar_forward(model, X), rtol=0, atol=1e-12)


@given(st.integers(0, 2**32 - 1), st.sampled_from(sorted(ACTIVATIONS)))
def test_layer_and_neuron_match(seed, activation):
    X = np.random.default_rng(seed).uniform(-5, 5, (6, 4))
    layer = nn.Layer(4, 3, activation=activation, init="uniform", seed=seed)
    np.testing.assert_allclose(nn.predict_numpy(layer, X), scalar_forward(layer, X), rtol=0, atol=1e-12)
    neuron = nn.Neuron(4, activation=activation, init="uniform", seed=seed)
    np.testing.assert_allclose(nn.predict_numpy(neuron, X), scalar_forward(neuron, X), rtol=0, atol=1e-12)


def test_follows_the_current_weights_and_builds_no_graph():
    model = nn.MLP(2, [4, 1], seed=0)
    before = nn.predict_numpy(model, [[1.0, 2.0]])
    model.layers[1].neurons[0].b.data += 1.0
    assert nn.predict_numpy(model, [1.0, 2.0])[0, 0] == pytest.approx(before[0, 0] + 1.0, abs=1e-12)
    assert all(p.grad == 0.0 for p in model.parameters())


def test_bad_inputs():
    model = nn.MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match="length 2.*shape \\(3, 5\\)"):
        nn.predict_numpy(model, np.zeros((3, 5)))
    with pytest.raises(TypeError, match="MLP, Layer and Neuron"):
        nn.predict_numpy(object(), np.zeros((3, 2)))


def test_grid_is_fast():
    import time

    model = nn.MLP(2, [16, 16, 1], seed=0)
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 200), np.linspace(-2, 2, 200)), -1).reshape(-1, 2)
    start = time.perf_counter()
    out = nn.predict_numpy(model, grid)
    assert out.shape == (40000, 1)
    assert time.perf_counter() - start < 1.0


# ---------------------------------------------------------------- refusals, as the scalar forward's
def test_non_finite_inputs_are_refused_like_the_scalar_forward():
    model = nn.MLP(2, [3, 1], seed=0)
    X = np.zeros((4, 2))
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match="must be finite"):
        model(X[2].tolist())
    with pytest.raises(ValueError, match=r"row 2 of X holds \[0.0, nan\]"):
        nn.predict_numpy(model, X)


def test_an_overflowing_layer_is_refused_like_the_scalar_forward():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=1)
    model.layers[0].neurons[0].w[0].data = 5.0
    model.layers[0].neurons[0].w[1].data = 5.0
    x = [1e308, 1e308]
    with pytest.raises(OverflowError):
        model(x)
    with pytest.raises(OverflowError, match="layer 0 overflowed for row 1"):
        nn.predict_numpy(model, np.array([[0.0, 0.0], x]))


def test_weight_matrices_is_the_one_read_out():
    model = nn.MLP(3, [4, 2], seed=0)
    pairs = nn.weight_matrices(model)
    assert [(W.shape, b.shape) for W, b in pairs] == [((4, 3), (4,)), ((2, 4), (2,))]
    for (W, b), layer in zip(pairs, model.layers):
        assert W.tolist() == [[w.data for w in n.w] for n in layer.neurons]
        assert b.tolist() == [n.b.data for n in layer.neurons]
    neuron = nn.Neuron(3, seed=0)
    ((W, b),) = nn.weight_matrices(neuron)
    assert W.tolist() == [[w.data for w in neuron.w]] and b.tolist() == [neuron.b.data]
    with pytest.raises(TypeError, match="MLP, Layer and Neuron"):
        nn.weight_matrices(object())
