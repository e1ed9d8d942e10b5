"""Builders for the store contract suite: a seeded mailbox and factories for events and messages."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from calgraph.core.model import Calendar, CalendarGroup, EmailAddress, Event, Mailbox, MailFolder, Message, When
from calgraph.store import SqlStore
from tests.store.builders import T0, Seeded, build_mailbox


@pytest.fixture
def make_mailbox() -> Callable[..., Mailbox]:
    """make_mailbox(n, kind="user", name=None): an unsaved Mailbox numbered n."""
    return build_mailbox


@pytest.fixture
def seeded(store: SqlStore) -> Seeded:
    mailbox = build_mailbox(1, name="Adele Vance")
    group = CalendarGroup("cg-1", mailbox.id, "My Calendars", "class-1", "ck-g1", is_default=True)
    calendar = Calendar("cal-1", mailbox.id, "Calendar", "ck-c1", group.id, is_default=True)
    other = Calendar("cal-2", mailbox.id, "Other", "ck-c2", group.id)
    inbox = MailFolder("f-inbox", mailbox.id, "Inbox", "inbox")
    deleted = MailFolder("f-deleted", mailbox.id, "Deleted Items", "deleteditems")
    with store.unit_of_work(write=True) as uow:
        uow.add_mailbox(mailbox)
        uow.add_calendar_group(group)
        uow.add_calendar(calendar)
        uow.add_calendar(other)
        uow.add_mail_folder(inbox)
        uow.add_mail_folder(deleted)
    return Seeded(mailbox, group, calendar, other, inbox, deleted)


@pytest.fixture
def make_event(seeded: Seeded) -> Callable[..., Event]:
    counter = itertools.count(1)

    def build(**changes: Any) -> Event:
        n = next(counter)
        start = When(datetime(2024, 3, 10, 9, 0) + timedelta(hours=n), "UTC")
        fields: dict[str, Any] = dict(
            id=f"ev-{n:03d}", mailbox_id=seeded.mailbox.id, calendar_id=seeded.calendar.id,
            ical_uid=f"uid-{n}", change_key=f"ck-{n}", created=T0 + timedelta(minutes=n),
            last_modified=T0 + timedelta(minutes=n), start=start,
            end=When(start.local + timedelta(minutes=30), "UTC"),
            organizer=EmailAddress(seeded.mailbox.address, seeded.mailbox.display_name),
            subject=f"Event {n}",
        )
        fields.update(changes)
        return Event(**fields)

    return build


@pytest.fixture
def make_message(seeded: Seeded) -> Callable[..., Message]:
    counter = itertools.count(1)

    def build(**changes: Any) -> Message:
        n = next(counter)
        fields: dict[str, Any] = dict(
            id=f"msg-{n:03d}", mailbox_id=seeded.mailbox.id, folder_id=seeded.inbox.id, change_key=f"mck-{n}",
            created=T0 + timedelta(minutes=n), last_modified=T0 + timedelta(minutes=n),
            subject=f"Message {n}", sender=EmailAddress(f"sender{n}@example.com", f"Sender {n}"),
            received=T0 + timedelta(minutes=n), sent=T0 + timedelta(minutes=n),
        )
        fields.update(changes)
        return Message(**fields)

    return build
