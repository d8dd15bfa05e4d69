"""nn.to_torch / nn.from_torch: the same function and the same gradients in PyTorch (skipped without torch)."""

import numpy as np
import pytest

import autodiff
import nn

torch = pytest.importorskip("torch")

ACTIVATIONS = ["linear", "relu", "leaky_relu", "tanh", "sigmoid", "softplus"]


def inputs(n=7, nin=3, seed=0):
    return np.random.default_rng(seed).normal(0.0, 2.0, (n, nin))


@pytest.mark.parametrize("output_activation", ["linear", "sigmoid"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_outputs_equal_the_scalar_model(activation, output_activation):
    model = nn.MLP(3, [5, 4, 2], activation=activation, output_activation=output_activation, init="uniform", seed=1)
    net = nn.to_torch(model)
    assert all(p.dtype == torch.float64 for p in net.parameters())
    X = inputs()
    ours = np.array([[v.data for v in model(row)] for row in X.tolist()])
    theirs = net(torch.from_numpy(X)).detach().numpy()
    np.testing.assert_allclose(theirs, ours, rtol=0, atol=1e-12)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_parameter_gradients_of_the_same_loss_equal_ours(activation):
    model = nn.MLP(3, [4, 2], activation=activation, init="uniform", seed=2)
    net = nn.to_torch(model)
    X, Y = inputs(), inputs(7, 2, seed=1)
    model.zero_grad()
    nn.losses.mse([model(row) for row in X.tolist()], Y.tolist()).backward()
    torch.nn.functional.mse_loss(net(torch.from_numpy(X)), torch.from_numpy(Y)).backward()
    for layer, linear in zip(model.layers, [m for m in net if isinstance(m, torch.nn.Linear)]):
        W_grad = np.array([[w.grad for w in n.w] for n in layer.neurons])
        b_grad = np.array([n.b.grad for n in layer.neurons])
        np.testing.assert_allclose(linear.weight.grad.numpy(), W_grad, rtol=0, atol=1e-10)
        np.testing.assert_allclose(linear.bias.grad.numpy(), b_grad, rtol=0, atol=1e-10)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_round_trip_keeps_every_weight(activation):
    model = nn.MLP(2, [3, 3, 1], activation=activation, output_activation="tanh", seed=3)
    back = nn.from_torch(nn.to_torch(model))
    assert back.config()["activation"] == activation and back.output_activation == "tanh"
    assert back.state_dict() == model.state_dict()


def test_float32_on_request():
    net = nn.to_torch(nn.MLP(2, [3, 1], seed=0), dtype=torch.float32)
    assert all(p.dtype == torch.float32 for p in net.parameters())


def test_from_torch_reads_a_torch_trained_network():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1)).double()
    model = nn.from_torch(net)
    X = inputs(5, 2)
    np.testing.assert_allclose(nn.predict_numpy(model, X), net(torch.from_numpy(X)).detach().numpy(), atol=1e-12)
    no_bias = nn.from_torch(torch.nn.Linear(3, 2, bias=False))  # a bare Linear, zero biases
    assert [n.b.data for n in no_bias.layers[0].neurons] == [0.0, 0.0]


@pytest.mark.parametrize(
    "modules, match",
    [
        ([torch.nn.Linear(2, 3), torch.nn.ELU(), torch.nn.Linear(3, 1)], r"layer 1 \(ELU"),
        ([torch.nn.Linear(2, 3), torch.nn.Dropout(0.5)], r"layer 1 \(Dropout"),
        ([torch.nn.Linear(2, 3), torch.nn.LeakyReLU(0.2)], r"layer 1 \(LeakyReLU"),
        ([torch.nn.ReLU(), torch.nn.Linear(2, 1)], "layer 0.*must follow a Linear"),
        ([torch.nn.Linear(2, 3), torch.nn.Linear(4, 1)], "takes 4 inputs"),
        ([torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1)],
         "one hidden"),
        ([torch.nn.Identity()], "no Linear"),
    ],
)  # fmt: skip
def test_from_torch_names_what_it_cannot_read(modules, match):
    with pytest.raises(ValueError, match=match):
        nn.from_torch(torch.nn.Sequential(*modules))
    with pytest.raises(ValueError, match="Sequential or Linear"):
        nn.from_torch(torch.nn.ReLU())


def test_to_torch_of_a_fitted_estimator_gives_its_raw_outputs():
    pytest.importorskip("sklearn")
    X, y = nn.datasets.make_moons(40, noise=0.1, random_state=0)
    clf = nn.MLPClassifier((4,), solver="lbfgs", max_iter=20, random_state=0).fit(X, y)
    logits = clf.to_torch()(torch.from_numpy(X)).detach().numpy()[:, 0]
    np.testing.assert_allclose(torch.sigmoid(torch.from_numpy(logits)).numpy(), clf.predict_proba(X)[:, 1], atol=1e-12)
    assert nn.to_torch(clf)[0].weight.shape == (4, 2)
    with pytest.raises(TypeError, match="nn.MLP"):
        nn.to_torch(autodiff.Value(1.0))


def test_the_import_error_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"chaingrad\[torch\]"):
        nn.to_torch(nn.MLP(2, [1], seed=0))
