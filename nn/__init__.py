"""nn: neurons, layers and MLPs built from autodiff Values, with losses, optimizers and training.

Example:
    >>> import nn
    >>> X, y = nn.datasets.xor()
    >>> model = nn.MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=0)
    >>> opt = nn.optim.Adam(model.parameters(), lr=0.1)
    >>> history = nn.fit(model, X, y, "binary_cross_entropy", opt, epochs=3, progress=False)
    >>> len(history.loss)
    3
"""

from __future__ import annotations

from typing import Any

from . import activations, datasets, init, losses, optim
from . import sklearn as _estimators  # registers the estimators' save/load kinds; scikit-learn loads on first use
from ._checks import MAX_PARAMETERS
from .inference import predict_numpy, weight_matrices
from .layers import MLP, Layer, Neuron
from .module import Module, Parameter
from .optim import SGD, Adam, LinearLR, StepLR
from .serialization import load, register_kind, save
from .torch_bridge import from_torch, to_torch
from .training import History, TrainingDiverged, fit

__all__ = [
    "Parameter",
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "activations",
    "init",
    "losses",
    "optim",
    "datasets",
    "SGD",
    "Adam",
    "StepLR",
    "LinearLR",
    "fit",
    "History",
    "TrainingDiverged",
    "save",
    "load",
    "register_kind",
    "predict_numpy",
    "weight_matrices",
    "MAX_PARAMETERS",
    "MLPClassifier",
    "MLPRegressor",
    "to_torch",
    "from_torch",
]


def __getattr__(name: str) -> Any:
    # nn.MLPClassifier / nn.MLPRegressor need scikit-learn: imported on first use (ImportError naming the extra)
    if name in ("MLPClassifier", "MLPRegressor"):
        return getattr(_estimators, name)
    raise AttributeError(f"module 'nn' has no attribute {name!r}")
