"""MLPRegressor: scikit-learn's MLPRegressor, trained by chaingrad's engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ..datasets import RandomStateLike
from ._params import DOC_PARAMS
from .base import BaseMLP

__all__ = ["MLPRegressor"]


class MLPRegressor(RegressorMixin, BaseMLP):
    __doc__ = (
        """A multi-layer perceptron regressor: scikit-learn's, step for step, with the loss and gradients
    from chaingrad's autodiff engine.

    loss="squared_error" (identity output; the loss is half the mean squared
    error) or "poisson" (exp output, half the Poisson deviance; y >= 0). y
    may be 1-D or 2-D (several targets); score is R^2. For the same arguments
    and random_state the fitted coefs_, intercepts_, loss_curve_ and n_iter_
    equal ``sklearn.neural_network.MLPRegressor``'s (to rounding).
    """
        + DOC_PARAMS.replace(
            "    Args:\n",
            '    Args:\n        loss: "squared_error" or "poisson" (the first parameter, as in scikit-learn).\n',
            1,
        )
        + """
    Example:
        >>> from nn import MLPRegressor
        >>> X = [[x / 10] for x in range(-10, 11)]
        >>> y = [2 * row[0] + 1 for row in X]
        >>> reg = MLPRegressor(hidden_layer_sizes=(4,), activation="identity", solver="lbfgs",
        ...                    random_state=0).fit(X, y)
        >>> reg.score(X, y) > 0.99
        True
    """
    )

    _parameter_constraints: dict[str, list[Any]] = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss: str = "squared_error",
        hidden_layer_sizes: int | Sequence[int] | np.ndarray = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: RandomStateLike = None,
        tol: float = 1e-4,
        verbose: int = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: float = 10,
        max_fun: int = 15000,
    ) -> None:
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool) -> tuple[np.ndarray, np.ndarray]:
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=np.float64, reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(f"loss='poisson' needs targets y >= 0, got a minimum of {np.min(y)!r}")
        return X, y

    def _output_activation(self) -> str:
        return "exp" if self.loss == "poisson" else "identity"

    def _validation_targets(self, y: np.ndarray) -> np.ndarray:
        return y

    def _score(self, X: np.ndarray, y: Any, sample_weight: Any = None) -> float:
        return self._score_with_function(X, y, sample_weight, r2_score)

    def _predict(self, X: Any, check_input: bool = True) -> np.ndarray:
        y_pred = self._forward_pass_fast(X, check_input=check_input)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred

    def predict(self, X: Any) -> np.ndarray:
        """Predictions: shape (n_samples,) for one target, (n_samples, n_targets) for several."""
        check_is_fitted(self)
        return self._predict(X)

    @available_if(lambda est: est._check_solver())
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> MLPRegressor:
        """One epoch on (X, y), keeping the weights and the optimizer. Returns self."""
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
