"""The estimators' network: scikit-learn's layout of weights, our engine for loss and gradients.

scikit-learn keeps an MLP as ``coefs_`` (one (fan_in, fan_out) matrix per
layer) and ``intercepts_`` (one vector per layer). ``Network`` holds the same
layers as an ``nn.MLP`` (linear output units: logits, raw scores); it loads
those arrays into the MLP's Parameters, builds the training loss of a batch
with ``nn.losses`` and differentiates it with autodiff's ``backward``. No
scikit-learn here: ``loss_and_gradients`` is the one place a faster engine
plugs in.

The loss is scikit-learn's, term by term (its ``_backprop``): the per-sample
loss of the output units, weighted by sample_weight and divided by the sum
of the weights, plus ``alpha / 2 * sum(W**2) / sum of the weights`` on the
weight matrices only. The per-sample losses are the canonical pairs whose
gradient with respect to the raw output z is ``out(z) - y``:

- "squared_error": ``0.5 * sum_k (z_k - y_k)**2`` (identity output),
- "poisson": ``sum_k exp(z_k) - y_k z_k + xlogy(y_k, y_k) - y_k`` (exp output),
- "log_loss" with softmax: ``logsumexp(z) - z_y``,
- "binary_log_loss" (logistic outputs, binary and multilabel):
  ``sum_k softplus(z_k) - y_k z_k``.

scikit-learn reports (``loss_curve_``, ``loss_``, and what L-BFGS
minimizes) the mean over the outputs for squared error, and for the log
losses the value computed from probabilities clipped to [eps, 1 - eps]
(which L-BFGS's line search then sees); ``loss_and_gradients`` returns that
reported value and the gradients of the value above, as scikit-learn does.

Example:
    >>> import numpy as np
    >>> net = Network([2, 3, 1], "tanh")
    >>> coefs = [np.full((2, 3), 0.1), np.full((3, 1), 0.2)]
    >>> intercepts = [np.zeros(3), np.zeros(1)]
    >>> loss, coef_grads, intercept_grads = net.loss_and_gradients(
    ...     coefs, intercepts, np.ones((4, 2)), np.ones((4, 1)), None, "squared_error", 0.0)
    >>> [g.shape for g in coef_grads]
    [(2, 3), (3, 1)]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from scipy.special import expit, xlogy

import autodiff

from .. import losses
from ..activations import get_numpy_activation
from ..engine import CompiledLoss, compile_loss
from ..layers import MLP

__all__ = ["Network", "NN_ACTIVATIONS", "OUTPUT_LOSS", "forward"]

# scikit-learn's activation names -> nn's
NN_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}

# the output activation that goes with each loss (scikit-learn's out_activation_)
OUTPUT_LOSS = {"identity": "squared_error", "exp": "poisson", "softmax": "log_loss", "logistic": "binary_log_loss"}


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _clipped_log_loss(Y: np.ndarray, Z: np.ndarray, weights: np.ndarray | None) -> float:
    """scikit-learn's log_loss of softmax(Z): probabilities clipped to [eps, 1 - eps]."""
    P = np.clip(_softmax(Z), _EPS, 1 - _EPS)
    return float(-np.average(xlogy(Y, P), weights=weights, axis=0).sum())


def _clipped_binary_log_loss(Y: np.ndarray, Z: np.ndarray, weights: np.ndarray | None) -> float:
    """scikit-learn's binary_log_loss of expit(Z): probabilities clipped to [eps, 1 - eps]."""
    P = np.clip(expit(Z), _EPS, 1 - _EPS)
    return float(-np.average(xlogy(Y, P) + xlogy(1 - Y, 1 - P), weights=weights, axis=0).sum())


_EPS = np.finfo(np.float64).eps
_CLIPPED = {"log_loss": _clipped_log_loss, "binary_log_loss": _clipped_binary_log_loss}

_OUTPUTS = {"identity": lambda z: z, "exp": np.exp, "softmax": _softmax, "logistic": expit}


def forward(
    coefs: list[np.ndarray], intercepts: list[np.ndarray], X: np.ndarray, activation: str, out_activation: str
) -> np.ndarray:
    """The network's output for every row of X, with NumPy (no graph): what predict uses.

    Args:
        coefs, intercepts: scikit-learn's weight layout.
        X: float array (n_samples, n_features).
        activation: hidden activation, scikit-learn's name.
        out_activation: "identity", "exp", "softmax" or "logistic".
    Returns:
        float array (n_samples, n_outputs).
    """
    hidden = get_numpy_activation(NN_ACTIVATIONS[activation])
    out = X
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        out = out @ W + b
        if i < len(coefs) - 1:
            out = hidden(out)
    return _OUTPUTS[out_activation](out)


def _flat(coefs: Sequence[np.ndarray], intercepts: Sequence[np.ndarray]) -> np.ndarray:
    """scikit-learn's arrays in the MLP's parameter order: per layer, per neuron its weights, then its bias."""
    return np.concatenate([np.column_stack([np.asarray(W).T, b]).ravel() for W, b in zip(coefs, intercepts)])


def _unflat(theta: np.ndarray, layer_units: Sequence[int]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``_flat`` undone: (coefs, intercepts) from an array in the MLP's parameter order."""
    coefs, intercepts, start = [], [], 0
    for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
        block = theta[start : start + fan_out * (fan_in + 1)].reshape(fan_out, fan_in + 1)
        coefs.append(block[:, :-1].T.copy())
        intercepts.append(block[:, -1].copy())
        start += fan_out * (fan_in + 1)
    return coefs, intercepts


def _penalty(weights: list) -> autodiff.Compiled:
    """c * sum(w**2) over ``weights``, traced once (c is its one input: it changes with the batch)."""
    return autodiff.compile(lambda c: c * losses.l2(weights), n_inputs=1, backend="numpy")


class Network:
    """An ``nn.MLP`` with linear outputs that reads and writes scikit-learn's ``coefs_``/``intercepts_``.

    Args:
        layer_units: [n_features, *hidden sizes, n_outputs].
        activation: hidden activation, scikit-learn's name ("identity", "logistic", "tanh", "relu").
    """

    def __init__(self, layer_units: Sequence[int], activation: str) -> None:
        self.layer_units = [int(n) for n in layer_units]
        self.mlp = MLP(layer_units[0], list(layer_units[1:]), NN_ACTIVATIONS[activation], "linear", seed=0)
        self._weights = [w for layer in self.mlp.layers for neuron in layer.neurons for w in neuron.w]
        self._compiled: dict[str, CompiledLoss | None] = {}  # per loss: the per-sample loss traced once
        self._penalty = _penalty(self._weights)
        self._penalty_at: dict[int, slice | np.ndarray] = {}  # per compiled loss (by id): the weights in its arrays

    def __getstate__(self) -> dict:
        # The traces hold generated code, which does not pickle; they are made again when unpickled.
        dropped = ("_compiled", "_penalty", "_penalty_at")
        return {key: value for key, value in self.__dict__.items() if key not in dropped}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _compiled={}, _penalty=_penalty(state["_weights"]), _penalty_at={})

    def _compiled_loss(self, loss: str, X: np.ndarray, Y: np.ndarray) -> CompiledLoss | None:
        """The per-sample loss of ``loss`` compiled (nn.engine), or None: then the scalar engine."""
        if loss not in self._compiled:

            def sample_loss(outputs: list, targets: list) -> autodiff.Value:
                return self._sample_loss(outputs[0], targets[0], loss)

            with warnings.catch_warnings():  # the scalar engine is the fallback, said in no warning here
                warnings.simplefilter("ignore", RuntimeWarning)
                self._compiled[loss] = compile_loss(self.mlp, sample_loss, X, Y, "auto")
        return self._compiled[loss]

    def set_weights(self, coefs: Sequence[np.ndarray], intercepts: Sequence[np.ndarray]) -> None:
        """Copy scikit-learn's arrays into the MLP's Parameters."""
        for layer, W, b in zip(self.mlp.layers, coefs, intercepts):
            for neuron, column, bias in zip(layer.neurons, np.asarray(W).T.tolist(), np.asarray(b).tolist()):
                for p, value in zip(neuron.w, column):
                    p.data = value
                neuron.b.data = bias

    def gradients(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The Parameters' gradients, laid out like (coefs, intercepts)."""
        coefs: list[np.ndarray] = []
        intercepts: list[np.ndarray] = []
        for layer in self.mlp.layers:
            coefs.append(np.array([[w.grad for w in n.w] for n in layer.neurons], dtype=float).T)
            intercepts.append(np.array([n.b.grad for n in layer.neurons], dtype=float))
        return coefs, intercepts

    def loss_and_gradients(
        self,
        coefs: Sequence[np.ndarray],
        intercepts: Sequence[np.ndarray],
        X: np.ndarray,
        Y: np.ndarray,
        sample_weight: np.ndarray | None,
        loss: str,
        alpha: float,
    ) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """scikit-learn's batch loss and its gradients, computed by the engine.

        Args:
            coefs, intercepts: the current weights (scikit-learn's layout).
            X: float array (n_samples, n_features). Y: float array (n_samples, n_outputs)
                (one-hot or 0/1 indicator rows for the classifier).
            sample_weight: None or a float array (n_samples,).
            loss: "squared_error", "poisson", "log_loss" (softmax) or "binary_log_loss".
            alpha: the L2 strength.
        Returns:
            (reported loss as a float, coef_grads, intercept_grads).
        """
        n = len(X)
        weights = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        sw_sum = float(weights.sum())
        compiled = self._compiled_loss(loss, X, Y)
        c = [[0.5 * alpha / sw_sum]]  # the penalty c * sum(W**2) on the weight matrices only
        penalty = 0.0
        if compiled is not None:  # the per-sample loss replayed over the batch (nn.engine), on arrays
            theta = _flat(coefs, intercepts)
            data, Z, grads = compiled.gradient(X, Y, theta, row_weights=weights / sw_sum)
            if alpha:
                where = self._penalty_positions(compiled)
                value, penalty_grads = self._penalty.value_and_grad(c, params=theta[where])
                grads[where] += penalty_grads
                penalty = float(value[0])
            coef_grads, intercept_grads = _unflat(grads, self.layer_units)
        else:  # the scalar engine: one graph for the batch, on the MLP's Values
            self.set_weights(coefs, intercepts)
            self.mlp.zero_grad()
            outputs = [self.mlp(row) for row in X.tolist()]
            terms = [self._sample_loss(out, y, loss) for out, y in zip(outputs, Y.tolist())]
            data_node = autodiff.dot(terms, (weights / sw_sum).tolist())
            data_node.backward()
            data, Z = data_node.data, np.array([[z.data for z in out] for out in outputs])
            if alpha:
                penalty = float(self._penalty.backward(c)[0])
            coef_grads, intercept_grads = self.gradients()
        if loss == "squared_error":  # scikit-learn reports the mean over outputs of what it differentiates
            return data / Y.shape[1] + penalty, coef_grads, intercept_grads
        if loss in _CLIPPED:  # scikit-learn's value clips probabilities to [eps, 1 - eps]; L-BFGS sees it
            return _CLIPPED[loss](Y, Z, weights) + penalty, coef_grads, intercept_grads
        return data + penalty, coef_grads, intercept_grads

    def _penalty_positions(self, compiled: CompiledLoss) -> slice | np.ndarray:
        """Where the penalty's parameters (the weights) are in the compiled loss's arrays (found once)."""
        if id(compiled) not in self._penalty_at:
            self._penalty.prepare([[1.0]])  # traced (on its one input), so its parameters are known
            self._penalty_at[id(compiled)] = compiled.vector.positions(self._penalty.params)
        return self._penalty_at[id(compiled)]

    @staticmethod
    def _sample_loss(out: list[autodiff.Value], y: list[float], loss: str) -> autodiff.Value:
        """One sample's loss term (see the module docstring), a Value."""
        k = len(out)
        if loss == "squared_error":
            return (0.5 * k) * losses.mse(out, y)
        if loss == "log_loss":
            return losses.cross_entropy(out, y.index(1.0))
        if loss == "binary_log_loss":
            return k * losses.binary_cross_entropy_with_logits(out, y)
        constant = float(np.sum(xlogy(y, y) - np.asarray(y)))  # makes the value scikit-learn's half deviance
        return autodiff.sum([z.exp() - t * z for z, t in zip(out, y)]) + constant
