"""Raw request path -> one typed `Address`. Every route alias is resolved here and nowhere else.

The raw path is split on `/` before percent-decoding (ids may hold an encoded `/`); literal
segments match case-insensitively (`calendarview`, `calendargroups`), and the beta singular
`calendargroup` names the user's default calendar group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
import re
from typing import Callable
from urllib.parse import unquote

from calgraph.core.errors import BadRequest, UnknownRoute
from calgraph.http import availability_routes

DEFAULT = "@default"  # `/calendar` and `/calendargroup`: the owner's default calendar / calendar group

VERSIONS = {"v1.0": "v1.0", "beta": "beta"}

EVENT_ACTIONS = (
    "accept", "tentativelyAccept", "decline", "cancel", "forward",
    "dismissReminder", "snoozeReminder", "permanentDelete",
)
# `name('key')`: OData's key syntax, the same as `name/key` (`''` is a quote inside the key)
_KEY_SEGMENT = re.compile(r"^([A-Za-z][A-Za-z0-9.]*)\('((?:[^']|'')*)'\)$")


@dataclass(frozen=True)
class Owner:
    kind: str            # "me" | "user" | "group"
    key: str | None      # user id / userPrincipalName / group id as given; None for /me


@dataclass(frozen=True)
class Address:
    version: str
    kind: str                        # which resource the path names, e.g. "event", "events", "calendar"
    owner: Owner | None = None       # None for the top-level /users and /groups collections
    calendar_group: str | None = None
    calendar: str | None = None
    event: str | None = None
    action: str | None = None
    mail_folder: str | None = None
    message: str | None = None
    permission: str | None = None
    extension: str | None = None      # an open extension's name or id
    attachment: str | None = None
    category: str | None = None       # an outlookCategory (masterCategories)
    window: tuple[str, str] | None = None   # reminderView(startDateTime='…',endDateTime='…')
    place: str | None = None         # /places/{id or address}; a room list's address for .../rooms
    option: str | None = None        # a mailboxSettings member, a function parameter (see availability_routes)
    subscription: str | None = None


_KEYED_FOLDER = re.compile(r"mailfolders\('([^']+)'\)", re.IGNORECASE)
DELTA_SPELLINGS = frozenset({"delta", "delta()", "microsoft.graph.delta", "microsoft.graph.delta()"})


def _is_delta(cur: "_Cursor") -> bool:
    """The next segment is the delta function (any spelling) and the last one."""
    return cur.pos == len(cur.segments) - 1 and cur.peek().lower() in DELTA_SPELLINGS


class _Cursor:
    def __init__(self, segments: list[str]) -> None:
        self.segments = segments
        self.pos = 0

    def done(self) -> bool:
        return self.pos >= len(self.segments)

    def peek(self) -> str:
        return self.segments[self.pos]

    def take(self) -> str:
        value = self.segments[self.pos]
        self.pos += 1
        return value

    def literal(self) -> str:
        return self.take().lower()


def split_path(raw_path: str) -> list[str]:
    segments = []
    for part in raw_path.split("/"):
        if part == "":
            continue
        segment = unquote(part)
        keyed = _KEY_SEGMENT.match(segment)
        if keyed:
            segments.extend((keyed.group(1), keyed.group(2).replace("''", "'")))
        else:
            segments.append(segment)
    if any("\x00" in segment for segment in segments):  # %00 names nothing, and no database stores it
        raise BadRequest("Invalid URL: a path segment holds a NUL character.")
    return segments


def parse(raw_path: str) -> Address:
    segments = split_path(raw_path)
    if not segments:
        raise UnknownRoute()
    version = VERSIONS.get(segments[0].lower())
    if version is None:
        raise BadRequest(f"Invalid version: {segments[0]}")
    cur = _Cursor(segments[1:])
    if cur.done():
        raise UnknownRoute()
    head = cur.literal()
    if head in ("$batch", "subscriptions"):
        return _top_level(cur, Address(version, head))
    if head == "me":
        return _user_scope(cur, Address(version, "user", Owner("me", None)))
    if head in ("users", "groups"):
        kind = head[:-1]
        if cur.done():
            return Address(version, head)
        owner = Owner(kind, cur.take())
        scope = _user_scope if kind == "user" else _group_scope
        return scope(cur, Address(version, kind, owner))
    if head == "places":
        return availability_routes.places(cur, Address(version, "places"))
    raise UnknownRoute(segments[1])


def _top_level(cur: _Cursor, addr: Address) -> Address:
    """`$batch`; `subscriptions`, `subscriptions/{id}`, `subscriptions/{id}/reauthorize`."""
    if addr.kind == "$batch":
        if not cur.done():
            raise UnknownRoute(cur.peek())
        return replace(addr, kind="batch")
    if cur.done():
        return addr
    addr = replace(addr, kind="subscription", subscription=cur.take())
    if cur.done():
        return addr
    if cur.literal() == "reauthorize" and cur.done():
        return replace(addr, kind="subscriptionReauthorize")
    raise _unknown(cur)


def _unknown(cur: _Cursor) -> UnknownRoute:
    return UnknownRoute(cur.segments[cur.pos - 1] if cur.pos else None)


def _user_scope(cur: _Cursor, addr: Address) -> Address:
    if cur.done():
        return addr
    if cur.peek().lower().startswith("reminderview("):
        return _reminder_function(cur, addr)
    seg = cur.literal()
    keyed = _KEYED_FOLDER.fullmatch(cur.segments[cur.pos - 1])
    if keyed is not None:   # mailFolders('{id}'), as delta links render it
        cur.segments[cur.pos - 1:cur.pos] = ["mailFolders", keyed.group(1)]
        cur.pos -= 1
        cur.take()
        return _mail_folders(cur, addr)
    handler = _USER_CHILDREN.get(seg) or availability_routes.user_function(seg)
    if handler is None:
        raise _unknown(cur)
    return handler(cur, addr)


def _group_scope(cur: _Cursor, addr: Address) -> Address:
    if cur.done():
        return addr
    seg = cur.literal()
    if seg == "members" and cur.done():
        return replace(addr, kind="groupMembers")
    handler = _GROUP_CHILDREN.get(seg)
    if handler is None:
        raise _unknown(cur)
    return handler(cur, addr)


def _default_calendar(cur: _Cursor, addr: Address) -> Address:
    return _calendar_children(cur, replace(addr, kind="calendar", calendar=DEFAULT))


def _calendars(cur: _Cursor, addr: Address) -> Address:
    if cur.done():
        return replace(addr, kind="calendars")
    return _calendar_children(cur, replace(addr, kind="calendar", calendar=cur.take()))


def _calendar_children(cur: _Cursor, addr: Address) -> Address:
    if cur.done():
        return addr
    seg = cur.literal()
    if seg == "events":
        return _events(cur, addr)
    if seg == "calendarview" and cur.done():
        return replace(addr, kind="calendarView")
    if seg == "getschedule" and cur.done():
        return replace(addr, kind="getSchedule")
    if seg == "permanentdelete" and cur.done() and addr.calendar != DEFAULT:
        return replace(addr, kind="calendarAction", action="permanentDelete")
    if seg == "calendarview" and _is_delta(cur):
        cur.take()
        return replace(addr, kind="calendarViewDelta")
    if seg == "calendarpermissions":
        if cur.done():
            return replace(addr, kind="calendarPermissions")
        addr = replace(addr, kind="calendarPermission", permission=cur.take())
        if cur.done():
            return addr
    raise _unknown(cur)


def _calendar_groups(cur: _Cursor, addr: Address) -> Address:
    if cur.done():
        return replace(addr, kind="calendarGroups")
    addr = replace(addr, kind="calendarGroup", calendar_group=cur.take())
    return _calendar_group_children(cur, addr)


def _default_calendar_group(cur: _Cursor, addr: Address) -> Address:
    addr = replace(addr, kind="calendarGroup", calendar_group=DEFAULT)
    if cur.done():
        raise _unknown(cur)  # the singular alias only prefixes .../calendars
    return _calendar_group_children(cur, addr)


def _calendar_group_children(cur: _Cursor, addr: Address) -> Address:
    if cur.done():
        return addr
    if cur.literal() != "calendars":
        raise _unknown(cur)
    return _calendars(cur, addr)


def _events(cur: _Cursor, addr: Address) -> Address:
    if cur.done():
        return replace(addr, kind="events")
    if _is_delta(cur) and addr.owner is not None and addr.owner.kind != "group":
        cur.take()
        return replace(addr, kind="eventsDelta")
    addr = replace(addr, kind="event", event=cur.take())
    if cur.done():
        return addr
    seg = cur.take()
    if seg.lower() == "instances" and cur.done():
        return replace(addr, kind="instances")
    if seg.lower() == "instances" and not cur.done():   # an occurrence by its id under its master
        addr = replace(addr, event=cur.take())
        if cur.done():
            return addr
        seg = cur.take()
    if seg.lower() in _ITEM_CHILDREN:
        return _ITEM_CHILDREN[seg.lower()](cur, replace(addr, kind="event"), "event")
    action = next((a for a in EVENT_ACTIONS if a.lower() == seg.lower()), None)
    if action is None or not cur.done():
        raise UnknownRoute(seg)
    return replace(addr, kind="eventAction", action=action)


def _calendar_view(cur: _Cursor, addr: Address) -> Address:
    if _is_delta(cur):
        cur.take()
        return replace(addr, kind="calendarViewDelta")
    if not cur.done():
        raise UnknownRoute(cur.peek())
    return replace(addr, kind="calendarView")


def _mail_folders(cur: _Cursor, addr: Address) -> Address:
    if cur.done():
        return replace(addr, kind="mailFolders")
    addr = replace(addr, kind="mailFolder", mail_folder=cur.take())
    if cur.done():
        return addr
    if cur.literal() != "messages":
        raise _unknown(cur)
    return _messages(cur, addr)


def _messages(cur: _Cursor, addr: Address) -> Address:
    if cur.done():
        return replace(addr, kind="messages")
    if addr.mail_folder is not None and _is_delta(cur):
        cur.take()
        return replace(addr, kind="messagesDelta")
    addr = replace(addr, kind="message", message=cur.take())
    if cur.done():
        return addr
    seg = cur.literal()
    if seg in _ITEM_CHILDREN:
        return _ITEM_CHILDREN[seg](cur, addr, "message")
    raise _unknown(cur)


def _extensions(cur: _Cursor, addr: Address, item: str) -> Address:
    if cur.done():
        return replace(addr, kind=f"{item}Extensions")
    addr = replace(addr, kind=f"{item}Extension", extension=cur.take())
    if not cur.done():
        raise UnknownRoute(cur.peek())
    return addr


def _attachments(cur: _Cursor, addr: Address, item: str) -> Address:
    if addr.owner is not None and addr.owner.kind == "group":   # group events hold no attachments (Graph)
        raise UnknownRoute("attachments")
    if cur.done():
        return replace(addr, kind=f"{item}Attachments")
    seg = cur.take()
    if seg.lower() == "createuploadsession" and cur.done():
        return replace(addr, kind=f"{item}UploadSession")
    addr = replace(addr, kind=f"{item}Attachment", attachment=seg)
    if cur.done():
        return addr
    if cur.take() == "$value" and cur.done():
        return replace(addr, kind=f"{item}AttachmentValue")
    raise _unknown(cur)


_ITEM_CHILDREN: dict[str, Callable[[_Cursor, Address, str], Address]] = {
    "extensions": _extensions,
    "attachments": _attachments,
}


def _outlook(cur: _Cursor, addr: Address) -> Address:
    if not cur.done() and cur.peek().lower() != "mastercategories":
        return availability_routes.outlook(cur, addr)   # supportedTimeZones(…), supportedLanguages
    if cur.done() or cur.literal() != "mastercategories":
        raise _unknown(cur)
    if cur.done():
        return replace(addr, kind="masterCategories")
    addr = replace(addr, kind="masterCategory", category=cur.take())
    if not cur.done():
        raise UnknownRoute(cur.peek())
    return addr


# the comma may be missing: msgraph-sdk (Python) writes `(StartDateTime='…'EndDateTime='…')`
_WINDOW = re.compile(r"^\s*startDateTime\s*=\s*'([^']*)'\s*,?\s*endDateTime\s*=\s*'([^']*)'\s*$", re.I)


def _reminder_function(cur: _Cursor, addr: Address) -> Address:
    text = cur.take()
    if not text.endswith(")") or not cur.done():
        raise _unknown(cur)
    found = _WINDOW.match(text[len("reminderView("):-1])
    if found is None:
        raise BadRequest("The reminderView function requires the startDateTime and endDateTime parameters.")
    return replace(addr, kind="reminderView", window=(found.group(1), found.group(2)))


def _reminder_view(cur: _Cursor, addr: Address) -> Address:
    """`reminderView(startDateTime='…',endDateTime='…')`, or `reminderView` with them in the query."""
    if not cur.done():
        raise UnknownRoute(cur.peek())
    return replace(addr, kind="reminderView")


Step = Callable[[_Cursor, Address], Address]

_USER_CHILDREN: dict[str, Step] = {
    "calendar": _default_calendar,
    "calendars": _calendars,
    "calendargroups": _calendar_groups,
    "calendargroup": _default_calendar_group,
    "events": _events,
    "calendarview": _calendar_view,
    "mailfolders": _mail_folders,
    "messages": _messages,
    "outlook": _outlook,
    "reminderview": _reminder_view,
    **availability_routes.USER_CHILDREN,
}

_GROUP_CHILDREN: dict[str, Step] = {
    "calendar": _default_calendar,
    "events": _events,
    "calendarview": _calendar_view,
}
