"""The routes of the availability APIs (part of calgraph.http.routing): mailboxSettings, outlook's
supportedTimeZones / supportedLanguages, findMeetingTimes, beta findRooms / findRoomLists, /places.

Function segments are matched with their SDK spellings: `supportedTimeZones()`,
`supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Iana')`, `findRooms(RoomList='x')`;
type casts as `microsoft.graph.room` or `graph.room` (any case)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable

from calgraph.core.errors import UnknownRoute

if TYPE_CHECKING:
    from calgraph.http.routing import Address

SETTINGS_MEMBERS = {name.lower(): name for name in (
    "automaticRepliesSetting", "dateFormat", "delegateMeetingMessageDeliveryOptions", "language", "timeFormat",
    "timeZone", "workingHours", "userPurpose", "archiveFolder")}
_FUNCTION = re.compile(r"^([A-Za-z]+)(?:\((.*)\))?$", re.S)
_ARGUMENT = re.compile(r"^\s*(\w+)\s*=\s*(?:microsoft\.graph\.\w+)?'(.*)'\s*$", re.S)
_CASTS = {"room": "room", "roomlist": "roomList"}


def _function(segment: str) -> tuple[str, dict[str, str]] | None:
    """`name`, `name()` or `name(Arg='value')` / `name(Arg=microsoft.graph.enumType'value')`."""
    match = _FUNCTION.match(segment)
    if match is None:
        return None
    args: dict[str, str] = {}
    if match.group(2):
        argument = _ARGUMENT.match(match.group(2))
        if argument is None:
            return None
        args[argument.group(1).lower()] = argument.group(2).replace("''", "'")
    return match.group(1).lower(), args


def cast(segment: str) -> str | None:
    lowered = segment.lower()
    for prefix in ("microsoft.graph.", "graph."):
        if lowered.startswith(prefix):
            return _CASTS.get(lowered[len(prefix):])
    return None


def _mailbox_settings(cur: Any, addr: "Address") -> "Address":
    if cur.done():
        return replace(addr, kind="mailboxSettings")
    member = SETTINGS_MEMBERS.get(cur.take().lower())
    if member is None or not cur.done():
        raise UnknownRoute(cur.segments[cur.pos - 1])
    return replace(addr, kind="mailboxSetting", option=member)


def outlook(cur: Any, addr: "Address") -> "Address":
    """…/outlook/supportedTimeZones(…) and …/outlook/supportedLanguages (masterCategories: routing)."""
    if cur.done():
        raise UnknownRoute("outlook")
    segment = cur.take()
    parsed = _function(segment)
    if parsed is None or not cur.done():
        raise UnknownRoute(segment)
    name, args = parsed
    if name == "supportedtimezones" and set(args) <= {"timezonestandard"}:
        return replace(addr, kind="supportedTimeZones", option=args.get("timezonestandard", "Windows"))
    if name == "supportedlanguages" and not args:
        return replace(addr, kind="supportedLanguages")
    raise UnknownRoute(segment)


def _leaf(kind: str) -> Callable[[Any, "Address"], "Address"]:
    def step(cur: Any, addr: "Address") -> "Address":
        if not cur.done():
            raise UnknownRoute(cur.peek())
        return replace(addr, kind=kind)
    return step


USER_CHILDREN: dict[str, Callable[[Any, "Address"], "Address"]] = {
    "mailboxsettings": _mailbox_settings,
    "findmeetingtimes": _leaf("findMeetingTimes"),
    "findroomlists": _leaf("findRoomLists"),
    "findroomlists()": _leaf("findRoomLists"),
    "findrooms": _leaf("findRooms"),
    "findrooms()": _leaf("findRooms"),
}


def user_function(segment: str) -> Callable[[Any, "Address"], "Address"] | None:
    """`findRooms(RoomList='x')` (the segment lower-cased): the rooms of that room list."""
    parsed = _function(segment)
    if parsed is None or parsed[0] != "findrooms" or set(parsed[1]) != {"roomlist"}:
        return None
    room_list = parsed[1]["roomlist"]

    def step(cur: Any, addr: "Address") -> "Address":
        if not cur.done():
            raise UnknownRoute(cur.peek())
        return replace(addr, kind="findRooms", option=room_list)
    return step


def places(cur: Any, addr: "Address") -> "Address":
    if cur.done():
        return addr                                          # bare /places: 406 (a cast is required)
    first = cur.take()
    kind = cast(first)
    if kind is not None:
        if not cur.done():
            raise UnknownRoute(cur.peek())
        return replace(addr, kind="placeList", option=kind)
    if cur.done():
        return replace(addr, kind="place", place=first)
    second = cur.take()
    if cast(second) == "roomList" and not cur.done() and cur.take().lower() == "rooms" and cur.done():
        return replace(addr, kind="roomListRooms", place=first)
    if cast(second) is not None and cur.done():
        return replace(addr, kind="place", place=first, option=cast(second))
    raise UnknownRoute(second)
