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

import numpy as np

from .activations import get_numpy_activation
from .layers import MLP, Layer, Neuron

__all__ = ["predict_numpy", "layer_arrays"]


def layer_arrays(layer) -> tuple[np.ndarray, np.ndarray]:
    """A Layer's weights as (W, b): W of shape (nout, nin), b of shape (nout,)."""
    W = np.array([[w.data for w in n.w] for n in layer.neurons], dtype=float)
    b = np.array([n.b.data for n in layer.neurons], dtype=float)
    return W, b


def _as_matrix(X, nin) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X.reshape(1, -1)
    if X.ndim != 2 or X.shape[1] != nin:
        raise ValueError(f"predict_numpy: the model expects inputs of length {nin}, got X of shape {X.shape}")
    return X


def _forward(X, W, b, activation):
    return get_numpy_activation(activation)(X @ W.T + b)


def predict_numpy(model, X) -> np.ndarray:
    """The model's outputs for every row of X, computed with NumPy.

    Args:
        model: an MLP, Layer or Neuron.
        X: array-like of shape (n_samples, nin) (or one sample of shape (nin,)).
    Returns:
        float array of shape (n_samples, n_outputs).
    Raises:
        TypeError: an unsupported model. ValueError: X of the wrong width.
    """
    if isinstance(model, MLP):
        out = _as_matrix(X, model.nin)
        for layer in model.layers:
            out = _forward(out, *layer_arrays(layer), layer.activation)
        return out
    if isinstance(model, Layer):
        return _forward(_as_matrix(X, model.nin), *layer_arrays(model), model.activation)
    if isinstance(model, Neuron):
        W = np.array([[w.data for w in model.w]], dtype=float)
        return _forward(_as_matrix(X, model.nin), W, np.array([model.b.data]), model.activation)
    raise TypeError(f"predict_numpy supports MLP, Layer and Neuron, got {type(model).__name__}")
