"""backprop_frames and save_frames: the chain rule one step at a time, and the slideshow."""

import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser

import pytest
from viz_helpers import needs_dot, shared, tanh_neuron

import autodiff
import nn
import viz
from autodiff import Value


def _grads_shown(frame):
    """{node id: the grad text} of a frame."""
    return dict(re.findall(r'\t(v\d+) \[label="\{[^"]*?grad ([^ "}]+)', frame.source))


def _node_line(frame, node_id):
    return next(line for line in frame.source.splitlines() if line.startswith(f"\t{node_id} "))


def test_one_frame_per_step_from_all_unknown_to_backwards_result():
    o, values = tanh_neuron()
    expected = {f"v{i}": viz.graph.fmt(v.grad, 4) for i, v in enumerate(autodiff.topological_order(o))}
    autodiff.zero_grad(o)
    frames = viz.backprop_frames(o)
    assert len(frames) == 1 + 5  # the seed, then one step per op node (2 ×, 2 +, tanh)
    first, last = _grads_shown(frames[0]), _grads_shown(frames[-1])
    assert first["v9"] == "1" and sum(text == "?" for text in first.values()) == 9
    assert last == expected  # the last frame shows exactly what backward computes
    assert all(v.grad == 0.0 for v in autodiff.nodes(o))  # the user's grads were never touched


def test_current_node_outlined_and_written_grads_highlighted():
    o, _ = tanh_neuron()
    step1 = viz.backprop_frames(o)[1]  # back through tanh: o (v9) is current, n (v8) just written
    assert 'color="#dc2626"' in _node_line(step1, "v9") and "penwidth=3" in _node_line(step1, "v9")
    assert 'fillcolor="#fde047"' in _node_line(step1, "v8")
    assert 'fillcolor="#fde047"' not in _node_line(step1, "v7")
    assert "grad ?" in _node_line(step1, "v7")
    assert "Step 1 of 5: back through tanh" in step1.source
    assert re.search(r'v8 -> op9 \[label="∂o/∂n = 0.5\\n1 × 0.5 = 0.5"', step1.source)


def test_a_shared_node_shows_its_partial_sums():
    y, x = shared()  # y = x*x + x; steps: the sum (x gets 1), then the product (x gets 1 + 3 + 3)
    frames = viz.backprop_frames(y)
    assert [_grads_shown(f)["v0"] for f in frames] == ["?", "1", "7"]


def test_frames_refuse_big_graphs():
    x = Value(1.0)
    for _ in range(300):
        x = x * 1.0
    with pytest.raises(viz.GraphTooLarge):
        viz.backprop_frames(x)


class _Counter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = {}
        self.frames = 0

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if ("class", "frame") in attrs:
            self.frames += 1


@needs_dot
def test_html_slideshow_holds_one_svg_per_frame(tmp_path):
    frames = viz.backprop_frames(tanh_neuron()[0])
    page = viz.save_frames(frames, tmp_path / "backprop.html").read_text(encoding="utf-8")
    parser = _Counter()
    parser.feed(page)
    parser.close()
    assert parser.tags["svg"] == page.count("<svg") == len(frames) == parser.frames
    assert parser.tags["button"] == 4 and parser.tags["script"] == 1
    assert "ArrowRight" in page and "ArrowLeft" in page
    assert "<?xml" not in page  # the SVGs are inlined, not files
    # self-contained: nothing to fetch (the xmlns URIs are names, not downloads)
    assert not re.search(r'(src|href)="(https?:)?//', page) and "<link" not in page
    assert len(set(re.findall(r'id="([^"]+)"', page))) == len(re.findall(r'id="([^"]+)"', page))  # unique ids


@needs_dot
@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG")])
def test_frames_into_a_folder(tmp_path, fmt, magic):
    frames = viz.backprop_frames(shared()[0])
    written = viz.save_frames(frames, tmp_path / "steps", format=fmt)
    assert [p.name for p in written] == [f"frame_{k:03d}.{fmt}" for k in range(3)]
    assert all(p.read_bytes().startswith(magic) for p in written)


def test_frames_without_dot_keep_the_sources(tmp_path, no_dot):
    frames = viz.backprop_frames(shared()[0])
    with pytest.raises(viz.GraphvizNotFound, match="apt-get install graphviz"):
        viz.save_frames(frames, tmp_path / "backprop.html")
    saved = sorted((tmp_path / "backprop_frames").glob("*.gv"))
    assert [p.read_text(encoding="utf-8") for p in saved] == [f.source for f in frames]


def test_save_frames_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="no frames"):
        viz.save_frames([], tmp_path / "x.html")
    with pytest.raises(ValueError, match="svg"):
        viz.save_frames(viz.backprop_frames(shared()[0]), tmp_path / "out", format="gif")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@needs_dot
@pytest.mark.skipif(CHROMIUM is None, reason="headless chromium is not installed")
def test_slideshow_runs_in_headless_chromium(tmp_path):
    frames = viz.backprop_frames(shared()[0])
    page = viz.save_frames(frames, tmp_path / "backprop.html")
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--dump-dom",
                f"{page.as_uri()}#2",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    # the script ran: it read #2 from the address, showed frame 2 of 3 and hid the others
    assert '<span id="counter">2 / 3</span>' in dom
    assert re.search(r'<div class="frame" id="frame1">', dom)
    assert re.search(r'<div class="frame" id="frame0" hidden="', dom)


# ---------------------------------------------------------------- one layout for every frame
def _svg_geometry(svg: str):
    """(width, height, {node/edge title: its shape's coordinates}) of a Graphviz SVG."""
    size = re.search(r'<svg width="([^"]+)" height="([^"]+)"', svg).groups()
    shapes = {}
    for title, body in re.findall(r'<g id="[^"]*" class="(?:node|edge)">\s*<title>([^<]+)</title>(.*?)</g>', svg, re.S):
        shapes[title] = re.findall(r'(?:points|d)="([^"]+)"', body)[:1]
    return size, shapes


def _mlp_output():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    return model([Value(1.0, label="x1"), Value(-2.0, label="x2")])[0]


@needs_dot
@pytest.mark.parametrize("make", [lambda: tanh_neuron()[0], _mlp_output])
def test_every_frame_has_the_same_size_and_every_node_stays_in_place(make):
    frames = viz.backprop_frames(make())
    geometry = [_svg_geometry(svg) for svg in viz.frames.frame_svgs(frames)]
    sizes = {size for size, _ in geometry}
    assert len(sizes) == 1, f"the frames change size: {sizes}"
    first = geometry[0][1]
    nodes = [name for name in first if "->" not in name]
    assert len(nodes) >= 10
    for _, shapes in geometry[1:]:
        assert {name: shapes[name] for name in nodes} == {name: first[name] for name in nodes}


@needs_dot
def test_pinned_frames_keep_their_labels_and_the_chain_rule(tmp_path):
    o, _ = tanh_neuron()
    frames = viz.backprop_frames(o)
    svg = viz.render(frames[-1], tmp_path / "last.svg").read_text(encoding="utf-8")
    assert "grad &#45;1.5" in svg and "grad ?" not in svg  # x1's grad, computed by the frames
    assert "∂(x1*w1)/∂x1 = &#45;3" in svg


@needs_dot
def test_slideshow_buttons_are_plain_text_and_the_graph_fills_the_width(tmp_path):
    page = viz.save_frames(viz.backprop_frames(shared()[0]), tmp_path / "b.html").read_text(encoding="utf-8")
    buttons = re.findall(r"<button[^>]*>([^<]*)</button>", page)
    assert buttons == ["|&lt; first", "&lt; prev", "next &gt;", "last &gt;|"]
    assert all(text.isascii() for text in buttons)  # no glyphs a missing font would show as boxes
    assert ".frame svg { width: 100%; height: auto;" in page


# ---------------------------------------------------------------- the notebook slider
@needs_dot
def test_step_through_is_a_slider_over_the_frames():
    pytest.importorskip("ipywidgets")
    o, _ = tanh_neuron()
    widget = viz.step_through(o)
    assert widget.slider.min == 0 and widget.slider.max == 5 and len(widget.svgs) == 6
    assert "grad ?" in widget.view.value and "max-width:100%" in widget.view.value
    assert "step 0 of 5" in widget.view.value
    widget.slider.value = 5
    assert "Step 5 of 5" in widget.view.value and "grad ?" not in widget.view.value


def test_step_through_without_ipywidgets_names_the_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_ipywidgets(name, *args, **kwargs):
        if name == "ipywidgets" or name.startswith("ipywidgets."):
            raise ImportError("No module named 'ipywidgets'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ipywidgets)
    with pytest.raises(ImportError, match=r'pip install "chaingrad\[notebooks\]"'):
        viz.step_through(tanh_neuron()[0])
