"""Smoke tests of the examples: each runs as a subprocess, as a user would run it, in a fast mode.

Checked: exit code 0, the key numbers in the report (the worked example's
exactly), and the files written into --out. Graph pictures need the Graphviz
`dot` program: with it we expect the .svg, without it the .gv source the
examples fall back to. The test without `dot` runs either way, with a PATH
that hides it.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))
TRAINING = {"blobs.py", "perceptron.py", "regression.py", "moons.py", "xor.py"}
HAS_DOT = shutil.which("dot") is not None
sys.path.insert(0, str(ROOT / "tests" / "viz"))
from viz_helpers import check_chain_rule_dot, check_chain_rule_svg  # noqa: E402


def check_chain_rule(picture: Path) -> int:
    """The chain-rule sums of a graph picture the examples wrote (.svg with dot, .gv without)."""
    text = picture.read_text(encoding="utf-8")
    return check_chain_rule_svg(text) if picture.suffix == ".svg" else check_chain_rule_dot(text)


def run(script, out, *args, path=None, timeout=120):
    """Run examples/<script> with --out ``out``; returns its stdout (asserting exit code 0)."""
    env = dict(
        os.environ,
        MPLBACKEND="Agg",
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    if path is not None:
        env["PATH"] = path
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--out", str(out), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{script} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def graph_file(out, stem, dot=HAS_DOT):
    """The picture a graph example leaves: stem.svg with `dot`, stem.gv without."""
    return out / f"{stem}.svg" if dot else out / f"{stem}.gv"


def assert_files(out, *names):
    for name in names:
        path = out / name if isinstance(name, str) else name
        assert path.is_file() and path.stat().st_size > 0, f"{path} was not written; {sorted(os.listdir(out))}"


WORKED_LINES = [
    "h = [7.5, 14, 27, 12.5]",
    "o = [121.5, 62.5]",
    "loss = 9213.25",
    "dL/do = [120.5, 62.5]",
    "    [   903.75     468.75]\n    [     1687        875]\n    [   3253.5     1687.5]\n    [  1506.25     781.25]",
    "dL/db2 = [120.5, 62.5]",
    "dL/dh = [245.5, 91.5, 424, 303.5]",
    "    [    736.5      274.5       1272      910.5]\n    [   1227.5      457.5       2120     1517.5]",
    "dL/db1 = [245.5, 91.5, 424, 303.5]",
    "loss after one SGD step (lr = 0.001) = 196.5612128857",
]


def assert_worked_numbers(stdout):
    for line in WORKED_LINES:
        assert line in stdout, f"missing from the worked example's report:\n{line}\n--- got:\n{stdout}"


def percent(pattern, stdout):
    match = re.search(pattern, stdout)
    assert match, f"no match for {pattern!r} in:\n{stdout}"
    return int(match.group(1))


# ---------------------------------------------------------------- every example's shape
@pytest.mark.parametrize("script", SCRIPTS)
def test_docstring_main_seed_out(script):
    tree = ast.parse((EXAMPLES / script).read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{script} has no module docstring"
    assert any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body), (
        f"{script} has no main()"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for option in ("--seed", "--out") + (("--epochs",) if script in TRAINING else ()):
        assert option in result.stdout, f"{script} --help does not offer {option}:\n{result.stdout}"


def test_every_example_is_tested():
    tested = {
        "worked_example.py",
        "xor.py",
        "blobs.py",
        "perceptron.py",
        "regression.py",
        "moons.py",
        "backprop_slides.py",
        "activations.py",
        "tour.py",
    }
    assert set(SCRIPTS) == tested, f"examples without a test here: {set(SCRIPTS) - tested}"


# ---------------------------------------------------------------- each example
def test_worked_example_exact(tmp_path):
    stdout = run("worked_example.py", tmp_path)
    assert_worked_numbers(stdout)
    assert_files(tmp_path, graph_file(tmp_path, "worked_example"), graph_file(tmp_path, "worked_example_after_step"))


def test_worked_example_picture_shows_the_notes_state(tmp_path):
    """The notes' weights, inputs and gradients (drawn before the step); every edge sum matches its box."""
    run("worked_example.py", tmp_path)
    picture = graph_file(tmp_path, "worked_example")
    text = picture.read_text(encoding="utf-8")
    fields = " ".join(re.findall(r">([^<]*)</text>", text)) if picture.suffix == ".svg" else text.replace(" | ", " ")
    for shown in (
        "x1 data 3 grad 4092.75",
        "x2 data 5 grad 1004.25",
        "w0 data 0.5 grad 736.5",  # W1[0][0] = 0.5 with dL/dW1[0][0] = 736.5, not the updated -0.2365
        "w0 data 7 grad 1272",
        "w1 data 0.5 grad 1517.5",
        "loss data 9213.25 grad 1",
        "grad 903.75",
        "grad 3253.5",
    ):
        assert shown in fields, f"{shown!r} is not in {picture.name}"
    assert "0.2365" not in fields
    assert "layer 1 (2→4)" in text and "layer 2 (4→2)" in text  # the clusters
    assert check_chain_rule(picture) >= 30
    assert check_chain_rule(graph_file(tmp_path, "worked_example_after_step")) >= 30


def test_xor(tmp_path):
    stdout = run("xor.py", tmp_path)
    assert "Input\tOutput\tQuantized" in stdout
    assert re.search(
        r"2-2-1 sigmoid network, seed \d+, 1000 full-batch steps, lr 1: loss [\d.]+, accuracy 100%", stdout
    )
    for point, quantized in (("[0, 0]", 0), ("[1, 0]", 1), ("[0, 1]", 1), ("[1, 1]", 0)):
        assert re.search(rf"^{re.escape(point)}\t[\d.]+\t\[{quantized}\]$", stdout, re.M), stdout
    assert "cannot separate XOR" in stdout
    assert_files(tmp_path, graph_file(tmp_path, "xor_graph"), "xor_boundary.png")
    assert check_chain_rule(graph_file(tmp_path, "xor_graph")) > 0
    assert "sample [0, 1]: x1" in graph_file(tmp_path, "xor_graph").read_text(encoding="utf-8")


@pytest.mark.parametrize("mode, epochs", [("stochastic", 5), ("minibatch", 5), ("batch", 20)])
def test_blobs(tmp_path, mode, epochs):
    stdout = run("blobs.py", tmp_path, "--mode", mode, "--epochs", str(epochs))
    assert f"{mode} gradient descent" in stdout
    assert len(re.findall(r"^\d+\t[\d.]+\t\d+%$", stdout, re.M)) == epochs  # loss per epoch
    assert "final accuracy 100% (100/100)" in stdout
    assert "engine: compiled" in stdout
    assert_files(tmp_path, f"blobs_{mode}_boundary.png", f"blobs_{mode}_loss.png")


def test_perceptron(tmp_path):
    stdout = run("perceptron.py", tmp_path, "--epochs", "10")
    assert re.search(r"learned w = \[-?[\d.]+, -?[\d.]+\], b = -?[\d.]+", stdout), stdout
    assert re.search(r"its line: -?[\d.]+ \* x1 [+-] [\d.]+ \* x2 [+-] [\d.]+ = 0", stdout), stdout
    assert "accuracy 100% (100/100)" in stdout
    assert_files(tmp_path, "perceptron_line.png")


def test_regression(tmp_path):
    stdout = run("regression.py", tmp_path, "--epochs", "20")
    mse = float(re.search(r"final MSE ([\d.]+)", stdout).group(1))
    assert mse < 0.1, stdout  # fitting: sin(x) itself has variance 0.5
    assert_files(tmp_path, "regression_fit.png")


def test_moons(tmp_path):
    # 70 steps: on make_moons's scikit-learn-identical points the first 100% comes at step 65
    stdout = run("moons.py", tmp_path, "--epochs", "70")
    assert "MLP 2-16-16-1 ReLU (337 parameters)" in stdout
    assert percent(r"final accuracy (\d+)%", stdout) == 100
    assert re.search(r"time per step: [\d.]+ ms", stdout), stdout
    assert "engine: compiled" in stdout  # the default: the per-sample loss traced once
    assert_files(tmp_path, "moons_boundary.png")


def test_moons_on_the_scalar_engine_learns_the_same(tmp_path):
    compiled = run("moons.py", tmp_path, "--epochs", "20")
    scalar = run("moons.py", tmp_path, "--epochs", "20", "--engine", "scalar")
    assert "engine: scalar" in scalar

    def losses(stdout):
        return re.findall(r"loss ([\d.]+)", stdout)

    assert losses(compiled) == losses(scalar)  # the printed 6 decimals agree at every printed step


def test_backprop_slides(tmp_path):
    stdout = run("backprop_slides.py", tmp_path)
    assert "= 0.7071; 6 frames" in stdout
    assert "gradients: dx1 = -1.5, dw1 = 1, dx2 = 0.5, dw2 = 0, db = 0.5" in stdout
    if HAS_DOT:
        html = tmp_path / "backprop_slides.html"
        assert str(html) in stdout
        assert_files(tmp_path, html)
        assert html.read_text(encoding="utf-8").count("<svg") == 6
    else:
        assert_files(tmp_path / "backprop_slides_frames", *(f"frame_{k:03d}.gv" for k in range(6)))


def test_activations(tmp_path):
    stdout = run("activations.py", tmp_path)
    assert "softmax([2, 1, 0.1]) = [0.6590, 0.2424, 0.0986], sum 1" in stdout
    assert re.search(
        r"^tanh +f  = -0\.9640, \+0\.4621, \+0\.9640   f' = \+0\.0707, \+0\.7864, \+0\.0707$", stdout, re.M
    ), stdout
    assert_files(tmp_path, "activations.png")


def test_tour(tmp_path):
    out = tmp_path / "pictures"
    stdout = run("tour.py", out)
    for header in ("1/3  XOR", "2/3  Two blobs", "3/3  The notes' worked example"):
        assert header in stdout
    assert "accuracy 100%" in stdout.split("2/3")[0]
    assert "final accuracy 100% (100/100)" in stdout
    assert_worked_numbers(stdout)
    assert f"The pictures are in {out.resolve()}:" in stdout
    names = [
        "xor_boundary.png",
        "blobs_batch_boundary.png",
        "blobs_batch_loss.png",
        graph_file(out, "xor_graph").name,
        graph_file(out, "worked_example").name,
    ]
    assert_files(out, *names)
    assert check_chain_rule(graph_file(out, "worked_example")) >= 30  # the demo's picture adds up
    listing = stdout.split("The pictures are in")[1]
    for name in names:
        assert f"  {name}\n" in listing
    listed = re.findall(r"^  (\S+)$", listing, re.M)
    suffixes = (".svg", ".png", ".html") if HAS_DOT else (".png", ".gv")
    assert listed and all(name.endswith(suffixes) for name in listed), listed  # only pictures
    if HAS_DOT:
        assert not list(out.glob("*.gv")), "render kept .gv sources beside the pictures"


# ---------------------------------------------------------------- without Graphviz
def test_without_dot_the_sources_are_kept(tmp_path):
    """With `dot` hidden from PATH, the graph examples still succeed and leave .gv sources."""
    stdout = run("worked_example.py", tmp_path, path=str(tmp_path / "no-bin"))
    assert_worked_numbers(stdout)
    assert "Graphviz `dot` is missing" in stdout
    assert_files(tmp_path, "worked_example.gv")
    assert not (tmp_path / "worked_example.svg").exists()
    stdout = run("backprop_slides.py", tmp_path, path=str(tmp_path / "no-bin"))
    assert "Graphviz `dot` is missing" in stdout
    assert_files(tmp_path / "backprop_slides_frames", "frame_000.gv", "frame_005.gv")
    assert not (tmp_path / "backprop_slides.html").exists()
