"""draw_graph: the computation graph of a Value, with the chain rule written on it.

A record node per Value (label | data | grad) and a small op node feeding it.
Node ids come from the topological order (``v0`` .. ``v{n-1}``, op nodes
``op{i}``), never from ``id()``: the same graph gives the same DOT text on
every run. All walks are iterative.

Colours used across viz: inputs blue, parameters amber (rounded boxes), the
output green; positive numbers blue, negative red.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import graphviz

import autodiff
from autodiff import Op, Scope, Value

from .render import Drawing

__all__ = ["draw_graph", "GraphTooLarge"]

FONT = "Helvetica"
RANKDIRS = ("LR", "RL", "TB", "BT")

# kind -> node attributes (the defaults: a white record with a dark border)
KIND_STYLE = {
    "input": {"fillcolor": "#dbeafe", "color": "#1e40af"},
    "parameter": {"shape": "Mrecord", "fillcolor": "#fef3c7", "color": "#b45309"},
    "output": {"fillcolor": "#dcfce7", "color": "#166534", "penwidth": "2"},
    "inner": {},
}
# Distinct, colour-blind-friendly-ish colours for highlighted paths (cycled).
PATH_COLORS = ("#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#e377c2", "#8c564b")
POSITIVE, NEGATIVE = "#2563eb", "#dc2626"


class GraphTooLarge(ValueError):
    """The graph has more nodes than the drawing's limit (``max_nodes``)."""


# ---------------------------------------------------------------- text
PRECISION = 6  # significant digits of the numbers drawn, as the notes print them


def fmt(x: float, precision: int = PRECISION) -> str:
    """The shortest form of ``x`` with at most ``precision`` significant digits.

    Args:
        x: the number.
        precision: the most significant digits shown (rounded, trailing zeros dropped).
    Returns:
        The text: "903.75" (not "903.8"), "1687" (not "1687.00"), "-1.5" for -1.4999999999999993.

    Example:
        >>> [fmt(x) for x in (903.75, 1687.0, 9213.25, -1.4999999999999993, 0.70710678, 2e-7)]
        ['903.75', '1687', '9213.25', '-1.5', '0.707107', '2e-07']
        >>> fmt(0.70710678, 4)
        '0.7071'
    """
    if x == 0:
        return "0"  # also -0.0
    return f"{x:.{precision}g}"


def op_text(op: Op, arg: Any, precision: int = PRECISION) -> str:
    """How an op node reads: "tanh", "** 2", "× 0.5", and "− 1" for x - 1 (not "+-1").

    Example:
        >>> from autodiff import get_op
        >>> op_text(get_op("add_const"), -1.0), op_text(get_op("add_const"), 0.5), op_text(get_op("pow"), 2)
        ('− 1', '+ 0.5', '**2')
    """
    if arg is None or not isinstance(arg, (int, float)) or isinstance(arg, bool):
        return op.describe(arg)
    if op.name == "add_const":
        return f"− {fmt(-arg, precision)}" if math.copysign(1.0, arg) < 0 else f"+ {fmt(arg, precision)}"
    if op.name in ("pow", "mul_const", "div_const"):
        return f"{op.symbol}{fmt(arg, precision)}"
    return op.describe(arg)


def check_precision(precision: Any) -> int:
    """``precision`` if it is a whole number of significant digits from 1 to 17, else ValueError naming it."""
    if isinstance(precision, bool) or not isinstance(precision, int) or not 1 <= precision <= 17:
        raise ValueError(f"precision must be a whole number of digits from 1 to 17, got {precision!r}"[:200])
    return precision


def _drawable(text: str) -> str:
    """``text`` if a picture can show it; ValueError naming the label for a NUL, a lone surrogate or a
    noncharacter (U+FFFE, U+FFFF, ...), which Graphviz and SVG files cannot carry."""
    for char in text:
        code = ord(char)
        if code == 0 or 0xD800 <= code <= 0xDFFF or (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:
            raise ValueError(f"viz: the label {text!r} holds {char!r} (U+{code:04X}), which no picture can show"[:300])
    return text


def escape_record(text: str) -> str:
    r"""Escape one field of a record label: \ | { } < > are special there, & would start an entity
    (so "&amp;" shows as typed); newlines become \n. Text no picture can show is refused."""
    text = _drawable(text).replace("&", "&amp;")
    for char in "\\|{}<>":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def escape_plain(text: str) -> graphviz.quoting.NoHtml:
    r"""A plain (non-record) label: backslashes doubled, & as &amp; (entities show as typed), newlines
    as \n, never read as HTML. Text no picture can show is refused."""
    text = _drawable(text).replace("&", "&amp;")
    return graphviz.nohtml(text.replace("\\", "\\\\").replace("\n", "\\n"))


def record(fields: Sequence[str], horizontal_in_lr: bool) -> graphviz.quoting.NoHtml:
    """Record label from already escaped fields; braces flip the row in LR/RL so fields sit side by side."""
    body = " | ".join(fields) or " "
    return graphviz.nohtml("{" + body + "}" if horizontal_in_lr else body)


# ---------------------------------------------------------------- the walk
def count_nodes(root: Value, limit: int) -> int:
    """Number of Values in ``root``'s graph, but stop counting as soon as it passes ``limit``."""
    return len(autodiff.nodes(root, limit=limit))


def _parameter_type() -> type[Value] | None:
    """nn.Parameter, or None if nn is absent or broken (drawing must not depend on nn)."""
    try:
        from nn import Parameter
    except Exception:  # noqa: BLE001 - any failure in nn only costs the parameter styling
        return None
    return Parameter


class Analysis:
    """One walk over ``root``'s graph, shared by draw_graph and backprop_frames.

    Attributes:
        order: the Values, inputs first, root last; ``order[i]`` is drawn as ``v{i}``.
        index: {Value: i}.
        uses: uses[i] = number of edges along which order[i] receives gradient.
        kinds: "input", "parameter", "output" or "inner" per node.
    """

    def __init__(self, root: Value, max_nodes: int) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"expected an autodiff Value to draw, got {type(root).__name__}: {root!r}"[:200])
        size = count_nodes(root, max_nodes)
        if size > max_nodes:
            raise GraphTooLarge(
                f"this graph has more than max_nodes={max_nodes} Values (counting stopped at {size}); "
                f"Graphviz would take minutes to lay it out and nobody could read it. Draw less: pass an "
                f"intermediate Value (one neuron's output, one sample's loss) as the root, use a smaller "
                f"model or batch, or raise max_nodes if you really want it all."
            )
        self.root = root
        self.order = autodiff.topological_order(root)
        self.index = {v: i for i, v in enumerate(self.order)}
        self.uses = [0] * len(self.order)
        for v in self.order:
            for p in v.parents:
                self.uses[self.index[p]] += 1
        self.scopes = self._home_scopes()
        parameter = _parameter_type()
        last = len(self.order) - 1
        self.kinds = [
            "output"
            if i == last
            else "parameter"
            if parameter is not None and isinstance(v, parameter)
            else "input"
            if v.op is None
            else "inner"
            for i, v in enumerate(self.order)
        ]

    def _home_scopes(self) -> list[Scope | None]:
        """The cluster of each node: its scope; a scope-less leaf used only inside one scope joins it.

        That puts a neuron's weights and bias (made when the model was built, outside any
        scope) inside the neuron's cluster, while inputs shared by several neurons stay outside.
        """
        scopes = [v.scope for v in self.order]
        consumers: dict[int, set] = {}  # leaf index -> the set of scopes that use it
        for v in self.order:
            for p in v.parents:
                j = self.index[p]
                if p.op is None and scopes[j] is None:
                    consumers.setdefault(j, set()).add(v.scope)
        for j, used_in in consumers.items():
            if len(used_in) == 1:
                scopes[j] = next(iter(used_in))
        return scopes

    def local_grads(self, i: int) -> list[float | None]:
        """d(order[i]) / d(parent) for each parent slot, from the op table; None where undefined."""
        v = self.order[i]
        try:
            return [float(d) for d in v.op.local_grads([p.data for p in v.parents], v.data, v.arg)]
        except (ArithmeticError, ValueError):
            return [None] * len(v.parents)

    def on_paths_from(self, source: Value) -> list[bool]:
        """on[i] is True when order[i] lies on a path from ``source`` to the root."""
        on = [False] * len(self.order)
        on[self.index[source]] = True
        for i, v in enumerate(self.order):  # topological: parents are decided before children
            if not on[i]:
                on[i] = any(on[self.index[p]] for p in v.parents)
        return on


# ---------------------------------------------------------------- building the Digraph
def new_digraph(name: str, rankdir: str, **graph_attr: Any) -> graphviz.Digraph:
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    return Drawing(
        name,
        graph_attr={"rankdir": rankdir, "fontname": FONT, **graph_attr},
        node_attr={"shape": "record", "style": "filled", "fillcolor": "white", "fontname": FONT, "fontsize": "11"},
        edge_attr={"fontname": FONT, "fontsize": "10", "color": "#555555", "arrowsize": "0.6"},
    )


def value_fields(
    v: Value, grad: float | None, uses: int, *, show_data: bool, show_grad: bool, precision: int
) -> list[str]:
    """The record fields of one Value: label | data ... | grad ... ("?" when grad is None)."""
    fields = [escape_record(v.label)] if v.label else []
    if show_data:
        fields.append(f"data {fmt(v.data, precision)}")
    if show_grad:
        shown = "?" if grad is None else fmt(grad, precision)
        fields.append(f"grad {shown}" + (f" (Σ {uses} paths)" if uses > 1 else ""))
    return fields


def op_attrs(v: Value, precision: int = PRECISION) -> dict[str, Any]:
    assert v.op is not None  # (drawn for op nodes only)
    return {
        "label": escape_plain(op_text(v.op, v.arg, precision)),
        "shape": "ellipse",
        "fillcolor": "#f3f4f6",
        "fontsize": "10",
        "width": "0.3",
        "height": "0.3",
        "margin": "0.04,0.02",
    }


def edge_keys(analysis: Analysis) -> list[tuple[int, int | None]]:
    """The edges in the order emit adds them: (i, slot) for parent slot -> ``op{i}``, then (i, None) for -> ``v{i}``."""
    keys: list[tuple[int, int | None]] = []
    for i, v in enumerate(analysis.order):
        if v.op is not None:
            keys.extend((i, slot) for slot in range(len(v.parents)))
            keys.append((i, None))
    return keys


def emit(
    analysis: Analysis,
    dot: graphviz.Digraph,
    node_attrs: Sequence[dict[str, Any]],
    edge_attrs: dict[tuple[int, int | None], dict[str, Any]],
    precision: int = PRECISION,
    op_node_attrs: dict[int, dict[str, Any]] | None = None,
    cluster_attrs: dict[str, dict[str, Any]] | None = None,
) -> graphviz.Digraph:
    """Add every node (inside nested scope clusters) and edge to ``dot``.

    Args:
        node_attrs: per node i, the attributes of ``v{i}`` (its label included).
        edge_attrs: {(i, slot): attributes} for the edge from parent slot of order[i] to ``op{i}``,
            and {(i, None): attributes} for the edge ``op{i}`` -> ``v{i}``.
        op_node_attrs: {i: extra attributes of ``op{i}``} (a pinned layout's positions).
        cluster_attrs: {cluster name: extra graph attributes} (a pinned layout's boxes).
    """
    op_node_attrs, cluster_attrs = op_node_attrs or {}, cluster_attrs or {}
    containers: dict[Scope | None, graphviz.Digraph] = {None: dot}
    clusters: list = []  # scopes in order of first appearance (ancestors first)
    for i, v in enumerate(analysis.order):
        scope = analysis.scopes[i]
        for s in scope.path() if scope is not None else ():
            if s not in containers:
                name = f"cluster_{len(clusters)}"
                containers[s] = graphviz.Digraph(
                    name,
                    graph_attr={
                        "label": escape_plain(s.name),
                        "labeljust": "l",
                        "style": "rounded,dashed",
                        "color": "#9ca3af",
                        "fontcolor": "#4b5563",
                        "fontsize": "10",
                        **cluster_attrs.get(name, {}),
                    },
                )
                clusters.append(s)
        box = containers[scope]
        box.node(f"v{i}", **node_attrs[i])
        if v.op is not None:
            box.node(f"op{i}", **{**op_attrs(v, precision), **op_node_attrs.get(i, {})})
    # Attach the innermost clusters first: subgraph() copies the body as it is at the time of the call.
    for s in sorted(clusters, key=lambda s: -len(s.path())):
        containers[s.parent].subgraph(containers[s])
    for i, slot in edge_keys(analysis):
        if slot is None:
            dot.edge(f"op{i}", f"v{i}", **edge_attrs.get((i, None), {}))
        else:
            parent = analysis.order[i].parents[slot]
            dot.edge(f"v{analysis.index[parent]}", f"op{i}", **edge_attrs.get((i, slot), {}))
    return dot


def _blend(color: str, t: float) -> str:
    """White blended towards ``color`` (#rrggbb) by t in [0, 1]."""
    rgb = [int(color[k : k + 2], 16) for k in (1, 3, 5)]
    return "#" + "".join(f"{round(255 + (c - 255) * t):02x}" for c in rgb)


def grad_fill(grad: float, largest: float) -> dict[str, str]:
    """Fill by the sign (blue +, red -) and size (relative to the largest |grad|) of a gradient."""
    if grad == 0 or largest == 0:
        return {"fillcolor": "white"}
    t = 0.15 + 0.85 * abs(grad) / largest
    attrs = {"fillcolor": _blend(POSITIVE if grad > 0 else NEGATIVE, t)}
    if t > 0.6:
        attrs["fontcolor"] = "white"
    return attrs


def edge_text(
    analysis: Analysis,
    i: int,
    slot: int,
    local: float | None,
    grad: float | None,
    precision: int,
    *,
    show_grad: bool,
) -> str:
    """The chain rule on one edge: ∂out/∂in = local, and grad × local = contribution."""
    v, p = analysis.order[i], analysis.order[i].parents[slot]
    out_name, in_name = _symbol(v.label, "out"), _symbol(p.label, "in")
    if local is None:
        return f"∂{out_name}/∂{in_name} undefined"
    text = f"∂{out_name}/∂{in_name} = {fmt(local, precision)}"
    if show_grad and grad is not None:
        text += f"\n{fmt(grad, precision)} × {fmt(local, precision)} = {fmt(grad * local, precision)}"
    return text


def _symbol(label: str, default: str) -> str:
    """A label fit to follow ∂: "w1" as is, "x1*w1" in parentheses, "" as ``default``."""
    if not label:
        return default
    return label if label.replace("_", "a").isalnum() else f"({label})"


def _highlight_list(highlight: Value | Iterable[Value] | None, analysis: Analysis) -> list[Value]:
    if highlight is None:
        return []
    sources = [highlight] if isinstance(highlight, Value) else list(highlight)
    for source in sources:
        if not isinstance(source, Value):
            raise TypeError(f"highlight takes a Value or a list of Values, got {type(source).__name__}")
        if source not in analysis.index:
            raise ValueError(f"highlight: {source!r} is not part of the drawn graph (the root does not depend on it)")
    return sources


def draw_graph(
    root: Value,
    *,
    rankdir: str = "LR",
    show_data: bool = True,
    show_grad: bool = True,
    show_local_grads: bool = False,
    highlight: Value | Iterable[Value] | None = None,
    color_by_grad: bool = False,
    max_nodes: int = 2000,
    precision: int = PRECISION,
) -> graphviz.Digraph:
    """The computation graph of ``root`` as a graphviz Digraph (renders inline in Jupyter).

    Args:
        root: the Value to draw, with everything it depends on.
        rankdir: "LR" (inputs left), "TB", "RL" or "BT".
        show_data, show_grad: put data / grad in each node.
        show_local_grads: write on each edge the local derivative ∂out/∂in and the
            contribution grad × ∂out/∂in (the chain rule); taken from the op table.
        highlight: a Value or list of Values; every path from each to the root gets its own colour.
        color_by_grad: fill nodes by the sign (blue +, red -) and size of their grad.
        max_nodes: refuse (GraphTooLarge, at once) graphs with more Values than this.
        precision: the most significant digits of the numbers shown (903.75, 1687, 9213.25).
    Returns:
        graphviz.Digraph; ``.source`` is the DOT text, ``viz.render(g, "g.svg")`` writes a file.
    Raises:
        GraphTooLarge: the graph has more than max_nodes Values.

    Nodes with a double border receive gradient along several paths: their grad is a sum.

    Example:
        >>> from autodiff import Value
        >>> x = Value(2.0, label="x")
        >>> y = (x * 3).tanh(); y.label = "y"
        >>> y.backward()
        >>> g = draw_graph(y, show_local_grads=True)
        >>> "∂y/∂in" in g.source
        True
    """
    precision = check_precision(precision)
    analysis = Analysis(root, max_nodes)
    order, lr = analysis.order, rankdir in ("LR", "RL")
    dot = new_digraph("computation_graph", rankdir)
    largest = max(abs(v.grad) for v in order)
    node_attrs = []
    for i, v in enumerate(order):
        fields = value_fields(
            v, v.grad, analysis.uses[i], show_data=show_data, show_grad=show_grad, precision=precision
        )
        attrs = {"label": record(fields, lr), **KIND_STYLE[analysis.kinds[i]]}
        if analysis.uses[i] > 1:
            attrs["peripheries"] = "2"
        if color_by_grad:
            attrs.update(grad_fill(v.grad, largest))
        node_attrs.append(attrs)
    edge_attrs: dict[tuple[int, int | None], dict] = {}
    if show_local_grads:
        for i, v in enumerate(order):
            if v.op is not None:
                for slot, local in enumerate(analysis.local_grads(i)):
                    edge_attrs[(i, slot)] = {
                        "label": escape_plain(
                            edge_text(analysis, i, slot, local, v.grad, precision, show_grad=show_grad)
                        )
                    }
    outlined = set()  # a node on several highlighted paths keeps the first path's colour
    for k, source in enumerate(_highlight_list(highlight, analysis)):
        color = PATH_COLORS[k % len(PATH_COLORS)]
        on = analysis.on_paths_from(source)
        for i, v in enumerate(order):
            if not on[i]:
                continue
            if i not in outlined:
                node_attrs[i].update(color=color, penwidth="2.5")
                outlined.add(i)
            if v.op is None:
                continue
            for slot, p in enumerate(v.parents):
                if on[analysis.index[p]]:
                    _add_color(edge_attrs.setdefault((i, slot), {}), color)
            _add_color(edge_attrs.setdefault((i, None), {}), color)
    return emit(analysis, dot, node_attrs, edge_attrs, precision)


def _add_color(attrs: dict[str, Any], color: str) -> None:
    """Edges on several highlighted paths get a colour list: Graphviz draws parallel lines."""
    attrs["color"] = f"{attrs['color']}:{color}" if "color" in attrs else color
    attrs["penwidth"] = "2"
