"""Trace a scalar graph once, replay it over a batch: ``autodiff.compile``.

``fn(*xs)`` is called once on placeholder Values (one per per-sample input);
the graph it builds is the trace. Every row of a batch would build the same
graph, so the trace is replayed instead, with the op table's own rules (they
run on floats and on NumPy arrays alike, see ops.py):

- ``backend="numpy"``: nodes of the same op at the same depth form a group,
  replayed as one array operation over the whole batch; a dense layer's dot
  nodes (weights that are parameters, the same inputs) become one matmul.
  Equal to the scalar engine to rounding (sums in another order).
- ``backend="python"``: straight-line Python over plain floats, one function
  per trace, run per row in the scalar engine's own order: bitwise equal to it.

Leaves of the trace are the placeholders (per-sample data), parameters (Values
made before tracing: read fresh at every call, so updates apply) and constants
(Values made while tracing, which must not depend on the sample). A program
that branches on a traced Value (``if v > 0``, ``bool(v)``, ``float(v)``) is
recorded while tracing and checked on every row; a per-sample number that
enters as a constant is caught by tracing a second row and comparing. Either
way the numbers are right or an error says why, never a silent difference.
"""

from __future__ import annotations

import math
import warnings
from collections import deque
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import attrgetter
from typing import Any

import numpy as np

from . import graph
from .ops import DOT
from .value import Value, watch

__all__ = ["compile", "Compiled", "TraceError"]

_get_data = attrgetter("data")
_get_grad = attrgetter("grad")
# Below this many rows the per-row Python replay is faster than NumPy's per-call overhead.
AUTO_NUMPY_ROWS = 16


class TraceError(ValueError):
    """The traced function cannot be replayed: its graph depends on the sample."""


def compile(fn: Callable[..., Any], n_inputs: int | None = None, *, backend: str = "auto") -> Compiled:  # noqa: A001
    """Trace ``fn`` once and replay it batched (see the module docstring).

    Args:
        fn: takes ``n_inputs`` scalars (Values while tracing) and returns a Value or a list of Values.
        n_inputs: how many; None: the number of columns of the first batch.
        backend: "numpy", "python" or "auto" (python below 16 rows).
    Returns:
        A ``Compiled``: ``f(X)``, ``f.backward(X, grad=None)``, ``f.input_grads(X)``.

    Example:
        >>> import autodiff
        >>> w = autodiff.Value(2.0)
        >>> f = autodiff.compile(lambda x: (w * x).tanh(), n_inputs=1)
        >>> f([[0.0], [0.5]]).round(6).tolist()
        [0.0, 0.761594]
        >>> _ = f.backward([[0.0], [0.5]]); round(w.grad, 6)
        0.209987
    """
    if backend not in ("numpy", "python", "auto"):
        raise ValueError(f"compile: backend must be 'numpy', 'python' or 'auto', got {backend!r}")
    return Compiled(fn, n_inputs, backend)


class _Trace:
    """One call of fn on placeholders: the nodes, what each leaf is, and the guards recorded."""

    def __init__(self, fn: Callable[..., Any], row: Sequence[float]):
        self.inputs = [Value(float(x), label=f"x{i}") for i, x in enumerate(row)]
        start = self.inputs[0].order if self.inputs else None
        self.guards: list[tuple[Any, ...]] = []
        with watch(self._observe):
            result = fn(*self.inputs)
        self.single = isinstance(result, Value)
        outputs = [result] if self.single else list(result)
        for k, out in enumerate(outputs):
            if not isinstance(out, Value):
                raise TypeError(f"compile: fn must return Values, got {type(out).__name__} at output {k}")
        self.outputs = outputs
        placeholder = {id(x) for x in self.inputs}
        # The replay computes the outputs, every input, and what each recorded comparison read.
        seen: set = set(self.inputs)
        for root in outputs + [g[1] for g in self.guards] + [g[2] for g in self.guards if isinstance(g[2], Value)]:
            seen |= graph.nodes(root)
        self.order = sorted(seen, key=lambda v: v.order)
        self.kind = {}
        for v in self.order:
            if id(v) in placeholder:
                self.kind[id(v)] = "input"
            elif v.op is not None:
                self.kind[id(v)] = "op"
            elif start is not None and v.order > start:
                self.kind[id(v)] = "const"
            else:
                self.kind[id(v)] = "param"
        # Parameters: the Values fn closes over (made before tracing), read fresh at every call.
        self.params = [v for v in self.order if self.kind[id(v)] == "param"]

    def _observe(self, what: str, value: Value, other: Any, result: Any) -> None:
        if what == "float":
            raise TraceError(
                "compile: float() of a traced Value makes a per-sample number a constant; "
                f"keep it a Value (value {value.data!r}, made by {value.op.name if value.op else 'a leaf'})"
            )
        self.guards.append((what, value, other, result))

    def signature(self) -> list:
        """What must not change from one sample to another: structure, args and constants."""
        index = {id(v): k for k, v in enumerate(self.order)}
        rows = []
        for v in self.order:
            kind = self.kind[id(v)]
            parents = tuple(index[id(p)] for p in v.parents)
            rows.append((kind, v.op.name if v.op else None, v.arg, parents, v.data if kind == "const" else None))
        guards = [(what, index.get(id(value)), result) for what, value, _, result in self.guards]
        return [rows, [index[id(o)] for o in self.outputs], guards]


class Compiled:
    """A traced function, replayed over batches. Built by ``autodiff.compile``."""

    def __init__(self, fn: Callable[..., Any], n_inputs: int | None, backend: str):
        self.fn = fn
        self.n_inputs = n_inputs
        self.backend = backend
        self.trace: _Trace | None = None
        self._numpy: _NumpyPlan | None = None
        self._numpy_problem = ""  # why the NumPy replay cannot run this trace, once found
        self._python: _PythonPlan | None = None

    # ------------------------------------------------------------ tracing
    def prepare(self, X: Any) -> np.ndarray:
        """X checked (finite, 2-d, n_inputs columns) as floats; traces fn on it the first time."""
        X = np.asarray(X, dtype=float)
        if X.ndim == 1 and self.n_inputs == 1:
            X = X[:, None]
        if X.ndim != 2:
            raise ValueError(f"compile: X must be 2-d (rows, {self.n_inputs or 'n_inputs'}), got shape {X.shape}")
        if self.n_inputs is None:
            self.n_inputs = X.shape[1]
        if X.shape[1] != self.n_inputs:
            raise ValueError(f"compile: X has {X.shape[1]} columns, the function takes {self.n_inputs} inputs")
        if not np.isfinite(X).all():
            row = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
            raise ValueError(f"compile: X must be finite; row {row} is {X[row].tolist()}")
        if self.trace is None and len(X):
            self._trace(X)
        return X

    def _trace(self, X: np.ndarray) -> None:
        trace = _Trace(self.fn, X[0])
        other = next((row for row in X[1:] if not np.array_equal(row, X[0])), None)
        if other is not None and _Trace(self.fn, other).signature() != trace.signature():
            raise TraceError(
                "compile: the function builds a different graph (or different constants) for different "
                "samples, so one trace cannot stand for all of them: a per-sample number entered as a "
                "constant (float(), .data, a Python branch on data); use the scalar engine for it"
            )
        self.trace = trace

    def _plan(self, rows: int) -> _NumpyPlan | _PythonPlan:
        assert self.trace is not None
        if self.backend == "python" or (self.backend == "auto" and rows < AUTO_NUMPY_ROWS):
            if self._python is None:
                self._python = _PythonPlan(self.trace)
            return self._python
        plan = self.numpy_plan()
        if plan is not None:
            return plan
        if self.backend == "numpy":
            raise TypeError(self._numpy_problem)
        warnings.warn(f"{self._numpy_problem}; replaying it as straight-line Python instead", RuntimeWarning, 2)
        self.backend = "python"
        return self._plan(rows)

    def numpy_plan(self) -> _NumpyPlan | None:
        """The NumPy replay, once it has shown on the traced row that it gives what the scalar
        rules give (a rule of define_op written with math.* cannot run on arrays); else None."""
        assert self.trace is not None
        if self._numpy is None and not self._numpy_problem:
            plan = _NumpyPlan(self.trace)
            self._numpy_problem = self._probe(plan)
            self._numpy = None if self._numpy_problem else plan
        return self._numpy

    def _probe(self, plan: _NumpyPlan) -> str:
        """Why ``plan`` cannot replay this trace ("" if it can), from a forward and backward on the
        traced row twice: a rule written for floats only (math.*, a Python ``if``) fails on a
        two-element array, and the outputs must be the traced ones."""
        assert self.trace is not None
        row = [x.data for x in self.trace.inputs]
        seeds = np.ones((2, len(self.trace.outputs)))
        try:
            out, _, _ = plan.backward(np.array([row, row]), seeds, self, want_inputs=False)
        except (TypeError, AttributeError, ValueError) as error:
            return f"compile: an op's rule does not run on NumPy arrays ({error})"
        traced = [o.data for o in self.trace.outputs]
        if not np.allclose(out, [traced, traced], rtol=1e-9, atol=1e-12):
            return "compile: an op's rule gives other numbers on NumPy arrays than on floats"
        return ""

    def _check_guards(self, values: Callable[[Any], np.ndarray], X: np.ndarray) -> None:
        """Every comparison made while tracing must come out the same on every row."""
        assert self.trace is not None
        for what, value, other, result in self.trace.guards:
            data = values(value)
            if what == "bool":
                now = data != 0.0
            else:
                other_data = values(other) if isinstance(other, Value) else other
                now = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}[what](
                    data, other_data
                )
            bad = np.flatnonzero(np.broadcast_to(now, (len(X),)) != result)
            if len(bad):
                raise TraceError(
                    f"compile: the function branched on a traced Value ({what} gave {result} while tracing) "
                    f"and row {int(bad[0])} goes the other way; use the scalar engine for data-dependent programs"
                )

    # ------------------------------------------------------------ the API
    def __call__(self, X: Any) -> np.ndarray:
        """The outputs for every row: shape (rows,) for one output, else (rows, n_out)."""
        X = self.prepare(X)
        if not len(X):
            return np.zeros((0,) if self.trace is None or self.trace.single else (0, len(self.trace.outputs)))
        plan = self._plan(len(X))
        out = plan.forward(X, self)
        return self._shape(out)

    def backward(self, X: Any, grad: Any = None) -> np.ndarray:
        """The same forward, then ADD to every parameter's ``.grad`` what
        ``sum(fn(*row) for row in X).backward()`` would add (``grad``: weights per row and output).
        Returns the outputs."""
        X = self.prepare(X)
        if not len(X):
            return self(X)
        assert self.trace is not None
        seeds = self._seeds(grad, len(X))
        out, param_grads, _ = self._plan(len(X)).backward(X, seeds, self, want_inputs=False)
        # Applied only once the whole batch succeeded: a failure changes no .grad. (Read, added and
        # written back by C-level loops: the same float additions as p.grad += g, one per parameter.)
        params = self._params()
        totals = np.fromiter(map(_get_grad, params), float, len(params)) + np.asarray(param_grads, dtype=float)
        deque(map(setattr, params, repeat("grad"), totals.tolist()), maxlen=0)
        return self._shape(out)

    def input_grads(self, X: Any) -> np.ndarray:
        """d output / d input per row: (rows, n_inputs), or (rows, n_out, n_inputs)."""
        X = self.prepare(X)
        assert self.trace is not None
        n_out = len(self.trace.outputs)
        result = np.zeros((len(X), n_out, self.n_inputs or 0))
        for j in range(n_out):
            seeds = np.zeros((len(X), n_out))
            seeds[:, j] = 1.0
            _, _, inputs = self._plan(len(X)).backward(X, seeds, self, want_inputs=True)
            result[:, j, :] = inputs
        return result[:, 0, :] if self.trace.single else result

    def _params(self) -> list[Value]:
        assert self.trace is not None
        return self.trace.params

    def _seeds(self, grad: Any, rows: int) -> np.ndarray:
        assert self.trace is not None
        n_out = len(self.trace.outputs)
        if grad is None:
            return np.ones((rows, n_out))
        seeds = np.asarray(grad, dtype=float)
        if seeds.shape == (rows,) and n_out == 1:
            seeds = seeds[:, None]
        if seeds.shape != (rows, n_out) or not np.isfinite(seeds).all():
            raise ValueError(f"compile: grad must be finite with shape ({rows}, {n_out}), got {seeds.shape}")
        return seeds

    def _shape(self, out: np.ndarray) -> np.ndarray:
        assert self.trace is not None
        return out[:, 0] if self.trace.single else out

    def scalar_error(self, X: np.ndarray, rows: Sequence[int]) -> None:
        """Run the scalar engine on ``rows``, forward and backward, to raise its own error there."""
        for i in rows:
            result = self.fn(*[Value(float(x)) for x in X[i]])
            outputs = [result] if isinstance(result, Value) else list(result)
            for out in outputs:
                graph.reverse_pass(out, 1.0, into_grad=False)


# ---------------------------------------------------------------- the NumPy replay
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


class _NumpyPlan:
    """The trace as groups in topological order, over two stores: V (node, row) for nodes that
    depend on the sample, U (node,) for parameters, constants and what is made of them only."""

    def __init__(self, trace: _Trace):
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
    def _stores(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        V = np.empty((self.n_v, len(X)))
        U = np.empty(self.n_u)
        V[self.inputs] = X.T
        U[self.param_index] = np.fromiter(map(_get_data, self.params), float, len(self.params))  # read fresh
        U[self.const_index] = self.const_values
        return V, U

    @staticmethod
    def _gather(slot: tuple, V: np.ndarray, U: np.ndarray, sample_out: bool) -> np.ndarray:
        store, indices = slot
        if store == "V":
            return V[indices]
        return U[indices][:, None] if sample_out else U[indices]

    def forward(self, X: np.ndarray, owner: Compiled, keep: bool = False) -> Any:
        V, U = self._stores(X)
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
                        owner.scalar_error(X, range(len(X)))  # the scalar engine names the row and the op
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
                self._not_finite(group, (V if group.out[0] == "V" else U)[group.out[1]], X, owner)
            if owner.trace is not None and owner.trace.guards:
                owner._check_guards(lambda v: self._value(v, V, U), X)
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

    def _value(self, v: Value, V: np.ndarray, U: np.ndarray) -> np.ndarray:
        store, i = self.where[id(v)]
        return V[i] if store == "V" else U[i]

    def _not_finite(self, group: _Group, result: np.ndarray, X: np.ndarray, owner: Compiled) -> None:
        bad = ~np.isfinite(result)
        rows = sorted(set(np.nonzero(bad)[-1].tolist())) if result.ndim == 2 else list(range(len(X)))
        owner.scalar_error(X, rows[:1])  # raises the scalar engine's own error for that row
        raise OverflowError(f"{group.op.name} overflowed: a result is not a finite float (row {rows[0]})")

    def backward(self, X: np.ndarray, seeds: np.ndarray, owner: Compiled, want_inputs: bool) -> tuple:
        out, V, U = self.forward(X, owner, keep=True)
        GV, GU = self._reverse(V, U, seeds, skip_zero=False)
        if not (np.isfinite(GV).all() and np.isfinite(GU).all()):
            # The scalar engine passes nothing back through a node whose gradient is 0, so an
            # infinite local derivative there (sqrt at 0 under a relu that is off) does no harm:
            # the same pass again, with the zero gradients kept out of every product.
            GV, GU = self._reverse(V, U, seeds, skip_zero=True)
        if not (np.isfinite(GV).all() and np.isfinite(GU).all()):
            owner.scalar_error(X, range(len(X)))
            raise OverflowError("backward: a gradient is not a finite float; the graph's values are too large")
        param_grads = GU[self.param_index].tolist()
        return out, param_grads, GV[self.inputs].T if want_inputs else None

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


# ---------------------------------------------------------------- the straight-line Python replay
def _share_order(v: Value) -> list[int]:
    """The order the scalar engine adds an n-ary node's shares in: its op's fused backprop
    (dot: w_1, x_1, w_2, x_2, ..., b) or else the inputs' order. It matters for bitwise sums
    only when one Value is an input twice."""
    k = len(v.parents)
    if v.op is DOT:
        n = k // 2
        return [i for pair in zip(range(n), range(n, 2 * n)) for i in pair] + ([k - 1] if k % 2 else [])
    return list(range(k))


class _PythonPlan:
    """The trace as one generated Python function over plain floats, run row by row.

    The forward lines call the op table's own forwards in creation order; the backward
    lines follow the scalar engine's reverse pass exactly (newest node first, the same
    skip of zero gradients, dot's fused order), so the sums are the same, bit for bit.
    """

    def __init__(self, trace: _Trace):
        self.trace = trace
        self.params = trace.params
        name = {}
        env: dict[str, Any] = {"isfinite": math.isfinite}
        for k, v in enumerate(trace.order):
            name[id(v)] = f"v{k}"
        inputs = ", ".join(name[id(x)] for x in trace.inputs)
        params = {id(p): j for j, p in enumerate(self.params)}
        body = [f"def replay({inputs}{',' if inputs else ''} P, seeds, acc):"]
        param_names = [name[id(p)] for p in self.params]
        if param_names:  # one unpacking for all the parameters' values, and one for their running sums
            body.append(f"    {', '.join(param_names)}, = P")
        for v in trace.order:
            kind = trace.kind[id(v)]
            n = name[id(v)]
            if kind == "const":
                body.append(f"    {n} = {v.data!r}")
            elif kind == "op":
                env[f"F{n}"], env[f"A{n}"], env[f"D{n}"] = v.op.forward, v.arg, v.op
                ins = [name[id(p)] for p in v.parents]
                if v.op.arity == 1:
                    body.append(f"    {n} = F{n}({ins[0]}, A{n})")
                else:
                    body.append(f"    {n} = F{n}([{', '.join(ins)}], A{n})")
        values = [name[id(v)] for v in trace.order]
        # One sum tells all values are finite (inf or nan in any would show), unless finite ones
        # overflow together: only then the closer look.
        body.append(f"    if not isfinite({' + '.join(values)}) and not all(map(isfinite, [{', '.join(values)}])):")
        body.append(f"        return None, [{', '.join(values)}]")
        outs = [name[id(o)] for o in trace.outputs]
        body.append(f"    outs = [{', '.join(outs)}]")
        body.append("    if seeds is None:")
        body.append("        return outs, None")
        # Backward: every gradient starts at 0.0 except parameters', which continue the running sums.
        if param_names:
            body.append(f"    {', '.join('g' + n for n in param_names)}, = acc")
        others = [f"g{name[id(v)]}" for v in trace.order if id(v) not in params]
        if others:
            body.append(f"    {' = '.join(others)} = 0.0")
        for j, o in enumerate(outs):
            body.append(f"    g{o} += seeds[{j}]")
        for v in reversed(trace.order):
            if trace.kind[id(v)] != "op":
                continue
            n = name[id(v)]
            ins = [name[id(p)] for p in v.parents]
            body.append(f"    if g{n}:")
            if v.op.arity == 1:
                body.append(f"        g{ins[0]} += g{n} * D{n}.derivative({ins[0]}, {n}, A{n})")
            else:
                body.append(f"        L = D{n}.partials([{', '.join(ins)}], {n}, A{n})")
                for k in _share_order(v):
                    body.append(f"        g{ins[k]} += g{n} * L[{k}]")
        grads = [f"g{name[id(v)]}" for v in trace.order]
        body.append(f"    if not isfinite({' + '.join(grads)}) and not all(map(isfinite, [{', '.join(grads)}])):")
        body.append("        return None, None")
        body.append(f"    acc[:] = [{', '.join('g' + name[id(p)] for p in self.params)}]")
        body.append(f"    return outs, [{', '.join('g' + name[id(x)] for x in trace.inputs)}]")
        self.source = "\n".join(body)
        exec(self.source, env)  # noqa: S102 - our own generated code, from the trace
        self.replay = env["replay"]

    def forward(self, X: np.ndarray, owner: Compiled) -> np.ndarray:
        P = [p.data for p in self.params]
        out = []
        for i, row in enumerate(X.tolist()):
            outs, _ = self.replay(*row, P, None, None)
            if outs is None:
                owner.scalar_error(X, [i])
                raise OverflowError(f"compile: a value of row {i} is not a finite float")
            out.append(outs)
        result = np.array(out, dtype=float)
        self._guards(owner, X)
        return result

    def _guards(self, owner: Compiled, X: np.ndarray) -> None:
        # Comparisons are checked on the whole batch at once, by the NumPy replay.
        if self.trace.guards:
            plan = owner.numpy_plan()
            if plan is None:
                raise TraceError(
                    f"compile: the branches on traced Values are checked in NumPy, but: {owner._numpy_problem}"
                )
            plan.forward(X, owner)

    def backward(self, X: np.ndarray, seeds: np.ndarray, owner: Compiled, want_inputs: bool) -> tuple:
        P = [p.data for p in self.params]
        acc = [0.0] * len(self.params)
        rows = X.tolist()
        outs: list = [None] * len(rows)
        inputs: list = [None] * len(rows)
        # The scalar engine meets the last row's nodes first (they are the newest): so do we.
        for i in reversed(range(len(rows))):
            outs[i], inputs[i] = self.replay(*rows[i], P, seeds[i].tolist(), acc)
            if outs[i] is None or inputs[i] is None:
                owner.scalar_error(X, [i])
                raise OverflowError(f"compile: a value or gradient of row {i} is not a finite float")
        self._guards(owner, X)
        return np.array(outs, dtype=float), acc, np.array(inputs, dtype=float).reshape(len(rows), -1)
