"""Property-based gradient testing for your own code (needs Hypothesis).

Strategies:
    floats_in(domain)       finite floats where an op is valid and smooth
    op_inputs(op)           (inputs, arg) for one op of the table
    expressions(n_inputs)   (expression, inputs): a random DAG over the op table
Assertions:
    assert_gradients_match(f, *xs)         backward == central differences
    assert_second_derivatives_match(f, *xs) gradients of gradients == central differences

Example (a test of your own function)::

    from hypothesis import given, strategies as st
    from autodiff.testing import assert_gradients_match

    @given(st.floats(-3, 3), st.floats(-3, 3))
    def test_my_loss(x, y):
        assert_gradients_match(lambda a, b: (a * b).tanh() + a.exp(), x, y)

Domain guards are built in, not filtered: an input too close to a kink, a
pole or a domain edge is moved away from it by construction, so Hypothesis
never has to throw examples away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError('autodiff.testing needs Hypothesis: pip install "chaingrad[testing]"') from error

from .functional import gradients
from .gradcheck import gradcheck
from .ops import OPS, Domain, Op
from .value import Value

__all__ = [
    "MARGIN",
    "GUARD",
    "floats_in",
    "op_inputs",
    "expressions",
    "Expression",
    "assert_gradients_match",
    "assert_second_derivatives_match",
]

MARGIN = 1e-2
"""Distance kept from kinks and domain edges: far larger than the finite-difference step (about 1e-6)."""

GUARD = 0.25
"""Distance expression operands keep from kinks, poles and domain edges. Larger than MARGIN
because an operand inside a DAG can move much faster than the inputs (d operand/d x >> 1):
near a pole, central differences would then measure curvature, not slope."""

OUTPUT_BOUND = 100.0
"""Expression steps whose value grows past this are scaled back by a constant factor."""


def _guard(x: float, domain: Domain, margin: float) -> float:
    """The nearest point to x that is inside ``domain`` and at least ``margin`` from its edges and kinks."""
    low = -domain.bound if domain.low is None else max(-domain.bound, domain.low + margin)
    x = min(max(x, low), domain.bound)
    for point in domain.avoid:
        if abs(x - point) < margin:
            x = (
                point + margin
                if (x >= point and point + margin <= domain.bound) or point - margin < low
                else point - margin
            )
    return x


def floats_in(domain: Domain, *, margin: float = MARGIN) -> st.SearchStrategy[float]:
    """Finite floats inside ``domain``, at least ``margin`` from its edges and kinks.

    Example:
        >>> from autodiff import POSITIVE
        >>> from autodiff.testing import floats_in
        >>> strategy = floats_in(POSITIVE)  # floats in [0.01, 10]
    """
    return st.floats(-domain.bound, domain.bound, allow_nan=False, allow_infinity=False).map(
        lambda x: _guard(x, domain, margin)
    )


@st.composite
def op_inputs(draw: st.DrawFn, op: Op, *, max_inputs: int = 4, margin: float = MARGIN) -> tuple[tuple[float, ...], Any]:
    """``(inputs, arg)`` for ``op``: a tuple of floats in its domains and one of its sample arguments.

    n-ary ops get between 1 and ``max_inputs`` inputs (``dot`` twice that, plus maybe a bias).
    """
    if op.arity is not None:
        count = op.arity
    else:
        count = draw(st.integers(1, max_inputs))
        if op.name == "dot":
            count = 2 * count + draw(st.integers(0, 1))
    xs = tuple(draw(floats_in(op.domain_of(i), margin=margin)) for i in range(count))
    arg = None if op.sample_args is None else draw(st.sampled_from(op.sample_args))
    return xs, arg


class Expression:
    """A random expression DAG over ``n_inputs`` inputs; call it on floats or on Values.

    Each step applies one op to earlier results (so subexpressions are shared),
    after adding a constant shift to each operand that keeps it inside the op's
    domain, and may scale its result by a constant to keep values moderate.
    """

    def __init__(self, n_inputs: int, steps: list[tuple[Op, tuple[int, ...], Any, tuple[float, ...], float]]):
        self.n_inputs = n_inputs
        self.steps = steps  # (op, operand indices, arg, shifts, scale)

    def __call__(self, *xs: Any) -> Any:
        if len(xs) != self.n_inputs:
            raise TypeError(f"this expression takes {self.n_inputs} inputs, got {len(xs)}")
        on_values = any(isinstance(x, Value) for x in xs)
        results = list(xs)
        for op, operands, arg, shifts, scale in self.steps:
            args = [results[i] + s if s else results[i] for i, s in zip(operands, shifts)]
            out = op(*args, arg=arg) if on_values else op.evaluate(args, arg)
            results.append(out * scale if scale != 1.0 else out)
        return results[-1]

    def __repr__(self) -> str:
        lines = [f"Expression over x0..x{self.n_inputs - 1}:"]
        for k, (op, operands, arg, shifts, scale) in enumerate(self.steps, start=self.n_inputs):
            terms = ", ".join(f"x{i}" + (f"{s:+.3g}" if s else "") for i, s in zip(operands, shifts))
            suffix = f" * {scale:.3g}" if scale != 1.0 else ""
            lines.append(f"  x{k} = {op.describe(arg)}[{op.name}]({terms}){suffix}")
        return "\n".join(lines)


@st.composite
def expressions(
    draw: st.DrawFn,
    n_inputs: int = 2,
    *,
    max_steps: int = 8,
    ops: Iterable[Op] | None = None,
    input_bound: float = 3.0,
    guard: float = GUARD,
) -> tuple[Expression, tuple[float, ...]]:
    """``(expression, inputs)``: a random DAG over the op table and a point to evaluate it at.

    The DAG is built while evaluating it at the drawn inputs, so each domain
    guard (a constant shift) is chosen for the actual operand value.

    Args:
        n_inputs: number of inputs x0, x1, ...
        max_steps: at most this many ops.
        ops: the ops to draw from (default: every op in ``autodiff.OPS``, custom ones included).
        input_bound: inputs are drawn from [-input_bound, input_bound].
        guard: the distance operands keep from kinks, poles and domain edges.
    """
    pool = sorted((ops if ops is not None else OPS.values()), key=lambda op: op.name)
    xs = tuple(
        draw(st.lists(st.floats(-input_bound, input_bound, allow_nan=False), min_size=n_inputs, max_size=n_inputs))
    )
    results = list(xs)
    steps = []
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from(pool))
        count = op.arity if op.arity is not None else draw(st.integers(1, 3))
        if op.name == "dot" and op.arity is None:
            count = 2 * count + draw(st.integers(0, 1))
        operands = draw(st.lists(st.integers(0, len(results) - 1), min_size=count, max_size=count))
        arg = None if op.sample_args is None else draw(st.sampled_from(op.sample_args))
        shifts = []
        for i, index in enumerate(operands):
            value = results[index]
            shifts.append(_guard(value, op.domain_of(i), guard) - value)
        args = tuple(results[i] + s if s else results[i] for i, s in zip(operands, shifts))
        out = op.evaluate(args, arg)
        scale = OUTPUT_BOUND / abs(out) if abs(out) > OUTPUT_BOUND else 1.0
        steps.append((op, tuple(operands), arg, tuple(shifts), scale))
        results.append(out * scale)
    return Expression(n_inputs, steps), xs


def assert_gradients_match(
    f: Callable[..., Any], *inputs: float, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3
) -> None:
    """Assert that backward through ``f`` equals central differences at ``inputs``.

    ``f`` takes Values and returns a Value (an ``Expression`` works too).
    Raises ``autodiff.GradcheckError`` (an AssertionError) with a table on mismatch.
    """
    gradcheck(f, *inputs, eps=eps, atol=atol, rtol=rtol)


def assert_second_derivatives_match(
    f: Callable[..., Any], *inputs: float, eps: float = 1e-6, atol: float = 1e-4, rtol: float = 1e-3
) -> None:
    """Assert that d/dx_j (df/dx_i), differentiated through the gradient graph, equals
    central differences of df/dx_i, for every i and j."""
    for i in range(len(inputs)):

        def first_derivative(*values: Value, i: int = i) -> Value:
            g = gradients(f(*values), list(values), create_graph=True)[i]
            return g if isinstance(g, Value) else Value(g)  # a constant first derivative

        first_derivative.__name__ = f"d{getattr(f, '__name__', 'f')}/dx{i}"
        gradcheck(first_derivative, *inputs, eps=eps, atol=atol, rtol=rtol)
