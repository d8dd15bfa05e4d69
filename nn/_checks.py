"""Argument checks shared by nn's modules: each rule written once, each message naming the value.

Every check returns the cleaned value (an int, a float, a Generator) or raises
ValueError (for a bad seed a SeedError, which is both a ValueError and the
TypeError numpy raises). Huge ints are described by their size, never printed
whole.

Example:
    >>> from nn._checks import MAX_PARAMETERS, positive_int, finite_real
    >>> positive_int("nin", 3), finite_real("lr", 1)
    (3, 1.0)
    >>> positive_int("nin", 10**400, limit=MAX_PARAMETERS)
    Traceback (most recent call last):
    ...
    ValueError: nin must be a positive int of at most 10000000, got a 401-digit int
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Literal, overload

import numpy as np

__all__ = [
    "MAX_PARAMETERS",
    "SeedError",
    "describe",
    "is_finite_real",
    "positive_int",
    "finite_real",
    "as_generator",
    "check_seed",
    "seed_for_config",
    "renamed",
]

# The largest network nn builds: 10 million scalar Parameters are some GB of Values and hours
# per epoch on the scalar path. Also the bound on every size read from a model file.
MAX_PARAMETERS = 10_000_000


class SeedError(TypeError, ValueError):
    """A seed (or random_state) that is not None, an int >= 0 or a numpy Generator.

    Both a TypeError (as numpy raises for the wrong kind) and a ValueError (as nn raises for
    every other bad argument), so one rule holds for every seed in nn.
    """


def describe(value: Any) -> str:
    """A short repr for messages: a huge int as its digit count, anything else cut at 80 characters."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and abs(int(value)) >= 10**20:
        return f"a {len(str(abs(int(value))))}-digit int"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def is_finite_real(value: Any) -> bool:
    """True for an int, float or numpy real that is a finite float (not bool, not a huge int)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (OverflowError, ValueError, TypeError):
        return False


@overload
def positive_int(name: str, value: Any, *, limit: int | None = None, optional: Literal[False] = False) -> int: ...


@overload
def positive_int(name: str, value: Any, *, limit: int | None = None, optional: bool) -> int | None: ...


def positive_int(name: str, value: Any, *, limit: int | None = None, optional: bool = False) -> int | None:
    """``value`` as an int >= 1 (and <= ``limit`` if given); ValueError naming ``name`` otherwise.

    With ``optional=True``, None is accepted and returned.
    """
    if optional and value is None:
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = int(value)
        if number >= 1 and (limit is None or number <= limit):
            return number
    kind = "None or a positive int" if optional else "a positive int"
    bound = f" of at most {limit}" if limit is not None else ""
    raise ValueError(f"{name} must be {kind}{bound}, got {describe(value)}")


def finite_real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a finite float, optionally within bounds; ValueError naming ``name`` otherwise.

    Args:
        name: the argument's name, for the message.
        value: an int, float or numpy real (not bool).
        low, high: optional bounds; ``low_open``/``high_open`` exclude them.
    Returns:
        The float.
    """
    if not is_finite_real(value):
        raise ValueError(f"{name} must be a finite number, got {describe(value)}")
    number = float(value)
    if low is not None and (number < low or (low_open and number == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {describe(value)}")
    if high is not None and (number > high or (high_open and number == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, got {describe(value)}")
    return number


def as_generator(name: str, value: Any) -> np.random.Generator:
    """None (fresh randomness), an int >= 0 or a numpy Generator -> a Generator.

    One rule for every ``seed`` (and ``random_state``) in nn: an int gives the same draws on
    every call; a Generator is used as is, so successive calls continue its stream.

    Raises:
        SeedError: any other kind (bool, float, str, ...) or a negative int, naming ``name``.
    """
    value = check_seed(name, value)
    return value if isinstance(value, np.random.Generator) else np.random.default_rng(value)


def check_seed(name: str, value: Any) -> int | np.random.Generator | None:
    """``value`` if it is None, an int >= 0 (returned as int) or a numpy Generator; see ``as_generator``."""
    if value is None or isinstance(value, np.random.Generator):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if value < 0:
            raise SeedError(f"{name} must be >= 0, got {describe(value)}")
        return int(value)
    raise SeedError(
        f"{name} must be None, an int seed or a numpy Generator, got {type(value).__name__}: {describe(value)}"
    )


def seed_for_config(name: str, value: Any) -> int | None:
    """A seed as a config (JSON) stores it: the int, or None for None or a Generator (not storable)."""
    value = check_seed(name, value)
    return value if isinstance(value, int) else None


def renamed(old: str, new: str, old_value: Any, new_value: Any, who: str) -> tuple[Any, str]:
    """Resolve a renamed keyword: (value, the name it came by), warning when it came by the old name.

    Returns:
        (new_value, new) normally; (old_value, old) with a DeprecationWarning when only the old
        keyword was given. Both given is a ValueError.
    """
    if old_value is None:
        return new_value, new
    if new_value is not None:
        raise ValueError(f"{who}: pass {new}= only ({old}= is its deprecated old name), not both")
    warnings.warn(f"{who}: {old}= is deprecated; use {new}=", DeprecationWarning, stacklevel=3)
    return old_value, old
