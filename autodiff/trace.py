"""Tracing for ``autodiff.compile``: one call of a function on placeholder Values.

The trace is the graph the call built, with each leaf classified: a placeholder
(per-sample data), a parameter (a Value made before tracing, read fresh at
every replay) or a constant (made while tracing: it must not depend on the
sample). Comparisons and conversions of traced Values during the call are
recorded as guards (value.watch), to be checked on every replayed row;
``signature`` is what a second trace on another row must repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import graph
from .value import Value, watch

__all__ = ["Trace", "TraceError"]


class TraceError(ValueError):
    """The traced function cannot be replayed: its graph depends on the sample."""


class Trace:
    """One call of fn on placeholders: the nodes, what each leaf is, and the guards recorded.

    Args:
        fn: the traced function, called once on one placeholder Value per entry of ``row``.
        row: the numbers the placeholders hold while tracing (a real sample: guards need them).
    Attributes:
        inputs: the placeholders; outputs: fn's Values; order: every node, inputs before outputs;
        kind: "input", "param" (made before tracing: read fresh at every call), "const" (made
        while tracing) or "op", by id; params: the parameters in order; guards: the comparisons
        fn made on traced Values, as (what, value, other, result).
    """

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

    def check_guards(
        self, values: Callable[[Value], np.ndarray], rows: int, on_error: Callable[[list[int]], None]
    ) -> None:
        """Every comparison made while tracing must come out the same on every row.

        ``values(v)`` gives a traced Value's value on each of the ``rows`` rows. Where a row goes
        the other way, ``on_error([row])`` runs first (the scalar engine: a check of the
        function's own, such as a label's, raises its own error there), then a TraceError.
        """
        for what, value, other, result in self.guards:
            data = values(value)
            if what == "bool":
                now = data != 0.0
            else:
                other_data = values(other) if isinstance(other, Value) else other
                now = _COMPARE[what](data, other_data)
            differ = now != result
            if np.logical_or.reduce(differ, axis=None):  # (one C call: ndarray.any() is a Python wrapper)
                bad = np.flatnonzero(np.broadcast_to(differ, (rows,)))
                on_error([int(bad[0])])
                raise TraceError(
                    f"compile: the function branched on a traced Value ({what} gave {result} while tracing) "
                    f"and row {int(bad[0])} goes the other way; use the scalar engine for data-dependent programs"
                )


_COMPARE = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}
