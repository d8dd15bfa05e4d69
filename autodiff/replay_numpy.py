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

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .ops import DOT
from .trace import Trace
from .value import Value

__all__ = ["NumpyReplay", "OnError", "Check"]

# Called with the rows where something failed: raises the scalar engine's own error there.
OnError = Callable[[Iterable[int]], None]
# Called with the stores V and U once a forward has filled them (compile checks its guards there).
Check = Callable[[np.ndarray, np.ndarray], None]


class _Group:
    """Nodes of one op at one depth with inputs of the same kinds, replayed as one array op."""

    __slots__ = ("op", "arg", "out", "slots", "layer", "wide", "needed")

    def __init__(
        self,
        op: Any,
        arg: Any,
        out: tuple,
        slots: list,
        layer: tuple | None = None,
        wide: tuple = (),
        needed: tuple = (),
    ):
        self.op = op
        self.arg = arg
        self.out = out  # (store, indices): "V" rows per sample, or "U" one number for all rows
        self.slots = slots  # per input position: (store, indices)
        # whether a parameter is upstream of the group's nodes, and of each input position (else
        # their gradients matter only for input_grads)
        self.needed = needed
        self.layer = layer  # for a dense layer: (weight indices (G, n), input rows (n,), bias indices or None)
        # for one n-ary node: (input count, positions and indices of its inputs in V, the same in U)
        self.wide = wide


class _Indices(np.ndarray):
    """Indices into a store, knowing whether any repeats (then adding needs np.add.at)."""

    unique: bool


class _Grid:
    """A (rows, n) block of a store whose row r starts at ``start + r * stride`` (a dense layer's
    weights, one row per neuron with its bias after them): read and added to as a view, no copy."""

    __slots__ = ("start", "rows", "stride", "n")

    def __init__(self, start: int, rows: int, stride: int, n: int):
        self.start, self.rows, self.stride, self.n = start, rows, stride, n

    def view(self, store: np.ndarray) -> np.ndarray:
        return store[self.start : self.start + self.rows * self.stride].reshape(self.rows, self.stride)[:, : self.n]


def _index(values: Any, size: int = 0) -> Any:  # slice | _Indices | _Grid
    """Where some nodes are in a store of ``size`` nodes: a slice when they are evenly spaced in
    order, a _Grid for a 2-d block of evenly spaced rows (both views, no copy), else an index array."""
    array = np.asarray(values, dtype=int)
    if array.ndim == 1 and len(array):
        step = int(array[1] - array[0]) if len(array) > 1 else 1
        if step > 0 and np.array_equal(array, array[0] + step * np.arange(len(array))):
            return slice(int(array[0]), int(array[-1]) + 1, step if step > 1 else None)
    if array.ndim == 2 and array.size and size:
        rows, n = array.shape
        stride = int(array[1, 0] - array[0, 0]) if rows > 1 else n
        start = int(array[0, 0])
        grid = start + stride * np.arange(rows)[:, None] + np.arange(n)[None, :]
        if stride >= n and np.array_equal(array, grid) and start + rows * stride <= size:
            return _Grid(start, rows, stride, n)
    indices = array.view(_Indices)
    indices.unique = len(np.unique(indices)) == indices.size
    return indices


def _read(store: np.ndarray, index: Any) -> np.ndarray:
    return index.view(store) if type(index) is _Grid else store[index]


def _size(index: slice | np.ndarray) -> int:
    return len(range(index.start, index.stop, index.step or 1)) if isinstance(index, slice) else len(index)


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
        # A node's gradient is wanted for the parameters' only if a parameter is upstream of it.
        self._upstream: dict[int, bool] = {}
        for v in trace.order:
            kind = trace.kind[id(v)]
            self._upstream[id(v)] = kind == "param" or any(self._upstream[id(p)] for p in v.parents)
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
        # Outputs that all depend on the sample (the usual case) are gathered with one index.
        self.output_rows = _index([i for _, i in self.outputs]) if all(s == "V" for s, _ in self.outputs) else None
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
        upstream = self._upstream

        def needed(k: int | slice) -> bool:  # a parameter upstream of input position(s) k of any node
            return any(
                upstream[id(p)] for v in nodes for p in (v.parents[k] if isinstance(k, slice) else [v.parents[k]])
            )

        own = any(upstream[id(v)] for v in nodes)
        if first.op is DOT and _is_layer_dot(tuple(self.where[id(p)][0] for p in first.parents)):
            n = len(first.parents) // 2
            weights = _index([[self.where[id(p)][1] for p in v.parents[:n]] for v in nodes], self.n_u)
            rows = _index([self.where[id(p)][1] for p in first.parents[n : 2 * n]])
            bias = _index([self.where[id(v.parents[-1])][1] for v in nodes]) if len(first.parents) % 2 else None
            return _Group(first.op, None, out, [], (weights, rows, bias), needed=(own, needed(slice(n, 2 * n))))
        if first.op.arity is None:  # one node (see _group): its inputs gathered into one array
            stores = [self.where[id(p)] for p in first.parents]
            v_pos = _index([k for k, (store, _) in enumerate(stores) if store == "V"])
            u_pos = _index([k for k, (store, _) in enumerate(stores) if store == "U"])
            v_idx = _index([i for store, i in stores if store == "V"])
            u_idx = _index([i for store, i in stores if store == "U"])
            wide = (len(stores), v_pos, v_idx, u_pos, u_idx)
            return _Group(first.op, first.arg, out, [], wide=wide, needed=(own, needed(slice(None))))
        slots = [
            (self.where[id(first.parents[k])][0], _index([self.where[id(v.parents[k])][1] for v in nodes]))
            for k in range(len(first.parents))
        ]
        return _Group(first.op, first.arg, out, slots, needed=(own, *(needed(k) for k in range(len(slots)))))

    # ------------------------------------------------------------ running it
    def _stores(self, X: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        V = np.empty((self.n_v, len(X)))
        U = np.empty(self.n_u)
        V[self.inputs] = X.T
        U[self.param_index] = P
        U[self.const_index] = self.const_values
        return V, U

    def forward(
        self, X: np.ndarray, P: np.ndarray, on_error: OnError, keep: bool = False, check: Check | None = None
    ) -> Any:
        """The outputs (rows, n_out) of the rows X at parameter values P (and with ``keep``, the
        stores V and U of every node's value); ``check(V, U)`` is called once the values are known."""
        with np.errstate(all="ignore"):
            out, V, U = self._forward(X, P, on_error, check)
        return (out, V, U) if keep else out

    def _forward(self, X: np.ndarray, P: np.ndarray, on_error: OnError, check: Check | None) -> tuple:
        V, U = self._stores(X, P)
        rows = len(X)
        for group in self.groups:
            store, indices = group.out
            if group.layer is not None:
                weights, inputs, bias = group.layer
                result = _read(U, weights) @ V[inputs]
                if bias is not None:
                    result += U[bias][:, None]
            else:
                xs = self._inputs(group, V, U, rows)
                try:
                    result = (
                        group.op.forward(xs[0], group.arg) if group.op.arity == 1 else group.op.evaluate(xs, group.arg)
                    )
                except (ArithmeticError, ValueError):
                    on_error(range(rows))  # the scalar engine names the row and the op
                    raise
                if group.wide:  # one n-ary node: a row
                    result = np.reshape(result, (1, -1) if store == "V" else (1,))
                if store == "V" and getattr(result, "shape", ()) != (_size(indices), rows):
                    # a V node reads at least one per-sample row: a smaller result is a rule that
                    # did not run element by element (a float from math.*)
                    raise TypeError(f"{group.op.name}: its forward gave shape {np.shape(result)} on arrays")
            (V if store == "V" else U)[indices] = result
        # Every value is kept, so one look at the stores finds any that is not finite; then the
        # first group that made one is the one to name.
        if not (_all_finite(V) and _all_finite(U)):
            group = next(g for g in self.groups if not np.isfinite((V if g.out[0] == "V" else U)[g.out[1]]).all())
            self._not_finite(group, (V if group.out[0] == "V" else U)[group.out[1]], X, on_error)
        if check is not None:
            check(V, U)
        if self.output_rows is not None:
            return V[self.output_rows].T, V, U
        return np.stack([V[i] if s == "V" else np.full(rows, U[i]) for s, i in self.outputs], axis=1), V, U

    def _inputs(self, group: _Group, V: np.ndarray, U: np.ndarray, rows: int) -> Any:
        """A group's inputs: one array per input position, or for one n-ary node one array of all."""
        sample_out = group.out[0] == "V"
        if not group.wide:
            return [V[i] if store == "V" else (U[i][:, None] if sample_out else U[i]) for store, i in group.slots]
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

    def backward(
        self,
        X: np.ndarray,
        P: np.ndarray,
        seeds: np.ndarray,
        on_error: OnError,
        want_inputs: bool,
        check: Check | None = None,
    ) -> tuple:
        """(outputs, the parameters' gradients as an array, the inputs' (rows, n_inputs) or None);
        ``check(V, U)`` is called once the values are known, before any gradient."""
        with np.errstate(all="ignore"):
            out, V, U = self._forward(X, P, on_error, check)
            GV, GU = self._reverse(V, U, seeds, False, want_inputs)
            if not (_all_finite(GV) and _all_finite(GU)):
                # The scalar engine passes nothing back through a node whose gradient is 0, so an
                # infinite local derivative there (sqrt at 0 under a relu that is off) does no harm:
                # the same pass again, with the zero gradients kept out of every product.
                GV, GU = self._reverse(V, U, seeds, True, want_inputs)
        if not (_all_finite(GV) and _all_finite(GU)):
            on_error(range(len(X)))
            raise OverflowError("backward: a gradient is not a finite float; the graph's values are too large")
        return out, GU[self.param_index], GV[self.inputs].T if want_inputs else None

    def _reverse(self, V: np.ndarray, U: np.ndarray, seeds: np.ndarray, skip_zero: bool, want_inputs: bool) -> tuple:
        """The gradients of every node in two stores like V and U, from the outputs' seeds (only
        those on the way to a parameter, and with ``want_inputs`` to an input)."""
        GV = np.zeros(V.shape)
        GU = np.zeros(U.shape)
        for j, (store, i) in enumerate(self.outputs):
            if store == "V":
                GV[i] += seeds[:, j]
            else:
                GU[i] += seeds[:, j].sum()
        for group in reversed(self.groups):
            if group.needed[0] or (want_inputs and group.out[0] == "V"):
                self._backprop(group, V, U, GV, GU, skip_zero, want_inputs)
        return GV, GU

    def _backprop(
        self,
        group: _Group,
        V: np.ndarray,
        U: np.ndarray,
        GV: np.ndarray,
        GU: np.ndarray,
        skip_zero: bool,
        want_inputs: bool,
    ) -> None:
        store, indices = group.out
        grad = (GV if store == "V" else GU)[indices]
        needed = group.needed
        if group.layer is not None:
            weights, rows, bias = group.layer
            _scatter(GU, weights, grad @ V[rows].T)
            if needed[1] or want_inputs:
                _scatter(GV, rows, _read(U, weights).T @ grad)
            if bias is not None:
                _scatter(GU, bias, _row_sums(grad))
            return
        sample_out = store == "V"
        xs = self._inputs(group, V, U, V.shape[1])
        out = (V if sample_out else U)[indices]
        if group.wide:
            self._backprop_wide(group, xs, out, grad, GV, GU, skip_zero)
            return
        for k, (slot, local) in enumerate(zip(group.slots, group.op.local_grads(xs, out, group.arg))):
            if not (needed[k + 1] or (want_inputs and slot[0] == "V")):
                continue  # no parameter upstream of this input, and no input's gradient asked for
            share = grad * local
            if getattr(share, "shape", ()) != grad.shape:  # a local derivative of constants only
                share = np.broadcast_to(share, grad.shape)
            if skip_zero:
                share = np.where(grad == 0.0, 0.0, share)
            if slot[0] == "V":
                _scatter(GV, slot[1], share)
            else:
                _scatter(GU, slot[1], _row_sums(share) if sample_out else share)

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
            _scatter(GU, u_idx, _row_sums(shares[u_pos]))


# ndarray.all() and .sum() go through Python wrappers in numpy; the ufuncs' reduce is one C call,
# and the replay makes dozens of these per batch.
_add_reduce = np.add.reduce


def _all_finite(store: np.ndarray) -> bool:
    """No inf or nan in ``store``: its sum is finite (one pass), or else a closer look (finite
    values whose sum overflows)."""
    return math.isfinite(_add_reduce(store, axis=None)) or bool(np.isfinite(store).all())


def _row_sums(values: np.ndarray) -> np.ndarray:
    return _add_reduce(values, axis=1)


def _scatter(store: np.ndarray, indices: Any, values: np.ndarray) -> None:
    """store[indices] += values, also where an index repeats (a node read twice)."""
    if type(indices) is _Grid:
        view = indices.view(store)
        view += values
    elif isinstance(indices, slice) or indices.unique:
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
