"""The one-way street: core knows no HTTP, SQL or services; services know no HTTP; store knows no HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "calgraph"

FORBIDDEN = {
    "core": ("calgraph.http", "calgraph.services", "calgraph.store", "calgraph.app", "calgraph.cli",
             "sqlalchemy", "starlette", "pydantic", "jwt"),
    "services": ("calgraph.http", "calgraph.app", "calgraph.cli", "starlette", "sqlalchemy"),
    "store": ("calgraph.http", "calgraph.services", "calgraph.app", "starlette"),
    "http": ("calgraph.store.sql", "sqlalchemy", "calgraph.signin"),
    "signin": ("calgraph.store.sql", "sqlalchemy", "calgraph.http"),
}


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_only_go_down(layer):
    offenders = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imports(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not offenders, offenders
