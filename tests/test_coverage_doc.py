"""docs/coverage.md is what scripts/coverage.py makes from the route table, and describes every route."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def coverage():
    spec = importlib.util.spec_from_file_location("coverage_doc", REPO / "scripts" / "coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_doc_is_current(coverage) -> None:
    assert (REPO / "docs" / "coverage.md").read_text() == coverage.render(), \
        "docs/coverage.md is stale: .venv/bin/python scripts/coverage.py > docs/coverage.md"


def test_every_route_is_described(coverage, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(coverage.OPERATIONS, ("instances", "GET"))
    with pytest.raises(coverage.Undescribed, match="instances"):
        coverage.render()


def test_a_described_path_must_route(coverage, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(coverage.OPERATIONS, ("instances", "GET"), ("List occurrences", "/events/{id}/occurrences"))
    with pytest.raises(coverage.Undescribed, match="does not accept"):
        coverage.render()
