"""scikit-learn estimators trained by chaingrad: ``MLPClassifier`` and ``MLPRegressor``.

They are scikit-learn estimators (clone, Pipeline, GridSearchCV,
cross_val_score work) that follow scikit-learn's MLP algorithm step for step
(``base``), with the loss and gradients from chaingrad's engine
(``network``) and scikit-learn's solvers (``optimizers``). They need
scikit-learn (the extra ``chaingrad[sklearn]``); it is imported when an
estimator is first used, so ``import nn`` never imports it. ``persistence``
registers their kinds with ``nn.save`` / ``nn.load``.

Example:
    >>> import nn
    >>> X, y = nn.datasets.make_moons(40, noise=0.1, random_state=0)
    >>> clf = nn.MLPClassifier((4,), solver="lbfgs", max_iter=30, random_state=0).fit(X, y)
    >>> clf.coefs_[0].shape
    (2, 4)
"""

from __future__ import annotations

from typing import Any

from . import persistence  # noqa: F401  (registers the save/load kinds; imports no scikit-learn)
from ._require import require_sklearn

__all__ = ["MLPClassifier", "MLPRegressor"]


def __getattr__(name: str) -> Any:
    if name == "MLPClassifier":
        require_sklearn()
        from .classifier import MLPClassifier

        return MLPClassifier
    if name == "MLPRegressor":
        require_sklearn()
        from .regressor import MLPRegressor

        return MLPRegressor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
