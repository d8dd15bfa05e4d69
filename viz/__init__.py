"""viz: pictures of computation graphs that explain backprop.

    >>> from autodiff import Value
    >>> import viz
    >>> x = Value(2.0, label="x")
    >>> y = (x * x).tanh(); y.backward()
    >>> g = viz.draw_graph(y, show_local_grads=True)   # a graphviz.Digraph; inline in Jupyter
    >>> g.source.startswith("digraph")
    True

draw_graph (graph.py) draws one Value's graph; render (render.py) writes it to
.svg/.png/.pdf/.gv; backprop_frames and save_frames (frames.py) show backward
one step at a time (step_through: the same with a slider in a notebook,
widgets.py); draw_network (network.py) draws an MLP; the plots
(plots.py) need matplotlib, imported only when used.
"""

from .frames import backprop_frames, save_frames
from .graph import GraphTooLarge, draw_graph
from .network import draw_network
from .plots import plot_activations, plot_decision_boundary, plot_loss
from .render import GraphvizNotFound, render
from .widgets import step_through

__all__ = [
    "draw_graph",
    "render",
    "GraphvizNotFound",
    "GraphTooLarge",
    "backprop_frames",
    "save_frames",
    "step_through",
    "draw_network",
    "plot_decision_boundary",
    "plot_loss",
    "plot_activations",
]
