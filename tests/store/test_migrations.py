"""Alembic: the migrated schema is exactly schema.py, migrate() is idempotent and safe to race."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from calgraph.store import open_store
from calgraph.store.schema import metadata
from calgraph.store.sql import alembic_config


@pytest.fixture
def blank_url(db_backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL schema first on the search path."""
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    base = make_url(os.environ["CALGRAPH_TEST_POSTGRES_URL"]).set(drivername="postgresql+psycopg")
    schema = f"blank_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    from calgraph.store.sql import alembic_config
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_diffs(url: str) -> list[object]:
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            return list(compare_metadata(context, metadata))
    finally:
        store.dispose()


def table_names(url: str) -> set[str]:
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        store.dispose()


def test_open_store_does_not_migrate(blank_url: str) -> None:
    open_store(blank_url).dispose()
    assert table_names(blank_url) == set()


def test_migrated_schema_matches_metadata(blank_url: str) -> None:
    store = open_store(blank_url)
    store.migrate()
    store.migrate()  # idempotent
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
    store.dispose()
    assert table_names(blank_url) == set(metadata.tables) | {"alembic_version"}
    assert schema_diffs(blank_url) == []


def test_concurrent_migrations_do_not_race(blank_url: str) -> None:
    stores = [open_store(blank_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(len(stores)) as pool:
            list(pool.map(lambda store: store.migrate(), stores))
    finally:
        for store in stores:
            store.dispose()
    assert schema_diffs(blank_url) == []


def test_downgrade_to_base_and_back(blank_url: str) -> None:
    store = open_store(blank_url)
    store.migrate()
    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    store.dispose()
    assert table_names(blank_url) <= {"alembic_version"}
    store = open_store(blank_url)
    store.migrate()
    store.dispose()
    assert schema_diffs(blank_url) == []


def test_message_extended_properties_are_filled_from_stored_messages(blank_url: str) -> None:
    """0010 indexes the extended properties of messages stored before it (they were only in the JSON)."""
    from calgraph.core.model import MailFolder, Message, SingleValueProperty
    from tests.store.builders import T0, build_mailbox

    store = open_store(blank_url)
    store.migrate()
    mailbox = build_mailbox(1)
    prop = SingleValueProperty("String 0x8001", "Alpha")
    with store.unit_of_work(write=True) as uow:
        uow.add_mailbox(mailbox)
        uow.add_mail_folder(MailFolder("f-inbox", mailbox.id, "Inbox", "inbox"))
        for n, props in ((1, (prop,)), (2, ())):
            uow.add_message(Message(f"m{n}", mailbox.id, "f-inbox", f"ck{n}", T0, T0, single_value_properties=props))
    config = alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0009")
    store.migrate()
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT message_id, property_key, value_lower FROM message_extended_properties"))
        assert [tuple(row) for row in rows] == [("m1", "string 0x8001", "alpha")]
    store.dispose()
