"""The training loop: ``fit`` runs full-batch, mini-batch or stochastic gradient descent.

Example:
    >>> from nn import MLP, fit, optim, datasets
    >>> X, y = datasets.make_blobs(40, centers=2, random_state=0)
    >>> model = MLP(2, [8, 2], seed=0)
    >>> history = fit(model, X, y, "cross_entropy", optim.SGD(model.parameters(), lr=0.1),
    ...               epochs=5, progress=False)
    >>> len(history.loss), len(history.accuracy)
    (5, 5)
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autodiff
from autodiff import Value

from . import losses as _losses
from ._checks import as_generator, positive_int
from .datasets import batches
from .engine import CompiledLoss, compile_loss
from .layers import MLP, Layer, Neuron
from .module import Module
from .optim import Optimizer

__all__ = ["fit", "History", "TrainingDiverged"]


class TrainingDiverged(FloatingPointError):
    """The loss (or a parameter) became NaN or infinite; the message names the epoch.

    The model then holds the last finite parameters: those from before the step that broke.
    """


class History:
    """What ``fit`` records per epoch.

    Attributes:
        loss (list[float]): the mean of the epoch's batch losses.
        accuracy (list[float]): training accuracy of each epoch, from the outputs the
            epoch computed anyway (each batch before its update), for losses that declare
            an accuracy rule (``loss.accuracy``: cross_entropy, hinge, binary_cross_entropy*);
            else empty.
        engine (str): the engine that trained: "compiled" or "scalar".
    """

    def __init__(self) -> None:
        self.loss: list[float] = []
        self.accuracy: list[float] = []
        self.engine = "scalar"

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def __repr__(self) -> str:
        last = f", last loss {self.loss[-1]:.6g}" if self.loss else ""
        acc = f", last accuracy {self.accuracy[-1]:.3f}" if self.accuracy else ""
        return f"History({self.epochs} epochs{last}{acc})"


def _diverged(epoch: int, what: str, optimizer: Optimizer, cause: BaseException | None = None) -> TrainingDiverged:
    lr = getattr(optimizer, "lr", None)
    hint = f" (lr={lr})" if lr is not None else ""
    return TrainingDiverged(
        f"training diverged in epoch {epoch}: {what}; try a smaller learning rate{hint}. "
        f"The model holds the last finite parameters (from before this step)" + (f" [{cause}]" if cause else "")
    )


# ---------------------------------------------------------------- checks before the first update
def _refuse_dtype(name: str, array: np.ndarray) -> None:
    if array.dtype == bool or np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"fit: {name} has dtype {array.dtype}; Values take real numbers only (convert to float)")


def _first_bad_row(array: np.ndarray) -> int | None:
    finite = np.isfinite(array)
    if finite.all():
        return None
    return int(np.flatnonzero(~finite.reshape(len(array), -1).all(axis=1))[0])


def _as_samples(X: Any) -> np.ndarray:
    """X as a 2-D float array, refusing bool, complex, text, NaN and inf (naming the row)."""
    raw = np.asarray(X)
    _refuse_dtype("X", raw)
    try:
        X = raw.astype(float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"fit: X must hold real numbers: {error}") from None
    if X.ndim != 2:
        raise ValueError(f"fit: X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if (row := _first_bad_row(X)) is not None:
        raise ValueError(f"fit: row {row} of X holds {X[row].tolist()}: every input must be finite")
    return X


def _as_targets(y: Any, n: int) -> np.ndarray:
    y = np.asarray(y)
    _refuse_dtype("y", y)
    if y.ndim == 0 or len(y) != n or n == 0:
        raise ValueError(f"fit: X and y must have the same non-zero length, got {n} and {len(y) if y.ndim else 0}")
    if np.issubdtype(y.dtype, np.number) and (row := _first_bad_row(y)) is not None:
        raise ValueError(f"fit: row {row} of y holds {y[row].tolist()}: every target must be finite")
    return y


def _n_outputs(model: Any, sample: list[float]) -> int | None:
    """How many outputs the model gives per sample (from its sizes, or one forward without a graph)."""
    if isinstance(model, MLP):
        return model.nouts[-1]
    if isinstance(model, (Layer, Neuron)):
        return getattr(model, "nout", 1)
    try:
        with autodiff.no_grad():
            out = model(sample)
    except (OverflowError, FloatingPointError):
        return None  # (training reports it, as TrainingDiverged in epoch 1)
    return len(out) if isinstance(out, (list, tuple)) else 1


def _check_optimizer(optimizer: Optimizer, params: Sequence[Value]) -> None:
    """The optimizer must update the model's own parameters (a subset of them is fine)."""
    theirs = getattr(optimizer, "params", None)
    if theirs is None:
        return
    ours = {id(p) for p in params}
    foreign = [i for i, p in enumerate(theirs) if id(p) not in ours]
    if foreign:
        raise ValueError(
            f"fit: the optimizer updates {len(foreign)} parameters that are not the model's "
            f"(positions {foreign[:5]}{', ...' if len(foreign) > 5 else ''}); build it from model.parameters()"
        )


# ---------------------------------------------------------------- one batch
def _scalar_batch(
    model: Any,
    params: Sequence[Value],
    loss_fn: Callable[..., Value],
    Xb: np.ndarray,
    targets: np.ndarray,
    optimizer: Optimizer,
    epoch: int,
) -> tuple[float, list[list[float]]]:
    """One batch on the scalar engine: one graph, backward, the optimizer's step.

    Returns:
        (the batch loss, the per-sample outputs as lists of floats).
    """
    outputs = [model(row) for row in Xb.tolist()]
    value = loss_fn(outputs, targets.tolist())
    if not math.isfinite(value.data):
        raise _diverged(epoch, f"the loss became {value.data!r}", optimizer)
    optimizer.zero_grad()
    value.backward()
    before = [p.data for p in params]
    optimizer.step()
    after = [p.data for p in params]
    if not _all_finite(after):
        bad = next(v for v in after if not math.isfinite(v))
        for p, v in zip(params, before):
            p.data = v
        raise _diverged(epoch, f"a parameter became {bad!r}", optimizer)
    return value.data, [[o.data for o in out] for out in outputs]


class _CompiledTraining:
    """The compiled engine's batches: the parameters kept in one array ``theta`` between steps
    (read from the Values at the start, written back by ``write_back``), the compiled loss's
    gradient as an array, and the optimizer's rule on arrays (``step_arrays``). An optimizer that
    brings its own ``step()`` gets the Values set for each step instead."""

    def __init__(self, compiled: CompiledLoss, optimizer: Optimizer) -> None:
        self.compiled = compiled
        self.optimizer = optimizer
        self.vector = compiled.vector
        self.theta = self.vector.read()
        own = getattr(optimizer, "params", None)
        self.mine = self.vector.positions(own) if own is not None else slice(None)
        # Optimizer.step is step_arrays on the Values; a step of its own (a subclass's, or one set
        # on the object) is called as it is.
        self.on_arrays = getattr(optimizer.step, "__func__", None) is Optimizer.step
        self.grads = self.vector.read_grads()  # what .grad will hold after fit, as the scalar engine leaves it

    def batch(self, Xb: np.ndarray, targets: np.ndarray, epoch: int) -> tuple[float, np.ndarray]:
        value, outputs, grads = self.compiled.gradient(Xb, targets, self.theta)
        if not math.isfinite(value):
            raise _diverged(epoch, f"the loss became {value!r}", self.optimizer)
        # The optimizer's zero_grad clears its own parameters' grads; the others' add up.
        self.grads += grads
        self.grads[self.mine] = grads[self.mine]
        if not self.on_arrays:
            self.write_back()
            self.optimizer.step()
            new = self.vector.read()
        else:
            new = self.theta.copy()
            new[self.mine] = self.optimizer.step_arrays(self.theta[self.mine], grads[self.mine])
        if not np.isfinite(new).all():
            bad = float(new[~np.isfinite(new)][0])
            raise _diverged(epoch, f"a parameter became {bad!r}", self.optimizer)
        self.theta = new  # (one assignment: the step is applied whole or not at all)
        return value, outputs

    def write_back(self) -> None:
        """The Values get the array's numbers (and the grads the scalar engine would leave)."""
        self.vector.write(self.theta, self.grads)

    def read(self) -> None:
        """The array gets the Values' numbers (a callback may have changed them)."""
        self.theta = self.vector.read()


def _all_finite(values: list[float]) -> bool:
    if math.isfinite(sum(values)):  # one C-speed pass; only an overflowing total needs the closer look
        return True
    return all(map(math.isfinite, values))


# ---------------------------------------------------------------- progress
def _in_notebook() -> bool:
    """True under a Jupyter kernel (where stderr is no terminal but a bar shows as a widget)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # (an IPython too odd to ask: no bar)
        return False
    return getattr(shell, "kernel", None) is not None


def _progress_bar(epochs: int) -> Any:
    """A tqdm.auto bar on a terminal or in a notebook; None in a non-interactive log (CI)."""
    isatty = getattr(sys.stderr, "isatty", None)
    if not ((isatty is not None and isatty()) or _in_notebook()):
        return None
    from tqdm.auto import tqdm  # (imported only when a bar is shown: tqdm.auto probes for Jupyter)

    return tqdm(total=epochs, desc="fit", unit="epoch")


# ---------------------------------------------------------------- the loop
def fit(
    model: Module,
    X: Any,
    y: Any,
    loss: str | Callable[..., Value],
    optimizer: Optimizer,
    epochs: int,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int | np.random.Generator | None = None,
    progress: bool = True,
    callback: Callable[[int, History], Any] | None = None,
    engine: str = "auto",
) -> History:
    """Train ``model`` on (X, y) by gradient descent.

    Per batch: forward each sample, loss over the batch, zero_grad, backward, optimizer.step().
    All of X and y is checked before the first update (finite inputs, real dtypes, and the
    targets against the loss's own rule, errors naming the data set's row).

    Args:
        model: an nn Module (called on one sample, returning a list of Values).
        X: samples, a list of lists or an array (n_samples, n_features).
        y: targets, one per sample (class indices, one-hot rows, labels or values).
        loss: a name from nn.losses.LOSSES ("mse", "cross_entropy", "hinge", ...) or a
            callable (outputs_batch, targets_batch) -> Value (see ``nn.losses.declare`` to
            give it an accuracy rule and a target check).
        optimizer: an nn.optim optimizer over (some of) model.parameters().
        epochs: number of passes over the data (positive int).
        batch_size: None = full batch, 1 = stochastic, k = mini-batches of k.
        shuffle: visit mini-batches in a new random order every epoch.
        seed: seed of that order (None, an int or a numpy Generator).
        progress: show a tqdm bar on a terminal or in a Jupyter notebook (never in a log).
        callback: called as callback(epoch, history) after each epoch; return True to stop.
        engine: "auto" (default) replays the per-sample loss traced once (``autodiff.compile``;
            batches in NumPy, batch_size=1 as straight-line Python) when the trace is valid,
            else uses the scalar engine and warns once why; "compiled" insists (an error says
            why not); "scalar" builds every sample's graph. The same numbers either way.
    Returns:
        A History.
    Raises:
        TrainingDiverged: the loss or a parameter became NaN/inf (or the engine overflowed);
            the model keeps the last finite parameters.
        ValueError: bad arguments or data (named).
    """
    loss_fn = _losses.get_loss(loss)
    X = _as_samples(X)
    y = _as_targets(y, len(X))
    epochs = positive_int("fit: epochs", epochs)
    batch_size = positive_int("fit: batch_size", batch_size, optional=True)
    if callback is not None and not callable(callback):
        raise ValueError(f"fit: callback must be callable, got {callback!r}")
    nin = getattr(model, "nin", None)
    if nin is not None and X.shape[1] != nin:
        raise ValueError(f"fit: the model takes {nin} inputs but X has {X.shape[1]} columns")
    params = model.parameters()
    _check_optimizer(optimizer, params)
    check_targets = getattr(loss_fn, "check_targets", None)
    n_outputs = _n_outputs(model, X[0].tolist()) if check_targets is not None else None
    if check_targets is not None and n_outputs is not None:
        try:
            check_targets(y.tolist(), n_outputs)
        except ValueError as error:
            raise ValueError(f"fit: y does not suit the loss (sample = row of y): {error}") from None
    accuracy = getattr(loss_fn, "accuracy", None)
    compiled = compile_loss(model, loss_fn, X, y, engine)
    rng = as_generator("seed", seed)
    full_batch = batch_size is None or batch_size >= len(X)
    history = History()
    history.engine = "scalar" if compiled is None else "compiled"

    training = _CompiledTraining(compiled, optimizer) if compiled is not None else None
    bar = _progress_bar(epochs) if progress else None
    try:
        for epoch in range(1, epochs + 1):
            parts = [(X, y)] if full_batch else batches(X, y, batch_size, shuffle=shuffle, rng=rng)
            batch_losses, epoch_outputs, epoch_targets = [], [], []
            with np.errstate(over="ignore", invalid="ignore"):  # an overflowing step: TrainingDiverged
                for Xb, yb in parts:
                    try:
                        if training is None:
                            value, outputs = _scalar_batch(model, params, loss_fn, Xb, yb, optimizer, epoch)
                        else:
                            value, output_rows = training.batch(Xb, yb, epoch)
                            outputs = output_rows.tolist() if accuracy is not None else []
                    except (OverflowError, FloatingPointError) as error:
                        if isinstance(error, TrainingDiverged):
                            raise
                        raise _diverged(epoch, "a value overflowed", optimizer, error) from error
                    batch_losses.append(value)
                    if accuracy is not None:
                        epoch_outputs.extend(outputs)
                        epoch_targets.extend(yb.tolist())
            history.loss.append(math.fsum(batch_losses) / len(batch_losses))
            if accuracy is not None:
                history.accuracy.append(accuracy(epoch_outputs, epoch_targets))
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{history.loss[-1]:.4g}")
            if callback is not None:
                if training is not None:  # the callback sees the model as it is now
                    training.write_back()
                stop = callback(epoch, history) is True
                if training is not None:
                    training.read()
                if stop:
                    break
    finally:
        if training is not None:
            training.write_back()
        if bar is not None:
            bar.close()
    return history
