"""The NumPy replay of a trace (``autodiff.compile(..., backend="numpy")``).

Nodes of one op at one depth, with inputs of the same kinds, form a group that
runs as one array operation over the whole batch, with the op table's own
rules (they run on arrays: see ops.py); a dense layer's dot nodes (weights
that are parameters, the same inputs) become one matmul. Values live in two
stores: V (node, row) for what depends on the sample, U (node,) for
parameters, constants and what is made of them only. Equal to the scalar
engine to rounding: sums run in another order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .ops import DOT
from .trace import Trace
from .value import Value

__all__ = ["NumpyReplay", "OnError"]

# Called with the rows where something failed: raises the scalar engine's own error there.
OnError = Callable[[Iterable[int]], None]


class _Group:
    """Nodes of one op at one depth with inputs of the same kinds, replayed as one array op."""

    __slots__ = ("op", "arg", "out", "slots", "layer", "wide")

    def __init__(self, op: Any, arg: Any, out: tuple, slots: list, layer: tuple | None = None, wide: tuple = ()):
        self.op = op
        self.arg = arg
        self.out = out  # (store, indices): "V" rows per sample, or "U" one number for all rows
        self.slots = slots  # per input position: (store, indices)
        self.layer = layer  # for a dense layer: (weight indices (G, n), input rows (n,), bias indices or None)
        # for one n-ary node: (input count, positions and indices of its inputs in V, the same in U)
        self.wide = wide


class _Indices(np.ndarray):
    """Indices into a store, knowing whether any repeats (then adding needs np.add.at)."""

    unique: bool


def _index(values: Any) -> slice | _Indices:
    """Where some nodes are in a store: a slice when they are one block of rows in order (a view,
    no copy), else an index array."""
    array = np.asarray(values, dtype=int)
    if array.ndim == 1 and len(array) and np.array_equal(array, np.arange(array[0], array[0] + len(array))):
        return slice(int(array[0]), int(array[0]) + len(array))
    indices = array.view(_Indices)
    indices.unique = len(np.unique(indices)) == indices.size
    return indices


def _size(index: slice | np.ndarray) -> int:
    return index.stop - index.start if isinstance(index, slice) else len(index)


class NumpyReplay:
    """The trace as groups in topological order, over two stores: V (node, row) for nodes that
    depend on the sample, U (node,) for parameters, constants and what is made of them only."""

    def __init__(self, trace: Trace):
        self.trace = trace
        store: dict[int, str] = {}  # "V" if the node depends on the sample, else "U"
        depth: dict[int, int] = {}
        for v in trace.order:
            kind = trace.kind[id(v)]
            parents = v.parents
            depth[id(v)] = 1 + max((depth[id(p)] for p in parents), default=-1)
            sample = kind == "input" or (kind == "op" and any(store[id(p)] == "V" for p in parents))
            store[id(v)] = "V" if sample else "U"
        groups = self._group([v for v in trace.order if trace.kind[id(v)] == "op"], depth, store)
        # Rows in the order the groups fill them: a group's outputs are one block of rows, so the
        # groups that read them (a layer reads the layer before) mostly take slices, not copies.
        self.params = trace.params
        consts = [v for v in trace.order if trace.kind[id(v)] == "const"]
        leaves = [trace.inputs, self.params, consts]
        self.where: dict[int, tuple[str, int]] = {}
        counts = {"V": 0, "U": 0}
        for v in [v for nodes in leaves for v in nodes] + [v for nodes in groups for v in nodes]:
            kind = store[id(v)]
            self.where[id(v)] = (kind, counts[kind])
            counts[kind] += 1
        self.n_v, self.n_u = counts["V"], counts["U"]
        self.inputs = _index([self.where[id(x)][1] for x in trace.inputs])
        self.param_index = _index([self.where[id(v)][1] for v in self.params])
        self.const_index = _index([self.where[id(v)][1] for v in consts])
        self.const_values = np.array([v.data for v in consts], dtype=float)
        self.outputs = [self.where[id(o)] for o in trace.outputs]
        self.groups = [self._make_group(nodes) for nodes in groups]

    @staticmethod
    def _group(op_nodes: list, depth: dict, store: dict) -> list[list]:
        """The op nodes in groups, in an order where every group comes after the groups it reads."""
        buckets: dict[tuple[Any, ...], list] = {}
        for v in op_nodes:
            parents = v.parents
            kinds = tuple(store[id(p)] for p in parents)
            key: tuple[Any, ...]
            if v.op.arity is None:  # n-ary: a dense layer's dots group; any other node stands alone
                layer = v.op is DOT and _is_layer_dot(kinds)
                key = (depth[id(v)], "layer", len(parents), _dot_inputs(v)) if layer else ("node", id(v))
            else:
                key = (depth[id(v)], v.op.name, repr(v.arg), store[id(v)], kinds)
            buckets.setdefault(key, []).append(v)
        # Depth first, creation order within a depth (nodes of one depth never read each other).
        return sorted(buckets.values(), key=lambda nodes: (depth[id(nodes[0])], nodes[0].order))

    def _make_group(self, nodes: list) -> _Group:
        first = nodes[0]
        store = self.where[id(first)][0]
        out = (store, _index([self.where[id(v)][1] for v in nodes]))
        if first.op is DOT and _is_layer_dot(tuple(self.where[id(p)][0] for p in first.parents)):
            n = len(first.parents) // 2
            weights = _index([[self.where[id(p)][1] for p in v.parents[:n]] for v in nodes])
            rows = _index([self.where[id(p)][1] for p in first.parents[n : 2 * n]])
            bias = _index([self.where[id(v.parents[-1])][1] for v in nodes]) if len(first.parents) % 2 else None
            return _Group(first.op, None, out, [], (weights, rows, bias))
        if first.op.arity is None:  # one node (see _group): its inputs gathered into one array
            stores = [self.where[id(p)] for p in first.parents]
            v_pos = _index([k for k, (store, _) in enumerate(stores) if store == "V"])
            u_pos = _index([k for k, (store, _) in enumerate(stores) if store == "U"])
            v_idx = _index([i for store, i in stores if store == "V"])
            u_idx = _index([i for store, i in stores if store == "U"])
            return _Group(first.op, first.arg, out, [], wide=(len(stores), v_pos, v_idx, u_pos, u_idx))
        slots = [
            (self.where[id(first.parents[k])][0], _index([self.where[id(v.parents[k])][1] for v in nodes]))
            for k in range(len(first.parents))
        ]
        return _Group(first.op, first.arg, out, slots)

    # ------------------------------------------------------------ running it
    def _stores(self, X: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        V = np.empty((self.n_v, len(X)))
        U = np.empty(self.n_u)
        V[self.inputs] = X.T
        U[self.param_index] = P
        U[self.const_index] = self.const_values
        return V, U

    @staticmethod
    def _gather(slot: tuple, V: np.ndarray, U: np.ndarray, sample_out: bool) -> np.ndarray:
        store, indices = slot
        if store == "V":
            return V[indices]
        return U[indices][:, None] if sample_out else U[indices]

    def forward(self, X: np.ndarray, P: np.ndarray, on_error: OnError, keep: bool = False) -> Any:
        """The outputs (rows, n_out) of the rows X at parameter values P (and with ``keep``, the
        stores V and U of every node's value)."""
        V, U = self._stores(X, P)
        with np.errstate(all="ignore"):
            for group in self.groups:
                store, indices = group.out
                if group.layer is not None:
                    weights, rows, bias = group.layer
                    result = U[weights] @ V[rows]
                    if bias is not None:
                        result = result + U[bias][:, None]
                else:
                    xs = self._inputs(group, V, U, len(X))
                    try:
                        result = (
                            group.op.forward(xs[0], group.arg)
                            if group.op.arity == 1
                            else group.op.evaluate(xs, group.arg)
                        )
                    except (ArithmeticError, ValueError):
                        on_error(range(len(X)))  # the scalar engine names the row and the op
                        raise
                    if group.wide:  # one n-ary node: a row
                        result = np.reshape(result, (1, -1) if store == "V" else (1,))
                    if store == "V" and np.shape(result) != (_size(indices), len(X)):
                        # a V node reads at least one per-sample row: a smaller result is a rule that
                        # did not run element by element (a float from math.*)
                        raise TypeError(f"{group.op.name}: its forward gave shape {np.shape(result)} on arrays")
                (V if store == "V" else U)[indices] = result
            # Every value is kept, so one look at the stores finds any that is not finite; then the
            # first group that made one is the one to name.
            if not (np.isfinite(V).all() and np.isfinite(U).all()):
                group = next(g for g in self.groups if not np.isfinite((V if g.out[0] == "V" else U)[g.out[1]]).all())
                self._not_finite(group, (V if group.out[0] == "V" else U)[group.out[1]], X, on_error)
        out = np.stack([V[i] if s == "V" else np.full(len(X), U[i]) for s, i in self.outputs], axis=1)
        return (out, V, U) if keep else out

    def _inputs(self, group: _Group, V: np.ndarray, U: np.ndarray, rows: int) -> Any:
        """A group's inputs: one array per input position, or for one n-ary node one array of all."""
        sample_out = group.out[0] == "V"
        if not group.wide:
            return [self._gather(slot, V, U, sample_out) for slot in group.slots]
        count, v_pos, v_idx, u_pos, u_idx = group.wide
        xs = np.empty((count, rows) if sample_out else (count, 1))
        if _size(v_idx):
            xs[v_pos] = V[v_idx]
        if _size(u_idx):
            xs[u_pos] = U[u_idx][:, None]
        return xs

    def value_of(self, v: Value, V: np.ndarray, U: np.ndarray) -> np.ndarray:
        """A traced Value's values in stores V and U (from ``forward(..., keep=True)``)."""
        store, i = self.where[id(v)]
        return V[i] if store == "V" else U[i]

    def _not_finite(self, group: _Group, result: np.ndarray, X: np.ndarray, on_error: OnError) -> None:
        bad = ~np.isfinite(result)
        rows = sorted(set(np.nonzero(bad)[-1].tolist())) if result.ndim == 2 else list(range(len(X)))
        on_error(rows[:1])  # raises the scalar engine's own error for that row
        raise OverflowError(f"{group.op.name} overflowed: a result is not a finite float (row {rows[0]})")

    def backward(self, X: np.ndarray, P: np.ndarray, seeds: np.ndarray, on_error: OnError, want_inputs: bool) -> tuple:
        """(outputs, the parameters' gradients as an array, the inputs' (rows, n_inputs) or None)."""
        out, V, U = self.forward(X, P, on_error, keep=True)
        GV, GU = self._reverse(V, U, seeds, skip_zero=False)
        if not (np.isfinite(GV).all() and np.isfinite(GU).all()):
            # The scalar engine passes nothing back through a node whose gradient is 0, so an
            # infinite local derivative there (sqrt at 0 under a relu that is off) does no harm:
            # the same pass again, with the zero gradients kept out of every product.
            GV, GU = self._reverse(V, U, seeds, skip_zero=True)
        if not (np.isfinite(GV).all() and np.isfinite(GU).all()):
            on_error(range(len(X)))
            raise OverflowError("backward: a gradient is not a finite float; the graph's values are too large")
        return out, GU[self.param_index], GV[self.inputs].T if want_inputs else None

    def _reverse(self, V: np.ndarray, U: np.ndarray, seeds: np.ndarray, skip_zero: bool) -> tuple:
        """The gradients of every node in two stores like V and U, from the outputs' seeds."""
        GV = np.zeros_like(V)
        GU = np.zeros_like(U)
        for j, (store, i) in enumerate(self.outputs):
            if store == "V":
                GV[i] += seeds[:, j]
            else:
                GU[i] += seeds[:, j].sum()
        with np.errstate(all="ignore"):
            for group in reversed(self.groups):
                self._backprop(group, V, U, GV, GU, skip_zero)
        return GV, GU

    def _backprop(
        self, group: _Group, V: np.ndarray, U: np.ndarray, GV: np.ndarray, GU: np.ndarray, skip_zero: bool
    ) -> None:
        store, indices = group.out
        grad = (GV if store == "V" else GU)[indices]
        if group.layer is not None:
            weights, rows, bias = group.layer
            _scatter(GU, weights, grad @ V[rows].T)
            _scatter(GV, rows, U[weights].T @ grad)
            if bias is not None:
                _scatter(GU, bias, grad.sum(axis=1))
            return
        sample_out = store == "V"
        xs = self._inputs(group, V, U, V.shape[1])
        out = (V if sample_out else U)[indices]
        if group.wide:
            self._backprop_wide(group, xs, out, grad, GV, GU, skip_zero)
            return
        for slot, local in zip(group.slots, group.op.local_grads(xs, out, group.arg)):
            share = grad * local
            if np.shape(share) != grad.shape:  # a local derivative of constants only
                share = np.broadcast_to(share, grad.shape)
            if skip_zero:
                share = np.where(grad == 0.0, 0.0, share)
            if slot[0] == "V":
                _scatter(GV, slot[1], share)
            else:
                _scatter(GU, slot[1], share.sum(axis=1) if sample_out else share)

    @staticmethod
    def _backprop_wide(
        group: _Group, xs: np.ndarray, out: np.ndarray, grad: np.ndarray, GV: Any, GU: Any, skip_zero: bool
    ) -> None:
        _, v_pos, v_idx, u_pos, u_idx = group.wide
        local = group.op.partials(xs, out[0], group.arg)  # (an n-ary op: may give one array of rows)
        try:
            shares = np.array(local, dtype=float)  # all numbers, or all arrays of one shape
        except ValueError:  # a mix (dot: the inputs' values and the bias's 1.0)
            shares = np.empty(xs.shape)
            for k, value in enumerate(local):
                shares[k] = value
        if shares.ndim == 1:
            shares = shares[:, None]
        shares = grad * shares  # (count, rows): grad is this node's row
        if skip_zero:
            shares = np.where(grad == 0.0, 0.0, shares)
        if _size(v_idx):
            _scatter(GV, v_idx, shares[v_pos])
        if _size(u_idx):
            _scatter(GU, u_idx, shares[u_pos].sum(axis=1))


def _scatter(store: np.ndarray, indices: Any, values: np.ndarray) -> None:
    """store[indices] += values, also where an index repeats (a node read twice)."""
    if isinstance(indices, slice) or indices.unique:
        store[indices] += values
    else:
        np.add.at(store, indices, values)


def _is_layer_dot(kinds: tuple) -> bool:
    """A dot node of a dense layer: weights from U (parameters), inputs from V, a bias from U."""
    n = len(kinds) // 2
    return (
        n > 0
        and all(k == "U" for k in kinds[:n])
        and all(k == "V" for k in kinds[n : 2 * n])
        and (len(kinds) % 2 == 0 or kinds[-1] == "U")
    )


def _dot_inputs(v: Value) -> tuple:
    n = len(v.parents) // 2
    return tuple(id(p) for p in v.parents[n : 2 * n]) + (len(v.parents) % 2,)
