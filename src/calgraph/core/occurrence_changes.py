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
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from calgraph.core import occurrences, recurrence
from calgraph.core.errors import InvalidRequest
from calgraph.core.ids import Ids
from calgraph.core.model import Event
from calgraph.core.recurrence import Occurrence
from calgraph.core.scheduling.invitations import time_changed


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
