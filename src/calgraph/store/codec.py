"""Domain objects <-> JSON for the `data` column, and the indexed column values beside it.

The codec is driven by the dataclasses' type hints (through pydantic), so a new field needs no code
here: datetimes travel as ISO strings, tuples as lists, nested dataclasses as objects.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from datetime import UTC, datetime, time, timedelta
from functools import cache
from operator import attrgetter
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import TypeAdapter

from calgraph.core.model import Event, Message, When
from calgraph.core.timezones import to_utc

T = TypeVar("T")

NULL_TS = ""          # an absent instant (e.g. a draft's receivedDateTime) in a NOT NULL column


# -- timestamps ------------------------------------------------------------------------------------

def format_ts(instant: datetime) -> str:
    """The fixed-width UTC column format; a naive datetime is taken as UTC."""
    last = _last_formatted
    if last[0] is instant:  # a request stamps everything it writes with one `now`
        return last[1]
    text = (instant.astimezone(UTC).replace(tzinfo=None) if instant.tzinfo is not None else instant
            ).isoformat(timespec="microseconds")
    _remember_formatted(instant, text)
    return text


_last_formatted: tuple[datetime | None, str] = (None, "")


def _remember_formatted(instant: datetime, text: str) -> None:
    global _last_formatted
    _last_formatted = (instant, text)   # one tuple, swapped whole: safe across threads


def format_optional_ts(instant: datetime | None) -> str:
    return NULL_TS if instant is None else format_ts(instant)


def parse_ts(value: str) -> datetime:
    """A column timestamp back to an aware UTC datetime."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def event_bound_ts(when: When, is_all_day: bool) -> str:
    """start_utc / end_utc: the UTC instant, or for all-day events the local date at midnight as if UTC."""
    if is_all_day:
        return format_ts(datetime.combine(when.local.date(), time()))
    return format_ts(to_utc(when))


def event_duration_s(event: Event) -> int:
    """Whole seconds from start_utc to end_utc, rounded up, so `start_utc >= windowStart - MAX(duration_s)`
    never misses an event that overlaps the window."""
    span = parse_ts(event_bound_ts(event.end, event.is_all_day)) - parse_ts(event_bound_ts(event.start, event.is_all_day))
    return max(0, -(-span // timedelta(seconds=1)))


# -- indexed columns -------------------------------------------------------------------------------

def event_columns(event: Event, before: Event | None = None) -> dict[str, Any]:
    """Every `events` column except `seq`; with `before` (the stored row's event), only `data`, a new
    `version` and the columns whose source fields differ from it."""
    return {**event_index_columns(event, before), "data": dumps(event), "version": new_version()}


def new_version() -> int:
    """An `events` row's version: random, so no two writes of a row share one (in any database, before or
    after any restore) and (id, version) names one content for good; see remember_version."""
    return secrets.randbits(63)


def event_index_columns(event: Event, before: Event | None = None) -> dict[str, Any]:
    """The `events` columns beside `data` and `seq` [only those whose source fields differ from `before`]."""
    if before is None:
        return {name: value(event) for name, (_, value) in _EVENT_COLUMNS.items()}
    # evolve() keeps the very objects of the fields it does not change: most fields compare by identity
    columns: set[str] = set()
    for field, now, then in zip(_EVENT_FIELDS, _event_fields(event), _event_fields(before)):
        if now is not then and now != then:
            columns.update(_COLUMNS_OF[field])
    return {name: value(event) for name, (_, value) in _EVENT_COLUMNS.items() if name in columns}


_EVENT_COLUMNS: dict[str, tuple[tuple[str, ...], Callable[[Event], Any]]] = {
    # column: (the Event fields it derives from, how)
    "id": (("id",), lambda e: e.id),
    "mailbox_id": (("mailbox_id",), lambda e: e.mailbox_id),
    "calendar_id": (("calendar_id",), lambda e: e.calendar_id),
    "mail_folder_id": (("mail_folder_id",), lambda e: e.mail_folder_id),
    "ical_uid": (("ical_uid",), lambda e: e.ical_uid),
    "series_master_id": (("series_master_id",), lambda e: e.series_master_id),
    "transaction_id": (("transaction_id",), lambda e: e.transaction_id),
    "type": (("type",), lambda e: e.type),
    "subject": (("subject",), lambda e: e.subject),
    "subject_lower": (("subject",), lambda e: e.subject.lower()),
    "start_utc": (("start", "is_all_day"), lambda e: event_bound_ts(e.start, e.is_all_day)),
    "end_utc": (("end", "is_all_day"), lambda e: event_bound_ts(e.end, e.is_all_day)),
    "duration_s": (("start", "end", "is_all_day"), event_duration_s),
    "is_all_day": (("is_all_day",), lambda e: e.is_all_day),
    "is_cancelled": (("is_cancelled",), lambda e: e.is_cancelled),
    "is_organizer": (("is_organizer",), lambda e: e.is_organizer),
    "organizer_address_lower": (("organizer",), lambda e: e.organizer.address.lower()),
    "organizer_name_lower": (("organizer",), lambda e: e.organizer.name.lower()),
    "importance": (("importance",), lambda e: e.importance),
    "sensitivity": (("sensitivity",), lambda e: e.sensitivity),
    "show_as": (("show_as",), lambda e: e.show_as),
    "created": (("created",), lambda e: format_ts(e.created)),
    "last_modified": (("last_modified",), lambda e: format_ts(e.last_modified)),
    "change_key": (("change_key",), lambda e: e.change_key),
}
_EVENT_FIELDS = tuple(dict.fromkeys(field for fields, _ in _EVENT_COLUMNS.values() for field in fields))
_event_fields = attrgetter(*_EVENT_FIELDS)   # an Event's values of those fields, in that order, in one call
_COLUMNS_OF = {field: tuple(name for name, (fields, _) in _EVENT_COLUMNS.items() if field in fields)
               for field in _EVENT_FIELDS}


def event_category_keys(event: Event) -> list[str]:
    """The distinct lower-cased categories, as stored in event_categories."""
    return sorted({category.lower() for category in event.categories})


def event_property_rows(event: Event) -> list[dict[str, str]]:
    """The single-value extended properties as stored in event_extended_properties (for $filter)."""
    return [{"event_id": event.id, "property_key": p.id.lower(), "value_lower": p.value.lower()}
            for p in event.single_value_properties]


def message_property_rows(message: Message) -> list[dict[str, str]]:
    """The single-value extended properties as stored in message_extended_properties (for $filter)."""
    return [{"message_id": message.id, "property_key": p.id.lower(), "value_lower": p.value.lower()}
            for p in message.single_value_properties]


def message_columns(message: Message) -> dict[str, Any]:
    """Every `messages` column except `seq`."""
    return {
        "id": message.id,
        "mailbox_id": message.mailbox_id,
        "folder_id": message.folder_id,
        "event_id": message.event_id,
        "kind": message.kind,
        "subject": message.subject,
        "subject_lower": message.subject.lower(),
        "from_address_lower": message.sender.address.lower() if message.sender else "",
        "received": format_optional_ts(message.received),
        "sent": format_optional_ts(message.sent),
        "is_read": message.is_read,
        "is_draft": message.is_draft,
        "importance": message.importance,
        "created": format_ts(message.created),
        "last_modified": format_ts(message.last_modified),
        "change_key": message.change_key,
        "data": dumps(message),
    }


# -- JSON ------------------------------------------------------------------------------------------
# pydantic-core (Rust) reads and writes the dataclasses from their type hints: about ten times faster
# than walking the hints in Python, and a new field still needs no code here. Instants are written as
# ISO 8601 (UTC as `Z`), tuples as lists, nested dataclasses as objects.

@cache
def _adapter(cls: type) -> TypeAdapter[Any]:
    return TypeAdapter(cls)


def dumps(obj: Any) -> str:
    text = _adapter(type(obj)).dump_json(obj).decode()
    if type(obj) is Event:
        _decoded.put(text, obj)
    return text


def loads(cls: type[T], text: str) -> T:
    if cls is Event:
        known = _decoded.get(text)
        if known is not None:
            return known  # type: ignore[no-any-return]
        event = _adapter(cls).validate_json(text)
        _decoded.put(text, event)
        return event  # type: ignore[no-any-return]
    return _adapter(cls).validate_json(text)


class _DecodedEvents:
    """The events last written or read, by their exact JSON text (or another key that names one content
    for good): the same text always decodes to the same (immutable) Event, so a hit is never stale,
    whoever wrote the row. A meeting's events are read again on every answer to it; decoding one costs
    ~70 us."""

    def __init__(self, size: int) -> None:
        self.size = size
        # oldest first; an OrderedDict drops its oldest entry in O(1), where a dict's iterator would first
        # step over every slot its earlier deletions left empty
        self.items: OrderedDict[Any, Event] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Event | None:
        return self.items.get(key)

    def put(self, key: Any, event: Event) -> None:
        with self.lock:
            self.items[key] = event
            if len(self.items) > self.size:
                self.items.popitem(last=False)


_decoded = _DecodedEvents(4096)   # about 40 MB at most for events of 10 attendees
_by_version = _DecodedEvents(8192)  # mostly the same Event objects as _decoded's


def remember_version(event_id: str, version: int | None, event: Event) -> None:
    """`event` is the content of row `event_id` at `version` (from the same statement, or written with it)."""
    if version is not None:   # None: a row restored from a snapshot older than versions; never cached
        _by_version.put((event_id, version), event)


def event_at_version(event_id: str, version: int | None) -> Event | None:
    """The event row `event_id` held at `version`, if this process has seen it: a series master is read
    on every calendarView of its calendar, and comparing versions spares reading its JSON each time."""
    return None if version is None else _by_version.get((event_id, version))
