"""The compiled engine for training: a model's per-sample loss, traced once and replayed per batch.

``fit(..., engine="compiled")`` and the estimators use it. Per batch it gives
what the scalar engine gives: the batch loss (the mean of the samples'
losses, as nn.losses computes it), the model's outputs, and the loss's
gradient with respect to every parameter.

While it trains, the parameters' values live in one array (a
``ParameterVector`` reads them from the Values and writes them back), so a
step costs no Python work per parameter: the replay reads the array, the
gradients come back as an array, and the optimizer's rule runs on arrays.

How targets enter the trace: as inputs when the loss does arithmetic with
them (mse's ``o - t``), or, when the loss reads a target as a plain number
(a class index picks a logit), one trace per distinct target value, each
replayed on the rows that have it. If neither works (say, a regression loss
that reads every target as a number), the caller falls back to the scalar
engine and says why.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autodiff
from autodiff import TraceError, Value

from .optim import assign

__all__ = ["CompiledLoss", "ParameterVector", "compile_loss", "MAX_TRACES"]

MAX_TRACES = 32  # distinct target values worth a trace each (classes); more: targets must be inputs


class ParameterVector:
    """Some Values' data as one array, for a training loop that keeps them there between steps.

    Args:
        params: the Values, each once; ``read()`` and ``write()`` use their order.
    """

    def __init__(self, params: Sequence[Value]) -> None:
        self.params = list(params)
        self._at = {id(p): k for k, p in enumerate(self.params)}

    def __len__(self) -> int:
        return len(self.params)

    def __contains__(self, value: object) -> bool:
        return id(value) in self._at

    def read(self) -> np.ndarray:
        """The Values' data now, as an array."""
        return np.array([p.data for p in self.params], dtype=float)

    def read_grads(self) -> np.ndarray:
        return np.array([p.grad for p in self.params], dtype=float)

    def write(self, data: np.ndarray, grads: np.ndarray | None = None) -> None:
        """Set every Value's data (and grad) from the arrays, whole even if interrupted."""
        assign(self.params, data.tolist())
        if grads is not None:
            for p, g in zip(self.params, grads.tolist()):
                p.grad = g

    def positions(self, values: Sequence[Value]) -> slice | np.ndarray:
        """Where ``values`` are in the vector: ``vector[positions]`` is their data (a slice, so a
        view, when they are one run in order)."""
        at = np.array([self._at[id(v)] for v in values], dtype=int)
        if len(at) == len(self.params) and np.array_equal(at, np.arange(len(at))):
            return slice(None)
        if len(at) and np.array_equal(at, np.arange(at[0], at[0] + len(at))):
            return slice(int(at[0]), int(at[0]) + len(at))
        return at


def _target_rows(y: Any) -> np.ndarray:
    """Targets as a 2-d array of floats: one row per sample."""
    y = np.asarray(y, dtype=float)
    return y.reshape(len(y), -1)


class CompiledLoss:
    """A model's per-sample loss and outputs, compiled (see the module docstring).

    Args:
        model: an nn Module called on one sample.
        loss_fn: a loss of nn.losses (or alike): (outputs, targets) -> Value, the batch mean.
        X: the samples fit will see, (n_samples, n_features): traces are made on real rows.
        y: their targets (to choose how targets enter, and trace each class).
    Attributes:
        vector: the ParameterVector of the model's parameters (and of any other Value the loss
            closes over, after them): the order of ``gradient``'s arrays.
    """

    def __init__(self, model: Any, loss_fn: Callable[..., Value], X: np.ndarray, y: Any) -> None:
        self.model = model
        self.vector = ParameterVector(model.parameters())
        self._where: dict[int, slice | np.ndarray] = {}  # per trace (by id): its parameters in the vector
        self.loss_fn = loss_fn
        X = np.asarray(X, dtype=float)
        self.n_features = X.shape[1]
        self.target_shape = np.asarray(y).shape[1:]
        targets = _target_rows(y)
        self.n_targets = targets.shape[1]
        self.by_target: dict[tuple, autodiff.Compiled] | None = None
        self.as_inputs: autodiff.Compiled | None = None
        self._choose(X, np.asarray(y), targets)
        for compiled in self._traces():
            extra = [p for p in compiled.params if p not in self.vector]
            if extra:  # a Value the loss closes over that is no parameter of the model: after them
                self.vector = ParameterVector(self.vector.params + extra)

    def _positions(self, compiled: autodiff.Compiled) -> slice | np.ndarray:
        """Where a trace's parameters are in the vector (found once per trace)."""
        where = self._where.get(id(compiled))
        if where is None:
            unknown = sum(p not in self.vector for p in compiled.params)
            if unknown:  # (a trace made while training, for a target first seen then)
                raise TraceError(f"the loss reads {unknown} Values for a new target that it did not read before")
            where = self._where[id(compiled)] = self.vector.positions(compiled.params)
        return where

    def _traces(self) -> list[autodiff.Compiled]:
        return [self.as_inputs] if self.as_inputs is not None else list((self.by_target or {}).values())

    def _target(self, values: Sequence[Any]) -> Any:
        """One sample's target, shaped as the caller gave them (a number, or a row)."""
        if self.target_shape == ():
            return values[0]
        return list(values)

    def _choose(self, X: np.ndarray, y: np.ndarray, targets: np.ndarray) -> None:
        n = self.n_features

        def with_target_inputs(*xs: Any) -> list:
            outputs = self.model(list(xs[:n]))
            return [self.loss_fn([outputs], [self._target(xs[n:])]), *outputs]

        rows = np.column_stack([X, targets])
        distinct = np.unique(targets, axis=0)
        if len(distinct) > 1:
            try:
                compiled = autodiff.compile(with_target_inputs, n_inputs=n + self.n_targets)
                compiled.prepare(rows[_two_kinds(targets)])  # trace on two different targets
                self.as_inputs = compiled
                return
            except (TraceError, TypeError, ValueError, IndexError):
                pass  # the loss wants its targets as numbers: one trace per distinct target instead
        if len(distinct) > MAX_TRACES:
            raise TraceError(
                f"the loss reads its targets as plain numbers and there are {len(distinct)} distinct ones "
                f"(more than {MAX_TRACES} traces)"
            )
        self.by_target = {}
        for target in distinct:
            first = np.flatnonzero((targets == target).all(axis=1))[0]
            self._trace_target(y[first], X[first])

    def _trace_target(self, target: Any, row: np.ndarray) -> autodiff.Compiled:
        """The trace for one target value, made on a sample ``row`` that has it (made now: a loss
        that cannot be traced is found before training)."""
        assert self.by_target is not None
        if len(self.by_target) >= MAX_TRACES:
            raise TraceError(f"more than {MAX_TRACES} distinct targets, each a trace of its own")
        compiled = autodiff.compile(_fixed_target(self.model, self.loss_fn, target, self.n_features))
        compiled.prepare(row[None, :])
        self.by_target[tuple(_target_rows([target])[0].tolist())] = compiled
        return compiled

    def gradient(
        self, X: np.ndarray, y: Any, theta: np.ndarray, row_weights: np.ndarray | None = None
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """Loss, outputs and the loss's gradient of the batch (X, y) at parameter values ``theta``.

        The loss is the mean of the samples' losses, or with ``row_weights`` their weighted sum.
        ``theta`` and the gradient are arrays in ``vector`` order; no Value is read or changed.
        """
        targets = _target_rows(y)
        n_outputs = self._n_outputs()
        weights = np.zeros((len(X), 1 + n_outputs))
        weights[:, 0] = 1.0 / len(X) if row_weights is None else row_weights
        grads = np.zeros(len(self.vector))
        if self.as_inputs is not None:
            where = self._positions(self.as_inputs)
            result, g = self.as_inputs.value_and_grad(np.column_stack([X, targets]), weights, theta[where])
            grads[where] += g
        else:
            assert self.by_target is not None
            result = np.empty((len(X), 1 + n_outputs))
            distinct, which = np.unique(targets, axis=0, return_inverse=True)
            for k, target in enumerate(distinct):  # a target first seen now is traced now
                rows = np.flatnonzero(which.ravel() == k)
                compiled = self.by_target.get(tuple(target.tolist()))
                if compiled is None:
                    compiled = self._trace_target(np.asarray(y)[rows[0]], np.asarray(X, dtype=float)[rows[0]])
                where = self._positions(compiled)
                result[rows], g = compiled.value_and_grad(X[rows], weights[rows], theta[where])
                grads[where] += g
        if row_weights is None:
            return float(np.sum(result[:, 0]) / len(X)), result[:, 1:], grads
        return float(np.dot(result[:, 0], row_weights)), result[:, 1:], grads

    def step(self, X: np.ndarray, y: Any, row_weights: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """``gradient`` at the Values' own data, the gradient added to their ``.grad``; returns
        (loss, outputs)."""
        loss, outputs, grads = self.gradient(X, y, self.vector.read(), row_weights)
        for p, g in zip(self.vector.params, grads.tolist()):
            p.grad += g
        return loss, outputs

    def _n_outputs(self) -> int:
        compiled = self.as_inputs or next(iter(self.by_target.values()))  # type: ignore[union-attr]
        assert compiled.trace is not None
        return len(compiled.trace.outputs) - 1


def _two_kinds(targets: np.ndarray) -> list[int]:
    """Two rows with different targets: the trace is made on one and checked on the other."""
    first = targets[0]
    other = next(i for i, t in enumerate(targets) if not np.array_equal(t, first))
    return [0, other]


def _fixed_target(model: Any, loss_fn: Callable[..., Value], target: Any, n: int) -> Callable[..., list]:
    target = target.tolist() if isinstance(target, np.ndarray) else target

    def with_fixed_target(*xs: Any) -> list:  # (n inputs: the sample's features)
        outputs = model(list(xs))
        return [loss_fn([outputs], [target]), *outputs]

    return with_fixed_target


def compile_loss(model: Any, loss_fn: Callable[..., Value], X: np.ndarray, y: Any, engine: str) -> CompiledLoss | None:
    """The compiled loss for ``fit``, or None for the scalar engine.

    engine "scalar": None. "compiled": a CompiledLoss, or the reason it cannot be as an error.
    "auto": a CompiledLoss when the trace is valid, else None with a warning saying why.
    """
    if engine not in ("auto", "compiled", "scalar"):
        raise ValueError(f"engine must be 'auto', 'compiled' or 'scalar', got {engine!r}")
    if engine == "scalar":
        return None
    try:
        return CompiledLoss(model, loss_fn, X, y)
    except (ArithmeticError, ValueError) as error:
        if isinstance(error, TraceError):
            _cannot_compile(engine, error)
        # The data itself fails (an overflow on a real row): the scalar engine meets it in the first
        # batch, and fit reports it there as it always does (TrainingDiverged naming the epoch).
        return None
    except (TypeError, IndexError) as error:
        _cannot_compile(engine, error)
    return None


def _cannot_compile(engine: str, error: Exception) -> None:
    """engine "compiled": the reason as a TraceError; "auto": a warning (then the scalar engine trains)."""
    if engine == "compiled":
        raise TraceError(f"fit: the loss cannot be compiled: {error}") from error
    warnings.warn(
        f"fit: using the scalar engine, since the loss cannot be compiled: {error}", RuntimeWarning, stacklevel=4
    )
