"""Types (issue 15): a type checker sees what a user's code computes.

mypy runs on a small user file; each ``reveal_type`` line says, in its
comment, the type mypy must infer there (``x * 3.0`` is a Value, not Any).
"""

import re
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parents[1]

USER_CODE = """\
import autodiff
from autodiff import Value

x = Value(2.0, label="x")
xs = [x, Value(1.0)]
reveal_type(x * 3.0)  # Value
reveal_type(3 * x)  # Value
reveal_type(2 - x)  # Value
reveal_type(x - 2)  # Value
reveal_type(x + x)  # Value
reveal_type(x / 2.0)  # Value
reveal_type(1.0 / x)  # Value
reveal_type(x**2)  # Value
reveal_type(2.0**x)  # Value
reveal_type(x**x)  # Value
reveal_type(-x)  # Value
reveal_type(abs(x))  # Value
reveal_type(x.tanh())  # Value
reveal_type(x.exp().log())  # Value
reveal_type(x.leaky_relu(0.1))  # Value
reveal_type(autodiff.sum(xs))  # Value
reveal_type(autodiff.dot(xs, [1.0, 2.0], bias=0.5))  # Value
reveal_type(autodiff.logsumexp(xs))  # Value
reveal_type(autodiff.softmax(xs))  # list[Value]
reveal_type(autodiff.maximum(x, 0.0))  # Value
reveal_type(x.data)  # float
reveal_type(x.grad)  # float
reveal_type(x.parents)  # tuple[Value, ...]
reveal_type(x < 1.0)  # bool
reveal_type(x.backward())  # None
"""


def _revealed(output: str, path: Path) -> dict[int, str]:
    """{line: type} from mypy's "Revealed type is" notes on ``path``, with module paths dropped."""
    notes = re.findall(rf"^{re.escape(str(path))}:(\d+): note: Revealed type is \"(.*)\"$", output, re.MULTILINE)
    return {int(line): re.sub(r"\b(?:\w+\.)+(\w+)", r"\1", kind) for line, kind in notes}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    """One mypy cache for this module's runs, outside the repository: the second run reuses the stubs."""
    return str(tmp_path_factory.mktemp("mypy_cache"))


def test_mypy_infers_values_for_a_users_arithmetic(tmp_path, monkeypatch, cache_dir):
    user = tmp_path / "user.py"
    user.write_text(USER_CODE)
    expected = {
        number: line.rsplit("# ", 1)[1]
        for number, line in enumerate(USER_CODE.splitlines(), start=1)
        if line.startswith("reveal_type(")
    }
    # The repository's packages by path (an editable install's import hook is invisible to mypy).
    monkeypatch.setenv("MYPYPATH", str(ROOT))
    stdout, stderr, status = api.run(
        [
            str(user),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            cache_dir,
            "--follow-imports",
            "silent",  # the user's view of the packages; their own errors are another test's
            "--no-error-summary",
            "--hide-error-context",
        ]
    )
    assert stderr == ""
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert errors == []
    assert _revealed(stdout, user) == expected
    assert status == 0


def test_mypy_passes_over_the_engine(monkeypatch, cache_dir):
    # autodiff with the [tool.mypy] config (every def annotated there). nn and viz join this test
    # once nn type-checks: viz imports nn, so its run reports nn's errors too.
    monkeypatch.chdir(ROOT)
    stdout, stderr, status = api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", cache_dir, "-p", "autodiff"]
    )
    assert (status, stderr) == (0, ""), stdout
