#!/usr/bin/env python3
"""Writes docs/coverage.md: the Graph operations calgraph serves, made from its route table.

    .venv/bin/python scripts/coverage.py > docs/coverage.md

Each (resource kind, HTTP method) of the route table is described once below; the path forms of each
operation are found by asking the router which owner and container prefixes it accepts, so the matrix
says what the server does, not what someone remembered. tests/test_coverage_doc.py fails when the route
table has an operation this file does not describe, or when docs/coverage.md is not this script's output.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from calgraph.app import ROUTE_TABLES  # noqa: E402
from calgraph.core.errors import GraphError  # noqa: E402
from calgraph.http import routing  # noqa: E402
from calgraph.http.dispatch import merge_routes  # noqa: E402

# (kind, method) -> (operation, path below an owner, or an absolute path when it starts with "//")
OPERATIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("users", "GET"): ("List users", "//users"),
    ("user", "GET"): ("Get a user", ""),
    ("groups", "GET"): ("List groups", "//groups"),
    ("group", "GET"): ("Get a group", "//groups/{id}"),
    ("groupMembers", "GET"): ("List a group's members", "//groups/{id}/members"),
    ("calendars", "GET"): ("List calendars", "/calendars"),
    ("calendars", "POST"): ("Create a calendar", "/calendars"),
    ("calendar", "GET"): ("Get a calendar", "/calendars/{id}"),
    ("calendar", "PATCH"): ("Update a calendar", "/calendars/{id}"),
    ("calendar", "DELETE"): ("Delete a calendar", "/calendars/{id}"),
    ("calendarGroups", "GET"): ("List calendar groups", "/calendarGroups"),
    ("calendarGroups", "POST"): ("Create a calendar group", "/calendarGroups"),
    ("calendarGroup", "GET"): ("Get a calendar group", "/calendarGroups/{id}"),
    ("calendarGroup", "PATCH"): ("Update a calendar group", "/calendarGroups/{id}"),
    ("calendarGroup", "DELETE"): ("Delete a calendar group", "/calendarGroups/{id}"),
    ("calendarPermissions", "GET"): ("List calendar permissions (sharing)", "/calendar/calendarPermissions"),
    ("calendarPermissions", "POST"): ("Share a calendar", "/calendar/calendarPermissions"),
    ("calendarPermission", "GET"): ("Get a calendar permission", "/calendar/calendarPermissions/{id}"),
    ("calendarPermission", "PATCH"): ("Update a calendar permission", "/calendar/calendarPermissions/{id}"),
    ("calendarPermission", "DELETE"): ("Remove a calendar permission", "/calendar/calendarPermissions/{id}"),
    ("events", "GET"): ("List events", "/events"),
    ("events", "POST"): ("Create an event", "/events"),
    ("event", "GET"): ("Get an event (occurrence ids too)", "/events/{id}"),
    ("event", "PATCH"): ("Update an event", "/events/{id}"),
    ("event", "DELETE"): ("Delete an event", "/events/{id}"),
    ("instances", "GET"): ("List a series' occurrences", "/events/{id}/instances"),
    ("calendarView", "GET"): ("calendarView", "/calendarView"),
    ("eventAction", "POST"): ("Event action", "/events/{id}/{action}"),
    ("mailFolders", "GET"): ("List mail folders", "/mailFolders"),
    ("mailFolder", "GET"): ("Get a mail folder", "/mailFolders/{id}"),
    ("messages", "GET"): ("List messages (meeting messages)", "/messages"),
    ("messages", "POST"): ("Create a message", "/messages"),
    ("message", "GET"): ("Get a message", "/messages/{id}"),
    ("message", "PATCH"): ("Update a message", "/messages/{id}"),
    ("message", "DELETE"): ("Delete a message", "/messages/{id}"),
    ("calendarAction", "POST"): ("Permanently delete a calendar (its meetings cancelled)",
                                 "/calendars/{id}/permanentDelete"),
    ("eventAttachments", "GET"): ("List an event's attachments", "/events/{id}/attachments"),
    ("eventAttachments", "POST"): ("Add an attachment to an event (file, item, reference)",
                                   "/events/{id}/attachments"),
    ("eventAttachment", "GET"): ("Get an event's attachment", "/events/{id}/attachments/{id}"),
    ("eventAttachment", "DELETE"): ("Delete an event's attachment", "/events/{id}/attachments/{id}"),
    ("eventAttachmentValue", "GET"): ("An event attachment's raw bytes", "/events/{id}/attachments/{id}/$value"),
    ("eventUploadSession", "POST"): ("Upload a large attachment to an event",
                                     "/events/{id}/attachments/createUploadSession"),
    ("messageAttachments", "GET"): ("List a message's attachments", "/messages/{id}/attachments"),
    ("messageAttachments", "POST"): ("Add an attachment to a message", "/messages/{id}/attachments"),
    ("messageAttachment", "GET"): ("Get a message's attachment", "/messages/{id}/attachments/{id}"),
    ("messageAttachment", "DELETE"): ("Delete a message's attachment", "/messages/{id}/attachments/{id}"),
    ("messageAttachmentValue", "GET"): ("A message attachment's raw bytes", "/messages/{id}/attachments/{id}/$value"),
    ("messageUploadSession", "POST"): ("Upload a large attachment to a message",
                                       "/messages/{id}/attachments/createUploadSession"),
    ("eventExtensions", "GET"): ("List an event's open extensions", "/events/{id}/extensions"),
    ("eventExtensions", "POST"): ("Add an open extension to an event", "/events/{id}/extensions"),
    ("eventExtension", "GET"): ("Get an event's open extension", "/events/{id}/extensions/{id}"),
    ("eventExtension", "PATCH"): ("Update an event's open extension", "/events/{id}/extensions/{id}"),
    ("eventExtension", "DELETE"): ("Delete an event's open extension", "/events/{id}/extensions/{id}"),
    ("messageExtensions", "GET"): ("List a message's open extensions", "/messages/{id}/extensions"),
    ("messageExtensions", "POST"): ("Add an open extension to a message", "/messages/{id}/extensions"),
    ("messageExtension", "GET"): ("Get a message's open extension", "/messages/{id}/extensions/{id}"),
    ("messageExtension", "PATCH"): ("Update a message's open extension", "/messages/{id}/extensions/{id}"),
    ("messageExtension", "DELETE"): ("Delete a message's open extension", "/messages/{id}/extensions/{id}"),
    ("masterCategories", "GET"): ("List the master categories", "/outlook/masterCategories"),
    ("masterCategories", "POST"): ("Create a category", "/outlook/masterCategories"),
    ("masterCategory", "GET"): ("Get a category", "/outlook/masterCategories/{id}"),
    ("masterCategory", "PATCH"): ("Update a category's colour", "/outlook/masterCategories/{id}"),
    ("masterCategory", "DELETE"): ("Delete a category", "/outlook/masterCategories/{id}"),
    ("reminderView", "GET"): ("Reminders in a window", "/reminderView(startDateTime='{start}',endDateTime='{end}')"),
    ("calendarViewDelta", "GET"): ("calendarView delta", "/calendarView/delta"),
    ("eventsDelta", "GET"): ("Events delta", "/events/delta"),
    ("messagesDelta", "GET"): ("Messages delta of a folder", "/mailFolders/{id}/messages/delta"),
    ("subscriptions", "POST"): ("Create a subscription (change notifications)", "//subscriptions"),
    ("subscriptions", "GET"): ("List subscriptions", "//subscriptions"),
    ("subscription", "GET"): ("Get a subscription", "//subscriptions/{id}"),
    ("subscription", "PATCH"): ("Renew a subscription", "//subscriptions/{id}"),
    ("subscription", "DELETE"): ("Delete a subscription", "//subscriptions/{id}"),
    ("subscriptionReauthorize", "POST"): ("Reauthorize a subscription", "//subscriptions/{id}/reauthorize"),
    ("mailboxSettings", "GET"): ("Get mailbox settings", "/mailboxSettings"),
    ("mailboxSettings", "PATCH"): ("Update mailbox settings", "/mailboxSettings"),
    ("mailboxSetting", "GET"): ("Get one mailbox setting (timeZone, workingHours, ...)", "/mailboxSettings/timeZone"),
    ("supportedTimeZones", "GET"): ("List supported time zones (Windows or IANA)", "/outlook/supportedTimeZones"),
    ("supportedLanguages", "GET"): ("List supported languages", "/outlook/supportedLanguages"),
    ("getSchedule", "POST"): ("Free/busy (getSchedule)", "/calendar/getSchedule"),
    ("findMeetingTimes", "POST"): ("Find meeting times", "/findMeetingTimes"),
    ("findRooms", "GET"): ("Find rooms (beta; also findRooms(RoomList='...'))", "/findRooms"),
    ("findRoomLists", "GET"): ("Find room lists (beta)", "/findRoomLists"),
    ("places", "GET"): ("Bare /places (406: a type cast is required)", "//places"),
    ("placeList", "GET"): ("List rooms or room lists", "//places/microsoft.graph.room"),
    ("roomListRooms", "GET"): ("List the rooms of a room list", "//places/{id}/microsoft.graph.roomList/rooms"),
    ("place", "GET"): ("Get a place (by id or address)", "//places/{id}"),
    ("place", "PATCH"): ("Update a place", "//places/{id}"),
}

OWNERS = {"/me": "/me", "/users/{id or upn}": "/users/x", "/groups/{id}": "/groups/x"}
CONTAINERS = {  # other parents of a path that starts with the key
    "/events": ("/calendar", "/calendars/{id}", "/calendarGroups/{id}/calendars/{id}"),
    "/calendarView": ("/calendar", "/calendars/{id}", "/calendarGroups/{id}/calendars/{id}"),
    "/calendars": ("/calendarGroups/{id}",),
    "/messages": ("/mailFolders/{id}",),
}


class Undescribed(Exception):
    pass


def _concrete(path: str, action: str = "accept") -> str:
    return path.replace("{action}", action).replace("{id}", "x")


def _parses_as(path: str, kind: str) -> bool:
    try:
        return routing.parse(f"/v1.0{_concrete(path)}").kind == kind
    except GraphError:
        return False


def rows() -> list[tuple[str, ...]]:
    routes = merge_routes(ROUTE_TABLES)
    missing = sorted(set(routes) - set(OPERATIONS))
    if missing:
        raise Undescribed(f"routes with no description in scripts/coverage.py: {missing}")
    table = []
    for (kind, method), (operation, path) in OPERATIONS.items():
        if (kind, method) not in routes:
            continue
        actions = routing.EVENT_ACTIONS if kind == "eventAction" else ("",)
        for action in actions:
            named = path.replace("{action}", action)
            table.append(_row(f"{operation}: {action}" if action else operation, kind, method, named))
    return table


def _row(operation: str, kind: str, method: str, path: str) -> tuple[str, ...]:
    if path.startswith("//"):
        if not _parses_as(path[1:], kind):
            raise Undescribed(f"the router does not accept the path of {operation} ({path[1:]})")
        return operation, method, f"`{path[1:]}`", "", ""
    owners = [label for label, concrete in OWNERS.items() if _parses_as(concrete + path, kind)]
    if not owners:
        raise Undescribed(f"the router does not accept the path of {operation} ({path})")
    head = next((prefix for prefix in CONTAINERS if path.startswith(prefix)), None)
    also = [f"`{parent}{path}`" for parent in CONTAINERS.get(head, ())
            if _parses_as(f"/me{parent.replace('{id}', 'x')}{path}", kind)]
    return operation, method, f"`{path or '/'}`", ", ".join(f"`{o}`" for o in owners), ", ".join(also)


def render() -> str:
    lines = [
        "# Coverage: the Graph operations calgraph serves",
        "",
        "Made by `scripts/coverage.py` from the server's route table (a test checks that it is current).",
        "Every path works under `/v1.0` and `/beta`, below each owner listed (`/me/events`,",
        "`/users/{id or upn}/events`, ...); literal segments match case-insensitively.",
        "",
        "| operation | method | path | owners | also below |",
        "|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
