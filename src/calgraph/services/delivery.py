"""Between the scheduling core and the store: loading the state a meeting rule needs (parties,
copies, the organizer's event) and applying the Outcome it returns inside the caller's unit of work."""

from __future__ import annotations

from collections.abc import Iterable

from calgraph.core.model import EmailAddress, Event, Mailbox
from calgraph.core.scheduling import Outcome, Party, Stamp
from calgraph.core.scheduling.messages import outdated
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork


def stamp(rt: Runtime) -> Stamp:
    return Stamp(rt.ids, rt.clock())


_PARTIES: dict[str, Party] = {}   # a mailbox's default calendar and well-known folders never change
_PARTIES_MAX = 10_000


def party(uow: UnitOfWork, mailbox: Mailbox) -> Party:
    known = _PARTIES.get(mailbox.id)
    if known is not None and known.mailbox == mailbox:
        return known
    folders = {f.well_known_name: f.id for f in uow.list_mail_folders(mailbox.id)}
    calendar = uow.default_calendar(mailbox.id)
    found = Party(mailbox, calendar.id if calendar else None, folders["inbox"], folders["sentitems"],
                  folders["deleteditems"])
    if len(_PARTIES) >= _PARTIES_MAX:
        _PARTIES.clear()
    _PARTIES[mailbox.id] = found
    return found


def parties(uow: UnitOfWork, addresses: Iterable[EmailAddress], *known: Party) -> dict[str, Party]:
    """The parties on this server among `addresses`, by lower-cased address (others are external)."""
    found = {p.key: p for p in known}
    for email in addresses:
        key = email.address.lower()
        if key not in found:
            mailbox = uow.get_mailbox(key)
            if mailbox is not None:
                found[key] = party(uow, mailbox)
    return found


def members(uow: UnitOfWork, mailbox: Mailbox) -> list[EmailAddress]:
    """A group's members, who are invited to its events (decision 26); nobody for a user."""
    if mailbox.kind != "group":
        return []
    return [m.email for m in uow.list_group_members(mailbox.id)]


def copies_of(uow: UnitOfWork, meeting: Event) -> dict[str, Event]:
    """The attendees' copies of a meeting, by mailbox id."""
    return {e.mailbox_id: e for e in uow.find_events_by_ical_uid(meeting.ical_uid)
            if not e.is_organizer and e.mailbox_id != meeting.mailbox_id}


def organizer_of(uow: UnitOfWork, copy: Event) -> tuple[Event | None, Party | None]:
    """The organizer's event and mailbox for an attendee's copy, when they are on this server."""
    mailbox = uow.get_mailbox(copy.organizer.address)
    if mailbox is None:
        return None, None
    meeting = uow.find_organizer_event(copy.ical_uid)
    if meeting is not None and meeting.mailbox_id != mailbox.id:
        meeting = None
    return meeting, party(uow, mailbox)


def apply(uow: UnitOfWork, outcome: Outcome, rt: Runtime | None = None) -> None:
    """Store `outcome`; given `rt`, its new exception rows take their series' attachments along."""
    for event in outcome.new_events:
        uow.add_event(event)
    if rt is not None:
        inherit_series_attachments(rt, uow, outcome.new_events)
    for event, expected in outcome.changed_events.values():
        uow.update_event(event, expected_change_key=expected)
    for mailbox_id, event_id in outcome.deleted_events:
        uow.delete_event(mailbox_id, event_id)
    for mailbox_id, event_id in outcome.outdated_requests:
        for message in uow.find_messages_by_event(mailbox_id, event_id):
            older = outdated(message)
            if older is not message:
                uow.update_message(older)
    for message in outcome.new_messages:
        uow.add_message(message)


def inherit_series_attachments(rt: Runtime, uow: UnitOfWork, events: Iterable[Event]) -> None:
    """Exception rows just stored hold copies of their series master's attachments: an occurrence shows the
    series' attachments, and an exception keeps its own."""
    for event in events:
        if event.type != "exception" or not event.series_master_id:
            continue
        series = uow.list_attachments("event", event.series_master_id)
        if series and not uow.list_attachments("event", event.id):
            uow.copy_attachments("event", event.series_master_id, "event", event.id, event.mailbox_id,
                                 (rt.ids.item() for _ in series))
