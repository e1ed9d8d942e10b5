"""Seeding a tenant from a declarative document: users (mailbox settings, password), groups, rooms and
room lists, events and meetings (sent by their organizer, invitations delivered, answers given; rooms
answer as their booking policy decides). All of it lands or none: on any failure the tenant
goes back to what it was. The state it produces is what `reset` (to "seed") returns to."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from calgraph.core import scheduling
from calgraph.core.availability import settings as settings_rules
from calgraph.core.availability.booking import BookingPolicy
from calgraph.core.errors import GraphError
from calgraph.core.permissions import Principal
from calgraph.services import (
    calendars,
    directory,
    events,
    mailbox_settings,
    meetings,
    passwords,
    places,
    sharing,
    snapshots,
)
from calgraph.services.control import Control, changed
from calgraph.services.lookup import Scope
from calgraph.services.runtime import Runtime

BEFORE_SEED = "__before_seed__"
SEEDER = Principal(None, frozenset({"Calendars.ReadWrite", "Mail.ReadWrite", "User.Read.All"}), app_id="calgraph-seed")


class SeedRejected(GraphError):
    """A seed document the server cannot apply; `where` names the field (and line, from a file)."""

    status, code = 400, "BadRequest"


@dataclass(frozen=True)
class SeedUser:
    address: str
    name: str | None
    where: str
    password: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)   # as core.availability.settings.apply takes them


@dataclass(frozen=True)
class SeedRoom:
    address: str
    name: str
    where: str
    list_address: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)  # Place fields: capacity, building, floor_number...
    policy: BookingPolicy = BookingPolicy()
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SeedEvent:
    mailbox: str
    changes: dict[str, Any]
    answers: dict[str, str]          # attendee address -> accept | tentativelyAccept | decline
    where: str                       # e.g. "events[2] (line 14)", for errors met while applying
    calendar: str | None = None      # a calendar's name in the mailbox; None: the default calendar


@dataclass(frozen=True)
class SeedCalendar:
    mailbox: str
    name: str
    color: str | None
    shared_with: tuple[tuple[str, str], ...]   # (address, role)
    where: str


@dataclass
class SeedPlan:
    users: list[SeedUser] = field(default_factory=list)
    groups: list[tuple[str, str, list[str]]] = field(default_factory=list)
    room_lists: list[tuple[str, str]] = field(default_factory=list)   # (address, name)
    rooms: list[SeedRoom] = field(default_factory=list)
    calendars: list[SeedCalendar] = field(default_factory=list)
    events: list[SeedEvent] = field(default_factory=list)


@dataclass
class SeedResult:
    users: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    rooms: dict[str, str] = field(default_factory=dict)
    calendars: dict[str, str] = field(default_factory=dict)   # "mailbox/name" -> id


def apply(rt: Runtime, control: Control, plan: SeedPlan, join_url_base: str) -> SeedResult:
    snapshots.save(control, BEFORE_SEED)
    try:
        result = _apply(rt, plan, join_url_base)
    except BaseException:
        snapshots.restore(control, BEFORE_SEED)
        raise
    finally:
        _drop(control, BEFORE_SEED)
    snapshots.save(control, snapshots.SEED_SNAPSHOT)
    with control.store.unit_of_work(write=True) as uow:
        changed(uow)
    return result


def _drop(control: Control, name: str) -> None:
    with control.store.unit_of_work(write=True) as uow:
        uow.delete_snapshot(name)


def _apply(rt: Runtime, plan: SeedPlan, join_url_base: str) -> SeedResult:
    result = SeedResult()
    with rt.store.unit_of_work(write=True) as uow:
        for item in plan.users:
            existing = uow.get_mailbox(item.address)
            user = existing if existing is not None and existing.kind == "user" else \
                directory.add_user(uow, rt.ids, rt.clock, item.address, item.name)
            try:
                _settle(uow, user, item.settings)
                if item.password is not None:
                    passwords.set_password(uow, user.address, item.password)
            except GraphError as error:
                raise SeedRejected(f"{item.where}: {error.message}") from None
            result.users[user.address] = user.id
        for address, name, members in plan.groups:
            existing = uow.get_mailbox(address)
            group = existing if existing is not None and existing.kind == "group" else \
                directory.add_group(uow, rt.ids, rt.clock, address, name, members)
            result.groups[group.address] = group.id
        for address, name in plan.room_lists:
            places.room_list_of(uow, rt.ids, address, name)
        for room in plan.rooms:
            result.rooms[room.address] = _add_room(rt, uow, room)
    for cal in plan.calendars:
        try:
            result.calendars[f"{cal.mailbox}/{cal.name}"] = _add_calendar(rt, cal)
        except GraphError as error:
            raise SeedRejected(f"{cal.where}: {error.message}") from None
    for item in plan.events:
        try:
            _add_event(rt, item, join_url_base)
        except GraphError as error:
            raise SeedRejected(f"{item.where}: {error.message}") from None
    return result


def _settle(uow: Any, mailbox: Any, changes: dict[str, Any]) -> None:
    if changes:
        current = mailbox_settings.settings_of(uow, mailbox)
        uow.put_mailbox_settings(mailbox.id, settings_rules.apply(current, changes))


def _add_room(rt: Runtime, uow: Any, room: SeedRoom) -> str:
    try:
        place = uow.get_place(room.address)
        if place is not None and place.kind == "room":      # seeded before: the document's options again
            fields = {("floor_number" if key == "floor" else key): value for key, value in room.properties.items()}
            place = replace(place, **fields, policy=room.policy)
            uow.update_place(place)
        else:
            place = places.add_room(uow, rt.ids, rt.clock, room.address, room.name, list_address=room.list_address,
                                    policy=room.policy, **room.properties)
        mailbox = uow.get_mailbox(place.address)
        _settle(uow, mailbox, room.settings)
    except GraphError as error:
        raise SeedRejected(f"{room.where}: {error.message}") from None
    return place.id


def _add_calendar(rt: Runtime, cal: SeedCalendar) -> str:
    values = {"name": cal.name, **({"color": cal.color} if cal.color else {})}
    created = calendars.create_calendar(rt, SEEDER, "user", cal.mailbox, None, values).calendar
    for address, role in cal.shared_with:
        sharing.grant(rt, SEEDER, "user", cal.mailbox, created.id, None,
                      {"email_address": {"address": address}, "role": role})
    return created.id


def _calendar_id(rt: Runtime, item: SeedEvent) -> str | None:
    if item.calendar is None:
        return None
    with rt.store.unit_of_work() as uow:
        mailbox = uow.get_mailbox(item.mailbox)
        found = [c for c in uow.list_calendars(mailbox.id) if c.name.lower() == item.calendar.lower()] \
            if mailbox else []
    if not found:
        raise SeedRejected(f"{item.where}: calendar: '{item.mailbox}' has no calendar named '{item.calendar}'.")
    return found[0].id


def _add_event(rt: Runtime, item: SeedEvent, join_url_base: str) -> None:
    scope = Scope("user", item.mailbox, None, _calendar_id(rt, item))
    created = events.create_event(rt, SEEDER, scope, item.changes, join_url_base)
    if not item.answers:
        return
    with rt.store.unit_of_work() as uow:
        copies = {}
        for copy in uow.find_events_by_ical_uid(created.event.ical_uid):
            owner = uow.get_mailbox(copy.mailbox_id)
            if owner is not None and not copy.is_organizer:
                copies[owner.address.lower()] = copy
    for attendee, action in item.answers.items():
        copy = copies.get(attendee.lower())
        if copy is None:
            raise SeedRejected(f"{item.where}: answers: '{attendee}' is not an invited user of this meeting.")
        meetings.respond(rt, SEEDER, Scope("user", attendee), copy.id,
                         scheduling.MeetingResponse(action, None, True), None)  # type: ignore[arg-type]
