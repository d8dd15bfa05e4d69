"""Gradient checking: backward against central differences, with a readable report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .checks import as_float
from .functional import gradients
from .value import Value

__all__ = ["GradcheckError", "gradcheck", "numeric_gradients"]


class GradcheckError(AssertionError):
    """Backward and central differences disagree; the message is a table of the inputs."""


def _evaluate(f: Callable[..., Any], xs: Sequence[float]) -> float:
    # Not under no_grad: f may compute gradients itself (a first derivative, for second-order checks).
    out = f(*[Value(x) for x in xs])
    return out.data if isinstance(out, Value) else as_float(out, "f's result")


def numeric_gradients(f: Callable[..., Any], xs: Sequence[float], eps: float = 1e-6) -> list[float]:
    """Central differences (f(x+h) - f(x-h)) / 2h per input, with h = eps * max(1, |x|)."""
    numeric = []
    for i, x in enumerate(xs):
        h = eps * max(1.0, abs(x))
        up, down = list(xs), list(xs)
        up[i], down[i] = x + h, x - h
        # Divide by the step the floats really took, not the one we asked for.
        numeric.append((_evaluate(f, up) - _evaluate(f, down)) / (up[i] - down[i]))
    return numeric


def gradcheck(
    f: Callable[..., Any], *inputs: float | Value, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3
) -> bool:
    """Check f's backward against central differences at ``inputs``.

    Args:
        f: a function of len(inputs) Values returning a Value.
        inputs: numbers (or Values, whose data is used).
        eps: relative step: h = eps * max(1, |x|).
        atol, rtol: pass when |analytic - numeric| <= atol + rtol * |numeric|.
    Returns:
        True.
    Raises:
        GradcheckError: with a table (input, x, analytic, numeric, error, tolerance).

    Example:
        >>> from autodiff import gradcheck
        >>> gradcheck(lambda x, y: x * y.tanh(), 0.5, -1.5)
        True
    """
    xs = [as_float(x.data if isinstance(x, Value) else x, f"input {i}") for i, x in enumerate(inputs)]
    values = [Value(x) for x in xs]
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}: {out!r}")
    analytic = gradients(out, values)
    numeric = numeric_gradients(f, xs, eps)
    rows, failed = [], False
    for i, (x, a, n) in enumerate(zip(xs, analytic, numeric)):
        error, tolerance = abs(a - n), atol + rtol * abs(n)
        bad = not error <= tolerance
        failed |= bad
        rows.append(
            (f"{'> ' if bad else '  '}{i}", f"{x:.6g}", f"{a:.10g}", f"{n:.10g}", f"{error:.3g}", f"{tolerance:.3g}")
        )
    if failed:
        name = getattr(f, "__name__", "f")
        raise GradcheckError(
            f"gradcheck failed for {name}: backward disagrees with central differences "
            f"(eps={eps}, atol={atol}, rtol={rtol}); rows marked > fail\n" + _table(rows)
        )
    return True


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    header = ("input", "x", "analytic", "numeric", "error", "tolerance")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in [header, *rows])
