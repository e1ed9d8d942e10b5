"""Domain objects <-> JSON for the `data` column, and the indexed column values beside it.

The codec is driven by the dataclasses' type hints (through pydantic), so a new field needs no code
here: datetimes travel as ISO strings, tuples as lists, nested dataclasses as objects.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from functools import cache
from typing import Any, TypeVar

from pydantic import TypeAdapter

from calgraph.core.model import Event, Message, When
from calgraph.core.timezones import to_utc

T = TypeVar("T")

NULL_TS = ""          # an absent instant (e.g. a draft's receivedDateTime) in a NOT NULL column


# -- timestamps ------------------------------------------------------------------------------------

def format_ts(instant: datetime) -> str:
    """The fixed-width UTC column format; a naive datetime is taken as UTC."""
    if instant.tzinfo is not None:
        instant = instant.astimezone(UTC)
    return (
        f"{instant.year:04d}-{instant.month:02d}-{instant.day:02d}T"
        f"{instant.hour:02d}:{instant.minute:02d}:{instant.second:02d}.{instant.microsecond:06d}"
    )


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


# -- indexed columns -------------------------------------------------------------------------------

def event_columns(event: Event) -> dict[str, Any]:
    """Every `events` column except `seq`."""
    return {
        "id": event.id,
        "mailbox_id": event.mailbox_id,
        "calendar_id": event.calendar_id,
        "mail_folder_id": event.mail_folder_id,
        "ical_uid": event.ical_uid,
        "series_master_id": event.series_master_id,
        "transaction_id": event.transaction_id,
        "type": event.type,
        "subject": event.subject,
        "subject_lower": event.subject.lower(),
        "start_utc": event_bound_ts(event.start, event.is_all_day),
        "end_utc": event_bound_ts(event.end, event.is_all_day),
        "is_all_day": event.is_all_day,
        "is_cancelled": event.is_cancelled,
        "is_organizer": event.is_organizer,
        "organizer_address_lower": event.organizer.address.lower(),
        "organizer_name_lower": event.organizer.name.lower(),
        "importance": event.importance,
        "sensitivity": event.sensitivity,
        "show_as": event.show_as,
        "created": format_ts(event.created),
        "last_modified": format_ts(event.last_modified),
        "change_key": event.change_key,
        "data": dumps(event),
    }


def event_category_keys(event: Event) -> list[str]:
    """The distinct lower-cased categories, as stored in event_categories."""
    return sorted({category.lower() for category in event.categories})


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
    return _adapter(type(obj)).dump_json(obj).decode()


def loads(cls: type[T], text: str) -> T:
    return _adapter(cls).validate_json(text)
