"""Functions over many Values (each ONE node), and derivatives as functions."""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import attrgetter
from typing import Any

from . import graph
from .checks import as_float
from .mode import Scope, scope
from .ops import ARCTAN2, DOT, LOGSUMEXP, MAXIMUM, MINIMUM, OPS, SUM, Op, dot_value
from .value import Value, make_node

__all__ = [
    "sum",
    "dot",
    "dots",
    "logsumexp",
    "softmax",
    "log_softmax",
    "maximum",
    "minimum",
    "arctan2",
    "gradients",
    "grad",
    "value_and_grad",
    "hessian",
]


def _values(items: Iterable[Any], what: str) -> tuple[Value, ...]:
    """Items as a tuple of Values (numbers become constant leaves). On the hot path: one pass
    when every item is a Value already."""
    if type(items) is not tuple:
        try:
            items = tuple(items)
        except TypeError:
            raise TypeError(
                f"{what} takes a list of Values or numbers, got {type(items).__name__}: {items!r}"
            ) from None
    if all(map(isinstance, items, _ALL_VALUES)):  # the common case, checked at C speed
        return items
    # A number becomes a constant leaf; one that is no finite float is named as the caller's item.
    return tuple(x if isinstance(x, Value) else Value(as_float(x, f"{what}: item {i}")) for i, x in enumerate(items))


_ALL_VALUES = repeat(Value)  # isinstance's second argument for map(); never runs out
_get_data = attrgetter("data")


def _nary(op: Op, parents: tuple[Value, ...]) -> Value:
    return make_node(op, parents, None, op.forward(list(map(_get_data, parents)), None))


def sum(values: Iterable[Value | float]) -> Value:  # noqa: A001 - autodiff.sum is the public name
    """x_1 + ... + x_n as ONE node (the builtin sum makes n nodes).

    Example:
        >>> import autodiff
        >>> autodiff.sum([1.0, 2.0, autodiff.Value(3.0)]).data
        6.0
    """
    parents = _values(values, "sum")
    return _nary(SUM, parents) if parents else Value(0.0)


def _pair(op: Op, x: Value | float, y: Value | float) -> Value:
    return _nary(op, _values((x, y), op.name))


def maximum(x: Value | float, y: Value | float) -> Value:
    """The larger of x and y; at a tie the slope is shared evenly.

    Example:
        >>> import autodiff
        >>> autodiff.maximum(autodiff.Value(2.0), 3.0).data
        3.0
    """
    return _pair(MAXIMUM, x, y)


def minimum(x: Value | float, y: Value | float) -> Value:
    """The smaller of x and y; at a tie the slope is shared evenly."""
    return _pair(MINIMUM, x, y)


def arctan2(y: Value | float, x: Value | float) -> Value:
    """The angle of the point (x, y), in (-pi, pi] (numpy's argument order: y first).

    Example:
        >>> import autodiff
        >>> round(autodiff.arctan2(1.0, autodiff.Value(1.0)).data, 6)
        0.785398
    """
    return _pair(ARCTAN2, y, x)


def dot(weights: Iterable[Value | float], inputs: Iterable[Value | float], bias: Value | float | None = None) -> Value:
    """w . x + b as ONE node: the neuron's pre-activation z of the notes.

    Args:
        weights, inputs: equally long lists of Values or numbers.
        bias: an optional Value or number.
    Example:
        >>> import autodiff
        >>> autodiff.dot([2.0, 3.0], [4.0, 5.0], bias=1.0).data
        24.0
    """
    x = _values(inputs, "dot (inputs)")
    return _dot_node(_values(weights, "dot (weights)"), x, list(map(_get_data, x)), bias, "dot")


def _dot_node(w: tuple, x: tuple, x_data: list, bias: Any, who: str) -> Value:
    """The node w . x + b for checked Values w and x (x_data: their data); numbers as bias become leaves."""
    if len(w) != len(x):
        raise ValueError(f"{who}: {len(w)} weights but {len(x)} inputs; they must be equally many")
    if bias is None:
        return make_node(DOT, (*w, *x), None, dot_value(map(_get_data, w), x_data)) if w else Value(0.0)
    if not isinstance(bias, Value):
        bias = Value(as_float(bias, f"{who} (bias)"))
    return make_node(DOT, (*w, *x, bias), None, dot_value(map(_get_data, w), x_data, bias.data))


def _activation_op(activation: Any) -> Op | None:
    """dots' activation as a one-input op (None: linear); a callable is taken, deprecated."""
    if activation is None or (isinstance(activation, Op) and activation.arity == 1):
        return activation
    if isinstance(activation, str):
        op = OPS.get(activation)
        if op is not None and op.arity == 1:
            return op
        ones = sorted(name for name, op in OPS.items() if op.arity == 1)
        raise ValueError(f"dots: no one-input op named {activation!r}; choose one of {', '.join(ones)}")
    raise TypeError(f"dots: activation must be an op, an op's name or None, got {type(activation).__name__}")


def dots(
    weight_rows: Iterable[Iterable[Value | float]],
    inputs: Iterable[Value | float],
    biases: Iterable[Value | float | None] | None = None,
    *,
    activation: Op | str | None = None,
    activation_arg: Any = None,
    scopes: Iterable[Scope | None] | None = None,
) -> list[Value]:
    """A dense layer: ``activation(w_i . x + b_i)`` for each row w_i, one ``dot`` node per row.

    The same nodes as ``[act(dot(w, inputs, b)) for w, b in zip(weight_rows, biases)]``,
    only faster: the inputs are checked and read once for all rows. nn's Layer is built on it.

    Args:
        weight_rows: a list of rows; each row a list of Values or numbers, as long as ``inputs``.
        inputs: a list of Values or numbers.
        biases: None, or one Value or number per row.
        activation: None (linear), or a one-input op or its name ("relu", "tanh", ...): one
            more node per row.
        activation_arg: the activation op's argument (leaky_relu's negative slope).
        scopes: None, or one Scope per row: row i's nodes are put in ``scopes[i]`` as if made
            inside ``with autodiff.scope(scopes[i])`` (so drawings show each neuron as a cluster).
    Returns:
        A list of Values, one per row.
    Example:
        >>> import autodiff
        >>> [z.data for z in autodiff.dots([[1.0, 2.0], [3.0, -4.0]], [1.0, 1.0], [0.5, -0.5], activation="relu")]
        [3.5, 0.0]
    """
    if callable(activation) and not isinstance(activation, Op):
        warnings.warn(
            "dots(activation=<a function>) is deprecated: pass an op or its name (activation='relu')",
            DeprecationWarning,
            stacklevel=2,
        )
        return _dots_with_function(weight_rows, inputs, biases, activation, scopes)
    act = _activation_op(activation)
    x = _values(inputs, "dots (inputs)")
    x_data = list(map(_get_data, x))
    rows, biases, scopes = _layer_lists(weight_rows, biases, scopes)
    out = []
    for row, bias, row_scope in zip(rows, biases, scopes):
        if type(row) in _SEQUENCES and all(map(isinstance, row, _ALL_VALUES)):
            node = _dot_node(row, x, x_data, bias, "dots")
            result = (
                node if act is None else make_node(act, node, activation_arg, act.forward(node.data, activation_arg))
            )
            if row_scope is not None:
                # The slot behind Value.scope, written directly: the property's setter checks its
                # argument, these scopes were checked once above, and per row the check is ~7% of
                # a layer's forward (moons MLP, cProfile).
                node._scope = result._scope = row_scope
            out.append(result)
            continue
        # A row with numbers, which become leaves: those are made in the row's scope too.
        with scope(row_scope) if row_scope is not None else _NO_SCOPE:
            node = _dot_node(_values(row, "dots (a weight row)"), x, x_data, bias, "dots")
            out.append(
                node if act is None else make_node(act, node, activation_arg, act.forward(node.data, activation_arg))
            )
    return out


def _dots_with_function(weight_rows: Any, inputs: Any, biases: Any, activation: Callable, scopes: Any) -> list:
    """The deprecated form: any function as the activation, each row inside its scope."""
    x = _values(inputs, "dots (inputs)")
    x_data = list(map(_get_data, x))
    rows, biases, scopes = _layer_lists(weight_rows, biases, scopes)
    out = []
    for row, bias, row_scope in zip(rows, biases, scopes):
        with scope(row_scope) if row_scope is not None else _NO_SCOPE:
            out.append(activation(_dot_node(_values(row, "dots (a weight row)"), x, x_data, bias, "dots")))
    return out


class _NoScope:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None


_NO_SCOPE = _NoScope()
_SEQUENCES = (list, tuple)
_SCOPES, _BIASES = (Scope, type(None)), (Value, type(None))
_ALL_SCOPES, _ALL_BIASES = repeat(_SCOPES), repeat(_BIASES)  # isinstance's second argument, for map()


def _layer_lists(weight_rows: Any, biases: Any, scopes: Any) -> tuple[list, list, list]:
    """dots' rows, biases and scopes as equally long lists, checked before any node is made."""
    rows = _rows(weight_rows, "weight_rows")
    biases = [None] * len(rows) if biases is None else _rows(biases, "biases", len(rows))
    scopes = [None] * len(rows) if scopes is None else _rows(scopes, "scopes", len(rows))
    # The checks run at C speed (map over isinstance) in the common case; only a bad or numeric
    # entry takes the closer look.
    if not all(map(isinstance, scopes, _ALL_SCOPES)):
        bad = next(s for s in scopes if not isinstance(s, _SCOPES))
        raise TypeError(f"dots: scopes must be Scope objects or None, got {type(bad).__name__}: {bad!r}")
    if not all(map(isinstance, biases, _ALL_BIASES)):
        biases = [b if isinstance(b, _BIASES) else Value(as_float(b, "dots (bias)")) for b in biases]
    return rows, biases, scopes


def _rows(items: Any, what: str, count: int | None = None) -> list:
    """``items`` as a list (one entry per row); ValueError if it is not ``count`` long."""
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"dots: {what} must be a list, got {type(items).__name__}: {items!r}"[:300])
    items = list(items)
    if count is not None and len(items) != count:
        raise ValueError(f"dots: {count} weight rows but {len(items)} {what}; they must be equally many")
    return items


def logsumexp(values: Iterable[Value | float]) -> Value:
    """log(e**x_1 + ... + e**x_n) as ONE node, stable for inputs of any size.

    Example:
        >>> import autodiff
        >>> round(autodiff.logsumexp([1000.0, 1000.0]).data, 6)
        1000.693147
    """
    parents = _values(values, "logsumexp")
    if not parents:
        raise ValueError("logsumexp: needs at least one value, got an empty list")
    return _nary(LOGSUMEXP, parents)


def log_softmax(values: Iterable[Value | float]) -> list[Value]:
    """[x_i - logsumexp(x)]: log-probabilities, stable for inputs of any size."""
    parents = _values(values, "log_softmax")
    total = logsumexp(parents)
    return [x - total for x in parents]


def softmax(values: Iterable[Value | float]) -> list[Value]:
    """[e**x_i / sum_j e**x_j] as exp(log_softmax): never overflows.

    Where x_i - logsumexp(x) is below the floats (softmax([1e308, -1e308])), p_i is
    the constant 0.0: floats round e**x_i / sum_j e**x_j, and its slopes, to exactly that.

    Example:
        >>> import autodiff
        >>> [round(p.data, 3) for p in autodiff.softmax([0.0, 0.0])]
        [0.5, 0.5]
    """
    parents = _values(values, "softmax")
    total = logsumexp(parents)
    top = total.data
    return [(x - total).exp() if math.isfinite(x.data - top) else Value(0.0) for x in parents]


# ---------------------------------------------------------------- derivatives
def gradients(output: Value, inputs: Iterable[Value], create_graph: bool = False) -> list[Any]:
    """d(output)/d(x) for each x in ``inputs``, without touching any ``.grad``.

    Args:
        output: a Value.
        inputs: Values; one that ``output`` does not depend on gets 0.0.
        create_graph: if True the gradients are Values with graphs of their own,
            so they can be differentiated again (higher-order derivatives).
    Returns:
        A list of floats (or of Values, with create_graph).

    Example:
        >>> from autodiff import Value, gradients
        >>> x = Value(3.0)
        >>> gradients(x * x, [x])
        [6.0]
    """
    inputs = list(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"gradients: inputs must be Values, got {type(x).__name__}: {x!r}")
    if not isinstance(output, Value):
        raise TypeError(f"gradients: output must be a Value, got {type(output).__name__}: {output!r}")
    if create_graph:
        return graph.reverse_pass_on_values(output, inputs)
    return graph.reverse_pass(output, 1.0, into_grad=False, wrt=inputs)


def _indices(argnums: int | Sequence[int], count: int, name: str) -> tuple[int, ...]:
    if isinstance(argnums, bool) or not isinstance(argnums, (int, tuple, list)):
        raise TypeError(f"{name}: argnums must be an int or a tuple of ints, got {type(argnums).__name__}: {argnums!r}")
    indices = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in indices:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"{name}: argnums must be ints, got {type(i).__name__}: {i!r}")
        if not -count <= i < count:
            raise ValueError(f"{name}: argnums {argnums!r} is out of range for {count} argument(s)")
    return indices


def value_and_grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., tuple[Any, Any]]:
    """A function returning (f(*args), df/dargs[argnums]).

    Called on numbers it returns floats. Called on Values it returns Values
    with graphs of their own, so the result can be differentiated again.
    With a tuple of argnums the gradient is a tuple.

    Example:
        >>> from autodiff import value_and_grad
        >>> value_and_grad(lambda x: x * x)(3.0)
        (9.0, 6.0)
    """
    _indices(argnums, 1 << 30, "grad")  # refuse a bad argnums now, not at the first call

    @functools.wraps(f)
    def f_value_and_grad(*args: Any) -> tuple[Any, Any]:
        indices = _indices(argnums, len(args), "grad")
        args_ = list(args)
        create_graph = any(isinstance(args_[i], Value) for i in indices)
        for i in indices:
            if not isinstance(args_[i], Value):
                args_[i] = Value(as_float(args_[i], f"argument {i}"))
        out = f(*args_)
        if isinstance(out, Value):
            grads = gradients(out, [args_[i] for i in indices], create_graph=create_graph)
            value = out if create_graph else out.data
        else:  # f ignored its inputs and returned a number: a constant, slope 0
            value, grads = as_float(out, "f's result"), [0.0] * len(indices)
        return value, (grads[0] if isinstance(argnums, int) else tuple(grads))

    return f_value_and_grad


def grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """A function computing df/dx at x = args[argnums] (a tuple for several argnums).

    ``grad(grad(f))`` is the second derivative.

    Example:
        >>> from autodiff import grad
        >>> grad(lambda x: x ** 3)(2.0)
        12.0
        >>> grad(grad(lambda x: x ** 3))(2.0)
        12.0
    """
    f_value_and_grad = value_and_grad(f, argnums)

    @functools.wraps(f)
    def f_grad(*args: Any) -> Any:
        return f_value_and_grad(*args)[1]

    return f_grad


def hessian(f: Callable[..., Any]) -> Callable[..., list[list[float]]]:
    """A function returning the matrix of second derivatives of f, as a nested list.

    Example:
        >>> from autodiff import hessian
        >>> hessian(lambda x, y: x * x * y)(1.0, 2.0)
        [[4.0, 2.0], [2.0, 0.0]]
    """

    @functools.wraps(f)
    def f_hessian(*args: Any) -> list[list[float]]:
        xs = [Value(as_float(a, f"argument {i}")) for i, a in enumerate(args)]
        out = f(*xs)
        if not isinstance(out, Value):
            return [[0.0] * len(xs) for _ in xs]
        first = gradients(out, xs, create_graph=True)
        return [gradients(g, xs) if isinstance(g, Value) else [0.0] * len(xs) for g in first]

    return f_hessian
