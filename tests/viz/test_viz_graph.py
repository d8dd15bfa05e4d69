"""draw_graph: DOT goldens, the chain rule on the edges, styles, clusters, size limits."""

import re
import subprocess
import sys
import time

import pytest
from viz_helpers import HAS_DOT, check_chain_rule_dot, check_golden, needs_dot, shared, tanh_neuron

import autodiff
import nn
import viz
from autodiff import Value


# ---------------------------------------------------------------- goldens (DOT text, never SVG)
def test_golden_tanh_neuron():
    o, _ = tanh_neuron()
    check_golden("tanh_neuron", viz.draw_graph(o).source)


def test_golden_tanh_neuron_local_grads():
    o, _ = tanh_neuron()
    check_golden("tanh_neuron_local_grads", viz.draw_graph(o, show_local_grads=True).source)


def test_golden_shared_nodes():
    y, _ = shared()
    check_golden("shared_local_grads", viz.draw_graph(y, show_local_grads=True, rankdir="TB").source)


def test_golden_highlight_two_paths():
    o, v = tanh_neuron()
    check_golden("highlight", viz.draw_graph(o, highlight=[v["w1"], v["b"]], show_grad=False).source)


def test_golden_clusters():
    with autodiff.scope("layer 0"):
        x = Value(1.0, label="x")  # made in the layer, outside its neurons
        with autodiff.scope("neuron 0"):
            h0 = (x * 2).tanh()
        with autodiff.scope("neuron 1"):
            h1 = (x * -1).relu()
    w = Value(0.5, label="w")  # scope-less leaf used only in "neuron 2": drawn inside it
    with autodiff.scope("neuron 2"):
        out = h0 * w + h1
    out.label = "out"
    out.backward()
    check_golden("clusters", viz.draw_graph(out, show_data=False).source)


def test_same_graph_gives_the_same_dot_every_time():
    first, second = tanh_neuron()[0], tanh_neuron()[0]  # different objects, different creation numbers
    assert viz.draw_graph(first, show_local_grads=True).source == viz.draw_graph(second, show_local_grads=True).source


def test_dot_is_stable_across_processes():
    code = (
        "import sys; sys.path.insert(0, 'tests/viz'); import viz; from viz_helpers import tanh_neuron; "
        "print(viz.draw_graph(tanh_neuron()[0], show_local_grads=True).source, end='')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == viz.draw_graph(tanh_neuron()[0], show_local_grads=True).source


# ---------------------------------------------------------------- the chain rule on the picture
def _edge_labels(source):
    """[(parent id, op id, label)] for the edges parent -> op that carry a label."""
    return [
        (a, b, label.replace("\\n", "\n"))
        for a, b, label in re.findall(r'\t(v\d+) -> (op\d+) \[label="([^"]*)"', source)
    ]


def test_local_grads_on_edges_come_from_the_op_table():
    o, v = tanh_neuron()
    labels = _edge_labels(viz.draw_graph(o, show_local_grads=True, precision=6).source)
    # o = tanh(n): ∂o/∂n = 1 - o² = 0.5, and o.grad = 1 gives a contribution of 0.5.
    labels = [label for _, _, label in labels]
    assert "∂o/∂n = 0.5\n1 × 0.5 = 0.5" in labels
    # x1*w1: ∂/∂x1 = w1 = -3, grad 0.5 -> contribution -1.5 = x1.grad
    assert "∂(x1*w1)/∂x1 = -3\n0.5 × -3 = -1.5" in labels
    assert v["x1"].grad == pytest.approx(-1.5)


def test_contributions_into_a_shared_node_sum_to_its_grad():
    y, x = shared()
    labels = _edge_labels(viz.draw_graph(y, show_local_grads=True).source)
    into_x = [label for a, _, label in labels if a == "v0"]
    assert len(into_x) == 3  # x, x (the product) and x (the sum)
    contributions = [float(label.rsplit("= ", 1)[1]) for label in into_x]
    assert sum(contributions) == pytest.approx(x.grad) == 7.0


def test_several_paths_are_marked_and_single_paths_are_not():
    y, _ = shared()
    source = viz.draw_graph(y).source
    x_line = next(line for line in source.splitlines() if line.startswith("\tv0 "))
    assert "peripheries=2" in x_line and "grad 7 (Σ 3 paths)" in x_line
    o, _ = tanh_neuron()
    assert "peripheries" not in viz.draw_graph(o).source


def test_custom_op_is_drawn_with_its_symbol():
    square = autodiff.define_op("square_viz_test", lambda x: x * x, lambda x, out: 2 * x, symbol="x²", register=False)
    x = Value(3.0, label="x")
    y = square(x)
    y.backward()
    source = viz.draw_graph(y, show_local_grads=True).source
    assert 'op1 [label="x²"' in source
    assert "∂out/∂x = 6" in source


def test_undefined_local_derivative_is_said_not_raised():
    x = Value(0.0, label="x")
    y = x.sqrt()  # d sqrt = 1 / (2 sqrt(0)): undefined
    assert "∂out/∂x undefined" in viz.draw_graph(y, show_local_grads=True).source


# ---------------------------------------------------------------- styles
def _node_line(source, node_id):
    return next(line for line in source.splitlines() if line.startswith(f"\t{node_id} "))


def test_inputs_and_output_are_styled_apart():
    o, _ = tanh_neuron()
    source = viz.draw_graph(o).source
    assert 'fillcolor="#dbeafe"' in _node_line(source, "v0")  # an input
    assert 'fillcolor="#dcfce7"' in _node_line(source, "v9") and "penwidth=2" in _node_line(source, "v9")  # o
    assert "fillcolor" not in _node_line(source, "v5")  # x1*w1: an inner node keeps the default


def test_color_by_grad_fills_by_sign_and_size():
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(5.0, label="c")
    y = a * 4 - b * 1 + c * 0
    y.backward()  # grads: a 4, b -1, c 0
    source = viz.draw_graph(y, color_by_grad=True).source
    fill = {
        name: re.search(r'fillcolor="?(#[0-9a-f]{6}|white)', _node_line(source, f"v{k}")).group(1)
        for k, name in enumerate("abc")
    }
    rgb = {name: [int(fill[name][i : i + 2], 16) for i in (1, 3, 5)] for name in "ab"}
    assert fill["c"] == "white"  # grad 0
    assert rgb["a"][2] > rgb["a"][0]  # positive: blue
    assert rgb["b"][0] > rgb["b"][2]  # negative: red
    assert sum(rgb["a"]) < sum(rgb["b"])  # |4| is drawn stronger (further from white) than |-1|


def test_highlight_colours_only_the_paths_from_each_source():
    o, v = tanh_neuron()
    source = viz.draw_graph(o, highlight=[v["w1"], v["b"]]).source
    red, green = viz.graph.PATH_COLORS[:2]
    assert f'color="{red}"' in _node_line(source, "v2")  # w1
    assert f'color="{green}"' in _node_line(source, "v4")  # b
    assert f'color="{red}"' not in _node_line(source, "v6")  # x2*w2 is on neither path
    assert re.search(rf'v8 -> op9 \[color="{red}:{green}"', source)  # n -> tanh: on both paths


def test_highlight_must_be_in_the_graph():
    o, _ = tanh_neuron()
    with pytest.raises(ValueError, match="not part of the drawn graph"):
        viz.draw_graph(o, highlight=Value(1.0))


def test_show_data_and_grad_can_be_left_out():
    o, _ = tanh_neuron()
    source = viz.draw_graph(o, show_data=False, show_grad=False).source
    assert "data" not in source and "grad" not in source
    assert "{x1}" in source


def test_record_labels_are_escaped(tmp_path):
    x = Value(1.0, label='a|b{c}<d> \\ "q"\nline 2')
    y = x * 2
    source = viz.draw_graph(y).source
    assert r"a\|b\{c\}\<d\> \\ \"q\"\nline 2" in source
    if HAS_DOT:
        svg = viz.render(viz.draw_graph(y), tmp_path / "escaped.svg").read_text()
        assert "a|b{c}&lt;d&gt;" in svg and "line 2" in svg


def test_bad_arguments():
    with pytest.raises(TypeError, match="autodiff Value"):
        viz.draw_graph(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw_graph(Value(1.0), rankdir="up")


# ---------------------------------------------------------------- size
def _chain(n):
    x = Value(0.5)
    for _ in range(n - 1):
        x = x + 1.0
    return x


def test_a_huge_graph_is_refused_at_once():
    root = _chain(100_000)
    start = time.perf_counter()
    with pytest.raises(viz.GraphTooLarge) as info:
        viz.draw_graph(root)
    assert time.perf_counter() - start < 0.2
    message = str(info.value)
    assert "max_nodes=2000" in message and "2001" in message and "intermediate Value" in message


def test_a_deep_graph_within_the_limit_is_drawn_without_recursion():
    root = _chain(5000)  # far deeper than Python's recursion limit of 1000
    source = viz.draw_graph(root, max_nodes=5000).source
    assert source.count("->") == 2 * 4999  # per op: input -> op, op -> value


# ---------------------------------------------------------------- nn (parameters, scopes)
def test_nn_parameters_and_scopes():
    nn = pytest.importorskip("nn", reason="nn is not importable yet")
    model = nn.MLP(2, [2, 1], activation="tanh", seed=0)
    (out,) = model([1.0, -1.0])
    out.backward()
    source = viz.draw_graph(out).source
    assert source.count("shape=Mrecord") == model.num_parameters()  # 9 parameters: rounded boxes
    # named as the notes count: layers and neurons from 1, a layer with its sizes
    for name in ("MLP", '"layer 1 (2→2)"', '"layer 2 (2→1)"', '"neuron 1"', '"neuron 2"'):
        assert f"label={name}" in source
    # clusters nest: MLP > layer 1 > neuron 1, and a neuron's parameters sit inside its cluster
    lines = source.splitlines()
    start = next(k for k, line in enumerate(lines) if 'label="neuron 1"' in line)
    end = next(k for k in range(start, len(lines)) if lines[k].strip() == "}")
    assert sum("shape=Mrecord" in line for line in lines[start:end]) == 3  # w1, w2, b


def test_draw_graph_works_when_nn_does_not_import(monkeypatch):
    monkeypatch.setitem(sys.modules, "nn", None)  # import nn now raises ImportError
    o, _ = tanh_neuron()
    assert "digraph" in viz.draw_graph(o).source


@needs_dot
def test_jupyter_display_gives_svg():
    o, _ = tanh_neuron()
    bundle = viz.draw_graph(o)._repr_mimebundle_(include=["image/svg+xml"])
    assert "<svg" in bundle["image/svg+xml"]


# ---------------------------------------------------------------- numbers as the notes print them
def test_numbers_are_the_shortest_form_up_to_six_digits():
    fmt = viz.graph.fmt
    assert [fmt(x) for x in (903.75, 1687.0, 3253.5, 9213.25, 196.5612128857)] == [
        "903.75",
        "1687",
        "3253.5",
        "9213.25",
        "196.561",
    ]
    assert fmt(-1.4999999999999993) == "-1.5" and fmt(-0.0) == "0" and fmt(0.70710678, 4) == "0.7071"
    x = Value(9213.25, label="x")
    y = x * 903.75
    y.backward()
    source = viz.draw_graph(y, show_local_grads=True).source
    assert "data 9213.25 | grad 903.75" in source and "∂out/∂x = 903.75" in source


def test_subtracting_a_constant_reads_minus():
    x = Value(3.0, label="x")
    y = (x - 1) + 0.5
    y.backward()
    source = viz.draw_graph(y).source
    assert 'label="− 1"' in source and 'label="+ 0.5"' in source
    assert "+-" not in source


# ---------------------------------------------------------------- the chain rule adds up on the picture
def _mlp_loss():
    model = nn.MLP(2, [3, 2], activation="tanh", seed=1)
    x = [Value(0.5, label="x1"), Value(-2.0, label="x2")]
    loss = nn.losses.cross_entropy(model(x), 1)
    loss.backward()
    return loss


@pytest.mark.parametrize("make", [lambda: tanh_neuron()[0], lambda: shared()[0], _mlp_loss])
def test_contributions_into_every_node_sum_to_its_grad(make):
    root = make()
    assert check_chain_rule_dot(viz.draw_graph(root, show_local_grads=True).source) > 0


def test_the_sum_check_catches_a_picture_drawn_after_the_numbers_changed():
    """The worked example's old bug: weights updated after backward, so the edges no longer add up."""
    x = Value(3.0, label="x")
    w = Value(0.5, label="w")
    y = x * w + x * 2
    y.backward()
    w.data -= 0.1  # an optimizer step between backward and drawing
    with pytest.raises(AssertionError, match="sum to"):
        check_chain_rule_dot(viz.draw_graph(y, show_local_grads=True).source)


@needs_dot
def test_in_a_notebook_a_wide_graph_fits_the_cell_and_can_be_seen_full_size():
    model = nn.MLP(2, [4, 2], seed=0)
    loss = nn.losses.cross_entropy(model([Value(1.0, label="x1"), Value(2.0, label="x2")]), 0)
    loss.backward()
    bundle = viz.draw_graph(loss, show_local_grads=True)._repr_mimebundle_()
    html = bundle["text/html"]
    assert '<svg style="max-width:100%;height:auto"' in html and "<?xml" not in html
    assert "<details><summary>full size" in html and html.count("<svg") == 2
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)) > 0  # the two copies do not share ids
    assert "<svg" in bundle["image/svg+xml"]
    small = viz.draw_graph(Value(1.0, label="x") * 2)._repr_mimebundle_()["text/html"]
    assert "<details>" not in small  # a small one is shown as it is
