"""draw_network: the layered picture of an MLP, one edge per weight."""

from __future__ import annotations

import html
from typing import Any

import graphviz

from .graph import FONT, NEGATIVE, POSITIVE, GraphTooLarge, check_precision, escape_plain, fmt
from .render import Drawing

__all__ = ["draw_network"]


def _number(x: Any) -> float:
    return float(getattr(x, "data", x))


# Numbers are written on a layer's edges only when its neurons are at most this many: the labels
# then stand in one column, a row apart each (see _label_distance); more would pile up.
NUMBERS_FIT = 4


def draw_network(
    mlp: Any, *, show_weights: bool = False, precision: int = 2, max_edges: int = 2000
) -> graphviz.Digraph:
    """An MLP as columns of circles (input, hidden layers, output) with an edge per weight.

    Edges are blue for positive weights, red for negative ones, thicker for
    larger magnitudes (relative to the largest weight); a legend says so.

    Args:
        mlp: an nn.MLP (anything with .layers[i].neurons[j].w and .b works).
        show_weights: write each weight on its edge and each bias in its neuron. Only where
            they fit: a layer of more than NUMBERS_FIT (4) neurons shows its weights by colour
            and width alone, and the legend says which layers.
        precision: significant digits of the weights shown.
        max_edges: refuse (GraphTooLarge) networks with more weights than this.
    Returns:
        graphviz.Digraph (``viz.render(g, "net.svg")``, or displayed inline in Jupyter).

    Example:
        >>> from nn import MLP
        >>> g = draw_network(MLP(2, [3, 1], seed=0))
        >>> g.source.count("->")  # 2*3 + 3*1 weights
        9
    """
    layers = list(mlp.layers)
    if not layers:
        raise ValueError("draw_network: the network has no layers")
    precision = check_precision(precision)
    weights = [[[_number(w) for w in neuron.w] for neuron in layer.neurons] for layer in layers]
    biases = [[_number(neuron.b) for neuron in layer.neurons] for layer in layers]
    edges = sum(len(row) for layer in weights for row in layer)
    if edges > max_edges:
        raise GraphTooLarge(
            f"draw_network: this network has {edges} weights, more than max_edges={max_edges}; "
            f"a picture with that many edges is unreadable and slow to lay out. "
            f"Draw a smaller network or raise max_edges."
        )
    nin = getattr(mlp, "nin", None) or len(weights[0][0])
    largest = max((abs(w) for layer in weights for row in layer for w in row), default=0.0) or 1.0
    numbered = [show_weights and len(layer) <= NUMBERS_FIT for layer in weights]
    # Positions pinned by hand (neato reads pos="x,y!" in inches): columns in layer order,
    # circles in index order from the top, as in the notes. dot would reorder them.
    dot = Drawing(
        "network",
        engine="neato",
        graph_attr={"splines": "false", "fontname": FONT},
        node_attr={
            "shape": "circle",
            "style": "filled",
            "fontname": FONT,
            "fontsize": "8",
            "fixedsize": "true",
            "width": "0.6" if show_weights else "0.45",
        },
        edge_attr={"arrowsize": "0.4", "fontname": FONT, "fontsize": "8"},
    )
    columns = [("input", "#dbeafe", [f"x{k + 1}" for k in range(nin)])]
    for k, layer in enumerate(layers):
        name = "output" if k == len(layers) - 1 else f"hidden {k + 1}"
        activation = getattr(layer, "activation", None)
        label = f"{name}\n({activation})" if activation else name
        bias_texts = [f"b={fmt(b, precision)}" if numbered[k] else "" for b in biases[k]]
        columns.append((label, "#dcfce7" if name == "output" else "#f3f4f6", bias_texts))
    tallest = max(len(texts) for _, _, texts in columns)
    dx, dy = (2.2, 0.8) if show_weights else (1.6, 0.6)
    if any(numbered):  # room between the circles for the column of numbers
        dx = max(dx, 0.6 * (max(len(layer) for layer, shown in zip(weights, numbered) if shown) + 1))
    radius = (0.6 if show_weights else 0.45) / 2
    tops = [(len(texts) - 1) / 2 * dy for _, _, texts in columns]
    for c, (label, fill, texts) in enumerate(columns):
        top = (len(texts) - 1) / 2 * dy
        dot.node(
            f"title{c}",
            label=escape_plain(label),
            shape="plaintext",
            style="",
            fixedsize="false",
            fontsize="10",
            pos=f"{c * dx:.2f},{(tallest - 1) / 2 * dy + 0.6:.2f}!",
        )
        for j, text in enumerate(texts):
            dot.node(f"L{c}n{j}", label=escape_plain(text), fillcolor=fill, pos=f"{c * dx:.2f},{top - j * dy:.2f}!")
    for k, layer in enumerate(weights):
        for j, row in enumerate(layer):
            for i, w in enumerate(row):
                attrs = {"color": POSITIVE if w >= 0 else NEGATIVE, "penwidth": f"{0.4 + 3.0 * abs(w) / largest:.2f}"}
                if numbered[k]:
                    rise = (tops[k] - i * dy) - (tops[k + 1] - j * dy)
                    distance = _label_distance(dx, rise, radius, len(layer))
                    attrs.update(
                        taillabel=fmt(w, precision),
                        labeldistance=f"{distance:.3f}",
                        labelangle="0",
                        fontcolor=attrs["color"],
                    )
                dot.edge(f"L{k}n{i}", f"L{k + 1}n{j}", **attrs)
    unnumbered = [
        f"{columns[k][0].split(chr(10))[0]} → {columns[k + 1][0].split(chr(10))[0]}"
        for k in range(len(layers))
        if show_weights and not numbered[k]
    ]
    dot.node(
        "legend",
        label=_legend(largest, precision, unnumbered),
        shape="plaintext",
        style="",
        fixedsize="false",
        fontsize="9",
        pos=f"{len(layers) * dx / 2:.2f},{-(tallest - 1) / 2 * dy - 0.9:.2f}!",
    )
    return dot


def _label_distance(dx: float, rise: float, radius: float, nout: int) -> float:
    """labeldistance putting a weight's tail label on its edge, 1/(nout + 1) of the way across.

    Edge i -> j's point at t = 1/(nout + 1) has height (1 - t) y_i + t y_j: for every i, j
    those heights differ by multiples of dy/(nout + 1), so the labels stand in one column,
    evenly spaced, none on another. Graphviz puts a tail label 10 points x labeldistance
    from where the edge leaves the circle.
    """
    t = 1 / (nout + 1)
    length = (dx * dx + rise * rise) ** 0.5 * 72  # points
    return (t * length - radius * 72) / 10


def _legend(largest: float, precision: int, unnumbered: list[str]) -> str:
    """An HTML-like table: what the edge colours and widths mean (bars, no glyphs that need a font)."""

    def bar(color: str, width: float) -> str:
        return f'<TD FIXEDSIZE="TRUE" CELLPADDING="0" WIDTH="36" HEIGHT="{width}" BGCOLOR="{color}"></TD>'

    rows = [
        f"<TR>{bar(POSITIVE, 4)}<TD ALIGN='LEFT'>weight &gt; 0</TD>{bar(NEGATIVE, 4)}"
        f"<TD ALIGN='LEFT'>weight &lt; 0</TD></TR>",
        f"<TR>{bar('#6b7280', 1)}<TD ALIGN='LEFT'>small |weight|</TD>{bar('#6b7280', 5)}"
        f"<TD ALIGN='LEFT'>|weight| = {html.escape(fmt(largest, precision))} (the largest)</TD></TR>",
    ]
    if unnumbered:
        note = html.escape(", ".join(unnumbered))
        rows.append(
            f"<TR><TD COLSPAN='4' ALIGN='LEFT'>{note}: too many weights to write; colour and width only</TD></TR>"
        )
    return "<<TABLE BORDER='0' CELLSPACING='4' CELLPADDING='1'>" + "".join(rows) + "</TABLE>>"
