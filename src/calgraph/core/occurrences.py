"""A series' occurrences as (virtual, never stored) events, and their item ids (pure: no HTTP, no SQL).

Occurrence item ids: `AAMk` + URL-safe base64 (with `=` padding) of the occurrence id of decision 25,
`OID.{seriesMasterId}.{yyyy-MM-dd}` (the original start's date in the recurrence zone). So an id is stable,
looks like every other item id (passes `ids.is_item_id`: a 68-character master id gives 116 characters),
and decodes back to its master and date without any stored row. Stored ids are `AAMk` + 45 random bytes,
which decode to `OID.` with probability 2^-32, and then still need a series master of that id.

An occurrence copies its master's properties, with `type: occurrence`, `seriesMasterId`, its own start and
end, `recurrence: null`, `originalStart` (the UTC instant of the nominal original start; for all-day series
the original date at midnight UTC, as all-day events are compared as dates taken as UTC), `occurrenceId`,
and an `iCalUId` whose instance-date bytes (16-19 of the Exchange global object id) hold its date, as
Exchange's do; beta `uid` stays the series' (see series_uid).

calendarView pages through occurrences without building them: expand_keyed gives each its key (integer
start and end, see calgraph.core.ticks; its id) and a timed one nothing more than its master, day and
original start; `Virtual` is such an occurrence, `Virtual.event()` the Event occurrence_event makes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timezone
from operator import itemgetter
from typing import Any, NamedTuple

from calgraph.core import event_query, recurrence, recurrence_rules, ticks, timezones
from calgraph.core.ids import ICAL_UID_PREFIX, ITEM_ID_PREFIX
from calgraph.core.model import Event
from calgraph.core.recurrence import Occurrence, Series

_OID = recurrence.OID_PREFIX.encode()
DATE_HEX = slice(len(ICAL_UID_PREFIX), len(ICAL_UID_PREFIX) + 8)   # an iCalUId's instance-date bytes, as hex


def item_id(master_id: str, day: date) -> str:
    """The item id of the occurrence of `master_id` originally on `day` (see the module note)."""
    head, rest = _id_head(master_id)
    tail = rest + f".{day.year:04d}-{day.month:02d}-{day.day:02d}".encode()
    return head + base64.urlsafe_b64encode(tail).decode()


def _item_ids(master_id: str) -> Callable[[int], str]:
    """item_id of `master_id` by day number (ordinal - 1), remembered per master."""
    known = _IDS.get(master_id)
    if known is None:
        if len(_IDS) >= _SERIES_MAX:
            _IDS.clear()
        known = _IDS[master_id] = {}
    head, rest = _id_head(master_id)

    def ids(day: int) -> str:
        found = known.get(day)
        if found is None:
            if len(known) >= 5000:
                known.clear()
            found = known[day] = head + base64.urlsafe_b64encode(rest + b"." + ticks.date_text(day).encode()).decode()
        return found
    return ids


_IDS: dict[str, dict[int, str]] = {}


def _id_head(master_id: str) -> tuple[str, bytes]:
    """The encoded whole 3-byte groups of `AAMk` + `OID.{master_id}`, and the bytes left over (as text);
    remembered per master, so an occurrence's id encodes only its last few bytes."""
    known = _HEADS.get(master_id)
    if known is None:
        raw = f"{recurrence.OID_PREFIX}{master_id}".encode()
        cut = len(raw) - len(raw) % 3
        known = (ITEM_ID_PREFIX + base64.urlsafe_b64encode(raw[:cut]).decode(), raw[cut:])
        if len(_HEADS) >= _SERIES_MAX:
            _HEADS.clear()
        _HEADS[master_id] = known
    return known


_HEADS: dict[str, tuple[str, bytes]] = {}


def parse_item_id(value: str) -> tuple[str, date] | None:
    """(master id, date) of an occurrence item id; None for any other string."""
    if not value.startswith(ITEM_ID_PREFIX):
        return None
    text = value[len(ITEM_ID_PREFIX):]
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    if not raw.startswith(_OID):
        return None
    try:
        return recurrence.parse_occurrence_id(raw.decode())
    except UnicodeDecodeError:
        return None


def instance_uid(ical_uid: str, day: date) -> str:
    """The series' iCalUId with the occurrence's date in its instance-date bytes (YYYY MM DD, hex)."""
    if not ical_uid.startswith(ICAL_UID_PREFIX) or len(ical_uid) < DATE_HEX.stop:
        return ical_uid
    return f"{ical_uid[:DATE_HEX.start]}{date_hex(day)}{ical_uid[DATE_HEX.stop:]}"


def date_hex(day: date) -> str:
    """An occurrence's date as an iCalUId's instance-date bytes (YYYY MM DD, hex)."""
    return f"{day.year:04X}{day.month:02X}{day.day:02X}"


def series_uid(ical_uid: str) -> str:
    """The iCalUId shared by a whole series (instance date zeroed): beta's `uid`."""
    if not ical_uid.startswith(ICAL_UID_PREFIX) or len(ical_uid) < DATE_HEX.stop:
        return ical_uid
    return f"{ical_uid[:DATE_HEX.start]}00000000{ical_uid[DATE_HEX.stop:]}"


def series_of(master: Event) -> Series | None:
    """The master's recurrence ready to expand; None for an event that is not a series master.
    Remembered per (id, change key): a master's series changes only with its change key."""
    if master.type != "seriesMaster" or master.recurrence is None:
        return None
    key = (master.id, master.change_key)
    known = _SERIES.get(key)
    if known is None:
        known = recurrence.series(master.recurrence, master.start, master.end, master.is_all_day)
        if len(_SERIES) >= _SERIES_MAX:
            _SERIES.clear()
        _SERIES[key] = known
    return known


_SERIES: dict[tuple[str, str], Series] = {}
_SERIES_MAX = 20_000


def original_instant(occurrence: Occurrence, is_all_day: bool) -> datetime:
    if is_all_day:
        return datetime.combine(occurrence.day, time(), timezone.utc)
    if occurrence.original_utc is not None:
        return occurrence.original_utc
    return timezones.to_utc(occurrence.original_start)


def occurrence_event(master: Event, occurrence: Occurrence) -> Event:
    """The virtual event of one occurrence of `master`."""
    day = occurrence.day
    return master.evolve(
        id=item_id(master.id, day), type="occurrence", series_master_id=master.id, recurrence=None,
        start=occurrence.start, end=occurrence.end, original_start=original_instant(occurrence, master.is_all_day),
        occurrence_id=recurrence.occurrence_id(master.id, day), ical_uid=instance_uid(master.ical_uid, day),
        cancelled_occurrences=(), transaction_id=None,
    )


class Found(NamedTuple):
    """An event of a view with its place in the default order: its start and end as the store bounds
    them (event_query.bound), and for a timed occurrence the UTC instants of its start and end."""

    start: str
    end: str
    event: Event
    instants: tuple[datetime, datetime] | None = None


def found(event: Event) -> Found:
    """A stored event with its bounds."""
    return Found(event_query.bound(event.start, event.is_all_day), event_query.bound(event.end, event.is_all_day),
                 event)


def _found(event: Event, occurrence: Occurrence) -> Found:
    start, end = occurrence.start_utc, occurrence.end_utc
    if event.is_all_day or start is None or end is None:
        return found(event)
    return Found(event_query.instant_text(start), event_query.instant_text(end), event, (start, end))


def expand_found(masters: Iterable[Event], window_start: datetime, window_end: datetime) -> list[Found]:
    """The occurrences of `masters` overlapping [window_start, window_end), by master then start, without
    those the master lists in `cancelledOccurrences`."""
    out = []
    for master in masters:
        series = series_of(master)
        if series is None:
            continue
        cancelled = set(master.cancelled_occurrences)
        for occurrence in recurrence.expand(series, window_start, window_end):
            if cancelled and recurrence.occurrence_id(master.id, occurrence.day) in cancelled:
                continue
            out.append(_found(occurrence_event(master, occurrence), occurrence))
    return out


class Virtual(tuple):  # type: ignore[type-arg]
    """A timed occurrence not (yet) built as an Event: its master, original day and instants (as ticks,
    see calgraph.core.ticks), which is all that ordering, paging and rendering it need. `event()` builds
    the Event occurrence_event would."""

    __slots__ = ()
    type = "occurrence"
    is_all_day = False
    # a tuple (made from its key, see Keyed): start, end (ticks, UTC), id, master, day number, original start
    start: int = property(itemgetter(0))  # type: ignore[assignment]
    end: int = property(itemgetter(1))  # type: ignore[assignment]
    id: str = property(itemgetter(2))  # type: ignore[assignment]
    master: Event = property(itemgetter(3))  # type: ignore[assignment]
    day_number: int = property(itemgetter(4))  # type: ignore[assignment]
    original: int = property(itemgetter(5))  # type: ignore[assignment]

    @property
    def day(self) -> date:
        """The original start's date in the recurrence zone."""
        return ticks.day_of(self.day_number * ticks.DAY)

    @property
    def start_utc(self) -> datetime:
        return ticks.aware(self.start)

    @property
    def end_utc(self) -> datetime:
        return ticks.aware(self.end)

    @property
    def original_utc(self) -> datetime:
        return ticks.aware(self.original)

    @property
    def series_master_id(self) -> str:
        return self.master.id

    @property
    def original_start(self) -> datetime:
        return self.original_utc

    @property
    def occurrence_id(self) -> str:
        return f"{recurrence.OID_PREFIX}{self.master.id}.{ticks.date_text(self.day_number)}"

    def event(self) -> Event:
        master, day = self.master, self.day
        return master.evolve(
            id=self.id, type="occurrence", series_master_id=master.id, recurrence=None,
            start=timezones.from_utc(self.start_utc, master.start.zone),
            end=timezones.from_utc(self.end_utc, master.end.zone), original_start=self.original_utc,
            occurrence_id=self.occurrence_id, ical_uid=instance_uid(master.ical_uid, day),
            cancelled_occurrences=(), transaction_id=None,
        )


ViewItem = Event | Virtual   # what a view by time pages through


Keyed = tuple[Any, ...]
"""A view item with its place in the default order: a plain tuple of its start and end as the store bounds
them (event_query.bound), as ticks, its id, then either the event (stored events, all-day occurrences),
or for a timed occurrence its master, day number and original start (ticks): item() makes the Virtual."""


def item(key: Keyed) -> ViewItem:
    return key[3] if len(key) == 4 else Virtual(key)


def keyed(event: Event) -> Keyed:
    """A stored event (or an all-day occurrence) with its bounds."""
    if event.is_all_day:
        return (event.start.local.toordinal() * ticks.DAY - ticks.DAY,
                event.end.local.toordinal() * ticks.DAY - ticks.DAY, event.id, event)
    return ticks.of(timezones.to_utc(event.start)), ticks.of(timezones.to_utc(event.end)), event.id, event


def expand_keyed(masters: Iterable[Event], window_start: datetime, window_end: datetime) -> list[Keyed]:
    """expand_found's items, keyed; timed occurrences without building anything but their key."""
    out: list[Keyed] = []
    first, last = ticks.of(window_start.astimezone(timezone.utc)), ticks.of(window_end.astimezone(timezone.utc))
    for master in masters:
        series = series_of(master)
        if series is None:
            continue
        if series.is_all_day:
            out += (keyed(item.event) for item in expand_found([master], window_start, window_end))
            continue
        found = recurrence_rules.window_ticks(series, first, last)
        if found is None:
            found = [(day.toordinal() - 1, ticks.of(original), ticks.of(start), ticks.of(end))
                     for day, original, start, end in recurrence.expand_timed(series, window_start, window_end)]
        if not found:
            continue
        ids = _item_ids(master.id)
        if master.cancelled_occurrences:
            cancelled = set(master.cancelled_occurrences)
            oid = f"{recurrence.OID_PREFIX}{master.id}."
            found = [k for k in found if oid + ticks.date_text(k[0]) not in cancelled]
        out += [(start, end, ids(day), master, day, original) for day, original, start, end in found]
    return out


def keyed_without_replaced(found: list[Keyed], exceptions: Iterable[Event]) -> list[Keyed]:
    """without_replaced over Keyed items."""
    exceptions = list(exceptions)
    if not exceptions:
        return found
    by_id = {e.occurrence_id for e in exceptions if e.occurrence_id}
    by_start = {(e.series_master_id, _ticks_of(e.original_start)) for e in exceptions if e.original_start is not None}
    kept = []
    for key in found:
        if len(key) == 4:
            event = key[3]
            gone = event.occurrence_id in by_id or (
                event.original_start is not None and (event.series_master_id, _ticks_of(event.original_start)) in by_start)
        else:
            master_id, day, original = key[3].id, key[4], key[5]
            gone = f"{recurrence.OID_PREFIX}{master_id}.{ticks.date_text(day)}" in by_id or (master_id, original) in by_start
        if not gone:
            kept.append(key)
    return kept


def _ticks_of(instant: datetime) -> int:
    return ticks.of(instant.astimezone(timezone.utc) if instant.tzinfo is not None else instant)


def expand(masters: Iterable[Event], window_start: datetime, window_end: datetime) -> list[Event]:
    """expand_found's events."""
    return [item.event for item in expand_found(masters, window_start, window_end)]


def without_replaced(found: list[Event], exceptions: Iterable[Event]) -> list[Event]:
    """`found` occurrences but those an exception stands for (same occurrence id, or same master and
    original start)."""
    replaced = _replaced(exceptions)
    return found if replaced is None else [e for e in found if not replaced(e)]


def _replaced(exceptions: Iterable[Event]) -> Callable[[Event], bool] | None:
    """Whether an exception stands for an occurrence; None when there are no exceptions."""
    exceptions = list(exceptions)
    if not exceptions:
        return None
    by_id = {e.occurrence_id for e in exceptions if e.occurrence_id}
    by_start = {(e.series_master_id, e.original_start) for e in exceptions if e.original_start is not None}
    return lambda e: e.occurrence_id in by_id or (e.series_master_id, e.original_start) in by_start


def occurrence_on(master: Event, day: date) -> Event | None:
    """The occurrence of `master` originally on `day`, unless there is none or it was cancelled."""
    series = series_of(master)
    occurrence = None if series is None else recurrence.occurrence_on(series, day)
    if occurrence is None or recurrence.occurrence_id(master.id, day) in master.cancelled_occurrences:
        return None
    return occurrence_event(master, occurrence)
