"""draw_network: one edge per weight, coloured by sign, sized by magnitude."""

import html
import re
import subprocess
from types import SimpleNamespace

import pytest
from viz_helpers import needs_dot

import viz

nn = pytest.importorskip("nn", reason="nn is not importable yet")


def _edges(source):
    return re.findall(r"\t(L\d+n\d+) -> (L\d+n\d+) \[([^\]]*)\]", source)


@pytest.mark.parametrize("nin, nouts", [(2, [3, 1]), (3, [5, 4, 2]), (1, [1])])
def test_one_edge_per_weight(nin, nouts):
    model = nn.MLP(nin, nouts, seed=0)
    source = viz.draw_network(model).source
    weights = sum(len(neuron.w) for layer in model.layers for neuron in layer.neurons)
    assert len(_edges(source)) == source.count("->") == weights
    assert len(re.findall(r"\tL\d+n\d+ \[", source)) == nin + sum(nouts)  # a circle per input and neuron


def test_colour_by_sign_and_width_by_magnitude():
    model = nn.MLP(2, [2], activation="linear", seed=0)
    (n0, n1) = model.layers[0].neurons
    n0.w[0].data, n0.w[1].data, n1.w[0].data, n1.w[1].data = 2.0, -1.0, 0.5, -2.0
    edges = {(a, b): attrs for a, b, attrs in _edges(viz.draw_network(model, show_weights=True).source)}
    assert 'color="#2563eb"' in edges[("L0n0", "L1n0")] and "penwidth=3.40" in edges[("L0n0", "L1n0")]  # +2
    assert 'color="#dc2626"' in edges[("L0n1", "L1n0")] and "penwidth=1.90" in edges[("L0n1", "L1n0")]  # -1
    assert "taillabel=-2" in edges[("L0n1", "L1n1")]


def test_columns_are_titled_and_ordered():
    source = viz.draw_network(nn.MLP(3, [4, 2], activation="tanh", seed=1)).source
    assert "label=input" in source and 'label="hidden 1\\n(tanh)"' in source and "output" in source
    ys = [float(y) for y in re.findall(r'\tL0n\d+ \[label=x\d [^\]]*pos="[\d.-]+,([\d.-]+)!"', source)]
    assert len(ys) == 3 and ys == sorted(ys, reverse=True)  # x1 on top, then x2, x3


def test_duck_typed_model_and_size_limit():
    neuron = SimpleNamespace(w=[0.5] * 60, b=0.0)
    model = SimpleNamespace(layers=[SimpleNamespace(neurons=[neuron] * 40)])
    with pytest.raises(viz.GraphTooLarge, match="2400 weights"):
        viz.draw_network(model)
    assert viz.draw_network(model, max_edges=2400).source.count("->") == 2400


# ---------------------------------------------------------------- legible
def _text_boxes(svg: str):
    """(left, right, bottom, top) of every <text> of a Graphviz SVG, its width estimated from its length."""
    boxes = []
    for attrs, text in re.findall(r"<text ([^>]*)>([^<]*)</text>", svg):
        x, y = (
            float(re.search(r'\bx="([-\d.]+)"', attrs).group(1)),
            float(re.search(r'\by="([-\d.]+)"', attrs).group(1)),
        )
        size = float(re.search(r'font-size="([\d.]+)"', attrs).group(1))
        width = 0.55 * size * len(html.unescape(text))
        anchor = re.search(r'text-anchor="(\w+)"', attrs)
        left = (
            x - width / 2
            if anchor and anchor.group(1) == "middle"
            else x - (width if anchor and anchor.group(1) == "end" else 0)
        )
        boxes.append((left, left + width, y, y - 0.8 * size, html.unescape(text)))
    return boxes


def _overlaps(boxes):
    pairs = []
    for k, a in enumerate(boxes):
        for b in boxes[k + 1 :]:
            if a[0] < b[1] and b[0] < a[1] and a[3] < b[2] and b[3] < a[2]:
                pairs.append((a[4], b[4]))
    return pairs


@needs_dot
@pytest.mark.parametrize("nouts", [[10, 10, 2], [4, 2], [2, 1]])
def test_the_picture_is_readable(nouts):
    """The README's 2-10-10-2 and the small nets: no Graphviz warning, no label on another, a legend."""
    graph = viz.draw_network(nn.MLP(2, nouts, seed=0), show_weights=True)
    result = subprocess.run(["neato", "-Tsvg"], input=graph.source, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    boxes = _text_boxes(result.stdout)
    assert _overlaps(boxes) == []
    texts = [text for *_, text in boxes]
    assert "weight > 0" in texts and "weight < 0" in texts and any("(the largest)" in t for t in texts)
    numbers = [t for t in texts if re.fullmatch(r"-?[\d.]+(e-?\d+)?", t)]
    if nouts == [10, 10, 2]:
        # numbers only where they fit: the 20 weights into the 2 outputs; the others by colour and width
        assert len(numbers) == 20
        assert any("too many weights to write" in t and "input → hidden 1" in t for t in texts)
    else:
        weights = 2 * nouts[0] + nouts[0] * nouts[1]
        assert len(numbers) == weights and not any("too many" in t for t in texts)


def test_legend_without_numbers_when_weights_are_not_shown():
    source = viz.draw_network(nn.MLP(2, [3, 1], seed=0)).source
    assert "weight &gt; 0" in source and "too many" not in source
