"""Helpers for the viz tests: small graphs, golden DOT files, the dot marker."""

import os
import shutil
from pathlib import Path

import pytest

from autodiff import Value

GOLDEN = Path(__file__).parent / "golden"
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="the Graphviz program dot is not installed")


def tanh_neuron():
    """The neuron of the notes (and of micrograd's demo): o = tanh(x1*w1 + x2*w2 + b)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n}


def shared():
    """y = x*x + x: x receives gradient along three edges (2x + 1 = 7 at x = 3)."""
    x = Value(3.0, label="x")
    y = x * x + x
    y.label = "y"
    y.backward()
    return y, x


def check_golden(name: str, source: str) -> None:
    """Compare DOT text with tests/viz/golden/<name>.gv; UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / f"{name}.gv"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(source, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 once and read it"
    assert source == path.read_text(encoding="utf-8"), f"DOT differs from {path} (UPDATE_GOLDEN=1 to accept)"
