"""What the scheduling rules work with (parties, a clock and id source) and what they return."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from calgraph.core.ids import Ids
from calgraph.core.model import EmailAddress, Event, Mailbox, Message


@dataclass(frozen=True)
class Party:
    """A mailbox on this server taking part in a meeting, with the folders meetings touch."""

    mailbox: Mailbox
    calendar_id: str | None        # the default calendar, where invitations land
    inbox_id: str
    sent_id: str
    deleted_id: str

    @property
    def key(self) -> str:
        return self.mailbox.address.lower()

    @property
    def email(self) -> EmailAddress:
        return self.mailbox.email


@dataclass(frozen=True)
class Stamp:
    """The moment of the request and where new ids and change keys come from."""

    ids: Ids
    now: datetime


@dataclass
class Outcome:
    """The changes of one request, across every mailbox it touches; applied in one transaction."""

    new_events: list[Event] = field(default_factory=list)
    changed_events: dict[str, tuple[Event, str]] = field(default_factory=dict)  # id -> (new, expected key)
    new_messages: list[Message] = field(default_factory=list)
    outdated_requests: list[tuple[str, str]] = field(default_factory=list)    # (mailbox id, event id)
    deleted_events: list[tuple[str, str]] = field(default_factory=list)       # (mailbox id, event id)

    def change(self, before: Event, after: Event) -> Event:
        """Record `after` as the new state of `before` (which may itself be an earlier change)."""
        expected = self.changed_events.get(before.id, (before, before.change_key))[1]
        self.changed_events[before.id] = (after, expected)
        return after

    def current(self, event: Event) -> Event:
        """`event` as this outcome has left it so far."""
        return self.changed_events.get(event.id, (event, ""))[0]
