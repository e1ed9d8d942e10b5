"""reminderView of a user: the reminders of the events in all of their calendars that overlap a window."""

from __future__ import annotations

from dataclasses import dataclass

from calgraph.core import reminders_view
from calgraph.core.errors import AccessDenied
from calgraph.core.model import Mailbox
from calgraph.core.permissions import Principal
from calgraph.services import access
from calgraph.services.calendar_view import Window, view
from calgraph.services.runtime import Runtime


@dataclass(frozen=True)
class Reminders:
    mailbox: Mailbox
    reminders: list[reminders_view.Reminder]


def reminder_view(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                  window: Window) -> Reminders:
    window.check()
    with rt.store.unit_of_work() as uow:
        mailbox = access.owner_mailbox(uow, principal, owner_kind, owner_key)
        if mailbox.kind != "user" or not access.is_own_or_app(principal, mailbox):
            raise AccessDenied()
        access.require_calendar(uow, principal, mailbox, None, "read")
        calendars = [c.id for c in uow.list_calendars(mailbox.id)]
        events = [] if window.empty else view(uow, calendars, window)
        return Reminders(mailbox, reminders_view.reminders(events))
