"""The straight-line Python replay of a trace (``autodiff.compile(..., backend="python")``).

The trace becomes one generated Python function over plain floats, run row by
row: the forward lines run the op table's own forwards in creation order, the
backward lines follow the scalar engine's reverse pass exactly (newest node
first, the same skip of zero gradients, an n-ary op's shares in its fused
backprop's order), so the sums are the scalar engine's, bit for bit.

A rule made of arithmetic and comparisons only (dot's forward, relu's,
d tanh = 1 - out**2) is read once on symbols and written into the code as its
own expression, so it costs no call per row; a rule that calls a math
function, branches or checks a domain is called per row.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import Any

import numpy as np

from .ops import DOT
from .replay_numpy import OnError, params_not_finite
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


# Python's precedences, for writing an expression with no more parentheses than it needs
_ATOM, _POWER, _UNARY, _PRODUCT, _SUM, _COMPARISON = 100, 14, 13, 12, 11, 9
_MAX_TERMS = 300  # a longer expression is left to a call (Python's compiler nests a deep chain)


class _Symbol:
    """A value while a rule is read at generation: arithmetic and comparisons on it give a
    _Symbol of the Python expression they would compute; using it any other way (its truth, a
    math function, a method, ==) raises TypeError, so a rule whose steps depend on the value
    cannot be read and is called per row instead."""

    __slots__ = ("text", "precedence", "terms")

    def __init__(self, text: str, precedence: int = _ATOM, terms: int = 1) -> None:
        self.text, self.precedence, self.terms = text, precedence, terms

    def __bool__(self) -> bool:
        raise TypeError("a symbol has no truth value")

    def __eq__(self, other: object) -> bool:
        raise TypeError("a symbol cannot be compared for equality")

    __ne__ = __eq__
    __hash__ = object.__hash__

    def __add__(self, other: Any) -> _Symbol:
        return _binary(self, "+", other, _SUM)

    def __radd__(self, other: Any) -> _Symbol:
        return _binary(other, "+", self, _SUM)

    def __sub__(self, other: Any) -> _Symbol:
        return _binary(self, "-", other, _SUM)

    def __rsub__(self, other: Any) -> _Symbol:
        return _binary(other, "-", self, _SUM)

    def __mul__(self, other: Any) -> _Symbol:
        return _binary(self, "*", other, _PRODUCT)

    def __rmul__(self, other: Any) -> _Symbol:
        return _binary(other, "*", self, _PRODUCT)

    def __truediv__(self, other: Any) -> _Symbol:
        return _binary(self, "/", other, _PRODUCT)

    def __rtruediv__(self, other: Any) -> _Symbol:
        return _binary(other, "/", self, _PRODUCT)

    def __pow__(self, other: Any) -> _Symbol:
        return _binary(self, "**", other, _POWER)

    def __rpow__(self, other: Any) -> _Symbol:
        return _binary(other, "**", self, _POWER)

    def __neg__(self) -> _Symbol:
        return _Symbol(f"-{_operand(self, _UNARY, True)}", _UNARY, self.terms + 1)

    def __lt__(self, other: Any) -> _Symbol:
        return _binary(self, "<", other, _COMPARISON)

    def __le__(self, other: Any) -> _Symbol:
        return _binary(self, "<=", other, _COMPARISON)

    def __gt__(self, other: Any) -> _Symbol:
        return _binary(self, ">", other, _COMPARISON)

    def __ge__(self, other: Any) -> _Symbol:
        return _binary(self, ">=", other, _COMPARISON)


def _symbol(value: Any) -> _Symbol:
    """A symbol, or a finite number as the literal that gives it back exactly (repr of a float
    round-trips); anything else cannot be written into the generated code."""
    if isinstance(value, _Symbol):
        return value
    if type(value) in (int, float) and math.isfinite(value):
        return _Symbol(repr(value) if value >= 0 else f"({value!r})")
    raise TypeError(f"not a number to write: {type(value).__name__}")


def _operand(value: _Symbol, precedence: int, same_is_fine: bool) -> str:
    """``value`` written as an operand of an operator of ``precedence``, in parentheses if needed."""
    binds_tighter = value.precedence > precedence or (same_is_fine and value.precedence == precedence)
    return value.text if binds_tighter else f"({value.text})"


def _binary(left: Any, op: str, right: Any, precedence: int) -> _Symbol:
    left, right = _symbol(left), _symbol(right)
    terms = left.terms + right.terms + 1
    if terms > _MAX_TERMS:
        raise TypeError("an expression too long to write")
    # + - * / are left-associative, ** right-associative; comparisons would chain: keep them apart
    left_ok, right_ok = (op != "**" and precedence != _COMPARISON), op == "**"
    return _Symbol(
        f"{_operand(left, precedence, left_ok)} {op} {_operand(right, precedence, right_ok)}", precedence, terms
    )


def _read(rule: Callable[..., Any], *args: Any) -> list[_Symbol] | None:
    """What ``rule`` computes, as Python expressions over the names its symbol arguments stand
    for, when its steps do not depend on the values (arithmetic and comparisons only); else None.

    The generated code then does the rule's own operations in the rule's own order: the same
    floats, bit for bit, with no call per row (dot: w_1 * x_1 + ... + b; relu: (x > 0) * x + 0.0;
    d tanh: 1.0 - out * out). A rule that calls a math function, branches or tests a domain
    fails on symbols and is called per row.
    """
    try:
        result = rule(*args)
        values = result if isinstance(result, (tuple, list)) else [result]
        return [_symbol(value) for value in values]
    except Exception:  # noqa: BLE001 - any failure on symbols: the rule computes with the value
        return None


def _finite(floats: list[float]) -> bool:
    """No inf or nan among ``floats``: their sum shows one, or finite ones overflowed together."""
    return math.isfinite(sum(floats)) or all(map(math.isfinite, floats))


class PythonReplay:
    """The trace as one generated Python function over plain floats, run row by row.

    The forward lines call the op table's own forwards in creation order; the backward
    lines follow the scalar engine's reverse pass exactly (newest node first, the same
    skip of zero gradients, dot's fused order), so the sums are the same, bit for bit.
    """

    def __init__(self, trace: Trace):
        self.trace = trace
        self.params = trace.params
        self._pack = struct.Struct(f"{len(self.params)}d")  # the parameters' gradients into an array
        # A node has a parameter upstream (its gradient matters for the parameters'), or not.
        self._upstream: dict[int, bool] = {}
        for v in trace.order:
            self._upstream[id(v)] = trace.kind[id(v)] == "param" or any(self._upstream[id(p)] for p in v.parents)
        self._replays: dict[bool, Callable[..., Any]] = {}
        self.source = ""

    def replay(self, want_inputs: bool) -> Callable[..., Any]:
        """The generated function: with ``want_inputs`` it also gives the inputs' gradients, else
        it passes nothing to a node with no parameter upstream (an input, a constant, what is
        made of them only). Generated at first use."""
        if want_inputs not in self._replays:
            self.source = self._generate(want_inputs)
            env: dict[str, Any] = {"isfinite": math.isfinite}
            self._bind(env)
            exec(self.source, env)  # noqa: S102 - our own generated code, from the trace
            self._replays[want_inputs] = env["replay"]
        return self._replays[want_inputs]

    def _bind(self, env: dict[str, Any]) -> None:
        """Each node's forward, argument and rule as names of their own: no attribute lookups."""
        for k, v in enumerate(self.trace.order):
            if v.op is not None:
                env[f"Fv{k}"], env[f"Av{k}"], env[f"Rv{k}"] = v.op.forward, v.arg, v.op.derivative or v.op.partials

    def _generate(self, want_inputs: bool) -> str:
        trace = self.trace
        name = {id(v): f"v{k}" for k, v in enumerate(trace.order)}
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
                ins = [name[id(p)] for p in v.parents]
                symbols = [_Symbol(x) for x in ins]
                one = v.op.arity == 1
                written = _read(v.op.forward, symbols[0] if one else symbols, v.arg)
                if written is not None and len(written) == 1:  # the forward's own arithmetic, inline
                    body.append(f"    {n} = {written[0].text}")
                elif one:
                    body.append(f"    {n} = F{n}({ins[0]}, A{n})")
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
            if trace.kind[id(v)] != "op" or not (want_inputs or self._upstream[id(v)]):
                continue
            n = name[id(v)]
            ins = [name[id(p)] for p in v.parents]
            wanted = [want_inputs or self._upstream[id(p)] for p in v.parents]
            body.append(f"    if g{n}:")
            symbols = [_Symbol(x) for x in ins]
            locals_ = _read(v.op.local_grads, symbols, _Symbol(n), v.arg)
            if locals_ is not None and len(locals_) == len(ins):  # the rule's own arithmetic, inline
                for k in _share_order(v):
                    if wanted[k]:
                        body.append(f"        g{ins[k]} += g{n} * {_operand(locals_[k], _PRODUCT, False)}")
            elif v.op.arity == 1:
                body.append(f"        g{ins[0]} += g{n} * R{n}({ins[0]}, {n}, A{n})")
            else:
                body.append(f"        L = R{n}([{', '.join(ins)}], {n}, A{n})")
                for k in _share_order(v):
                    if wanted[k]:
                        body.append(f"        g{ins[k]} += g{n} * L[{k}]")
        if want_inputs:
            # A gradient that is not finite passes on to every input of its node (inf times a local
            # derivative is inf, or nan where it is 0), so it shows at the leaves: the inputs' and
            # constants' here, the parameters' in their sums once all rows are done (see backward).
            leaves = [f"g{name[id(v)]}" for v in trace.order if trace.kind[id(v)] in ("input", "const")] or ["0.0"]
            body.append(f"    if not isfinite({' + '.join(leaves)}) and not all(map(isfinite, [{', '.join(leaves)}])):")
            body.append("        return None, None")
        body.append(f"    acc[:] = [{', '.join('g' + name[id(p)] for p in self.params)}]")
        returned = ", ".join("g" + name[id(x)] for x in trace.inputs) if want_inputs else ""
        body.append(f"    return outs, [{returned}]")
        return "\n".join(body)

    def _values(self, P: np.ndarray) -> list[float]:
        """The parameters' values as floats, checked finite (a sum shows any inf or nan)."""
        values = P.tolist()
        if not _finite(values):
            raise params_not_finite(self.params, values)
        return values

    def forward(self, X: np.ndarray, P: np.ndarray, on_error: OnError) -> np.ndarray:
        """The outputs (rows, n_out) of the rows X at parameter values P."""
        values = self._values(P)
        replay = self.replay(False)
        out = []
        for i, row in enumerate(X.tolist()):
            outs, _ = replay(*row, values, None, None)
            if outs is None:
                on_error([i])
                raise OverflowError(f"compile: a value of row {i} is not a finite float")
            out.append(outs)
        return np.array(out, dtype=float)

    def backward(self, X: np.ndarray, P: np.ndarray, seeds: np.ndarray, on_error: OnError, want_inputs: bool) -> tuple:
        """(outputs, the parameters' gradients as an array, the inputs' (rows, n_inputs) or None)."""
        values = self._values(P)
        replay = self.replay(want_inputs)
        acc = [0.0] * len(self.params)
        rows = X.tolist()
        row_seeds = seeds.tolist()
        outs: list = [None] * len(rows)
        inputs: list = [None] * len(rows)
        # The scalar engine meets the last row's nodes first (they are the newest): so do we.
        for i in reversed(range(len(rows))):
            outs[i], inputs[i] = replay(*rows[i], values, row_seeds[i], acc)
            if outs[i] is None or inputs[i] is None:
                on_error([i])
                raise OverflowError(f"compile: a value or gradient of row {i} is not a finite float")
        if not _finite(acc):
            on_error(range(len(rows)))
            raise OverflowError("compile: a parameter's gradient is not a finite float")
        grads = np.empty(len(acc))
        self._pack.pack_into(grads.data, 0, *acc)  # (floats into an array: 3x quicker than np.array(acc))
        return np.array(outs, dtype=float), grads, np.array(inputs, dtype=float) if want_inputs else None
