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

import functools
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from . import graph
from .replay_numpy import Check, NumpyReplay, all_finite
from .replay_python import PythonReplay
from .trace import Trace, TraceError
from .value import Value

__all__ = ["compile", "Compiled", "TraceError"]


def _no_scalar_error(rows: Iterable[int]) -> None:
    """For the NumPy replay's proof on the traced row, where the scalar engine has run already."""


_ONES = np.ones((1, 1))  # the seeds of one row and one output (per-sample training): made once
_ONES.flags.writeable = False

# Below this many rows the per-row Python replay is faster than NumPy's per-call overhead.
AUTO_NUMPY_ROWS = 16


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


class Compiled:
    """A traced function, replayed over batches. Built by ``autodiff.compile``."""

    def __init__(self, fn: Callable[..., Any], n_inputs: int | None, backend: str):
        self.fn = fn
        self.n_inputs = n_inputs
        self.backend = backend
        self.trace: Trace | None = None
        self._numpy: NumpyReplay | None = None
        self._numpy_problem = ""  # why the NumPy replay cannot run this trace, once found
        self._python: PythonReplay | None = None

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
        if not all_finite(X):
            row = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
            raise ValueError(f"compile: X must be finite; row {row} is {X[row].tolist()}")
        if self.trace is None and len(X):
            self._trace(X)
        return X

    def _trace(self, X: np.ndarray) -> None:
        trace = Trace(self.fn, X[0])
        other = next((row for row in X[1:] if not np.array_equal(row, X[0])), None)
        if other is not None and Trace(self.fn, other).signature() != trace.signature():
            raise TraceError(
                "compile: the function builds a different graph (or different constants) for different "
                "samples, so one trace cannot stand for all of them: a per-sample number entered as a "
                "constant (float(), .data, a Python branch on data); use the scalar engine for it"
            )
        self.trace = trace

    def _plan(self, rows: int) -> NumpyReplay | PythonReplay:
        assert self.trace is not None
        if self.backend == "python" or (self.backend == "auto" and rows < AUTO_NUMPY_ROWS):
            if self._python is None:
                self._python = PythonReplay(self.trace)
            return self._python
        plan = self.numpy_plan()
        if plan is not None:
            return plan
        if self.backend == "numpy":
            raise TypeError(self._numpy_problem)
        warnings.warn(f"{self._numpy_problem}; replaying it as straight-line Python instead", RuntimeWarning, 2)
        self.backend = "python"
        return self._plan(rows)

    def numpy_plan(self) -> NumpyReplay | None:
        """The NumPy replay, once it has shown on the traced row that it gives what the scalar
        rules give (a rule of define_op written with math.* cannot run on arrays); else None."""
        assert self.trace is not None
        if self._numpy is None and not self._numpy_problem:
            plan = NumpyReplay(self.trace)
            self._numpy_problem = self._probe(plan)
            self._numpy = None if self._numpy_problem else plan
        return self._numpy

    def _probe(self, plan: NumpyReplay) -> str:
        """Why ``plan`` cannot replay this trace ("" if it can), from a forward and backward on the
        traced row twice: a rule written for floats only (math.*, a Python ``if``) fails on a
        two-element array, and the outputs must be the scalar engine's."""
        assert self.trace is not None
        row = [x.data for x in self.trace.inputs]
        seeds = np.ones((2, len(self.trace.outputs)))
        try:
            P = self._param_values(None)
            out, _, _ = plan.backward(np.array([row, row]), P, seeds, _no_scalar_error, want_inputs=False)
        except (TypeError, AttributeError, ValueError) as error:
            return f"compile: an op's rule does not run on NumPy arrays ({error})"
        finally:
            plan.forget(2)  # (the proof's two rows are no batch to keep stores for)
        result = self.fn(*[Value(x) for x in row])  # the scalar engine, with the parameters as they are now
        scalar = [result.data] if isinstance(result, Value) else [o.data for o in result]
        if not np.allclose(out, [scalar, scalar], rtol=1e-9, atol=1e-12):
            return "compile: an op's rule gives other numbers on NumPy arrays than on floats"
        return ""

    # ------------------------------------------------------------ the API
    @property
    def params(self) -> list[Value]:
        """The Values ``fn`` closes over (its parameters), in the order ``value_and_grad`` uses;
        known once the function is traced (on the first batch)."""
        if self.trace is None:
            raise ValueError("compile: the parameters are known once the function is traced: call it on a batch first")
        return self.trace.params

    def __call__(self, X: Any, params: Any = None) -> np.ndarray:
        """The outputs for every row: shape (rows,) for one output, else (rows, n_out).

        ``params``: the parameters' values (``f.params`` order) to use instead of their Values' own.
        """
        X = self.prepare(X)
        if not len(X):
            return np.zeros((0,) if self.trace is None or self.trace.single else (0, len(self.trace.outputs)))
        return self._shape(self._replay(X, self._param_values(params))[0])

    def backward(self, X: Any, grad: Any = None) -> np.ndarray:
        """The same forward, then ADD to every parameter's ``.grad`` what
        ``sum(fn(*row) for row in X).backward()`` would add (``grad``: weights per row and output).
        Returns the outputs."""
        out, param_grads = self.value_and_grad(X, grad)
        if self.trace is not None:
            # Applied only once the whole batch succeeded: a failure changes no .grad.
            for p, g in zip(self.trace.params, param_grads.tolist()):
                p.grad += g
        return out

    def value_and_grad(self, X: Any, grad: Any = None, params: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """The outputs and the parameters' gradients as an array, changing no ``.grad``.

        Args:
            X: the rows. grad: weights per row and output, as in ``backward``.
            params: the parameters' values in ``f.params`` order (an array), to use instead of
                their Values' own: a training loop can keep them in one array (see nn.fit).
        Returns:
            (outputs as ``f(X)`` gives them, gradients in ``f.params`` order: what ``backward``
            adds to each ``.grad``).
        """
        X = self.prepare(X)
        if not len(X):
            return self(X), np.zeros(len(self.trace.params) if self.trace is not None else 0)
        out, param_grads, _ = self._replay(X, self._param_values(params), self._seeds(grad, len(X)))
        return self._shape(out), param_grads

    def input_grads(self, X: Any) -> np.ndarray:
        """d output / d input per row: (rows, n_inputs), or (rows, n_out, n_inputs)."""
        X = self.prepare(X)
        assert self.trace is not None
        n_out = len(self.trace.outputs)
        result = np.zeros((len(X), n_out, self.n_inputs or 0))
        P = self._param_values(None)
        for j in range(n_out):
            seeds = np.zeros((len(X), n_out))
            seeds[:, j] = 1.0
            result[:, j, :] = self._replay(X, P, seeds, want_inputs=True)[2]
        return result[:, 0, :] if self.trace.single else result

    def _replay(
        self, X: np.ndarray, P: np.ndarray, seeds: np.ndarray | None = None, want_inputs: bool = False
    ) -> tuple:
        """(outputs, parameter gradients, input gradients) of the rows X by the chosen replay, at
        parameter values P: forward only without ``seeds``; the comparisons recorded while
        tracing checked first."""
        assert self.trace is not None
        on_error = functools.partial(self._scalar_error, X, P)
        replay = self._plan(len(X))
        check: Check | None = None
        if self.trace.guards:  # checked on the whole batch at once, in NumPy
            plan = self.numpy_plan()
            if plan is None:
                raise TraceError(f"compile: branches on traced Values are checked in NumPy, but {self._numpy_problem}")
            trace = self.trace

            def check_guards(V: np.ndarray, U: np.ndarray) -> None:
                trace.check_guards(lambda v: plan.value_of(v, V, U), len(X), on_error)

            check = check_guards

            if replay is not plan:  # the rows replayed in Python: a NumPy forward for the guards first
                plan.forward(X, P, on_error, check=check)
                check = None
        if isinstance(replay, PythonReplay):
            if seeds is None:
                return replay.forward(X, P, on_error), None, None
            return replay.backward(X, P, seeds, on_error, want_inputs)
        if seeds is None:
            return replay.forward(X, P, on_error, check=check), None, None
        return replay.backward(X, P, seeds, on_error, want_inputs, check=check)

    def _param_values(self, params: Any) -> np.ndarray:
        """The parameters' values as an array: ``params`` (its shape checked), or read from the Values now."""
        assert self.trace is not None
        n = len(self.trace.params)
        if params is None:
            values = np.array([p.data for p in self.trace.params], dtype=float)
        else:
            values = np.asarray(params, dtype=float)
            if values.shape != (n,):
                raise ValueError(
                    f"compile: params must hold the {n} parameters' values (f.params order), got shape {values.shape}"
                )
        return values  # (each replay checks that they are finite, on its own copy of them)

    def _seeds(self, grad: Any, rows: int) -> np.ndarray:
        assert self.trace is not None
        n_out = len(self.trace.outputs)
        if grad is None:
            return _ONES if rows == 1 and n_out == 1 else np.ones((rows, n_out))
        seeds = np.asarray(grad, dtype=float)
        if seeds.shape == (rows,) and n_out == 1:
            seeds = seeds[:, None]
        if seeds.shape != (rows, n_out) or not np.isfinite(seeds).all():
            raise ValueError(f"compile: grad must be finite with shape ({rows}, {n_out}), got {seeds.shape}")
        return seeds

    def _shape(self, out: np.ndarray) -> np.ndarray:
        assert self.trace is not None
        return out[:, 0] if self.trace.single else out

    def _scalar_error(self, X: np.ndarray, P: np.ndarray, rows: Iterable[int]) -> None:
        """Run the scalar engine on ``rows``, forward and backward, at parameter values P, to raise
        its own error there (the parameters' own values are put back after)."""
        assert self.trace is not None
        params = self.trace.params
        own = [p.data for p in params]
        try:
            for p, value in zip(params, P.tolist()):
                p.data = value
            for i in rows:
                result = self.fn(*[Value(float(x)) for x in X[i]])
                outputs = [result] if isinstance(result, Value) else list(result)
                for out in outputs:
                    graph.reverse_pass(out, 1.0, into_grad=False)
        finally:
            for p, value in zip(params, own):
                p.data = value
