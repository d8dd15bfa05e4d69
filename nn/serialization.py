"""Saving and loading: versioned, human-readable JSON with a checksum. Never pickle.

A file looks like::

    {"format": "scalargrad", "version": 2, "kind": "MLP",
     "config": {"nin": 2, "nouts": [16, 1], ...},
     "state": {"layers.0.neurons.0.w.0": 0.123, ...},
     "sha256": "9f2c..."}

Floats are written with repr, so a round trip is exact. "sha256" is the
SHA-256 of the file's canonical content (every other key, as compact JSON with
sorted keys): a flipped bit that still parses is found, and the file refused.
Files of version 1 (no checksum) still load.

Writing goes to a temporary file in the same directory (created with the
permissions ``open()`` would give, or the old file's mode when overwriting),
is fsynced, then renamed over the target: a crash never leaves a half-written
file, and the temporary files of a killed save are removed by the next one.

Reading is bounded: the text is at most ``MAX_FILE_BYTES``, sizes in a
module's config are checked against its state (and nn.MAX_PARAMETERS) before
anything is built, and every bad file is a ValueError naming it.

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

import hashlib
import json
import os
import secrets
import stat
from collections.abc import Callable, Iterable
from typing import Any

from ._checks import MAX_PARAMETERS, describe, positive_int
from .layers import MLP, Layer, Neuron
from .module import Module

__all__ = ["save", "load", "register_kind", "checksum", "FORMAT", "VERSION", "MAX_FILE_BYTES"]

FORMAT = "scalargrad"
VERSION = 2  # 2: a "sha256" checksum of the content; 1: none
_READABLE_VERSIONS = (1, 2)
_HEADER = ("format", "version", "kind")
_CHECKSUM = "sha256"
# A file of 10 million parameters at ~40 bytes each; anything larger is not ours.
MAX_FILE_BYTES = 64 * MAX_PARAMETERS

# name -> (cls or None, to_dict, from_dict, keys or None)
_KINDS: dict[
    str, tuple[type | None, Callable[[Any], dict[str, Any]], Callable[[dict[str, Any]], Any], frozenset[str] | None]
] = {}


def register_kind(
    name: str,
    to_dict: Callable[[Any], dict[str, Any]],
    from_dict: Callable[[dict[str, Any]], Any],
    cls: type | None = None,
    keys: Iterable[str] | None = None,
) -> None:
    """Teach save/load a new kind of object.

    Args:
        name: the "kind" written in the file (by default also the class name it matches).
        to_dict: obj -> JSON-able dict (without "format", "version", "kind", "sha256").
        from_dict: that dict -> a new obj; raise ValueError/TypeError on bad content.
        cls: the class saved under ``name`` (default: any class whose __name__ is ``name``).
        keys: optional, the keys the body holds (e.g. ("config", "state")): a file with other
            or missing keys is refused before ``from_dict`` sees it.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"register_kind: name must be a non-empty str, got {name!r}")
    if not callable(to_dict) or not callable(from_dict):
        raise ValueError("register_kind: to_dict and from_dict must be callables")
    _KINDS[name] = (cls, to_dict, from_dict, None if keys is None else frozenset(keys))


def _kind_of(obj: object) -> str:
    for name, (cls, *_) in _KINDS.items():
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
def _module_to_dict(module: Module) -> dict[str, Any]:
    return {"config": module.config(), "state": module.state_dict()}


def _parameter_count(cls: type[Module], config: dict[str, Any]) -> int:
    """How many parameters ``cls(**config)`` would have, from the sizes alone (checked, nothing built)."""
    limit = MAX_PARAMETERS
    if cls is Neuron:
        return positive_int("nin", config.get("nin"), limit=limit) + 1
    if cls is Layer:
        nin, nout = (positive_int(key, config.get(key), limit=limit) for key in ("nin", "nout"))
        return (nin + 1) * nout
    nouts = config.get("nouts")
    if not isinstance(nouts, list) or len(nouts) > limit:
        raise ValueError(f"nouts must be a list of layer sizes, got {describe(nouts)}")
    sizes = [positive_int("nin", config.get("nin"), limit=limit)]
    sizes += [positive_int(f"nouts[{i}]", n, limit=limit) for i, n in enumerate(nouts)]
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def _module_from_dict(cls: type[MLP] | type[Layer] | type[Neuron]) -> Callable[[dict[str, Any]], Module]:
    def from_dict(body: dict[str, Any]) -> Module:
        config, state = body.get("config"), body.get("state")
        if not isinstance(config, dict):
            raise ValueError(f"'config' must be an object, got {type(config).__name__}")
        if not isinstance(state, dict):
            raise ValueError(f"'state' must be an object, got {type(state).__name__}")
        # The file's own size bounds what is built: a config claiming more parameters than the
        # state holds is refused before a single Value is made.
        try:
            needed = _parameter_count(cls, config)
            if needed > len(state):
                raise ValueError(f"it needs {needed} parameters but the state holds {len(state)}: missing keys")
            module = cls(**config)
        except (TypeError, ValueError) as error:
            raise ValueError(f"bad {cls.__name__} config {describe(config)}: {error}") from error
        module.load_state_dict(state)
        return module

    return from_dict


for _cls in (MLP, Layer, Neuron):
    register_kind(_cls.__name__, _module_to_dict, _module_from_dict(_cls), cls=_cls, keys=("config", "state"))


# ---------------------------------------------------------------- checksum
def checksum(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``content`` (sorted keys, no spaces, repr floats).

    A version 2 file stores ``checksum`` of every key but "sha256" itself under "sha256"; after
    editing a file by hand on purpose, store the new checksum so that it loads.

    Args:
        content: the file's dict without its "sha256" key.
    Returns:
        64 hex digits.
    Example:
        >>> from nn.serialization import checksum
        >>> checksum({"a": 1.0}) == checksum({"a": 1.0}) != checksum({"a": 1.5})
        True
    """
    # (allow_nan: a NaN that got into a file is reported by the state check, which names the weight)
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


# ---------------------------------------------------------------- files
def _check_path(path: Any, who: str) -> Any:
    if not isinstance(path, (str, bytes, os.PathLike)):
        # (an int would be taken by open() as a file descriptor, and closed)
        raise TypeError(f"{who}: path must be a str or os.PathLike, got {type(path).__name__}: {describe(path)}")
    return os.fspath(path)


def _temporary_prefix(path: Any) -> str:
    return f".{os.path.basename(path)}."


def _remove_stale_temporaries(path: Any) -> None:
    """Remove the temporary files of earlier saves to ``path`` whose process is gone (killed mid-save)."""
    directory, prefix = os.path.dirname(os.path.abspath(path)), _temporary_prefix(path)
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid = name[len(prefix) : -len(".tmp")].split(".")[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _process_alive(int(pid)):
            continue
        try:
            os.remove(os.path.join(directory, name))
        except OSError:
            pass  # someone else removed it, or we may not: not our business to fail over


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # (someone else's process, or we cannot tell: leave its file alone)
    return True


def save(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` (an MLP, Layer, Neuron or a registered kind) to ``path`` as JSON, atomically.

    The file gets the permissions ``open()`` would give it (the umask), or keeps the mode of
    the file it replaces. Temporary files left by a killed save to the same path are removed.

    Args:
        obj: the object to save.
        path: a str or os.PathLike.
    Raises:
        ValueError: an unknown kind, or weights that are not finite.
        TypeError: ``path`` is not a path.
    """
    path = _check_path(path, "save")
    kind = _kind_of(obj)
    body = _KINDS[kind][1](obj)
    clash = [key for key in (*_HEADER, _CHECKSUM) if key in body]
    if clash:
        raise ValueError(f"save: to_dict for {kind} must not return the keys {clash}")
    payload = {"format": FORMAT, "version": VERSION, "kind": kind, **body}
    try:
        payload[_CHECKSUM] = checksum(payload)
        text = json.dumps(payload, indent=1, allow_nan=False)
    except ValueError as error:
        raise ValueError(f"save: the {kind} has values JSON cannot hold (NaN or infinity?): {error}") from error
    _remove_stale_temporaries(path)
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f"{_temporary_prefix(path)}{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # 0o666 as open() uses, so the umask applies; an existing file's mode is kept.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            mode = None
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(file.fileno(), mode)
            file.write(text + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _read(path: Any) -> dict[str, Any]:
    chunks: list[bytes] = []
    size = 0
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):  # (read(n) of a huge n would allocate n bytes up front)
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                raise ValueError(f"{path} is larger than {MAX_FILE_BYTES} bytes: not a model file this library wrote")
            chunks.append(chunk)
    data = b"".join(chunks)
    try:
        payload = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not valid JSON (not UTF-8 text: corrupted?): {error}") from None
    except RecursionError:
        raise ValueError(f"{path} is not valid JSON for a model: nested too deeply") from None
    except ValueError as error:  # JSONDecodeError, or an int of more digits than Python converts
        raise ValueError(f"{path} is not valid JSON (corrupted or truncated?): {error}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        found = payload.get("format") if isinstance(payload, dict) else type(payload).__name__
        raise ValueError(f"{path} is not a scalargrad file (format {describe(found)}, expected {FORMAT!r})")
    version = payload.get("version")
    if type(version) is not int or version not in _READABLE_VERSIONS:
        raise ValueError(
            f"{path} has version {describe(version)}; this scalargrad reads versions "
            f"{', '.join(map(str, _READABLE_VERSIONS))}"
        )
    kind = payload.get("kind")
    if not isinstance(kind, str) or kind not in _KINDS:
        raise ValueError(f"{path} holds an unknown kind {describe(kind)}; known kinds: {', '.join(sorted(_KINDS))}")
    if version >= 2:
        recorded = payload.pop(_CHECKSUM, None)
        if not isinstance(recorded, str):
            raise ValueError(f"{path} has no {_CHECKSUM!r} checksum (version {version} files carry one)")
        try:
            actual = checksum(payload)
        except (ValueError, RecursionError) as error:
            raise ValueError(f"{path}: content JSON cannot hold: {error}") from None
        if actual != recorded:
            raise ValueError(
                f"{path} is corrupted: its content does not match its {_CHECKSUM} checksum "
                f"(recorded {describe(recorded)}, computed {actual!r})"
            )
    elif _CHECKSUM in payload:
        raise ValueError(f"{path} has version 1, which has no {_CHECKSUM!r} key: corrupted")
    keys = _KINDS[kind][3]
    if keys is not None:
        body_keys = set(payload) - set(_HEADER)
        unknown, missing = sorted(map(str, body_keys - keys)), sorted(keys - body_keys)
        if unknown:
            raise ValueError(f"{path}: unknown keys {unknown} in a {kind} file (expected {sorted(keys)})")
        if missing:
            raise ValueError(f"{path}: {missing[0]!r} must be an object, got nothing (missing keys {missing})")
    return payload


# What a from_dict may raise on bad content; all of it means "a bad file".
_CONTENT_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, RecursionError)


def load(path: str | os.PathLike[str], model: Module | None = None) -> Any:
    """Read an object written by ``save`` (format version 2, or 1 without a checksum).

    Args:
        path: the file (a str or os.PathLike).
        model: optional module to load the weights into (instead of building a new
            one); the file's kind and config must match it. On any error it is left
            exactly as it was.
    Returns:
        The new object (or ``model``).
    Raises:
        ValueError: corrupted (checksum), truncated, wrong format, wrong version, unknown
            kind, unknown keys, absurd sizes or wrong architecture; the message names the file.
        TypeError: ``path`` is not a path (an int is not taken as a file descriptor).
        OSError: the file cannot be read.
    """
    path = _check_path(path, "load")
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
                f"{path} holds a {kind} with config {describe(body.get('config'))}, "
                f"but the model has {model.config()!r}"
            )
        try:
            model.load_state_dict(body.get("state"))
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        return model
    try:
        return _KINDS[kind][2](body)
    except _CONTENT_ERRORS as error:
        raise ValueError(f"{path}: cannot rebuild the {kind}: {error}") from error
