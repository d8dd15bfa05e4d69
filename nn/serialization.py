"""Saving and loading: versioned, human-readable JSON. Never pickle.

A file looks like::

    {"format": "scalargrad", "version": 1, "kind": "MLP",
     "config": {"nin": 2, "nouts": [16, 1], ...},
     "state": {"layers.0.neurons.0.w.0": 0.123, ...}}

Floats are written with repr, so a round trip is exact. Writing goes to a
temporary file in the same directory, is fsynced, then renamed over the
target: a crash never leaves a half-written file.

Other objects (the estimators) plug in with ``register_kind(name, to_dict,
from_dict, cls=...)``: ``to_dict(obj)`` returns a JSON-able dict (the body,
e.g. {"config": ..., "state": ...}), ``from_dict(body)`` rebuilds the
object from it (raising ValueError or TypeError on bad content).

Example:
    >>> import os, tempfile
    >>> from nn import MLP, save, load
    >>> model = MLP(2, [3, 1], seed=0)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> save(model, path)
    >>> load(path).state_dict() == model.state_dict()
    True
"""

from __future__ import annotations

import json
import os
import tempfile

from .layers import MLP, Layer, Neuron

__all__ = ["save", "load", "register_kind", "FORMAT", "VERSION"]

FORMAT = "scalargrad"
VERSION = 1
_HEADER = ("format", "version", "kind")

_KINDS: dict = {}  # name -> (cls or None, to_dict, from_dict)


def register_kind(name: str, to_dict, from_dict, cls=None) -> None:
    """Teach save/load a new kind of object.

    Args:
        name: the "kind" written in the file (by default also the class name it matches).
        to_dict: obj -> JSON-able dict (without "format", "version", "kind").
        from_dict: that dict -> a new obj; raise ValueError/TypeError on bad content.
        cls: the class saved under ``name`` (default: any class whose __name__ is ``name``).
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"register_kind: name must be a non-empty str, got {name!r}")
    if not callable(to_dict) or not callable(from_dict):
        raise ValueError("register_kind: to_dict and from_dict must be callables")
    _KINDS[name] = (cls, to_dict, from_dict)


def _kind_of(obj) -> str:
    for name, (cls, _, _) in _KINDS.items():
        if cls is not None and type(obj) is cls:
            return name
    name = type(obj).__name__
    if name in _KINDS and _KINDS[name][0] is None:
        return name
    raise ValueError(
        f"save: don't know how to save a {name}; known kinds: {', '.join(sorted(_KINDS))} "
        f"(use nn.serialization.register_kind)"
    )


# ---------------------------------------------------------------- modules
def _module_to_dict(module) -> dict:
    return {"config": module.config(), "state": module.state_dict()}


def _module_from_dict(cls):
    def from_dict(body):
        config, state = body.get("config"), body.get("state")
        if not isinstance(config, dict):
            raise ValueError(f"'config' must be an object, got {type(config).__name__}")
        if not isinstance(state, dict):
            raise ValueError(f"'state' must be an object, got {type(state).__name__}")
        try:
            module = cls(**config)
        except (TypeError, ValueError) as error:
            raise ValueError(f"bad {cls.__name__} config {config!r}: {error}") from error
        module.load_state_dict(state)
        return module

    return from_dict


for _cls in (MLP, Layer, Neuron):
    register_kind(_cls.__name__, _module_to_dict, _module_from_dict(_cls), cls=_cls)


# ---------------------------------------------------------------- files
def save(obj, path) -> None:
    """Write ``obj`` (an MLP, Layer, Neuron or a registered kind) to ``path`` as JSON, atomically.

    Raises:
        ValueError: an unknown kind, or weights that are not finite.
    """
    kind = _kind_of(obj)
    body = _KINDS[kind][1](obj)
    clash = [key for key in _HEADER if key in body]
    if clash:
        raise ValueError(f"save: to_dict for {kind} must not return the keys {clash}")
    payload = {"format": FORMAT, "version": VERSION, "kind": kind, **body}
    try:
        text = json.dumps(payload, indent=1, allow_nan=False)
    except ValueError as error:
        raise ValueError(f"save: the {kind} has values JSON cannot hold (NaN or infinity?): {error}") from error
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _read(path) -> dict:
    with open(path, encoding="utf-8") as file:
        text = file.read()
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON (corrupted or truncated?): {error}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        found = payload.get("format") if isinstance(payload, dict) else type(payload).__name__
        raise ValueError(f"{path} is not a scalargrad file (format {found!r}, expected {FORMAT!r})")
    if payload.get("version") != VERSION:
        raise ValueError(f"{path} has version {payload.get('version')!r}; this scalargrad reads version {VERSION}")
    kind = payload.get("kind")
    if kind not in _KINDS:
        raise ValueError(f"{path} holds an unknown kind {kind!r}; known kinds: {', '.join(sorted(_KINDS))}")
    return payload


def load(path, model=None):
    """Read an object written by ``save``.

    Args:
        path: the file.
        model: optional module to load the weights into (instead of building a new
            one); the file's kind and config must match it. On any error it is left
            exactly as it was.
    Returns:
        The new object (or ``model``).
    Raises:
        ValueError: corrupted, truncated, wrong format, wrong version, unknown kind
            or wrong architecture (the message says which).
        OSError: the file cannot be read.
    """
    payload = _read(path)
    kind = payload["kind"]
    body = {key: value for key, value in payload.items() if key not in _HEADER}
    if model is not None:
        if _kind_of(model) != kind:
            raise ValueError(f"{path} holds a {kind}, not a {_kind_of(model)}")
        if not hasattr(model, "load_state_dict"):
            raise ValueError(f"load(model=...) works for modules; a {kind} is rebuilt with load(path)")
        if body.get("config") != model.config():
            raise ValueError(
                f"{path} holds a {kind} with config {body.get('config')!r}, but the model has {model.config()!r}"
            )
        try:
            model.load_state_dict(body.get("state"))
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        return model
    try:
        return _KINDS[kind][2](body)
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"{path}: cannot rebuild the {kind}: {error}") from error
