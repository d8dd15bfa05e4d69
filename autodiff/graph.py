"""Walking the graph: topological order and the reverse pass. No recursion anywhere.

Each node has a scratch slot ``_acc`` where one pass sums the gradient flowing
into it. A pass first zeroes the scratch of every node it will visit, so passes
never see each other's leftovers: that is why a second ``backward()`` adds
exactly the same gradients again (micrograd's x*x*x doubles wrongly because its
intermediate grads leak from one call into the next). Passes hold one lock, so
two threads backpropagating through shared parameters get exactly what running
one after the other gives.

A node's inputs are read with ``inputs_of`` everywhere except the two hot loops
below, which know that a one-input node keeps its input bare (see value.py).
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from .checks import as_float, must_be_finite
from .mode import enable_grad

__all__ = ["nodes", "topological_order", "inputs_of", "backward", "zero_grad", "reverse_pass", "reverse_pass_on_values"]

_by_creation = attrgetter("_order")
_get_acc = attrgetter("_acc")
# One pass at a time: the scratch slots are shared by every graph a node belongs to.
# Re-entrant, since a rule run on Values (higher order) may itself start a pass.
_PASS_LOCK = threading.RLock()


def inputs_of(node: Any) -> tuple:
    """The Values ``node`` was computed from, in order (a Value used twice appears twice)."""
    parents = node._parents
    return parents if type(parents) is tuple else (parents,)


def nodes(root: Any, limit: int | None = None) -> set:
    """Every Value that ``root`` depends on, ``root`` included (an iterative walk).

    With ``limit``, the walk stops as soon as it has found more than ``limit``
    nodes (so a drawing can refuse a huge graph at once).
    """
    seen = {root}
    stack = [root]
    while stack:
        for parent in inputs_of(stack.pop()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
        if limit is not None and len(seen) > limit:
            break
    return seen


def topological_order(root: Any) -> list:
    """The graph of ``root`` with every node after its inputs (``root`` last).

    Values are numbered as they are created and an op's inputs exist before its
    output, so sorting by that number is a topological order.
    """
    return sorted(nodes(root), key=_by_creation)


def _backward_plan(root: Any) -> tuple[list, list]:
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
    ops: list = []
    leaves: list = []
    stack = [root]
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


def reverse_pass(root: Any, seed: float, into_grad: bool, wrt: Sequence[Any] = ()) -> list:
    """Sum d(root)/d(node) * seed into ``node._acc`` for every node of ``root``'s graph.

    Walking the op nodes newest first, a node's ``_acc`` is final when we reach
    it (everything that uses it is newer), so that is when it is passed on to
    the node's inputs through the op's local derivatives. With ``into_grad``
    the sums are then added to every ``node.grad``, only once the whole pass
    has succeeded: a failed pass changes no ``.grad``. Returns the sums for the
    nodes ``wrt`` (0.0 for one outside the graph).
    """
    with _PASS_LOCK:
        for x in wrt:
            x._acc = 0.0
        ops, leaves = _backward_plan(root)
        root._acc = seed
        isfinite = math.isfinite
        node = None
        try:
            for node in reversed(ops):
                grad = node._acc
                if not isfinite(grad):
                    raise _not_finite("node", grad, ops, leaves)
                if grad == 0.0:
                    continue  # nothing flows back through this node
                parents = node._parents
                op = node._op
                if type(parents) is not tuple:  # one input, kept bare (see value.py)
                    parents._acc += grad * op.derivative(parents.data, node.data, node._arg)
                elif op.backprop is not None:
                    op.backprop(parents, node.data, node._arg, grad)
                else:
                    shares = op.partials([p.data for p in parents], node.data, node._arg)
                    for parent, local in zip(parents, shares):
                        parent._acc += grad * local
            # A sum of finite shares can still overflow. (Their total is finite when they all are, so
            # that one C-speed sum is the check, unless the total itself overflows: then look closer.)
            if not isfinite(sum(map(_get_acc, leaves))) and not all(map(isfinite, map(_get_acc, leaves))):
                node = next(leaf for leaf in leaves if not isfinite(leaf._acc))
                raise _not_finite("leaf", node._acc, ops, leaves)
        except (ArithmeticError, ValueError) as error:
            raise type(error)(f"backward through {_describe(node)}: {error}") from error
        if into_grad:
            for node in ops:
                node.grad += node._acc
            for node in leaves:
                node.grad += node._acc
        return [x._acc for x in wrt]


def _not_finite(where: str, grad: float, ops: list, leaves: list) -> ArithmeticError | ValueError:
    """Why a gradient is not finite: a NaN or inf put into some ``.data`` by hand, else an overflow."""
    bad = next((n.data for n in itertools.chain(leaves, ops) if not math.isfinite(n.data)), None)
    if bad is not None:
        return must_be_finite("an input (Value.data set by hand?)", bad)
    return OverflowError(f"the gradient reaching this {where} is {grad!r}; the graph's values are too large for floats")


def _describe(node: Any) -> str:
    if node is None or node._op is None:
        return "a leaf"
    parents = inputs_of(node)
    inputs = ", ".join(f"{p.data!r}" for p in parents[:4])
    more = ", ..." if len(parents) > 4 else ""
    return f"{node._op.name}({inputs}{more})"


def backward(root: Any, grad: Any = 1.0) -> None:
    """Add d(root)/d(node) * grad to ``node.grad`` for every node of ``root``'s graph."""
    seed = grad if type(grad) is float and math.isfinite(grad) else as_float(grad, "the backward seed grad")
    reverse_pass(root, seed, into_grad=True)


def zero_grad(root: Any) -> None:
    """Set ``grad`` to 0.0 on every node of ``root``'s graph."""
    for node in nodes(root):
        node.grad = 0.0


def _is_zero(x: Any) -> bool:
    return type(x) is float and x == 0.0


def reverse_pass_on_values(root: Any, wrt: Sequence[Any]) -> list:
    """Like ``reverse_pass`` (seed 1, for ``wrt``) but with the rules run on Values: the
    gradients are Values with graphs of their own (or 0.0 where nothing flows)."""
    with _PASS_LOCK, enable_grad():  # the gradient graph must be recorded, even inside no_grad
        for x in wrt:
            x._acc = 0.0
        ops, _ = _backward_plan(root)
        root._acc = 1.0
        for node in reversed(ops):
            grad = node._acc
            if _is_zero(grad):
                continue
            parents = inputs_of(node)
            for parent, local in zip(parents, node._op.local_grads(parents, node, node._arg)):
                if _is_zero(local):
                    continue
                contribution = grad * local
                parent._acc = contribution if _is_zero(parent._acc) else parent._acc + contribution
        return [x._acc for x in wrt]
