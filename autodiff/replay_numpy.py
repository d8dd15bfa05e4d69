"""The NumPy replay of a trace (``autodiff.compile(..., backend="numpy")``).

Nodes of one op at one depth, with inputs of the same kinds, form a group that
runs as one array operation over the whole batch, with the op table's own
rules (they run on arrays: see ops.py); a dense layer's dot nodes (weights
that are parameters, the same inputs) become one matmul. Values live in two
stores: V (node, row) for what depends on the sample, U (node,) for
parameters, constants and what is made of them only; gradients in two more
alike. The stores of a batch size are made once and reused, with every
group's operands bound to them as views where the nodes are a block of rows
(most are: rows are laid out in group order), so a replay gathers little and
a layer's matmul writes its result in place. Equal to the scalar engine to
rounding: sums run in another order.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .ops import DOT
from .trace import Trace
from .value import Value

__all__ = ["NumpyReplay", "OnError", "Check", "all_finite", "params_not_finite"]

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
        self._workspaces: dict[int, _Workspace] = {}  # by batch size
        self._lock = threading.Lock()  # one replay at a time: they share the workspaces

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
    def _workspace(self, rows: int) -> _Workspace:
        """The stores for batches of ``rows`` rows, made once and reused (a few sizes are kept:
        mini-batches and their last, shorter batch)."""
        workspace = self._workspaces.pop(rows, None)
        if workspace is None:
            workspace = _Workspace(self, rows)
            if len(self._workspaces) >= 4:
                self._workspaces.pop(next(iter(self._workspaces)))
        self._workspaces[rows] = workspace  # (the newest last)
        return workspace

    def forget(self, rows: int) -> None:
        """Drop the stores kept for batches of ``rows`` rows (made again when such a batch comes)."""
        with self._lock:
            self._workspaces.pop(rows, None)

    def forward(self, X: np.ndarray, P: np.ndarray, on_error: OnError, check: Check | None = None) -> np.ndarray:
        """The outputs (rows, n_out) of the rows X at parameter values P; ``check(V, U)`` is
        called with the stores of every node's value once they are known."""
        with self._lock, np.errstate(all="ignore"):
            return self._forward(self._workspace(len(X)), X, P, on_error, check)

    def _forward(self, ws: _Workspace, X: np.ndarray, P: np.ndarray, on_error: OnError, check: Check | None) -> Any:
        V, U, rows = ws.V, ws.U, len(X)
        if not all_finite(P):
            raise params_not_finite(self.params, P.tolist())
        ws.inputs.write(X.T)
        ws.params.write(P)
        for group, bound in zip(self.groups, ws.bound):
            if group.layer is not None:
                W, x, bias, out = bound.layer
                if bound.in_place:  # the product written into its rows
                    np.matmul(W.read(), x.read(), out=out.view)
                    if bias is not None:
                        out.view += bias.read()
                    continue
                result = W.read() @ x.read()
                if bias is not None:
                    result += bias.read()
                out.write(result)
                continue
            xs = bound.inputs()
            try:
                op = group.op
                result = op.forward(xs[0], group.arg) if op.arity == 1 else op.evaluate(xs, group.arg)
            except (ArithmeticError, ValueError):
                on_error(range(rows))  # the scalar engine names the row and the op
                raise
            if group.wide:  # one n-ary node: a row
                result = np.reshape(result, (1, -1) if bound.sample else (1,))
            if bound.sample and getattr(result, "shape", ()) != bound.shape:
                # a V node reads at least one per-sample row: a smaller result is a rule that
                # did not run element by element (a float from math.*)
                raise TypeError(f"{group.op.name}: its forward gave shape {np.shape(result)} on arrays")
            bound.out.write(result)
        # Every value is kept, so one look at the stores finds any that is not finite; then the
        # first group that made one is the one to name.
        if not (all_finite(V) and all_finite(U)):
            group, bound = next((g, b) for g, b in zip(self.groups, ws.bound) if not np.isfinite(b.out.read()).all())
            self._not_finite(group, bound.out.read(), X, on_error)
        if check is not None:
            check(V, U)
        if self.output_rows is not None:
            return V[self.output_rows].T.copy()
        return np.stack([V[i] if s == "V" else np.full(rows, U[i]) for s, i in self.outputs], axis=1)

    def value_of(self, v: Value, V: np.ndarray, U: np.ndarray) -> np.ndarray:
        """A traced Value's values in stores V and U (as ``check`` gets them)."""
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
        with self._lock, np.errstate(all="ignore"):
            ws = self._workspace(len(X))
            out = self._forward(ws, X, P, on_error, check)
            self._reverse(ws, seeds, False, want_inputs)
            if not (all_finite(ws.GV) and all_finite(ws.GU)):
                # The scalar engine passes nothing back through a node whose gradient is 0, so an
                # infinite local derivative there (sqrt at 0 under a relu that is off) does no harm:
                # the same pass again, with the zero gradients kept out of every product.
                self._reverse(ws, seeds, True, want_inputs)
            if not (all_finite(ws.GV) and all_finite(ws.GU)):
                on_error(range(len(X)))
                raise OverflowError("backward: a gradient is not a finite float; the graph's values are too large")
            param_grads = ws.GU[self.param_index].copy()
            return out, param_grads, ws.GV[self.inputs].T.copy() if want_inputs else None

    def _reverse(self, ws: _Workspace, seeds: np.ndarray, skip_zero: bool, want_inputs: bool) -> None:
        """The gradients of every node into the workspace's GV and GU, from the outputs' seeds
        (only those on the way to a parameter, and with ``want_inputs`` to an input)."""
        GV, GU = ws.GV, ws.GU
        GV.fill(0.0)
        GU.fill(0.0)
        for j, (store, i) in enumerate(self.outputs):
            if store == "V":
                GV[i] += seeds[:, j]
            else:
                GU[i] += _add_reduce(seeds[:, j])
        for group, bound in zip(reversed(self.groups), reversed(ws.bound)):
            if group.needed[0] or (want_inputs and bound.sample):
                self._backprop(group, bound, skip_zero, want_inputs)

    @staticmethod
    def _backprop(group: _Group, bound: _Bound, skip_zero: bool, want_inputs: bool) -> None:
        grad = bound.grad.read()
        needed = group.needed
        if group.layer is not None:
            W, x, bias, _ = bound.layer
            gW, gx, gbias = bound.layer_grads
            gW.add(grad @ x.read().T)
            if needed[1] or want_inputs:
                gx.add(W.read().T @ grad)
            if gbias is not None:
                gbias.add(_row_sums(grad))
            return
        xs = bound.inputs()
        out = bound.out.read()
        if group.wide:
            _backprop_wide(group, bound, xs, out, grad, skip_zero)
            return
        for k, local in enumerate(group.op.local_grads(xs, out, group.arg)):
            target = bound.input_grads[k]
            if not (needed[k + 1] or (want_inputs and target.sample)):
                continue  # no parameter upstream of this input, and no input's gradient asked for
            share = grad * local
            if getattr(share, "shape", ()) != grad.shape:  # a local derivative of constants only
                share = np.broadcast_to(share, grad.shape)
            if skip_zero:
                share = np.where(grad == 0.0, 0.0, share)
            target.add(share if target.sample or not bound.sample else _row_sums(share))


def _backprop_wide(
    group: _Group, bound: _Bound, xs: np.ndarray, out: np.ndarray, grad: np.ndarray, skip_zero: bool
) -> None:
    v_pos, u_pos = group.wide[1], group.wide[3]
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
    gv, gu = bound.wide_grads
    if gv is not None:
        gv.add(shares[v_pos])
    if gu is not None:
        gu.add(_row_sums(shares[u_pos]))


class _Operand:
    """Some nodes of a store, bound to the arrays of one batch size: a view when they are a block
    (a slice or a _Grid: read and written in place, no copy), else the index to gather with.
    ``column``: U values read as a column, to broadcast over a V group's rows."""

    __slots__ = ("store", "index", "view", "column", "sample")

    def __init__(self, store: np.ndarray, index: Any, column: bool = False) -> None:
        self.store, self.index, self.column = store, index, column
        self.sample = store.ndim == 2  # a V store (node, row)
        view = index.view(store) if type(index) is _Grid else store[index] if isinstance(index, slice) else None
        self.view = view[:, None] if column and view is not None else view

    def read(self) -> np.ndarray:
        if self.view is not None:
            return self.view
        values = self.store[self.index]
        return values[:, None] if self.column else values

    def write(self, values: Any) -> None:
        if self.view is not None:
            self.view[...] = values
        else:
            self.store[self.index] = values

    def add(self, values: np.ndarray) -> None:
        """Add to these nodes, also where an index repeats (a node read twice)."""
        if self.view is not None:
            view = self.view
            view += values
        elif self.index.unique:
            self.store[self.index] += values
        else:
            np.add.at(self.store, self.index, values)


class _Bound:
    """One group's operands in a workspace: values, gradients, inputs."""

    __slots__ = (
        "out",
        "grad",
        "slots",
        "input_grads",
        "layer",
        "layer_grads",
        "wide",
        "wide_grads",
        "sample",
        "shape",
        "in_place",
    )
    # (layer: weights, inputs, bias, out; wide: count, positions and operands of V and U inputs)
    layer: Any
    layer_grads: Any
    wide: Any
    wide_grads: Any

    def __init__(self, group: _Group, ws: _Workspace) -> None:
        store, indices = group.out
        self.sample = store == "V"
        values, grads = (ws.V, ws.GV) if self.sample else (ws.U, ws.GU)
        self.out, self.grad = _Operand(values, indices), _Operand(grads, indices)
        # a layer's matmul can write straight into its rows when they are one contiguous block
        self.in_place = self.out.view is not None and self.out.view.flags.c_contiguous
        self.shape = (_size(indices), ws.rows)
        stores = {"V": (ws.V, ws.GV), "U": (ws.U, ws.GU)}
        column = self.sample  # U inputs of a V group broadcast over the rows
        self.slots = [_Operand(stores[s][0], i, column=column and s == "U") for s, i in group.slots]
        self.input_grads = [_Operand(stores[s][1], i) for s, i in group.slots]
        self.layer = self.layer_grads = self.wide = self.wide_grads = None
        if group.layer is not None:
            weights, rows, bias = group.layer
            bias_values = None if bias is None else _Operand(ws.U, bias, column=True)
            self.layer = (_Operand(ws.U, weights), _Operand(ws.V, rows), bias_values, self.out)
            bias_grads = None if bias is None else _Operand(ws.GU, bias)
            self.layer_grads = (_Operand(ws.GU, weights), _Operand(ws.GV, rows), bias_grads)
        if group.wide:
            count, v_pos, v_idx, u_pos, u_idx = group.wide
            v, u = _size(v_idx) > 0, _size(u_idx) > 0
            self.wide = (
                count,
                v_pos,
                _Operand(ws.V, v_idx) if v else None,
                u_pos,
                _Operand(ws.U, u_idx, column=True) if u else None,
            )
            self.wide_grads = (_Operand(ws.GV, v_idx) if v else None, _Operand(ws.GU, u_idx) if u else None)

    def inputs(self) -> Any:
        """The group's inputs: one array per input position, or for one n-ary node one array of all."""
        if self.wide is None:
            return [slot.read() for slot in self.slots]
        count, v_pos, v, u_pos, u = self.wide
        xs = np.empty((count, self.shape[1]) if self.sample else (count, 1))
        if v is not None:
            xs[v_pos] = v.read()
        if u is not None:
            xs[u_pos] = u.read()
        return xs


class _Workspace:
    """The stores of one batch size, reused from call to call (V and U the values, GV and GU the
    gradients), with every group's operands bound to them."""

    def __init__(self, plan: NumpyReplay, rows: int) -> None:
        self.rows = rows
        self.V = np.empty((plan.n_v, rows))
        self.U = np.empty(plan.n_u)
        self.GV = np.zeros((plan.n_v, rows))
        self.GU = np.zeros(plan.n_u)
        self.inputs = _Operand(self.V, plan.inputs)
        self.params = _Operand(self.U, plan.param_index)
        self.U[plan.const_index] = plan.const_values  # (constants never change)
        self.bound = [_Bound(group, self) for group in plan.groups]


# ndarray.all() and .sum() go through Python wrappers in numpy; the ufuncs' reduce is one C call,
# and the replay makes dozens of these per batch.
_add_reduce = np.add.reduce


def params_not_finite(params: list[Value], values: Any) -> ValueError:
    """The error for parameter values that are not all finite: names the first that is not."""
    k = next(k for k, value in enumerate(values) if not math.isfinite(value))
    return ValueError(f"compile: parameter {k} ({params[k]!r}) is {values[k]!r}, not a finite float")


def all_finite(store: np.ndarray) -> bool:
    """No inf or nan in ``store``: its sum is finite (one pass), or else a closer look (finite
    values whose sum overflows). A few values (one row of per-sample training) are summed in
    Python: quicker than a NumPy reduce there."""
    total = sum(store.ravel().tolist()) if store.size <= 64 else _add_reduce(store, axis=None)
    return math.isfinite(total) or bool(np.isfinite(store).all())


def _row_sums(values: np.ndarray) -> np.ndarray:
    return _add_reduce(values, axis=1)


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
