"""reminderView: the reminders of the events (occurrences included) overlapping a window, as Outlook
shows them. An event reminds when its reminder is on (dismissReminder turns it off) and it is not
cancelled; it fires `reminderMinutesBeforeStart` before its start, or at the snoozed time when
snoozeReminder set one later than that."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from calgraph.core import timezones
from calgraph.core.model import Event


@dataclass(frozen=True)
class Reminder:
    event: Event
    fire_time: datetime      # aware UTC


def fire_time(event: Event) -> datetime:
    due = timezones.to_utc(event.start) - timedelta(minutes=max(event.reminder_minutes_before_start, 0))
    snoozed = event.reminder_snoozed_until
    return snoozed if snoozed is not None and snoozed >= due else due


def reminders(events: Iterable[Event]) -> list[Reminder]:
    """Those of `events` that remind, by fire time (then start, then id)."""
    found = [Reminder(e, fire_time(e)) for e in events
             if e.is_reminder_on and not e.is_cancelled and e.type != "seriesMaster"]
    return sorted(found, key=lambda r: (r.fire_time, timezones.to_utc(r.event.start), r.event.id))
