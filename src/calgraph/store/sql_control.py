"""The control plane's share of the SQL unit of work: tenant reset and snapshots, fault rules, throttling
counters, the control version, and the meeting messages of every mailbox.

Tenant state is every table of the schema except NOT_TENANT_STATE, so tables added later are reset and
snapshotted without being named here. A snapshot is a copy of each of those tables (snap_<key>_<table>,
made with CREATE TABLE AS SELECT, indexed on the primary key); restoring deletes the rows that differ
from the copy (children first) and inserts the copy's rows that are missing (parents first), all in SQL.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import Table, bindparam, delete, func, insert, inspect, select, text, update

from calgraph.core.model import Message
from calgraph.store.codec import format_ts, loads, parse_ts
from calgraph.core.faults import ThrottleCounter
from calgraph.store.interface import FaultRow
from calgraph.store.query_sql import binary_text
from calgraph.store.schema import (
    events, fault_rules, mailboxes, messages, metadata, settings, snapshots, throttle_counters,
)
from calgraph.store.sql_base import UnitOfWorkBase

# What a reset keeps: the server's identity and trust (keys, CA, app registrations, settings such as the
# tenant id and signing key), the control plane's own state, and Alembic's bookkeeping.
NOT_TENANT_STATE = frozenset({
    "alembic_version", "settings", "snapshots", "fault_rules", "throttle_counters",
    "signing_keys", "app_registrations",   # the server's keys (its CA too, in settings) and the registered apps
})

CONTROL_VERSION = "control_version"
_VERSION = select(settings.c.value).where(settings.c.key == bindparam("key"))


def tenant_tables() -> list[Table]:
    """Tenant tables, parents before children."""
    return [table for table in metadata.sorted_tables if table.name not in NOT_TENANT_STATE]


_columns_cache: dict[str, list[str]] = {}


def _copy_name(key: str, table: Table) -> str:
    return f"snap_{key}_{table.name}"


def _same(left: str, right: str, dialect: str) -> str:
    """Null-safe equality."""
    return f"{left} IS {right}" if dialect == "sqlite" else f"{left} IS NOT DISTINCT FROM {right}"


def _delete_differing(table: Table, copy: str, columns: list[str], dialect: str) -> str:
    """Rows with no identical row in the copy. Tables with a change key compare every column but the
    item's JSON (`data`): every change of an item changes its change key."""
    keys = {column.name for column in table.primary_key.columns}
    compared = [c for c in columns if not ("change_key" in columns and c == "data")]
    match = " AND ".join(f"s.{c} = {table.name}.{c}" if c in keys else _same(f"s.{c}", f"{table.name}.{c}", dialect)
                         for c in compared)
    return f"DELETE FROM {table.name} WHERE NOT EXISTS (SELECT 1 FROM {copy} s WHERE {match})"


def _insert_missing(table: Table, copy: str, columns: list[str]) -> str:
    names = ", ".join(columns)
    keys = [column.name for column in table.primary_key.columns] or columns
    match = " AND ".join(f"t.{c} = s.{c}" for c in keys)
    return (f"INSERT INTO {table.name} ({names}) SELECT {', '.join(f's.{c}' for c in columns)} FROM {copy} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE {match})")


class ControlMixin(UnitOfWorkBase):
    # -- settings that change -----------------------------------------------------------------------

    def put_setting(self, key: str, value: str) -> None:
        done = self.conn.execute(update(settings).where(settings.c.key == key).values(value=value))
        if done.rowcount == 0:
            self.insert_ignore(settings, key=key, value=value)
            self.conn.execute(update(settings).where(settings.c.key == key).values(value=value))

    def control_version(self) -> str:
        row = self.run(_VERSION, {"key": CONTROL_VERSION}).fetchone()
        return row[0] if row else ""

    # -- tenant state ---------------------------------------------------------------------------------

    def clear_tenant(self) -> None:
        for table in reversed(tenant_tables()):
            self.conn.execute(delete(table))
        self.forget_mailboxes()

    def forget_mailboxes(self) -> None:
        """Hook for the unit of work's mailbox cache (SqlUnitOfWork overrides it)."""

    def save_snapshot(self, name: str, created: datetime) -> None:
        self.delete_snapshot(name)
        key = uuid.uuid4().hex[:10]
        for table in tenant_tables():
            copy = _copy_name(key, table)
            self.conn.execute(text(f"CREATE TABLE {copy} AS SELECT * FROM {table.name}"))
            keys = [column.name for column in table.primary_key.columns]
            if keys:
                self.conn.execute(text(f"CREATE UNIQUE INDEX ix_{copy} ON {copy} ({', '.join(keys)})"))
        record = json.dumps({"key": key, "tables": [table.name for table in tenant_tables()]})
        self.conn.execute(insert(snapshots).values(name=name, created=format_ts(created), data=record))

    def restore_snapshot(self, name: str) -> bool:
        """Only the rows that differ from the snapshot are deleted and inserted again, in SQL: a test that
        changed a few rows pays for those, not for the whole tenant."""
        record = self.conn.execute(select(snapshots.c.data).where(snapshots.c.name == name)).scalar_one_or_none()
        if record is None:
            return False
        saved = json.loads(record)
        tables = [table for table in tenant_tables() if table.name in saved["tables"]]
        missing = [table for table in tenant_tables() if table.name not in saved["tables"]]
        for table in reversed(missing):     # tables the snapshot predates held nothing then
            self.conn.execute(delete(table))
        for table in reversed(tables):      # children first: rows that differ, or are not in the snapshot
            self.conn.execute(text(_delete_differing(table, _copy_name(saved["key"], table),
                                                     self._copy_columns(saved["key"], table), self.dialect_name)))
        for table in tables:                # parents first: snapshot rows no longer there
            self.conn.execute(text(_insert_missing(table, _copy_name(saved["key"], table),
                                                   self._copy_columns(saved["key"], table))))
        self.forget_mailboxes()
        return True

    def _copy_columns(self, key: str, table: Table) -> list[str]:
        """The columns a snapshot's copy of `table` shares with the table today (a migration may have
        added or dropped some since)."""
        copy = _copy_name(key, table)
        shared = _columns_cache.get(copy)
        if shared is None:
            have = {column["name"] for column in inspect(self.conn).get_columns(copy)}
            shared = _columns_cache[copy] = [column.name for column in table.columns if column.name in have]
        return shared

    def list_snapshots(self) -> list[tuple[str, datetime]]:
        rows = self.conn.execute(select(snapshots.c.name, snapshots.c.created).order_by(snapshots.c.created,
                                                                                        snapshots.c.name))
        return [(row.name, parse_ts(row.created)) for row in rows]

    def delete_snapshot(self, name: str) -> bool:
        record = self.conn.execute(select(snapshots.c.data).where(snapshots.c.name == name)).scalar_one_or_none()
        if record is None:
            return False
        saved = json.loads(record)
        for table_name in saved["tables"]:
            self.conn.execute(text(f"DROP TABLE IF EXISTS snap_{saved['key']}_{table_name}"))
        self.conn.execute(delete(snapshots).where(snapshots.c.name == name))
        return True

    # -- fault rules ------------------------------------------------------------------------------------

    def add_fault_rule(self, rule_id: str, rule: str, remaining: int | None) -> None:
        seq = select(func.coalesce(func.max(fault_rules.c.seq), 0) + 1).scalar_subquery()
        self.conn.execute(insert(fault_rules).values(id=rule_id, seq=seq, rule=rule, remaining=remaining))

    def list_fault_rules(self) -> list[FaultRow]:
        rows = self.conn.execute(select(fault_rules).order_by(fault_rules.c.seq))
        return [FaultRow(row.id, row.rule, row.remaining) for row in rows]

    def delete_fault_rule(self, rule_id: str) -> bool:
        return bool(self.conn.execute(delete(fault_rules).where(fault_rules.c.id == rule_id)).rowcount)

    def clear_fault_rules(self) -> None:
        self.conn.execute(delete(fault_rules))

    def consume_fault_rule(self, rule_id: str) -> bool:
        """Take one of a limited rule's matches (atomic across processes); False when none is left."""
        done = self.conn.execute(update(fault_rules)
                                 .where(fault_rules.c.id == rule_id, fault_rules.c.remaining > 0)
                                 .values(remaining=fault_rules.c.remaining - 1))
        return bool(done.rowcount)

    # -- throttling -------------------------------------------------------------------------------------

    def lock_throttle_counter(self, key: str, now: int) -> ThrottleCounter:
        """The counter of `key` (created empty), locked until this unit ends."""
        self.insert_ignore(throttle_counters, key=key, window_start=now, window_count=0, in_flight=0, touched=now)
        row = self.conn.execute(select(throttle_counters).where(throttle_counters.c.key == key)
                                .with_for_update()).one()
        return ThrottleCounter(row.window_start, row.window_count, row.in_flight, row.touched)

    def put_throttle_counter(self, key: str, counter: ThrottleCounter) -> None:
        self.conn.execute(update(throttle_counters).where(throttle_counters.c.key == key).values(
            window_start=counter.window_start, window_count=counter.window_count,
            in_flight=counter.in_flight, touched=counter.touched))

    def release_throttle_slot(self, key: str) -> None:
        self.conn.execute(update(throttle_counters)
                          .where(throttle_counters.c.key == key, throttle_counters.c.in_flight > 0)
                          .values(in_flight=throttle_counters.c.in_flight - 1))

    def clear_throttle_counters(self) -> None:
        self.conn.execute(delete(throttle_counters))

    def tenant_fingerprint(self) -> str:
        """Changes when mailboxes, events or messages are added, changed or removed (for the inspector)."""
        parts = []
        for table in (mailboxes, events, messages):
            stamp = table.c.created if table is mailboxes else table.c.last_modified
            row = self.conn.execute(select(func.count(), func.max(stamp), func.max(table.c.seq))
                                    .select_from(table)).one()
            parts.append(f"{row[0]}:{row[1]}:{row[2]}")
        return "|".join(parts)

    # -- meeting messages across mailboxes ------------------------------------------------------------

    def list_meeting_messages(self, mailbox_id: str | None, since: datetime | None, limit: int) -> list[Message]:
        """Meeting messages (eventMessage*) of one mailbox or of all, newest received first."""
        statement = select(messages.c.data).where(messages.c.kind != "message")
        if mailbox_id is not None:
            statement = statement.where(messages.c.mailbox_id == mailbox_id)
        if since is not None:
            statement = statement.where(messages.c.received >= format_ts(since))
        statement = statement.order_by(messages.c.received.desc(), messages.c.seq.desc(),
                                       binary_text(messages.c.id).desc()).limit(limit)
        return [loads(Message, row.data) for row in self.conn.execute(statement)]
