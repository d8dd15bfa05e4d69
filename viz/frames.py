"""Backprop step by step: one picture per backward step, and a slideshow to show them.

The step gradients are computed here, from the op table's local derivatives,
in a private list: the Values' own ``.grad`` are never read or written.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import graphviz

from .graph import (
    KIND_STYLE,
    PRECISION,
    Analysis,
    check_precision,
    edge_keys,
    edge_text,
    emit,
    escape_plain,
    fmt,
    new_digraph,
    op_text,
    record,
    value_fields,
)
from .render import Drawing, GraphvizNotFound, inline_svg, install_advice, pipe

if TYPE_CHECKING:
    from autodiff import Value

__all__ = ["backprop_frames", "save_frames"]

CURRENT = {"color": "#dc2626", "penwidth": "3"}  # the node whose gradient is being passed back
WRITTEN = {"fillcolor": "#fde047"}  # gradients written in this step
ACTIVE_EDGE = {"color": "#dc2626", "fontcolor": "#dc2626", "penwidth": "2"}


def backprop_frames(
    root: Value, *, rankdir: str = "LR", precision: int = PRECISION, max_nodes: int = 200
) -> list[graphviz.Digraph]:
    """One Digraph per step of backward on ``root``: the chain rule, one node at a time.

    Frame 0 seeds the output's grad with 1. Each later frame processes one node
    (outlined in red): its inputs' grads grow by grad × local derivative (written
    on the red edges), and the grads just written are filled yellow. Grads not
    reached yet show "?". A Value used several times shows a partial sum until
    its last use has been processed. Leaves need no step of their own.

    With Graphviz installed, the layout is computed once (from the longest text
    each node, edge and title takes in any frame) and every frame is pinned to
    it: each node in the same place at the same size, every frame the same size,
    so stepping through changes only labels and colours.

    Args:
        root: the output Value (a forward pass done; backward not needed).
        rankdir: as for draw_graph.
        precision: the most significant digits of the numbers shown.
        max_nodes: refuse larger graphs (GraphTooLarge): n nodes make about n frames.
    Returns:
        A list of graphviz.Digraph (PinnedDigraph, drawn with ``neato -n2``, when ``dot``
        is installed), 1 + (number of non-leaf Values) long.

    Example:
        >>> from autodiff import Value
        >>> x = Value(2.0, label="x")
        >>> frames = backprop_frames((x * x).tanh())
        >>> len(frames), x.grad  # x.grad untouched
        (3, 0.0)
    """
    precision = check_precision(precision)
    analysis = Analysis(root, max_nodes)
    order, n = analysis.order, len(analysis.order)
    steps = sum(v.op is not None for v in order)
    grads: list[float | None] = [None] * n  # None: not reached yet ("?")
    grads[-1] = 1.0
    title = f"Backprop, step 0 of {steps}: start at the output, grad = ∂out/∂out = 1"
    specs = [_spec(analysis, grads, rankdir, precision, current=None, written={n - 1}, edge_attrs={}, title=title)]
    step = 0
    for i in reversed(range(n)):
        v = order[i]
        if v.op is None:
            continue
        step += 1
        grad = grads[i]
        if grad is None:  # every node is upstream of the root, so its users came first
            raise RuntimeError(f"backprop_frames: node {i} was reached before its gradient (a bug in viz)")
        # Like backward: no gradient flows through a node whose grad is 0 (its rule is not even evaluated).
        locals_ = analysis.local_grads(i) if grad != 0 else [0.0] * len(v.parents)
        edge_attrs: dict[tuple[int, int | None], dict] = {}
        written = set()
        for slot, (p, local) in enumerate(zip(v.parents, locals_)):
            j = analysis.index[p]
            contribution = grad * local if local is not None else float("nan")
            before = grads[j]
            grads[j] = contribution if before is None else before + contribution
            written.add(j)
            label = edge_text(analysis, i, slot, local, grad, precision, show_grad=True)
            edge_attrs[(i, slot)] = {"label": escape_plain(label), **ACTIVE_EDGE}
        edge_attrs[(i, None)] = dict(ACTIVE_EDGE)
        title = (
            f"Step {step} of {steps}: back through {op_text(v.op, v.arg, precision)}: "
            f"each input's grad += {fmt(grad, precision)} × ∂out/∂input"
        )
        specs.append(
            _spec(analysis, grads, rankdir, precision, current=i, written=written, edge_attrs=edge_attrs, title=title)
        )
    layout = _layout(analysis, specs, rankdir, precision)
    return [_frame(analysis, spec, rankdir, precision, layout) for spec in specs]


def _spec(
    analysis: Analysis,
    grads: Sequence[float | None],
    rankdir: str,
    precision: int,
    *,
    current: int | None,
    written: set[int],
    edge_attrs: dict[tuple[int, int | None], dict[str, Any]],
    title: str,
) -> dict[str, Any]:
    """What one frame shows: node attributes (labels, colours), edge attributes and the title."""
    lr = rankdir in ("LR", "RL")
    node_attrs = []
    for i, v in enumerate(analysis.order):
        fields = value_fields(v, grads[i], analysis.uses[i], show_data=True, show_grad=True, precision=precision)
        attrs = {"label": record(fields, lr), **KIND_STYLE[analysis.kinds[i]]}
        if analysis.uses[i] > 1:
            attrs["peripheries"] = "2"
        if i in written:
            attrs.update(WRITTEN)
        if i == current:
            attrs.update(CURRENT)
        node_attrs.append(attrs)
    return {"nodes": node_attrs, "edges": edge_attrs, "title": title}


def _digraph(
    analysis: Analysis, spec: dict[str, Any], rankdir: str, precision: int, *, engine: str = "dot", **pinned: Any
) -> graphviz.Digraph:
    dot = new_digraph("backprop_step", rankdir, label=escape_plain(spec["title"]), labelloc="t", fontsize="14")
    dot.engine = engine
    return emit(analysis, dot, spec["nodes"], spec["edges"], precision, **pinned)


def _layout(analysis: Analysis, specs: list[dict[str, Any]], rankdir: str, precision: int) -> dict[str, Any] | None:
    """One dot layout for every frame, or None without Graphviz (the frames are then laid out one by one).

    The layout is made from a frame holding, for every node, edge and the title,
    its longest text over all frames, so that every frame's text fits.
    """
    if shutil.which("dot") is None:
        return None
    widest = {
        "nodes": [
            dict(max((s["nodes"][i] for s in specs), key=lambda a: len(a["label"])))
            for i in range(len(specs[0]["nodes"]))
        ],
        "edges": {},
        "title": max((s["title"] for s in specs), key=len),
    }
    for spec in specs:
        for key, attrs in spec["edges"].items():
            if len(attrs.get("label", "")) >= len(widest["edges"].get(key, {}).get("label", "")):
                widest["edges"][key] = attrs
    try:
        laid = json.loads(_digraph(analysis, widest, rankdir, precision).pipe(format="json"))
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError):
        return None
    objects = {obj["_gvid"]: obj for obj in laid.get("objects", [])}
    nodes, clusters = {}, {}
    for obj in objects.values():
        if "bb" in obj:
            clusters[obj["name"]] = {key: obj[key] for key in ("bb", "lp", "lwidth", "lheight") if key in obj}
        elif "pos" in obj:
            nodes[obj["name"]] = {
                "pos": obj["pos"],
                "width": obj["width"],
                "height": obj["height"],
                "fixedsize": "true",
            }
    edges = {}
    for key, edge in zip(edge_keys(analysis), sorted(laid.get("edges", []), key=lambda e: e["_gvid"])):
        edges[key] = {"pos": edge["pos"], **({"lp": edge["lp"]} if "lp" in edge else {})}
    return {"bb": laid["bb"], "lp": laid.get("lp"), "nodes": nodes, "clusters": clusters, "edges": edges}


def _frame(
    analysis: Analysis, spec: dict[str, Any], rankdir: str, precision: int, layout: dict[str, Any] | None
) -> graphviz.Digraph:
    """One frame's Digraph; with a layout, every node and edge pinned where the layout put it."""
    if layout is None:
        return _digraph(analysis, spec, rankdir, precision)
    nodes = [{**attrs, **layout["nodes"][f"v{i}"]} for i, attrs in enumerate(spec["nodes"])]
    edges = {}
    for key, where in layout["edges"].items():
        attrs = spec["edges"].get(key, {})
        edges[key] = {
            **attrs,
            "pos": where["pos"],
            **({"lp": where["lp"]} if "lp" in where and "label" in attrs else {}),
        }
    ops = {int(name[2:]): where for name, where in layout["nodes"].items() if name.startswith("op")}
    dot = _digraph(
        analysis,
        {**spec, "nodes": nodes, "edges": edges},
        rankdir,
        precision,
        engine="neato",
        op_node_attrs=ops,
        cluster_attrs=layout["clusters"],
    )
    dot.graph_attr.update(bb=layout["bb"], **({"lp": layout["lp"]} if layout["lp"] else {}))
    return PinnedDigraph.of(dot)


class PinnedDigraph(Drawing):
    """A Digraph whose every node and edge has its position already: rendered with ``neato -n2``.

    Rendering it anywhere (viz.render, save_frames, Jupyter) keeps those positions.
    """

    @classmethod
    def of(cls, dot: graphviz.Digraph) -> PinnedDigraph:
        pinned = cls(
            dot.name, graph_attr=dot.graph_attr, node_attr=dot.node_attr, edge_attr=dot.edge_attr, engine="neato"
        )
        pinned.body = list(dot.body)
        return pinned

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int = 2,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> Any:
        return super().pipe(format, renderer, formatter, neato_no_op, quiet, engine=engine, encoding=encoding)

    def render(self, *args: Any, neato_no_op: bool | int = 2, **kwargs: Any) -> Any:
        return super().render(*args, neato_no_op=neato_no_op, **kwargs)


# ---------------------------------------------------------------- saving
def save_frames(
    frames: Iterable[graphviz.Digraph],
    path: str | os.PathLike[str],
    *,
    format: str = "svg",
    title: str = "Backprop, step by step",
) -> Path | list[Path]:
    """Save frames as numbered files in a folder, or as one self-contained HTML slideshow.

    Args:
        frames: a list of graphviz.Digraph (e.g. from backprop_frames).
        path: a folder (created; files frame_000.svg, ...) or a file ending in .html
            (inline SVGs; arrow keys, space and buttons step through; no server, no internet).
        format: "svg" or "png" for a folder.
        title: the HTML page title.
    Returns:
        The .html Path, or the list of file Paths written into the folder.
    Raises:
        GraphvizNotFound: dot is missing; the frames' .gv sources are saved first
            (into the folder, or for .html into a folder named like the file).

    Example:
        >>> import viz, tempfile, os
        >>> from autodiff import Value
        >>> html_path = os.path.join(tempfile.mkdtemp(), "backprop.html")
        >>> viz.save_frames(viz.backprop_frames(Value(3.0) * 2), html_path).name  # doctest: +SKIP
        'backprop.html'
    """
    frames = list(frames)
    if not frames:
        raise ValueError("save_frames: no frames to save")
    bad = next((f for f in frames if not isinstance(f, graphviz.Digraph)), None)
    if bad is not None:
        raise TypeError(
            f"save_frames: frames must be graphviz Digraphs (from backprop_frames), got {type(bad).__name__}"
        )
    path = Path(path)
    width = max(3, len(str(len(frames) - 1)))
    names = [f"frame_{k:0{width}d}" for k in range(len(frames))]
    as_html = path.suffix.lower() == ".html"
    if not as_html and format not in ("svg", "png"):
        raise ValueError(f"save_frames: format must be 'svg' or 'png', got {format!r}")
    try:
        images = [pipe(frame, "svg" if as_html else format) for frame in frames]
    except GraphvizNotFound:
        folder = path.with_name(path.stem + "_frames") if as_html else path
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in zip(names, frames):
            (folder / f"{name}.gv").write_text(frame.source, encoding="utf-8")
        raise GraphvizNotFound(install_advice(f"{folder}/ (one .gv per frame)")) from None
    if as_html:
        path.parent.mkdir(parents=True, exist_ok=True)
        svgs = [_inline_svg(image.decode("utf-8"), k) for k, image in enumerate(images)]
        path.write_text(slideshow_html(svgs, title), encoding="utf-8")
        return path
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for name, image in zip(names, images):
        written.append(path / f"{name}.{format}")
        written[-1].write_bytes(image)
    return written


def frame_svgs(frames: Iterable[graphviz.Digraph], prefix: str = "f") -> list[str]:
    """Each frame rendered to SVG text fit to sit inside HTML (ids unique per frame); needs Graphviz dot.

    Args:
        frames: Digraphs, e.g. from backprop_frames.
        prefix: starts every id, so that several slideshows can share one page.
    Returns:
        A list of strings, each one ``<svg ...>...</svg>``.
    """
    return [_inline_svg(pipe(frame, "svg").decode("utf-8"), k, prefix) for k, frame in enumerate(frames)]


def _inline_svg(svg: str, k: int, prefix: str = "f") -> str:
    """Frame k's SVG fit to sit inside HTML, its ids unique to the frame."""
    return inline_svg(svg, f"{prefix}{k}_")


def slideshow_html(svgs: Sequence[str], title: str) -> str:
    """A standalone HTML page stepping through ``svgs`` (strings of inline SVG)."""
    slides = "\n".join(
        f'<div class="frame" id="frame{k}"{"" if k == 0 else " hidden"}>\n{svg}\n</div>' for k, svg in enumerate(svgs)
    )
    return _PAGE.format(title=html.escape(title), count=len(svgs), slides=slides)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 0; }}
  .bar {{ position: sticky; top: 0; background: #f3f4f6; padding: 8px; text-align: center; }}
  .bar button {{ font-size: 16px; margin: 0 4px; padding: 4px 12px; }}
  #counter {{ display: inline-block; min-width: 6em; font-size: 16px; }}
  .frame {{ padding: 12px; text-align: center; }}
  .frame svg {{ width: 100%; height: auto; max-height: calc(100vh - 110px); }}
  .hint {{ color: #6b7280; font-size: 12px; }}
</style>
</head>
<body>
<div class="bar">
  <button id="first" title="first (Home)">|&lt; first</button>
  <button id="prev" title="previous (left arrow)">&lt; prev</button>
  <span id="counter">1 / {count}</span>
  <button id="next" title="next (right arrow, space)">next &gt;</button>
  <button id="last" title="last (End)">last &gt;|</button>
  <div class="hint">{title} &middot; keys: &larr; &rarr; space Home End</div>
</div>
{slides}
<script>
(function () {{
  var frames = document.querySelectorAll(".frame");
  var current = 0;
  function show(k) {{
    current = Math.max(0, Math.min(frames.length - 1, k));
    for (var i = 0; i < frames.length; i++) {{ frames[i].hidden = (i !== current); }}
    document.getElementById("counter").textContent = (current + 1) + " / " + frames.length;
    if (history.replaceState) {{ history.replaceState(null, "", "#" + (current + 1)); }}
  }}
  document.getElementById("first").onclick = function () {{ show(0); }};
  document.getElementById("prev").onclick = function () {{ show(current - 1); }};
  document.getElementById("next").onclick = function () {{ show(current + 1); }};
  document.getElementById("last").onclick = function () {{ show(frames.length - 1); }};
  document.addEventListener("keydown", function (e) {{
    var moves = {{ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1}};
    if (e.key in moves) {{ show(current + moves[e.key]); e.preventDefault(); }}
    else if (e.key === "Home") {{ show(0); e.preventDefault(); }}
    else if (e.key === "End") {{ show(frames.length - 1); e.preventDefault(); }}
  }});
  var start = parseInt(location.hash.slice(1), 10);
  show(isNaN(start) ? 0 : start - 1);
}})();
</script>
</body>
</html>
"""
