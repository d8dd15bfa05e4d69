"""render: a Digraph to .svg / .png / .pdf / .gv, never losing the work when Graphviz is missing."""

from __future__ import annotations

import itertools
import os
import re
import shutil
from pathlib import Path
from typing import Any

import graphviz

from autodiff import Value

__all__ = ["render", "GraphvizNotFound", "FORMATS", "Drawing", "inline_svg"]

# suffix -> Graphviz output format (None: the DOT source itself, no Graphviz needed)
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".gv": None, ".dot": None}


class GraphvizNotFound(RuntimeError):
    """The Graphviz ``dot`` program is not installed (the Python package alone cannot render)."""


# Wider than this (in points), a picture in a notebook gets a "full size" view as well as the fitted one.
WIDE = 800
_displays = itertools.count()  # each display's SVG ids get their own prefix: several share one page


class Drawing(graphviz.Digraph):
    """A graphviz.Digraph that a notebook shows scaled to the cell's width, with a full-size view if wide.

    Everything else is graphviz.Digraph's (``.source``, ``.pipe``, ``viz.render``).
    """

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, Any]:
        if include is not None:
            return super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        svg = self.pipe(format="svg", encoding="utf-8")
        bundle = {"image/svg+xml": svg, "text/html": fitted_html(svg, f"d{next(_displays)}_")}
        return {mime: data for mime, data in bundle.items() if mime not in set(exclude or ())}


def fitted_html(svg: str, prefix: str, *, full_size: bool = True) -> str:
    """HTML showing ``svg`` at most as wide as its container (proportions kept); a wide one also full size.

    Args:
        svg: Graphviz's SVG output.
        prefix: starts every id of this copy (ids must be unique on a page).
        full_size: add, for a picture wider than WIDE points, a collapsed full-size view to zoom into.
    Returns:
        The HTML text.

    Example:
        >>> html = fitted_html('<svg width="2000pt" height="100pt" viewBox="0 0 2000 100"></svg>', "a_")
        >>> "max-width:100%" in html and "<details>" in html
        True
    """
    svg = inline_svg(svg, prefix)
    fitted = svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)
    html = f'<div style="max-width:100%">{fitted}</div>'
    width = re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', svg)
    if full_size and width and float(width.group(1)) > WIDE:
        full = inline_svg(svg, prefix + "full_")
        html += (
            "<details><summary>full size (scroll to pan)</summary>"
            f'<div style="overflow:auto;max-height:80vh">{full}</div></details>'
        )
    return html


def inline_svg(svg: str, prefix: str) -> str:
    """An SVG file's text fit to sit inside HTML: no XML prolog, every id (and reference) starting with ``prefix``."""
    svg = svg[svg.index("<svg") :]

    def in_tag(match: re.Match[str]) -> str:  # attributes only: a label's text is never touched
        tag = re.sub(r'\bid="', f'id="{prefix}', match.group(0))
        return re.sub(r"url\(#", f"url(#{prefix}", tag).replace('href="#', f'href="#{prefix}')

    return re.sub(r"<[^>]*>", in_tag, svg)


def install_advice(saved: str | Path | None) -> str:
    where = (
        f"The DOT source was saved to {saved}; render it later with `dot -Tsvg {saved} -o out.svg`. " if saved else ""
    )
    return (
        f"the Graphviz program `dot` was not found on PATH, so nothing could be rendered. {where}"
        "Install Graphviz itself (the pip package `graphviz` is only a wrapper):\n"
        "  Debian/Ubuntu: sudo apt-get install graphviz\n"
        "  macOS:         brew install graphviz\n"
        "  conda:         conda install -c conda-forge graphviz"
    )


def pipe(graph: graphviz.Digraph, fmt: str, saved: str | Path | None = None) -> bytes:
    """``graph`` rendered to bytes in format ``fmt``; GraphvizNotFound (naming ``saved``) without dot."""
    if shutil.which(graph.engine) is None:
        raise GraphvizNotFound(install_advice(saved))
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFound(install_advice(saved)) from error


def render(graph: graphviz.Digraph | Value, path: str | os.PathLike[str], *, keep_source: bool = False) -> Path:
    """Write ``graph`` to ``path``; the format comes from the suffix.

    Only the file asked for is written. The DOT source is also saved, beside
    ``path`` with suffix .gv, when asked (``keep_source=True``) or when Graphviz
    is missing or fails, so that the work is never lost.

    Args:
        graph: a graphviz.Digraph (from draw_graph, draw_network, ...) or a Value (drawn with draw_graph).
        path: ending in .svg, .png, .pdf (rendered with dot) or .gv / .dot (the source only).
        keep_source: also write the .gv source beside a rendered picture.
    Returns:
        The Path written.
    Raises:
        GraphvizNotFound: dot is not installed (the .gv source is saved beside path first).
        ValueError: an unknown suffix.

    Example:
        >>> from autodiff import Value
        >>> import viz, tempfile, os
        >>> out = viz.render(Value(1.0) * 2, os.path.join(tempfile.mkdtemp(), "g.gv"))
        >>> out.read_text().startswith("digraph")
        True
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"render: cannot tell the format of {str(path)!r}; end the path in one of {', '.join(FORMATS)}"
        )
    if isinstance(graph, Value):
        from .graph import draw_graph

        graph = draw_graph(graph)
    if not isinstance(graph, graphviz.Digraph):
        raise TypeError(f"render takes a graphviz.Digraph or a Value, got {type(graph).__name__}")
    path.parent.mkdir(parents=True, exist_ok=True)
    out_format = FORMATS[suffix]
    if out_format is None:
        path.write_text(graph.source, encoding="utf-8")
        return path
    source = path.with_suffix(".gv")
    if keep_source:
        source.write_text(graph.source, encoding="utf-8")
    try:
        image = pipe(graph, out_format, saved=source)
    except (GraphvizNotFound, graphviz.CalledProcessError):
        source.write_text(graph.source, encoding="utf-8")  # the work is not lost
        raise
    path.write_bytes(image)
    return path
