"""What MLPClassifier and MLPRegressor share: scikit-learn's MLP algorithm, step for step.

The estimators are scikit-learn estimators (``BaseEstimator``, its
parameter constraints, ``validate_data``, ``check_is_fitted``,
``check_random_state``); the training follows scikit-learn's MLP rule for
rule, so that for the same arguments and ``random_state`` the fitted
``coefs_``, ``intercepts_``, ``loss_curve_`` and ``n_iter_`` are
scikit-learn's (to rounding):

- initial weights: Glorot uniform, bound sqrt(6 / (fan_in + fan_out))
  (2 instead of 6 for logistic units), intercepts from the same uniform,
  drawn layer by layer from ``check_random_state(random_state)``;
- "sgd" and "adam" (``nn.sklearn.optimizers``): mini-batches of
  ``batch_size`` ("auto" = min(200, n)) in an order reshuffled every epoch
  from the same RandomState; the epoch loss is the batch losses weighted by
  batch size; ``tol`` / ``n_iter_no_change`` stop (or, "adaptive", divide
  the learning rate); ``early_stopping`` splits off ``validation_fraction``
  with ``nn.datasets.train_test_split`` (scikit-learn's split, same draws)
  and keeps the best weights;
- "lbfgs": ``scipy.optimize.minimize(method="L-BFGS-B")`` on the packed
  weights, ``maxiter=max_iter``, ``maxfun=max_fun``, ``gtol=tol``.

"To rounding": our sums run in another order than NumPy's matrix products,
so each gradient differs from scikit-learn's in the last bits. SGD and Adam
keep that at ~1e-15 over hundreds of epochs; L-BFGS can amplify it (on
scaled iris with 8 hidden units: 1e-12 after 25 iterations, 5e-7 after 50,
then different but equally good weights), so long L-BFGS runs match in
score, not digit for digit.

The loss and its gradients come from our engine, through ONE method,
``_loss_and_gradients(X, y, sample_weight)`` (``nn.sklearn.network``): the
forward pass and backward of an ``nn.MLP``, never a hand-written backprop.
Predictions use the same weights in NumPy (no graph).
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from numbers import Integral, Real
from typing import Any, TypeVar

import numpy as np
import scipy.optimize
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ..datasets import RandomStateLike, train_test_split
from ..layers import MLP
from ..training import TrainingDiverged
from .network import OUTPUT_LOSS, Network, forward
from .optimizers import SGD, Adam

__all__ = ["BaseMLP", "SolverDiverged"]


class SolverDiverged(TrainingDiverged, ValueError):
    """Training met numbers too large for a float (the weights would not be finite).

    An ``nn.TrainingDiverged`` and a ValueError (what scikit-learn raises for
    non-finite weights). The estimator is left as it was before the call.
    """


_STOCHASTIC_SOLVERS = ("sgd", "adam")

_Est = TypeVar("_Est", bound="BaseMLP")  # fit and partial_fit return the estimator they are called on


def _pack(coefs: list[np.ndarray], intercepts: list[np.ndarray]) -> np.ndarray:
    """All weights as one vector: the coefs, then the intercepts (scikit-learn's order, for L-BFGS)."""
    return np.hstack([a.ravel() for a in coefs + intercepts])


def _shuffled(indices: np.ndarray, random_state: np.random.RandomState | np.random.Generator) -> np.ndarray:
    """``indices`` in a random order drawn as ``sklearn.utils.shuffle`` draws it (also from a Generator)."""
    order = np.arange(len(indices))
    random_state.shuffle(order)
    return indices[order]


def _random_state(random_state: RandomStateLike) -> np.random.RandomState | np.random.Generator:
    """scikit-learn's ``check_random_state``; a numpy Generator is used as is (its own stream)."""
    return random_state if isinstance(random_state, np.random.Generator) else check_random_state(random_state)


def _lbfgs_iterations(result: Any, max_iter: int) -> int:
    """L-BFGS iterations done (at most max_iter); a ConvergenceWarning if it did not converge."""
    n_iter = min(result.nit, max_iter)
    if result.status != 0:
        warnings.warn(
            f"lbfgs failed to converge after {n_iter} iteration(s) (status={result.status}):\n{result.message}\n"
            "Increase the number of iterations (max_iter) or scale the data.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return n_iter


class BaseMLP(BaseEstimator):
    """The shared estimator. Subclasses supply ``_validate_input``, ``_output_activation``,
    ``_validation_targets`` and ``_score``."""

    _parameter_constraints: dict[str, list[Any]] = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state", np.random.Generator],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
    }

    # ------------------------------------------------------------ the engine's one entry point
    def _loss_and_gradients(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None
    ) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """scikit-learn's loss of the batch (X, y) at the current weights and its gradients, from our engine.

        Args:
            X: float array (n, n_features). y: float array (n, n_outputs), encoded targets.
            sample_weight: None or float array (n,).
        Returns:
            (loss, coef_grads, intercept_grads), laid out like coefs_ and intercepts_.
        """
        layer_units = [self.coefs_[0].shape[0], *(b.size for b in self.intercepts_)]
        network = getattr(self, "_network", None)
        if network is None or network.layer_units != layer_units:
            network = self._network = Network(layer_units, self.activation)
        loss_name = OUTPUT_LOSS[self.out_activation_]
        return network.loss_and_gradients(self.coefs_, self.intercepts_, X, y, sample_weight, loss_name, self.alpha)

    # ------------------------------------------------------------ fit
    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if any(not isinstance(s, Integral) or isinstance(s, bool) or s <= 0 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be positive ints, got {self.hidden_layer_sizes!r}.")
        return [int(s) for s in sizes]

    def _fit(self: _Est, X: Any, y: Any, sample_weight: Any = None, incremental: bool = False) -> _Est:
        """fit and partial_fit: on any error the estimator is left exactly as it was."""
        saved = self._snapshot()
        try:
            return self._fit_unsafe(X, y, sample_weight, incremental)
        except Exception as error:
            self._restore(saved)
            if isinstance(error, ArithmeticError):
                raise SolverDiverged(
                    f"{self.solver} diverged: {error}. Scale the data or lower the learning rate."
                ) from error
            raise

    def _fit_unsafe(self: _Est, X: Any, y: Any, sample_weight: Any, incremental: bool) -> _Est:
        hidden = self._hidden_sizes()
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, y = self._validate_input(X, y, incremental, reset=first_pass)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        y = np.asarray(y, dtype=float).reshape(len(y), -1)
        layer_units = [X.shape[1], *hidden, y.shape[1]]
        if not first_pass:
            self._check_layers(layer_units)
        self.n_outputs_ = y.shape[1]
        self._random_state = _random_state(self.random_state)
        if first_pass:
            self._initialize(y, layer_units)
        self._run_solver(X, y, sample_weight, incremental)
        return self

    def _run_solver(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None, incremental: bool) -> None:
        if self.solver in _STOCHASTIC_SOLVERS:
            self._fit_stochastic(X, y, sample_weight, incremental)
        else:
            self._fit_lbfgs(X, y, sample_weight)
        if not all(np.isfinite(w).all() for w in self.coefs_ + self.intercepts_):
            raise FloatingPointError(
                "Solver produced non-finite parameter weights. The input data may contain large values and "
                "need to be preprocessed."
            )

    def _snapshot(self) -> dict[str, Any]:
        """The estimator's state as it is, to put back if training fails; training goes on on copies."""
        saved = {k: v for k, v in self.__dict__.items() if k != "_network"}
        params = self.get_params(deep=False)
        for k, v in saved.items():
            if k not in params:
                setattr(self, k, copy.deepcopy(v))
        return saved

    def _restore(self, saved: dict[str, Any]) -> None:
        self.__dict__.clear()
        self.__dict__.update(saved)

    def _check_layers(self, layer_units: list[int]) -> None:
        """warm_start / partial_fit: the data must fit the network already there."""
        current = [self.coefs_[0].shape[0], *(b.size for b in self.intercepts_)]
        if current != layer_units:
            raise ValueError(
                f"The fitted network has layer sizes {current}, but these data and hidden_layer_sizes "
                f"need {layer_units}; fit without warm_start to start over."
            )

    def _initialize(self, y: np.ndarray, layer_units: list[int]) -> None:
        """A cold start: scikit-learn's initial weights and empty training records."""
        self.n_iter_ = 0
        self.t_ = 0
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._output_activation()
        self.coefs_, self.intercepts_ = [], []
        for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
            coef, intercept = self._init_coef(fan_in, fan_out)
            self.coefs_.append(coef)
            self.intercepts_.append(intercept)
        self._best_coefs = [c.copy() for c in self.coefs_]
        self._best_intercepts = [i.copy() for i in self.intercepts_]
        if self.solver in _STOCHASTIC_SOLVERS:
            self.loss_curve_: list[float] = []
            self._no_improvement_count = 0
            # scikit-learn's convention: the record that early stopping does not keep is None
            self.validation_scores_: Any = [] if self.early_stopping else None
            self.best_validation_score_: Any = -np.inf if self.early_stopping else None
            self.best_loss_: Any = None if self.early_stopping else np.inf

    def _init_coef(self, fan_in: int, fan_out: int) -> tuple[np.ndarray, np.ndarray]:
        """Glorot uniform weights and intercepts of one layer, drawn as scikit-learn draws them."""
        factor = 2.0 if self.activation == "logistic" else 6.0
        bound = np.sqrt(factor / (fan_in + fan_out))
        coef = self._random_state.uniform(-bound, bound, (fan_in, fan_out))
        intercept = self._random_state.uniform(-bound, bound, fan_out)
        return coef, intercept

    # ------------------------------------------------------------ L-BFGS
    def _fit_lbfgs(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None) -> None:
        result = scipy.optimize.minimize(
            self._packed_loss_and_gradient,
            _pack(self.coefs_, self.intercepts_),
            method="L-BFGS-B",
            jac=True,
            options={"maxfun": self.max_fun, "maxiter": self.max_iter, "gtol": self.tol},
            args=(X, y, sample_weight),
        )
        self.n_iter_ = _lbfgs_iterations(result, self.max_iter)
        self.loss_ = result.fun
        self._unpack(result.x)

    def _packed_loss_and_gradient(
        self, packed: np.ndarray, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None
    ) -> tuple[float, np.ndarray]:
        self._unpack(packed)
        loss, coef_grads, intercept_grads = self._loss_and_gradients(X, y, sample_weight)
        return loss, _pack(coef_grads, intercept_grads)

    def _unpack(self, packed: np.ndarray) -> None:
        start = 0
        for arrays in (self.coefs_, self.intercepts_):
            for i, a in enumerate(arrays):
                arrays[i] = np.reshape(packed[start : start + a.size], a.shape)
                start += a.size

    # ------------------------------------------------------------ SGD / Adam
    def _make_optimizer(self, params: list[np.ndarray]) -> SGD | Adam:
        if self.solver == "sgd":
            return SGD(
                params,
                self.learning_rate_init,
                self.learning_rate,
                self.momentum,
                self.nesterovs_momentum,
                self.power_t,
            )
        return Adam(params, self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon)

    def _fit_stochastic(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None, incremental: bool
    ) -> None:
        params = self.coefs_ + self.intercepts_
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer(params)
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        train, validation = self._validation_split(X, y, sample_weight)
        batch_size = self._batch_size(len(train[0]))
        sample_idx = np.arange(len(train[0]), dtype=int)
        try:
            self.n_iter_ = 0
            for _ in range(self.max_iter):
                sample_idx = self._run_epoch(train, sample_idx, batch_size, params)
                if self._end_epoch(validation) or incremental:
                    break
                if self.n_iter_ == self.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                        "optimization hasn't converged yet.",
                        ConvergenceWarning,
                        stacklevel=4,
                    )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=4)
        if self.early_stopping:  # back to the best weights seen
            self.coefs_, self.intercepts_ = self._best_coefs, self._best_intercepts

    def _validation_split(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None
    ) -> tuple[tuple[Any, ...], tuple[Any, ...] | None]:
        """((X, y, sample_weight) to train on, (X, y, sample_weight) to validate on or None)."""
        if not self.early_stopping:
            return (X, y, sample_weight), None
        stratify = y if self._stratify_validation() else None  # scikit-learn's rule: binary only
        arrays = (X, y) if sample_weight is None else (X, y, sample_weight)
        parts: list[Any] = train_test_split(
            *arrays, random_state=self._random_state, test_size=self.validation_fraction, stratify=stratify
        )
        train, val = parts[0::2], parts[1::2]
        if len(val[0]) < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size of your dataset."
            )
        if sample_weight is None:
            train, val = [*train, None], [*val, None]
        return tuple(train), (val[0], self._validation_targets(val[1]), val[2])

    def _stratify_validation(self) -> bool:
        return False

    def _batch_size(self, n_samples: int) -> int:
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is going to be clipped", stacklevel=5
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _run_epoch(
        self, train: tuple[Any, ...], sample_idx: np.ndarray, batch_size: int, params: list[np.ndarray]
    ) -> np.ndarray:
        """One pass over the (reshuffled) training set; records the epoch loss. Returns the new order."""
        X, y, sample_weight = train
        if self.shuffle:
            sample_idx = _shuffled(sample_idx, self._random_state)
        accumulated_loss = 0.0
        for batch in gen_batches(len(X), batch_size):
            idx = sample_idx[batch] if self.shuffle else batch
            weights = None if sample_weight is None else sample_weight[idx]
            loss, coef_grads, intercept_grads = self._loss_and_gradients(X[idx], y[idx], weights)
            accumulated_loss += loss * (batch.stop - batch.start)
            self._optimizer.update_params(params, coef_grads + intercept_grads)
        self.n_iter_ += 1
        self.loss_ = accumulated_loss / len(X)
        self.t_ += len(X)
        self.loss_curve_.append(self.loss_)
        if self.verbose:
            print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
        return sample_idx

    def _end_epoch(self, validation: tuple[Any, ...] | None) -> bool:
        """The stopping rules after an epoch: True to stop."""
        self._update_no_improvement_count(validation)
        self._optimizer.iteration_ends(self.t_)
        if self._no_improvement_count <= self.n_iter_no_change:
            return False
        what = "Validation score" if self.early_stopping else "Training loss"
        msg = f"{what} did not improve more than tol={self.tol:f} for {self.n_iter_no_change} consecutive epochs."
        if self._optimizer.trigger_stopping(msg, self.verbose):
            return True
        self._no_improvement_count = 0
        return False

    def _update_no_improvement_count(self, validation: tuple[Any, ...] | None) -> None:
        if validation is None:
            if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])
            return
        score = self._score(*validation)
        self.validation_scores_.append(score)
        if self.verbose:
            print(f"Validation score: {score:f}")
        self._no_improvement_count = (
            self._no_improvement_count + 1 if score < self.best_validation_score_ + self.tol else 0
        )
        if score > self.best_validation_score_:
            self.best_validation_score_ = score
            self._best_coefs = [c.copy() for c in self.coefs_]
            self._best_intercepts = [i.copy() for i in self.intercepts_]

    def fit(self: _Est, X: Any, y: Any, sample_weight: Any = None) -> _Est:
        """Fit the network to X (n_samples, n_features) and y; ``sample_weight`` (n_samples,) optional. Returns self."""
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    def _check_solver(self) -> bool:
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers. {self.solver} is not stochastic."
            )
        return True

    # ------------------------------------------------------------ predict
    def _forward_pass_fast(self, X: Any, check_input: bool = True) -> np.ndarray:
        if check_input:
            X = validate_data(self, X, reset=False, dtype=np.float64)
        return forward(self.coefs_, self.intercepts_, X, self.activation, self.out_activation_)

    def _score_with_function(
        self, X: np.ndarray, y: Any, sample_weight: Any, score_function: Callable[..., float]
    ) -> float:
        y_pred = self._predict(X, check_input=False)
        if np.issubdtype(y_pred.dtype, np.floating) and not np.isfinite(y_pred).all():
            return np.nan
        return score_function(y, y_pred, sample_weight=sample_weight)

    # ------------------------------------------------------------ the network as nn and torch objects
    @property
    def model_(self) -> MLP:
        """The fitted network as an ``nn.MLP`` with linear outputs (logits; log-means for poisson): a fresh copy."""
        check_is_fitted(self)
        layer_units = [self.coefs_[0].shape[0], *(b.size for b in self.intercepts_)]
        network = Network(layer_units, self.activation)
        network.set_weights(self.coefs_, self.intercepts_)
        return network.mlp

    def to_torch(self, dtype: Any = None) -> Any:
        """The fitted network as a ``torch.nn.Sequential`` (``nn.to_torch(self.model_)``: raw outputs, float64)."""
        from ..torch_bridge import to_torch

        return to_torch(self.model_, dtype=dtype)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_network", None)  # rebuilt on demand; Values need not travel
        return state
