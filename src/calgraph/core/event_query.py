"""An ItemQuery run over events in memory (calendarView and instances merge stored events with occurrences
that exist only in memory), with the store's semantics: the property paths of EVENT_PROPERTIES, strings
case-insensitive, instants compared as fixed-width UTC text (all-day events as their dates taken as UTC).
"""

from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Any, Callable

from calgraph.core import timezones
from calgraph.core.errors import UnsupportedQuery
from calgraph.core.model import Event, When
from calgraph.core.query import And, Compare, Filter, ItemQuery, Not, Or, Page, Value, matches, sort_items

_INSTANT_PATHS = frozenset({"start/dateTime", "end/dateTime", "createdDateTime", "lastModifiedDateTime"})


def instant_text(instant: datetime) -> str:
    """The store's column format for an instant (naive means UTC)."""
    if instant.tzinfo is not None:
        instant = instant.astimezone(timezone.utc).replace(tzinfo=None)
    return instant.isoformat(timespec="microseconds")


def instant(text: str) -> datetime:
    """A column-format instant back to an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def bound(when: When, is_all_day: bool) -> str:
    """An event's start or end as the store indexes it (all-day: the local date at midnight, as if UTC)."""
    if is_all_day:
        return instant_text(datetime.combine(when.local.date(), time()))
    return instant_text(timezones.to_utc(when))


_VALUES: dict[str, Callable[[Event], Any]] = {
    "id": lambda e: e.id,
    "subject": lambda e: e.subject,
    "start/dateTime": lambda e: bound(e.start, e.is_all_day),
    "end/dateTime": lambda e: bound(e.end, e.is_all_day),
    "createdDateTime": lambda e: instant_text(e.created),
    "lastModifiedDateTime": lambda e: instant_text(e.last_modified),
    "isAllDay": lambda e: e.is_all_day,
    "isCancelled": lambda e: e.is_cancelled,
    "isOrganizer": lambda e: e.is_organizer,
    "type": lambda e: e.type,
    "iCalUId": lambda e: e.ical_uid,
    "importance": lambda e: e.importance,
    "sensitivity": lambda e: e.sensitivity,
    "showAs": lambda e: e.show_as,
    "organizer/emailAddress/address": lambda e: e.organizer.address,
    "organizer/emailAddress/name": lambda e: e.organizer.name,
    "categories": lambda e: list(e.categories),
    "singleValueExtendedProperties": lambda e: [(p.id, p.value) for p in e.single_value_properties],
}


def value_of(event: Event, path: str) -> Any:
    getter = _VALUES.get(path)
    if getter is None:
        raise UnsupportedQuery(f"The property '{path}' cannot be used in $filter or $orderby here.")
    return getter(event)


def _normalized(flt: Filter | None) -> Filter | None:
    """Instant literals in the column format, as the store compares them ('2017-07-01T08:00', a date, 'Z'...)."""
    if isinstance(flt, (And, Or)):
        return type(flt)(_normalized(flt.left), _normalized(flt.right))  # type: ignore[arg-type]
    if isinstance(flt, Not):
        return Not(_normalized(flt.operand))  # type: ignore[arg-type]
    if isinstance(flt, Compare) and flt.prop.path in _INSTANT_PATHS and isinstance(flt.value.value, str):
        try:
            text = instant_text(datetime.fromisoformat(flt.value.value.strip()))
        except ValueError:
            raise UnsupportedQuery(f"The DateTime literal '{flt.value.value}' is not valid.") from None
        return Compare(flt.op, flt.prop, Value(text))
    return flt


def by_start(events: list[Event]) -> list[Event]:
    """Ordered by start (the stored bound), then end, then id: calendarView's default order."""
    return sorted(events, key=lambda e: (bound(e.start, e.is_all_day), bound(e.end, e.is_all_day), e.id))


def page(events: list[Event], query: ItemQuery) -> Page[Event]:
    """Filter, order (by start unless $orderby), skip, top and count a list of events."""
    if any(order.path == "categories" for order in query.orderby):
        raise UnsupportedQuery("The property 'categories' cannot be used in $orderby.")
    flt = _normalized(query.filter)
    kept = [e for e in events if matches(flt, lambda path, e=e: value_of(e, path))]  # type: ignore[misc]
    kept = sort_items(by_start(kept), query.orderby, value_of)
    top, skip = max(query.top, 0), max(query.skip, 0)
    return Page(kept[skip:skip + top], len(kept) if query.count else None, len(kept) > skip + top)
