"""Value: a number that remembers how it was computed.

Every arithmetic operation on Values makes a new Value that records its
parents (the inputs) and the op from the table in ``ops.py``. ``backward()``
then walks that graph once, in reverse, applying the chain rule.

Values are compared by identity (``==`` and ``hash``), so they can live in
sets and dicts; ``<``, ``<=``, ``>``, ``>=`` compare their data.
"""

from __future__ import annotations

import contextvars
import functools
import itertools
import math
import numbers

from . import graph
from .ops import (
    ABS,
    ADD,
    ADD_CONST,
    COS,
    DIV,
    DIV_CONST,
    EXP,
    LEAKY_RELU,
    LOG,
    MUL,
    MUL_CONST,
    NEG,
    POW,
    POWV,
    RELU,
    SIGMOID,
    SIN,
    SOFTPLUS,
    SQRT,
    SUB,
    TANH,
    Op,
)

__all__ = ["Value", "apply", "no_grad", "is_grad_enabled", "scope", "Scope", "current_scope"]

# Values are numbered as they are created. An op's inputs always exist before
# its output, so sorting nodes by this number gives a topological order.
_next_order = itertools.count().__next__
_isfinite = math.isfinite


class _Mode:
    """What new Values do: record their parents or not, and which scope they are in."""

    __slots__ = ("record", "scope")

    def __init__(self, record: bool, scope: Scope | None):
        self.record = record
        self.scope = scope


class Scope:
    """A named region of computation (an nn Neuron or Layer call), for drawings.

    Values created inside ``with autodiff.scope(...)`` remember the scope;
    viz groups them in a labelled cluster. Scopes nest through ``parent``.
    """

    __slots__ = ("name", "parent", "_modes")

    def __init__(self, name: str, parent: Scope | None = None):
        self.name = name
        self.parent = parent
        # The two modes that put new Values in this scope, (not recording, recording),
        # built once: entering a scope then allocates nothing.
        self._modes = (_Mode(False, self), _Mode(True, self))

    def path(self) -> list[Scope]:
        """This scope and its ancestors, outermost first."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def __repr__(self):
        return f"Scope({'/'.join(s.name for s in self.path())!r})"


# One context variable for both settings: one lookup per new node, and
# thread- and asyncio-safe (each thread sees its own mode).
_MODE: contextvars.ContextVar[_Mode] = contextvars.ContextVar("autodiff_mode", default=_Mode(True, None))  # noqa: B039 - a _Mode is never mutated


def _is_real(data) -> bool:
    """int, float, or numpy real scalar; not bool (True + 1 is a bug, not a number)."""
    kind = type(data)
    return kind is float or kind is int or (isinstance(data, numbers.Real) and not isinstance(data, bool))


def _as_float(data, what="Value data") -> float:
    """A real number as a float; TypeError naming the type, ValueError if not finite."""
    if not _is_real(data):
        raise TypeError(
            f"{what} must be a real number (int, float or numpy real scalar), got {type(data).__name__}: {data!r}"[:300]
        )
    number = float(data)
    if not math.isfinite(number):
        raise _must_be_finite(what, number)
    return number


def _must_be_finite(what: str, number: float) -> ValueError:
    return ValueError(f"{what} must be finite, got {number!r}")


_CONSTANT = "a number combined with a Value"


# The methods made by _unary_method: each makes exactly one node (autodiff.dots relies on it).
_ONE_NODE_METHODS: set = set()


def _unary_method(op: Op, doc: str):
    """A Value method applying the one-input ``op``: ``x.tanh()``."""

    def method(self):
        return _make(op, self, None, op.forward1(self.data, None))

    method.__name__ = method.__qualname__ = op.name
    method.__doc__ = doc
    _ONE_NODE_METHODS.add(method)
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
    # that last visited the node (see graph._backward_plan).
    __slots__ = ("data", "grad", "label", "_parents", "_op", "_arg", "_scope", "_order", "_acc", "_pass")
    # Let numpy scalars on the left hand our reflected operators the Value (2.0 * v).
    __array_ufunc__ = None

    def __init__(self, data, label: str = ""):
        self.data = data if type(data) is float and _isfinite(data) else _as_float(data)
        self.grad = 0.0
        self.label = label
        self._parents = ()
        self._op = None
        self._arg = None
        self._scope = _MODE.get().scope
        self._order = _next_order()
        self._pass = None

    # ------------------------------------------------------------ the graph, read-only
    @property
    def parents(self) -> tuple:
        """The Values this one was computed from (a Value used twice appears twice)."""
        parents = self._parents
        return parents if type(parents) is tuple else (parents,)

    @property
    def op(self) -> Op | None:
        """The op that made this Value, or None for a leaf (an input or a parameter)."""
        return self._op

    @property
    def arg(self):
        """The op's argument (an exponent, a slope), or None."""
        return self._arg

    @property
    def scope(self) -> Scope | None:
        """The scope this Value was created in (see ``autodiff.scope``), or None."""
        return self._scope

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
    def __add__(self, other):
        if type(other) is float:  # x + c, the hot path: straight to _make (which refuses c = inf or nan)
            return _make(ADD_CONST, self, other, ADD_CONST.forward1(self.data, other))
        if isinstance(other, Value):
            return _make(ADD, (self, other), None, ADD.forward((self.data, other.data), None))
        return _with_constant(ADD_CONST, self, other)

    __radd__ = __add__  # c + x is x + c: the constant stays the op's argument

    def __sub__(self, other):
        if type(other) is float:  # x - c is exactly x + (-c) in floating point: negation never rounds
            return Value.__add__(self, -other)
        if isinstance(other, Value):
            return _make(SUB, (self, other), None, SUB.forward((self.data, other.data), None))
        constant = _constant_number(other)
        return NotImplemented if constant is None else _unary(ADD_CONST, self, -constant)

    def __rsub__(self, other):
        return _binary(SUB, other, self)

    def __mul__(self, other):
        if type(other) is float:  # x * c, the hot path: straight to _make (which refuses c = inf or nan)
            return _make(MUL_CONST, self, other, MUL_CONST.forward1(self.data, other))
        if isinstance(other, Value):
            return _make(MUL, (self, other), None, MUL.forward((self.data, other.data), None))
        return _with_constant(MUL_CONST, self, other)

    __rmul__ = __mul__  # c * x is x * c: the constant stays the op's argument

    def __truediv__(self, other):
        if isinstance(other, Value):
            return _binary(DIV, self, other)
        # x / c: the constant stays the op's argument (x / 2.0 is exactly x * 0.5, but x / 3.0 is not x * (1/3))
        return _with_constant(DIV_CONST, self, other)

    def __rtruediv__(self, other):
        return _binary(DIV, other, self)

    def __pow__(self, exponent):
        if type(exponent) is int:  # the common case (x ** 2), without further checks
            return _unary(POW, self, exponent)
        if isinstance(exponent, Value):
            return _binary(POWV, self, exponent)
        if not _is_real(exponent):
            return NotImplemented
        # Keep whole exponents as ints: x ** 2 stays real for negative x.
        return _unary(POW, self, int(exponent) if float(exponent).is_integer() else _as_float(exponent, "an exponent"))

    def __rpow__(self, base):
        return _binary(POWV, base, self)

    def __neg__(self):
        return _unary(NEG, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _unary(ABS, self)

    # ------------------------------------------------------------ functions (methods made from the op table)
    exp = _unary_method(EXP, "e ** self")
    log = _unary_method(LOG, "Natural logarithm; ValueError for inputs <= 0.")
    sqrt = _unary_method(SQRT, "Square root; ValueError for negative inputs.")
    tanh = _unary_method(TANH, "Hyperbolic tangent.")
    sigmoid = _unary_method(SIGMOID, "1 / (1 + e**-self), stable for any input.")
    relu = _unary_method(RELU, "max(0, self).")
    softplus = _unary_method(SOFTPLUS, "log(1 + e**self), stable for any input.")
    sin = _unary_method(SIN, "Sine.")
    cos = _unary_method(COS, "Cosine.")

    def leaky_relu(self, negative_slope: float = 0.01):
        """self for self > 0, else negative_slope * self."""
        return _unary(LEAKY_RELU, self, _as_float(negative_slope, "negative_slope"))

    # ------------------------------------------------------------ comparisons and conversions
    # == and hash stay identity-based (the object defaults), so that Values work in sets and dicts.
    def __lt__(self, other):
        return self.data < _data(other)

    def __le__(self, other):
        return self.data <= _data(other)

    def __gt__(self, other):
        return self.data > _data(other)

    def __ge__(self, other):
        return self.data >= _data(other)

    def __float__(self):
        return self.data

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


def _data(other):
    return other.data if isinstance(other, Value) else other


def _constant_number(number):
    """A number on one side of an operator, as a finite float; None if it is no real number."""
    if type(number) is float and math.isfinite(number):
        return number
    return _as_float(number, _CONSTANT) if _is_real(number) else None


def _constant(number):
    """A number on one side of an operator, as a leaf Value; None if it is no real number."""
    number = _constant_number(number)
    return None if number is None else Value(number)


def _with_constant(op: Op, x: Value, number):
    """x + c, x * c or x / c: the constant rides along as the op's argument."""
    constant = _constant_number(number)
    return NotImplemented if constant is None else _unary(op, x, constant)


_new_value = object.__new__


def _make(op: Op, parents, arg, data: float) -> Value:
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
    mode = _MODE.get()
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


def _not_finite(op: Op, parents, arg, data) -> ArithmeticError | ValueError:
    if type(arg) is float and not _isfinite(arg):  # x + c or x * c with c = inf or nan: bad input, no overflow
        return _must_be_finite(_CONSTANT, arg)
    inputs = [p.data for p in (parents if type(parents) is tuple else (parents,))][:4]
    if arg is not None:
        inputs.append(arg)
    shown = ", ".join(repr(x) for x in inputs)
    return OverflowError(f"{op.name} overflowed: {op.name}({shown}) = {data!r} is not a finite float")


def _unary(op: Op, x: Value, arg=None) -> Value:
    return _make(op, x, arg, op.forward1(x.data, arg))


def _binary(op: Op, x, y):
    if not isinstance(x, Value):
        x = _constant(x)
        if x is None:
            return NotImplemented
    if not isinstance(y, Value):
        y = _constant(y)
        if y is None:
            return NotImplemented
    return _make(op, (x, y), None, op.forward((x.data, y.data), None))


def apply(op: Op, inputs, arg=None) -> Value:
    """Apply ``op`` to ``inputs`` (Values or numbers) and return the new Value.

    Example:
        >>> from autodiff import Value, apply, get_op
        >>> apply(get_op("tanh"), [Value(0.0)]).data
        0.0
    """
    parents = tuple(x if isinstance(x, Value) else Value(x) for x in inputs)
    if op.arity is not None and len(parents) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} input(s), got {len(parents)}")
    data = op.forward(tuple(p.data for p in parents), arg)
    return _make(op, parents[0] if op.arity == 1 else parents, arg, data)


def add_method(op: Op) -> None:
    """Make a one-input op callable as a Value method: ``x.<op.name>()``."""
    setattr(Value, op.name, _unary_method(op, op.doc or f"The {op.name} op (user-defined)."))


# ---------------------------------------------------------------- modes
class no_grad:
    """Context manager and decorator: Values made inside record no parents.

    Use it for inference and for parameter updates, where no graph is needed.
    Thread-safe: each thread (and asyncio task) has its own setting.

    Example:
        >>> from autodiff import Value, no_grad
        >>> with no_grad():
        ...     y = Value(2.0) * 3
        >>> y.parents
        ()
    """

    def __enter__(self):
        current = _MODE.get()
        token = _MODE.set(_Mode(False, current.scope))
        self.__dict__.setdefault("_tokens", []).append(token)
        return self

    def __exit__(self, *exc_info):
        _MODE.reset(self._tokens.pop())
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def without_grad(*args, **kwargs):
            with no_grad():
                return func(*args, **kwargs)

        return without_grad


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad``."""
    return _MODE.get().record


def current_scope() -> Scope | None:
    """The innermost active scope, or None."""
    return _MODE.get().scope


class scope:
    """Context manager: Values made inside belong to a named scope (drawn as a cluster).

    Args:
        name: a str (a new Scope nested in the current one) or a Scope object.

    Example:
        >>> from autodiff import Value, scope
        >>> with scope("neuron 0"):
        ...     y = Value(1.0) * 2
        >>> y.scope.name
        'neuron 0'
    """

    __slots__ = ("_scope", "_token")

    def __init__(self, name):
        self._scope = name if isinstance(name, Scope) else Scope(str(name), current_scope())

    def __enter__(self):
        self._token = _MODE.set(self._scope._modes[_MODE.get().record])
        return self._scope

    def __exit__(self, *exc_info):
        _MODE.reset(self._token)
        return False
