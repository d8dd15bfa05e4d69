"""Walking the graph: topological order, backward, gradients. No recursion anywhere.

Each node has a scratch slot ``_acc`` where one pass sums the gradient flowing
into it. A pass first zeroes the scratch of every node it will visit, so passes
never see each other's leftovers: that is why a second ``backward()`` adds
exactly the same gradients again (micrograd's x*x*x doubles wrongly because its
intermediate grads leak from one call into the next).
"""
from __future__ import annotations

import math
from operator import attrgetter

__all__ = ["nodes", "topological_order", "backward", "gradients", "zero_grad"]

from .ops import DOT as _DOT

_by_creation = attrgetter("_order")


def nodes(root, limit: int | None = None) -> set:
    """Every Value that ``root`` depends on, ``root`` included (an iterative walk).

    With ``limit``, the walk stops as soon as it has found more than ``limit``
    nodes (so a drawing can refuse a huge graph at once).
    """
    seen = {root}
    stack = [root]
    while stack:
        parents = stack.pop()._parents
        if type(parents) is not tuple:  # a one-input node keeps its input bare (see value._make)
            if parents not in seen:
                seen.add(parents)
                stack.append(parents)
        else:
            for parent in parents:
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        if limit is not None and len(seen) > limit:
            break
    return seen


def topological_order(root) -> list:
    """The graph of ``root`` with every node after its inputs (``root`` last).

    Values are numbered as they are created and an op's inputs exist before its
    output, so sorting by that number is a topological order.
    """
    return sorted(nodes(root), key=_by_creation)


def _seed(grad) -> float:
    from .value import _as_float

    return _as_float(grad, "the backward seed grad")


def _reverse_pass(order, seed, into_grad):
    """Sum d(root)/d(node) * seed into ``node._acc`` for every node, on floats.

    ``order`` is topological with the root last. Walking it backwards, a node's
    ``_acc`` is final when we reach it (everything that uses it came later in
    ``order``), so that is when it is added to ``node.grad`` (if ``into_grad``)
    and passed on to the node's inputs through the op's local derivatives.
    """
    for node in order:
        node._acc = 0.0
    order[-1]._acc = seed
    isfinite = math.isfinite
    node = None
    try:
        for node in reversed(order):
            grad = node._acc
            if not isfinite(grad):
                raise OverflowError(f"the gradient reaching this node is {grad!r}; "
                                    f"the graph's values are too large for floats")
            if into_grad:
                node.grad += grad
            op = node._op
            if op is None or grad == 0.0:
                continue  # a leaf, or nothing flows back through this node
            parents = node._parents
            if type(parents) is not tuple:  # one input, kept bare
                parents._acc += grad * op.partials((parents.data,), node.data, node._arg)[0]
            elif op is _DOT:
                # w . x + b: d/dw_i = x_i, d/dx_i = w_i, d/db = 1, without building the partials tuple
                n = len(parents) // 2
                for w, x in zip(parents[:n], parents[n:2 * n]):
                    w._acc += grad * x.data
                    x._acc += grad * w.data
                if len(parents) % 2:
                    parents[-1]._acc += grad
            elif len(parents) == 1:
                parent = parents[0]
                parent._acc += grad * op.partials((parent.data,), node.data, node._arg)[0]
            else:
                for parent, local in zip(parents, op.partials([p.data for p in parents], node.data, node._arg)):
                    parent._acc += grad * local
    except (ArithmeticError, ValueError) as error:
        raise type(error)(f"backward through {_describe(node)}: {error}") from error


def _describe(node) -> str:
    if node is None or node._op is None:
        return "a leaf"
    inputs = ", ".join(f"{p.data!r}" for p in node.parents[:4])
    more = ", ..." if len(node.parents) > 4 else ""
    return f"{node._op.name}({inputs}{more})"


def backward(root, grad=1.0) -> None:
    """Add d(root)/d(node) * grad to ``node.grad`` for every node of ``root``'s graph."""
    _reverse_pass(topological_order(root), _seed(grad), into_grad=True)


def zero_grad(root) -> None:
    """Set ``grad`` to 0.0 on every node of ``root``'s graph."""
    for node in nodes(root):
        node.grad = 0.0


def gradients(output, inputs, create_graph: bool = False) -> list:
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
    from .value import Value

    inputs = list(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"gradients: inputs must be Values, got {type(x).__name__}: {x!r}")
    if not isinstance(output, Value):
        raise TypeError(f"gradients: output must be a Value, got {type(output).__name__}: {output!r}")
    for x in inputs:
        x._acc = 0.0  # inputs outside the graph keep this 0.0
    order = topological_order(output)
    if create_graph:
        _reverse_pass_on_values(order)
    else:
        _reverse_pass(order, 1.0, into_grad=False)
    return [x._acc for x in inputs]


def _reverse_pass_on_values(order) -> None:
    """Like ``_reverse_pass`` but with the rules run on Values, recording a graph of the gradients."""
    from .value import _MODE, _Mode

    token = _MODE.set(_Mode(True, _MODE.get().scope))  # the gradient graph must be recorded
    try:
        for node in order:
            node._acc = 0.0
        order[-1]._acc = 1.0
        for node in reversed(order):
            grad = node._acc
            op = node._op
            if op is None or (type(grad) is float and grad == 0.0):
                continue
            parents = node.parents
            for parent, local in zip(parents, op.partials(parents, node, node._arg)):
                if type(local) is float and local == 0.0:
                    continue
                contribution = grad * local
                parent._acc = contribution if type(parent._acc) is float and parent._acc == 0.0 \
                    else parent._acc + contribution
    finally:
        _MODE.reset(token)
