"""Fixtures for the viz tests."""

import shutil

import pytest


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """Hide Graphviz: PATH holds only an empty folder."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None
    return empty
