"""Graph's date/time wire formats: dateTimeTimeZone values, DateTimeOffset instants, event spans.

Input `dateTime` values are ISO 8601 local times: `2019-08-15T12:00:00`, with 0-7 fractional
digits (Python keeps 6; a 7th digit is truncated), without seconds (`2019-08-15T12:00`) or
date-only (`2019-11-11`, midnight). A trailing `Z` or offset is tolerated: with a `timeZone` the
value is still the wall-clock time in that zone (the suffix is dropped); without one the suffix
says which instant is meant, and the result is that instant in UTC.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

from calgraph.core import timezones
from calgraph.core.errors import (
    AllDayTooShort,
    EndBeforeStart,
    InvalidParameter,
    InvalidRequest,
    RequestBodyRead,
)
from calgraph.core.model import When

_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[Tt](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,7}))?)?"
    r"(?P<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?"
)
_MAX_OFFSET = timedelta(hours=14)  # what .NET's DateTimeOffset allows
_MIN_LOCAL = datetime(1, 1, 2)
_MAX_LOCAL = datetime(9999, 12, 30, 23, 59, 59, 999999)


def _parse_iso(value: object) -> tuple[datetime, timedelta | None]:
    """A naive datetime as written and its offset (None when the value has none); ValueError if bad."""
    if not isinstance(value, str):
        raise ValueError(value)
    match = _ISO.fullmatch(value)
    if match is None:
        raise ValueError(value)
    part = match.groupdict()
    local = datetime(
        int(part["year"]), int(part["month"]), int(part["day"]),
        int(part["hour"] or 0), int(part["minute"] or 0), int(part["second"] or 0),
        int((part["fraction"] or "0")[:6].ljust(6, "0")),
    )
    return local, _offset(part["offset"])


def _offset(text: str | None) -> timedelta | None:
    if text is None:
        return None
    if text in ("Z", "z"):
        return timedelta(0)
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if minutes >= 60:
        raise ValueError(text)
    offset = timedelta(hours=hours, minutes=minutes)
    if offset > _MAX_OFFSET:
        raise ValueError(text)
    return -offset if text[0] == "-" else offset


def _invalid_date_time(value: object) -> RequestBodyRead:
    return RequestBodyRead(f"Cannot convert the literal '{value}' to the expected type 'Edm.DateTimeOffset'.")


def parse_local(value: str) -> datetime:
    """A dateTimeTimeZone.dateTime as the naive wall-clock time written (any Z/offset is dropped)."""
    try:
        local, _ = _parse_iso(value)
    except (ValueError, OverflowError):
        raise _invalid_date_time(value) from None
    return local


def parse_when(date_time: str, time_zone: str | None) -> When:
    """A dateTimeTimeZone from the wire; a missing timeZone means UTC (see the module note on offsets)."""
    try:
        local, offset = _parse_iso(date_time)
        if time_zone is None and offset:
            local = local - offset
    except (ValueError, OverflowError):
        raise _invalid_date_time(date_time) from None
    if not _MIN_LOCAL <= local <= _MAX_LOCAL:  # a day of margin: converting to any zone must not overflow
        raise _invalid_date_time(date_time)
    zone = "UTC" if time_zone is None else time_zone
    timezones.resolve(zone)
    return When(local, zone)


def parse_instant(value: str, parameter: str | None = None) -> datetime:
    """A DateTimeOffset (query parameters such as calendarView's startDateTime): aware UTC.

    The offset is honoured; without one the value is UTC. `parameter` names the query
    parameter in the error message.
    """
    try:
        local, offset = _parse_iso(value)
        instant = local.replace(tzinfo=timezone(offset or timedelta(0)))
        return instant.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        if parameter:
            raise InvalidParameter(f"The value '{value}' of parameter '{parameter}' is invalid.") from None
        raise InvalidParameter(f"The value '{value}' is not a valid DateTimeOffset.") from None


def _date_and_time(dt: datetime) -> str:
    # strftime("%Y") does not zero-pad years before 1000 on every platform.
    return (
        f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}"
        f"T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}"
    )


def _utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo is None else dt.astimezone(timezone.utc)


def format_local(dt: datetime) -> str:
    """dateTimeTimeZone.dateTime output: `2019-08-15T12:00:00.0000000` (any tzinfo is ignored)."""
    return f"{_date_and_time(dt)}.{dt.microsecond:06d}0"


def format_instant(dt: datetime) -> str:
    """DateTimeOffset output in UTC: `2019-08-01T06:41:07.805128Z`, `0001-01-01T00:00:00Z`.

    A naive datetime is taken to be UTC.
    """
    dt = _utc(dt)
    fraction = f"{dt.microsecond:06d}".rstrip("0")
    return f"{_date_and_time(dt)}{'.' + fraction if fraction else ''}Z"


def format_instant_seconds(dt: datetime) -> str:
    """DateTimeOffset without fractional seconds, as messages carry them: `2019-08-01T07:06:28Z`."""
    return f"{_date_and_time(_utc(dt))}Z"


def format_error_date(dt: datetime) -> str:
    """innerError.date: UTC, no fraction, no `Z`: `2021-08-23T06:12:16`."""
    return _date_and_time(_utc(dt))


def _same_zone(first: str, second: str) -> bool:
    return first.lower() == second.lower() or timezones.to_iana(first) == timezones.to_iana(second)


def validate_span(start: When, end: When, is_all_day: bool) -> None:
    """Reject an event span Graph would reject: end before start; a malformed all-day span."""
    if timezones.to_utc(end) < timezones.to_utc(start):
        raise EndBeforeStart()
    if not is_all_day:
        return
    if not _same_zone(start.zone, end.zone):
        raise InvalidRequest("The start and end of an all-day event must be in the same time zone.")
    if start.local.time() != time(0) or end.local.time() != time(0):
        raise InvalidRequest("The start and end times of an all-day event must be set to midnight.")
    if (end.local.date() - start.local.date()).days < 1:
        raise AllDayTooShort()
