"""The expansion engine behind calgraph.core.recurrence (which validates, documents the decisions and
is the module to import): a parsed recurrence becomes a dateutil rrule in the naive wall-clock time
of the recurrence zone, expanded lazily from the interval-long period that holds the window.

Every pattern has a fixed number of occurrences per period (the number of days for weekly, one
otherwise), so a numbered range's remaining count at any period is arithmetic, and no expansion
walks from the series start to a far-away window.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule as rr

from calgraph.core import ticks, timezones
from calgraph.core.errors import TimeZoneNotSupported
from calgraph.core.model import When
from calgraph.core.recurrence_steps import DAYS, WEEKDAY, Steps, stepped_ticks, steps_of  # DAYS: for recurrence.py
from calgraph.core.recurrence_steps import window_ticks as steps_window_ticks

UTC = timezone.utc
SETPOS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
FREQ = {
    "daily": rr.DAILY, "weekly": rr.WEEKLY, "absoluteMonthly": rr.MONTHLY,
    "relativeMonthly": rr.MONTHLY, "absoluteYearly": rr.YEARLY, "relativeYearly": rr.YEARLY,
}
# Bounds that keep zone conversions and date arithmetic away from datetime's limits.
LOCAL_MIN, LOCAL_MAX = datetime(1, 1, 3), datetime(9999, 12, 29)
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Pattern:
    """recurrencePattern with Graph's enum spellings; fields the type does not use hold their defaults."""

    type: str
    interval: int
    days_of_week: tuple[str, ...] = ()
    first_day_of_week: str = "sunday"
    index: str = "first"
    day_of_month: int = 0
    month: int = 0


@dataclass(frozen=True)
class Range:
    """recurrenceRange; `zone` is the recurrence time zone as given (or the start's zone)."""

    type: str
    start_date: date
    zone: str
    end_date: date | None = None  # endDate ranges only
    count: int = 0                # numbered ranges only


@dataclass(frozen=True)
class Rule:
    pattern: Pattern
    range: Range


@dataclass(frozen=True)
class Series:
    """A master's recurrence ready to expand: `anchor` is the master's start as naive wall-clock time in
    the recurrence zone, `duration` its length (absolute; wall-clock for all-day events)."""

    rule: Rule
    start: When
    end: When
    is_all_day: bool
    anchor: datetime
    duration: timedelta
    # daily and weekly series: their starts as integer steps (_steps), worked out once
    steps: Steps | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", _steps(self))

    @property
    def zone(self) -> str:
        return self.rule.range.zone


def _steps(series: Series) -> Steps | None:
    """A daily or weekly series' Steps (None for other patterns); `zone` when start, end and recurrence
    share one zone of a timed series."""
    if series.rule.pattern.type not in ("daily", "weekly"):
        return None
    zone = None
    if not series.is_all_day:
        try:
            zones: tuple[ZoneInfo | None, ...] = _zones(series)
        except TimeZoneNotSupported:  # expansion raises as it always has
            zones = (None, None, None)
        if zones[0] is not None and zones[1] is zones[0] and zones[2] is zones[0]:
            zone = zones[0]
    return steps_of(series.rule.pattern, series.rule.range, series.anchor, series.duration, zone)


@dataclass(frozen=True)
class Occurrence:
    """One occurrence: `original_start` is the nominal wall-clock time in the recurrence zone (it may
    name a time a DST gap skips), `start`/`end` are in the master's start/end zones."""

    original_start: When
    start: When
    end: When
    # The instants `original_start`, `start` and `end` name (aware UTC) when _build knew them (not all-day).
    original_utc: datetime | None = field(default=None, compare=False)
    start_utc: datetime | None = field(default=None, compare=False)
    end_utc: datetime | None = field(default=None, compare=False)

    @property
    def day(self) -> date:
        """The date of the original start in the recurrence zone, as occurrence ids carry it."""
        return self.original_start.local.date()


def _rrule_parts(pattern: Pattern) -> dict[str, Any]:
    days = tuple(WEEKDAY[day] for day in pattern.days_of_week)
    kind = pattern.type
    if kind == "weekly":
        return {"byweekday": days, "wkst": WEEKDAY[pattern.first_day_of_week]}
    if kind.startswith("relative"):
        parts: dict[str, Any] = {"byweekday": days, "bysetpos": SETPOS[pattern.index]}
    elif kind.startswith("absolute"):
        parts = _day_of_month(pattern.day_of_month)
    else:
        return {}
    if kind.endswith("Yearly"):
        parts["bymonth"] = pattern.month
    return parts


def _day_of_month(day: int) -> dict[str, Any]:
    """Day 29-31 falls on the month's last day in shorter months: the last of 28..day that exists."""
    if day <= 28:
        return {"bymonthday": day}
    return {"bymonthday": tuple(range(28, day + 1)), "bysetpos": -1}


def _rrule(pattern: Pattern, dtstart: datetime, **limits: Any) -> Iterator[datetime]:
    rule = rr.rrule(FREQ[pattern.type], dtstart=dtstart, interval=pattern.interval, cache=False,
                    **limits, **_rrule_parts(pattern))
    try:
        yield from rule
    except (ValueError, OverflowError):  # dateutil stepping past year 9999
        return


def _week_start(day: date, pattern: Pattern) -> date:
    back = (day.weekday() - WEEKDAY[pattern.first_day_of_week]) % 7
    return date.min if day.toordinal() <= back else day - timedelta(days=back)


def _period(pattern: Pattern, anchor: date, day: date) -> int:
    """The index of the interval-long period holding `day`, the anchor's being 0 (floored)."""
    kind = pattern.type
    if kind == "daily":
        units = (day - anchor).days
    elif kind == "weekly":
        units = (_week_start(day, pattern) - _week_start(anchor, pattern)).days // 7
    elif kind.endswith("Monthly"):
        units = (day.year - anchor.year) * 12 + day.month - anchor.month
    else:
        units = day.year - anchor.year
    return units // pattern.interval


def _period_start(pattern: Pattern, anchor: date, number: int) -> date:
    steps = number * pattern.interval
    kind = pattern.type
    if kind == "daily":
        return anchor + timedelta(days=steps)
    if kind == "weekly":
        return _week_start(anchor, pattern) + timedelta(weeks=steps)
    if kind.endswith("Monthly"):
        months = anchor.year * 12 + anchor.month - 1 + steps
        return date(months // 12, months % 12 + 1, 1)
    return date(anchor.year + steps, 1, 1)


def _before_period(series: Series, number: int) -> int:
    """How many occurrences come before period `number` (>= 1)."""
    pattern, anchor = series.rule.pattern, series.anchor
    boundary = datetime.combine(_period_start(pattern, anchor.date(), 1), time())
    first = 0
    for start in _rrule(pattern, anchor):
        if start >= boundary:
            break
        first += 1
    per_period = len(pattern.days_of_week) if pattern.type == "weekly" else 1
    return first + (number - 1) * per_period


def starts(series: Series, low: datetime, high: datetime) -> Iterator[datetime]:
    """The nominal local starts in [low, high] (naive, recurrence zone), in order, lazily."""
    if series.steps is not None:
        return _stepped_starts(series, low, high)
    return _rrule_starts(series, low, high)


def _stepped_starts(series: Series, low: datetime, high: datetime) -> Iterator[datetime]:
    """starts() for daily and weekly patterns (_stepped_ticks as datetimes)."""
    assert series.steps is not None
    return map(ticks.naive, stepped_ticks(series.steps, ticks.of(low), ticks.of(high)))


def _rrule_starts(series: Series, low: datetime, high: datetime) -> Iterator[datetime]:
    """starts() by a dateutil rrule (any pattern)."""
    pattern, range_, anchor = series.rule.pattern, series.rule.range, series.anchor
    number = _period(pattern, anchor.date(), low.date()) if low > anchor else 0
    count = range_.count if range_.type == "numbered" else None
    first = anchor
    if number > 0:
        first = datetime.combine(_period_start(pattern, anchor.date(), number), anchor.time())
        if count is not None:
            count -= _before_period(series, number)
            if count <= 0:
                return
    until = None
    if range_.type == "endDate" and range_.end_date is not None:
        until = datetime.combine(range_.end_date, time(23, 59, 59))
    micro = anchor.microsecond
    for start in _rrule(pattern, first, count=count, until=until):
        if start > high:
            return
        if start >= low:
            yield start.replace(microsecond=micro) if micro else start  # rrule drops microseconds


def _clamp(moment: datetime) -> datetime:
    return min(max(moment, LOCAL_MIN), LOCAL_MAX)


def _shift(moment: datetime, delta: timedelta) -> datetime:
    try:
        return moment + delta
    except OverflowError:
        return datetime.min if delta < timedelta(0) else datetime.max


def _naive_utc(instant: datetime) -> datetime:
    """UTC without tzinfo; a naive instant is UTC already."""
    return instant if instant.tzinfo is None else instant.astimezone(UTC).replace(tzinfo=None)


def _local(naive_utc: datetime, zone: str) -> datetime:
    return timezones.from_utc(_clamp(naive_utc), zone).local


Zones = tuple[ZoneInfo, ZoneInfo, ZoneInfo]  # the recurrence, start and end zones of a series


def _zones(series: Series) -> Zones:
    resolve = timezones.resolve
    return resolve(series.zone), resolve(series.start.zone), resolve(series.end.zone)


def _wall(instant: datetime, zone: ZoneInfo, name: str) -> tuple[When, datetime]:
    """from_utc(instant, name), and the instant to_utc gives back for it: `instant` itself unless the
    wall-clock time is the second of an ambiguous hour (which to_utc reads as the first)."""
    aware = instant.astimezone(zone)
    when = When(aware.replace(tzinfo=None, fold=0), name)
    return when, (timezones.to_utc(when) if aware.fold else instant)


def _build(series: Series, local: datetime,
           zones: Zones | None = None) -> tuple[Occurrence, datetime, datetime] | None:
    """The occurrence at nominal `local` and its window keys (instants; naive dates-as-UTC if all-day);
    `zones`: _zones(series), when the caller has them."""
    try:
        original = When(local, series.zone)
        if series.is_all_day:
            end_local = local + series.duration
            occurrence = Occurrence(original, When(local, series.start.zone), When(end_local, series.end.zone))
            return occurrence, local, end_local
        zone, start_zone, end_zone = zones or _zones(series)
        instant = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
        end = instant + series.duration
        start_when, start_utc = _wall(instant, start_zone, series.start.zone)
        end_when, end_utc = _wall(end, end_zone, series.end.zone)
        return Occurrence(original, start_when, end_when, instant, start_utc, end_utc), instant, end
    except (OverflowError, ValueError):
        return None


def expand(series: Series, window_start: datetime, window_end: datetime) -> list[Occurrence]:
    """The occurrences overlapping [window_start, window_end) (instants; naive ones are UTC), by start."""
    first_key, last_key = _naive_utc(window_start), _naive_utc(window_end)
    low = _shift(first_key, -series.duration)
    if series.is_all_day:
        high = last_key
    else:
        low, high = _local(low, series.zone), _local(last_key, series.zone)
        first_key, last_key = first_key.replace(tzinfo=UTC), last_key.replace(tzinfo=UTC)
    found = []
    zones = None if series.is_all_day else _zones(series)
    for local in starts(series, _shift(low, -_DAY), _shift(high, _DAY)):
        built = _build(series, local, zones)
        if built is None:
            break
        occurrence, start_key, end_key = built
        if start_key < last_key and end_key > first_key:
            found.append(occurrence)
    return found


def expand_timed(series: Series, window_start: datetime,
                 window_end: datetime) -> list[tuple[date, datetime, datetime, datetime]]:
    """expand() for a timed series without building Occurrence objects: per occurrence overlapping the
    window, (day, original_utc, start_utc, end_utc) as expand()'s Occurrence has them. All-day series
    have no instants: [] (use expand())."""
    if series.is_all_day:
        return []
    first_key, last_key = _naive_utc(window_start), _naive_utc(window_end)
    low = _local(_shift(first_key, -series.duration), series.zone)
    high = _local(last_key, series.zone)
    first_key, last_key = first_key.replace(tzinfo=UTC), last_key.replace(tzinfo=UTC)
    zone, start_zone, end_zone = _zones(series)
    duration = series.duration
    found = []
    for local in starts(series, _shift(low, -_DAY), _shift(high, _DAY)):
        try:  # as _build: the instant of the nominal time, and the instants its start and end walls name
            instant = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
            end = instant + duration
            start_wall, end_wall = instant.astimezone(start_zone), end.astimezone(end_zone)
            start_utc = start_wall.replace(fold=0).astimezone(UTC) if start_wall.fold else instant
            end_utc = end_wall.replace(fold=0).astimezone(UTC) if end_wall.fold else end
        except (OverflowError, ValueError):
            break
        if instant < last_key and end > first_key:
            found.append((local.date(), instant, start_utc, end_utc))
    return found


def expand_ticks(series: Series, window_start: datetime,
                 window_end: datetime) -> list[tuple[int, int, int, int]] | None:
    """expand_timed() as ticks, (day number, original, start, end) per occurrence (day number =
    ordinal - 1), for daily and weekly timed series whose start, end and recurrence zones are one zone;
    None for any other series (use expand_timed). See window_ticks."""
    return window_ticks(series, ticks.of(_naive_utc(window_start)), ticks.of(_naive_utc(window_end)))


def window_ticks(series: Series, first: int, last: int) -> list[tuple[int, int, int, int]] | None:
    """expand_ticks over the UTC window [first, last) given in ticks (recurrence_steps.window_ticks)."""
    return None if series.steps is None else steps_window_ticks(series.steps, first, last)


def occurrence_on(series: Series, day: date) -> Occurrence | None:
    """The occurrence whose original start falls on `day` in the recurrence zone, if any."""
    midnight = datetime.combine(day, time())
    for local in starts(series, midnight, datetime.combine(day, time.max)):
        built = _build(series, local)
        return built[0] if built else None
    return None


def first_occurrence(series: Series) -> Occurrence | None:
    for local in starts(series, series.anchor, datetime.max):
        built = _build(series, local)
        return built[0] if built else None
    return None


def _max_gap(pattern: Pattern) -> timedelta:
    """More than the longest possible gap between two consecutive occurrences."""
    unit = {"daily": 1, "weekly": 7}.get(pattern.type, 31 if pattern.type.endswith("Monthly") else 366)
    return timedelta(days=(pattern.interval + 1) * unit)


def neighbours(series: Series, day: date) -> tuple[Occurrence | None, Occurrence | None]:
    """The pattern's occurrences just before and just after `day` (recurrence zone)."""
    midnight = datetime.combine(day, time())
    gap = _max_gap(series.rule.pattern)
    before = None
    for local in starts(series, _shift(midnight, -gap), _shift(midnight, -timedelta(microseconds=1))):
        before = local
    tomorrow = _shift(midnight, _DAY)
    after = next(starts(series, tomorrow, _shift(tomorrow, gap)), None)
    previous = _build(series, before) if before is not None else None
    following = _build(series, after) if after is not None else None
    return (previous[0] if previous else None), (following[0] if following else None)
