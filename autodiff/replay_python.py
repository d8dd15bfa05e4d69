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

from .ops import DOT
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
        """(outputs, the parameters' gradients as an array, the inputs' (rows, n_inputs))."""
        values = P.tolist()
        acc = [0.0] * len(self.params)
        rows = X.tolist()
        outs: list = [None] * len(rows)
        inputs: list = [None] * len(rows)
        # The scalar engine meets the last row's nodes first (they are the newest): so do we.
        for i in reversed(range(len(rows))):
            outs[i], inputs[i] = self.replay(*rows[i], values, seeds[i].tolist(), acc)
            if outs[i] is None or inputs[i] is None:
                on_error([i])
                raise OverflowError(f"compile: a value or gradient of row {i} is not a finite float")
        grads = np.array(acc, dtype=float)
        return np.array(outs, dtype=float), grads, np.array(inputs, dtype=float).reshape(len(rows), -1)
