"""Activation functions by name: the engine op behind each, a Value version and a NumPy twin.

``ACTIVATION_OPS[name]`` is the pair (op name, op argument) that Neuron and
Layer hand to ``autodiff.dots`` (None for linear: no activation node), so
every activation is exactly one op node of the engine's table.
``ACTIVATIONS[name]`` maps a Value z to a Value (the same op, as a function);
``NUMPY_ACTIVATIONS[name]`` computes the same function on a NumPy array (used
by ``nn.inference.predict_numpy``). All agree to the last bit or so.

Example:
    >>> from autodiff import Value
    >>> from nn.activations import get_activation
    >>> get_activation("relu")(Value(-2.0)).data
    0.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autodiff import Value

__all__ = [
    "ACTIVATIONS",
    "NUMPY_ACTIVATIONS",
    "ACTIVATION_OPS",
    "LEAKY_SLOPE",
    "activation_op",
    "get_activation",
    "get_numpy_activation",
    "check_activation",
]

LEAKY_SLOPE = 0.01  # leaky_relu's slope for negative inputs (PyTorch's default)


# name -> (autodiff op name or None for no activation, the op's argument)
ACTIVATION_OPS = {
    "linear": (None, None),
    "relu": ("relu", None),
    "leaky_relu": ("leaky_relu", LEAKY_SLOPE),
    "tanh": ("tanh", None),
    "sigmoid": ("sigmoid", None),
    "softplus": ("softplus", None),
}


def _linear(z: Value) -> Value:
    return z


def _leaky_relu(z: Value) -> Value:
    return z.leaky_relu(LEAKY_SLOPE)


ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "linear": _linear,
    "relu": Value.relu,
    "leaky_relu": _leaky_relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "softplus": Value.softplus,
}


# ---------------------------------------------------------------- NumPy twins (same formulas as the engine's ops)
def _np_sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))  # <= 1: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


NUMPY_ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda z: z,
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
    "tanh": np.tanh,
    "sigmoid": _np_sigmoid,
    "softplus": lambda z: np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))),
}


def check_activation(name: Any) -> str:
    """Return ``name`` if it names an activation, else raise ValueError listing the valid ones."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; valid activations: {', '.join(ACTIVATIONS)}")
    return name


def activation_op(name: str) -> tuple[str | None, float | None]:
    """The engine op of the activation ``name``: (op name or None for linear, op argument or None).

    Example:
        >>> from nn.activations import activation_op
        >>> activation_op("leaky_relu"), activation_op("linear")
        (('leaky_relu', 0.01), (None, None))
    """
    return ACTIVATION_OPS[check_activation(name)]


def get_activation(name: str) -> Callable[[Value], Value]:
    """The activation ``name`` as a function Value -> Value.

    Args:
        name: one of "linear", "relu", "leaky_relu", "tanh", "sigmoid", "softplus".
    Returns:
        A function of one Value.
    Raises:
        ValueError: unknown name (the message lists the valid ones).
    """
    return ACTIVATIONS[check_activation(name)]


def get_numpy_activation(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The activation ``name`` as a function on NumPy arrays (elementwise)."""
    return NUMPY_ACTIVATIONS[check_activation(name)]
