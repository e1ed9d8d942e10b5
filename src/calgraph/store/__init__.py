"""Storage: the Store contract (interface) and its SQL implementation for SQLite and PostgreSQL."""

from calgraph.store.sql import SqlStore, open_store

__all__ = ["SqlStore", "open_store"]
