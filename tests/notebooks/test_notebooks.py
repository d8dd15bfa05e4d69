"""The lecture notebooks run from top to bottom and show the notes' numbers.

Each notebook in notebooks/ is executed with nbclient in a fresh kernel (the
"python3" kernel; jupyter_client starts it with this interpreter, so the
.venv's packages are the ones imported), in an empty folder, and the text it
printed is checked. They are stored without outputs; a test says so.
"""

import math
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NAMES = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
HAS_DOT = shutil.which("dot") is not None
CELL_TIMEOUT = 60  # seconds; a guard against a hung kernel, not a measurement

_executed = {}


def execute(name: str, folder: Path):
    """(the executed notebook, all the text it printed or showed), executing each notebook once per session."""
    if name not in _executed:
        notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        # The kernel inherits the environment: the working tree's packages first, a headless matplotlib.
        saved = {key: os.environ.get(key) for key in ("PYTHONPATH", "MPLBACKEND")}
        os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [saved["PYTHONPATH"]])])
        os.environ.pop("MPLBACKEND", None)  # the kernel's own inline backend
        try:
            client = nbclient.NotebookClient(
                notebook,
                kernel_name="python3",
                timeout=CELL_TIMEOUT,
                startup_timeout=120,  # a loaded CI machine starts kernels slowly
                resources={"metadata": {"path": str(folder)}},
            )
            start = time.perf_counter()
            client.execute()
            seconds = time.perf_counter() - start
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        print(f"{name}: executed in {seconds:.1f} s")
        _executed[name] = (notebook, _text(notebook))
    return _executed[name]


def _text(notebook) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output["text"])
            elif "data" in output and "text/plain" in output["data"]:
                parts.append(output["data"]["text/plain"])
    return "\n".join(parts)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("notebooks")


def test_the_six_lectures_are_there():
    assert NAMES == [
        "01_perceptron_gradient_descent",
        "02_mlp_forward_and_worked_example",
        "03_backprop_step_by_step",
        "04_activations_and_losses",
        "05_xor_blobs_moons",
        "06_testing_your_gradients",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs_and_built_from_the_script(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name} is stored with outputs"
    sys.path.insert(0, str(NOTEBOOKS))
    try:
        import _build
    finally:
        sys.path.remove(str(NOTEBOOKS))
    cells = _build.NOTEBOOKS[name]
    assert [c.source for c in notebook.cells] == [c.source for c in cells], "rebuild with notebooks/_build.py"


def _check_graph_pictures(notebook) -> int:
    """Every graph drawn with the chain rule on it adds up: the contributions into a node sum to its grad."""
    sys.path.insert(0, str(ROOT / "tests" / "viz"))
    try:
        from viz_helpers import check_chain_rule_svg
    finally:
        sys.path.remove(str(ROOT / "tests" / "viz"))
    checked = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            svg = output.get("data", {}).get("image/svg+xml", "")
            if "×" in svg and "step_" not in svg:  # a full graph (a slideshow frame holds one step)
                checked += check_chain_rule_svg(svg)
    return checked


def _no_echoed_objects(notebook):
    """A cell that ends in a plot call must not show '<Axes ...>' or '<Figure ...>' as its result."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            # an inline plot is display_data (an image, with "<Figure ...>" as its text form): fine
            shown = output.get("data", {}).get("text/plain", "") if output["output_type"] == "execute_result" else ""
            assert not re.match(r"<(Axes|Figure|matplotlib)", shown), f"a cell echoes {shown!r}:\n{cell.source}"
            assert output.get("output_type") != "error", cell.source


needs_dot = pytest.mark.skipif(not HAS_DOT, reason="the Graphviz program dot is not installed")


def test_01_perceptron_and_gradient_descent(folder):
    notebook, text = execute("01_perceptron_gradient_descent", folder)
    _no_echoed_objects(notebook)
    if HAS_DOT:
        assert _check_graph_pictures(notebook) >= 2  # w and x
    assert "y_hat = 3, loss = 4, dloss/dw = 4" in text
    assert "w_new = w - dloss/dw = 3 - 4 = -1" in text
    assert "w with no learning rate: 3, -1, 3, -1, 3, -1" in text
    assert "w with alpha = 0.8: 3, -0.2, 1.72, 0.568" in text  # w <- w - 0.8 * 2 (w - 1)
    assert "perceptron accuracy on the blobs: 100%" in text
    xor = int(re.search(r"a single perceptron on XOR: accuracy (\d+)%", text).group(1))
    assert xor < 100


def test_02_worked_example_exactly(folder):
    notebook, text = execute("02_mlp_forward_and_worked_example", folder)
    _no_echoed_objects(notebook)
    assert "h = [7.5, 14.0, 27.0, 12.5]" in text and "o = [121.5, 62.5]" in text
    assert "loss = 9213.25" in text
    assert "dL/do  = [120.5, 62.5]" in text
    assert re.search(r"dL/dW2 =\s*\[\[ 903\.75 +468\.75\]\s*\[1687\. +875\. *\]\s*\[3253\.5 +1687\.5 *\]", text), text
    assert "dL/dh  = [245.5, 91.5, 424.0, 303.5]" in text
    assert re.search(r"dL/dW1 =\s*\[\[ 736\.5 +274\.5 +1272\. +910\.5\]\s*\[1227\.5 +457\.5 +2120\. +1517\.5\]\]", text)
    assert "dL/db1 = [245.5, 91.5, 424.0, 303.5]" in text
    assert "loss after one step = 196.5612128857" in text
    if HAS_DOT:
        svg = next(
            o["data"]["image/svg+xml"]
            for c in notebook.cells
            for o in c.get("outputs", [])
            if "data" in o and "image/svg+xml" in o["data"]
        )
        assert "x1" in svg and "grad 4092.75" in svg and "data 0.5" in svg
        assert _check_graph_pictures(notebook) >= 30


@needs_dot
def test_03_backprop_step_by_step(folder):
    notebook, text = execute("03_backprop_step_by_step", folder)
    _no_echoed_objects(notebook)
    assert _check_graph_pictures(notebook) >= 5
    assert "o = 0.7071" in text
    assert "dx1 = -1.5, dw1 = 1, dx2 = 0.5, dw2 = 0, db = 0.5" in text
    assert "6 frames" in text and "slider from 0 to 5" in text
    assert (folder / "backprop_neuron.html").read_text(encoding="utf-8").count("<svg") == 6
    inline = [
        o["data"]["text/html"] for c in notebook.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})
    ]
    assert any("<iframe srcdoc=" in page and page.count("&lt;svg") == 6 for page in inline)  # the slideshow inline
    widgets = [
        o
        for c in notebook.cells
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widgets, "step_through showed no widget"


def test_04_activations_and_losses(folder):
    notebook, text = execute("04_activations_and_losses", folder)
    _no_echoed_objects(notebook)
    slope = re.search(r"dg/dh = ([\d.]+), beta g \(1 - g\) = ([\d.]+)", text)
    assert slope and slope.group(1) == slope.group(2), text
    assert "softmax([2, 1, 0.1]) = [0.659, 0.2424, 0.0986]" in text
    assert re.search(r"^mse +0\.8 +1\.0 +0\.0400 +-0\.4000$", text, re.M), text
    assert re.search(r"^mae +0\.8 +1\.0 +0\.2000 +-1\.0000$", text, re.M), text
    assert re.search(r"^binary_cross_entropy +0\.8 +1\.0 +0\.2231 +-1\.2500$", text, re.M), text
    assert "cross_entropy([2, 1, 0.1], class 0) = 0.4170, d/dlogits = [-0.341, 0.2424, 0.0986]" in text


def test_05_xor_blobs_moons(folder):
    notebook, text = execute("05_xor_blobs_moons", folder)
    _no_echoed_objects(notebook)
    assert "Input\tOutput\tQuantized" in text
    for point, quantized in (("[0, 0]", 0), ("[1, 0]", 1), ("[0, 1]", 1), ("[1, 1]", 0)):
        assert re.search(rf"^{re.escape(point)}\t[\d.]+\t\[{quantized}\]$", text, re.M), text
    for run in ("batch", "mini-batch (16)", "stochastic", "batch + momentum 0.9"):
        assert re.search(rf"^{re.escape(run)} +\d+ epochs: loss [\d.]+, accuracy 100%$", text, re.M), text
    assert "moons accuracy: 100%" in text


def test_06_testing_your_gradients(folder):
    notebook, text = execute("06_testing_your_gradients", folder)
    _no_echoed_objects(notebook)
    assert "tanh neuron: True" in text
    assert f"swish(1.5) = {1.5 / (1 + math.exp(-1.5)):.6f}" in text and "gradcheck: True" in text
    assert "caught:" in text and "not caught" not in text
    assert "property tests passed" in text
