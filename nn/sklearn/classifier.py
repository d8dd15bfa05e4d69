"""MLPClassifier: scikit-learn's MLPClassifier, trained by chaingrad's engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ..datasets import RandomStateLike
from ._params import DOC_PARAMS
from .base import BaseMLP

__all__ = ["MLPClassifier"]


class MLPClassifier(ClassifierMixin, BaseMLP):
    __doc__ = (
        """A multi-layer perceptron classifier: scikit-learn's, step for step, with the loss and gradients
    from chaingrad's autodiff engine.

    Two classes use one logistic output, more classes a softmax, multilabel
    y one logistic output per label; the loss is the log-loss plus the L2
    term. For the same arguments and random_state, the fitted coefs_,
    intercepts_, loss_curve_ and n_iter_ equal
    ``sklearn.neural_network.MLPClassifier``'s (to rounding).

    Pure-Python training is slow (every sample builds a graph): choose small
    hidden layers for more than a few hundred samples.
    """
        + DOC_PARAMS
        + """
    Example:
        >>> from nn import MLPClassifier
        >>> from nn.datasets import make_blobs
        >>> X, y = make_blobs(60, centers=[[-3, -3], [3, 3]], random_state=0)
        >>> clf = MLPClassifier(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=50, random_state=0).fit(X, y)
        >>> clf.score(X, y)
        1.0
    """
    )

    def __init__(
        self,
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
        X, y = validate_data(self, X, y, multi_output=True, dtype=np.float64, reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            self._check_known_classes(unique_labels(y))
        return X, self._label_binarizer.transform(y).astype(bool)

    def _check_known_classes(self, classes: np.ndarray) -> None:
        if self.warm_start:
            if set(classes) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the previous call to fit. "
                    f"Previously got {self.classes_}, `y` has {classes}"
                )
        elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has {self.classes_}. 'y' has {classes}."
            )

    def _output_activation(self) -> str:
        return "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"

    def _stratify_validation(self) -> bool:
        return self.n_outputs_ == 1

    def _validation_targets(self, y: np.ndarray) -> np.ndarray:
        return self._label_binarizer.inverse_transform(y)

    def _score(self, X: np.ndarray, y: Any, sample_weight: Any = None) -> float:
        return self._score_with_function(X, y, sample_weight, accuracy_score)

    def _predict(self, X: Any, check_input: bool = True) -> np.ndarray:
        y_pred = self._forward_pass_fast(X, check_input=check_input)
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        return self._label_binarizer.inverse_transform(y_pred)

    def predict(self, X: Any) -> np.ndarray:
        """The predicted class of each row of X (labels from classes_; indicator rows for multilabel y)."""
        check_is_fitted(self)
        return self._predict(X)

    @available_if(lambda est: est._check_solver())
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None, classes: Any = None) -> MLPClassifier:
        """One epoch on (X, y), keeping the weights and the optimizer; ``classes`` needed on the first call.

        Returns:
            self.
        """
        self._validate_params()
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y if type_of_target(y).startswith("multilabel") else classes)
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (n_samples, n_classes), columns in the order of classes_."""
        check_is_fitted(self)
        y_pred = self._forward_pass_fast(X)
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        return np.vstack([1 - y_pred, y_pred]).T if y_pred.ndim == 1 else y_pred

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The log of predict_proba."""
        y_prob = self.predict_proba(X)
        return np.log(y_prob, out=y_prob)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
