"""Every Python code block of README.md runs verbatim and prints what its comments say.

The blocks of one section ("## ...") run in order in one fresh interpreter,
in an empty folder (the files they write land there). A line
``print(...)  # text`` promises that the next line of output starts with
``text`` (up to a " (" that begins a remark); "..." in the text matches
anything. Graph pictures the blocks write are read back: the chain rule's
contributions on the edges into each node sum to its grad.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "viz"))
from viz_helpers import check_chain_rule_svg  # noqa: E402

HAS_DOT = shutil.which("dot") is not None


def sections(text: str) -> dict:
    """{section title: [code of each ```python block]}, in the README's order ("intro" before the first ##)."""
    found, title = {}, "intro"
    lines = iter(text.splitlines())
    for line in lines:
        if line.startswith("## "):
            title = line[3:].strip()
        elif line.strip() == "```python":
            block = []
            for code in lines:
                if code.strip() == "```":
                    break
                block.append(code)
            found.setdefault(title, []).append("\n".join(block))
    return found


SECTIONS = sections((ROOT / "README.md").read_text(encoding="utf-8"))


def promised_output(code: str) -> list:
    """The text each ``print(...)  # comment`` line promises, in order."""
    promises = []
    for line in code.splitlines():
        match = re.match(r"\s*print\(.*\)\s+#\s*(.+)$", line)
        if match:
            promises.append(re.split(r" \(", match.group(1), maxsplit=1)[0].strip())
    return promises


def test_the_readme_has_code_in_each_main_section():
    for title in ("intro", "autodiff", "nn", "viz"):
        assert title in SECTIONS, f"no python block under {title!r}; sections: {list(SECTIONS)}"


@pytest.mark.parametrize("title", list(SECTIONS))
def test_readme_section_runs_and_prints_what_it_says(title, tmp_path):
    code = "\n\n".join(SECTIONS[title])
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"README section {title!r} failed:\n{result.stdout}\n{result.stderr}"
    printed = result.stdout.splitlines()
    promises = promised_output(code)
    assert len(printed) >= len(promises), f"{title}: promised {promises}, printed {printed}"
    for promise, line in zip(promises, printed[-len(promises) :] if promises else []):
        pattern = ".*".join(re.escape(part) for part in promise.split("..."))
        assert re.match(pattern, line), f"{title}: the comment says {promise!r}, the code printed {line!r}"
    if HAS_DOT:
        for picture in tmp_path.glob("*.svg"):
            text = picture.read_text(encoding="utf-8")
            if "×" in text:  # drawn with show_local_grads
                assert check_chain_rule_svg(text) > 0, picture.name


def test_the_output_check_can_fail():
    assert promised_output("print(1 + 1)  # 2 (a remark)\nx = 1  # not a print") == ["2"]
