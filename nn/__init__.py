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

from . import activations, datasets, init, losses, optim
from .estimators import MLPClassifier, MLPRegressor  # registers their save/load kinds
from .inference import predict_numpy
from .layers import MLP, Layer, Neuron
from .module import Module, Parameter
from .optim import SGD, Adam, LinearLR, StepLR
from .serialization import load, register_kind, save
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
    "MLPClassifier",
    "MLPRegressor",
]
