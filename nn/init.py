"""Weight initializers: "uniform" (micrograd's), "xavier" (Glorot) and "he" (Kaiming).

Each draws the weights of one neuron from a NumPy Generator:

- "uniform": w ~ U(-1, 1) and b ~ U(-1, 1). The bias follows the micrograd
  lecture (the repository's nn.py starts b at 0); it is the only init with a
  random bias.
- "xavier": w ~ U(-a, a), a = sqrt(6 / (fan_in + fan_out)); b = 0. Suits
  tanh, sigmoid and linear units.
- "he": w ~ N(0, 2 / fan_in); b = 0. Suits relu and leaky_relu units.

``default_init(activation)`` is "he" for relu/leaky_relu, "xavier" otherwise.

Example:
    >>> import numpy as np
    >>> from nn.init import draw
    >>> w, b = draw("xavier", 3, 1, np.random.default_rng(0))
    >>> len(w), b
    (3, 0.0)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._checks import as_generator

__all__ = ["INITS", "default_init", "check_init", "draw", "make_rng"]

INITS = ("uniform", "xavier", "he")


def default_init(activation: str) -> str:
    """The init that suits ``activation``: "he" for relu-like units, "xavier" otherwise."""
    return "he" if activation in ("relu", "leaky_relu") else "xavier"


def check_init(init: Any) -> str:
    """Return ``init`` if it names an initializer, else raise ValueError listing the valid ones."""
    if not isinstance(init, str) or init not in INITS:
        raise ValueError(f"unknown init {init!r}; valid inits: {', '.join(INITS)} (or None for the default)")
    return init


def make_rng(rng: Any) -> np.random.Generator:
    """None (fresh randomness), an int seed or a Generator -> a Generator (``nn._checks.as_generator``)."""
    return as_generator("rng", rng)


def draw(init: str, fan_in: int, fan_out: int, rng: np.random.Generator) -> tuple[list[float], float]:
    """Weights (a list of fan_in floats) and a bias (a float) for one neuron.

    Args:
        init: "uniform", "xavier" or "he".
        fan_in: the neuron's number of inputs.
        fan_out: the number of neurons in its layer (xavier only).
        rng: a numpy Generator.
    Returns:
        (weights, bias) as plain Python floats.
    """
    init = check_init(init)
    if init == "uniform":
        w = rng.uniform(-1.0, 1.0, fan_in).tolist()
        return w, float(rng.uniform(-1.0, 1.0))
    if init == "xavier":
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, fan_in).tolist(), 0.0
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), fan_in).tolist(), 0.0
