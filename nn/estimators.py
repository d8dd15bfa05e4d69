"""Deprecated: the estimators moved to ``nn.sklearn`` (``nn.MLPClassifier`` and ``nn.MLPRegressor`` as before).

This module keeps the old import path working: it re-exports the estimators
and scikit-learn's own ``NotFittedError``, ``ConvergenceWarning`` and
``DataConversionWarning`` (nn's copies of them are gone), with a
DeprecationWarning. It needs scikit-learn, like the estimators.
"""

from __future__ import annotations

import warnings

from .sklearn._require import require_sklearn

require_sklearn()

from sklearn.exceptions import ConvergenceWarning, DataConversionWarning, NotFittedError  # noqa: E402

from .sklearn.classifier import MLPClassifier  # noqa: E402
from .sklearn.regressor import MLPRegressor  # noqa: E402

__all__ = ["MLPClassifier", "MLPRegressor", "NotFittedError", "ConvergenceWarning", "DataConversionWarning"]

warnings.warn(
    "nn.estimators is deprecated: use nn.MLPClassifier / nn.MLPRegressor (from nn.sklearn) and "
    "sklearn.exceptions for NotFittedError, ConvergenceWarning and DataConversionWarning",
    DeprecationWarning,
    stacklevel=2,
)
