"""What the code under test caused: the meeting messages delivered, the tenant's mailboxes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from calgraph.core.errors import InvalidUser
from calgraph.core.model import Calendar, Event, Mailbox, Message
from calgraph.core.occurrences import Virtual
from calgraph.core.permissions import Principal
from calgraph.core.query import ItemQuery
from calgraph.core.timezones import to_utc
from calgraph.services.calendar_view import Window, calendar_view
from calgraph.services.events import get_event
from calgraph.services.lookup import Scope
from calgraph.services.runtime import Runtime
from calgraph.store.interface import Store

MAX_MESSAGES = 1000


@dataclass(frozen=True)
class DeliveredMessage:
    message: Message
    mailbox: Mailbox
    folder: str


def meeting_messages(store: Store, mailbox: str | None = None, message_type: str | None = None,
                     since: datetime | None = None, top: int = MAX_MESSAGES,
                     subject: str | None = None) -> list[DeliveredMessage]:
    """Meeting messages delivered (not the senders' copies in Sent Items), newest first; `message_type` a
    meetingMessageType (either spelling of tentative); `subject`: those whose subject contains it."""
    wanted = None if not message_type else message_type.replace("Tenatively", "Tentatively").lower()
    with store.unit_of_work() as uow:
        owner = None
        if mailbox:
            owner = uow.get_mailbox(mailbox.strip())
            if owner is None:
                raise InvalidUser(mailbox)
        found = uow.list_meeting_messages(owner.id if owner else None, since, MAX_MESSAGES)
        folders: dict[str, str] = {}
        sent: set[str] = set()
        out = []
        for message in found:
            if wanted and (message.meeting is None or message.meeting.message_type.lower() != wanted):
                continue
            if subject and subject.lower() not in message.subject.lower():
                continue
            box = owner or uow.get_mailbox(message.mailbox_id)
            if box is None:
                continue
            if message.folder_id not in folders:
                for folder in uow.list_mail_folders(message.mailbox_id):
                    folders[folder.id] = folder.display_name
                    if (folder.well_known_name or "").lower() == "sentitems":
                        sent.add(folder.id)
            if message.folder_id in sent:
                continue
            out.append(DeliveredMessage(message, box, folders.get(message.folder_id, "")))
            if len(out) >= top:
                break
        return out


def mailboxes(store: Store) -> list[Mailbox]:
    query = ItemQuery(top=100_000)
    with store.unit_of_work() as uow:
        return [*uow.list_mailboxes("user", query).items, *uow.list_mailboxes("group", query).items]


def caller_names(store: Store, callers: set[str]) -> dict[str, str]:
    """User ids of the request log -> addresses (those still known)."""
    names = {}
    with store.unit_of_work() as uow:
        for caller in callers:
            if caller and not caller.startswith("app:"):
                box = uow.get_mailbox(caller)
                if box is not None:
                    names[caller] = box.address
    return names


# -- the inspector's views -------------------------------------------------------------------------------

INSPECTOR = Principal(None, frozenset({"Calendars.ReadWrite", "Mail.ReadWrite", "User.Read.All"}),
                      app_id="calgraph-inspector")


@dataclass(frozen=True)
class Week:
    mailbox: Mailbox
    calendars: list[Calendar]
    calendar: Calendar
    start: date
    events: list[Event]              # singles, occurrences, exceptions and cancelled items, by start


def week(rt: Runtime, address: str, calendar_id: str | None, start: date) -> Week:
    with rt.store.unit_of_work() as uow:
        mailbox = uow.get_mailbox(address)
        if mailbox is None:
            raise InvalidUser(address)
        calendars = uow.list_calendars(mailbox.id)
    kind = "group" if mailbox.kind == "group" else "user"
    scope = Scope(kind, mailbox.id, None, calendar_id)
    begin = datetime.combine(start, time(), timezone.utc)
    window = Window(begin, begin + timedelta(days=7))
    page = calendar_view(rt, INSPECTOR, scope, window, ItemQuery(top=1000))
    items = [item.event() if isinstance(item, Virtual) else item for item in page.page.items]
    chosen = next((c for c in calendars if c.id == calendar_id), None) or next(
        (c for c in calendars if c.is_default), calendars[0])
    return Week(mailbox, calendars, chosen, start, sorted(items, key=lambda e: to_utc(e.start)))


def event_detail(rt: Runtime, address: str, event_id: str) -> tuple[Mailbox, Event]:
    with rt.store.unit_of_work() as uow:
        mailbox = uow.get_mailbox(address)
    if mailbox is None:
        raise InvalidUser(address)
    kind = "group" if mailbox.kind == "group" else "user"
    found = get_event(rt, INSPECTOR, Scope(kind, mailbox.id), event_id)
    return mailbox, found.event


def fingerprint(store: Store, control_version: str, changes: int) -> str:
    with store.unit_of_work() as uow:
        return f"{control_version}|{changes}|{uow.tenant_fingerprint()}"
