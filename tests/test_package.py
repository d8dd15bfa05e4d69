"""The distribution ships what the tree holds: every package, its py.typed marker, the license."""

from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+ (3.10 still runs everything else)
ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_of_the_tree_is_listed_for_the_wheel():
    # An unlisted subpackage is missing from a non-editable install (pip install .), while the
    # editable install the tests run on still finds it: only this test would notice.
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("autodiff", "nn", "viz")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert set(CONFIG["tool"]["setuptools"]["packages"]) == found


def test_the_name_license_and_type_markers():
    project = CONFIG["project"]
    assert project["name"] == "chaingrad" and project["license"] == "MIT"
    assert (ROOT / "LICENSE").is_file()
    for package in ("autodiff", "nn", "viz"):
        assert (ROOT / package / "py.typed").is_file()
        assert "py.typed" in CONFIG["tool"]["setuptools"]["package-data"][package]
