"""Functions over many Values (each ONE node), and derivatives as functions."""

from __future__ import annotations

import functools
from itertools import repeat
from operator import attrgetter

from .graph import gradients
from .ops import DOT, LOGSUMEXP, SUM, dot_value
from .value import _MODE, _ONE_NODE_METHODS, Scope, Value, _as_float, _make

__all__ = ["sum", "dot", "dots", "logsumexp", "softmax", "log_softmax", "grad", "value_and_grad", "hessian"]

_builtin_sum = sum


def _values(items, what) -> tuple:
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
    return tuple(x if isinstance(x, Value) else Value(x) for x in items)


_ALL_VALUES = repeat(Value)  # isinstance's second argument for map(); never runs out
_get_data = attrgetter("data")


def _nary(op, parents) -> Value:
    return _make(op, parents, None, op.forward(list(map(_get_data, parents)), None))


def sum(values) -> Value:  # noqa: A001 - autodiff.sum is the public name
    """x_1 + ... + x_n as ONE node (the builtin sum makes n nodes).

    Example:
        >>> import autodiff
        >>> autodiff.sum([1.0, 2.0, autodiff.Value(3.0)]).data
        6.0
    """
    parents = _values(values, "sum")
    return _nary(SUM, parents) if parents else Value(0.0)


def dot(weights, inputs, bias=None) -> Value:
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


def _dot_node(w, x: tuple, x_data: list, bias, who: str) -> Value:
    """The node w . x + b for checked Values w and x (x_data: their data); numbers as bias become leaves."""
    if len(w) != len(x):
        raise ValueError(f"{who}: {len(w)} weights but {len(x)} inputs; they must be equally many")
    if bias is None:
        return _make(DOT, (*w, *x), None, dot_value(map(_get_data, w), x_data)) if w else Value(0.0)
    if not isinstance(bias, Value):
        bias = _value(bias, f"{who} (bias)")
    return _make(DOT, (*w, *x, bias), None, dot_value(map(_get_data, w), x_data, bias.data))


def dots(weight_rows, inputs, biases=None, *, activation=None, scopes=None) -> list:
    """A dense layer: ``activation(w_i . x + b_i)`` for each row w_i, one ``dot`` node per row.

    The same nodes as ``[activation(dot(w, inputs, b)) for w, b in zip(weight_rows, biases)]``,
    only faster: the inputs are checked and read once for all rows. nn's Layer is built on it.

    Args:
        weight_rows: a list of rows; each row a list of Values or numbers, as long as ``inputs``.
        inputs: a list of Values or numbers.
        biases: None, or one Value or number per row.
        activation: None, or a function Value -> Value applied to each row's node (``Value.relu``).
        scopes: None, or one Scope per row: row i's nodes are made in ``scopes[i]`` as if inside
            ``with autodiff.scope(scopes[i])`` (so drawings show each neuron as a cluster).
    Returns:
        A list of Values, one per row.
    Example:
        >>> import autodiff
        >>> [z.data for z in autodiff.dots([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0], [0.5, -0.5])]
        [3.5, 6.5]
    """
    x = _values(inputs, "dots (inputs)")
    x_data = list(map(_get_data, x))
    rows = _rows(weight_rows, "weight_rows")
    biases = [None] * len(rows) if biases is None else _rows(biases, "biases", len(rows))
    scopes = [None] * len(rows) if scopes is None else _rows(scopes, "scopes", len(rows))
    if not all(map(isinstance, scopes, _ALL_SCOPES)):
        scope = next(s for s in scopes if not isinstance(s, _SCOPES))
        raise TypeError(f"dots: scopes must be Scope objects or None, got {type(scope).__name__}: {scope!r}")
    # Rows of Values with Value biases (or none) and an activation that makes one node (Value.relu
    # and the like, or none) are built in the caller's mode, and their nodes are put in the row's
    # scope directly: the same nodes as inside the scope, without entering it for every row.
    direct = _makes_one_node(activation) and all(map(isinstance, biases, _ALL_BIASES))
    record = _MODE.get().record
    out = []
    for row, bias, scope in zip(rows, biases, scopes):
        if direct and type(row) in _SEQUENCES and all(map(isinstance, row, _ALL_VALUES)):
            node = _dot_node(row, x, x_data, bias, "dots")
            result = node if activation is None else activation(node)
            if scope is not None:
                node._scope = result._scope = scope
            out.append(result)
            continue
        # Numbers to make into leaves, or an activation that may make any number of nodes: in the scope.
        token = None if scope is None else _MODE.set(scope._modes[record])
        try:
            node = _dot_node(_values(row, "dots (a weight row)"), x, x_data, bias, "dots")
            out.append(node if activation is None else activation(node))
        finally:
            if token is not None:
                _MODE.reset(token)
    return out


def _makes_one_node(activation) -> bool:
    """True for no activation and for Value's own op methods (Value.relu, ...): each makes one node."""
    try:
        return activation is None or activation in _ONE_NODE_METHODS
    except TypeError:  # an unhashable callable: not one of them
        return False


_SEQUENCES = (list, tuple)
_SCOPES, _BIASES = (Scope, type(None)), (Value, type(None))
_ALL_SCOPES, _ALL_BIASES = repeat(_SCOPES), repeat(_BIASES)  # isinstance's second argument, for map()


def _value(item, what) -> Value:
    return item if isinstance(item, Value) else Value(_as_float(item, what))


def _rows(items, what, count=None) -> list:
    """``items`` as a list (one entry per row); ValueError if it is not ``count`` long."""
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"dots: {what} must be a list, got {type(items).__name__}: {items!r}"[:300])
    items = list(items)
    if count is not None and len(items) != count:
        raise ValueError(f"dots: {count} weight rows but {len(items)} {what}; they must be equally many")
    return items


def logsumexp(values) -> Value:
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


def log_softmax(values) -> list:
    """[x_i - logsumexp(x)]: log-probabilities, stable for inputs of any size."""
    parents = _values(values, "log_softmax")
    total = logsumexp(parents)
    return [x - total for x in parents]


def softmax(values) -> list:
    """[e**x_i / sum_j e**x_j] as exp(log_softmax): never overflows.

    Example:
        >>> import autodiff
        >>> [round(p.data, 3) for p in autodiff.softmax([0.0, 0.0])]
        [0.5, 0.5]
    """
    return [x.exp() for x in log_softmax(values)]


# ---------------------------------------------------------------- derivatives as functions
def _indices(argnums, count, name):
    indices = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in indices:
        if not isinstance(i, int) or not -count <= i < count:
            raise ValueError(f"{name}: argnums {argnums!r} is out of range for {count} argument(s)")
    return indices


def value_and_grad(f, argnums=0):
    """A function returning (f(*args), df/dargs[argnums]).

    Called on numbers it returns floats. Called on Values it returns Values
    with graphs of their own, so the result can be differentiated again.
    With a tuple of argnums the gradient is a tuple.

    Example:
        >>> from autodiff import value_and_grad
        >>> value_and_grad(lambda x: x * x)(3.0)
        (9.0, 6.0)
    """

    @functools.wraps(f)
    def f_value_and_grad(*args):
        indices = _indices(argnums, len(args), "grad")
        args = list(args)
        create_graph = any(isinstance(args[i], Value) for i in indices)
        for i in indices:
            if not isinstance(args[i], Value):
                args[i] = Value(_as_float(args[i], f"argument {i}"))
        out = f(*args)
        if isinstance(out, Value):
            grads = gradients(out, [args[i] for i in indices], create_graph=create_graph)
            value = out if create_graph else out.data
        else:  # f ignored its inputs and returned a number: a constant, slope 0
            value, grads = _as_float(out, "f's result"), [0.0] * len(indices)
        return value, (grads[0] if isinstance(argnums, int) else tuple(grads))

    return f_value_and_grad


def grad(f, argnums=0):
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
    def f_grad(*args):
        return f_value_and_grad(*args)[1]

    return f_grad


def hessian(f):
    """A function returning the matrix of second derivatives of f, as a nested list.

    Example:
        >>> from autodiff import hessian
        >>> hessian(lambda x, y: x * x * y)(1.0, 2.0)
        [[4.0, 2.0], [2.0, 0.0]]
    """

    @functools.wraps(f)
    def f_hessian(*args):
        xs = [Value(_as_float(a, f"argument {i}")) for i, a in enumerate(args)]
        out = f(*xs)
        if not isinstance(out, Value):
            return [[0.0] * len(xs) for _ in xs]
        first = gradients(out, xs, create_graph=True)
        return [gradients(g, xs) if isinstance(g, Value) else [0.0] * len(xs) for g in first]

    return f_hessian
