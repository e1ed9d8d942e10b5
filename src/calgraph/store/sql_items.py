"""Events and messages: the whole object as JSON in `data`, indexed columns beside it."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, literal, null, select, true, union_all

from calgraph.core.model import Event, Message
from calgraph.core.query import ItemQuery, Page
from calgraph.store.codec import (
    NULL_TS,
    event_at_version,
    event_category_keys,
    event_columns,
    event_property_rows,
    format_ts,
    loads,
    message_columns,
    message_property_rows,
    remember_version,
)
from calgraph.store.query_sql import binary_text, order_clauses, where_clause
from calgraph.store.schema import (
    event_categories,
    event_extended_properties,
    events,
    message_extended_properties,
    messages,
)
from calgraph.store.sql_base import UnitOfWorkBase


class ItemsMixin(UnitOfWorkBase):
    # -- events ---------------------------------------------------------------------------------
    # An event read in this unit of work is remembered (`_events_read`), so that updating it with its
    # change key checked writes only the columns that changed: SQLite rewrites the entries of every
    # index whose columns an UPDATE sets, changed or not, and that was most of an update's cost.

    def add_event(self, event: Event) -> None:
        columns = event_columns(event)
        self.insert_item(events, columns)
        remember_version(event.id, columns["version"], event)
        self._write_categories(event)
        self._write_properties(event)
        self._remember(event)

    def get_event(self, mailbox_id: str, event_id: str, for_update: bool = False) -> Event | None:
        statement = _EVENT_BY_ID_FOR_UPDATE if for_update else _EVENT_BY_ID
        row = self.run(statement, {"mailbox_id": mailbox_id, "id": event_id}).fetchone()
        return None if row is None else self._remember(loads(Event, row[0]))

    def find_event_by_transaction_id(self, mailbox_id: str, transaction_id: str) -> Event | None:
        return self._one_event(select(events.c.data).where(
            events.c.mailbox_id == mailbox_id, events.c.transaction_id == transaction_id))

    def find_events_by_ical_uid(self, ical_uid: str) -> list[Event]:
        statement = (select(events.c.data).where(events.c.ical_uid == ical_uid)
                     .order_by(events.c.seq, binary_text(events.c.id)))
        return [self._remember(loads(Event, row.data)) for row in self.conn.execute(statement)]

    def find_organizer_event(self, ical_uid: str) -> Event | None:
        row = self.run(_ORGANIZER_EVENT, {"ical_uid": ical_uid}).fetchone()
        return None if row is None else self._remember(loads(Event, row[0]))

    def lock_meeting(self, ical_uid: str) -> bool:
        if self.dialect_name != "postgresql":
            return False  # SQLite: BEGIN IMMEDIATE took the database's write lock before the first read
        key = int.from_bytes(hashlib.blake2b(ical_uid.encode(), digest_size=8).digest(), "big", signed=True)
        self.run(_MEETING_LOCK, {"key": key})
        return True

    def query_events(self, calendar_ids: Iterable[str], query: ItemQuery) -> Page[Event]:
        ids = list(calendar_ids)
        if not ids:
            return Page(items=[], total=0 if query.count else None)
        order = [*order_clauses("event", query.orderby), events.c.seq, binary_text(events.c.id)]
        return self.page(
            events, [events.c.data],
            [events.c.calendar_id.in_(ids), events.c.calendar_id.is_not(None), events.c.type.in_(LISTED),
             where_clause("event", query.filter)],
            order, query, lambda row: loads(Event, row.data),
        )

    def query_event_window(self, calendar_ids: Iterable[str], start: datetime, end: datetime) -> list[Event]:
        # Cost follows the window: an event overlapping it starts at or after `start - longest duration`
        # in these calendars, so the (calendar_id, start_utc) index range read is [floor, end).
        ids = list(calendar_ids)
        longest = self._longest_duration(ids)
        if longest is None or end <= start:
            return []
        try:
            floor = format_ts(start - timedelta(seconds=longest))
        except OverflowError:
            floor = NULL_TS
        if len(ids) == 1:   # one calendar (every calendarView): the prebuilt statement on the DBAPI cursor
            rows = self.run(_WINDOW, {"calendar_id": ids[0], "floor": floor, "end": format_ts(end),
                                      "start": format_ts(start)}).fetchall()
            return [loads(Event, row[0]) for row in rows]
        c = events.c
        statement = (select(c.data).where(
            c.calendar_id.in_(ids), c.type.in_(WINDOWED), c.start_utc >= floor,
            c.start_utc < format_ts(end), c.end_utc > format_ts(start))
            .order_by(c.start_utc, c.seq, binary_text(c.id)))
        return [loads(Event, row.data) for row in self.conn.execute(statement)]

    def _longest_duration(self, calendar_ids: list[str]) -> int | None:
        """MAX(duration_s) over these calendars (one index seek each); None when they hold no event."""
        read = self._longest_read
        found = [read[cid] if cid in read else self.run(_LONGEST, {"calendar_id": cid}).fetchone()[0]
                 for cid in calendar_ids]
        known = [value for value in found if value is not None]
        return max(known) if known else None

    def list_series_masters(self, calendar_ids: Iterable[str], starting_before: datetime) -> list[Event]:
        ids = list(calendar_ids)
        if not ids:
            return []
        if len(ids) == 1:
            rows = self.run(_MASTERS, {"calendar_id": ids[0], "before": format_ts(starting_before)}).fetchall()
            return [loads(Event, row[0]) for row in rows]
        c = events.c
        statement = (select(c.data).where(c.calendar_id.in_(ids), c.type == "seriesMaster",
                                          c.start_utc < format_ts(starting_before))
                     .order_by(c.start_utc, c.seq, binary_text(c.id)))
        return [loads(Event, row.data) for row in self.conn.execute(statement)]

    def list_series_exceptions(self, master_ids: Iterable[str]) -> list[Event]:
        ids = list(master_ids)
        if not ids:
            return []
        if len(ids) <= _EXCEPTIONS_MAX:   # a calendar's masters: the same statement for the same number of them
            rows = self.run(_exceptions_of(len(ids)), {f"m{n}": value for n, value in enumerate(ids)}).fetchall()
            return [loads(Event, row[0]) for row in rows]
        c = events.c
        statement = (select(c.data).where(c.series_master_id.in_(ids), c.type == "exception",
                                          c.calendar_id.is_not(None))
                     .order_by(c.start_utc, c.seq, binary_text(c.id)))
        return [loads(Event, row.data) for row in self.conn.execute(statement)]

    def list_series(self, calendar_ids: Iterable[str], starting_before: datetime) -> tuple[list[Event], list[Event]]:
        ids = list(calendar_ids)
        if not ids:
            return [], []
        if len(ids) > 1:
            masters = self.list_series_masters(ids, starting_before)
            before = format_ts(starting_before)
            return masters, [loads(Event, row.data) for row in self.conn.execute(_masters_exceptions(ids, before))]
        # by version first: a calendar's masters rarely change between two reads, and their JSON is most
        # of what a calendarView reads (about 2 KB each)
        params = {"calendar_id": ids[0], "before": format_ts(starting_before)}
        *rows, longest = self.run(_SERIES_VERSIONS, params).fetchall()
        if self.read_only:   # nothing can change it in this unit: its calendarView's window needs it next
            self._longest_read[ids[0]] = longest[2]
        known = [event_at_version(event_id, version) for _kind, event_id, version in rows]
        missing = {row[1]: row[2] for row, event in zip(rows, known) if event is None}
        fetched = self._events_at_versions(missing) if missing else {}
        if fetched is None:   # too many to name, or one was written since: all of them in one statement
            *rows, _longest = self.run(_SERIES, params).fetchall()
            known = [self._decoded_at(event_id, version, data) for _kind, event_id, version, data in rows]
        found: tuple[list[Event], list[Event]] = ([], [])
        for row, event in zip(rows, known):
            found[row[0]].append(event or fetched[row[1]])  # type: ignore[index]
        return found

    def _events_at_versions(self, wanted: dict[str, int | None]) -> dict[str, Event] | None:
        """These events as of these versions; None if there are too many or one is at another version now."""
        if len(wanted) > _BY_IDS_MAX:
            return None
        rows = self.run(_events_by_ids(len(wanted)), {f"i{n}": value for n, value in enumerate(wanted)}).fetchall()
        if len(rows) != len(wanted) or any(wanted[event_id] != version for event_id, version, _data in rows):
            return None
        return {event_id: self._decoded_at(event_id, version, data) for event_id, version, data in rows}

    @staticmethod
    def _decoded_at(event_id: str, version: int | None, data: str) -> Event:
        event = loads(Event, data)
        remember_version(event_id, version, event)
        return event

    def query_folder_events(self, mail_folder_id: str) -> list[Event]:
        statement = (select(events.c.data).where(events.c.mail_folder_id == mail_folder_id)
                     .order_by(events.c.seq, binary_text(events.c.id)))
        return [loads(Event, row.data) for row in self.conn.execute(statement)]

    def update_event(self, event: Event, expected_change_key: str | None = None) -> None:
        before = self._events_read.get(event.id)
        # only a change-key-checked UPDATE may skip columns: it cannot match a row someone else changed
        known = before is not None and expected_change_key is not None and before.change_key == expected_change_key
        values = _without(event_columns(event, before if known else None), "id")
        self.update_item(events, event.id, event.mailbox_id, values, expected_change_key)
        remember_version(event.id, values["version"], event)
        if not known or (before.categories is not event.categories  # type: ignore[union-attr]
                         and event_category_keys(before) != event_category_keys(event)):  # type: ignore[arg-type]
            self.run(_DELETE_CATEGORIES, {"event_id": event.id})
            self._write_categories(event)
        if not known or before.single_value_properties is not event.single_value_properties:  # type: ignore[union-attr]
            self.conn.execute(delete(event_extended_properties).where(
                event_extended_properties.c.event_id == event.id))
            self._write_properties(event)
        self._remember(event)

    def _remember(self, event: Event) -> Event:
        self._events_read[event.id] = event
        return event

    def delete_event(self, mailbox_id: str, event_id: str) -> None:
        self.conn.execute(delete(events).where(events.c.mailbox_id == mailbox_id, events.c.id == event_id))

    def _write_categories(self, event: Event) -> None:
        keys = event_category_keys(event)
        if keys:
            self.conn.execute(insert(event_categories),
                              [{"event_id": event.id, "category_lower": key} for key in keys])

    def _write_properties(self, event: Event) -> None:
        rows = event_property_rows(event)
        if rows:
            self.conn.execute(insert(event_extended_properties), rows)

    def _one_event(self, statement: Select[Any]) -> Event | None:
        row = self.conn.execute(statement).first()
        return None if row is None else loads(Event, row.data)

    # -- messages -------------------------------------------------------------------------------

    def add_message(self, message: Message) -> None:
        self.insert_item(messages, message_columns(message))
        self._write_message_properties(message)

    def get_message(self, mailbox_id: str, message_id: str, for_update: bool = False) -> Message | None:
        statement = select(messages.c.data).where(messages.c.mailbox_id == mailbox_id, messages.c.id == message_id)
        row = self.conn.execute(statement.with_for_update() if for_update else statement).first()
        return None if row is None else loads(Message, row.data)

    def query_messages(self, mailbox_id: str, folder_id: str | None, query: ItemQuery) -> Page[Message]:
        if query.orderby:
            order = [*order_clauses("message", query.orderby), messages.c.seq, binary_text(messages.c.id)]
        else:
            order = [messages.c.received.desc(), messages.c.seq.desc(), binary_text(messages.c.id).desc()]
        folder = None if folder_id is None else messages.c.folder_id == folder_id
        return self.page(
            messages, [messages.c.data],
            [messages.c.mailbox_id == mailbox_id, folder, where_clause("message", query.filter)],
            order, query, lambda row: loads(Message, row.data),
        )

    def find_messages_by_event(self, mailbox_id: str, event_id: str) -> list[Message]:
        statement = (select(messages.c.data).where(messages.c.mailbox_id == mailbox_id,
                                                   messages.c.event_id == event_id)
                     .order_by(messages.c.seq, binary_text(messages.c.id)))
        return [loads(Message, row.data) for row in self.conn.execute(statement)]

    def update_message(self, message: Message, expected_change_key: str | None = None) -> None:
        self.update_item(messages, message.id, message.mailbox_id, _without(message_columns(message), "id"),
                         expected_change_key)
        self.conn.execute(delete(message_extended_properties).where(
            message_extended_properties.c.message_id == message.id))
        self._write_message_properties(message)

    def _write_message_properties(self, message: Message) -> None:
        rows = message_property_rows(message)
        if rows:
            self.conn.execute(insert(message_extended_properties), rows)

    def delete_message(self, mailbox_id: str, message_id: str) -> None:
        self.conn.execute(delete(messages).where(messages.c.mailbox_id == mailbox_id, messages.c.id == message_id))


# statements on every request's path, built once (building one costs more than running it)
_EVENT_BY_ID = select(events.c.data).where(events.c.mailbox_id == bindparam("mailbox_id"),
                                           events.c.id == bindparam("id"))
_LONGEST = select(func.max(events.c.duration_s)).where(events.c.calendar_id == bindparam("calendar_id"))
LISTED = ("singleInstance", "seriesMaster")      # what /events lists (decision 17)
WINDOWED = ("singleInstance", "exception")       # stored rows a calendarView returns as they are
_EVENT_BY_ID_FOR_UPDATE = _EVENT_BY_ID.with_for_update()
# calendarView's reads (one calendar)
_WINDOW = (select(events.c.data).where(
    events.c.calendar_id == bindparam("calendar_id"), events.c.type.in_([literal(kind) for kind in WINDOWED]),
    events.c.start_utc >= bindparam("floor"), events.c.start_utc < bindparam("end"), events.c.end_utc > bindparam("start"))
    .order_by(events.c.start_utc, events.c.seq, binary_text(events.c.id)))
_MASTERS = (select(events.c.data).where(events.c.calendar_id == bindparam("calendar_id"), events.c.type == "seriesMaster",
                                        events.c.start_utc < bindparam("before"))
            .order_by(events.c.start_utc, events.c.seq, binary_text(events.c.id)))
_EXCEPTIONS_MAX = 500


def _masters_exceptions(calendar_ids: list[str] | None, before: Any) -> Select[Any]:
    """The exceptions of the series masters of some calendars (None: the one `calendar_id` parameter)
    starting before `before`: a semi-join, where naming each master costs a parameter each and, on
    PostgreSQL, a plan per number of them."""
    masters = events.alias("masters")
    in_calendars = (masters.c.calendar_id == bindparam("calendar_id") if calendar_ids is None
                    else masters.c.calendar_id.in_(calendar_ids))
    of_masters = select(masters.c.id).where(in_calendars, masters.c.type == "seriesMaster", masters.c.start_utc < before)
    return (select(events.c.data).where(events.c.series_master_id.in_(of_masters), events.c.type == "exception",
                                        events.c.calendar_id.is_not(None))
            .order_by(events.c.start_utc, events.c.seq, binary_text(events.c.id)))


def _series_of_calendar(*head: Any) -> Select[Any]:
    """One calendar's series masters starting before `before` (kind 0), then their exceptions (kind 1),
    each by start, and last the calendar's longest duration (kind 2, in the version column): list_series
    in one statement; `head`: id, version and the columns read."""
    c = events.c
    columns = (*head, c.start_utc.label("start"), c.seq.label("seq"), binary_text(c.id).label("tiebreak"))
    masters = select(literal(0).label("kind"), *columns).where(
        c.calendar_id == bindparam("calendar_id"), c.type == "seriesMaster", c.start_utc < bindparam("before"))
    exceptions = _masters_exceptions(None, bindparam("before")).with_only_columns(literal(1), *columns).order_by(None)
    longest = _LONGEST.with_only_columns(literal(2), null(), func.max(c.duration_s), *[null()] * (len(columns) - 2))
    rows = union_all(masters, exceptions, longest).subquery()
    return (select(rows.c.kind, *(rows.c[column.name] for column in head))   # the order's columns stay behind
            .order_by(rows.c.kind, rows.c.start, rows.c.seq, rows.c.tiebreak))


_SERIES_VERSIONS = _series_of_calendar(events.c.id, events.c.version)
_SERIES = _series_of_calendar(events.c.id, events.c.version, events.c.data)
_BY_IDS_MAX = 64


@functools.lru_cache(maxsize=_BY_IDS_MAX)
def _events_by_ids(count: int) -> Select[Any]:
    """Events by id (parameters i0, i1, ...), with their versions."""
    return select(events.c.id, events.c.version, events.c.data).where(
        events.c.id.in_([bindparam(f"i{n}") for n in range(count)]))


@functools.lru_cache(maxsize=64)
def _exceptions_of(count: int) -> Select[Any]:
    """The exceptions of `count` series masters (parameters m0, m1, ...)."""
    return (select(events.c.data).where(events.c.series_master_id.in_([bindparam(f"m{n}") for n in range(count)]),
                                        events.c.type == "exception", events.c.calendar_id.is_not(None))
            .order_by(events.c.start_utc, events.c.seq, binary_text(events.c.id)))
_ORGANIZER_EVENT = (select(events.c.data).where(events.c.ical_uid == bindparam("ical_uid"), events.c.is_organizer == true())
                    .order_by(events.c.seq).limit(1))
_DELETE_CATEGORIES = delete(event_categories).where(event_categories.c.event_id == bindparam("event_id"))


def _without(values: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key not in keys}


_MEETING_LOCK = select(func.pg_advisory_xact_lock(bindparam("key")))
