"""render: formats from the suffix, and a missing Graphviz that loses nothing."""

import pytest
from viz_helpers import needs_dot, tanh_neuron

import viz

MAGIC = {".svg": b"<?xml", ".png": b"\x89PNG", ".pdf": b"%PDF"}


@needs_dot
@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_render_each_format(tmp_path, suffix):
    o, _ = tanh_neuron()
    out = viz.render(viz.draw_graph(o, show_local_grads=True), tmp_path / f"neuron{suffix}")
    assert out == tmp_path / f"neuron{suffix}"
    assert out.read_bytes().startswith(MAGIC[suffix])
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"neuron{suffix}"]  # only the file asked for
    # the source beside it only when asked
    out = viz.render(viz.draw_graph(o, show_local_grads=True), tmp_path / f"kept{suffix}", keep_source=True)
    assert out.read_bytes().startswith(MAGIC[suffix])
    assert (tmp_path / "kept.gv").read_text(encoding="utf-8").startswith("digraph")


@needs_dot
def test_svg_keeps_the_unicode_of_the_chain_rule(tmp_path):
    o, _ = tanh_neuron()
    svg = viz.render(viz.draw_graph(o, show_local_grads=True), tmp_path / "n.svg").read_text(encoding="utf-8")
    assert "∂o/∂n = 0.5" in svg and "×" in svg


@pytest.mark.parametrize("suffix", [".gv", ".dot"])
def test_source_formats_need_no_graphviz(tmp_path, no_dot, suffix):
    o, _ = tanh_neuron()
    out = viz.render(o, tmp_path / f"neuron{suffix}")  # a Value is drawn with draw_graph first
    assert out.read_text(encoding="utf-8") == viz.draw_graph(o).source


def test_missing_dot_saves_the_source_then_raises_with_advice(tmp_path, no_dot):
    o, _ = tanh_neuron()
    graph = viz.draw_graph(o)
    with pytest.raises(viz.GraphvizNotFound) as info:
        viz.render(graph, tmp_path / "out" / "neuron.png")
    assert isinstance(info.value, RuntimeError)
    message = str(info.value)
    for advice in (
        "apt-get install graphviz",
        "brew install graphviz",
        "conda install -c conda-forge graphviz",
        str(tmp_path / "out" / "neuron.gv"),
    ):
        assert advice in message
    assert (tmp_path / "out" / "neuron.gv").read_text(encoding="utf-8") == graph.source
    assert not (tmp_path / "out" / "neuron.png").exists()


def test_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"\.svg"):
        viz.render(viz.draw_graph(tanh_neuron()[0]), tmp_path / "neuron.jpeg")
    with pytest.raises(TypeError):
        viz.render("digraph {}", tmp_path / "x.svg")
