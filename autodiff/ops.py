"""The op table: every primitive, with its forward and its local derivatives side by side.

An op's ``forward(xs, arg)`` takes a tuple of floats (and the op's argument,
e.g. an exponent) and returns a float, raising a clear error outside its
domain. (A result that is not finite, like 1e200 * 1e200, is refused in one
place for every op: where a node is made, ``value._make``.) Its
``partials(xs, out, arg)`` returns d(out)/d(x_i) for every input. A one-input
op is written on a bare input instead (``forward1``, ``derivative1``; see
``Op.one_input``), and its tuple forms are made from those.
Partials are written with arithmetic that works on floats AND on Values:
``backward`` runs them on floats (fast), and ``gradients(create_graph=True)``
runs the very same rules on Values, which is how higher-order derivatives
come for free.

Each op also declares its ``domains``: where each input is valid and smooth.
The Hypothesis strategies in ``autodiff.testing`` sample from them, and the
tests enumerate ``OPS``, so a new op is gradient-checked the day it is added.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Domain", "Op", "OPS", "REAL", "POSITIVE", "NONZERO", "define_op", "get_op"]


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


class Op:
    """One primitive of the table. Calling it on inputs builds a node.

    Attributes:
        name: the table key and the Value method name ("tanh").
        symbol: how drawings show it ("tanh", "+", "×").
        arity: number of inputs, or None for an n-ary op (one node for any count).
        forward: (xs, arg) -> float, on plain floats; raises outside the domain.
        partials: (xs, out, arg) -> sequence of d(out)/d(x_i); floats or Values.
        domains: one Domain per input (n-ary ops: one Domain for all inputs).
        sample_args: arguments the tests try (None: the op takes no argument).
        forward1, derivative1: for a one-input op, the same rules on a bare input:
            forward1(x, arg) -> float and derivative1(x, out, arg) -> d(out)/dx. Most
            nodes have one input, so Value's methods and backward call these (no
            tuple either way); build such an op with ``Op.one_input``.
    """

    __slots__ = (
        "name",
        "symbol",
        "arity",
        "forward",
        "partials",
        "domains",
        "sample_args",
        "doc",
        "forward1",
        "derivative1",
    )

    def __init__(self, name, symbol, arity, forward, partials, domains, sample_args=None, doc=""):
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.forward = forward
        self.partials = partials
        self.domains = tuple(domains)
        self.sample_args = sample_args
        self.doc = doc
        self.forward1 = self.derivative1 = None
        if arity == 1:  # the bare-input rules, from the tuple ones (Op.one_input passes them directly)
            self.forward1 = lambda x, arg: forward((x,), arg)
            self.derivative1 = lambda x, out, arg: partials((x,), out, arg)[0]

    @classmethod
    def one_input(cls, name, symbol, forward1, derivative1, domain, sample_args=None, doc="") -> Op:
        """A one-input op from its rules on a bare input (see ``forward1``, ``derivative1``)."""
        op = cls(
            name,
            symbol,
            1,
            lambda xs, arg: forward1(xs[0], arg),
            lambda xs, out, arg: (derivative1(xs[0], out, arg),),
            (domain,),
            sample_args,
            doc,
        )
        op.forward1, op.derivative1 = forward1, derivative1
        return op

    def describe(self, arg=None) -> str:
        """The op's symbol with its argument, for drawings: "**2", "leaky_relu(0.1)"."""
        if arg is None:
            return self.symbol
        if self.name in ("pow", "add_const", "mul_const", "div_const"):
            return f"{self.symbol}{_short(arg)}"
        return f"{self.symbol}({_short(arg)})"

    def domain_of(self, i: int) -> Domain:
        return self.domains[0] if self.arity is None else self.domains[i]

    def __call__(self, *inputs, arg=None):
        """Apply the op to Values or numbers; returns a new Value."""
        from .value import apply

        return apply(self, inputs, arg)

    def __repr__(self):
        return f"<op {self.name}>"


def _short(number) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


# Functions that work on floats and on Values, for writing derivative rules once.
def _exp(x):
    return math.exp(x) if type(x) is float else x.exp()


def _log(x):
    return math.log(x) if type(x) is float else x.log()


def _sin(x):
    return math.sin(x) if type(x) is float else x.sin()


def _cos(x):
    return math.cos(x) if type(x) is float else x.cos()


def _sigmoid(x):
    return _sigmoid_forward(x, None) if type(x) is float else x.sigmoid()


OPS: dict[str, Op] = {}


def _register(op: Op) -> Op:
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


# ---------------------------------------------------------------- arithmetic
def _add_forward(xs, arg):
    """x + y"""
    return xs[0] + xs[1]


ADD = _register(Op("add", "+", 2, _add_forward, lambda xs, out, arg: (1.0, 1.0), (REAL, REAL)))


def _sub_forward(xs, arg):
    """x - y"""
    return xs[0] - xs[1]


SUB = _register(Op("sub", "−", 2, _sub_forward, lambda xs, out, arg: (1.0, -1.0), (REAL, REAL)))


def _mul_forward(xs, arg):
    """x * y"""
    return xs[0] * xs[1]


# d(xy)/dx = y, d(xy)/dy = x: the product rule.
MUL = _register(Op("mul", "×", 2, _mul_forward, lambda xs, out, arg: (xs[1], xs[0]), (REAL, REAL)))


# x + c and x * c with a plain number c keep c as the op's argument instead of
# making a leaf Value for it: one node instead of two on the hottest path.
def _add_const_forward(x, arg):
    """x + c for a constant c (the op's argument)"""
    return x + arg


ADD_CONST = _register(
    Op.one_input("add_const", "+", _add_const_forward, lambda x, out, arg: 1.0, REAL, sample_args=(0.5, -2.0))
)


def _mul_const_forward(x, arg):
    """x * c for a constant c (the op's argument)"""
    return x * arg


MUL_CONST = _register(
    Op.one_input("mul_const", "×", _mul_const_forward, lambda x, out, arg: arg, REAL, sample_args=(3.0, -0.5))
)


def _div_forward(xs, arg):
    """x / y"""
    x, y = xs
    if y == 0:
        raise ZeroDivisionError(f"div: division by zero ({x!r} / {y!r})")
    return x / y


# d(x/y)/dx = 1/y, d(x/y)/dy = -x/y**2
DIV = _register(
    Op("div", "÷", 2, _div_forward, lambda xs, out, arg: (1.0 / xs[1], -xs[0] / (xs[1] * xs[1])), (REAL, NONZERO))
)


def _div_const_forward(x, arg):
    """x / c for a constant c (the op's argument): a mean's division by n makes no leaf for n"""
    if arg == 0:
        raise ZeroDivisionError(f"div: division by zero ({x!r} / {arg!r})")
    return x / arg


DIV_CONST = _register(
    Op.one_input("div_const", "÷", _div_const_forward, lambda x, out, arg: 1.0 / arg, REAL, sample_args=(2.0, -0.5, 3))
)


def _neg_forward(x, arg):
    """-x"""
    return -x


NEG = _register(Op.one_input("neg", "−", _neg_forward, lambda x, out, arg: -1.0, REAL))


def _pow_forward(x, arg):
    """x ** c for a constant exponent c (the op's argument)"""
    if x < 0 and arg != int(arg):
        raise ValueError(f"pow: a negative base to a fractional power is not real ({x!r} ** {arg!r})")
    if x == 0 and arg < 0:
        raise ZeroDivisionError(f"pow: zero to a negative power ({x!r} ** {arg!r})")
    try:
        return x**arg
    except OverflowError as error:
        raise OverflowError(f"pow overflowed: {x!r} ** {arg!r} is too large for a float") from error


def _pow_derivative(x, out, arg):
    # d(x**c)/dx = c * x**(c-1); c == 0 is the constant 1, whose slope is 0 even at x == 0.
    return arg * x ** (arg - 1) if arg != 0 else 0.0


POW = _register(
    Op.one_input(
        "pow",
        "**",
        _pow_forward,
        _pow_derivative,
        Domain(low=0.0, bound=5.0, text="x > 0 (x < 0 only for whole exponents)"),
        sample_args=(2, 3, -1, 0.5, -1.5, 2.5),
    )
)


def _powv_forward(xs, arg):
    """x ** y for a Value exponent y; needs x > 0"""
    x, y = xs
    if x <= 0:
        raise ValueError(f"powv: a Value exponent needs a positive base, got base {x!r} (exponent {y!r})")
    try:
        return x**y
    except OverflowError as error:
        raise OverflowError(f"powv overflowed: {x!r} ** {y!r} is too large for a float") from error


# d(x**y)/dx = y * x**(y-1), d(x**y)/dy = x**y * log(x)
POWV = _register(
    Op(
        "powv",
        "**",
        2,
        _powv_forward,
        lambda xs, out, arg: (xs[1] * xs[0] ** (xs[1] - 1.0), out * _log(xs[0])),
        (Domain(low=0.0, bound=5.0, text="x > 0"), Domain(bound=3.0)),
    )
)


def _abs_forward(x, arg):
    """|x|"""
    return abs(x)


# The slope of |x| is the sign of x; at the kink x == 0 we take 0 (a subgradient).
ABS = _register(
    Op.one_input("abs", "abs", _abs_forward, lambda x, out, arg: 1.0 if x > 0 else -1.0 if x < 0 else 0.0, KINK_AT_ZERO)
)


# ---------------------------------------------------------------- exp and log
def _exp_forward(x, arg):
    """e ** x"""
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp overflowed: exp({x!r}) is larger than the largest float (x > 709.78)") from None


EXP = _register(Op.one_input("exp", "exp", _exp_forward, lambda x, out, arg: out, REAL))


def _log_forward(x, arg):
    """natural logarithm, x > 0"""
    if x <= 0:
        raise ValueError(f"log: input must be > 0, got {x!r}")
    return math.log(x)


LOG = _register(Op.one_input("log", "log", _log_forward, lambda x, out, arg: 1.0 / x, POSITIVE))


def _sqrt_forward(x, arg):
    """square root, x >= 0"""
    if x < 0:
        raise ValueError(f"sqrt: input must be >= 0, got {x!r}")
    return math.sqrt(x)


# d sqrt(x) = 1 / (2 sqrt(x)): infinite at 0, where backward raises ZeroDivisionError naming sqrt.
SQRT = _register(Op.one_input("sqrt", "√", _sqrt_forward, lambda x, out, arg: 0.5 / out, POSITIVE))


# ---------------------------------------------------------------- activations
def _tanh_forward(x, arg):
    """hyperbolic tangent (never overflows)"""
    return math.tanh(x)


TANH = _register(Op.one_input("tanh", "tanh", _tanh_forward, lambda x, out, arg: 1.0 - out * out, REAL))


def _sigmoid_forward(x, arg):
    """1 / (1 + e**-x), computed so that it never overflows"""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)  # x < 0: exp(x) < 1, no overflow
    return z / (1.0 + z)


SIGMOID = _register(Op.one_input("sigmoid", "σ", _sigmoid_forward, lambda x, out, arg: out * (1.0 - out), REAL))


def _relu_forward(x, arg):
    """max(0, x)"""
    return x if x > 0 else 0.0


RELU = _register(Op.one_input("relu", "relu", _relu_forward, lambda x, out, arg: 1.0 if x > 0 else 0.0, KINK_AT_ZERO))


def _leaky_relu_forward(x, arg):
    """x for x > 0, else negative_slope * x (the op's argument)"""
    return x if x > 0 else arg * x


LEAKY_RELU = _register(
    Op.one_input(
        "leaky_relu",
        "leaky_relu",
        _leaky_relu_forward,
        lambda x, out, arg: 1.0 if x > 0 else arg,
        KINK_AT_ZERO,
        sample_args=(0.01, 0.2),
    )
)


def _softplus_forward(x, arg):
    """log(1 + e**x), as max(x, 0) + log1p(e**-|x|) so that it never overflows"""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


# d softplus(x) = sigmoid(x)
SOFTPLUS = _register(Op.one_input("softplus", "softplus", _softplus_forward, lambda x, out, arg: _sigmoid(x), REAL))


def _sin_forward(x, arg):
    """sine"""
    return math.sin(x)


SIN = _register(Op.one_input("sin", "sin", _sin_forward, lambda x, out, arg: _cos(x), REAL))


def _cos_forward(x, arg):
    """cosine"""
    return math.cos(x)


COS = _register(Op.one_input("cos", "cos", _cos_forward, lambda x, out, arg: -_sin(x), REAL))


# ---------------------------------------------------------------- n-ary: one node for any number of inputs
def _sum_forward(xs, arg):
    """x_1 + ... + x_n"""
    return math.fsum(xs) if len(xs) > 2 else sum(xs)


SUM = _register(Op("sum", "Σ", None, _sum_forward, lambda xs, out, arg: (1.0,) * len(xs), (REAL,)))


def dot_value(ws, xs, bias=None) -> float:
    """w . x + b on floats (b optional): the dot op's forward, also used by ``autodiff.dots``."""
    total = sum(map(operator.mul, ws, xs))
    return total if bias is None else total + bias


def _dot_forward(xs, arg):
    """w . x + b: inputs are w_1..w_n, x_1..x_n and, when their count is odd, the bias b last"""
    n = len(xs) // 2
    return dot_value(xs[:n], xs[n : 2 * n], xs[-1] if len(xs) % 2 else None)


def _dot_partials(xs, out, arg):
    # d(w.x + b)/dw_i = x_i, d/dx_i = w_i, d/db = 1
    n = len(xs) // 2
    return (*xs[n : 2 * n], *xs[:n], 1.0)


DOT = _register(Op("dot", "Σ w·x+b", None, _dot_forward, _dot_partials, (REAL,)))


def _logsumexp_forward(xs, arg):
    """log(e**x_1 + ... + e**x_n), shifted by the max so that it never overflows"""
    if not xs:
        raise ValueError("logsumexp: needs at least one input, got none")
    top = max(xs)
    return top + math.log(math.fsum(math.exp(x - top) for x in xs))


# d logsumexp / dx_i = e**(x_i - out): the softmax, <= 1 so it never overflows.
LOGSUMEXP = _register(
    Op("logsumexp", "logΣexp", None, _logsumexp_forward, lambda xs, out, arg: tuple(_exp(x - out) for x in xs), (REAL,))
)


# ---------------------------------------------------------------- your own ops
def define_op(
    name: str,
    forward: Callable,
    derivative: Callable,
    *,
    domain: Domain | Sequence[Domain] = REAL,
    symbol: str | None = None,
    arity: int = 1,
    sample_args=None,
    register: bool = True,
) -> Op:
    """Declare a new op that joins the table like a built-in one.

    Args:
        name: the op's name; for a one-input op it also becomes a Value method.
        forward: f(x) (or f(x, y) for arity 2) on plain floats, returning a float.
        derivative: d(x, out) -> d(out)/dx (for arity 2: d(x, y, out) -> (d/dx, d/dy)).
            Write it with arithmetic, or Value-aware functions, so that it also works
            on Values: then higher-order gradients work too.
        domain: a Domain for the input (or one per input) where it is valid and smooth.
        symbol: how drawings show it (default: the name).
        arity: the number of inputs (1 or more).
        register: False builds the op without adding it to the table (for experiments).
    Returns:
        The Op; call it on Values: ``swish(x)``, or ``x.swish()`` once registered.

    Example:
        >>> import math
        >>> from autodiff import Value, define_op
        >>> cube = define_op("cube_demo", lambda x: x ** 3, lambda x, out: 3 * x * x, register=False)
        >>> cube(Value(2.0)).data
        8.0
    """
    if not name.isidentifier():
        raise ValueError(f"an op name must be a Python identifier, got {name!r}")
    if not isinstance(arity, int) or arity < 1:
        raise ValueError(f"arity must be a whole number >= 1, got {arity!r}")
    domains = (domain,) * arity if isinstance(domain, Domain) else tuple(domain)
    if len(domains) != arity:
        raise ValueError(f"{name}: {arity} inputs need {arity} domains, got {len(domains)}")

    doc = forward.__doc__ or ""
    if arity == 1:
        op = Op.one_input(
            name,
            symbol or name,
            lambda x, arg: float(forward(x)),
            lambda x, out, arg: derivative(x, out),
            domains[0],
            sample_args,
            doc,
        )
    else:
        op = Op(
            name,
            symbol or name,
            arity,
            lambda xs, arg: float(forward(*xs)),
            lambda xs, out, arg: tuple(derivative(*xs, out)),
            domains,
            sample_args,
            doc,
        )
    if register:
        from .value import Value, add_method

        if name in OPS or hasattr(Value, name):
            raise ValueError(f"an op or Value attribute named {name!r} exists already; choose another name")
        _register(op)
        if arity == 1:
            add_method(op)
    return op
