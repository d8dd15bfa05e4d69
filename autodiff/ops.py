"""The op table: every primitive, with its forward and its local derivatives side by side.

A one-input op has ``forward(x, arg)`` and ``derivative(x, out, arg)``; any
other op has ``forward(xs, arg)`` and ``partials(xs, out, arg)`` (one
d(out)/d(x_i) per input). ``arg`` is the op's own constant (an exponent, a
slope), ``out`` the forward's result. Generic callers use
``op.evaluate(xs, arg)`` and ``op.local_grads(xs, out, arg)`` for any arity.

Each rule is written once, with the arithmetic operators and the math
functions of this module (``exp``, ``log``, ``where``, ...), which dispatch on
their operand: a float goes to ``math``, a NumPy array to NumPy, a Value to
its own methods. So the same rule runs on floats (a fast backward), on Values
(``gradients(create_graph=True)``: higher-order derivatives) and on arrays (a
compiled graph replayed over a batch). Forwards refuse inputs outside their
domain with a clear error; a result that is not finite (1e200 * 1e200) is
refused where a node is made, for every op at once.

Each op also declares its ``domains``: where each input is valid and smooth.
The Hypothesis strategies in ``autodiff.testing`` sample from them, and the
tests enumerate ``OPS``, so a new op is gradient-checked the day it is added.

This module imports nothing else of the package: everything else builds on it.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "Domain",
    "Op",
    "OPS",
    "REAL",
    "POSITIVE",
    "NONZERO",
    "get_op",
    "register",
    "exp",
    "log",
    "sqrt",
    "sin",
    "cos",
    "tan",
    "tanh",
    "arcsin",
    "arccos",
    "arctan",
    "arctan2",
    "log1p",
    "expm1",
    "sigmoid",
    "softplus",
    "where",
]


@dataclass(frozen=True)
class Domain:
    """Where one input of an op is valid and smooth, for sampling test points.

    Args:
        low: inputs must be greater than this (None: unbounded below).
        avoid: points where the op is not differentiable (kinks, poles).
        bound: sample inputs with magnitude at most this.
        text: how to say it to a person.
    """

    low: float | None = None
    avoid: tuple = ()
    bound: float = 10.0
    text: str = "any real number"


REAL = Domain()
POSITIVE = Domain(low=0.0, text="x > 0")
NONZERO = Domain(avoid=(0.0,), text="x != 0")
KINK_AT_ZERO = Domain(avoid=(0.0,), text="any real number (not differentiable at 0)")

Rule = Callable[..., Any]


class Op:
    """One primitive of the table. Calling it on inputs builds a node.

    Args:
        name: the table key and, for one-input ops, the Value method name ("tanh").
        symbol: how drawings show it ("tanh", "+", "×").
        arity: number of inputs, or None for an n-ary op (one node for any count).
        forward: one input: (x, arg) -> out; else (xs, arg) -> out. Raises outside the domain.
        rule: one input: derivative(x, out, arg) -> d(out)/dx; else partials(xs, out, arg)
            -> one d(out)/d(x_i) per input. Floats, Values or arrays, with this module's functions.
        domains: one Domain per input (n-ary ops: one Domain for all inputs).
        sample_args: arguments the tests try (None: the op takes no argument).
        backprop: optional, for n-ary ops: backprop(parents, out, arg, grad) adds each input's
            share of ``grad`` to ``parent._acc`` (the backward walk's scratch) without building
            the partials tuple: the same rule as ``partials``, fused for the hottest op (dot).
        doc: one line for people.
    """

    __slots__ = (
        "name",
        "symbol",
        "arity",
        "forward",
        "derivative",
        "partials",
        "backprop",
        "domains",
        "sample_args",
        "doc",
    )

    def __init__(
        self,
        name: str,
        symbol: str,
        arity: int | None,
        forward: Rule,
        rule: Rule,
        domains: Sequence[Domain],
        sample_args: Sequence[Any] | None = None,
        backprop: Rule | None = None,
        doc: str = "",
    ):
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.forward = forward
        # The one stored rule, under the name its shape has.
        self.derivative: Rule | None = rule if arity == 1 else None
        self.partials: Rule | None = None if arity == 1 else rule
        self.backprop = backprop
        self.domains = tuple(domains)
        self.sample_args = None if sample_args is None else tuple(sample_args)
        self.doc = doc or (forward.__doc__ or "").strip()

    def evaluate(self, xs: Sequence[Any], arg: Any = None) -> Any:
        """The forward on a sequence of inputs, for any arity."""
        return self.forward(xs[0], arg) if self.arity == 1 else self.forward(xs, arg)

    def local_grads(self, xs: Sequence[Any], out: Any, arg: Any = None) -> tuple:
        """d(out)/d(x_i) for every input, as a tuple, for any arity."""
        if self.arity == 1:
            return (self.derivative(xs[0], out, arg),)  # type: ignore[misc]
        return tuple(self.partials(xs, out, arg))  # type: ignore[misc]

    def describe(self, arg: Any = None) -> str:
        """The op's symbol with its argument, for drawings: "**2", "leaky_relu(0.1)"."""
        if arg is None:
            return self.symbol
        if self.name in ("pow", "add_const", "mul_const", "div_const", "rpow_const"):
            return f"{self.symbol}{_short(arg)}"
        return f"{self.symbol}({_short(arg)})"

    def domain_of(self, i: int) -> Domain:
        return self.domains[0] if self.arity is None else self.domains[i]

    def __call__(self, *inputs: Any, arg: Any = None) -> Any:
        """Apply the op to Values or numbers; returns a new Value."""
        # Values are built above this module (value.py imports ops), so the builder is
        # looked up when an op is called, never when the table is imported.
        from .extend import apply

        return apply(self, inputs, arg)

    def __repr__(self) -> str:
        return f"<op {self.name}>"


def _short(number: Any) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


OPS: dict[str, Op] = {}


def register(op: Op) -> Op:
    """Add ``op`` to the table; ValueError if the name is taken."""
    if op.name in OPS:
        raise ValueError(f"an op named {op.name!r} exists already: {OPS[op.name]!r}")
    OPS[op.name] = op
    return op


def get_op(name: str) -> Op:
    """The op called ``name``; KeyError listing the known ones if there is none."""
    try:
        return OPS[name]
    except KeyError:
        raise KeyError(f"no op named {name!r}; known ops: {', '.join(sorted(OPS))}") from None


# ---------------------------------------------------------------- the functions rules are written with
# Each takes a float, a NumPy array or a Value (then it calls the Value's method of the same op).
# On floats and arrays they refuse inputs outside the domain with the op's own message; on arrays
# the first offending value is named.
_ndarray = np.ndarray


def _refuse(bad: Any, x: Any, message: Callable[[Any], str], error: type = ValueError) -> None:
    """Raise ``error(message(first bad x))`` if any element of the boolean array ``bad`` is set."""
    if bad.any():
        raise error(message(np.broadcast_to(x, bad.shape)[bad].flat[0].item()))


def where(condition: Any, if_true: Any, if_false: Any) -> Any:
    """``if_true`` where ``condition`` holds, else ``if_false``: a kink, on floats, Values or arrays."""
    if condition is True:  # a comparison of floats (or of a Value's data) gives a bool
        return if_true
    if condition is False:
        return if_false
    return np.where(condition, if_true, if_false)


def _plain(name: str, on_floats: Callable, on_arrays: Callable, doc: str) -> Callable[..., Any]:
    """A function defined everywhere: math on a float, numpy on an array, the Value's method else."""

    def function(x: Any, arg: Any = None) -> Any:
        return on_floats(x) if type(x) is float else on_arrays(x) if type(x) is _ndarray else getattr(x, name)()

    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


def _guarded(
    name: str, on_floats: Callable, on_arrays: Callable, outside: Callable, condition: str, doc: str
) -> Callable[..., Any]:
    """Like ``_plain``, for a function with a domain: ValueError where ``outside(x)`` holds
    (``outside`` is written with operators, so it runs on floats and arrays alike)."""

    def message(x: Any) -> str:
        return f"{name}: input must be {condition}, got {x!r}"

    def function(x: Any, arg: Any = None) -> Any:
        if type(x) is float:
            if outside(x):
                raise ValueError(message(x))
            return on_floats(x)
        if type(x) is _ndarray:
            _refuse(outside(x), x, message)
            return on_arrays(x)
        return getattr(x, name)()

    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


def _overflowing(name: str, on_floats: Callable, on_arrays: Callable, where: str, doc: str) -> Callable[..., Any]:
    """Like ``_plain``, for a function that overflows on large floats: an OverflowError naming the
    input (``where`` says from where on, if known) instead of math's bare "math range error"."""

    def function(x: Any, arg: Any = None) -> Any:
        if type(x) is float:
            try:
                return on_floats(x)
            except OverflowError:
                raise OverflowError(
                    f"{name} overflowed: {name}({x!r}) is larger than the largest float{where}"
                ) from None
        return on_arrays(x) if type(x) is _ndarray else getattr(x, name)()

    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


exp = _overflowing("exp", math.exp, np.exp, " (x > 709.78)", "e ** x")
expm1 = _overflowing("expm1", math.expm1, np.expm1, "", "e ** x - 1, accurate for small x")


log = _guarded("log", math.log, np.log, lambda x: x <= 0, "> 0", "natural logarithm, x > 0")
sqrt = _guarded("sqrt", math.sqrt, np.sqrt, lambda x: x < 0, ">= 0", "square root, x >= 0")
log1p = _guarded("log1p", math.log1p, np.log1p, lambda x: x <= -1.0, "> -1", "log(1 + x), accurate for small x")
arcsin = _guarded("arcsin", math.asin, np.arcsin, lambda x: abs(x) > 1.0, "in [-1, 1]", "inverse sine")
arccos = _guarded("arccos", math.acos, np.arccos, lambda x: abs(x) > 1.0, "in [-1, 1]", "inverse cosine")
sin = _plain("sin", math.sin, np.sin, "sine")
cos = _plain("cos", math.cos, np.cos, "cosine")
tan = _plain("tan", math.tan, np.tan, "tangent")
tanh = _plain("tanh", math.tanh, np.tanh, "hyperbolic tangent (never overflows)")
arctan = _plain("arctan", math.atan, np.arctan, "inverse tangent")


def arctan2(y: Any, x: Any) -> Any:
    """the angle of the point (x, y), in (-pi, pi]"""
    if type(y) is float and type(x) is float:
        return math.atan2(y, x)
    if type(y) is _ndarray or type(x) is _ndarray:
        return np.arctan2(y, x)
    return ARCTAN2(y, x)


def sigmoid(x: Any, arg: Any = None) -> Any:
    """1 / (1 + e**-x), computed so that it never overflows"""
    if type(x) is float:
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        z = math.exp(x)  # x < 0: exp(x) < 1, no overflow
        return z / (1.0 + z)
    if type(x) is _ndarray:
        e = np.exp(-np.abs(x))  # <= 1: never overflows
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return x.sigmoid()


def softplus(x: Any, arg: Any = None) -> Any:
    """log(1 + e**x), as max(x, 0) + log1p(e**-|x|) so that it never overflows"""
    if type(x) is float:
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    if type(x) is _ndarray:
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    return x.softplus()


def _fsum(xs: Sequence[Any]) -> Any:
    """x_1 + ... + x_n, correctly rounded on floats (any order gives the same result)."""
    if type(xs[0]) is _ndarray:
        return np.sum(xs, axis=0)
    if len(xs) <= 2:
        return sum(xs)
    try:
        return math.fsum(xs)
    except (OverflowError, ValueError):  # fsum refuses partial sums beyond the floats, even when the total is not
        return _exact_sum(xs)


def _exact_sum(xs: Sequence[float]) -> float:
    """The correctly rounded total, like fsum's, from exact fractions; nan or inf where there is
    no such float (where the node is made, the bad input or the overflow is then named)."""
    if not all(map(math.isfinite, xs)):
        return math.nan
    try:
        return float(sum(map(Fraction, xs)))
    except OverflowError:
        return math.inf


def _refuse_zero_divisor(x: Any, y: Any) -> None:
    if type(y) is _ndarray or type(x) is _ndarray:
        bad = np.broadcast_to(y == 0, np.broadcast(x, y).shape)
        if bad.any():
            i = np.flatnonzero(bad)[0]
            first_x, first_y = np.broadcast_to(x, bad.shape).flat[i], np.broadcast_to(y, bad.shape).flat[i]
            raise ZeroDivisionError(f"div: division by zero ({first_x.item()!r} / {first_y.item()!r})")
    elif y == 0:
        raise ZeroDivisionError(f"div: division by zero ({x!r} / {y!r})")


# ---------------------------------------------------------------- arithmetic
def _add_forward(xs: Sequence[Any], arg: Any) -> Any:
    """x + y"""
    return xs[0] + xs[1]


ADD = register(Op("add", "+", 2, _add_forward, lambda xs, out, arg: (1.0, 1.0), (REAL, REAL)))


def _sub_forward(xs: Sequence[Any], arg: Any) -> Any:
    """x - y"""
    return xs[0] - xs[1]


SUB = register(Op("sub", "−", 2, _sub_forward, lambda xs, out, arg: (1.0, -1.0), (REAL, REAL)))


def _mul_forward(xs: Sequence[Any], arg: Any) -> Any:
    """x * y"""
    return xs[0] * xs[1]


# d(xy)/dx = y, d(xy)/dy = x: the product rule.
MUL = register(Op("mul", "×", 2, _mul_forward, lambda xs, out, arg: (xs[1], xs[0]), (REAL, REAL)))


# x + c, x * c and x / c with a plain number c keep c as the op's argument instead of
# making a leaf Value for it: one node instead of two on the hottest path, and no leaf
# whose (unasked) gradient could overflow.
def _add_const_forward(x: Any, arg: Any) -> Any:
    """x + c for a constant c (the op's argument)"""
    return x + arg


ADD_CONST = register(
    Op("add_const", "+", 1, _add_const_forward, lambda x, out, arg: 1.0, (REAL,), sample_args=(0.5, -2.0))
)


def _mul_const_forward(x: Any, arg: Any) -> Any:
    """x * c for a constant c (the op's argument)"""
    return x * arg


MUL_CONST = register(
    Op("mul_const", "×", 1, _mul_const_forward, lambda x, out, arg: arg, (REAL,), sample_args=(3.0, -0.5))
)


def _div_forward(xs: Sequence[Any], arg: Any) -> Any:
    """x / y"""
    x, y = xs
    _refuse_zero_divisor(x, y)
    return x / y


# d(x/y)/dx = 1/y, d(x/y)/dy = -x/y**2
DIV = register(
    Op("div", "÷", 2, _div_forward, lambda xs, out, arg: (1.0 / xs[1], -xs[0] / (xs[1] * xs[1])), (REAL, NONZERO))
)


def _div_const_forward(x: Any, arg: Any) -> Any:
    """x / c for a constant c (the op's argument): a mean's division by n makes no leaf for n"""
    _refuse_zero_divisor(x, arg)
    return x / arg


DIV_CONST = register(
    Op("div_const", "÷", 1, _div_const_forward, lambda x, out, arg: 1.0 / arg, (REAL,), sample_args=(2.0, -0.5, 3))
)


def _neg_forward(x: Any, arg: Any) -> Any:
    """-x"""
    return -x


NEG = register(Op("neg", "−", 1, _neg_forward, lambda x, out, arg: -1.0, (REAL,)))


def _pow_forward(x: Any, arg: Any) -> Any:
    """x ** c for a constant exponent c (the op's argument)"""
    if type(x) is _ndarray:
        if arg != int(arg):
            _refuse(x < 0, x, lambda v: f"pow: a negative base to a fractional power is not real ({v!r} ** {arg!r})")
        if arg < 0:
            _refuse(x == 0, x, lambda v: f"pow: zero to a negative power ({v!r} ** {arg!r})", ZeroDivisionError)
        return np.power(x, float(arg))
    if x < 0 and arg != int(arg):
        raise ValueError(f"pow: a negative base to a fractional power is not real ({x!r} ** {arg!r})")
    if x == 0 and arg < 0:
        raise ZeroDivisionError(f"pow: zero to a negative power ({x!r} ** {arg!r})")
    try:
        return x**arg
    except OverflowError as error:
        raise OverflowError(f"pow overflowed: {x!r} ** {arg!r} is too large for a float") from error


def _pow_derivative(x: Any, out: Any, arg: Any) -> Any:
    # d(x**c)/dx = c * x**(c-1); c == 0 is the constant 1, whose slope is 0 even at x == 0.
    return arg * x ** (arg - 1) if arg != 0 else 0.0


POW = register(
    Op(
        "pow",
        "**",
        1,
        _pow_forward,
        _pow_derivative,
        (Domain(low=0.0, bound=5.0, text="x > 0 (x < 0 only for whole exponents)"),),
        sample_args=(2, 3, -1, 0.5, -1.5, 2.5),
    )
)


def _powv_message(x: Any) -> str:
    return f"powv: a Value exponent needs a positive base, got base {x!r}"


def _powv_forward(xs: Sequence[Any], arg: Any) -> Any:
    """x ** y for a Value exponent y; needs x > 0"""
    x, y = xs
    if type(x) is _ndarray or type(y) is _ndarray:
        _refuse(np.asarray(x) <= 0, x, _powv_message)
        return np.power(x, y)
    if x <= 0:
        raise ValueError(f"{_powv_message(x)} (exponent {y!r})")
    try:
        return x**y
    except OverflowError as error:
        raise OverflowError(f"powv overflowed: {x!r} ** {y!r} is too large for a float") from error


# d(x**y)/dx = y * x**(y-1), d(x**y)/dy = x**y * log(x)
POWV = register(
    Op(
        "powv",
        "**",
        2,
        _powv_forward,
        lambda xs, out, arg: (xs[1] * xs[0] ** (xs[1] - 1.0), out * log(xs[0])),
        (Domain(low=0.0, bound=5.0, text="x > 0"), Domain(bound=3.0)),
    )
)


def _rpow_const_forward(x: Any, arg: Any) -> Any:
    """c ** x for a constant base c > 0 (the op's argument)"""
    return _powv_forward((arg, x), None)


# d(c**x)/dx = c**x * log(c). The base rides along as the argument (like x + c): a leaf for it
# would get a gradient nobody asked for, which can overflow where nothing else does.
RPOW_CONST = register(
    Op(
        "rpow_const",
        "^",
        1,
        _rpow_const_forward,
        lambda x, out, arg: out * math.log(arg),
        (Domain(bound=3.0),),
        sample_args=(2.0, 0.5, 10),
    )
)


def _abs_forward(x: Any, arg: Any) -> Any:
    """|x|"""
    return abs(x)


# The slope of |x| is the sign of x; at the kink x == 0 we take 0 (a subgradient).
ABS = register(
    Op("abs", "abs", 1, _abs_forward, lambda x, out, arg: where(x > 0, 1.0, where(x < 0, -1.0, 0.0)), (KINK_AT_ZERO,))
)

# ---------------------------------------------------------------- exp and log
EXP = register(Op("exp", "exp", 1, exp, lambda x, out, arg: out, (REAL,)))
LOG = register(Op("log", "log", 1, log, lambda x, out, arg: 1.0 / x, (POSITIVE,)))
# d sqrt(x) = 1 / (2 sqrt(x)): infinite at 0, where backward raises ZeroDivisionError naming sqrt.
SQRT = register(Op("sqrt", "√", 1, sqrt, lambda x, out, arg: 0.5 / out, (POSITIVE,)))
LOG1P = register(Op("log1p", "log1p", 1, log1p, lambda x, out, arg: 1.0 / (1.0 + x), (Domain(low=-1.0),)))
# d expm1(x) = e**x (from x, not out + 1, which loses the digits expm1 is for)
EXPM1 = register(Op("expm1", "expm1", 1, expm1, lambda x, out, arg: exp(x), (REAL,)))

# ---------------------------------------------------------------- activations
TANH = register(Op("tanh", "tanh", 1, tanh, lambda x, out, arg: 1.0 - out * out, (REAL,)))
SIGMOID = register(Op("sigmoid", "σ", 1, sigmoid, lambda x, out, arg: out * (1.0 - out), (REAL,)))


def _relu_forward(x: Any, arg: Any) -> Any:
    """max(0, x)"""
    # (x > 0) is 1 or 0, so the product is x or ±0.0, and + 0.0 makes -0.0 a plain 0.0. Operators
    # only: the same on floats and arrays, with no call (relu is on the hottest path).
    return (x > 0) * x + 0.0


# 1 where x > 0, else 0 (a float, or an array of them)
RELU = register(Op("relu", "relu", 1, _relu_forward, lambda x, out, arg: (x > 0) * 1.0, (KINK_AT_ZERO,)))


def _leaky_relu_forward(x: Any, arg: Any) -> Any:
    """x for x > 0, else negative_slope * x (the op's argument)"""
    return where(x > 0, x, arg * x)


LEAKY_RELU = register(
    Op(
        "leaky_relu",
        "leaky_relu",
        1,
        _leaky_relu_forward,
        lambda x, out, arg: where(x > 0, 1.0, arg),
        (KINK_AT_ZERO,),
        sample_args=(0.01, 0.2),
    )
)
# d softplus(x) = sigmoid(x)
SOFTPLUS = register(Op("softplus", "softplus", 1, softplus, lambda x, out, arg: sigmoid(x), (REAL,)))

# ---------------------------------------------------------------- trigonometry
SIN = register(Op("sin", "sin", 1, sin, lambda x, out, arg: cos(x), (REAL,)))
COS = register(Op("cos", "cos", 1, cos, lambda x, out, arg: -sin(x), (REAL,)))
# d tan(x) = 1 + tan(x)**2; poles at pi/2 + k pi, so tests stay inside (-pi/2, pi/2).
TAN = register(Op("tan", "tan", 1, tan, lambda x, out, arg: 1.0 + out * out, (Domain(bound=1.3, text="|x| < pi/2"),)))
_INSIDE_UNIT = Domain(low=-0.95, bound=0.95, text="-1 < x < 1")
# d arcsin(x) = 1 / sqrt(1 - x**2), d arccos(x) = -1 / sqrt(1 - x**2): infinite at x = +-1.
ARCSIN = register(Op("arcsin", "arcsin", 1, arcsin, lambda x, out, arg: 1.0 / sqrt(1.0 - x * x), (_INSIDE_UNIT,)))
ARCCOS = register(Op("arccos", "arccos", 1, arccos, lambda x, out, arg: -1.0 / sqrt(1.0 - x * x), (_INSIDE_UNIT,)))
ARCTAN = register(Op("arctan", "arctan", 1, arctan, lambda x, out, arg: 1.0 / (1.0 + x * x), (REAL,)))


def _arctan2_forward(xs: Sequence[Any], arg: Any) -> Any:
    """the angle of the point (x, y) for inputs (y, x), in (-pi, pi]"""
    return arctan2(xs[0], xs[1])


def _arctan2_partials(xs: Sequence[Any], out: Any, arg: Any) -> tuple:
    # d/dy = x / (x**2 + y**2), d/dx = -y / (x**2 + y**2)
    y, x = xs
    r2 = x * x + y * y
    return x / r2, -y / r2


# y away from 0 keeps the point off the branch cut (y = 0, x < 0) and off the origin.
ARCTAN2 = register(
    Op("arctan2", "arctan2", 2, _arctan2_forward, _arctan2_partials, (Domain(avoid=(0.0,), bound=5.0), REAL))
)


# ---------------------------------------------------------------- maximum and minimum
def _maximum_forward(xs: Sequence[Any], arg: Any) -> Any:
    """the larger of x and y"""
    x, y = xs
    return where(x >= y, x, y)


def _minimum_forward(xs: Sequence[Any], arg: Any) -> Any:
    """the smaller of x and y"""
    x, y = xs
    return where(x <= y, x, y)


def _larger_share(x: Any, y: Any) -> Any:
    # A tie splits the slope evenly: then maximum(a, a) has slope 1 in a, and central
    # differences at a tie measure exactly 0.5 for each input.
    return where(x > y, 1.0, where(x < y, 0.0, 0.5))


# The domains keep test points off the kink x == y (a domain is per input: x above 0.5, y within 0.4).
_APART = (Domain(low=0.5, text="x > y"), Domain(bound=0.4, text="y < x"))
MAXIMUM = register(
    Op(
        "maximum",
        "max",
        2,
        _maximum_forward,
        lambda xs, out, arg: (_larger_share(xs[0], xs[1]), _larger_share(xs[1], xs[0])),
        _APART,
    )
)
MINIMUM = register(
    Op(
        "minimum",
        "min",
        2,
        _minimum_forward,
        lambda xs, out, arg: (_larger_share(xs[1], xs[0]), _larger_share(xs[0], xs[1])),
        _APART,
    )
)

# ---------------------------------------------------------------- n-ary: one node for any number of inputs


def _sum_forward(xs: Sequence[Any], arg: Any) -> Any:
    """x_1 + ... + x_n"""
    return _fsum(xs)


def _sum_partials(xs: Sequence[Any], out: Any, arg: Any) -> Any:
    # d(x_1 + ... + x_n)/dx_i = 1 (on a compiled replay's rows: one array of ones)
    return np.ones(len(xs)) if type(xs) is _ndarray else (1.0,) * len(xs)


SUM = register(Op("sum", "Σ", None, _sum_forward, _sum_partials, (REAL,)))


def dot_value(ws: Any, xs: Any, bias: Any = None) -> Any:
    """w . x + b (b optional): the dot op's forward, also used by ``autodiff.dots``."""
    if type(ws) is _ndarray:  # one row per input (a compiled replay): one array sum, not n of them
        total = np.einsum("i...,i...->...", ws, xs)
    else:
        total = sum(map(operator.mul, ws, xs))
    return total if bias is None else total + bias


def _dot_forward(xs: Sequence[Any], arg: Any) -> Any:
    """w . x + b: inputs are w_1..w_n, x_1..x_n and, when their count is odd, the bias b last"""
    n = len(xs) // 2
    return dot_value(xs[:n], xs[n : 2 * n], xs[-1] if len(xs) % 2 else None)


def _dot_partials(xs: Sequence[Any], out: Any, arg: Any) -> Any:
    # d(w.x + b)/dw_i = x_i, d/dx_i = w_i, d/db = 1
    n = len(xs) // 2
    if type(xs) is _ndarray:  # one row per input (a compiled replay): the rows swapped, in one array
        return np.concatenate([xs[n : 2 * n], xs[:n], np.ones_like(xs[2 * n :])])
    return (*xs[n : 2 * n], *xs[:n], 1.0)[: len(xs)]


def _dot_backprop(parents: Sequence[Any], out: Any, arg: Any, grad: float) -> None:
    # _dot_partials, fused: no tuple of partials per node (networks are mostly dots).
    n = len(parents) // 2
    for w, x in zip(parents[:n], parents[n : 2 * n]):
        w._acc += grad * x.data
        x._acc += grad * w.data
    if len(parents) % 2:
        parents[-1]._acc += grad


DOT = register(Op("dot", "Σ w·x+b", None, _dot_forward, _dot_partials, (REAL,), backprop=_dot_backprop))


def _logsumexp_forward(xs: Sequence[Any], arg: Any) -> Any:
    """log(e**x_1 + ... + e**x_n), shifted by the max so that it never overflows"""
    if not len(xs):
        raise ValueError("logsumexp: needs at least one input, got none")
    if type(xs[0]) is _ndarray:
        top = np.max(xs, axis=0)
        return top + np.log(np.sum([np.exp(x - top) for x in xs], axis=0))
    top = max(xs)
    return top + math.log(math.fsum(math.exp(x - top) for x in xs))


# d logsumexp / dx_i = e**(x_i - out): the softmax, <= 1 so it never overflows.
LOGSUMEXP = register(
    Op(
        "logsumexp",
        "logΣexp",
        None,
        _logsumexp_forward,
        lambda xs, out, arg: tuple(exp(x - out) for x in xs),
        (REAL,),
    )
)
