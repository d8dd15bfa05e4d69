"""Drawings on hostile text and arguments: refused clearly before any file is written, or shown verbatim."""

import shutil

import graphviz
import pytest

import viz
from autodiff import Value
from viz.render import inline_svg

HAS_DOT = shutil.which("dot") is not None


@pytest.mark.parametrize("char", ["\x00", "\ufffe", "\uffff", "\ud800", "\udfff", "\ufdd0", "\U0001ffff"])
def test_a_label_no_picture_can_show_is_refused_naming_it(tmp_path, char):
    x = Value(1.0, label=f"x{char}")
    with pytest.raises(ValueError, match="no picture can show"):
        viz.render(viz.draw_graph(x * 2), tmp_path / "g.svg")
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz dot")
def test_html_entities_in_labels_show_verbatim(tmp_path):
    x = Value(1.0, label="a &amp; b &lt;c&gt;")
    svg = viz.render(viz.draw_graph(x * 2), tmp_path / "g.svg").read_text(encoding="utf-8")
    # the text as typed: & escaped once more in the SVG, so a viewer shows "&amp;" and "&lt;"
    assert "a &amp;amp; b &amp;lt;c&amp;gt;" in svg


def test_the_slideshow_id_rewriting_never_touches_label_text():
    svg = '<?xml version="1.0"?><svg><g id="node1"><text>id="x" url(#y) href="#z"</text><use href="#node1"/></g></svg>'
    out = inline_svg(svg, "f3_")
    assert '<g id="f3_node1">' in out and '<use href="#f3_node1"/>' in out
    assert '<text>id="x" url(#y) href="#z"</text>' in out


@pytest.mark.parametrize("precision", [0, 18, 2.5, True, "6", None])
def test_precision_is_validated_naming_it(precision):
    y = Value(2.0) * 3
    with pytest.raises(ValueError, match="precision"):
        viz.draw_graph(y, precision=precision)
    with pytest.raises(ValueError, match="precision"):
        viz.backprop_frames(y, precision=precision)


def test_save_frames_refuses_what_is_not_a_frame(tmp_path):
    with pytest.raises(TypeError, match="Digraph"):
        viz.save_frames(["not a frame"], tmp_path / "f.html")
    with pytest.raises(TypeError, match="Digraph"):
        viz.save_frames([graphviz.Digraph(), 3], tmp_path / "frames")
    assert list(tmp_path.iterdir()) == []
