"""The straight-line Python replay of a trace (``autodiff.compile(..., backend="python")``).

The trace becomes one generated Python function over plain floats, run row by
row: the forward lines call the op table's own forwards in creation order, the
backward lines follow the scalar engine's reverse pass exactly (newest node
first, the same skip of zero gradients, an n-ary op's shares in its fused
backprop's order), so the sums are the scalar engine's, bit for bit.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .ops import DOT, dot_value
from .replay_numpy import OnError
from .trace import Trace
from .value import Value

__all__ = ["PythonReplay"]


def _share_order(v: Value) -> list[int]:
    """The order the scalar engine adds an n-ary node's shares in: its op's fused backprop
    (dot: w_1, x_1, w_2, x_2, ..., b) or else the inputs' order. It matters for bitwise sums
    only when one Value is an input twice."""
    k = len(v.parents)
    if v.op is DOT:
        n = k // 2
        return [i for pair in zip(range(n), range(n, 2 * n)) for i in pair] + ([k - 1] if k % 2 else [])
    return list(range(k))


class _Opaque:
    """A stand-in for a number while a rule is read at generation: using it as a number
    (arithmetic, a comparison, its truth, a math function) raises TypeError."""

    __slots__ = ()

    def __bool__(self) -> bool:
        raise TypeError("an opaque stand-in has no truth value")

    def __eq__(self, other: object) -> bool:
        raise TypeError("an opaque stand-in cannot be compared")

    __ne__ = __eq__
    __hash__ = object.__hash__


def _passed_through(v: Value, ins: list[str], name: str) -> list[str | float] | None:
    """The local derivatives of node ``v`` when its rule only passes its inputs (or its output)
    through or gives constants, as the names of those values or the constants; else None.

    The rule runs once on opaque stand-ins: dot's (d/dw_i = x_i, d/dx_i = w_i, d/db = 1), mul's,
    add's and sum's come back as stand-ins and numbers, so the generated line is their own
    result; a rule that computes with a value (relu, tanh) fails on them and is called per row.
    """
    assert v.op is not None
    stand_ins = [_Opaque() for _ in v.parents]
    out = _Opaque()
    try:
        local = v.op.local_grads(stand_ins, out, v.arg)
    except Exception:  # noqa: BLE001 - any failure on a stand-in: the rule computes, call it per row
        return None
    if len(local) != len(stand_ins):
        return None
    passed: list[str | float] = []
    for value in local:
        if type(value) is float:
            passed.append(value)
        elif value is out:
            passed.append(name)
        elif any(value is x for x in stand_ins):
            passed.append(ins[next(j for j, x in enumerate(stand_ins) if value is x)])
        else:
            return None
    return passed


class PythonReplay:
    """The trace as one generated Python function over plain floats, run row by row.

    The forward lines call the op table's own forwards in creation order; the backward
    lines follow the scalar engine's reverse pass exactly (newest node first, the same
    skip of zero gradients, dot's fused order), so the sums are the same, bit for bit.
    """

    def __init__(self, trace: Trace):
        self.trace = trace
        self.params = trace.params
        name = {}
        env: dict[str, Any] = {"isfinite": math.isfinite, "dot_value": dot_value}
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
                # each node's forward and rule bound as names of their own: no attribute lookups
                env[f"F{n}"], env[f"A{n}"], env[f"R{n}"] = v.op.forward, v.arg, v.op.derivative or v.op.partials
                ins = [name[id(p)] for p in v.parents]
                if v.op.arity == 1:
                    body.append(f"    {n} = F{n}({ins[0]}, A{n})")
                elif v.op is DOT:  # dot's forward is dot_value(w, x, b): called with the two halves at once
                    half = len(ins) // 2
                    bias = ins[-1] if len(ins) % 2 else "None"
                    body.append(
                        f"    {n} = dot_value(({', '.join(ins[:half])},), ({', '.join(ins[half : 2 * half])},), {bias})"
                    )
                else:
                    body.append(f"    {n} = F{n}([{', '.join(ins)}], A{n})")
        # The op nodes' values: the inputs and parameters come in finite (compile checks them).
        values = [name[id(v)] for v in trace.order if trace.kind[id(v)] == "op"] or ["0.0"]
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
            passed = _passed_through(v, ins, n)
            if passed is not None:  # the rule's own result, read once: no call per row
                for k in _share_order(v):
                    local = passed[k]
                    if isinstance(local, float):  # a constant: bound as a name of its own
                        env[f"C{n}_{k}"], local = local, f"C{n}_{k}"
                    body.append(f"        g{ins[k]} += g{n} * {local}")
            elif v.op.arity == 1:
                body.append(f"        g{ins[0]} += g{n} * R{n}({ins[0]}, {n}, A{n})")
            else:
                body.append(f"        L = R{n}([{', '.join(ins)}], {n}, A{n})")
                for k in _share_order(v):
                    body.append(f"        g{ins[k]} += g{n} * L[{k}]")
        # A gradient that is not finite passes on to every input of its node (inf times a local
        # derivative is inf, or nan where it is 0), so it shows at the leaves: the inputs' and
        # constants' here, the parameters' in their sums once all rows are done (see backward).
        grads = [f"g{name[id(v)]}" for v in trace.order if trace.kind[id(v)] in ("input", "const")] or ["0.0"]
        body.append(f"    if not isfinite({' + '.join(grads)}) and not all(map(isfinite, [{', '.join(grads)}])):")
        body.append("        return None, None")
        body.append(f"    acc[:] = [{', '.join('g' + name[id(p)] for p in self.params)}]")
        body.append(f"    return outs, [{', '.join('g' + name[id(x)] for x in trace.inputs)}]")
        self.source = "\n".join(body)
        exec(self.source, env)  # noqa: S102 - our own generated code, from the trace
        self.replay = env["replay"]

    def forward(self, X: np.ndarray, P: np.ndarray, on_error: OnError) -> np.ndarray:
        """The outputs (rows, n_out) of the rows X at parameter values P."""
        values = P.tolist()
        out = []
        for i, row in enumerate(X.tolist()):
            outs, _ = self.replay(*row, values, None, None)
            if outs is None:
                on_error([i])
                raise OverflowError(f"compile: a value of row {i} is not a finite float")
            out.append(outs)
        return np.array(out, dtype=float)

    def backward(self, X: np.ndarray, P: np.ndarray, seeds: np.ndarray, on_error: OnError, want_inputs: bool) -> tuple:
        """(outputs, the parameters' gradients as an array, the inputs' (rows, n_inputs) or None)."""
        values = P.tolist()
        acc = [0.0] * len(self.params)
        rows = X.tolist()
        row_seeds = seeds.tolist()
        outs: list = [None] * len(rows)
        inputs: list = [None] * len(rows)
        # The scalar engine meets the last row's nodes first (they are the newest): so do we.
        for i in reversed(range(len(rows))):
            outs[i], inputs[i] = self.replay(*rows[i], values, row_seeds[i], acc)
            if outs[i] is None or inputs[i] is None:
                on_error([i])
                raise OverflowError(f"compile: a value or gradient of row {i} is not a finite float")
        grads = np.array(acc, dtype=float)
        if not math.isfinite(np.add.reduce(grads)) and not np.isfinite(grads).all():
            on_error(range(len(rows)))
            raise OverflowError("compile: a parameter's gradient is not a finite float")
        return np.array(outs, dtype=float), grads, np.array(inputs, dtype=float) if want_inputs else None
