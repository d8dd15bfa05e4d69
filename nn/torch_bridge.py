"""The bridge to PyTorch: ``to_torch`` turns an MLP into a ``torch.nn.Sequential``, ``from_torch`` back.

A student who outgrows the scalar engine keeps the network: ``to_torch``
writes each Layer as a ``torch.nn.Linear`` (weight (nout, nin), bias (nout,))
followed by its activation module, in float64 by default, so the outputs
equal the scalar model's to rounding and so do the parameter gradients of the
same loss. ``from_torch`` reads a Sequential of Linear layers and the
activations nn has back into an ``nn.MLP``; anything else is a ValueError
naming the layer. torch is an optional extra (``chaingrad[torch]``) and is
imported only when a function here is called.

Activations: relu -> ReLU, tanh -> Tanh, sigmoid -> Sigmoid, leaky_relu ->
LeakyReLU(0.01), softplus -> Softplus (threshold 40, where log1p(e**x) = x
in float64), linear -> nothing.

Example:
    >>> import pytest; torch = pytest.importorskip("torch")
    >>> import nn
    >>> model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    >>> net = nn.to_torch(model)
    >>> [type(m).__name__ for m in net]
    ['Linear', 'Tanh', 'Linear']
    >>> out = net(torch.tensor([[1.0, -2.0]], dtype=torch.float64)).item()
    >>> abs(out - model([1.0, -2.0])[0].data) < 1e-12
    True
    >>> nn.from_torch(net).state_dict() == model.state_dict()
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .activations import LEAKY_SLOPE
from .inference import weight_matrices
from .layers import MLP, Layer

__all__ = ["to_torch", "from_torch"]

_SOFTPLUS_THRESHOLD = 40.0  # above it torch returns x; log1p(exp(-40)) is below float64's resolution of 40


def _torch() -> Any:
    try:
        import torch
    except ImportError as error:
        raise ImportError(
            "nn.to_torch / nn.from_torch need PyTorch; install the extra: pip install 'chaingrad[torch]'"
        ) from error
    return torch


def _activation_module(torch: Any, name: str) -> Any:
    """The torch module for an nn activation name (None for "linear")."""
    modules = {
        "linear": None,
        "relu": torch.nn.ReLU,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
        "leaky_relu": lambda: torch.nn.LeakyReLU(LEAKY_SLOPE),
        "softplus": lambda: torch.nn.Softplus(beta=1.0, threshold=_SOFTPLUS_THRESHOLD),
    }
    make = modules[name]
    return None if make is None else make()


def to_torch(model: Any, dtype: Any = None) -> Any:
    """A ``torch.nn.Sequential`` computing what ``model`` computes.

    Args:
        model: an ``nn.MLP``, or a fitted estimator (its ``model_``: raw outputs, logits for the classifier).
        dtype: a torch floating dtype (default ``torch.float64``, exact to rounding).
    Returns:
        ``torch.nn.Sequential`` of Linear and activation modules, with copies of the weights.
    Raises:
        TypeError: not an MLP. ImportError: torch is not installed (names the extra).
    """
    torch = _torch()
    if hasattr(model, "model_") and not isinstance(model, MLP):
        model = model.model_
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch takes an nn.MLP or a fitted estimator, got {type(model).__name__}")
    dtype = torch.float64 if dtype is None else dtype
    modules: list[Any] = []
    for layer, (W, b) in zip(model.layers, weight_matrices(model)):
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        act = _activation_module(torch, layer.activation)
        if act is not None:
            modules.append(act)
    return torch.nn.Sequential(*modules)


def _activation_name(torch: Any, module: Any, index: int) -> str:
    """The nn name of a torch activation module; ValueError naming the layer if nn has no such unit."""
    plain = {torch.nn.ReLU: "relu", torch.nn.Tanh: "tanh", torch.nn.Sigmoid: "sigmoid", torch.nn.Identity: "linear"}
    if type(module) in plain:
        return plain[type(module)]
    if isinstance(module, torch.nn.LeakyReLU) and module.negative_slope == LEAKY_SLOPE:
        return "leaky_relu"
    if isinstance(module, torch.nn.Softplus) and module.beta == 1:
        return "softplus"
    raise ValueError(
        f"from_torch: layer {index} ({module!r}) has no nn counterpart; nn takes Linear, ReLU, Tanh, Sigmoid, "
        f"LeakyReLU({LEAKY_SLOPE}), Softplus(beta=1) and Identity"
    )


def _dense_layers(torch: Any, modules: list[Any]) -> list[list[Any]]:
    """[(Linear, activation name)] from a list of modules: each Linear and the activations after it."""
    layers: list[list[Any]] = []
    for index, module in enumerate(modules):
        if isinstance(module, torch.nn.Linear):
            layers.append([module, "linear"])
            continue
        name = _activation_name(torch, module, index)
        if name == "linear":
            continue
        if not layers or layers[-1][1] != "linear":
            raise ValueError(f"from_torch: layer {index} ({module!r}) must follow a Linear layer")
        layers[-1][1] = name
    if not layers:
        raise ValueError("from_torch: the module has no Linear layer")
    return layers


def _load_linear(torch: Any, layer: Layer, linear: Any) -> None:
    """Copy a torch Linear's weight and bias (zeros if it has none) into an nn Layer, as float64."""
    W = linear.weight.detach().to(torch.float64).cpu().numpy()
    b = np.zeros(linear.out_features) if linear.bias is None else linear.bias.detach().to(torch.float64).cpu().numpy()
    for neuron, row, bias in zip(layer.neurons, W.tolist(), b.tolist()):
        for p, value in zip(neuron.w, row):
            p.data = value
        neuron.b.data = bias


def from_torch(module: Any) -> MLP:
    """An ``nn.MLP`` with the weights of a torch Sequential of Linear and activation modules (or one Linear).

    Args:
        module: ``torch.nn.Sequential`` (or ``torch.nn.Linear``); a Linear without bias gets zero biases.
    Returns:
        ``nn.MLP`` computing the same function (in float64).
    Raises:
        ValueError: a layer nn does not have (named), layers that do not chain, or hidden layers with
            different activations (an nn.MLP has one hidden activation).
    """
    torch = _torch()
    if not isinstance(module, (torch.nn.Linear, torch.nn.Sequential)):
        raise ValueError(f"from_torch takes a torch.nn.Sequential or Linear, got {type(module).__name__}")
    modules = [module] if isinstance(module, torch.nn.Linear) else list(module)
    layers = _dense_layers(torch, modules)
    for i in range(1, len(layers)):
        if layers[i][0].in_features != layers[i - 1][0].out_features:
            raise ValueError(
                f"from_torch: Linear {i} takes {layers[i][0].in_features} inputs but Linear {i - 1} gives "
                f"{layers[i - 1][0].out_features}"
            )
    hidden = {name for _, name in layers[:-1]}
    if len(hidden) > 1:
        raise ValueError(f"from_torch: an nn.MLP has one hidden activation, these layers have {sorted(hidden)}")
    model = MLP(
        layers[0][0].in_features,
        [linear.out_features for linear, _ in layers],
        activation=hidden.pop() if hidden else "linear",
        output_activation=layers[-1][1],
        seed=0,
    )
    for layer, (linear, _) in zip(model.layers, layers):
        _load_linear(torch, layer, linear)
    return model
