"""The notes' worked example ("Example" through "Code, Cont." of 000_fa987b299930fe51.txt), exactly.

x = [3, 5], y = [1, 0], W1 (2x4) and W2 (4x2) as printed, all biases 1,
linear layers, MSE = np.mean((o - y)**2): the mean over the 2 outputs
(that normalization gives 9213.25 and dL/do = o - y = [120.5, 62.5]).
"""

import pytest

import nn

W1 = [[0.5, 1, 7, 3], [1, 2, 1, 0.5]]  # W1[i][j]: input i -> hidden unit j
W2 = [[1, 2], [0.5, 0.5], [3, 1], [2, 1]]
X, Y = [3, 5], [1, 0]


def build():
    layer1 = nn.Layer(2, 4, activation="linear")
    layer2 = nn.Layer(4, 2, activation="linear")
    for layer, W in ((layer1, W1), (layer2, W2)):
        for j, neuron in enumerate(layer.neurons):
            for i in range(len(W)):
                neuron.w[i].data = W[i][j]
            neuron.b.data = 1.0
    return layer1, layer2


def weight_grads(layer):
    """Gradients as the notes print them: rows = inputs, columns = units."""
    return [[n.w[i].grad for n in layer.neurons] for i in range(layer.nin)]


@pytest.fixture
def example():
    layer1, layer2 = build()
    h = layer1(X)
    o = layer2(h)
    loss = nn.losses.mse(o, Y)
    loss.backward()
    return layer1, layer2, h, o, loss


def test_forward_pass(example):
    _, _, h, o, loss = example
    assert [v.data for v in h] == [7.5, 14.0, 27.0, 12.5]
    assert [v.data for v in o] == [121.5, 62.5]
    assert loss.data == 9213.25  # (120.5**2 + 62.5**2) / 2


def test_output_gradient(example):
    _, _, _, o, _ = example
    assert [v.grad for v in o] == [120.5, 62.5]  # 2/2 * (o - y)


def test_layer2_gradients(example):
    _, layer2, h, _, _ = example
    assert weight_grads(layer2) == [[903.75, 468.75], [1687.0, 875.0], [3253.5, 1687.5], [1506.25, 781.25]]
    assert [n.b.grad for n in layer2.neurons] == [120.5, 62.5]


def test_hidden_gradient(example):
    _, _, h, _, _ = example
    assert [v.grad for v in h] == [245.5, 91.5, 424.0, 303.5]  # [120.5, 62.5] . W2^T


def test_layer1_gradients(example):
    layer1, _, _, _, _ = example
    assert weight_grads(layer1) == [[736.5, 274.5, 1272.0, 910.5], [1227.5, 457.5, 2120.0, 1517.5]]
    # The notes' code prints "Gradients of layer2 biases" a second time where
    # layer 1's belong (a copy-paste slip); layer 1's bias gradients are dL/dh:
    assert [n.b.grad for n in layer1.neurons] == [245.5, 91.5, 424.0, 303.5]


def test_one_sgd_step_lowers_the_loss_to_196_56(example):
    layer1, layer2, _, _, loss = example
    optimizer = nn.SGD(layer1.parameters() + layer2.parameters(), lr=0.001)
    optimizer.step()
    new_loss = nn.losses.mse(layer2(layer1(X)), Y)
    assert new_loss.data == pytest.approx(196.5612128857, rel=1e-12, abs=1e-9)
    assert new_loss.data < loss.data


def test_same_numbers_through_an_mlp():
    model = nn.MLP(2, [4, 2], activation="linear")
    layer1, layer2 = build()
    model.load_state_dict(
        {
            **{f"layers.0.{k}": v for k, v in layer1.state_dict().items()},
            **{f"layers.1.{k}": v for k, v in layer2.state_dict().items()},
        }
    )
    loss = nn.losses.mse(model(X), Y)
    loss.backward()
    assert loss.data == 9213.25
    assert [n.b.grad for n in model.layers[0].neurons] == [245.5, 91.5, 424.0, 303.5]
