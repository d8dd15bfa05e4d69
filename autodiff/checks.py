"""What counts as a number for the engine, and the errors that say why not."""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = ["is_real", "as_float", "must_be_finite"]


def is_real(data: Any) -> bool:
    """int, float, or numpy real scalar; not bool (True + 1 is a bug, not a number)."""
    kind = type(data)
    return kind is float or kind is int or (isinstance(data, numbers.Real) and not isinstance(data, bool))


def as_float(data: Any, what: str = "Value data") -> float:
    """A real number as a float; TypeError naming the type, ValueError if not finite.

    Example:
        >>> as_float(3)
        3.0
    """
    if not is_real(data):
        raise TypeError(
            f"{what} must be a real number (int, float or numpy real scalar), got {type(data).__name__}: {data!r}"[:300]
        )
    try:
        number = float(data)
    except OverflowError:  # an int (or Fraction) beyond the largest float
        digits = len(str(abs(int(data))))
        raise OverflowError(
            f"{what} is too large for a float: an integer of {digits} digits (floats end near 1.8e308)"
        ) from None
    if not math.isfinite(number):
        raise must_be_finite(what, number)
    return number


def must_be_finite(what: str, number: float) -> ValueError:
    """The error for a NaN or infinite ``number`` given as ``what``."""
    return ValueError(f"{what} must be finite, got {number!r}")
