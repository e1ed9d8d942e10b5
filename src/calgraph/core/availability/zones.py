"""Working hours in their own zone: a named zone (zoneinfo) or a Windows-style custom zone (bias and the
yearly standard/daylight transitions), and whether a span of time lies inside them."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from calgraph.core import timezones
from calgraph.core.availability.settings import DAYS, CustomZone, Transition, WorkingHours


def _transition_day(year: int, rule: Transition) -> date:
    weekday = (DAYS.index(rule.weekday) - 1) % 7          # Python: Monday = 0
    first = date(year, rule.month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (max(rule.occurrence, 1) - 1))
    while day.month != rule.month:                        # occurrence 5 = the last one of the month
        day -= timedelta(days=7)
    return day


def _is_daylight(zone: CustomZone, local: datetime) -> bool:
    if zone.daylight.month == 0 or zone.standard.month == 0:
        return False
    begins = datetime.combine(_transition_day(local.year, zone.daylight), zone.daylight.at)
    ends = datetime.combine(_transition_day(local.year, zone.standard), zone.standard.at)
    if begins < ends:
        return begins <= local < ends
    return not ends <= local < begins                    # southern hemisphere


def custom_to_local(zone: CustomZone, instant: datetime) -> datetime:
    utc = instant.astimezone(timezone.utc).replace(tzinfo=None)
    daylight = utc - timedelta(minutes=zone.bias + zone.daylight_bias)
    if _is_daylight(zone, daylight):
        return daylight
    return utc - timedelta(minutes=zone.bias + zone.standard_bias)


def to_local(hours: WorkingHours, instant: datetime) -> datetime:
    """The naive wall-clock time of an aware instant in the working hours' zone."""
    if hours.custom is not None:
        return custom_to_local(hours.custom, instant)
    return instant.astimezone(timezones.resolve(hours.zone)).replace(tzinfo=None)


def within(hours: WorkingHours, start: datetime, end: datetime, any_day: bool = False) -> bool:
    """Does [start, end) lie inside one working day (any day of the week with `any_day`)?"""
    local_start, local_end = to_local(hours, start), to_local(hours, end)
    if not any_day and DAYS[(local_start.weekday() + 1) % 7] not in hours.days:
        return False
    if local_start.time() < hours.start:
        return False
    if local_end.date() == local_start.date():
        return local_end.time() <= hours.end
    return False

