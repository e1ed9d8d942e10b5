"""Changing one occurrence of a series, and what a change of the whole series does to them (pure).

* A PATCH of an occurrence stores it as an exception: the virtual occurrence (same id, originalStart,
  occurrenceId, per-occurrence iCalUId, seriesMasterId) with the changes and `type: exception`. A
  recurrence cannot be given to an occurrence or exception (400 ErrorInvalidRequest; Graph is silent).
* A new start/end must stay between the neighbouring occurrences (recurrence.check_move); a neighbour
  that is itself an exception counts where it was moved to. A cancelled neighbour still bounds the move
  (Graph is silent; this is the conservative reading).
* Deleting or cancelling an occurrence lists its occurrence id in the master's `cancelledOccurrences`
  (and its exception row, if any, is deleted).
* When a master's recurrence or time changes (the same test as a meeting's "time changed", decision 12),
  its exceptions are deleted and its `cancelledOccurrences` cleared: the occurrences are rebuilt from the
  new pattern. (Graph is silent on how old exceptions map onto a new pattern; this is the simplest rule
  that never leaves an exception outside its series.)
* Any other change of a master reaches its exceptions property by property (Exchange's rule for series-level
  changes): an exception whose value of a changed property is still the master's old value takes the new one;
  one that set its own value keeps it (`follow_series`, over FOLLOWED and the attendee list, compared by
  address and type, each exception keeping its own answers). So renaming a series renames every exception
  but one that was given its own subject, whose new body it still takes. The same holds for an attendee's copy
  and its exceptions, and for a PATCH of an attendee's own copy (categories, reminders, showAs).
* An exception is "separately modified" (`is_modified`) when what attendees see of it differs from the series:
  a property of INFORMATIONAL, the attendee list, or its time (moved off its occurrence's start or end). An
  exception only holding answers to that occurrence is not.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from calgraph.core import occurrences, recurrence
from calgraph.core.events import keep_answers
from calgraph.core.errors import InvalidRequest
from calgraph.core.ids import Ids
from calgraph.core.model import Event
from calgraph.core.recurrence import Occurrence
from calgraph.core.scheduling.invitations import INFORMATIONAL, time_changed

# What a master's change passes on to its exceptions (besides the attendee list); start, end, isAllDay and the
# recurrence rebuild the series instead (`rebuilds`), and an exception's own answer is its own.
FOLLOWED = (
    "subject", "body", "location", "locations", "importance", "sensitivity", "response_requested",
    "allow_new_time_proposals", "hide_attendees", "is_online_meeting", "online_meeting_provider",
    "online_meeting", "show_as", "categories", "is_reminder_on", "reminder_minutes_before_start",
)


class RecurrenceOnOccurrence(InvalidRequest):
    message = "Your request can't be completed. The recurrence of an occurrence can't be set; change the series."


def is_part_of_series(event: Event) -> bool:
    """An occurrence (virtual) or an exception (stored)."""
    return event.type in ("occurrence", "exception") and event.series_master_id is not None


def check_changes(changes: dict[str, Any]) -> None:
    if changes.get("recurrence"):
        raise RecurrenceOnOccurrence()


def as_exception(event: Event) -> Event:
    """A changed occurrence as it is stored."""
    return event.evolve(type="exception", recurrence=None, cancelled_occurrences=())


def check_moved(master: Event, before: Event, after: Event, exceptions: Iterable[Event]) -> None:
    """ErrorOccurrenceCrossingBoundary when `after` (a changed occurrence of `master`) starts on or before
    the previous occurrence's day, on or after the following one's, or overlaps either."""
    if before.start == after.start and before.end == after.end:
        return
    series = occurrences.series_of(master)
    parsed = recurrence.parse_occurrence_id(before.occurrence_id)
    if series is None or parsed is None:
        return
    previous, following = recurrence.neighbours(series, parsed[1])
    moved = {e.original_start: e for e in exceptions if e.id != before.id}
    recurrence.check_move(series, after.start, after.end, _where(master, previous, moved),
                          _where(master, following, moved))


def _where(master: Event, neighbour: Occurrence | None, moved: dict[datetime | None, Event]) -> Occurrence | None:
    if neighbour is None:
        return None
    exception = moved.get(occurrences.original_instant(neighbour, master.is_all_day))
    if exception is None:
        return neighbour
    return Occurrence(neighbour.original_start, exception.start, exception.end)


def occurrence_oid(master: Event, occurrence: Event) -> str:
    """The occurrence id (OID form) of the occurrence of `master` on the same date as `occurrence`
    (which may belong to another copy of the same series)."""
    parsed = recurrence.parse_occurrence_id(occurrence.occurrence_id)
    assert parsed is not None
    return recurrence.occurrence_id(master.id, parsed[1])


def with_cancelled(master: Event, oid: str, ids: Ids, now: datetime) -> Event:
    """`master` with one more occurrence id in `cancelledOccurrences`."""
    if oid in master.cancelled_occurrences:
        return master
    return master.evolve(cancelled_occurrences=(*master.cancelled_occurrences, oid),
                         change_key=ids.change_key(), last_modified=now)


def rebuilds(before: Event, after: Event) -> bool:
    """A series master's pattern or time changed: its exceptions and cancellations are dropped."""
    return before.type == "seriesMaster" and time_changed(before, after)


def rebuilt(master: Event) -> Event:
    return master.evolve(cancelled_occurrences=())


def follow_series(exception: Event, before: Event, after: Event, ids: Ids, now: datetime) -> Event:
    """`exception` (of the master `before`) after the master became `after`: each changed property that the
    exception had not set itself (its value is `before`'s) takes `after`'s value; `exception` itself when
    nothing reaches it."""
    values = {}
    for name in FOLLOWED:
        old = getattr(before, name)
        if old != getattr(after, name) and getattr(exception, name) == old:
            values[name] = getattr(after, name)
    if people(before) != people(after) and people(exception) == people(before):
        values["attendees"] = keep_answers(after.attendees, exception.attendees)
    if not values:
        return exception
    return exception.evolve(**values, change_key=ids.change_key(), last_modified=now)


def people(event: Event) -> tuple[tuple[str, str], ...]:
    """Who an event's attendee list names, and how (answers aside)."""
    return tuple((a.email.address.lower(), a.type) for a in event.attendees)


def is_modified(exception: Event, master: Event) -> bool:
    """Whether attendees see `exception` differ from its series `master` (see the module note)."""
    if any(getattr(exception, name) != getattr(master, name) for name in INFORMATIONAL):
        return True
    if people(exception) != people(master):
        return True
    parsed = recurrence.parse_occurrence_id(exception.occurrence_id)
    occurrence = occurrences.occurrence_on(master, parsed[1]) if parsed else None
    return occurrence is not None and time_changed(occurrence, exception)
