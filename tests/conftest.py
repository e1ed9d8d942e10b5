"""Shared fixtures: a fresh, migrated, empty database per test.

The backend is chosen by the environment, not parametrised: CALGRAPH_TEST_DB=sqlite (default) or
postgres, the latter at CALGRAPH_TEST_POSTGRES_URL. CI runs the whole suite once per backend.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from calgraph.store import SqlStore, open_store
from calgraph.store.schema import metadata


def _backend() -> str:
    backend = os.environ.get("CALGRAPH_TEST_DB", "sqlite").strip().lower()
    if backend not in ("sqlite", "postgres"):
        raise pytest.UsageError(f"CALGRAPH_TEST_DB must be 'sqlite' or 'postgres', not {backend!r}")
    return backend


@pytest.fixture(scope="session")
def db_backend() -> str:
    """'sqlite' or 'postgres'."""
    return _backend()


@contextmanager
def scratch_postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty database `{prefix}_<random>` beside CALGRAPH_TEST_POSTGRES_URL (the role
    needs CREATEDB), dropped on exit: test sessions running side by side never share rows."""
    base = os.environ.get("CALGRAPH_TEST_POSTGRES_URL")
    if not base:
        raise pytest.UsageError("CALGRAPH_TEST_DB=postgres needs CALGRAPH_TEST_POSTGRES_URL")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as e:
        admin.dispose()
        pytest.fail(f"cannot create the test database {name} (does the role have CREATEDB?): {e}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            try:  # FORCE (PostgreSQL 13+) ends sessions a killed server may have left behind
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except Exception:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@contextmanager
def scratch_database(db_backend: str, directory: Path, prefix: str) -> Iterator[str]:
    """The URL of a database of its own, not migrated (the CLI and the server do that): a file in
    `directory` on SQLite, scratch_postgres_database(prefix) on PostgreSQL."""
    if db_backend != "postgres":
        yield f"sqlite:///{directory / 'calgraph.db'}"
        return
    with scratch_postgres_database(prefix) as url:
        yield url


@pytest.fixture(scope="session")
def _migrated_database(db_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | SqlStore]:
    """Migrated once per session: a template file (SQLite) or a database of the session's own (PostgreSQL)."""
    if db_backend == "postgres":
        with scratch_postgres_database("calgraph_test") as url:
            store = open_store(url)
            store.migrate()
            yield store
            store.dispose()
        return
    template = tmp_path_factory.mktemp("db-template") / "template.db"
    store = open_store(f"sqlite:///{template}")
    store.migrate()
    store.dispose()  # the last connection closing checkpoints the WAL into the file
    yield str(template)


@pytest.fixture
def db_url(_migrated_database: str | SqlStore, tmp_path: Path) -> str:
    """The URL of a migrated database holding no rows."""
    if isinstance(_migrated_database, SqlStore):
        # DELETE, children first: on a handful of rows ~40x faster than TRUNCATE (no sequences to reset)
        with _migrated_database.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
        return _migrated_database.engine.url.render_as_string(hide_password=False)
    path = tmp_path / "calgraph.db"
    for suffix in ("", "-wal"):
        if Path(_migrated_database + suffix).exists():
            shutil.copyfile(_migrated_database + suffix, str(path) + suffix)
    return f"sqlite:///{path}"


@pytest.fixture
def store(db_url: str) -> Iterator[SqlStore]:
    """A migrated, empty store for this test."""
    opened = open_store(db_url)
    yield opened
    opened.dispose()
