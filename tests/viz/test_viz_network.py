"""draw_network: one edge per weight, coloured by sign, sized by magnitude."""

import re
from types import SimpleNamespace

import pytest

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
