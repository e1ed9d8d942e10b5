"""How a room (or equipment) mailbox answers a meeting request, as Exchange's calendar processing does
with AutomateProcessing AutoAccept: the checks in order, the first failure declines with its text;
a series is checked occurrence by occurrence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from calgraph.core.availability import zones
from calgraph.core.availability.freebusy import BusyItem
from calgraph.core.availability.settings import WorkingHours

DECLINED = "Your meeting request was declined."
NO_PERMISSION = "You don't have permission to book this resource."
IN_THE_PAST = "The invitation was declined because it occurred in the past."
NO_REPEATING = "This resource doesn't accept repeating meetings."
CONFLICTS = "Your request was declined because there are conflicts."
ACCEPTED = "Your request was accepted."


@dataclass(frozen=True)
class BookingPolicy:
    """A resource's calendar processing settings (Exchange's Set-CalendarProcessing, same defaults)."""

    automate: str = "AutoAccept"                # AutoAccept | AutoUpdate | None
    allow_conflicts: bool = False
    booking_window_days: int = 180
    max_duration_minutes: int = 1440           # 0 = unlimited
    allow_recurring: bool = True
    work_hours_only: bool = False
    conflict_percentage_allowed: int = 0
    max_conflict_instances: int = 0
    enforce_horizon: bool = True


@dataclass(frozen=True)
class Span:
    start: datetime                             # aware UTC
    end: datetime
    occurrence_id: str | None = None            # an occurrence of a series


@dataclass(frozen=True)
class Decision:
    accept: bool
    reason: str = ACCEPTED
    declined: tuple[Span, ...] = ()             # occurrences of an accepted series declined one by one


def _decline(*lines: str) -> Decision:
    return Decision(False, "\n".join(lines))


def _fmt(instant: datetime) -> str:
    return instant.strftime("%m/%d/%Y %H:%M UTC")


def decide(policy: BookingPolicy, reserved: bool, spans: Sequence[Span], recurring: bool,
           beyond_horizon: bool, busy: Sequence[BusyItem], hours: WorkingHours, now: datetime) -> Decision:
    """`spans`: the meeting (or the series' occurrences up to the booking horizon); `beyond_horizon`: the
    series has occurrences after it (or no end); `busy`: the room's other items."""
    if reserved:
        return _decline(DECLINED, NO_PERMISSION)
    if not spans or max(s.end for s in spans) <= now:
        return _decline(DECLINED, IN_THE_PAST)
    if recurring and not policy.allow_recurring:
        return _decline(DECLINED, NO_REPEATING)
    longest = max(s.end - s.start for s in spans)
    if policy.max_duration_minutes and longest > timedelta(minutes=policy.max_duration_minutes):
        limit = policy.max_duration_minutes
        return _decline(DECLINED, f"This resource doesn't accept meetings longer than {limit} minutes.")
    horizon = now + timedelta(days=policy.booking_window_days)
    too_far = [s for s in spans if s.end > horizon]
    if (too_far and not recurring) or (recurring and beyond_horizon and policy.enforce_horizon):
        return _decline(DECLINED, f"This resource can only be scheduled up to {policy.booking_window_days} days in "
                                  f"advance. The end time should fall before {_fmt(horizon)}.")
    spans = [s for s in spans if s.end <= horizon and s.end > now]
    if policy.work_hours_only and not all(zones.within(hours, s.start, s.end) for s in spans):
        zone = hours.custom.name if hours.custom is not None else hours.zone
        return _decline(DECLINED, "This resource can only be scheduled during the working hours of "
                                  f"{hours.start:%H:%M} to {hours.end:%H:%M} {zone}.")
    if policy.allow_conflicts:
        return Decision(True)
    conflicting = [s for s in spans if any(b.start < s.end and b.end > s.start for b in busy)]
    if not conflicting:
        return Decision(True)
    over_share = len(conflicting) * 100 > policy.conflict_percentage_allowed * len(spans)
    over_count = len(conflicting) > policy.max_conflict_instances
    if not recurring or over_share or over_count:
        return _decline(CONFLICTS, *(f"{_fmt(s.start)} - {_fmt(s.end)}" for s in conflicting[:20]))
    return Decision(True, declined=tuple(conflicting))


def counts_as_conflict(item: BusyItem, meeting_key: str) -> bool:
    """Another meeting's item that is not free (pending tentative requests count)."""
    return item.series_key != meeting_key and item.status != "free"
