"""scikit-learn style estimators: ``MLPClassifier`` and ``MLPRegressor``.

A thin layer over the same pieces a user would put together by hand -- an
``nn.MLP``, a loss from ``nn.losses``, an optimizer from ``nn.optim`` and
``nn.fit`` -- dressed in scikit-learn's constructor keywords and fitted
attributes, so that scikit-learn's own tools (``clone``,
``cross_val_score``, ``GridSearchCV``, ``Pipeline``) work on them. There is
no second engine: training runs through autodiff Values; predictions use
``nn.predict_numpy`` on the same weights (fast, no graphs).

scikit-learn is NOT imported here (it is not a runtime dependency). The
scikit-learn protocol is implemented by hand: the constructor stores its
arguments unchanged and validates nothing, ``get_params`` reads the
``__init__`` signature, ``set_params`` rejects unknown names, the repr shows
the non-default parameters, and ``__sklearn_tags__`` (called only by
scikit-learn >= 1.6, which then is installed) builds scikit-learn's own
``Tags`` object so that ``is_classifier`` and stratified cross-validation
work. Older scikit-learn versions read ``_estimator_type``.

Example:
    >>> from nn import MLPClassifier
    >>> from nn.datasets import make_blobs
    >>> X, y = make_blobs(60, centers=[[-3, -3], [3, 3]], random_state=0)
    >>> clf = MLPClassifier(hidden_layer_sizes=(4,), learning_rate_init=0.05,
    ...                     max_iter=30, random_state=0).fit(X, y)
    >>> clf.score(X, y)
    1.0
"""

from __future__ import annotations

import copy
import inspect
import math
import numbers
import sys
import warnings

import numpy as np

from . import losses, optim
from .datasets import train_test_split
from .inference import predict_numpy
from .layers import MLP
from .serialization import register_kind
from .training import fit as _fit_model

__all__ = ["MLPClassifier", "MLPRegressor", "NotFittedError", "ConvergenceWarning", "DataConversionWarning"]


class _Compatible:
    """Pickles as the nn class, whatever scikit-learn twin ``_compatible`` made of it."""

    def __reduce__(self):
        base = next(c for c in type(self).__mro__ if c in (NotFittedError, ConvergenceWarning, DataConversionWarning))
        return _rebuild, (base, self.args)


def _rebuild(cls, args):
    return _compatible(cls)(*args)


class NotFittedError(_Compatible, ValueError, AttributeError):
    """Raised when a method that needs a fitted estimator is called before ``fit``.

    A ValueError and an AttributeError, like scikit-learn's: ``hasattr(est,
    "coefs_")`` is False on an unfitted estimator. When scikit-learn is
    loaded, the error raised is also an instance of scikit-learn's
    NotFittedError (see ``_compatible``).
    """


class ConvergenceWarning(_Compatible, UserWarning):
    """Training stopped at ``max_iter`` epochs before the loss settled (see ``tol``)."""


class DataConversionWarning(_Compatible, UserWarning):
    """y came as a column vector (n_samples, 1) where a 1-D array was expected; it was raveled."""


_COMPATIBLE = {}


def _compatible(cls):
    """``cls``, or, when scikit-learn is already imported, a subclass of ``cls`` and of scikit-learn's
    class of the same name, so that ``except``/``pytest.raises``/warning filters written with either
    class catch it. scikit-learn is never imported here."""
    sk_cls = getattr(sys.modules.get("sklearn.exceptions"), cls.__name__, None)
    if not isinstance(sk_cls, type) or issubclass(cls, sk_cls):
        return cls
    key = (cls, sk_cls)
    if key not in _COMPATIBLE:
        _COMPATIBLE[key] = type(
            cls.__name__,
            (cls, sk_cls),
            {"__module__": cls.__module__, "__doc__": cls.__doc__, "__qualname__": cls.__qualname__},
        )
    return _COMPATIBLE[key]


# scikit-learn's activation names -> nn's; nn's own names are accepted too.
_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}
_NN_ACTIVATIONS = ("linear", "sigmoid", "leaky_relu", "softplus")
_SOLVERS = ("sgd", "adam")
_LEARNING_RATES = ("constant", "invscaling", "adaptive")


# ---------------------------------------------------------------- small helpers
def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_scalar_nan(value) -> bool:
    return _is_real(value) and math.isnan(value)


def _check_X(X) -> np.ndarray:
    """X as a finite float array (n_samples, n_features); else a ValueError (TypeError for objects that are
    not numbers, as in scikit-learn) saying what is wrong."""
    if hasattr(X, "toarray") and hasattr(X, "nnz"):
        raise ValueError("sparse matrices are not supported; pass a dense array (X.toarray())")
    try:
        arr = np.asarray(X)
        if np.iscomplexobj(arr):
            raise ValueError("Complex data not supported: X must be real numbers")
        arr = arr.astype(float)
    except (TypeError, ValueError) as exc:  # keep the type (scikit-learn raises TypeError for a dict)
        raise type(exc)(f"X must be an array-like of real numbers: {exc}") from None
    if arr.ndim == 1:
        raise ValueError(
            f"Expected a 2-D array (n_samples, n_features), got a 1-D array of shape {arr.shape}. "
            "Reshape your data either using X.reshape(-1, 1) if it has a single feature or "
            "X.reshape(1, -1) if it contains a single sample."
        )
    if arr.ndim != 2:
        raise ValueError(f"Expected a 2-D array (n_samples, n_features), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"Found array with 0 sample(s) (shape={arr.shape}) while a minimum of 1 is required.")
    if arr.shape[1] == 0:
        raise ValueError(f"Found array with 0 feature(s) (shape={arr.shape}) while a minimum of 1 is required.")
    bad = ~np.isfinite(arr)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"X contains NaN or infinity ({int(bad.sum())} value(s), the first at "
            f"row {row}, column {col}: {arr[row, col]})"
        )
    return arr


def _seed_source(random_state) -> np.random.Generator:
    """scikit-learn's random_state (None, int, RandomState, Generator) -> a Generator for drawing seeds."""
    if random_state is None:
        return np.random.default_rng()
    if _is_int(random_state):
        if not 0 <= random_state < 2**32:
            raise ValueError(f"random_state must be an int in [0, 2**32), got {random_state}")
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31 - 1))
    if isinstance(random_state, np.random.Generator):
        return random_state
    raise ValueError(
        f"random_state must be None, an int, a numpy RandomState or a numpy Generator, got {random_state!r}"
    )


def _draw_seed(rng) -> int:
    return int(rng.integers(2**31 - 1))


def _stable_sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def _log_softmax(z):
    return z - np.logaddexp.reduce(z, axis=1, keepdims=True)


def _r2_score(y_true, y_pred, sample_weight=None) -> float:
    """Coefficient of determination, averaged uniformly over outputs (scikit-learn's r2_score)."""
    y_true = y_true.reshape(len(y_true), -1)
    y_pred = y_pred.reshape(len(y_pred), -1)
    w = np.ones(len(y_true)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    w = w[:, None]
    residual = (w * (y_true - y_pred) ** 2).sum(axis=0)
    mean = (w * y_true).sum(axis=0) / w.sum()
    total = (w * (y_true - mean) ** 2).sum(axis=0)
    scores = np.ones(y_true.shape[1])
    nonconstant = total != 0
    scores[nonconstant] = 1.0 - residual[nonconstant] / total[nonconstant]
    # a constant target: 1.0 if predicted exactly, else 0.0 (scikit-learn's force_finite)
    scores[~nonconstant & (residual != 0)] = 0.0
    return float(scores.mean())


def _check_sample_weight(sample_weight, n):
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=float)
    if w.shape != (n,):
        raise ValueError(f"sample_weight must have shape ({n},), got {w.shape}")
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise ValueError("sample_weight must be finite, non-negative and not all zero")
    return w


# ---------------------------------------------------------------- the shared base
class _BaseMLP:
    """What MLPClassifier and MLPRegressor share: the scikit-learn protocol and the training loop."""

    _estimator_type = None  # "classifier" / "regressor" (read by scikit-learn < 1.6)

    # ------------------------------------------------------------ scikit-learn protocol
    @classmethod
    def _get_param_names(cls) -> list:
        """The constructor's parameter names, sorted (scikit-learn's rule)."""
        init = cls.__init__
        if init is object.__init__:
            return []
        params = [
            p for p in inspect.signature(init).parameters.values() if p.name != "self" and p.kind != p.VAR_KEYWORD
        ]
        for p in params:
            if p.kind == p.VAR_POSITIONAL:
                raise RuntimeError(f"{cls.__name__}: estimators must not take *args in __init__")
        return sorted(p.name for p in params)

    def get_params(self, deep=True) -> dict:
        """The constructor parameters as a dict (scikit-learn's convention).

        Args:
            deep: also return the parameters of parameters that are
                estimators themselves, as ``name__subname`` (none here, but
                kept for the protocol).
        Returns:
            {parameter name: value}.
        """
        out = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{key}", val) for key, val in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params):
        """Set constructor parameters; unknown names -> ValueError. Returns self.

        Example:
            >>> from nn import MLPClassifier
            >>> MLPClassifier().set_params(alpha=0.1).alpha
            0.1
        """
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested = {}
        for key, value in params.items():
            name, delim, sub = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {sorted(self._get_param_names())!r}."
                )
            if delim:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def _changed_params(self) -> dict:
        defaults = {name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()}
        changed = {}
        for name in self._get_param_names():
            value, default = getattr(self, name), defaults[name]
            if value is default or (_is_scalar_nan(value) and _is_scalar_nan(default)):
                continue
            try:
                same = type(value) is type(default) and bool(value == default)
            except Exception:  # e.g. an array: ambiguous truth value
                same = False
            if not same and not (
                _is_real(value) and _is_real(default) and value == default and not isinstance(default, bool)
            ):
                changed[name] = value
        return changed

    def __repr__(self):
        args = ", ".join(f"{name}={value!r}" for name, value in self._changed_params().items())
        return f"{type(self).__name__}({args})"

    def __sklearn_tags__(self):
        # Called only by scikit-learn (>= 1.6), so importing it here adds no dependency.
        from sklearn.utils import ClassifierTags, InputTags, RegressorTags, Tags, TargetTags

        tags = Tags(
            estimator_type=self._estimator_type,
            target_tags=TargetTags(required=True),
            input_tags=InputTags(two_d_array=True, allow_nan=False, sparse=False),
        )
        if self._estimator_type == "classifier":
            tags.classifier_tags = ClassifierTags(multi_class=True, multi_label=False)
        else:
            tags.regressor_tags = RegressorTags()
            tags.target_tags.multi_output = True
        return tags

    def __sklearn_is_fitted__(self) -> bool:
        return getattr(self, "model_", None) is not None

    # pickle (joblib with n_jobs > 1, copy.deepcopy): the network travels as config + weights
    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_optimizer", None)
        state.pop("_weights", None)
        model = state.pop("model_", None)
        if model is not None:
            state["model_"] = {"config": model.config(), "state": model.state_dict()}
        return state

    def __setstate__(self, state):
        state = dict(state)
        model = state.pop("model_", None)
        self.__dict__.update(state)
        if model is not None:
            self._set_model(MLP(**model["config"]))
            self.model_.load_state_dict(model["state"])

    # ------------------------------------------------------------ fitted attributes
    def _check_is_fitted(self) -> None:
        if getattr(self, "model_", None) is None:
            raise _compatible(NotFittedError)(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' "
                "with appropriate arguments before using this estimator."
            )

    @property
    def coefs_(self) -> list:
        """Weight matrices, one per layer, shaped (n_in, n_out) like scikit-learn's (a fresh copy)."""
        self._check_is_fitted()
        return [
            np.array([[w.data for w in neuron.w] for neuron in layer.neurons]).T.copy() for layer in self.model_.layers
        ]

    @property
    def intercepts_(self) -> list:
        """Bias vectors, one per layer, shaped (n_out,) (a fresh copy)."""
        self._check_is_fitted()
        return [np.array([neuron.b.data for neuron in layer.neurons]) for layer in self.model_.layers]

    @property
    def n_layers_(self) -> int:
        """Number of layers counting the input layer (scikit-learn's count)."""
        self._check_is_fitted()
        return len(self.model_.layers) + 1

    @property
    def n_outputs_(self) -> int:
        """Number of output units."""
        self._check_is_fitted()
        return self.model_.nouts[-1]

    # ------------------------------------------------------------ validation
    def _hidden_sizes(self) -> list:
        sizes = self.hidden_layer_sizes
        if _is_int(sizes):
            sizes = [sizes]
        elif isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
            raise ValueError(f"hidden_layer_sizes must be an int or a sequence of ints, got {sizes!r}")
        sizes = list(sizes)
        for size in sizes:
            if not _is_int(size) or size < 1:
                raise ValueError(f"hidden_layer_sizes must contain positive ints, got {self.hidden_layer_sizes!r}")
        return [int(size) for size in sizes]

    def _nn_activation(self) -> str:
        name = self.activation
        if isinstance(name, str) and name in _ACTIVATIONS:
            return _ACTIVATIONS[name]
        if isinstance(name, str) and name in _NN_ACTIVATIONS:
            return name
        raise ValueError(
            f"activation must be one of {', '.join(map(repr, _ACTIVATIONS))} (scikit-learn's "
            f"names) or {', '.join(map(repr, _NN_ACTIVATIONS))} (nn's), got {name!r}"
        )

    def _validate_params(self) -> None:
        """Check every hyper-parameter (scikit-learn validates in fit, never in __init__)."""
        self._hidden_sizes()
        self._nn_activation()
        if self.solver not in _SOLVERS:
            extra = " ('lbfgs' is not supported by this pure-Python implementation)" if self.solver == "lbfgs" else ""
            raise ValueError(f"solver must be 'sgd' or 'adam', got {self.solver!r}{extra}")
        checks = [
            ("alpha", self.alpha, _is_real(self.alpha) and self.alpha >= 0, "a number >= 0"),
            (
                "learning_rate_init",
                self.learning_rate_init,
                _is_real(self.learning_rate_init) and self.learning_rate_init > 0,
                "a number > 0",
            ),
            ("power_t", self.power_t, _is_real(self.power_t) and self.power_t >= 0, "a number >= 0"),
            ("max_iter", self.max_iter, _is_int(self.max_iter) and self.max_iter >= 1, "an int >= 1"),
            ("tol", self.tol, _is_real(self.tol) and self.tol >= 0, "a number >= 0"),
            ("momentum", self.momentum, _is_real(self.momentum) and 0 <= self.momentum < 1, "a number in [0, 1)"),
            (
                "validation_fraction",
                self.validation_fraction,
                _is_real(self.validation_fraction) and 0 < self.validation_fraction < 1,
                "a number in (0, 1)",
            ),
            ("beta_1", self.beta_1, _is_real(self.beta_1) and 0 <= self.beta_1 < 1, "a number in [0, 1)"),
            ("beta_2", self.beta_2, _is_real(self.beta_2) and 0 <= self.beta_2 < 1, "a number in [0, 1)"),
            ("epsilon", self.epsilon, _is_real(self.epsilon) and self.epsilon > 0, "a number > 0"),
            (
                "n_iter_no_change",
                self.n_iter_no_change,
                _is_int(self.n_iter_no_change) and self.n_iter_no_change >= 1,
                "an int >= 1",
            ),
            ("max_fun", self.max_fun, _is_int(self.max_fun) and self.max_fun >= 1, "an int >= 1"),
        ]
        for name, value, ok, what in checks:
            if not ok:
                raise ValueError(f"{name} must be {what}, got {value!r}")
        if not (self.batch_size == "auto" or (_is_int(self.batch_size) and self.batch_size >= 1)):
            raise ValueError(f"batch_size must be 'auto' or an int >= 1, got {self.batch_size!r}")
        if self.learning_rate not in _LEARNING_RATES:
            raise ValueError(
                f"learning_rate must be one of {', '.join(map(repr, _LEARNING_RATES))}, got {self.learning_rate!r}"
            )
        for name in ("shuffle", "nesterovs_momentum", "early_stopping", "warm_start"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")
        rs = self.random_state
        if not (
            rs is None
            or isinstance(rs, (np.random.RandomState, np.random.Generator))
            or (_is_int(rs) and 0 <= rs < 2**32)
        ):
            raise ValueError(
                f"random_state must be None, an int in [0, 2**32), a numpy RandomState or a numpy Generator, got {rs!r}"
            )

    def _check_n_features(self, X) -> None:
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )

    def _validate_X(self, X) -> np.ndarray:
        """X for prediction: fitted estimator, finite 2-D floats with the fitted number of features."""
        self._check_is_fitted()
        X = _check_X(X)
        self._check_n_features(X)
        return X

    # ------------------------------------------------------------ the network
    def _set_model(self, model) -> None:
        self.model_ = model
        self._weights = [w for layer in model.layers for neuron in layer.neurons for w in neuron.w]

    def _make_optimizer(self):
        params = self.model_.parameters()
        if self.solver == "sgd":
            momentum = float(self.momentum)
            return optim.SGD(
                params,
                lr=float(self.learning_rate_init),
                momentum=momentum,
                nesterov=bool(self.nesterovs_momentum) and momentum > 0,
            )
        return optim.Adam(
            params,
            lr=float(self.learning_rate_init),
            betas=(float(self.beta_1), float(self.beta_2)),
            eps=float(self.epsilon),
        )

    def _initialize(self, n_features, n_outputs) -> None:
        """A fresh network, optimizer and training record (a cold start)."""
        self._rng = _seed_source(self.random_state)
        self.n_features_in_ = n_features
        model = MLP(
            n_features,
            self._hidden_sizes() + [n_outputs],
            activation=self._nn_activation(),
            output_activation="linear",
            seed=_draw_seed(self._rng),
        )
        self._set_model(model)
        self._optimizer = None
        self.loss_curve_ = []
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_ = None
        self.best_loss_ = np.inf
        self._no_improvement_count = 0
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _raw_output(self, X) -> np.ndarray:
        """The network's outputs (logits for the classifier) for validated X: (n_samples, n_outputs)."""
        return np.asarray(predict_numpy(self.model_, X), dtype=float).reshape(len(X), -1)

    def _loss_function(self):
        """The training loss of one batch: data loss + alpha/2 * sum(w**2) / batch size (scikit-learn's).

        Only weights are penalized, never biases, as in scikit-learn.
        """
        data_loss = self._data_loss
        alpha, weights = float(self.alpha), self._weights

        def loss(outputs, targets):
            value = data_loss(outputs, targets)
            if alpha:
                value = value + (0.5 * alpha / len(outputs)) * losses.l2(weights)
            return value

        return loss

    # ------------------------------------------------------------ training
    _RECORD = (
        "loss_curve_",
        "loss_",
        "best_loss_",
        "validation_scores_",
        "best_validation_score_",
        "n_iter_",
        "t_",
        "_no_improvement_count",
    )

    def _fit(self, X, targets, incremental, cold, score_targets):
        """Train on validated X and encoded targets; on an error, leave the estimator as it was.

        Args:
            X: (n, n_features) floats.
            targets: one training target per sample, in the form the data loss takes.
            incremental: True for partial_fit (one epoch, keep the optimizer).
            cold: the network was just initialized (an error then leaves the estimator unfitted).
            score_targets: what ``_score_encoded`` compares predictions with (early stopping).
        """
        weights = self.model_.state_dict()
        record = {name: copy.copy(getattr(self, name)) for name in self._RECORD}
        try:
            return self._train(X, targets, incremental, score_targets)
        except Exception:
            if cold:  # not fitted after all
                self.model_ = None
            else:  # back to the weights and records from before this call
                self.model_.load_state_dict(weights)
                self.__dict__.update(record)
            self._optimizer = None
            raise

    def _train(self, X, targets, incremental, score_targets):
        if self.early_stopping and self.validation_scores_ is None:  # switched on since the last fit
            self.validation_scores_, self.best_validation_score_ = [], -np.inf
        if not self.early_stopping and self.best_loss_ is None:  # switched off since the last fit
            self.best_loss_ = np.inf
        if not incremental:
            self._no_improvement_count = 0
        self.n_iter_ = 0  # epochs of this call (scikit-learn's count; partial_fit: 1)
        if getattr(self, "_optimizer", None) is None or not incremental:
            self._optimizer = self._make_optimizer()
        optimizer = self._optimizer

        X_val = y_val = None
        if self.early_stopping:
            stratify = score_targets if self._estimator_type == "classifier" else None
            indices = np.arange(len(X))
            try:
                train_idx, val_idx = train_test_split(
                    indices, test_size=self.validation_fraction, random_state=_draw_seed(self._rng), stratify=stratify
                )
            except ValueError as exc:
                raise ValueError(f"early_stopping: cannot split off a validation set: {exc}") from None
            if len(val_idx) < 2:
                raise ValueError(
                    "The validation set is too small. Increase 'validation_fraction' or the size of your dataset."
                )
            X_val, y_val = X[val_idx], score_targets[val_idx]
            X, targets = X[train_idx], [targets[i] for i in train_idx]
            best_state = self.model_.state_dict()

        n_samples = len(X)
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    f"batch_size={self.batch_size} is larger than the {n_samples} training samples; "
                    "it is clipped to the number of samples",
                    UserWarning,
                    stacklevel=4,
                )
            batch_size = min(int(self.batch_size), n_samples)

        stopped = False

        def end_of_epoch(epoch, history):
            nonlocal stopped, best_state
            loss = float(history.loss[-1])
            self.n_iter_ += 1
            self.t_ += n_samples
            self.loss_ = loss
            self.loss_curve_.append(loss)
            if self.verbose:
                print(f"Iteration {self.n_iter_}, loss = {loss:.8f}")
            if self.early_stopping:
                score = self._score_encoded(X_val, y_val)
                self.validation_scores_.append(score)
                if self.verbose:
                    print(f"Validation score: {score:f}")
                if score < self.best_validation_score_ + self.tol:
                    self._no_improvement_count += 1
                else:
                    self._no_improvement_count = 0
                if score > self.best_validation_score_:
                    self.best_validation_score_ = score
                    best_state = self.model_.state_dict()
            else:
                if loss > self.best_loss_ - self.tol:
                    self._no_improvement_count += 1
                else:
                    self._no_improvement_count = 0
                self.best_loss_ = min(self.best_loss_, loss)
            if self.solver == "sgd" and self.learning_rate == "invscaling":
                optimizer.lr = float(self.learning_rate_init) / (self.t_ + 1) ** float(self.power_t)
            if self._no_improvement_count > self.n_iter_no_change:
                what = "Validation score" if self.early_stopping else "Training loss"
                msg = (
                    f"{what} did not improve more than tol={self.tol:f} for {self.n_iter_no_change} consecutive epochs."
                )
                if self.solver == "sgd" and self.learning_rate == "adaptive" and optimizer.lr > 1e-6:
                    optimizer.lr /= 5.0
                    self._no_improvement_count = 0
                    if self.verbose:
                        print(f"{msg} Setting learning rate to {optimizer.lr:f}")
                else:
                    if self.verbose:
                        print(f"{msg} Stopping.")
                    stopped = True
                    return True
            return False

        epochs = 1 if incremental else int(self.max_iter)
        try:
            _fit_model(
                self.model_,
                X,
                targets,
                self._loss_function(),
                optimizer,
                epochs,
                batch_size=batch_size,
                shuffle=bool(self.shuffle),
                seed=_draw_seed(self._rng),
                progress=False,
                callback=end_of_epoch,
            )
        except KeyboardInterrupt:  # as scikit-learn: Ctrl-C ends training, the model is kept
            warnings.warn("Training interrupted by user.", UserWarning, stacklevel=4)
            stopped = True

        if self.early_stopping:
            self.model_.load_state_dict(best_state)
            self.best_loss_ = None
        if not incremental and not stopped and self.n_iter_ >= self.max_iter:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                _compatible(ConvergenceWarning),
                stacklevel=4,
            )
        return self

    def _start(self, X, n_outputs, cold) -> None:
        """Cold start (new network) or check that X fits the existing one."""
        if cold:
            self._initialize(X.shape[1], n_outputs)
        else:
            self._check_n_features(X)


_DOC_PARAMS = """
    Args:
        hidden_layer_sizes: the hidden layer sizes, e.g. (8,) or (16, 16);
            an int is one layer. scikit-learn's default (100,) is kept, but
            pure-Python training is slow: prefer a few units, e.g. (8,).
        activation: hidden-layer activation: "relu", "tanh", "logistic"
            (sigmoid) or "identity" (linear); nn's own names ("sigmoid",
            "linear", "leaky_relu", "softplus") are accepted too.
        solver: "adam" or "sgd" ("lbfgs" is not supported: ValueError at fit).
        alpha: L2 penalty strength; the loss gets alpha/2 * sum(w**2) /
            batch size over the weights (not the biases), as in scikit-learn.
        batch_size: mini-batch size, or "auto" = min(200, n_samples).
        learning_rate: "constant", "invscaling" (lr = learning_rate_init /
            (t + 1) ** power_t after each epoch, t = samples seen) or
            "adaptive" (divide by 5 whenever the loss stalls, see tol);
            only for solver="sgd", as in scikit-learn.
        learning_rate_init: the (initial) learning rate.
        power_t: exponent of "invscaling".
        max_iter: maximum number of epochs.
        shuffle: shuffle the samples every epoch.
        random_state: None, an int, a numpy RandomState or Generator: seeds
            the initial weights, the shuffling and the validation split.
        tol: an epoch counts as an improvement when the training loss
            drops by more than tol (or the validation score rises by more
            than tol with early_stopping).
        verbose: print the loss after every epoch (scikit-learn's format).
        warm_start: fit() continues from the current weights instead of
            starting afresh.
        momentum: SGD momentum in [0, 1).
        nesterovs_momentum: use Nesterov momentum (SGD with momentum > 0).
        early_stopping: hold out validation_fraction of the training data,
            stop when its score stalls, and keep the best weights.
        validation_fraction: size of that hold-out set.
        beta_1, beta_2, epsilon: Adam's parameters.
        n_iter_no_change: stop after this many epochs without improvement
            (more than n_iter_no_change in a row, scikit-learn's rule).
        max_fun: accepted for signature compatibility with scikit-learn;
            only its lbfgs solver uses it, and lbfgs is not supported.

    Fitted attributes: n_features_in_, loss_ (last epoch's loss),
    loss_curve_ (one loss per epoch), best_loss_ (None with early_stopping),
    validation_scores_ / best_validation_score_ (with early_stopping),
    n_iter_ (epochs of the last fit; 1 after partial_fit), t_ (samples seen), coefs_ (weight
    matrices shaped (n_in, n_out)), intercepts_, n_layers_ (counting the
    input layer), n_outputs_, out_activation_, and model_: the underlying
    nn.MLP (its output layer is linear; the loss and predict_proba apply
    the output function).
"""


# ---------------------------------------------------------------- classifier
class MLPClassifier(_BaseMLP):
    __doc__ = (
        """A multi-layer perceptron classifier with scikit-learn's interface, trained by autodiff.

    Labels may be any values that np.unique can sort (ints, strings, ...).
    Two classes use ONE output unit with the logistic function and binary
    cross-entropy (as scikit-learn does: ``coefs_[-1]`` has one column,
    ``out_activation_ == "logistic"``); three or more use one output per
    class with softmax and cross-entropy (``out_activation_ == "softmax"``).
    predict_proba always returns one column per class, in the order of
    ``classes_``. The reported losses (``loss_``, ``loss_curve_``) are on
    scikit-learn's scale: mean log-loss plus the L2 term.

    Pure-Python training is slow: every sample builds a graph of Values.
    scikit-learn's defaults (100 hidden units, 200 epochs) are kept for
    compatibility; choose e.g. ``hidden_layer_sizes=(8,)`` and fewer
    epochs for anything beyond a few hundred samples.
    """
        + _DOC_PARAMS
        + """
    Example:
        >>> from nn import MLPClassifier
        >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]] * 5
        >>> y = ["no", "yes", "yes", "yes"] * 5
        >>> clf = MLPClassifier((4,), solver="sgd", learning_rate_init=0.5, momentum=0.0,
        ...                     max_iter=150, random_state=1).fit(X, y)
        >>> clf.predict([[0, 0], [1, 1]]).tolist()
        ['no', 'yes']
    """
    )

    _estimator_type = "classifier"

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
    ):
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

    # ------------------------------------------------------------ labels
    @staticmethod
    def _check_y(y, n_samples) -> np.ndarray:
        if y is None:
            raise ValueError("MLPClassifier requires y to be passed, but the target y is None")
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please change the shape "
                "of y to (n_samples,), for example using ravel().",
                _compatible(DataConversionWarning),
                stacklevel=3,
            )
            y = y.ravel()
        if y.ndim != 1:
            raise ValueError(
                f"y must be 1-D (one label per sample), got shape {y.shape}; "
                "multi-label / multi-output classification is not supported"
            )
        if len(y) != n_samples:
            raise ValueError(f"X and y have different numbers of samples: X has {n_samples}, y has {len(y)}")
        if y.dtype.kind == "f":
            if not np.all(np.isfinite(y)):
                raise ValueError("y contains NaN or infinity")
            if not np.all(y == np.round(y)):
                raise ValueError(
                    "Unknown label type: continuous. MLPClassifier needs class labels "
                    "(ints, strings, ...); use MLPRegressor for continuous targets"
                )
        return y

    @staticmethod
    def _unique(values) -> np.ndarray:
        try:
            return np.unique(values)
        except TypeError as exc:
            raise ValueError(f"class labels must be mutually comparable (sortable): {exc}") from None

    def _encode(self, y) -> np.ndarray:
        """Labels -> indices into classes_ (ValueError for a label not in classes_)."""
        idx = np.searchsorted(self.classes_, y)
        idx = np.clip(idx, 0, len(self.classes_) - 1)
        unknown = self.classes_[idx] != y
        if np.any(unknown):
            raise ValueError(
                f"y contains labels not in classes_ {self.classes_.tolist()!r}: {self._unique(y[unknown]).tolist()!r}"
            )
        return idx

    def _targets(self, indices) -> list:
        if len(self.classes_) == 2:
            return [float(i) for i in indices]  # one logistic output: the probability of classes_[1]
        return [int(i) for i in indices]

    def _data_loss(self, outputs, targets):
        if len(self.classes_) == 2:
            return losses.binary_cross_entropy_with_logits(outputs, targets)
        return losses.cross_entropy(outputs, targets)

    @property
    def out_activation_(self) -> str:
        """ "logistic" (two classes, one output) or "softmax"."""
        self._check_is_fitted()
        return "logistic" if len(self.classes_) == 2 else "softmax"

    # ------------------------------------------------------------ fit
    def fit(self, X, y):
        """Train on X (n_samples, n_features) and labels y (n_samples,). Returns self.

        With warm_start=True and a fitted estimator, training continues from
        the current weights (y must then have the same classes).
        """
        self._validate_params()
        X = _check_X(X)
        y = self._check_y(y, len(X))
        classes = self._unique(y)
        if len(classes) < 2:
            raise ValueError(
                f"MLPClassifier needs samples of at least 2 classes in y; got 1 class: {classes.tolist()!r}"
            )
        cold = not (self.warm_start and self.__sklearn_is_fitted__())
        if not cold and (len(classes) != len(self.classes_) or np.any(classes != self.classes_)):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in the previous "
                f"call to fit. Previously got {self.classes_!r}, `y` has {classes!r}"
            )
        self.classes_ = classes
        self._start(X, 1 if len(classes) == 2 else len(classes), cold)
        idx = self._encode(y)
        return self._fit(X, self._targets(idx), incremental=False, cold=cold, score_targets=idx)

    def partial_fit(self, X, y, classes=None):
        """One epoch over (X, y), keeping the network and the optimizer state. Returns self.

        Args:
            X, y: as for fit.
            classes: all the labels that will ever appear; required on the
                first call (as in scikit-learn), optional afterwards (must
                then be the same).
        """
        if self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        fitted = self.__sklearn_is_fitted__()
        if not fitted:
            self._validate_params()
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            all_classes = self._unique(np.asarray(classes).ravel())
            if len(all_classes) < 2:
                raise ValueError(f"MLPClassifier needs at least 2 classes, got {all_classes.tolist()!r}")
        elif classes is not None:
            all_classes = self._unique(np.asarray(classes).ravel())
            if len(all_classes) != len(self.classes_) or np.any(all_classes != self.classes_):
                raise ValueError(
                    f"`classes={all_classes.tolist()!r}` is not the same as on last call to "
                    f"partial_fit, was: {self.classes_.tolist()!r}"
                )
        X = _check_X(X)
        y = self._check_y(y, len(X))
        if not fitted:
            self.classes_ = all_classes
            self._start(X, 1 if len(all_classes) == 2 else len(all_classes), cold=True)
        else:
            self._start(X, None, cold=False)
        idx = self._encode(y)
        return self._fit(X, self._targets(idx), incremental=True, cold=not fitted, score_targets=idx)

    # ------------------------------------------------------------ predict
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in the order of classes_; rows sum to 1."""
        X = self._validate_X(X)
        z = self._raw_output(X)
        if len(self.classes_) == 2:
            p = _stable_sigmoid(z[:, 0])
            return np.column_stack([1.0 - p, p])
        return np.exp(_log_softmax(z))

    def predict_log_proba(self, X) -> np.ndarray:
        """Log of predict_proba, computed stably from the logits."""
        X = self._validate_X(X)
        z = self._raw_output(X)
        if len(self.classes_) == 2:
            return np.column_stack([-np.logaddexp(0.0, z[:, 0]), -np.logaddexp(0.0, -z[:, 0])])
        return _log_softmax(z)

    def _predict_indices(self, X) -> np.ndarray:
        z = self._raw_output(X)
        if len(self.classes_) == 2:
            return (z[:, 0] > 0).astype(np.int64)
        return np.argmax(z, axis=1)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample, as labels from classes_."""
        X = self._validate_X(X)
        return self.classes_[self._predict_indices(X)]

    def _score_encoded(self, X, idx) -> float:
        return float(np.mean(self._predict_indices(X) == idx))

    def score(self, X, y, sample_weight=None) -> float:
        """Mean accuracy of predict(X) against y (weighted by sample_weight if given)."""
        X = self._validate_X(X)
        y = self._check_y(y, len(X))
        hits = (self.classes_[self._predict_indices(X)] == y).astype(float)
        return float(np.average(hits, weights=_check_sample_weight(sample_weight, len(X))))


# ---------------------------------------------------------------- regressor
class MLPRegressor(_BaseMLP):
    __doc__ = (
        """A multi-layer perceptron regressor with scikit-learn's interface, trained by autodiff.

    The output layer is linear (``out_activation_ == "identity"``); y may be
    1-D (one target) or 2-D (several). The loss is scikit-learn's squared
    error, half the mean squared error (0.5 * nn.losses.mse), plus the L2
    term; score is R^2.

    Pure-Python training is slow: every sample builds a graph of Values.
    scikit-learn's defaults (100 hidden units, 200 epochs) are kept for
    compatibility; choose e.g. ``hidden_layer_sizes=(8,)`` and fewer
    epochs for anything beyond a few hundred samples.
    """
        + _DOC_PARAMS.replace(
            "    Args:\n",
            '    Args:\n        loss: "squared_error" (the only one; scikit-learn 1.9\'s first parameter).\n',
            1,
        )
        + """
    Example:
        >>> from nn import MLPRegressor
        >>> X = [[x / 10] for x in range(-10, 11)]
        >>> y = [2 * row[0] + 1 for row in X]
        >>> reg = MLPRegressor(hidden_layer_sizes=(4,), activation="identity", solver="sgd",
        ...                    learning_rate_init=0.1, max_iter=100, random_state=0).fit(X, y)
        >>> reg.score(X, y) > 0.99
        True
    """
    )

    _estimator_type = "regressor"

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
    ):
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

    def _validate_params(self) -> None:
        if self.loss != "squared_error":
            hint = ""
            if not isinstance(self.loss, str):
                hint = (
                    " (loss is the FIRST positional parameter, as in scikit-learn 1.9: pass the layer "
                    "sizes as hidden_layer_sizes=...)"
                )
            raise ValueError(f"loss must be 'squared_error', got {self.loss!r}{hint}")
        super()._validate_params()

    @staticmethod
    def _check_y(y, n_samples) -> np.ndarray:
        if y is None:
            raise ValueError("MLPRegressor requires y to be passed, but the target y is None")
        try:
            y = np.asarray(y, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"y must be numbers: {exc}") from None
        if y.ndim not in (1, 2) or (y.ndim == 2 and y.shape[1] == 0):
            raise ValueError(f"y must be 1-D (n_samples,) or 2-D (n_samples, n_targets), got shape {y.shape}")
        if len(y) != n_samples:
            raise ValueError(f"X and y have different numbers of samples: X has {n_samples}, y has {len(y)}")
        if not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinity")
        return y

    @staticmethod
    def _targets(y) -> list:
        return y.tolist()  # a number per sample (1-D y) or a list per sample (2-D y)

    @staticmethod
    def _data_loss(outputs, targets):
        return 0.5 * losses.mse(outputs, targets)

    @property
    def out_activation_(self) -> str:
        """Always "identity": the output layer is linear."""
        self._check_is_fitted()
        return "identity"

    def fit(self, X, y):
        """Train on X (n_samples, n_features) and targets y (n_samples,) or (n_samples, n_targets). Returns self."""
        self._validate_params()
        X = _check_X(X)
        y = self._check_y(y, len(X))
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        cold = not (self.warm_start and self.__sklearn_is_fitted__())
        if not cold and n_outputs != self.n_outputs_:
            raise ValueError(
                f"warm_start: y has {n_outputs} target(s) but the fitted network has {self.n_outputs_} output(s)"
            )
        self._start(X, n_outputs, cold)
        return self._fit(X, self._targets(y), incremental=False, cold=cold, score_targets=y)

    def partial_fit(self, X, y):
        """One epoch over (X, y), keeping the network and the optimizer state. Returns self."""
        if self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        fitted = self.__sklearn_is_fitted__()
        if not fitted:
            self._validate_params()
        X = _check_X(X)
        y = self._check_y(y, len(X))
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if fitted and n_outputs != self.n_outputs_:
            raise ValueError(f"y has {n_outputs} target(s) but the network has {self.n_outputs_} output(s)")
        self._start(X, n_outputs, cold=not fitted)
        return self._fit(X, self._targets(y), incremental=True, cold=not fitted, score_targets=y)

    def predict(self, X) -> np.ndarray:
        """Predictions: shape (n_samples,) for one target, (n_samples, n_targets) for several."""
        X = self._validate_X(X)
        out = self._raw_output(X)
        return out[:, 0] if out.shape[1] == 1 else out

    def _score_encoded(self, X, y) -> float:
        return _r2_score(y, self._raw_output(X))

    def score(self, X, y, sample_weight=None) -> float:
        """R^2 of predict(X) against y (averaged over targets; weighted by sample_weight if given)."""
        X = self._validate_X(X)
        y = self._check_y(y, len(X))
        return _r2_score(y, self._raw_output(X), _check_sample_weight(sample_weight, len(X)))


# ---------------------------------------------------------------- save / load (nn.save, nn.load)
def _json_param(name, value):
    """A constructor parameter as JSON: tuples become lists, numpy scalars Python numbers.

    A numpy RandomState / Generator random_state cannot be written; it is
    saved as None (it only matters for a refit, not for the saved weights).
    """
    if name == "random_state" and isinstance(value, (np.random.RandomState, np.random.Generator)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (tuple, list, np.ndarray)):
        return [_json_param(name, v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(f"save: parameter {name}={value!r} cannot be written as JSON")


def _estimator_to_dict(est) -> dict:
    params = {name: _json_param(name, value) for name, value in est.get_params(deep=False).items()}
    if not est.__sklearn_is_fitted__():
        return {"params": params, "fitted": None}
    fitted = {
        "model": {"config": est.model_.config(), "state": est.model_.state_dict()},
        "n_features_in": int(est.n_features_in_),
        "loss_curve": [float(v) for v in est.loss_curve_],
        "loss": None if est.loss_ is None else float(est.loss_),
        "best_loss": None if est.best_loss_ is None or not np.isfinite(est.best_loss_) else float(est.best_loss_),
        "validation_scores": None if est.validation_scores_ is None else [float(v) for v in est.validation_scores_],
        "best_validation_score": None
        if est.best_validation_score_ is None or not np.isfinite(est.best_validation_score_)
        else float(est.best_validation_score_),
        "n_iter": int(est.n_iter_),
        "t": int(est.t_),
        "no_improvement_count": int(est._no_improvement_count),
    }
    if isinstance(est, MLPClassifier):
        fitted["classes"] = [_json_param("classes_", c) for c in est.classes_.tolist()]
        fitted["classes_dtype"] = est.classes_.dtype.str
    return {"params": params, "fitted": fitted}


def _require(body, key, types, what):
    if key not in body:
        raise ValueError(f"missing {key!r}")
    value = body[key]
    if not isinstance(value, types) or isinstance(value, bool) and bool not in types:
        raise ValueError(f"{key!r} must be {what}, got {value!r}")
    return value


def _estimator_from_dict(cls):
    def from_dict(body):
        params = dict(_require(body, "params", dict, "an object"))
        if isinstance(params.get("hidden_layer_sizes"), list):
            params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
        est = cls().set_params(**params)
        if "fitted" not in body:
            raise ValueError("missing 'fitted'")
        fitted = body["fitted"]
        if fitted is None:
            return est
        if not isinstance(fitted, dict):
            raise ValueError(f"'fitted' must be an object or null, got {type(fitted).__name__}")
        model_body = _require(fitted, "model", dict, "an object")
        config = _require(model_body, "config", dict, "an object")
        state = _require(model_body, "state", dict, "an object")
        try:
            model = MLP(**config)
        except (TypeError, ValueError) as error:
            raise ValueError(f"bad MLP config {config!r}: {error}") from None
        model.load_state_dict(state)
        n_features = _require(fitted, "n_features_in", int, "an int")
        if model.nin != n_features:
            raise ValueError(f"the network has {model.nin} inputs but n_features_in is {n_features}")
        if model.output_activation != "linear":
            raise ValueError(f"the network's output activation must be 'linear', got {model.output_activation!r}")
        classes = None
        if cls is MLPClassifier:
            dtype = _require(fitted, "classes_dtype", str, "a numpy dtype string")
            classes = np.array(_require(fitted, "classes", list, "a list"), dtype=np.dtype(dtype))
            if classes.ndim != 1 or len(classes) < 2 or len(np.unique(classes)) != len(classes):
                raise ValueError(f"'classes' must be at least 2 distinct labels, got {classes.tolist()!r}")
            if np.any(classes[:-1] > classes[1:]):
                raise ValueError(f"'classes' must be sorted, got {classes.tolist()!r}")
            expected = 1 if len(classes) == 2 else len(classes)
            if model.nouts[-1] != expected:
                raise ValueError(f"{len(classes)} classes need {expected} output(s), the network has {model.nouts[-1]}")
        loss_curve = [float(v) for v in _require(fitted, "loss_curve", list, "a list")]
        validation_scores = fitted.get("validation_scores")
        # everything is checked: assign
        est._rng = _seed_source(est.random_state)
        est.n_features_in_ = n_features
        if classes is not None:
            est.classes_ = classes
        est._set_model(model)
        est._optimizer = None
        est.loss_curve_ = loss_curve
        est.loss_ = fitted.get("loss")
        best_loss = fitted.get("best_loss")
        est.best_loss_ = None if est.early_stopping else (np.inf if best_loss is None else float(best_loss))
        est.validation_scores_ = None if validation_scores is None else [float(v) for v in validation_scores]
        best_score = fitted.get("best_validation_score")
        est.best_validation_score_ = (
            None if not est.early_stopping else (-np.inf if best_score is None else float(best_score))
        )
        est.n_iter_ = int(fitted.get("n_iter", len(loss_curve)))
        est.t_ = int(fitted.get("t", 0))
        est._no_improvement_count = int(fitted.get("no_improvement_count", 0))
        return est

    return from_dict


register_kind("MLPClassifier", _estimator_to_dict, _estimator_from_dict(MLPClassifier), cls=MLPClassifier)
register_kind("MLPRegressor", _estimator_to_dict, _estimator_from_dict(MLPRegressor), cls=MLPRegressor)
