"""Plots, smoke-tested with the Agg backend: assertions on the artists drawn."""

import sys
import time

import numpy as np
import pytest

import viz

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402

nn = pytest.importorskip("nn", reason="nn is not importable yet")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _blobs(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(-1, 0.3, (n // 2, 2)), rng.normal(1, 0.3, (n // 2, 2))])
    return X, np.repeat([0, 1], n // 2)


def test_decision_boundary_draws_regions_and_points():
    X, y = _blobs()
    ax = viz.plot_decision_boundary(nn.MLP(2, [8, 2], seed=0), X, y, resolution=50)
    scatter = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatter) == 1 and len(scatter[0].get_offsets()) == len(X)
    assert np.array_equal(scatter[0].get_array(), y)
    assert len(ax.collections) >= 2  # the filled contour regions are there too


def _linear_neuron(output_activation):
    """One output: x0 + 0.5 (before the activation)."""
    model = nn.MLP(2, [1], output_activation=output_activation, seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, 0.0, 0.5
    return model


@pytest.mark.parametrize("activation", ["sigmoid", "linear", "tanh"])
def test_single_output_threshold(activation):
    # sigmoid outputs are probabilities (threshold 0.5), the others scores (threshold 0): either
    # way the boundary is where x0 + 0.5 = 0. A threshold of 0 on sigmoid would call x0 = -0.7 class 1.
    points = np.array([[-0.7, 0.0], [-0.3, 0.0]])
    classes, _ = viz.plots._predict_classes(_linear_neuron(activation), points)
    assert classes.tolist() == [0, 1]


def test_labels_minus_one_plus_one_match_the_region_colours():
    X, y = _blobs()
    ax = viz.plot_decision_boundary(_linear_neuron("tanh"), X, 2 * y - 1, resolution=20)
    scatter = next(c for c in ax.collections if isinstance(c, PathCollection))
    assert np.array_equal(scatter.get_array(), y)  # -1 -> class 0, +1 -> class 1


def test_decision_boundary_grid_is_fast():
    X, y = _blobs()
    model = nn.MLP(2, [16, 16, 2], seed=0)
    viz.plot_decision_boundary(model, X, y, resolution=20)  # warm up matplotlib
    start = time.perf_counter()
    viz.plot_decision_boundary(model, X, y, resolution=200)
    assert time.perf_counter() - start < 2.0


def test_plot_loss_with_and_without_accuracy():
    ax = viz.plot_loss([1.0, 0.5, 0.25])
    assert len(ax.lines) == 1 and list(ax.lines[0].get_ydata()) == [1.0, 0.5, 0.25]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    history = nn.History()
    history.loss[:] = [0.7, 0.4]
    history.accuracy[:] = [0.5, 0.9]
    axes = viz.plot_loss(history).figure.axes
    assert len(axes) == 2 and list(axes[1].lines[0].get_ydata()) == [0.5, 0.9]


def test_plot_activations_come_from_the_op_table():
    fig = viz.plot_activations(["tanh", "relu", ("leaky_relu", 0.2)])
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["tanh", "relu", "leaky_relu(0.2)"]
    tanh_ax = fig.axes[0]
    f, d = [line for line in tanh_ax.lines if line.get_label() in ("f(x)", "f'(x)")]
    x = f.get_xdata()
    assert np.allclose(f.get_ydata(), np.tanh(x)) and np.allclose(d.get_ydata(), 1 - np.tanh(x) ** 2)
    leaky_d = [line for line in fig.axes[2].lines if line.get_label() == "f'(x)"][0]
    assert leaky_d.get_ydata()[0] == 0.2 and leaky_d.get_ydata()[-1] == 1.0


def test_functions_with_a_domain_leave_a_gap():
    fig = viz.plot_activations(["log"])
    f = [line for line in fig.axes[0].lines if line.get_label() == "f(x)"][0]
    y = f.get_ydata()
    assert np.isnan(y[0]) and np.isfinite(y[-1])


def test_without_matplotlib_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "chaingrad\[plot\]"'):
        viz.plot_loss([1.0])


def test_a_single_sigmoid_neuron_thresholds_at_one_half():
    import nn
    from viz.plots import _predict_classes

    neuron = nn.Neuron(2, activation="sigmoid", seed=0)
    for w, value in zip(neuron.w, (1.0, 0.0)):
        w.data = value
    neuron.b.data = 0.0
    classes, threshold = _predict_classes(neuron, np.array([[-1.0, 0.0], [1.0, 0.0]]))
    assert threshold == 0.5 and classes.tolist() == [0, 1]


# ---------------------------------------------------------------- legible on a slide
def test_every_plot_has_labels_titles_and_a_legend():
    X, y = _blobs()
    ax = viz.plot_decision_boundary(nn.MLP(2, [8, 2], seed=0), X, y, resolution=20)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2") and ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    ax = viz.plot_decision_boundary(_linear_neuron("tanh"), X, 2 * y - 1, resolution=20)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class -1", "class 1"]
    history = nn.History()
    history.loss[:] = [0.7, 0.4]
    history.accuracy[:] = [0.5, 0.9]
    ax = viz.plot_loss(history)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["loss", "accuracy"] and ax.get_title()
    fig = viz.plot_activations(["tanh", "relu"])
    assert all(a.get_xlabel() == "x" and a.get_title() and a.get_legend() for a in fig.axes)


def test_loss_axis_is_linear_unless_asked():
    losses = [1000.0, 10.0, 0.1]  # a range that used to switch to log by itself
    assert viz.plot_loss(losses).get_yscale() == "linear"
    assert viz.plot_loss(losses, log=True).get_yscale() == "log"


def test_activations_are_laid_out_for_a_wide_slide():
    fig = viz.plot_activations(["sigmoid", "tanh", "relu", ("leaky_relu", 0.1), "softplus", "exp"])
    grid = sorted({(round(a.get_position().y0, 3), round(a.get_position().x0, 3)) for a in fig.axes})
    assert len(fig.axes) == 6 and len({y for y, _ in grid}) == 2 and len({x for _, x in grid}) == 3  # 2 x 3
    width, height = fig.get_size_inches()
    assert width / height == pytest.approx(16 / 9)
    assert len(viz.plot_activations(["tanh", "relu", "sigmoid", "softplus", "exp"]).axes) == 5  # no empty panel
