"""Alembic environment. calgraph runs migrations in code (SqlStore.migrate), handing over its open
connection in config.attributes["connection"]; a URL in the config's sqlalchemy.url serves the
alembic command line and offline (--sql) mode."""

from __future__ import annotations

from alembic import context

from calgraph.store.schema import metadata

config = context.config


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_online(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif (given := config.attributes.get("connection")) is not None:
    run_online(given)
else:
    from calgraph.store.sql import open_store

    store = open_store(config.get_main_option("sqlalchemy.url"))
    try:
        with store.engine.begin() as own:
            run_online(own)
    finally:
        store.dispose()
