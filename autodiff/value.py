"""Value: a number that remembers how it was computed.

Every arithmetic operation on Values makes a new Value that records its
parents (the inputs) and the op from the table in ``ops.py``. ``backward()``
then walks that graph once, in reverse, applying the chain rule.

Values are compared by identity (``==`` and ``hash``), so they can live in
sets and dicts; ``<``, ``<=``, ``>``, ``>=`` compare their data.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import math
from collections.abc import Callable, Iterator
from typing import Any

from . import graph
from .checks import as_float, is_real, must_be_finite
from .mode import MODE, Scope
from .ops import (
    ABS,
    ADD,
    ADD_CONST,
    ARCCOS,
    ARCSIN,
    ARCTAN,
    COS,
    DIV,
    DIV_CONST,
    EXP,
    EXPM1,
    LEAKY_RELU,
    LOG,
    LOG1P,
    MUL,
    MUL_CONST,
    NEG,
    POW,
    POWV,
    RELU,
    RPOW_CONST,
    SIGMOID,
    SIN,
    SOFTPLUS,
    SQRT,
    SUB,
    TAN,
    TANH,
    Op,
)

__all__ = ["Value", "make_node", "unary_method", "watch", "Number"]

Number = float | int  # what may stand beside a Value in arithmetic (numpy real scalars too)

# Values are numbered as they are created. An op's inputs always exist before
# its output, so sorting nodes by this number gives a topological order.
_next_order = itertools.count().__next__
_isfinite = math.isfinite
# Bound once: a method called on an imported name compiles to a plain attribute load and call,
# slower than the method call it would be on a name of this module (make_node runs per node).
_current_mode = MODE.get
_CONSTANT = "a number combined with a Value"


def unary_method(op: Op, doc: str = "") -> Callable[[Value], Value]:
    """A Value method applying the one-input ``op``: ``x.tanh()``. Makes exactly one node."""
    forward = op.forward

    def method(self: Value) -> Value:
        return make_node(op, self, None, forward(self.data, None))

    method.__name__ = method.__qualname__ = op.name
    method.__doc__ = doc or op.doc
    return method


class Value:
    """A scalar node of a computation graph.

    Args:
        data: a real number (int, float or numpy real scalar).
        label: an optional name, shown in drawings and in the repr.

    Attributes:
        data (float): the number.
        grad (float): d(output)/d(this), summed over backward calls; 0.0 until one reaches it.
        label (str): the name.

    Example:
        >>> from autodiff import Value
        >>> x = Value(3.0, label="x")
        >>> y = x * x + 2 * x
        >>> y.backward()
        >>> x.grad
        8.0
    """

    # _acc and _pass are a backward pass's scratch: the gradient summed so far, and the pass
    # that last visited the node (see graph.py).
    __slots__ = ("data", "grad", "label", "_parents", "_op", "_arg", "_scope", "_order", "_acc", "_pass")
    # Let numpy scalars on the left hand our reflected operators the Value (2.0 * v).
    __array_ufunc__ = None

    def __init__(self, data: Any, label: str = ""):
        if type(label) is not str:
            raise TypeError(f"a Value's label must be a str, got {type(label).__name__}: {label!r}"[:300])
        self.data: float = data if type(data) is float and _isfinite(data) else as_float(data)
        self.grad: float = 0.0
        self.label = label
        self._parents: Any = ()
        self._op: Op | None = None
        self._arg: Any = None
        self._scope: Scope | None = _current_mode().scope
        self._order = _next_order()
        self._pass: object = None

    # ------------------------------------------------------------ the graph, read-only
    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from (a Value used twice appears twice)."""
        return graph.inputs_of(self)

    @property
    def op(self) -> Op | None:
        """The op that made this Value, or None for a leaf (an input or a parameter)."""
        return self._op

    @property
    def arg(self) -> Any:
        """The op's argument (an exponent, a slope), or None."""
        return self._arg

    @property
    def scope(self) -> Scope | None:
        """The scope this Value was created in (see ``autodiff.scope``), or None."""
        return self._scope

    @scope.setter
    def scope(self, scope: Scope | None) -> None:
        # autodiff.dots builds a row's nodes first and then puts them in the row's scope:
        # the same nodes as inside ``with scope(...)``, without entering it for every row.
        if scope is not None and not isinstance(scope, Scope):
            raise TypeError(f"a Value's scope must be a Scope or None, got {type(scope).__name__}: {scope!r}")
        self._scope = scope

    @property
    def order(self) -> int:
        """Creation number: parents always have smaller numbers than their children."""
        return self._order

    # ------------------------------------------------------------ gradients
    def backward(self, grad: float = 1.0) -> None:
        """Add d(self)/d(node) * grad to ``node.grad`` for every node of the graph.

        One iterative pass in reverse topological order. Each call adds: call it
        twice and every gradient doubles (use ``autodiff.zero_grad`` to reset).
        """
        graph.backward(self, grad)

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other: Value | Number) -> Value:
        if type(other) is float:  # x + c, the hot path: straight to make_node (which refuses c = inf or nan)
            return make_node(ADD_CONST, self, other, ADD_CONST.forward(self.data, other))
        if isinstance(other, Value):
            return make_node(ADD, (self, other), None, ADD.forward((self.data, other.data), None))
        return _with_constant(ADD_CONST, self, other)

    __radd__ = __add__  # c + x is x + c: the constant stays the op's argument

    def __sub__(self, other: Value | Number) -> Value:
        if type(other) is float:  # x - c is exactly x + (-c) in floating point: negation never rounds
            return Value.__add__(self, -other)
        if isinstance(other, Value):
            return make_node(SUB, (self, other), None, SUB.forward((self.data, other.data), None))
        constant = _constant_number(other)
        return NotImplemented if constant is None else _unary(ADD_CONST, self, -constant)

    def __rsub__(self, other: Number) -> Value:
        return _binary(SUB, other, self)

    def __mul__(self, other: Value | Number) -> Value:
        if type(other) is float:  # x * c, the hot path: straight to make_node (which refuses c = inf or nan)
            return make_node(MUL_CONST, self, other, MUL_CONST.forward(self.data, other))
        if isinstance(other, Value):
            return make_node(MUL, (self, other), None, MUL.forward((self.data, other.data), None))
        return _with_constant(MUL_CONST, self, other)

    __rmul__ = __mul__  # c * x is x * c: the constant stays the op's argument

    def __truediv__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _binary(DIV, self, other)
        # x / c: the constant stays the op's argument (x / 2.0 is exactly x * 0.5, but x / 3.0 is not x * (1/3))
        return _with_constant(DIV_CONST, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return _binary(DIV, other, self)

    def __pow__(self, exponent: Value | Number) -> Value:
        if type(exponent) is int:  # the common case (x ** 2), without further checks
            try:
                return _unary(POW, self, exponent)
            except OverflowError:
                if -_HUGE < exponent < _HUGE:
                    raise
                return _huge_power(self, exponent)
        if isinstance(exponent, Value):
            return _binary(POWV, self, exponent)
        if not is_real(exponent):
            return NotImplemented
        # Keep whole exponents as ints: x ** 2 stays real for negative x.
        number = as_float(exponent, "an exponent")
        return _unary(POW, self, int(number) if number.is_integer() else number)

    def __rpow__(self, base: Number) -> Value:
        # c ** x: the base rides along as the op's argument (no leaf, so no unasked gradient for it)
        constant = _constant_number(base)
        return NotImplemented if constant is None else _unary(RPOW_CONST, self, constant)

    def __neg__(self) -> Value:
        return _unary(NEG, self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _unary(ABS, self)

    # ------------------------------------------------------------ functions (methods made from the op table)
    exp = unary_method(EXP, "e ** self")
    log = unary_method(LOG, "Natural logarithm; ValueError for inputs <= 0.")
    sqrt = unary_method(SQRT, "Square root; ValueError for negative inputs.")
    tanh = unary_method(TANH, "Hyperbolic tangent.")
    sigmoid = unary_method(SIGMOID, "1 / (1 + e**-self), stable for any input.")
    relu = unary_method(RELU, "max(0, self).")
    softplus = unary_method(SOFTPLUS, "log(1 + e**self), stable for any input.")
    sin = unary_method(SIN, "Sine.")
    cos = unary_method(COS, "Cosine.")
    tan = unary_method(TAN, "Tangent.")
    arcsin = unary_method(ARCSIN, "Inverse sine; ValueError outside [-1, 1].")
    arccos = unary_method(ARCCOS, "Inverse cosine; ValueError outside [-1, 1].")
    arctan = unary_method(ARCTAN, "Inverse tangent.")
    log1p = unary_method(LOG1P, "log(1 + self), accurate near 0; ValueError for inputs <= -1.")
    expm1 = unary_method(EXPM1, "e ** self - 1, accurate near 0.")

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """self for self > 0, else negative_slope * self."""
        return _unary(LEAKY_RELU, self, as_float(negative_slope, "negative_slope"))

    # ------------------------------------------------------------ comparisons and conversions
    # == and hash stay identity-based (the object defaults), so that Values work in sets and dicts.
    # Each reports itself to a watcher, if one is set (autodiff.compile: a branch on a traced Value).
    def __lt__(self, other: Value | Number) -> bool:
        return _seen("lt", self, other, self.data < _data(other))

    def __le__(self, other: Value | Number) -> bool:
        return _seen("le", self, other, self.data <= _data(other))

    def __gt__(self, other: Value | Number) -> bool:
        return _seen("gt", self, other, self.data > _data(other))

    def __ge__(self, other: Value | Number) -> bool:
        return _seen("ge", self, other, self.data >= _data(other))

    def __float__(self) -> float:
        return _seen("float", self, None, self.data)

    def __bool__(self) -> bool:
        """Like bool(float): False for 0.0 only."""
        return _seen("bool", self, None, self.data != 0.0)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


_WATCHER: contextvars.ContextVar[Callable[[str, Value, Any, Any], None] | None] = contextvars.ContextVar(
    "autodiff_watcher", default=None
)


@contextlib.contextmanager
def watch(observer: Callable[[str, Value, Any, Any], None]) -> Iterator[None]:
    """Within the block, every comparison or conversion of a Value calls
    ``observer(what, value, other, result)`` (what: "lt", "le", "gt", "ge", "bool", "float")."""
    token = _WATCHER.set(observer)
    try:
        yield
    finally:
        _WATCHER.reset(token)


def _seen(what: str, value: Value, other: Any, result: Any) -> Any:
    observer = _WATCHER.get()
    if observer is not None:
        observer(what, value, other, result)
    return result


def _data(other: Any) -> Any:
    return other.data if isinstance(other, Value) else other


def _constant_number(number: Any) -> float | None:
    """A number on one side of an operator, as a finite float; None if it is no real number."""
    if type(number) is float and math.isfinite(number):
        return number
    return as_float(number, _CONSTANT) if is_real(number) else None


def _with_constant(op: Op, x: Value, number: Any) -> Value:
    """x + c, x * c or x / c: the constant rides along as the op's argument."""
    constant = _constant_number(number)
    return NotImplemented if constant is None else _unary(op, x, constant)


_new_value = object.__new__


def make_node(op: Op, parents: Any, arg: Any, data: Any) -> Value:
    """A new node: ``data``, the result of ``op`` on ``parents``, which it records unless in no_grad.

    ``parents`` is the one input Value itself for a one-input op, else a tuple of Values: a
    1-tuple would be one more object per node for the cyclic GC to track, and most nodes have
    one input. Every node is made here, so this is where a non-finite result is refused.
    """
    if not _isfinite(data):
        raise _not_finite(op, parents, arg, data)
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    mode = _current_mode()
    if mode.record:
        out._parents = parents
        out._op = op
        out._arg = arg
    else:
        out._parents = ()
        out._op = None
        out._arg = None
    out._scope = mode.scope
    out._order = _next_order()
    out._pass = None  # (no pass has visited it; _acc is set by a pass before use)
    return out


def _not_finite(op: Op, parents: Any, arg: Any, data: Any) -> ArithmeticError | ValueError:
    if type(arg) is float and not _isfinite(arg):  # x + c or x * c with c = inf or nan: bad input, no overflow
        return must_be_finite(_CONSTANT, arg)
    inputs = [p.data for p in (parents if type(parents) is tuple else (parents,))]
    bad = next((x for x in inputs if not _isfinite(x)), None)
    if bad is not None:  # only data set by hand can be inf or nan: an input, not an overflow
        return must_be_finite(f"{op.name}: an input (Value.data set by hand?)", bad)
    shown = [repr(x) for x in inputs[:4]] + ([] if arg is None else [repr(arg)])
    return OverflowError(f"{op.name} overflowed: {op.name}({', '.join(shown)}) = {data!r} is not a finite float")


# Ints at least this large (about 1.8e308) have no float: Python's float ** int refuses them.
_HUGE = 2**1024


def _huge_power(x: Value, exponent: int) -> Value:
    """x ** n for an int n beyond the floats: 0.0 or +-1.0 where that is the true result rounded,
    else an OverflowError naming the exponent's size (not its 300 digits)."""
    size = abs(x.data)
    if size == 1.0 or (size < 1.0) == (exponent > 0):
        magnitude = 1.0 if size == 1.0 else 0.0
        return make_node(POW, x, exponent, math.copysign(magnitude, x.data) if exponent % 2 else magnitude)
    digits = len(str(abs(exponent)))
    raise OverflowError(f"pow overflowed: {x.data!r} ** (an integer of {digits} digits) is too large for a float")


def _unary(op: Op, x: Value, arg: Any = None) -> Value:
    return make_node(op, x, arg, op.forward(x.data, arg))


def _binary(op: Op, x: Any, y: Any) -> Value:
    if not isinstance(x, Value):
        number = _constant_number(x)
        if number is None:
            return NotImplemented
        x = Value(number)
    if not isinstance(y, Value):
        number = _constant_number(y)
        if number is None:
            return NotImplemented
        y = Value(number)
    return make_node(op, (x, y), None, op.forward((x.data, y.data), None))
