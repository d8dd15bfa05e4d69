"""The one place that says how to get scikit-learn when the estimators need it."""

from __future__ import annotations

__all__ = ["require_sklearn"]

_HINT = "nn's MLPClassifier and MLPRegressor need scikit-learn; install the extra: pip install 'chaingrad[sklearn]'"


def require_sklearn() -> None:
    """Import scikit-learn, or raise ImportError naming the extra ``chaingrad[sklearn]``."""
    try:
        import sklearn  # noqa: F401
    except ImportError as error:
        raise ImportError(_HINT) from error
