"""Loss functions: one sample (a list) or a batch (a list of lists) -> ONE Value, the batch mean.

Outputs are Values (or numbers); targets are numbers. For one sample the
outputs are a list (a single Value is a list of one); for a batch, a list of
such lists with one target per sample. A target for a one-output sample may
be a bare number (``mse([[o1], [o2]], [t1, t2])``).

- mse, mae: mean over ALL components, like ``np.mean`` (the notes' worked
  example: ((121.5-1)**2 + 62.5**2) / 2 = 9213.25).
- binary_cross_entropy: on probabilities, clipped to [eps, 1 - eps].
- binary_cross_entropy_with_logits: softplus(z) - t*z, stable for any z.
- cross_entropy: logits with a class index or a one-hot (or soft) target;
  logsumexp(z) - z_k, fused and stable.
- hinge: mean of relu(1 - y*s) over components, labels -1/+1 (micrograd's).
- l2: sum of squares of parameters (not averaged), as one node.

Each loss declares how it is used for training (``fit`` reads these, it never
looks a loss up by identity):

- ``loss.accuracy``: None (regression) or a function (outputs array (n, k),
  targets) -> the fraction classified right, by the loss's own rule (argmax
  for cross_entropy, sign for hinge, 0.5 / 0 thresholds for the binary ones).
- ``loss.check_targets(targets, n_outputs)``: validates a whole data set's
  targets before training, naming the sample (the data set's row).

Example:
    >>> from autodiff import Value
    >>> from nn import losses
    >>> losses.mse([Value(121.5), Value(62.5)], [1, 0]).data
    9213.25
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import autodiff
from autodiff import Value

from ._checks import describe, finite_real, is_finite_real

__all__ = [
    "mse",
    "mae",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge",
    "l2",
    "LOSSES",
    "get_loss",
    "declare",
]


# ---------------------------------------------------------------- shapes
def _is_seq(x: Any) -> bool:
    if isinstance(x, (list, tuple)):
        return True
    return isinstance(x, np.ndarray) and x.ndim >= 1


def _is_number(x: Any) -> bool:
    kind = type(x)
    return kind is float or kind is int or (isinstance(x, numbers.Real) and kind is not bool)


def _as_batch(outputs: Any, name: str) -> tuple[list[list[Any]], bool]:
    """(list of samples, each a list of Values/numbers; True if ``outputs`` was a batch)."""
    if isinstance(outputs, Value):
        return [[outputs]], False
    if not _is_seq(outputs):
        if _is_number(outputs):
            return [[outputs]], False
        raise ValueError(
            f"{name}: outputs must be a list of Values or a list of such lists, got {type(outputs).__name__}"
        )
    if len(outputs) == 0:
        raise ValueError(f"{name}: outputs are empty")
    if _is_seq(outputs[0]):
        samples = [list(row) if _is_seq(row) else [row] for row in outputs]
        for i, row in enumerate(samples):
            if not row:
                raise ValueError(f"{name}: sample {i} has no outputs")
        return samples, True
    return [list(outputs)], False


def _target_number(t: Any, name: str, where: str) -> Value | float:
    """A target as a float; a Value target stays a Value (a traced input: nn.engine compiles the
    loss with the targets as inputs, and o - t gives the same number either way)."""
    number = t.data if isinstance(t, Value) else t
    if not (type(number) is float and math.isfinite(number)) and not is_finite_real(number):  # (floats: fast)
        raise ValueError(f"{name}: target {where} must be a finite number, got {describe(number)}")
    return t if isinstance(t, Value) else float(t)


def _per_sample(targets: Any, samples: list[list[Any]], batched: bool, name: str, what: str = "outputs") -> list[Any]:
    """One target per sample: the batch's list (checked against the sample count) or [targets]."""
    if not batched:
        return [targets]
    if not _is_seq(targets) or len(targets) != len(samples):
        got = f"{len(targets)} targets" if _is_seq(targets) else f"a {type(targets).__name__}"
        raise ValueError(f"{name}: {len(samples)} samples of {what} but {got}")
    return list(targets)


def _targets(targets: Any, samples: list[list[Any]], batched: bool, name: str) -> list[list[Value | float]]:
    """Targets as one list of floats per sample, each as long as that sample's outputs."""
    rows = _per_sample(targets, samples, batched, name)
    result: list[list[Value | float]] = []
    for i, (row, out) in enumerate(zip(rows, samples)):
        row = list(row) if _is_seq(row) else [row]
        if len(row) != len(out):
            raise ValueError(f"{name}: sample {i} has {len(out)} outputs but {len(row)} targets")
        result.append([_target_number(t, name, f"{i}.{j}") for j, t in enumerate(row)])
    return result


def _pairs(outputs: Any, targets: Any, name: str) -> tuple[list[list[Any]], list[list[Value | float]]]:
    samples, batched = _as_batch(outputs, name)
    return samples, _targets(targets, samples, batched, name)


def _mean(terms: list[Value], count: int) -> Value:
    total = autodiff.sum(terms)
    return total if count == 1 else total / count


# ---------------------------------------------------------------- regression
def mse(outputs: Any, targets: Any) -> Value:
    """Mean squared error over all components (like np.mean).

    Args:
        outputs: a list of Values (one sample) or a list of lists (a batch).
        targets: numbers shaped like outputs (a bare number per one-output sample).
    Returns:
        One Value.
    Example:
        >>> from nn import losses
        >>> losses.mse([3.0, 5.0], [1.0, 1.0]).data
        10.0
    """
    samples, rows = _pairs(outputs, targets, "mse")
    terms = [(o - t) ** 2 for out, row in zip(samples, rows) for o, t in zip(out, row)]
    return _mean(terms, len(terms))


def mae(outputs: Any, targets: Any) -> Value:
    """Mean absolute error over all components (like np.mean(np.abs(...))).

    Example:
        >>> from nn import losses
        >>> losses.mae([3.0, -1.0], [1.0, 1.0]).data
        2.0
    """
    samples, rows = _pairs(outputs, targets, "mae")
    terms = [abs(o - t) for out, row in zip(samples, rows) for o, t in zip(out, row)]
    return _mean(terms, len(terms))


# ---------------------------------------------------------------- binary classification
def _check_probability_targets(rows: list[list[Value | float]], name: str) -> None:
    for i, row in enumerate(rows):
        for t in row:
            if not 0.0 <= t <= 1.0:
                raise ValueError(f"{name}: targets must be in [0, 1], got {t!r} in sample {i}")


def binary_cross_entropy(probabilities: Any, targets: Any, eps: float = 1e-12) -> Value:
    """-[t log p + (1-t) log(1-p)], mean over components; p clipped to [eps, 1-eps].

    A clipped p is a constant (zero gradient), as with np.clip.

    Args:
        probabilities: Values in [0, 1] (e.g. sigmoid outputs), one sample or a batch.
        targets: numbers in [0, 1].
        eps: clipping distance from 0 and 1 (0 < eps < 0.5).
    Example:
        >>> from nn import losses
        >>> round(losses.binary_cross_entropy([0.5], [1]).data, 6)
        0.693147
    """
    eps = finite_real("binary_cross_entropy: eps", eps, low=0.0, high=0.5, low_open=True, high_open=True)
    samples, rows = _pairs(probabilities, targets, "binary_cross_entropy")
    _check_probability_targets(rows, "binary_cross_entropy")
    terms = []
    for out, row in zip(samples, rows):
        for p, t in zip(out, row):
            data = p.data if isinstance(p, Value) else float(p)
            if not eps <= data <= 1.0 - eps:
                if not 0.0 <= data <= 1.0:
                    raise ValueError(
                        f"binary_cross_entropy: probabilities must be in [0, 1], got {data!r} "
                        f"(use binary_cross_entropy_with_logits for raw scores)"
                    )
                p = Value(min(max(data, eps), 1.0 - eps))
            elif not isinstance(p, Value):
                p = Value(data)
            if t == 1.0:
                terms.append(-p.log())
            elif t == 0.0:
                terms.append(-(1.0 - p).log())
            else:
                terms.append(-(t * p.log() + (1.0 - t) * (1.0 - p).log()))
    return _mean(terms, len(terms))


def binary_cross_entropy_with_logits(logits: Any, targets: Any) -> Value:
    """Binary cross-entropy on raw scores z: softplus(z) - t*z, stable for any z.

    Example:
        >>> from nn import losses
        >>> round(losses.binary_cross_entropy_with_logits([0.0], [1]).data, 6)
        0.693147
    """
    samples, rows = _pairs(logits, targets, "binary_cross_entropy_with_logits")
    _check_probability_targets(rows, "binary_cross_entropy_with_logits")
    terms = []
    for out, row in zip(samples, rows):
        for z, t in zip(out, row):
            z = z if isinstance(z, Value) else Value(z)
            # (t == 0 drops the t*z node; a Value target, traced per sample, keeps it: the same number)
            terms.append(z.softplus() - t * z if isinstance(t, Value) or t else z.softplus())
    return _mean(terms, len(terms))


# ---------------------------------------------------------------- multi-class
def _class_index(t: Any, n_classes: int, name: str, i: int) -> int:
    if isinstance(t, numbers.Integral) and not isinstance(t, bool):
        k = int(t)
    elif _is_number(t) and float(t).is_integer():
        k = int(t)
    else:
        raise ValueError(f"{name}: target of sample {i} must be a class index or a one-hot list, got {t!r}")
    if not 0 <= k < n_classes:
        raise ValueError(f"{name}: class index {k} of sample {i} is out of range for {n_classes} logits")
    return k


def _class_target(t: Any, n_classes: int, name: str, i: int) -> int | list[Value | float]:
    """A cross-entropy target: a class index (int) or a list of probabilities (checked)."""
    if _is_seq(t):
        probs = [_target_number(p, name, f"{i}.{j}") for j, p in enumerate(t)]
        if len(probs) != n_classes:
            raise ValueError(f"{name}: sample {i} has {n_classes} logits but a target of length {len(probs)}")
        if any(p < 0 for p in probs) or abs(math.fsum(probs) - 1.0) > 1e-6:
            raise ValueError(f"{name}: one-hot target of sample {i} must be >= 0 and sum to 1, got {probs}")
        return probs
    return _class_index(t, n_classes, name, i)


def cross_entropy(logits: Any, target: Any) -> Value:
    """Softmax cross-entropy, batch mean: logsumexp(z) - z_k for a class index k.

    Args:
        logits: raw scores (Values), one sample or a batch.
        target: a class index (int) or a one-hot / probability list per sample
            (for a batch: a list of them).
    Returns:
        One Value.
    Example:
        >>> from nn import losses
        >>> round(losses.cross_entropy([0.0, 0.0], 1).data, 6)
        0.693147
    """
    name = "cross_entropy"
    samples, batched = _as_batch(logits, name)
    targets = _per_sample(target, samples, batched, name, "logits")
    terms = []
    for i, (z, t) in enumerate(zip(samples, targets)):
        t = _class_target(t, len(z), name, i)
        if isinstance(t, list):
            log_probs = autodiff.log_softmax(z)
            terms.append(-autodiff.sum([t_j * lp for t_j, lp in zip(t, log_probs) if t_j]))
        else:
            terms.append(autodiff.logsumexp(z) - z[t])
    return _mean(terms, len(terms))


def _check_labels(rows: list[list[Value | float]]) -> None:
    for i, row in enumerate(rows):
        for y in row:
            if isinstance(y, Value):
                # A traced label (nn.engine: targets as inputs): y * y == 1 said with two comparisons,
                # which the trace records and checks on every row, the same for -1 and +1.
                square = y * y
                if square >= 1.0 and square <= 1.0:
                    continue
            elif y in (-1.0, 1.0):
                continue
            label = y.data if isinstance(y, Value) else y
            raise ValueError(f"hinge: labels must be -1 or +1, got {label!r} in sample {i}")


def hinge(scores: Any, labels: Any) -> Value:
    """Max-margin loss: mean of relu(1 - y*s) over components, labels -1 or +1 (micrograd's moons loss).

    Example:
        >>> from nn import losses
        >>> losses.hinge([[0.5], [-2.0]], [1, -1]).data
        0.25
    """
    samples, rows = _pairs(scores, labels, "hinge")
    _check_labels(rows)
    terms = []
    for out, row in zip(samples, rows):
        for s, y in zip(out, row):
            s = s if isinstance(s, Value) else Value(s)
            terms.append((1.0 - y * s).relu())
    return _mean(terms, len(terms))


def l2(params: Iterable[Value]) -> Value:
    """Sum of squares of ``params`` as ONE node (dot(p, p)); multiply by your alpha.

    Example:
        >>> from autodiff import Value
        >>> from nn import losses
        >>> losses.l2([Value(3.0), Value(4.0)]).data
        25.0
    """
    params = list(params)
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise ValueError(f"l2: params must be Values, got {type(p).__name__} at position {i}")
    return autodiff.dot(params, params) if params else Value(0.0)


# ---------------------------------------------------------------- what each loss declares
def _argmax_accuracy(outputs: Any, targets: Any) -> float:
    outputs, targets = np.asarray(outputs, dtype=float), np.asarray(targets, dtype=float)
    truth = targets.argmax(axis=1) if targets.ndim == 2 else targets
    return float(np.mean(outputs.argmax(axis=1) == truth))


def _threshold_accuracy(threshold: float, negative: float) -> Callable[[Any, Any], float]:
    def accuracy(outputs: Any, targets: Any) -> float:
        outputs = np.asarray(outputs, dtype=float)
        targets = np.asarray(targets, dtype=float).reshape(outputs.shape)
        predicted = np.where(outputs > threshold, 1.0, negative)
        return float(np.mean(np.all(predicted == targets, axis=1)))

    return accuracy


def _placeholders(targets: Any, n_outputs: int, name: str) -> tuple[list[list[float]], bool]:
    if not _is_seq(targets) or len(targets) == 0:
        raise ValueError(f"{name}: targets must be a non-empty list, got {type(targets).__name__}")
    return [[0.0] * n_outputs] * len(targets), True


def _check_numeric_targets(
    name: str, extra: Callable[[list[list[Value | float]]], None] | None = None
) -> Callable[[Any, int], None]:
    def check_targets(targets: Any, n_outputs: int) -> None:
        samples, batched = _placeholders(targets, n_outputs, name)
        rows = _targets(targets, samples, batched, name)
        if extra is not None:
            extra(rows)

    return check_targets


def _check_class_targets(targets: Any, n_outputs: int) -> None:
    _placeholders(targets, n_outputs, "cross_entropy")
    for i, t in enumerate(targets):
        _class_target(t, n_outputs, "cross_entropy", i)


def declare(
    loss: Any,
    accuracy: Callable[[Any, Any], float] | None = None,
    check_targets: Callable[[Any, int], None] | None = None,
) -> Any:
    """Attach what ``fit`` needs to know about a loss: its accuracy rule and its target check.

    Args:
        loss: the loss function (given back, so this works as a plain call on your own loss).
        accuracy: None (no accuracy) or a function (outputs array (n, k), targets) -> fraction.
        check_targets: None or a function (all targets, n_outputs) that raises ValueError on
            a bad target, naming its sample.
    Returns:
        ``loss``.
    Example:
        >>> from nn import losses
        >>> losses.cross_entropy.accuracy is not None, losses.mse.accuracy
        (True, None)
    """
    loss.accuracy = accuracy
    loss.check_targets = check_targets
    return loss


declare(mse, None, _check_numeric_targets("mse"))
declare(mae, None, _check_numeric_targets("mae"))
declare(
    binary_cross_entropy,
    _threshold_accuracy(0.5, 0.0),
    _check_numeric_targets(
        "binary_cross_entropy", lambda rows: _check_probability_targets(rows, "binary_cross_entropy")
    ),
)
declare(
    binary_cross_entropy_with_logits,
    _threshold_accuracy(0.0, 0.0),
    _check_numeric_targets(
        "binary_cross_entropy_with_logits",
        lambda rows: _check_probability_targets(rows, "binary_cross_entropy_with_logits"),
    ),
)
declare(cross_entropy, _argmax_accuracy, _check_class_targets)
declare(hinge, _threshold_accuracy(0.0, -1.0), _check_numeric_targets("hinge", _check_labels))


LOSSES: dict[str, Callable[..., Value]] = {
    "mse": mse,
    "mae": mae,
    "binary_cross_entropy": binary_cross_entropy,
    "bce": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "cross_entropy": cross_entropy,
    "hinge": hinge,
}


def get_loss(loss: str | Callable[..., Value]) -> Callable[..., Value]:
    """A loss function from a name in LOSSES or a callable (returned as is)."""
    if callable(loss):
        return loss
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]
    raise ValueError(f"unknown loss {loss!r}; valid losses: {', '.join(LOSSES)} (or a callable)")
