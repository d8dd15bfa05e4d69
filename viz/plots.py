"""Plots with matplotlib (the optional extra "plot"): decision boundaries, loss curves, activations.

matplotlib is imported only when a plot is made; without it the error says
how to install it: pip install "chaingrad[plot]".
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure

    from autodiff import Op
    from nn import MLP, Layer, Neuron

__all__ = ["plot_decision_boundary", "plot_loss", "plot_activations"]

DEFAULT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
# Op arguments for the activation plots: a leaky slope of 0.1 is visible, PyTorch's 0.01 is not.
PLOT_ARGS = {"leaky_relu": 0.1}


def _pyplot() -> ModuleType:
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError('viz plots need matplotlib: pip install "chaingrad[plot]"') from error
    return plt


def _predict_classes(model: MLP | Layer | Neuron, points: np.ndarray) -> tuple[np.ndarray, float | None]:
    """(class index 0..k-1 per point, threshold or None), from nn's NumPy inference path.

    Several outputs: the argmax (threshold None). One output: 1 where it passes
    the threshold, 0.5 for a sigmoid output layer (a probability), 0 otherwise
    (tanh, linear scores).
    """
    from nn import predict_numpy

    out = np.asarray(predict_numpy(model, points), dtype=float)
    if out.ndim == 1:
        out = out[:, None]
    if out.shape[1] > 1:
        return out.argmax(axis=1), None
    # An MLP names its last layer's activation output_activation; a Layer or Neuron just activation.
    activation = getattr(model, "output_activation", None) or getattr(model, "activation", None)
    threshold = 0.5 if activation == "sigmoid" else 0.0
    return (out[:, 0] > threshold).astype(int), threshold


def _point_classes(y: np.ndarray, threshold: float | None) -> np.ndarray:
    """The class index of each label, matching the regions' colours."""
    if threshold is None:
        return y.astype(int)
    labels = np.unique(y)
    if len(labels) == 2:
        return (y == labels[1]).astype(int)  # 0/1, -1/+1, ...: the larger label is class 1
    return (y > threshold).astype(int)


def plot_decision_boundary(
    model: MLP | Layer | Neuron, X: Any, y: Any, ax: Axes | None = None, resolution: int = 200
) -> Axes:
    """The model's predicted class over the plane, with the data points on top.

    Uses ``nn.predict_numpy`` (NumPy inference, no graph): a 200x200 grid is fast.
    For one output the class is output > 0.5 if the output activation is
    sigmoid, else output > 0 (tanh or linear scores); regions and points share
    colours (one output: the smaller label of y is class 0, the larger class 1).

    Args:
        model: an nn.MLP with 2 inputs.
        X: array (n, 2) of points; y: array (n,) of labels.
        ax: a matplotlib Axes (default: a new figure's).
        resolution: grid points per axis.
    Returns:
        The Axes.

    Example:
        >>> from nn import MLP
        >>> import numpy as np
        >>> ax = plot_decision_boundary(MLP(2, [8, 2], seed=0), np.zeros((3, 2)), [0, 1, 1])  # doctest: +SKIP
    """
    plt = _pyplot()
    X, y = np.asarray(X, dtype=float), np.asarray(y).ravel()
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary needs 2-D points, X of shape (n, 2); got shape {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} points but y has {len(y)} labels")
    if ax is None:
        ax = plt.figure(figsize=(5, 5)).add_subplot()
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.25
    low, high = X.min(axis=0) - pad, X.max(axis=0) + pad
    xx, yy = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    regions, threshold = _predict_classes(model, np.column_stack([xx.ravel(), yy.ravel()]))
    regions = regions.reshape(xx.shape)
    point_classes = _point_classes(y, threshold)
    classes = max(int(regions.max()), int(point_classes.max(initial=0))) + 1
    cmap = plt.get_cmap("coolwarm" if classes <= 2 else "tab10", max(classes, 2))
    levels = np.arange(-0.5, classes, 1.0)
    ax.contourf(xx, yy, regions, levels=levels, cmap=cmap, vmin=-0.5, vmax=classes - 0.5, alpha=0.35)
    ax.scatter(
        X[:, 0],
        X[:, 1],
        c=point_classes,
        cmap=cmap,
        vmin=-0.5,
        vmax=classes - 0.5,
        edgecolors="k",
        linewidths=0.5,
        s=20,
    )
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("decision boundary")
    _class_legend(ax, cmap, classes, _class_names(y, threshold, classes))
    return ax


def _class_names(y: np.ndarray, threshold: float | None, classes: int) -> list[str]:
    """What each colour stands for: "class 0", "class 1"; for one output, y's own two labels ("class -1", "class 1")."""
    labels = np.unique(y)
    if threshold is not None and len(labels) == 2:
        return [f"class {label:g}" if np.issubdtype(labels.dtype, np.number) else f"class {label}" for label in labels]
    return [f"class {k}" for k in range(classes)]


def _class_legend(ax: Axes, cmap: Colormap, classes: int, names: list[str]) -> None:
    """One legend entry per class: its region colour and its point colour are the same."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            marker="s",
            linestyle="",
            markersize=9,
            markerfacecolor=cmap(k),
            markeredgecolor="k",
            alpha=0.8,
            label=name,
        )
        for k, name in zip(range(classes), names)
    ]
    ax.legend(handles=handles, loc="best", fontsize=8, title="region and points", title_fontsize=8)


def plot_loss(history: Any, ax: Axes | None = None, *, log: bool = False) -> Axes:
    """Loss per epoch (and accuracy on a second y axis, if the history has any), with a legend.

    Args:
        history: what nn.fit returns (.loss and .accuracy lists), or a plain list of losses.
        ax: a matplotlib Axes (default: a new figure's).
        log: a logarithmic loss axis (default linear, so that the picture reads as it is).
    Returns:
        The loss Axes.

    Example:
        >>> ax = plot_loss([1.0, 0.5, 0.25])  # doctest: +SKIP
    """
    plt = _pyplot()
    losses = list(getattr(history, "loss", history))
    accuracy = list(getattr(history, "accuracy", None) or [])
    if ax is None:
        ax = plt.figure(figsize=(6, 4)).add_subplot()
    epochs = np.arange(1, len(losses) + 1)
    lines = ax.plot(epochs, losses, color="tab:red", label="loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if log:
        ax.set_yscale("log")
    if accuracy:
        twin = ax.twinx()
        lines += twin.plot(np.arange(1, len(accuracy) + 1), accuracy, color="tab:blue", label="accuracy")
        twin.set_ylabel("accuracy")
        twin.set_ylim(0, 1.05)
    ax.legend(handles=lines, loc="center right")
    ax.set_title("training: loss per epoch" + (" and accuracy" if accuracy else ""))
    return ax


def plot_activations(
    names: str | Iterable[str | tuple[str, Any]] = DEFAULT_ACTIVATIONS, *, x_range: tuple[float, float] = (-5.0, 5.0)
) -> Figure:
    """Each activation function and its derivative, side by side, as in the notes.

    Both curves come from the op table (``autodiff.OPS``): forward and partials,
    so what is plotted is exactly what backprop uses.

    Args:
        names: op names ("sigmoid", "tanh", "relu", "leaky_relu", "softplus", ...), or
            (name, argument) pairs such as ("leaky_relu", 0.2).
        x_range: the x interval shown.
    Returns:
        The matplotlib Figure, one Axes per function (f solid, f' dashed), in rows of
        three (two for four functions) shaped for a 16:9 slide.

    Example:
        >>> fig = plot_activations(["tanh", ("leaky_relu", 0.2)])  # doctest: +SKIP
    """
    from autodiff import get_op

    plt = _pyplot()
    items = [names] if isinstance(names, str) else list(names)
    if not items:
        raise ValueError("plot_activations: no function names given")
    columns = 2 if len(items) == 4 else min(len(items), 3)
    rows = -(-len(items) // columns)
    # A 16:9 slide: two rows of three (or of two) fill it; one row is a strip.
    size = (12, 6.75) if rows > 1 else (4 * columns, 3.6)
    fig, axes = plt.subplots(rows, columns, figsize=size, squeeze=False)
    for ax in axes.flat[len(items) :]:
        fig.delaxes(ax)
    for ax, item in zip(axes.flat, items):
        name, arg = (item, None) if isinstance(item, str) else item
        op = get_op(name)
        if op.arity != 1:
            raise ValueError(f"plot_activations: {name!r} is not a one-input function")
        if arg is None:
            arg = PLOT_ARGS.get(name, op.sample_args[0] if op.sample_args else None)
        xs, fs, ds = _curve(op, arg, x_range)
        ax.axhline(0, color="0.8", linewidth=0.8)
        ax.axvline(0, color="0.8", linewidth=0.8)
        ax.plot(xs, fs, color="tab:blue", label="f(x)")
        ax.plot(xs, ds, color="tab:orange", linestyle="--", label="f'(x)")
        ax.set_title(op.name if arg is None else f"{op.name}({arg:g})")
        ax.set_xlabel("x")
        ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def _curve(
    op: Op, arg: Any, x_range: tuple[float, float], points: int = 401
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, f(x), f'(x) on floats; NaN where the op is undefined (log(-1)), a gap in the plot."""
    domain = op.domain_of(0)
    assert op.derivative is not None  # (a one-input op: plot_activations checked its arity)
    xs = np.linspace(*x_range, points)
    fs, ds = np.full(points, np.nan), np.full(points, np.nan)
    for k, x in enumerate(xs):
        if domain.low is not None and x <= domain.low:
            continue
        try:
            fs[k] = out = op.forward(float(x), arg)
            ds[k] = op.derivative(float(x), out, arg)
        except (ArithmeticError, ValueError):
            pass
    return xs, fs, ds
