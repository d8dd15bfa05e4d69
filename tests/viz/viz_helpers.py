"""Helpers for the viz tests: small graphs, golden DOT files, the dot marker."""

import os
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

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


# ---------------------------------------------------------------- the chain rule, read back from a picture
_NUMBER = r"-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|-?inf|nan"


def _check_sums(grads: dict, contributions: dict) -> int:
    """Assert each node's contributions sum to its grad (to the rounding shown); returns the nodes checked."""
    checked = 0
    for node, parts in contributions.items():
        grad = grads.get(node)
        if grad is None:  # "?" (a frame before the node is reached) or no grad shown
            continue
        # 6 significant digits: each shown number is within 5e-6 of its value, relatively.
        tolerance = 1e-5 * (sum(abs(c) for c in parts) + abs(grad)) + 1e-12
        assert abs(sum(parts) - grad) <= tolerance, (
            f"the contributions on the edges out of {node} sum to {sum(parts)!r} but its box says grad {grad!r}: "
            f"{parts}"
        )
        checked += 1
    return checked


def check_chain_rule_dot(source: str) -> int:
    """In draw_graph DOT text: the contributions written on the edges leaving each Value sum to its grad.

    Returns the number of Values checked (the test asserts it is not 0).
    """
    grads = {}
    for node, label in re.findall(r'^\s*(v\d+) \[label="([^"]*)"', source, re.M):
        found = re.search(rf"grad ({_NUMBER})\b", label)
        if found:
            grads[node] = float(found.group(1))
    contributions = {}
    for node, label in re.findall(r'^\s*(v\d+) -> op\d+ \[label="([^"]*)"', source, re.M):
        found = re.search(rf"× \S+ = ({_NUMBER})$", label)
        if found:
            contributions.setdefault(node, []).append(float(found.group(1)))
    return _check_sums(grads, contributions)


def check_chain_rule_svg(svg: str) -> int:
    """The same check on a rendered SVG (Graphviz writes each node and edge as a <g> with a <title>)."""
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ElementTree.fromstring(svg)
    grads, contributions = {}, {}
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        title = group.find("s:title", ns)
        texts = [t.text or "" for t in group.findall(".//s:text", ns)]
        if title is None:
            continue
        kind, name = group.get("class"), title.text or ""
        if kind == "node" and re.fullmatch(r"v\d+", name):
            for text in texts:
                found = re.match(rf"grad ({_NUMBER})\b", text.strip())
                if found:
                    grads[name] = float(found.group(1))
        elif kind == "edge" and re.fullmatch(r"v\d+->op\d+", name):
            for text in texts:
                found = re.search(rf"× \S+ = ({_NUMBER})$", text.strip())
                if found:
                    contributions.setdefault(name.split("->")[0], []).append(float(found.group(1)))
    return _check_sums(grads, contributions)
