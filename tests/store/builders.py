"""Plain builders shared by the store suite's fixtures and tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from calgraph.core.model import Calendar, CalendarGroup, Mailbox, MailFolder

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    """One user mailbox with a default calendar group, two calendars, inbox and deleteditems."""

    mailbox: Mailbox
    group: CalendarGroup
    calendar: Calendar
    other_calendar: Calendar
    inbox: MailFolder
    deleted: MailFolder


def build_mailbox(n: int, kind: str = "user", name: str | None = None) -> Mailbox:
    address = f"User{n}@Example.com" if kind == "user" else f"Group{n}@Example.com"
    return Mailbox(id=f"mb-{kind}-{n}", kind=kind, address=address, display_name=name or f"User {n}",
                   created=T0 + timedelta(seconds=n))
