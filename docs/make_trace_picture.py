"""Draws docs/trace.svg, the README's picture of a traced graph: python docs/make_trace_picture.py"""

from pathlib import Path

import numpy as np

import autodiff
import viz
from autodiff import Value

w, b = Value(0.5, label="w"), Value(-1.0, label="b")
f = autodiff.compile(lambda x, y: ((w * x + b).tanh() - y) ** 2)
f(np.array([[1.0, 0.0], [2.0, 1.0]]))
viz.render(viz.draw_graph(f.trace.outputs[0]), Path(__file__).with_name("trace.svg"))
