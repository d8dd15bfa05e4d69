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

from .ops import DOT as _DOT

__all__ = ["nodes", "topological_order", "backward", "gradients", "zero_grad"]


_by_creation = attrgetter("_order")
_get_acc = attrgetter("_acc")


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


def _backward_plan(root) -> tuple[list, list]:
    """``root``'s graph for a reverse pass: (ops, leaves), every ``_acc`` set to 0.0.

    ``ops`` are the nodes made by an op, oldest first (a topological order:
    inputs are older than the nodes made from them); ``leaves`` are the inputs
    and parameters, in no particular order (nothing flows on from a leaf, so
    their order does not matter, and they are most of a network's nodes).

    A node is visited once: the walk marks it with this pass's own ``mark`` (a
    new object, never equal to an older pass's mark: the nodes holding that one
    keep it alive). Cheaper than a set of the visited nodes, and nothing to undo.
    """
    mark = object()
    root._acc = 0.0
    root._pass = mark
    if root._op is None:
        return [], [root]
    ops, leaves, stack = [], [], [root]
    add_op = ops.append
    while stack:
        node = stack.pop()
        while True:  # follow a run of one-input nodes without the stack (chains are common)
            add_op(node)
            parents = node._parents
            if type(parents) is tuple:
                for parent in parents:
                    if parent._pass is not mark:
                        parent._pass = mark
                        parent._acc = 0.0
                        (stack if parent._op is not None else leaves).append(parent)
                break
            if parents._pass is mark:
                break
            parents._pass = mark
            parents._acc = 0.0
            if parents._op is None:
                leaves.append(parents)
                break
            node = parents
    ops.sort(key=_by_creation)
    return ops, leaves


def _reverse_pass(root, seed: float, into_grad: bool) -> None:
    """Sum d(root)/d(node) * seed into ``node._acc`` for every node of ``root``'s graph.

    Walking the op nodes newest first, a node's ``_acc`` is final when we reach
    it (everything that uses it is newer), so that is when it is added to
    ``node.grad`` (if ``into_grad``) and passed on to the node's inputs through
    the op's local derivatives.
    """
    ops, leaves = _backward_plan(root)
    root._acc = seed
    isfinite = math.isfinite
    node = None
    try:
        for node in reversed(ops):
            grad = node._acc
            if not isfinite(grad):
                raise OverflowError(
                    f"the gradient reaching this node is {grad!r}; the graph's values are too large for floats"
                )
            if into_grad:
                node.grad += grad
            if grad == 0.0:
                continue  # nothing flows back through this node
            parents = node._parents
            if type(parents) is not tuple:  # one input, kept bare (see value._make)
                parents._acc += grad * node._op.derivative1(parents.data, node.data, node._arg)
            elif node._op is _DOT:
                # the dot op's rule (ops._dot_partials: d/dw_i = x_i, d/dx_i = w_i, d/db = 1)
                # written out here, without building the partials tuple: networks are mostly dots
                n = len(parents) // 2
                for w, x in zip(parents[:n], parents[n : 2 * n]):
                    w._acc += grad * x.data
                    x._acc += grad * w.data
                if len(parents) % 2:
                    parents[-1]._acc += grad
            else:
                locals_ = node._op.partials([p.data for p in parents], node.data, node._arg)
                for parent, local in zip(parents, locals_):
                    parent._acc += grad * local
        # A sum of finite shares can still overflow. (Their total is finite when they all are, so
        # that one C-speed sum is the check, unless the total itself overflows: then look closer.)
        if not isfinite(sum(map(_get_acc, leaves))) and not all(map(isfinite, map(_get_acc, leaves))):
            node = next(leaf for leaf in leaves if not isfinite(leaf._acc))
            raise OverflowError(
                f"the gradient reaching this leaf is {node._acc!r}; the graph's values are too large for floats"
            )
    except (ArithmeticError, ValueError) as error:
        raise type(error)(f"backward through {_describe(node)}: {error}") from error
    if into_grad:
        for node in leaves:
            node.grad += node._acc


def _describe(node) -> str:
    if node is None or node._op is None:
        return "a leaf"
    inputs = ", ".join(f"{p.data!r}" for p in node.parents[:4])
    more = ", ..." if len(node.parents) > 4 else ""
    return f"{node._op.name}({inputs}{more})"


def backward(root, grad=1.0) -> None:
    """Add d(root)/d(node) * grad to ``node.grad`` for every node of ``root``'s graph."""
    seed = grad if type(grad) is float and math.isfinite(grad) else _seed(grad)  # (the usual 1.0: no call)
    _reverse_pass(root, seed, into_grad=True)


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
    if create_graph:
        _reverse_pass_on_values(output)
    else:
        _reverse_pass(output, 1.0, into_grad=False)
    return [x._acc for x in inputs]


def _reverse_pass_on_values(root) -> None:
    """Like ``_reverse_pass`` but with the rules run on Values, recording a graph of the gradients."""
    from .value import _MODE, _Mode

    token = _MODE.set(_Mode(True, _MODE.get().scope))  # the gradient graph must be recorded
    try:
        ops, _ = _backward_plan(root)
        root._acc = 1.0
        for node in reversed(ops):
            grad = node._acc
            if type(grad) is float and grad == 0.0:
                continue
            parents = node.parents
            for parent, local in zip(parents, node._op.partials(parents, node, node._arg)):
                if type(local) is float and local == 0.0:
                    continue
                contribution = grad * local
                parent._acc = (
                    contribution if type(parent._acc) is float and parent._acc == 0.0 else parent._acc + contribution
                )
    finally:
        _MODE.reset(token)
