"""nn.save / nn.load for the estimators: parameters and fitted arrays as JSON (never pickle).

Registered with ``nn.serialization.register_kind`` when ``nn`` is imported;
scikit-learn is imported only when a file is loaded. A file holds
``{"params": {...}, "fitted": null or {...}}``; the optimizer state is not
saved (``partial_fit`` after ``load`` starts a new one). Bodies written by
the old ``nn.estimators`` (an MLP's config and state) still load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..inference import weight_matrices
from ..layers import MLP
from ..serialization import register_kind

__all__ = ["to_dict", "from_dict"]

_RECORDS = ("n_iter_", "t_", "loss_", "best_loss_", "best_validation_score_", "_no_improvement_count")
_LISTS = ("loss_curve_", "validation_scores_")


def _json(name: str, value: Any) -> Any:
    """A parameter or record as JSON: tuples become lists, numpy scalars numbers, inf/nan strings."""
    if name == "random_state" and isinstance(value, (np.random.RandomState, np.random.Generator)):
        return None  # a generator's state is not written; it only matters for a refit
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (tuple, list, np.ndarray)):
        return [_json(name, v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(f"save: {name}={value!r} cannot be written as JSON")


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, str) else value  # "inf", "-inf", "nan" back to floats


def to_dict(est: Any) -> dict[str, Any]:
    """The estimator's parameters and, if fitted, its fitted arrays and records."""
    params = {name: _json(name, value) for name, value in est.get_params(deep=False).items()}
    if not hasattr(est, "coefs_"):
        return {"params": params, "fitted": None}
    fitted = {
        "n_features_in": int(est.n_features_in_),
        "out_activation": est.out_activation_,
        "coefs": [c.tolist() for c in est.coefs_],
        "intercepts": [b.tolist() for b in est.intercepts_],
        **{name: _json(name, getattr(est, name, None)) for name in _RECORDS + _LISTS},
    }
    if hasattr(est, "feature_names_in_"):
        fitted["feature_names_in"] = [str(f) for f in est.feature_names_in_]
    if hasattr(est, "classes_"):
        fitted["classes"] = _json("classes_", est.classes_.tolist())
        fitted["classes_dtype"] = est.classes_.dtype.str
        fitted["y_type"] = est._label_binarizer.y_type_
    return {"params": params, "fitted": fitted}


def _arrays(fitted: dict[str, Any]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    coefs = [np.array(c, dtype=float) for c in fitted["coefs"]]
    intercepts = [np.array(b, dtype=float) for b in fitted["intercepts"]]
    if not coefs or len(coefs) != len(intercepts):
        raise ValueError("'coefs' and 'intercepts' must be equally long, non-empty lists")
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        if W.ndim != 2 or b.shape != (W.shape[1],) or (i and W.shape[0] != coefs[i - 1].shape[1]):
            raise ValueError(f"layer {i}: coefs of shape {W.shape} and intercepts of shape {b.shape} do not chain")
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ValueError(f"layer {i}: weights must be finite numbers")
    if coefs[0].shape[0] != fitted["n_features_in"]:
        raise ValueError(f"the network has {coefs[0].shape[0]} inputs but n_features_in is {fitted['n_features_in']}")
    return coefs, intercepts


def _label_binarizer(fitted: dict[str, Any], n_outputs: int) -> Any:
    from sklearn.preprocessing import LabelBinarizer

    classes = np.array(fitted["classes"], dtype=np.dtype(fitted["classes_dtype"]))
    expected = 1 if fitted["y_type"] == "binary" else len(classes)
    if n_outputs != expected:
        raise ValueError(f"{len(classes)} classes need {expected} output(s), the network has {n_outputs}")
    if fitted["y_type"] == "multilabel-indicator":
        binarizer = LabelBinarizer().fit(np.vstack([np.zeros(len(classes), int), np.eye(len(classes), dtype=int)]))
    else:
        binarizer = LabelBinarizer().fit(classes)
    if binarizer.y_type_ != fitted["y_type"] or not np.array_equal(binarizer.classes_, classes):
        raise ValueError(f"classes {classes.tolist()!r} do not make a {fitted['y_type']!r} target")
    return binarizer


def _restore(est: Any, fitted: dict[str, Any]) -> None:
    coefs, intercepts = _arrays(fitted)
    est.n_features_in_ = int(fitted["n_features_in"])
    if "feature_names_in" in fitted:
        est.feature_names_in_ = np.array(fitted["feature_names_in"], dtype=object)
    if "classes" in fitted:
        est._label_binarizer = _label_binarizer(fitted, len(intercepts[-1]))
        est.classes_ = est._label_binarizer.classes_
    est.coefs_, est.intercepts_ = coefs, intercepts
    est.n_outputs_, est.n_layers_ = len(intercepts[-1]), len(coefs) + 1
    est.out_activation_ = fitted["out_activation"]
    if est.out_activation_ != est._output_activation():
        raise ValueError(f"out_activation {est.out_activation_!r} does not fit this {type(est).__name__}")
    for name in _RECORDS:
        if fitted.get(name) is not None:
            setattr(est, name, _number(fitted[name]))
    for name in _LISTS:
        if name in fitted:
            setattr(est, name, None if fitted[name] is None else [float(_number(v)) for v in fitted[name]])


_OLD_ACTIVATIONS = {"linear": "identity", "sigmoid": "logistic"}  # nn's names, accepted by the old estimators


def _upgrade(params: dict[str, Any], fitted: dict[str, Any], cls_name: str) -> dict[str, Any]:
    """A body written by the old nn.estimators (an MLP's config and state) in today's layout."""
    activation = params.get("activation")
    params["activation"] = _OLD_ACTIVATIONS.get(activation, activation) if isinstance(activation, str) else activation
    model = MLP(**fitted["model"]["config"])
    model.load_state_dict(fitted["model"]["state"])
    arrays = weight_matrices(model)
    new = {
        "n_features_in": fitted["n_features_in"],
        "coefs": [W.T.tolist() for W, _ in arrays],
        "intercepts": [b.tolist() for _, b in arrays],
        "out_activation": "identity",
        "loss_curve_": fitted.get("loss_curve"),
        "validation_scores_": fitted.get("validation_scores"),
        **{f"{key}_": fitted.get(key) for key in ("n_iter", "t", "loss", "best_loss", "best_validation_score")},
        "_no_improvement_count": fitted.get("no_improvement_count"),
    }
    if cls_name == "MLPClassifier":
        binary = len(fitted["classes"]) == 2
        new.update(classes=fitted["classes"], classes_dtype=fitted["classes_dtype"])
        new.update(y_type="binary" if binary else "multiclass", out_activation="logistic" if binary else "softmax")
    return new


def from_dict(cls_name: str) -> Callable[[dict[str, Any]], Any]:
    """A from_dict for ``nn.serialization.register_kind`` that imports the estimator class when called."""

    def rebuild(body: dict[str, Any]) -> Any:
        from . import __getattr__ as estimator_class

        params = dict(body["params"])
        if isinstance(params.get("hidden_layer_sizes"), list):
            params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
        fitted = body.get("fitted")
        if fitted is not None and "model" in fitted:  # written by the old nn.estimators
            fitted = _upgrade(params, fitted, cls_name)
        est = estimator_class(cls_name)().set_params(**params)  # an unknown name: ValueError naming it
        if fitted is not None:
            _restore(est, fitted)
        return est

    return rebuild


for _name in ("MLPClassifier", "MLPRegressor"):
    register_kind(_name, to_dict, from_dict(_name))  # cls=None: matched by class name, so no import here
