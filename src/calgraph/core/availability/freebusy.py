"""Free/busy: which calendar items count and how (status, the availabilityView string), what a caller
may see of them, and the limits of a getSchedule request."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Iterable, Literal

from calgraph.core import timezones
from calgraph.core.availability import errors
from calgraph.core.model import Event

MAX_SCHEDULES = 100
MAX_WINDOW_DAYS = 62
MAX_ITEMS = 1000
DEFAULT_INTERVAL = 30
MIN_INTERVAL, MAX_INTERVAL = 5, 1440

# showAs -> freeBusyStatus (an invalid / unknown busy type counts as tentative, as Exchange does)
STATUS_OF_SHOW_AS = {"free": "free", "tentative": "tentative", "busy": "busy", "oof": "oof",
                     "workingElsewhere": "workingElsewhere", "unknown": "tentative"}
CHAR = {"free": "0", "workingElsewhere": "0", "tentative": "1", "busy": "2", "oof": "3"}
WEIGHT = {"free": 1, "workingElsewhere": 1, "tentative": 2, "busy": 3, "oof": 4}
# precedence when one status stands for a span (findMeetingTimes): workingElsewhere beats free
RANK = {"free": 0, "workingElsewhere": 1, "tentative": 2, "busy": 3, "oof": 4}

Level = Literal["full", "limitedDetails", "availabilityOnly", "none"]


@dataclass(frozen=True)
class BusyItem:
    """One counted calendar item (a single event, an occurrence or an exception) as free/busy sees it."""

    start: datetime          # aware UTC
    end: datetime
    status: str              # freeBusyStatus
    subject: str
    location: str
    is_private: bool
    series_key: str          # the meeting it belongs to (a series' occurrences share it)
    order: int               # creation order, the last sort key


def span_of(event: Event) -> tuple[datetime, datetime]:
    """An event's real span; an all-day event runs midnight to midnight in its own start zone."""
    if event.is_all_day:
        zone = event.start.zone if timezones.is_supported(event.start.zone) else "UTC"
        tz = timezones.resolve(zone)
        start = datetime.combine(event.start.local.date(), time(), tz).astimezone(timezone.utc)
        end = datetime.combine(event.end.local.date(), time(), tz).astimezone(timezone.utc)
        return start, end
    return timezones.to_utc(event.start), timezones.to_utc(event.end)


def busy_item(event: Event, order: int) -> BusyItem:
    start, end = span_of(event)
    return occurrence_item(event, start, end, order)


def occurrence_item(event: Event, start: datetime, end: datetime, order: int) -> BusyItem:
    """`event` (or the series master of a timed occurrence) over [start, end)."""
    status = "free" if event.is_cancelled else STATUS_OF_SHOW_AS.get(event.show_as, "tentative")
    key = event.series_master_id or (event.id if event.type == "seriesMaster" else event.ical_uid)
    return BusyItem(start, end, status, event.subject, str(event.location.get("displayName") or ""),
                    event.sensitivity in ("private", "confidential"), key, order)


def sorted_in(items: Iterable[BusyItem], start: datetime, end: datetime) -> list[BusyItem]:
    """The items overlapping [start, end), by start, then end descending, then creation."""
    kept = [i for i in items if i.start < end and i.end > start]
    kept.sort(key=lambda i: (i.start, -i.end.timestamp(), i.order))
    return kept


def items_in(events: Iterable[Event], start: datetime, end: datetime) -> list[BusyItem]:
    return sorted_in((busy_item(e, n) for n, e in enumerate(events)), start, end)


def availability_view(items: Iterable[BusyItem], start: datetime, end: datetime, interval: int) -> str:
    """One character per `interval` minutes of elapsed time from `start` (the last slot may be partial)."""
    minutes = (end - start).total_seconds() / 60
    slots = math.ceil(minutes / interval)
    view = ["0"] * slots
    weights = [1] * slots
    for item in items:
        first = max(0, math.trunc((item.start - start).total_seconds() / 60 / interval))
        last = min(slots - 1, math.ceil((item.end - start).total_seconds() / 60 / interval) - 1)
        char, weight = CHAR[item.status], WEIGHT[item.status]
        for k in range(first, last + 1):
            if weights[k] < weight:
                view[k], weights[k] = char, weight
    return "".join(view)


def status_over(items: Iterable[BusyItem], start: datetime, end: datetime) -> str:
    """The strongest status of the items overlapping [start, end) (free when none)."""
    best = "free"
    for item in items:
        if item.start < end and item.end > start and RANK[item.status] > RANK[best]:
            best = item.status
    return best


def detail_level(is_self: bool, is_app: bool, shared: bool, configured: str) -> Level:
    """How much the caller sees of a mailbox's items: everything of its own, limited details through a
    share, an app token or the owner's setting, otherwise what the owner's setting allows."""
    if is_self:
        return "full"
    if shared or is_app:
        return "limitedDetails"
    return configured  # type: ignore[return-value]


def check_schedules(count: int) -> None:
    """getSchedule's first checks (then the times are read: a missing one is ParameterRequired)."""
    if count == 0:
        raise errors.MailboxDataArrayEmpty()
    if count > MAX_SCHEDULES:
        raise errors.MailboxDataArrayTooBig(MAX_SCHEDULES, count)


def check_window(start: datetime, end: datetime, interval: int) -> None:
    """getSchedule's checks of the window and interval, in Graph's order."""
    if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise errors.InvalidMergedFreeBusyInterval()
    if end <= start:
        raise errors.InvalidTimeInterval()
    check_window_days(start, end)
    if end - start < timedelta(minutes=interval):
        raise errors.InvalidMergedFreeBusyInterval()


def check_window_days(start: datetime, end: datetime) -> None:
    """At most 62 whole days (62 days and 23 hours pass)."""
    days = (end - start).days
    if days > MAX_WINDOW_DAYS:
        raise errors.TimeIntervalTooBig(MAX_WINDOW_DAYS, days)
