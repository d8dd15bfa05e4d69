"""Neuron, Layer and MLP: the perceptron of the notes, stacked.

A Neuron computes z = w . x + b as ONE autodiff node (``autodiff.dot``), then
its activation (one more node). A Layer is a list of Neurons fed the same
input (``autodiff.dots`` makes all their nodes, reading the input once); an
MLP is a list of Layers, each fed the previous one's output.

Example:
    >>> from nn import MLP
    >>> model = MLP(2, [4, 1], seed=0)
    >>> out = model([1.0, -2.0])
    >>> len(out), type(out[0]).__name__
    (1, 'Value')
"""

from __future__ import annotations

import numbers

import autodiff
from autodiff import Scope, Value

from .activations import check_activation, get_activation
from .init import check_init, default_init, draw, make_rng
from .module import Module, Parameter

__all__ = ["Neuron", "Layer", "MLP"]


def _check_count(name, value) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _resolve_init(init, activation) -> str:
    return default_init(activation) if init is None else check_init(init)


def _wrong_length(x, nin, who) -> ValueError:
    got = len(x) if hasattr(x, "__len__") else type(x).__name__
    return ValueError(f"{who} expects an input of length {nin}, got length {got}")


class Neuron(Module):
    """One unit: activation(w . x + b).

    Args:
        nin: number of inputs (positive int).
        activation: "linear", "relu", "leaky_relu", "tanh", "sigmoid" or "softplus".
        init: "uniform", "xavier", "he" or None (he for relu-like, xavier otherwise).
        rng: None, an int seed or a numpy Generator.
        fan_out: the size of the neuron's layer, for "xavier" (Layer passes it).

    Attributes:
        w (list[Parameter]), b (Parameter), activation (str), nin (int).

    Example:
        >>> from nn import Neuron
        >>> n = Neuron(2, activation="linear")
        >>> n.w[0].data, n.w[1].data, n.b.data = 2.0, 3.0, 1.0
        >>> n([4.0, 5.0]).data
        24.0
    """

    def __init__(self, nin, activation="relu", init=None, rng=None, *, fan_out=1):
        self.nin = _check_count("nin", nin)
        self.activation = check_activation(activation)
        self.init = _resolve_init(init, self.activation)
        weights, bias = draw(self.init, self.nin, fan_out, make_rng(rng))
        # Labels make drawings readable: viz shows them in each parameter's box.
        self.w = [Parameter(v, label=f"w{i}") for i, v in enumerate(weights)]
        self.b = Parameter(bias, label="b")
        self._act = get_activation(self.activation)
        self._scope = Scope("neuron")

    def __call__(self, x) -> Value:
        if len(x) != self.nin:
            raise _wrong_length(x, self.nin, repr(self))
        # act(w . x + b) inside the neuron's scope: a Layer of one row (see Layer.__call__)
        return autodiff.dots([self.w], x, [self.b], activation=self._act, scopes=[self._scope])[0]

    def _own_parameters(self):
        return [*((f"w.{i}", w) for i, w in enumerate(self.w)), ("b", self.b)]

    def parameters(self) -> list:
        return [*self.w, self.b]

    def config(self) -> dict:
        return {"nin": self.nin, "activation": self.activation, "init": self.init}

    def __repr__(self):
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """nout Neurons sharing one input; returns a list of nout Values, always.

    Args:
        nin: inputs per neuron. nout: number of neurons.
        activation, init: as for Neuron (all neurons alike).
        rng: None, an int seed or a numpy Generator (drawn neuron by neuron).

    Example:
        >>> from nn import Layer
        >>> len(Layer(3, 2, rng=0)([1.0, 2.0, 3.0]))
        2
    """

    def __init__(self, nin, nout, activation="relu", init=None, rng=None):
        self.nin = _check_count("nin", nin)
        self.nout = _check_count("nout", nout)
        self.activation = check_activation(activation)
        self.init = _resolve_init(init, self.activation)
        rng = make_rng(rng)
        self._scope = Scope("layer")
        self._act = get_activation(self.activation)
        self.neurons = [Neuron(self.nin, self.activation, self.init, rng, fan_out=self.nout) for _ in range(self.nout)]
        for j, neuron in enumerate(self.neurons):
            neuron._scope.name = f"neuron {j}"
            neuron._scope.parent = self._scope

    def __call__(self, x) -> list:
        if len(x) != self.nin:
            raise _wrong_length(x, self.nin, repr(self))
        # Each neuron's activation(w . x + b), in the neuron's scope; autodiff.dots reads x once for all.
        neurons = self.neurons
        return autodiff.dots(
            [n.w for n in neurons], x, [n.b for n in neurons], activation=self._act, scopes=[n._scope for n in neurons]
        )

    def _children(self):
        return [(f"neurons.{j}", n) for j, n in enumerate(self.neurons)]

    def parameters(self) -> list:
        params = []
        for n in self.neurons:  # (called every step by zero_grad: no list per neuron)
            params += n.w
            params.append(n.b)
        return params

    def config(self) -> dict:
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation, "init": self.init}

    def __repr__(self):
        return f"Layer({self.nin} -> {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: Layers of sizes ``nouts``; returns a list of Values, always.

    Args:
        nin: number of inputs.
        nouts: the layer sizes, e.g. [16, 16, 1] (the last is the output layer).
        activation: activation of the hidden layers.
        output_activation: activation of the last layer ("linear": raw scores/logits).
        init: "uniform", "xavier", "he" or None (chosen per layer from its activation).
        seed: None or an int; the same seed builds the same network.

    Example:
        >>> from nn import MLP
        >>> a, b = MLP(2, [3, 1], seed=7), MLP(2, [3, 1], seed=7)
        >>> a.state_dict() == b.state_dict()
        True
    """

    def __init__(self, nin, nouts, activation="relu", output_activation="linear", init=None, seed=None):
        self.nin = _check_count("nin", nin)
        if isinstance(nouts, (str, bytes)) or not hasattr(nouts, "__iter__"):
            raise ValueError(f"nouts must be a list of layer sizes, got {nouts!r}")
        self.nouts = [_check_count("each layer size in nouts", n) for n in nouts]
        if not self.nouts:
            raise ValueError("nouts must name at least one layer, got an empty list")
        self.activation = check_activation(activation)
        self.output_activation = check_activation(output_activation)
        self.init_name = None if init is None else check_init(init)
        if seed is not None and (not isinstance(seed, numbers.Integral) or isinstance(seed, bool)):
            raise ValueError(f"seed must be None or an int, got {seed!r}")
        self.seed = None if seed is None else int(seed)
        rng = make_rng(self.seed)
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        self._scope = Scope("MLP")
        self.layers = []
        for i in range(len(self.nouts)):
            layer = Layer(sizes[i], sizes[i + 1], self.output_activation if i == last else self.activation, init, rng)
            layer._scope.name = f"layer {i}"
            layer._scope.parent = self._scope
            self.layers.append(layer)

    def __call__(self, x) -> list:
        for layer in self.layers:
            x = layer(x)
        return x

    def _children(self):
        return [(f"layers.{i}", layer) for i, layer in enumerate(self.layers)]

    def parameters(self) -> list:
        params = []
        for layer in self.layers:
            params += layer.parameters()
        return params

    def config(self) -> dict:
        return {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "init": self.init_name,
            "seed": self.seed,
        }

    def __repr__(self):
        return (
            f"MLP({self.nin} -> {self.nouts}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}, {self.num_parameters()} parameters)"
        )
