"""Daily and weekly series by integer arithmetic: their nominal starts as ticks (calgraph.core.ticks)
without a dateutil rrule, and, for a series in one zone, its occurrences' instants with one UTC offset
per local day between DST changes. Property-tested against the rrule engine (tests/core/test_recurrence.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from calgraph.core import ticks
from calgraph.core.ticks import DAY

UTC = timezone.utc
DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
WEEKDAY = {name: (number - 1) % 7 for number, name in enumerate(DAYS)}  # Python's: monday = 0


@dataclass(frozen=True)
class Steps:
    """A daily or weekly series' starts as ticks (see stepped_ticks): `base` is the anchor without its
    microseconds `micro`; daily: every `step`; weekly: from the week holding the anchor (`week_zero`,
    at the anchor's time on its first day) every `stride`, at `shifts` into the week, the first
    `skipped` of which fall before the anchor in its own week. `count`: a numbered range's; `past`: the
    first tick after an endDate range's end date. `zone`: the one zone of a timed series' start, end and
    recurrence (None when they differ, or all-day), `duration` in ticks."""

    daily: bool
    base: int
    micro: int
    count: int | None
    past: int | None
    step: int
    week_zero: int
    stride: int
    shifts: tuple[int, ...]
    skipped: int
    first_day: int
    zone: ZoneInfo | None
    duration: int
    last: int | None = None   # no start is after this one (numbered and endDate ranges)


def steps_of(pattern: Any, range_: Any, anchor: datetime, duration: timedelta, zone: ZoneInfo | None) -> Steps | None:
    """The Steps of a daily or weekly series anchored at `anchor` (naive, recurrence zone); None for any
    other pattern. `pattern`, `range_`: recurrence_rules.Pattern and Range."""
    if pattern.type not in ("daily", "weekly") or anchor.year <= 2:
        return None
    micro = anchor.microsecond
    base = ticks.of(anchor) - micro
    count = range_.count if range_.type == "numbered" else None
    # the first tick past the endDate: (ordinal(endDate) + 1 - 1) days
    past = range_.end_date.toordinal() * DAY if range_.type == "endDate" and range_.end_date is not None else None
    first_day = WEEKDAY[pattern.first_day_of_week]
    anchor_offset = (base // DAY % 7 - first_day) % 7          # day 0 (0001-01-01) is a Monday
    offsets = sorted((WEEKDAY[day] - first_day) % 7 for day in pattern.days_of_week)
    shifts = tuple(offset * DAY for offset in offsets)
    skipped = sum(1 for offset in offsets if offset < anchor_offset)   # days of the first week before the anchor
    last = None if past is None else past - 1
    if count is not None:
        if pattern.type == "daily":
            last = base + (count - 1) * pattern.interval * DAY
        else:
            period, position = divmod(count - 1 + skipped, len(shifts))
            last = base - anchor_offset * DAY + period * 7 * pattern.interval * DAY + shifts[position]
    return Steps(
        daily=pattern.type == "daily", base=base, micro=micro, count=count, past=past, step=pattern.interval * DAY,
        week_zero=base - anchor_offset * DAY, stride=7 * pattern.interval * DAY,
        shifts=shifts, skipped=skipped, first_day=first_day, zone=zone,
        duration=duration // timedelta(microseconds=1), last=last,
    )


def stepped_ticks(steps: Steps, low: int, high: int) -> Iterator[int]:
    """starts_between(steps, low, high), lazily: made a few weeks at a time, so that a caller wanting the
    first start or two after `low` (with `high` as far as datetime.max) makes no more."""
    end = min(high, ticks.MAX) if steps.last is None else min(high, ticks.MAX, steps.last)
    while low <= end:
        chunk = min(end, low + _CHUNK)
        yield from starts_between(steps, low, chunk)
        low = chunk + 1


_CHUNK = 8 * 7 * DAY


def starts_between(steps: Steps, low: int, high: int) -> list[int]:
    """The nominal local starts in [low, high] of a daily or weekly series, as ticks, by integer arithmetic
    instead of a dateutil rrule (which costs ~50 us to set up, per series and window): the same starts,
    as rrule makes them. Comparisons use the anchor without microseconds, as rrule does (it drops them;
    they are put back on each start).

    daily: anchor + k * interval days. weekly: the weeks (starting on firstDayOfWeek) every `interval`
    weeks from the anchor's, each at its daysOfWeek, none before the anchor. A numbered range counts
    from the first; an endDate range ends with its endDate; nothing is past datetime.max."""
    found: list[int] = []
    base, micro, count = steps.base, steps.micro, steps.count
    if steps.past is not None and steps.past <= high:
        high = steps.past - 1
    if high > ticks.MAX - micro:   # a start is yielded with its microseconds: never past datetime.max
        high = ticks.MAX - micro
    if steps.daily:
        step = steps.step
        number = -((base - low) // step) if low > base else 0
        moment = base + step * number
        while moment <= high:
            if count is not None and number >= count:
                break
            found.append(moment + micro)
            number += 1
            moment += step
        return found
    week_zero, stride, shifts, skipped = steps.week_zero, steps.stride, steps.shifts, steps.skipped
    per_week = len(shifts)
    period = 0
    if low > base:
        low_week = low - ((low // DAY % 7 - steps.first_day) % 7) * DAY - low % DAY
        period = max(0, (low_week - (week_zero - week_zero % DAY)) // stride)
    number = period * per_week - skipped
    while True:
        week = week_zero + stride * period
        for position, shift in enumerate(shifts):
            if period == 0 and position < skipped:
                continue
            moment = week + shift
            if moment > high or (count is not None and number + position >= count):
                return found
            if moment >= low:
                found.append(moment + micro)
        period += 1
        number += per_week


_UNKNOWN: Any = object()


def window_ticks(steps: Steps, first: int, last: int) -> list[tuple[int, int, int, int]] | None:
    """expand_ticks over the UTC window [first, last) given in ticks. Between DST changes a zone's
    offset is one number per local day (ticks.offset_on), so most occurrences cost a few integer
    operations; one near a change is converted with datetime as expand_timed does."""
    if steps.zone is None:
        return None
    zone, duration = steps.zone, steps.duration
    # every start whose instant can overlap the window: local times are within 2 days of UTC ones
    low, high = first - duration - 2 * DAY, last + 2 * DAY
    if (steps.last is not None and steps.last < low) or steps.base > high:
        return []   # the series ended before the window, or starts after it
    offset_on, known, maximum = ticks.offset_on, ticks.offsets_in(zone), ticks.MAX
    found = []
    for local in starts_between(steps, low, high):
        day = local // DAY
        offset = known.get(day, _UNKNOWN)
        if offset is _UNKNOWN:
            offset = offset_on(zone, day)
        end_local = local + duration
        if offset is not None and (end_local // DAY == day or (
                end_local // DAY - day <= 7 and
                all(offset_on(zone, d) == offset for d in range(day + 1, end_local // DAY + 1)))):
            instant = local - offset
            end = instant + duration
            if 0 <= instant and end_local <= maximum and end <= maximum:
                if instant < last and end > first:
                    found.append((day, instant, instant, end))
                continue
        try:  # near a DST change or the ends of time: as expand_timed
            moment = ticks.naive(local).replace(tzinfo=zone, fold=0).astimezone(UTC)
            end_moment = moment + timedelta(microseconds=duration)
            start_wall, end_wall = moment.astimezone(zone), end_moment.astimezone(zone)
            start_utc = start_wall.replace(fold=0).astimezone(UTC) if start_wall.fold else moment
            end_utc = end_wall.replace(fold=0).astimezone(UTC) if end_wall.fold else end_moment
        except (OverflowError, ValueError):
            break
        start_t, end_t = ticks.of(moment), ticks.of(end_moment)
        if start_t < last and end_t > first:
            found.append((day, start_t, ticks.of(start_utc), ticks.of(end_utc)))
    return found
