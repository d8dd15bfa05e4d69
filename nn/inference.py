"""Fast inference: the same forward pass on NumPy arrays, from the current weights.

No graph is built, so predicting a 200x200 grid is one matrix product per
layer instead of 40,000 graphs. The tests check it equals the scalar forward
to 1e-12.

Example:
    >>> import numpy as np
    >>> from nn import MLP, predict_numpy
    >>> model = MLP(2, [8, 1], seed=0)
    >>> predict_numpy(model, np.zeros((5, 2))).shape
    (5, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .activations import get_numpy_activation
from .layers import MLP, Layer, Neuron

__all__ = ["predict_numpy", "weight_matrices", "layer_arrays"]


def _dense_layers(model: MLP | Layer | Neuron) -> list[tuple[list[Neuron], str]]:
    """The model as a list of (neurons, activation): one entry per layer."""
    if isinstance(model, MLP):
        return [(layer.neurons, layer.activation) for layer in model.layers]
    if isinstance(model, Layer):
        return [(model.neurons, model.activation)]
    if isinstance(model, Neuron):
        return [([model], model.activation)]
    raise TypeError(f"predict_numpy supports MLP, Layer and Neuron, got {type(model).__name__}")


def _arrays(neurons: Sequence[Neuron]) -> tuple[np.ndarray, np.ndarray]:
    W = np.array([[w.data for w in n.w] for n in neurons], dtype=float)
    b = np.array([n.b.data for n in neurons], dtype=float)
    return W, b


def weight_matrices(model: MLP | Layer | Neuron) -> list[tuple[np.ndarray, np.ndarray]]:
    """The current weights of an MLP, Layer or Neuron as arrays, one (W, b) pair per layer.

    The one place weights are read out as matrices (predict_numpy, the estimators' coefs_
    and the network drawings use it). W has shape (nout, nin): row j holds neuron j's weights,
    so a layer computes ``X @ W.T + b``; b has shape (nout,). A Neuron is a layer of one.

    Args:
        model: an MLP, Layer or Neuron.
    Returns:
        A list of (W, b) pairs, first layer first (copies: changing them changes nothing).
    Raises:
        TypeError: another kind of model.
    Example:
        >>> from nn import MLP, weight_matrices
        >>> [(W.shape, b.shape) for W, b in weight_matrices(MLP(2, [3, 1], seed=0))]
        [((3, 2), (3,)), ((1, 3), (1,))]
    """
    return [_arrays(neurons) for neurons, _ in _dense_layers(model)]


def layer_arrays(layer: Layer) -> tuple[np.ndarray, np.ndarray]:
    """A Layer's weights as (W, b): W of shape (nout, nin), b of shape (nout,) (see ``weight_matrices``)."""
    return weight_matrices(layer)[0]


def _as_matrix(X: Any, nin: int) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X.reshape(1, -1)
    if X.ndim != 2 or X.shape[1] != nin:
        raise ValueError(f"predict_numpy: the model expects inputs of length {nin}, got X of shape {X.shape}")
    finite = np.isfinite(X).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise ValueError(f"predict_numpy: row {row} of X holds {X[row].tolist()}: Value data must be finite")
    return X


def predict_numpy(model: MLP | Layer | Neuron, X: Any) -> np.ndarray:
    """The model's outputs for every row of X, computed with NumPy.

    Refuses what the scalar forward refuses: a non-finite input (ValueError) and a layer
    whose w . x + b overflows (OverflowError), naming the row.

    Args:
        model: an MLP, Layer or Neuron.
        X: array-like of shape (n_samples, nin) (or one sample of shape (nin,)).
    Returns:
        float array of shape (n_samples, n_outputs).
    Raises:
        TypeError: an unsupported model. ValueError: X of the wrong width, or not finite.
        OverflowError: a pre-activation overflowed.
    """
    layers = _dense_layers(model)
    out = _as_matrix(X, model.nin)
    for i, (neurons, activation) in enumerate(layers):
        W, b = _arrays(neurons)
        with np.errstate(over="ignore", invalid="ignore"):
            z = out @ W.T + b
        finite = np.isfinite(z).all(axis=1)
        if not finite.all():
            row = int(np.flatnonzero(~finite)[0])
            raise OverflowError(
                f"predict_numpy: layer {i} overflowed for row {row} of X (w . x + b = {z[row].tolist()}), "
                "as the scalar forward's dot would"
            )
        out = get_numpy_activation(activation)(z)
    return out
