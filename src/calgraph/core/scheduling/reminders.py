"""dismissReminder and snoozeReminder (§3.7): user calendars only, on any event the caller may write."""

from __future__ import annotations

from calgraph.core import timezones
from calgraph.core.model import Event, When
from calgraph.core.scheduling.outcome import Stamp


def dismiss_reminder(event: Event, stamp: Stamp) -> Event:
    return event.evolve(is_reminder_on=False, reminder_snoozed_until=None,
                        change_key=stamp.ids.change_key(), last_modified=stamp.now)


def snooze_reminder(event: Event, new_reminder_time: When, stamp: Stamp) -> Event:
    return event.evolve(is_reminder_on=True, reminder_snoozed_until=timezones.to_utc(new_reminder_time),
                        change_key=stamp.ids.change_key(), last_modified=stamp.now)
