"""scikit-learn is optional: nn imports without it, and the estimators say which extra to install."""

import importlib.util
import subprocess
import sys

import pytest


def run(code: str) -> subprocess.CompletedProcess:
    # sklearn blocked in a fresh interpreter, as if it were not installed
    return subprocess.run([sys.executable, "-c", "import sys; sys.modules['sklearn'] = None\n" + code],
                          capture_output=True, text=True)  # fmt: skip


def test_import_nn_does_not_import_sklearn():
    result = run("import nn, sys\nassert nn.MLP and nn.datasets.make_moons(10)\nassert sys.modules['sklearn'] is None")
    assert result.returncode == 0, result.stderr


def test_using_an_estimator_without_sklearn_names_the_extra():
    for code in ("import nn; nn.MLPClassifier", "from nn import MLPRegressor"):
        result = run(code)
        assert result.returncode != 0
        assert "ImportError" in result.stderr and "chaingrad[sklearn]" in result.stderr, result.stderr


@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="scikit-learn is not installed")
def test_import_nn_does_not_load_sklearn_even_when_installed():
    result = subprocess.run(
        [sys.executable, "-c", "import sys, nn\nassert 'sklearn' not in sys.modules\nnn.MLPClassifier\n"
         "assert 'sklearn' in sys.modules"], capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
