"""Growing the table: your own ops (``define_op``), applying any op (``apply``), Value methods."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import ops
from .checks import as_float
from .ops import OPS, REAL, Domain, Op
from .value import Value, make_node, unary_method

__all__ = ["define_op", "apply", "add_method"]


def apply(op: Op, inputs: Sequence[Any], arg: Any = None) -> Value:
    """Apply ``op`` to ``inputs`` (Values or numbers) and return the new Value.

    Example:
        >>> from autodiff import Value, apply, get_op
        >>> apply(get_op("tanh"), [Value(0.0)]).data
        0.0
    """
    parents = tuple(
        x if isinstance(x, Value) else Value(as_float(x, f"{op.name}: input {i}")) for i, x in enumerate(inputs)
    )
    if op.arity is not None and len(parents) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} input(s), got {len(parents)}")
    data = op.evaluate([p.data for p in parents], arg)
    # A one-input node keeps its input bare (see value.make_node); an n-ary op's single input stays in a tuple.
    return make_node(op, parents[0] if op.arity == 1 else parents, arg, data)


def add_method(op: Op) -> None:
    """Make a one-input op callable as a Value method: ``x.<op.name>()``."""
    setattr(Value, op.name, unary_method(op, op.doc or f"The {op.name} op (user-defined)."))


def define_op(
    name: str,
    forward: Callable[..., Any],
    derivative: Callable[..., Any],
    *,
    domain: Domain | Sequence[Domain] = REAL,
    symbol: str | None = None,
    arity: int = 1,
    sample_args: Sequence[Any] | None = None,
    register: bool = True,
) -> Op:
    """Declare a new op that joins the table like a built-in one.

    Args:
        name: the op's name; for a one-input op it also becomes a Value method.
        forward: f(x) (or f(x, y) for arity 2) on plain floats, returning a float.
        derivative: d(x, out) -> d(out)/dx (for arity 2: d(x, y, out) -> (d/dx, d/dy)).
            Write it with arithmetic, or the functions of ``autodiff.ops`` (exp, log, where, ...),
            so that it also works on Values (higher-order gradients) and arrays (autodiff.compile).
        domain: a Domain for the input (or one per input) where it is valid and smooth.
        symbol: how drawings show it (default: the name).
        arity: the number of inputs (1 or more).
        register: False builds the op without adding it to the table (for experiments).
    Returns:
        The Op; call it on Values: ``swish(x)``, or ``x.swish()`` once registered.

    Example:
        >>> from autodiff import Value, define_op
        >>> cube = define_op("cube_demo", lambda x: x ** 3, lambda x, out: 3 * x * x, register=False)
        >>> cube(Value(2.0)).data
        8.0
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"an op name must be a Python identifier, got {name!r}")
    if isinstance(arity, bool) or not isinstance(arity, int) or arity < 1:
        raise ValueError(f"arity must be a whole number >= 1, got {arity!r}")
    domains = (domain,) * arity if isinstance(domain, Domain) else tuple(domain)
    if len(domains) != arity:
        raise ValueError(f"{name}: {arity} inputs need {arity} domains, got {len(domains)}")

    doc = forward.__doc__ or ""
    if arity == 1:
        op = Op(
            name,
            symbol or name,
            1,
            lambda x, arg: _as_result(forward(x)),
            lambda x, out, arg: derivative(x, out),
            domains,
            sample_args,
            doc=doc,
        )
    else:
        op = Op(
            name,
            symbol or name,
            arity,
            lambda xs, arg: _as_result(forward(*xs)),
            lambda xs, out, arg: tuple(derivative(*xs, out)),
            domains,
            sample_args,
            doc=doc,
        )
    if register:
        if name in OPS or hasattr(Value, name):
            raise ValueError(f"an op or Value attribute named {name!r} exists already; choose another name")
        ops.register(op)
        if arity == 1:
            add_method(op)
    return op


def _as_result(out: Any) -> Any:
    """A user forward's result: a float on floats (an int or numpy scalar becomes one); arrays pass."""
    ndim: int = getattr(out, "ndim", 0)
    return out if ndim and hasattr(out, "shape") else float(out)
