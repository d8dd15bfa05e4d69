"""render: a Digraph to .svg / .png / .pdf / .gv, never losing the work when Graphviz is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import graphviz

from autodiff import Value

__all__ = ["render", "GraphvizNotFound", "FORMATS"]

# suffix -> Graphviz output format (None: the DOT source itself, no Graphviz needed)
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".gv": None, ".dot": None}


class GraphvizNotFound(RuntimeError):
    """The Graphviz ``dot`` program is not installed (the Python package alone cannot render)."""


def install_advice(saved) -> str:
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


def pipe(graph: graphviz.Digraph, fmt: str, saved=None) -> bytes:
    """``graph`` rendered to bytes in format ``fmt``; GraphvizNotFound (naming ``saved``) without dot."""
    if shutil.which(graph.engine) is None:
        raise GraphvizNotFound(install_advice(saved))
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFound(install_advice(saved)) from error


def render(graph, path, *, keep_source: bool = False) -> Path:
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
    if FORMATS[suffix] is None:
        path.write_text(graph.source, encoding="utf-8")
        return path
    source = path.with_suffix(".gv")
    if keep_source:
        source.write_text(graph.source, encoding="utf-8")
    try:
        image = pipe(graph, FORMATS[suffix], saved=source)
    except (GraphvizNotFound, graphviz.CalledProcessError):
        source.write_text(graph.source, encoding="utf-8")  # the work is not lost
        raise
    path.write_bytes(image)
    return path
