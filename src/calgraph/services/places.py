"""Places: provisioning rooms (each a resource mailbox with a calendar) and room lists; reading and
updating them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from calgraph.core.availability import access as rules
from calgraph.core.availability.errors import PlaceCastRequired
from calgraph.core.availability.places import WRITABLE, Place
from calgraph.core.errors import InvalidRequest, ItemNotFound
from calgraph.core.ids import Clock, Ids
from calgraph.core.permissions import Principal
from calgraph.services import directory
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork


def add_room(uow: UnitOfWork, ids: Ids, clock: Clock, address: str, name: str, *, capacity: int | None = None,
             building: str | None = None, floor: int | None = None, list_address: str | None = None,
             accessible: bool = False, **properties: Any) -> Place:
    """A room: a resource mailbox (calendar, folders) and its place entry; `list_address` puts it in that
    room list, which is created on first use (named after its address)."""
    address = directory.normalize_address(address)
    room_list = room_list_of(uow, ids, list_address) if list_address else None
    if uow.get_place(address) is not None:
        raise InvalidRequest(f"A place with the address '{address}' already exists.")
    mailbox = directory.add_resource_mailbox(uow, ids, clock, address, name)
    place = Place(id=ids.guid().upper(), kind="room", address=mailbox.address, display_name=mailbox.display_name,
                  mailbox_id=mailbox.id, list_id=room_list.id if room_list else None,
                  nickname=mailbox.display_name, capacity=capacity, building=building, floor_number=floor,
                  accessible=accessible, **properties)
    uow.add_place(place)
    return place


def room_list_of(uow: UnitOfWork, ids: Ids, address: str, name: str | None = None) -> Place:
    """The room list at `address`, created (named `name`, else after its address) if there is none."""
    address = directory.normalize_address(address)
    existing = uow.get_place(address)
    if existing is not None:
        if existing.kind != "roomList":
            raise InvalidRequest(f"'{address}' is a room, not a room list.")
        return existing
    if uow.get_mailbox(address) is not None:
        raise InvalidRequest(f"The address '{address}' is already taken by a mailbox.")
    name = name or address.split("@", 1)[0]
    room_list = Place(id=ids.guid().upper(), kind="roomList", address=address, display_name=name)
    uow.add_place(room_list)
    return room_list


def list_rooms(uow: UnitOfWork) -> list[tuple[Place, Place | None]]:
    """Every room with its room list, in creation order."""
    lists = {p.id: p for p in uow.list_places("roomList")}
    return [(room, lists.get(room.list_id or "")) for room in uow.list_places("room")]


def list_places(rt: Runtime, principal: Principal, kind: str | None, list_key: str | None = None) -> list[Place]:
    """Rooms or room lists; with `list_key` (a room list's address) the rooms of that list."""
    rules.require_places(principal, write=False)
    if kind is None:
        raise PlaceCastRequired()
    with rt.store.unit_of_work() as uow:
        if list_key is None:
            return uow.list_places(kind)
        room_list = uow.get_place(list_key)
        if room_list is None or room_list.kind != "roomList" or room_list.address.lower() != list_key.lower():
            raise ItemNotFound()
        return uow.list_places("room", room_list.id)


def get_place(rt: Runtime, principal: Principal, key: str) -> Place:
    rules.require_places(principal, write=False)
    with rt.store.unit_of_work() as uow:
        return _find(uow, key)


def _find(uow: UnitOfWork, key: str) -> Place:
    place = uow.get_place(key) if key else None
    if place is None:
        raise ItemNotFound()
    return place


def update_place(rt: Runtime, principal: Principal, key: str, kind: str | None, changes: dict[str, Any]) -> Place:
    """`kind`: the type the body names (`@odata.type`), if any; changes to read-only properties are ignored."""
    rules.require_places(principal, write=True)
    with rt.store.unit_of_work(write=True) as uow:
        place = _find(uow, key)
        if kind is not None and kind != place.kind:
            raise InvalidRequest(f"The @odata.type does not match the place's type (microsoft.graph.{place.kind}).")
        allowed = {k: v for k, v in changes.items() if k in WRITABLE and (place.kind == "room" or k in _LIST_FIELDS)}
        updated = replace(place, **allowed)
        uow.update_place(updated)
        return updated


_LIST_FIELDS = frozenset({"postal_address", "geo_coordinates", "phone", "accessible", "label", "tags"})


def find_rooms(rt: Runtime, principal: Principal, list_key: str | None) -> list[Place]:
    """beta findRooms: at most the first 100 rooms (of a room list)."""
    rules.require_user_read(principal)
    with rt.store.unit_of_work() as uow:
        if list_key is None:
            return uow.list_places("room")[:100]
        room_list = uow.get_place(list_key)
        if room_list is None or room_list.kind != "roomList":
            return []
        return uow.list_places("room", room_list.id)[:100]


def find_room_lists(rt: Runtime, principal: Principal) -> list[Place]:
    rules.require_user_read(principal)
    with rt.store.unit_of_work() as uow:
        return uow.list_places("roomList")


def set_policy(uow: UnitOfWork, place: Place, **values: Any) -> Place:
    updated = replace(place, policy=replace(place.policy, **values))
    uow.update_place(updated)
    return updated

