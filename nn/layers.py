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

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

import autodiff
from autodiff import Scope, Value

from ._checks import MAX_PARAMETERS, as_generator, describe, positive_int, renamed, seed_for_config
from .activations import activation_op, check_activation
from .init import check_init, default_init, draw
from .module import Module, Parameter

__all__ = ["Neuron", "Layer", "MLP", "MAX_PARAMETERS"]


def _resolve_init(init: str | None, activation: str) -> str:
    return default_init(activation) if init is None else check_init(init)


def _check_total(who: str, count: int) -> None:
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{who} would have {count} parameters, above the limit of {MAX_PARAMETERS} (nn.MAX_PARAMETERS)"
        )


def _check_scope(scope: Any, default_name: str) -> Scope:
    if scope is None:
        return Scope(default_name)
    if not isinstance(scope, Scope):
        raise TypeError(f"scope must be None or an autodiff.Scope, got {type(scope).__name__}")
    return scope


def _wrong_length(x: Any, nin: int, who: str) -> ValueError:
    got = len(x) if hasattr(x, "__len__") else type(x).__name__
    return ValueError(f"{who} expects an input of length {nin}, got length {got}")


class Neuron(Module):
    """One unit: activation(w . x + b).

    Args:
        nin: number of inputs (positive int).
        activation: "linear", "relu", "leaky_relu", "tanh", "sigmoid" or "softplus".
        init: "uniform", "xavier", "he" or None (he for relu-like, xavier otherwise).
        seed: None, an int or a numpy Generator (an int draws the same weights every time).
        fan_out: the size of the neuron's layer, for "xavier" (Layer passes it).
        scope: the autodiff.Scope its nodes are made in (drawings cluster them); default a new
            Scope("neuron"). Layer passes Scope("neuron j", parent=its own scope), counting from 1.
        rng: deprecated old name of ``seed``.

    Attributes:
        w (list[Parameter]), b (Parameter), activation (str), nin (int).

    Example:
        >>> from nn import Neuron
        >>> n = Neuron(2, activation="linear")
        >>> n.w[0].data, n.w[1].data, n.b.data = 2.0, 3.0, 1.0
        >>> n([4.0, 5.0]).data
        24.0
    """

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        init: str | None = None,
        seed: int | np.random.Generator | None = None,
        *,
        fan_out: int = 1,
        scope: Scope | None = None,
        rng: int | np.random.Generator | None = None,
    ) -> None:
        seed, seed_name = renamed("rng", "seed", rng, seed, "Neuron")
        self.nin = positive_int("nin", nin, limit=MAX_PARAMETERS - 1)
        self.activation = check_activation(activation)
        self.init = _resolve_init(init, self.activation)
        weights, bias = draw(self.init, self.nin, fan_out, as_generator(seed_name, seed))
        # Labels make drawings readable: viz shows them in each parameter's box.
        self.w = [Parameter(v, label=f"w{i}") for i, v in enumerate(weights)]
        self.b = Parameter(bias, label="b")
        self.scope = _check_scope(scope, "neuron")
        self._op, self._op_arg = activation_op(self.activation)  # the engine op dots applies (None: linear)

    def __call__(self, x: Sequence[Value | float]) -> Value:
        if len(x) != self.nin:
            raise _wrong_length(x, self.nin, repr(self))
        # act(w . x + b) inside the neuron's scope: a Layer of one row (see Layer.__call__)
        return autodiff.dots(
            [self.w], x, [self.b], activation=self._op, activation_arg=self._op_arg, scopes=[self.scope]
        )[0]

    def _own_parameters(self) -> list[tuple[str, Parameter]]:
        return [*((f"w.{i}", w) for i, w in enumerate(self.w)), ("b", self.b)]

    def parameters(self) -> list[Parameter]:
        return [*self.w, self.b]

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "activation": self.activation, "init": self.init}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """nout Neurons sharing one input; returns a list of nout Values, always.

    Args:
        nin: inputs per neuron. nout: number of neurons.
        activation, init: as for Neuron (all neurons alike).
        seed: None, an int or a numpy Generator (drawn neuron by neuron).
        scope: the layer's autodiff.Scope (default a new Scope("layer")); neuron j gets
            Scope("neuron j", parent=scope), counting from 1 as the notes do.
        rng: deprecated old name of ``seed``.

    Example:
        >>> from nn import Layer
        >>> len(Layer(3, 2, seed=0)([1.0, 2.0, 3.0]))
        2
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        init: str | None = None,
        seed: int | np.random.Generator | None = None,
        *,
        scope: Scope | None = None,
        rng: int | np.random.Generator | None = None,
    ) -> None:
        seed, seed_name = renamed("rng", "seed", rng, seed, "Layer")
        self.nin = positive_int("nin", nin, limit=MAX_PARAMETERS)
        self.nout = positive_int("nout", nout, limit=MAX_PARAMETERS)
        _check_total(f"Layer({self.nin}, {self.nout})", (self.nin + 1) * self.nout)
        self.activation = check_activation(activation)
        self.init = _resolve_init(init, self.activation)
        rng = as_generator(seed_name, seed)
        self.scope = _check_scope(scope, "layer")
        self._op, self._op_arg = activation_op(self.activation)
        self.neurons = [
            Neuron(
                self.nin, self.activation, self.init, rng, fan_out=self.nout, scope=Scope(f"neuron {j + 1}", self.scope)
            )
            for j in range(self.nout)
        ]

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        if len(x) != self.nin:
            raise _wrong_length(x, self.nin, repr(self))
        # Each neuron's activation(w . x + b), in the neuron's scope; autodiff.dots reads x once for all.
        neurons = self.neurons
        return autodiff.dots(
            [n.w for n in neurons],
            x,
            [n.b for n in neurons],
            activation=self._op,
            activation_arg=self._op_arg,
            scopes=[n.scope for n in neurons],
        )

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"neurons.{j}", n) for j, n in enumerate(self.neurons)]

    def parameters(self) -> list[Parameter]:
        params: list[Parameter] = []
        for n in self.neurons:  # (called every step by zero_grad: no list per neuron)
            params += n.w
            params.append(n.b)
        return params

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation, "init": self.init}

    def __repr__(self) -> str:
        return f"Layer({self.nin} -> {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: Layers of sizes ``nouts``; returns a list of Values, always.

    Args:
        nin: number of inputs.
        nouts: the layer sizes, e.g. [16, 16, 1] (the last is the output layer).
        activation: activation of the hidden layers.
        output_activation: activation of the last layer ("linear": raw scores/logits).
        init: "uniform", "xavier", "he" or None (chosen per layer from its activation).
        seed: None, an int or a numpy Generator; the same int builds the same network.

    At most ``nn.MAX_PARAMETERS`` (10 million) parameters: larger sizes are a ValueError.

    Example:
        >>> from nn import MLP
        >>> a, b = MLP(2, [3, 1], seed=7), MLP(2, [3, 1], seed=7)
        >>> a.state_dict() == b.state_dict()
        True
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        init: str | None = None,
        seed: int | np.random.Generator | None = None,
    ) -> None:
        self.nin = positive_int("nin", nin, limit=MAX_PARAMETERS)
        if isinstance(nouts, (str, bytes)) or not hasattr(nouts, "__iter__"):
            raise ValueError(f"nouts must be a list of layer sizes, got {describe(nouts)}")
        self.nouts = [positive_int(f"nouts[{i}]", n, limit=MAX_PARAMETERS) for i, n in enumerate(nouts)]
        if not self.nouts:
            raise ValueError("nouts must name at least one layer, got an empty list")
        sizes = [self.nin, *self.nouts]
        _check_total(f"MLP({self.nin}, {self.nouts})", sum((a + 1) * b for a, b in zip(sizes, sizes[1:])))
        self.activation = check_activation(activation)
        self.output_activation = check_activation(output_activation)
        self.init = None if init is None else check_init(init)
        self.seed = seed_for_config("seed", seed)  # a Generator is used but cannot be stored
        rng = as_generator("seed", seed)
        last = len(self.nouts) - 1
        self.scope = Scope("MLP")
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                self.output_activation if i == last else self.activation,
                init,
                rng,
                scope=Scope(f"layer {i + 1} ({sizes[i]}→{sizes[i + 1]})", self.scope),  # as the notes count
            )
            for i in range(len(self.nouts))
        ]

    @property
    def init_name(self) -> str | None:
        """Deprecated: use ``init``."""
        warnings.warn("MLP.init_name is deprecated; use MLP.init", DeprecationWarning, stacklevel=2)
        return self.init

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x  # type: ignore[return-value]  # a list of Values: nouts is never empty, so a layer ran

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"layers.{i}", layer) for i, layer in enumerate(self.layers)]

    def parameters(self) -> list[Parameter]:
        params: list[Parameter] = []
        for layer in self.layers:
            params += layer.parameters()
        return params

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "init": self.init,
            "seed": self.seed,
        }

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin} -> {self.nouts}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}, {self.num_parameters()} parameters)"
        )
