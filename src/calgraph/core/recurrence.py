"""Graph's patternedRecurrence: validation, canonical JSON, expansion, occurrence ids (pure: no HTTP, no SQL).

API
  validate(recurrence, start, is_all_day=False) -> dict   check a client's recurrence, return its canonical JSON
  normalize(recurrence, start_zone) -> dict               canonical JSON, without the checks against the start
  parse(recurrence, start_zone) -> Rule                   the typed form (field checks only)
  series(recurrence, start, end, is_all_day=False) -> Series    a master's recurrence, ready to expand
  expand(series, window_start, window_end) -> [Occurrence]      occurrences overlapping a UTC window, by start
  expand_timed(series, window_start, window_end)          the same as (day, original, start, end) instants
  occurrence_on(series, day) -> Occurrence | None         the occurrence originally on `day` (checks an id's date)
  first_occurrence(series) / neighbours(series, day)      the series' first; the occurrences around a day
  check_move(series, new_start, new_end, previous, following)   ErrorOccurrenceCrossingBoundary check
  occurrence_id(master_id, day) / parse_occurrence_id(value)    `OID.{masterId}.{yyyy-MM-dd}` (decision 25)

Errors (all 400). ErrorInvalidParameter: a value of the wrong JSON type, out of its enum (also in fields
the pattern type ignores) or not a `yyyy-MM-dd` date. ErrorCalendarInvalidRecurrence: a missing pattern,
range, type or field the type requires, interval/dayOfMonth/month/numberOfOccurrences out of range,
endDate before startDate, startDate not the start's date. ErrorRecurrenceHasNoOccurrence: a valid
recurrence whose range holds no occurrence. TimeZoneNotSupportedException: an unknown recurrenceTimeZone.

Decisions where Graph is silent:
* Property names match case-insensitively, `@odata.*` and unknown properties are ignored, null is absent.
  `interval` is 1-999 for daily and 1-99 otherwise (the bounds Outlook's recurrence dialog offers;
  Graph documents none), which also keeps date arithmetic far from overflow.
* Canonical JSON has every field, in Graph's order: fields the type does not use are 0 / [] / "first";
  firstDayOfWeek is kept (default sunday); daysOfWeek is deduplicated in sunday..saturday order;
  endDate "0001-01-01" unless an endDate range; numberOfOccurrences 0 unless numbered;
  recurrenceTimeZone as given, else the start's zone name.
* The pattern runs in the recurrence zone at the wall-clock time of the master's start there (its own
  wall-clock when the zones are the same), so a 09:00 Europe/Berlin series stays at 09:00 in summer and
  winter. An occurrence at a time a spring-forward gap skips starts at the instant fold=0 gives (02:30
  becomes 03:30 daylight time) and its original start keeps the nominal 02:30; an ambiguous time is the
  first (daylight) one (see calgraph.core.timezones). All-day series work on dates: the start's own
  date is the anchor whatever the recurrence zone, and an all-day occurrence overlaps the window as
  its dates taken as UTC midnights (decision 19).
* The first occurrence is the first match on or after the start (spec 6.1); numbered ranges count from
  it; an endDate range includes occurrences on its endDate (recurrence zone).
* dayOfMonth 29-31 falls on the last day of shorter months, as Outlook schedules them (it does not
  skip the month); absoluteYearly likewise (Feb 29 on Feb 28 in other years). relative* with several days: the index-th day of the month that is any of
  them (first of monday+tuesday = the month's first Monday or Tuesday); `last` = the last such day.
* Occurrence start/end are in the master's start/end zones; duration is the master's absolute length
  (wall-clock for all-day).
* check_move: a moved occurrence must start after the previous occurrence's day and before the
  following one's (days in the recurrence zone) and overlap neither ("an occurrence cannot be moved to
  or before the day of the previous occurrence ... or to or after the day of the following occurrence").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from calgraph.core import timezones
from calgraph.core.errors import (
    InvalidParameter, InvalidRecurrence, OccurrenceCrossingBoundary, RecurrenceHasNoOccurrence,
)
from calgraph.core.model import When
from calgraph.core.recurrence_rules import (
    DAYS, Occurrence, Pattern, Range, Rule, Series, expand, expand_timed, first_occurrence, neighbours,
    occurrence_on,
)

__all__ = [
    "InvalidRecurrence", "RecurrenceHasNoOccurrence", "OccurrenceCrossingBoundary",
    "Occurrence", "Pattern", "Range", "Rule", "Series",
    "validate", "normalize", "parse", "to_json", "series", "expand", "expand_timed", "occurrence_on",
    "first_occurrence",
    "neighbours", "check_move", "occurrence_id", "parse_occurrence_id",
]


PATTERN_TYPES = ("daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly")
RANGE_TYPES = ("endDate", "noEnd", "numbered")
INDEXES = ("first", "second", "third", "fourth", "last")
USES: dict[str, frozenset[str]] = {
    "daily": frozenset(),
    "weekly": frozenset({"daysOfWeek"}),
    "absoluteMonthly": frozenset({"dayOfMonth"}),
    "relativeMonthly": frozenset({"daysOfWeek", "index"}),
    "absoluteYearly": frozenset({"dayOfMonth", "month"}),
    "relativeYearly": frozenset({"daysOfWeek", "index", "month"}),
}
MAX_INTERVAL = {"daily": 999}
NO_DATE = date(1, 1, 1)
_INT32 = 2**31
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_P, _R = "recurrence.pattern", "recurrence.range"


# -- parsing ---------------------------------------------------------------------------------------

def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidParameter(f"'{where}' must be an object, not '{_shown(value)}'.")
    return {str(key).lower(): item for key, item in value.items() if not str(key).startswith("@")}


def _get(fields: dict[str, Any], name: str, default: Any) -> Any:
    value = fields.get(name.lower())
    return default if value is None else value


def _required(fields: dict[str, Any], name: str, where: str, why: str = "") -> Any:
    value = fields.get(name.lower())
    if value is None:
        raise InvalidRecurrence(f"'{where}.{name}' is required{why}.")
    return value


def _enum(value: Any, members: tuple[str, ...], where: str) -> str:
    if isinstance(value, str):
        for member in members:
            if member.lower() == value.lower():
                return member
    raise InvalidParameter(
        f"'{_shown(value)}' is not a valid value for '{where}'; expected one of: {', '.join(members)}.")


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not -_INT32 <= value < _INT32:
        raise InvalidParameter(f"'{_shown(value)}' is not a valid Int32 value for '{where}'.")
    return value


def _date(value: Any, where: str) -> date:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidParameter(f"'{_shown(value)}' is not a valid yyyy-MM-dd date for '{where}'.")


def _days(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise InvalidParameter(f"'{where}' must be an array of dayOfWeek values.")
    given = {_enum(day, DAYS, where) for day in value}
    return tuple(day for day in DAYS if day in given)


def _in_range(fields: dict[str, Any], name: str, value: int, low: int, high: int, kind: str) -> None:
    if fields.get(name.lower()) is None:
        raise InvalidRecurrence(f"'{_P}.{name}' is required for a {kind} pattern.")
    if not low <= value <= high:
        raise InvalidRecurrence(f"'{_P}.{name}' must be between {low} and {high} for a {kind} pattern, not {value}.")


def _pattern(fields: dict[str, Any]) -> Pattern:
    kind = _enum(_required(fields, "type", _P), PATTERN_TYPES, f"{_P}.type")
    interval = _int(_required(fields, "interval", _P), f"{_P}.interval")
    days = _days(fields.get("daysofweek"), f"{_P}.daysOfWeek")
    first_day = _enum(_get(fields, "firstDayOfWeek", "sunday"), DAYS, f"{_P}.firstDayOfWeek")
    index = _enum(_get(fields, "index", "first"), INDEXES, f"{_P}.index")
    day_of_month = _int(_get(fields, "dayOfMonth", 0), f"{_P}.dayOfMonth")
    month = _int(_get(fields, "month", 0), f"{_P}.month")
    _in_range(fields, "interval", interval, 1, MAX_INTERVAL.get(kind, 99), kind)
    uses = USES[kind]
    if "daysOfWeek" in uses and not days:
        raise InvalidRecurrence(f"'{_P}.daysOfWeek' must name at least one day for a {kind} pattern.")
    if "dayOfMonth" in uses:
        _in_range(fields, "dayOfMonth", day_of_month, 1, 31, kind)
    if "month" in uses:
        _in_range(fields, "month", month, 1, 12, kind)
    return Pattern(
        type=kind, interval=interval, days_of_week=days if "daysOfWeek" in uses else (),
        first_day_of_week=first_day, index=index if "index" in uses else "first",
        day_of_month=day_of_month if "dayOfMonth" in uses else 0, month=month if "month" in uses else 0,
    )


def _range(fields: dict[str, Any], start_zone: str) -> Range:
    kind = _enum(_required(fields, "type", _R), RANGE_TYPES, f"{_R}.type")
    start_date = _date(_required(fields, "startDate", _R), f"{_R}.startDate")
    given_end = fields.get("enddate")
    end_date = None if given_end is None else _date(given_end, f"{_R}.endDate")
    count = _int(_get(fields, "numberOfOccurrences", 0), f"{_R}.numberOfOccurrences")
    zone = _get(fields, "recurrenceTimeZone", start_zone)
    if not isinstance(zone, str):
        raise InvalidParameter(f"'{_shown(zone)}' is not a valid value for '{_R}.recurrenceTimeZone'.")
    timezones.resolve(zone)
    if kind == "endDate":
        if end_date is None:
            raise InvalidRecurrence(f"'{_R}.endDate' is required for an endDate range.")
        if end_date < start_date:
            raise InvalidRecurrence(
                f"'{_R}.endDate' ({_iso(end_date)}) is before '{_R}.startDate' ({_iso(start_date)}).")
    if kind == "numbered":
        _required(fields, "numberOfOccurrences", _R, " for a numbered range")
        if count < 1:
            raise InvalidRecurrence(f"'{_R}.numberOfOccurrences' must be greater than 0, not {count}.")
    return Range(kind, start_date, zone, end_date if kind == "endDate" else None,
                 count if kind == "numbered" else 0)


def parse(recurrence: Any, start_zone: str) -> Rule:
    """The typed form of a Graph patternedRecurrence dict; any problem is a GraphError (400)."""
    fields = _object(recurrence, "recurrence")
    pattern = _pattern(_object(_required(fields, "pattern", "recurrence"), _P))
    return Rule(pattern, _range(_object(_required(fields, "range", "recurrence"), _R), start_zone))


def _iso(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def to_json(rule: Rule) -> dict[str, Any]:
    """The recurrence as Graph renders it (see the module note on defaults)."""
    pattern, range_ = rule.pattern, rule.range
    return {
        "pattern": {
            "type": pattern.type, "interval": pattern.interval, "month": pattern.month,
            "dayOfMonth": pattern.day_of_month, "daysOfWeek": list(pattern.days_of_week),
            "firstDayOfWeek": pattern.first_day_of_week, "index": pattern.index,
        },
        "range": {
            "type": range_.type, "startDate": _iso(range_.start_date),
            "endDate": _iso(range_.end_date or NO_DATE), "recurrenceTimeZone": range_.zone,
            "numberOfOccurrences": range_.count,
        },
    }


def normalize(recurrence: Any, start_zone: str) -> dict[str, Any]:
    """Canonical JSON of a recurrence, checking its fields but not against an event's start."""
    return to_json(parse(recurrence, start_zone))


def validate(recurrence: Any, start: When, is_all_day: bool = False) -> dict[str, Any]:
    """Check a client's recurrence for an event starting at `start`; return its canonical JSON."""
    rule = parse(recurrence, start.zone)
    expected = start.local.date()
    if rule.range.start_date != expected:
        raise InvalidRecurrence(
            f"'{_R}.startDate' ({_iso(rule.range.start_date)}) must be the date of the event's start "
            f"({_iso(expected)}).")
    if first_occurrence(_series(rule, start, start, is_all_day)) is None:
        raise RecurrenceHasNoOccurrence()
    return to_json(rule)


# -- series ----------------------------------------------------------------------------------------

def _series(rule: Rule, start: When, end: When, is_all_day: bool) -> Series:
    zone = rule.range.zone
    if is_all_day:
        return Series(rule, start, end, True, start.local, end.local - start.local)
    instant = timezones.to_utc(start)
    same_zone = timezones.to_iana(zone) == timezones.to_iana(start.zone)
    anchor = start.local if same_zone else timezones.from_utc(instant, zone).local
    return Series(rule, start, end, False, anchor, timezones.to_utc(end) - instant)


def series(recurrence: Any, start: When, end: When, is_all_day: bool = False) -> Series:
    """A master's recurrence (a Graph dict, e.g. Event.recurrence) with its start and end, to expand."""
    return _series(parse(recurrence, start.zone), start, end, is_all_day)


def _day(series: Series, when: When) -> date:
    if series.is_all_day:
        return when.local.date()
    return timezones.convert(when, series.zone).local.date()


def _key(series: Series, when: When) -> datetime:
    return when.local if series.is_all_day else timezones.to_utc(when)


def check_move(series: Series, new_start: When, new_end: When,
               previous: Occurrence | None, following: Occurrence | None) -> None:
    """Raise OccurrenceCrossingBoundary unless an occurrence moved to [new_start, new_end) starts after
    `previous`'s day and before `following`'s (recurrence zone) and overlaps neither. The neighbours are
    the occurrences (or exceptions, where they were moved) around it; see neighbours()."""
    day = _day(series, new_start)
    if previous is not None and (
            day <= _day(series, previous.start) or _key(series, new_start) < _key(series, previous.end)):
        raise OccurrenceCrossingBoundary()
    if following is not None and (
            day >= _day(series, following.start) or _key(series, new_end) > _key(series, following.start)):
        raise OccurrenceCrossingBoundary()


# -- occurrence ids --------------------------------------------------------------------------------

OID_PREFIX = "OID."


def occurrence_id(master_id: str, day: date) -> str:
    """`OID.{seriesMasterId}.{yyyy-MM-dd}`, the date of the original start in the recurrence zone."""
    return f"{OID_PREFIX}{master_id}.{_iso(day)}"


def parse_occurrence_id(value: Any) -> tuple[str, date] | None:
    """(master id, date) of an occurrence id; None when `value` is not a well-formed one."""
    if not isinstance(value, str) or not value.startswith(OID_PREFIX):
        return None
    master_id, _, text = value[len(OID_PREFIX):].rpartition(".")
    if not master_id or not _DATE.fullmatch(text):
        return None
    try:
        return master_id, date.fromisoformat(text)
    except ValueError:
        return None
