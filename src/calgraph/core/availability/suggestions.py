"""The scheduling assistant (findMeetingTimes): candidate times, who is free when, confidence, rooms,
ranking, and why nothing was found. Deterministic:

1. the window is the given time slots (no slots: from now, rounded up to :00/:30, for 48 hours);
2. candidates start on UTC :00/:30, lie inside one slot and never start before now;
3. the organizer (unless optional) must be within its working hours and not busy/oof;
4. person attendees with a mailbox must be within their working hours (activity domain work/personal);
5. resources must be free;
6. confidence = mean chance of attendance of the person attendees (free 100, tentative 50, busy/oof 0,
   unknown 49; nobody: 100), kept when >= minimumAttendeePercentage;
7. locations resolved (a busy room replaced by a free one, or up to 3 free rooms suggested); with
   isRequired a candidate without a location is dropped;
8. ordered by confidence, then start; the first stage that leaves nothing names the empty reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from calgraph.core.availability import zones
from calgraph.core.availability.freebusy import BusyItem, status_over
from calgraph.core.availability.settings import WorkingHours

DEFAULT_WINDOW = timedelta(hours=48)
STEP = timedelta(minutes=30)
CHANCE = {"free": 100.0, "workingElsewhere": 100.0, "tentative": 50.0, "busy": 0.0, "oof": 0.0, "unknown": 49.0}
MAX_SUGGESTED_ROOMS = 3
ALL_AVAILABLE = "Suggested because it is one of the nearest times when all attendees are available."
MOST_AVAILABLE = "Suggested because it is one of the nearest times when most attendees are available."


@dataclass(frozen=True)
class Participant:
    """The organizer or an attendee: `known` when it has a mailbox here (else its status is unknown)."""

    address: str
    type: str = "required"                      # required | optional | resource
    known: bool = True
    is_resource: bool = False                   # type resource, or a room/equipment mailbox
    items: tuple[BusyItem, ...] = ()
    hours: WorkingHours | None = None


@dataclass(frozen=True)
class Room:
    address: str
    display_name: str
    items: tuple[BusyItem, ...] = ()


@dataclass(frozen=True)
class LocationWish:
    location: dict[str, Any]                    # as the client gave it
    room_address: str | None = None             # set when it names a room mailbox of the tenant
    resolve: bool = True


@dataclass(frozen=True)
class Request:
    slots: tuple[tuple[datetime, datetime], ...] = ()
    duration: timedelta = timedelta(minutes=30)
    activity: str = "work"                      # work | personal | unrestricted (unknown = work)
    max_candidates: int = 5
    organizer_optional: bool = False
    minimum_percentage: float = 50.0
    location_required: bool = False
    suggest_location: bool = False
    locations: tuple[LocationWish, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    start: datetime
    end: datetime
    confidence: float
    organizer_status: str
    attendee_statuses: tuple[str, ...]          # in the order of the attendees given
    locations: tuple[dict[str, Any], ...] = ()
    reason: str = ""


@dataclass
class _Candidate:
    start: datetime
    end: datetime
    statuses: list[str] = field(default_factory=list)
    confidence: float = 100.0
    locations: tuple[dict[str, Any], ...] = ()


def window(request: Request, now: datetime) -> list[tuple[datetime, datetime]]:
    if request.slots:
        return [(s, e) for s, e in request.slots if e > s]
    start = _round_up(now)
    return [(start, start + DEFAULT_WINDOW)]


def _round_up(instant: datetime) -> datetime:
    instant = instant.astimezone(timezone.utc)
    base = instant.replace(minute=0, second=0, microsecond=0)
    while base < instant:
        base += STEP
    return base


def candidates(request: Request, now: datetime) -> list[tuple[datetime, datetime]]:
    seen: set[datetime] = set()
    out = []
    for start, end in window(request, now):
        at = _round_up(max(start, now))
        while at + request.duration <= end:
            if at not in seen:
                seen.add(at)
                out.append((at, at + request.duration))
            at += STEP
    return sorted(out)


def _in_hours(person: Participant, start: datetime, end: datetime, activity: str) -> bool:
    if activity == "unrestricted" or person.hours is None:
        return True
    return zones.within(person.hours, start, end, any_day=activity == "personal")


def _status(person: Participant, start: datetime, end: datetime) -> str:
    return status_over(person.items, start, end) if person.known else "unknown"


def suggest(request: Request, organizer: Participant, attendees: list[Participant], rooms: list[Room],
            now: datetime) -> tuple[list[Suggestion], str]:
    """The suggestions in Graph's order and the empty-suggestions reason ("" when there are some)."""
    activity = request.activity if request.activity in ("work", "personal", "unrestricted") else "work"
    left = [_Candidate(s, e) for s, e in candidates(request, now)]
    if not left:
        return [], "Unknown"
    if not request.organizer_optional:
        left = [c for c in left if _in_hours(organizer, c.start, c.end, activity)
                and _status(organizer, c.start, c.end) not in ("busy", "oof")]
        if not left:
            return [], "OrganizerUnavailable"
    unknown_involved = any(not a.known for a in attendees)
    attendees_reason = "AttendeesUnavailableOrUnknown" if unknown_involved else "AttendeesUnavailable"
    people = [a for a in attendees if not a.is_resource]
    resources = [a for a in attendees if a.is_resource and a.known]
    left = [c for c in left if all(_in_hours(p, c.start, c.end, activity) for p in people if p.known)]
    left = [c for c in left if all(_status(r, c.start, c.end) in ("free", "workingElsewhere") for r in resources)]
    if not left:
        return [], attendees_reason
    for c in left:
        c.statuses = [_status(a, c.start, c.end) for a in attendees]
        chances = [CHANCE[s] for a, s in zip(attendees, c.statuses) if not a.is_resource]
        c.confidence = sum(chances) / len(chances) if chances else 100.0
    left = [c for c in left if c.confidence >= request.minimum_percentage]
    if not left:
        return [], attendees_reason
    for c in left:
        c.locations = _locations(request, rooms, c.start, c.end)
    if request.location_required:
        left = [c for c in left if c.locations]
        if not left:
            return [], "LocationsUnavailable"
    left.sort(key=lambda c: (-c.confidence, c.start))
    shown = left[:max(request.max_candidates, 0)]
    return [Suggestion(c.start, c.end, c.confidence, _status(organizer, c.start, c.end),
                       tuple(c.statuses), c.locations,
                       ALL_AVAILABLE if c.confidence == 100 else MOST_AVAILABLE) for c in shown], ""


def _locations(request: Request, rooms: list[Room], start: datetime, end: datetime) -> tuple[dict[str, Any], ...]:
    free = [r for r in sorted(rooms, key=lambda r: r.display_name.lower())
            if status_over(r.items, start, end) in ("free", "workingElsewhere")]
    listed = {w.room_address.lower() for w in request.locations if w.room_address}
    out: list[dict[str, Any]] = []
    if not request.locations:
        if request.suggest_location:
            out = [_room_location(r) for r in free[:MAX_SUGGESTED_ROOMS]]
        return tuple(out)
    used: set[str] = set()
    for wish in request.locations:
        if wish.room_address is None or not wish.resolve:
            out.append(dict(wish.location))
            continue
        room = next((r for r in free if r.address.lower() == wish.room_address.lower()), None)
        if room is None:
            room = next((r for r in free if r.address.lower() not in listed | used), None)
        if room is not None:
            used.add(room.address.lower())
            out.append(_room_location(room))
    return tuple(out)


def _room_location(room: Room) -> dict[str, Any]:
    return {"displayName": room.display_name, "locationEmailAddress": room.address}
