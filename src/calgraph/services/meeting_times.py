"""findMeetingTimes: loads the organizer's, the attendees' and the rooms' busy items and working hours
over the search window, then ranks candidates (calgraph.core.availability.suggestions)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from calgraph.core.availability import access as rules
from calgraph.core.availability import suggestions
from calgraph.core.availability.suggestions import Participant, Request, Room, Suggestion
from calgraph.core.model import Mailbox
from calgraph.core.permissions import Principal
from calgraph.services import access
from calgraph.services.availability import SCHEDULE_KINDS, busy_items
from calgraph.services.mailbox_settings import settings_of
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork


def find_meeting_times(rt: Runtime, principal: Principal, kind: str, key: str | None,
                       attendees: list[tuple[str, str]], request: Request) -> tuple[list[Suggestion], str]:
    """`attendees`: (type, address) as sent; a requested location counts as a room when its address is
    one of the tenant's rooms."""
    rules.require_meeting_times(principal)
    now = rt.clock()
    with rt.store.unit_of_work() as uow:
        owner = access.owner_mailbox(uow, principal, kind, key)
        access.require_calendar(uow, principal, owner, None, "read")
        spans = suggestions.window(request, now)
        if not spans:
            return suggestions.suggest(request, Participant(owner.address), [], [], now)
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        organizer = _participant(uow, owner, "required", start, end)
        people = []
        for type_, address in attendees:
            mailbox = uow.get_mailbox(address.strip()) if "@" in address else None
            if mailbox is None or mailbox.kind not in SCHEDULE_KINDS:
                people.append(Participant(address, type_, known=False, is_resource=type_ == "resource"))
            else:
                people.append(_participant(uow, mailbox, type_, start, end))
        rooms = _rooms(uow, start, end) if request.locations or request.suggest_location else []
        room_addresses = {r.address.lower() for r in rooms}
        wishes = tuple(replace(w, room_address=w.room_address if (w.room_address or "").lower() in room_addresses
                               else None) for w in request.locations)
        return suggestions.suggest(replace(request, locations=wishes), organizer, people, rooms, now)


def _participant(uow: UnitOfWork, mailbox: Mailbox, type_: str, start: datetime, end: datetime) -> Participant:
    is_resource = type_ == "resource" or mailbox.kind == "room"
    hours = None if is_resource or mailbox.kind == "group" else settings_of(uow, mailbox).working_hours
    return Participant(mailbox.address, type_, True, is_resource, tuple(busy_items(uow, mailbox, start, end)), hours)


def _rooms(uow: UnitOfWork, start: datetime, end: datetime) -> list[Room]:
    out = []
    for place in uow.list_places("room"):
        mailbox = uow.get_mailbox(place.mailbox_id) if place.mailbox_id else None
        if mailbox is not None and place.booking_type != "reserved":
            out.append(Room(place.address, place.display_name, tuple(busy_items(uow, mailbox, start, end))))
    return out
