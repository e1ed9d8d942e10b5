"""The control plane's share of the SQL unit of work: tenant reset and snapshots, fault rules, throttling
counters, the control version, and the meeting messages of every mailbox.

Tenant state is every table of the schema except NOT_TENANT_STATE, so tables added later are reset and
snapshotted without being named here. A snapshot is the rows of those tables as JSON; restoring deletes
every tenant row (children first) and inserts the saved rows back with one executemany per table.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update

from calgraph.core.model import Message
from calgraph.store.codec import format_ts, loads, parse_ts
from calgraph.core.faults import ThrottleCounter
from calgraph.store.interface import FaultRow
from calgraph.store.query_sql import binary_text
from calgraph.store.schema import fault_rules, messages, metadata, settings, snapshots, throttle_counters
from calgraph.store.sql_base import UnitOfWorkBase

# What a reset keeps: the server's identity and trust (keys, CA, app registrations, settings such as the
# tenant id and signing key), the control plane's own state, and Alembic's bookkeeping.
NOT_TENANT_STATE = frozenset({
    "alembic_version", "settings", "snapshots", "fault_rules", "throttle_counters",
    "signing_keys", "certificate_authority", "certificates", "app_registrations", "app_credentials",
})

CONTROL_VERSION = "control_version"
_VERSION = select(settings.c.value).where(settings.c.key == bindparam("key"))


def tenant_tables() -> list[Table]:
    """Tenant tables, parents before children."""
    return [table for table in metadata.sorted_tables if table.name not in NOT_TENANT_STATE]


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
        data: dict[str, Any] = {}
        for table in tenant_tables():
            rows = self.conn.execute(select(table)).all()
            data[table.name] = {"columns": list(table.c.keys()), "rows": [list(row) for row in rows]}
        text = json.dumps(data, separators=(",", ":"))
        self.conn.execute(delete(snapshots).where(snapshots.c.name == name))
        self.conn.execute(insert(snapshots).values(name=name, created=format_ts(created), data=text))

    def restore_snapshot(self, name: str) -> bool:
        text = self.conn.execute(select(snapshots.c.data).where(snapshots.c.name == name)).scalar_one_or_none()
        if text is None:
            return False
        data = json.loads(text)
        self.clear_tenant()
        marker = "?" if self.dialect_name == "sqlite" else "%s"
        for table in tenant_tables():
            saved = data.get(table.name)
            if not saved or not saved["rows"]:
                continue
            columns = [c for c in saved["columns"] if c in table.c]   # a column dropped since is left out
            keep = [saved["columns"].index(c) for c in columns]
            names = ", ".join(self.conn.dialect.identifier_preparer.quote(c) for c in columns)
            sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([marker] * len(columns))})"
            rows = [tuple(row[i] for i in keep) for row in saved["rows"]]
            self.conn.exec_driver_sql(sql, rows)  # type: ignore[arg-type]
        return True

    def list_snapshots(self) -> list[tuple[str, datetime]]:
        rows = self.conn.execute(select(snapshots.c.name, snapshots.c.created).order_by(snapshots.c.created,
                                                                                        snapshots.c.name))
        return [(row.name, parse_ts(row.created)) for row in rows]

    def delete_snapshot(self, name: str) -> bool:
        return bool(self.conn.execute(delete(snapshots).where(snapshots.c.name == name)).rowcount)

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
