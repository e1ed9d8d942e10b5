"""SqlStore / SqlUnitOfWork offer every method of the Store / UnitOfWork protocols, with the same signatures."""

from __future__ import annotations

import inspect

import pytest

from calgraph.store.interface import Store, UnitOfWork
from calgraph.store.sql import SqlStore
from calgraph.store.sql_uow import SqlUnitOfWork


def protocol_methods(protocol: type) -> list[str]:
    return [name for name, member in vars(protocol).items() if inspect.isfunction(member) and not name.startswith("_")]


@pytest.mark.parametrize("protocol, implementation", [(Store, SqlStore), (UnitOfWork, SqlUnitOfWork)])
def test_implementation_matches_protocol(protocol: type, implementation: type) -> None:
    methods = protocol_methods(protocol)
    assert methods
    for name in methods:
        expected = inspect.signature(getattr(protocol, name))
        actual = inspect.signature(getattr(implementation, name))
        assert list(actual.parameters) == list(expected.parameters), name
        defaults = {p.name: p.default for p in expected.parameters.values()}
        assert {p.name: p.default for p in actual.parameters.values()} == defaults, name
