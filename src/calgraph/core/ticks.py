"""Instants and wall-clock times as integers, for the hot loops of calendarView (pure).

A tick is a microsecond; a time is the number of ticks since 0001-01-01T00:00 (naive wall-clock time,
or an instant in UTC). Integer arithmetic and a few remembered tables replace the datetime objects,
zone conversions and isoformat calls an occurrence would otherwise cost (several microseconds each):

* offset_on(zone, day): a zone's UTC offset for the whole local day `day` (fold=0, as
  timezones.to_utc reads local times), or None when it changes within the day (a DST change: the
  caller then converts with datetime, as timezones does);
* utc_offset_on(zone, day): the same for a UTC day (UTC -> local);
* text(t): `YYYY-MM-DDTHH:MM:SS.ffffff`, the store's column format (event_query.instant_text).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo

DAY = 86_400_000_000
SECOND = 1_000_000
MAX = (date.max.toordinal() - 1) * DAY + DAY - 1       # datetime.max
_EPOCH = datetime.min
_UTC = timezone.utc
_TABLE_MAX = 200_000


def of(moment: datetime) -> int:
    """The ticks of a datetime's wall-clock time (its tzinfo ignored)."""
    return ((moment.toordinal() - 1) * 86_400 + moment.hour * 3600 + moment.minute * 60 + moment.second) * SECOND \
        + moment.microsecond


def naive(t: int) -> datetime:
    return _EPOCH + timedelta(microseconds=t)


def aware(t: int) -> datetime:
    """The UTC instant `t` as an aware datetime."""
    return (_EPOCH + timedelta(microseconds=t)).replace(tzinfo=_UTC)


def day_of(t: int) -> date:
    """The date of `t` (proleptic ordinal t // DAY + 1)."""
    return _dates(t // DAY)


def _dates(day: int) -> date:
    known = _DATES.get(day)
    if known is None:
        known = _DATES[day] = date.fromordinal(day + 1)
        if len(_DATES) > _TABLE_MAX:
            _DATES.clear()
    return known


def date_text(day: int) -> str:
    """`YYYY-MM-DD` of day number `day` (ticks // DAY)."""
    known = _DATE_TEXTS.get(day)
    if known is None:
        d = date.fromordinal(day + 1)
        known = _DATE_TEXTS[day] = f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
        if len(_DATE_TEXTS) > _TABLE_MAX:
            _DATE_TEXTS.clear()
    return known


def clock_text(seconds: int) -> str:
    """`HH:MM:SS` of `seconds` into a day."""
    known = _CLOCK_TEXTS.get(seconds)
    if known is None:
        hours, rest = divmod(seconds, 3600)
        known = _CLOCK_TEXTS[seconds] = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return known


def text(t: int) -> str:
    """`YYYY-MM-DDTHH:MM:SS.ffffff`: event_query.instant_text of the instant `t`."""
    day, rest = divmod(t, DAY)
    seconds, micro = divmod(rest, SECOND)
    return f"{date_text(day)}T{clock_text(seconds)}.{micro:06d}" if micro else \
        f"{date_text(day)}T{clock_text(seconds)}.000000"


def offsets_in(zone: tzinfo) -> dict[int, int | None]:
    """offset_on's remembered answers for `zone`, by day (a miss is not an answer: call offset_on)."""
    known = _ZONE_OFFSETS.get(zone)
    if known is None:
        known = _ZONE_OFFSETS[zone] = {}
    return known


def offset_on(zone: tzinfo, day: int) -> int | None:
    """The UTC offset (ticks) of every wall-clock time of local day `day` in `zone`, or None if it is not
    the same all day (or the day is at the end of time)."""
    known = offsets_in(zone)
    try:
        return known[day]
    except KeyError:
        pass
    found: int | None = None
    if 0 < day < date.max.toordinal() - 2:
        midnight = naive(day * DAY)
        offsets = {zone.utcoffset(midnight + timedelta(hours=hours)) for hours in (0, 12, 24)}
        if len(offsets) == 1:
            found = _ticks_of(offsets.pop())
    if len(known) > _TABLE_MAX:
        known.clear()
    known[day] = found
    return found


def utc_offset_on(zone: tzinfo, day: int) -> int | None:
    """The UTC offset (ticks) of `zone` at every instant of UTC day `day`, or None if it is not the same
    all day."""
    key = (zone, day)
    try:
        return _UTC_OFFSETS[key]
    except KeyError:
        pass
    found: int | None = None
    if 0 < day < date.max.toordinal() - 2:
        midnight = aware(day * DAY)
        offsets = {(midnight + timedelta(hours=hours)).astimezone(zone).utcoffset() for hours in (0, 12, 24)}
        if len(offsets) == 1:
            found = _ticks_of(offsets.pop())
    if len(_UTC_OFFSETS) > _TABLE_MAX:
        _UTC_OFFSETS.clear()
    _UTC_OFFSETS[key] = found
    return found


def _ticks_of(offset: timedelta | None) -> int | None:
    return None if offset is None else offset // timedelta(microseconds=1)


_DATES: dict[int, date] = {}
_DATE_TEXTS: dict[int, str] = {}
_CLOCK_TEXTS: dict[int, str] = {}
DATE_TEXTS, CLOCK_TEXTS = _DATE_TEXTS, _CLOCK_TEXTS   # date_text's and clock_text's answers so far
_ZONE_OFFSETS: dict[tzinfo, dict[int, int | None]] = {}
_UTC_OFFSETS: dict[tuple[tzinfo, int], int | None] = {}

__all__ = ["DAY", "SECOND", "MAX", "of", "naive", "aware", "day_of", "date_text", "text", "offset_on", "offsets_in", "clock_text",
           "utc_offset_on"]
