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
import numbers
import sys

import numpy as np

from . import losses as _losses
from .datasets import batches

__all__ = ["fit", "History", "TrainingDiverged"]

_CLASSIFICATION = {
    _losses.cross_entropy: "argmax",
    _losses.hinge: "sign",
    _losses.binary_cross_entropy: "threshold_half",
    _losses.binary_cross_entropy_with_logits: "threshold_zero",
}


class TrainingDiverged(FloatingPointError):
    """The loss (or a parameter) became NaN or infinite; the message names the epoch."""


class History:
    """What ``fit`` records per epoch.

    Attributes:
        loss (list[float]): the mean of the epoch's batch losses.
        accuracy (list[float]): training accuracy of each epoch, from the outputs the
            epoch computed anyway (each batch before its update), for classification
            losses (cross_entropy, hinge, binary_cross_entropy*); else empty.
    """

    def __init__(self):
        self.loss = []
        self.accuracy = []

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def __repr__(self):
        last = f", last loss {self.loss[-1]:.6g}" if self.loss else ""
        acc = f", last accuracy {self.accuracy[-1]:.3f}" if self.accuracy else ""
        return f"History({self.epochs} epochs{last}{acc})"


def _accuracy(kind, outputs, targets) -> float:
    """Fraction of samples classified right, from an outputs array (n, k) and targets."""
    outputs = np.asarray(outputs, dtype=float)
    targets = np.asarray(targets, dtype=float)
    if kind == "argmax":
        truth = targets.argmax(axis=1) if targets.ndim == 2 else targets
        return float(np.mean(outputs.argmax(axis=1) == truth))
    targets = targets.reshape(outputs.shape)
    if kind == "sign":
        predicted = np.where(outputs > 0, 1.0, -1.0)
    else:
        predicted = (outputs > (0.5 if kind == "threshold_half" else 0.0)).astype(float)
    return float(np.mean(np.all(predicted == targets, axis=1)))


def _diverged(epoch, what, optimizer, cause=None) -> TrainingDiverged:
    lr = getattr(optimizer, "lr", None)
    hint = f" (lr={lr})" if lr is not None else ""
    return TrainingDiverged(
        f"training diverged in epoch {epoch}: {what}; try a smaller learning rate{hint}"
        + (f" [{cause}]" if cause else "")
    )


def fit(
    model, X, y, loss, optimizer, epochs, batch_size=None, shuffle=True, seed=None, progress=True, callback=None
) -> History:
    """Train ``model`` on (X, y) by gradient descent.

    Per batch: forward each sample, loss over the batch, zero_grad, backward, optimizer.step().

    Args:
        model: an nn Module (called on one sample, returning a list of Values).
        X: samples, a list of lists or an array (n_samples, n_features).
        y: targets, one per sample (class indices, one-hot rows, labels or values).
        loss: a name from nn.losses.LOSSES ("mse", "cross_entropy", "hinge", ...) or a
            callable (outputs_batch, targets_batch) -> Value.
        optimizer: an nn.optim optimizer over model.parameters().
        epochs: number of passes over the data (positive int).
        batch_size: None = full batch, 1 = stochastic, k = mini-batches of k.
        shuffle: visit mini-batches in a new random order every epoch.
        seed: seed of that order.
        progress: show a tqdm bar (only when stderr is a terminal).
        callback: called as callback(epoch, history) after each epoch; return True to stop.
    Returns:
        A History.
    Raises:
        TrainingDiverged: the loss or a parameter became NaN/inf (or the engine overflowed).
        ValueError: bad arguments (named).
    """
    loss_fn = _losses.get_loss(loss)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"fit: X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"fit: X and y must have the same non-zero length, got {len(X)} and {len(y)}")
    if not isinstance(epochs, numbers.Integral) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    if batch_size is not None and (
        not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool) or batch_size < 1
    ):
        raise ValueError(f"fit: batch_size must be None or a positive int, got {batch_size!r}")
    if callback is not None and not callable(callback):
        raise ValueError(f"fit: callback must be callable, got {callback!r}")
    kind = _CLASSIFICATION.get(loss_fn)
    params = model.parameters()
    rng = np.random.default_rng(seed)
    full_batch = batch_size is None or batch_size >= len(X)
    history = History()

    bar = None
    if progress and sys.stderr.isatty():
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs, desc="fit", unit="epoch")
    try:
        for epoch in range(1, epochs + 1):
            parts = [(X, y)] if full_batch else batches(X, y, batch_size, shuffle=shuffle, rng=rng)
            batch_losses, epoch_outputs, epoch_targets = [], [], []
            for Xb, yb in parts:
                targets = yb.tolist()
                try:
                    outputs = [model(row) for row in Xb.tolist()]
                    value = loss_fn(outputs, targets)
                    if not math.isfinite(value.data):
                        raise _diverged(epoch, f"the loss became {value.data!r}", optimizer)
                    optimizer.zero_grad()
                    value.backward()
                except (OverflowError, FloatingPointError) as error:
                    if isinstance(error, TrainingDiverged):
                        raise
                    raise _diverged(epoch, "a value overflowed", optimizer, error) from error
                optimizer.step()
                for p in params:
                    if not math.isfinite(p.data):
                        raise _diverged(epoch, f"a parameter became {p.data!r}", optimizer)
                batch_losses.append(value.data)
                if kind:
                    epoch_outputs.extend([o.data for o in out] for out in outputs)
                    epoch_targets.extend(targets)
            history.loss.append(math.fsum(batch_losses) / len(batch_losses))
            if kind:
                history.accuracy.append(_accuracy(kind, epoch_outputs, epoch_targets))
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{history.loss[-1]:.4g}")
            if callback is not None and callback(epoch, history) is True:
                break
    finally:
        if bar is not None:
            bar.close()
    return history
