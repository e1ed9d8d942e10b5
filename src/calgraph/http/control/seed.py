"""Reading a seed document (JSON, or YAML in a file) into a SeedPlan. Every error names the field and,
where the text is known, its line: `line 7: users[1].email: 'bob' is not a valid email address.`

The document's shape is published as a JSON Schema (seed.schema.json beside this module, served at
GET /_calgraph/seed/schema); event bodies are Graph event bodies, read as POST /users/{id}/events reads them,
and mailboxSettings as PATCH …/mailboxSettings reads them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from calgraph.core.availability import settings as settings_rules
from calgraph.core.availability.booking import BookingPolicy
from calgraph.core.errors import GraphError
from calgraph.http.availability_json import Body
from calgraph.http.bodies import EventInput, parse
from calgraph.http.resources.mailbox_settings import settings_changes
from calgraph.services.directory import normalize_address
from calgraph.services.passwords import MAX_LENGTH as PASSWORD_MAX
from calgraph.services.seed import SeedCalendar, SeedEvent, SeedPlan, SeedRejected, SeedRoom, SeedUser

SCHEMA_PATH = Path(__file__).with_name("seed.schema.json")
ANSWERS = ("accept", "tentativelyAccept", "decline")
TOP_LEVEL = ("users", "groups", "roomLists", "rooms", "calendars", "events")
SETTINGS = ("timeZone", "workingHours", "automaticRepliesSetting", "language", "dateFormat", "timeFormat",
            "delegateMeetingMessageDeliveryOptions")
PROCESSING = ("AutoAccept", "AutoUpdate", "None")
# A room's booking options: document name -> (BookingPolicy field, type, minimum, maximum)
POLICY = {"bookingWindowDays": ("booking_window_days", int, 0, 1080),
          "maxDurationMinutes": ("max_duration_minutes", int, 0, None),
          "allowConflicts": ("allow_conflicts", bool, None, None),
          "allowRecurring": ("allow_recurring", bool, None, None),
          "workHoursOnly": ("work_hours_only", bool, None, None)}
ROOM_FIELDS = ("email", "name", "capacity", "building", "floor", "list", "accessible", "processing", *POLICY,
               "mailboxSettings")
COLORS = ("auto", "lightBlue", "lightGreen", "lightOrange", "lightGray", "lightYellow", "lightTeal", "lightPink",
          "lightBrown", "lightRed")
ROLES = ("freeBusyRead", "limitedRead", "read", "write", "delegateWithoutPrivateEventAccess",
         "delegateWithPrivateEventAccess")
Where = tuple[Any, ...]


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


def read_text(text: str) -> SeedPlan:
    """A JSON or YAML document's text -> the plan; SeedRejected naming line and field."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise SeedRejected(f"{line}the document is neither valid JSON nor valid YAML "
                           f"({getattr(error, 'problem', None) or error}).") from None
    lines: dict[Where, int] = {}
    if node is not None:
        _lines(node, (), lines)
    return _Reader(lines).plan(data)


def read_json(value: Any) -> SeedPlan:
    return _Reader({}).plan(value)


def _lines(node: yaml.Node, where: Where, out: dict[Where, int]) -> None:
    out[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out[(*where, key.value)] = key.start_mark.line + 1
            _lines(value, (*where, key.value), out)
            out[(*where, key.value)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, (*where, index), out)


class _Reader:
    def __init__(self, lines: dict[Where, int]) -> None:
        self.lines = lines

    def fail(self, where: Where, message: str) -> SeedRejected:
        field = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(where))
        line = next((self.lines[where[:n]] for n in range(len(where), -1, -1) if where[:n] in self.lines), None)
        prefix = f"line {line}: " if line is not None else ""
        return SeedRejected(f"{prefix}{field or 'document'}: {message}")

    def plan(self, data: Any) -> SeedPlan:
        if not isinstance(data, dict):
            raise self.fail((), f"a seed document is an object with {', '.join(TOP_LEVEL)}.")
        for key in data:
            if key not in TOP_LEVEL:
                raise self.fail((key,), f"unknown section (expected {', '.join(TOP_LEVEL)}).")
        plan = SeedPlan()
        users = {user.address.lower() for user in self._users(data, plan)}
        self._groups(data, plan, users)
        self._room_lists(data, plan)
        self._rooms(data, plan, users)
        self._calendars(data, plan)
        self._events(data, plan, {room.address.lower() for room in plan.rooms})
        return plan

    def _list(self, data: dict[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail((key,), "must be a list.")
        return value

    def _object(self, value: Any, where: Where, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be an object.")
        for key in value:
            if key not in allowed:
                raise self.fail((*where, key), f"unknown field (expected {', '.join(allowed)}).")
        return value

    def _address(self, value: Any, where: Where) -> str:
        if not isinstance(value, str):
            raise self.fail(where, "must be an email address.")
        try:
            return normalize_address(value)
        except GraphError as error:
            raise self.fail(where, error.message) from None

    def _text(self, value: Any, where: Where, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "must be a non-empty string.")
        return value

    def _users(self, data: dict[str, Any], plan: SeedPlan) -> list[SeedUser]:
        for i, item in enumerate(self._list(data, "users")):
            where: Where = ("users", i)
            user = self._object(item, where, ("email", "name", "password", "mailboxSettings"))
            address = self._address(user.get("email"), (*where, "email"))
            name = self._text(user.get("name"), (*where, "name"), required=False)
            password = user.get("password")
            if password is not None and (not isinstance(password, str) or not 0 < len(password) <= PASSWORD_MAX):
                raise self.fail((*where, "password"), f"must be a string of 1 to {PASSWORD_MAX} characters.")
            settings = self._settings(user.get("mailboxSettings"), (*where, "mailboxSettings"))
            plan.users.append(SeedUser(address, name, self._label(where), password, settings))
        return plan.users

    def _settings(self, value: Any, where: Where) -> dict[str, Any]:
        """mailboxSettings as PATCH …/mailboxSettings takes them, each member checked as PATCH checks it."""
        if value is None:
            return {}
        changes: dict[str, Any] = {}
        for member, member_value in self._object(value, where, SETTINGS).items():
            try:
                change = settings_changes(Body({member: member_value}))
                settings_rules.apply(settings_rules.MailboxSettings(), change)
            except GraphError as error:
                raise self.fail((*where, member), error.message) from None
            changes.update(change)
        return changes

    def _room_lists(self, data: dict[str, Any], plan: SeedPlan) -> None:
        for i, item in enumerate(self._list(data, "roomLists")):
            where: Where = ("roomLists", i)
            entry = self._object(item, where, ("email", "name"))
            address = self._address(entry.get("email"), (*where, "email"))
            plan.room_lists.append((address, self._text(entry.get("name"), (*where, "name")) or address))

    def _rooms(self, data: dict[str, Any], plan: SeedPlan, users: set[str]) -> None:
        for i, item in enumerate(self._list(data, "rooms")):
            where: Where = ("rooms", i)
            room = self._object(item, where, ROOM_FIELDS)
            address = self._address(room.get("email"), (*where, "email"))
            if address.lower() in users:
                raise self.fail((*where, "email"), f"'{address}' is already one of the document's users.")
            name = self._text(room.get("name"), (*where, "name")) or address
            list_address = self._address(room["list"], (*where, "list")) if room.get("list") is not None else None
            properties: dict[str, Any] = {}
            for key, kind in (("capacity", int), ("floor", int), ("building", str), ("accessible", bool)):
                if room.get(key) is not None:
                    properties[key] = self._typed(room[key], (*where, key), kind, 0 if key == "capacity" else None)
            policy: dict[str, Any] = {}
            for key, (field_name, kind, low, high) in POLICY.items():
                if room.get(key) is not None:
                    policy[field_name] = self._typed(room[key], (*where, key), kind, low, high)
            if room.get("processing") is not None:
                if room["processing"] not in PROCESSING:
                    raise self.fail((*where, "processing"), f"must be one of {', '.join(PROCESSING)}.")
                policy["automate"] = room["processing"]
            settings = self._settings(room.get("mailboxSettings"), (*where, "mailboxSettings"))
            plan.rooms.append(SeedRoom(address, name, self._label(where), list_address, properties,
                                       BookingPolicy(**policy), settings))

    def _typed(self, value: Any, where: Where, kind: type, low: int | None = None, high: int | None = None) -> Any:
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(where, "must be a whole number.")
        if kind is bool and not isinstance(value, bool):
            raise self.fail(where, "must be true or false.")
        if kind is str and (not isinstance(value, str) or not value.strip()):
            raise self.fail(where, "must be a non-empty string.")
        if kind is int and ((low is not None and value < low) or (high is not None and value > high)):
            bounds = f"at least {low}" if high is None else f"from {low} to {high}"
            raise self.fail(where, f"must be {bounds}.")
        return value

    def _groups(self, data: dict[str, Any], plan: SeedPlan, users: set[str]) -> None:
        for i, item in enumerate(self._list(data, "groups")):
            where: Where = ("groups", i)
            group = self._object(item, where, ("email", "name", "members"))
            address = self._address(group.get("email"), (*where, "email"))
            name = self._text(group.get("name"), (*where, "name"))
            members = group.get("members", []) or []
            if not isinstance(members, list):
                raise self.fail((*where, "members"), "must be a list of user addresses.")
            checked = [self._address(m, (*where, "members", j)) for j, m in enumerate(members)]
            for j, member in enumerate(checked):
                if member.lower() not in users:
                    raise self.fail((*where, "members", j), f"'{member}' is not one of the document's users.")
            plan.groups.append((address, name or address, checked))

    def _calendars(self, data: dict[str, Any], plan: SeedPlan) -> None:
        for i, item in enumerate(self._list(data, "calendars")):
            where: Where = ("calendars", i)
            cal = self._object(item, where, ("mailbox", "name", "color", "sharedWith"))
            mailbox = self._address(cal.get("mailbox"), (*where, "mailbox"))
            name = self._text(cal.get("name"), (*where, "name"))
            color = self._text(cal.get("color"), (*where, "color"), required=False)
            if color is not None and color not in COLORS:
                raise self.fail((*where, "color"), f"must be one of {', '.join(COLORS)}.")
            shared = cal.get("sharedWith", []) or []
            if not isinstance(shared, list):
                raise self.fail((*where, "sharedWith"), "must be a list of {email, role}.")
            grants = []
            for j, grant in enumerate(shared):
                entry = self._object(grant, (*where, "sharedWith", j), ("email", "role"))
                address = self._address(entry.get("email"), (*where, "sharedWith", j, "email"))
                role = entry.get("role", "read")
                if role not in ROLES:
                    raise self.fail((*where, "sharedWith", j, "role"), f"must be one of {', '.join(ROLES)}.")
                grants.append((address, role))
            plan.calendars.append(SeedCalendar(mailbox, name or "", color, tuple(grants), self._label(where)))

    def _label(self, where: Where) -> str:
        line = self.lines.get(where)
        return f"{where[0]}[{where[1]}]" + (f" (line {line})" if line else "")

    def _events(self, data: dict[str, Any], plan: SeedPlan, rooms: set[str]) -> None:
        for i, item in enumerate(self._list(data, "events")):
            where: Where = ("events", i)
            if not isinstance(item, dict):
                raise self.fail(where, "must be an object (a Graph event body with 'mailbox').")
            body = dict(item)
            mailbox = self._address(body.pop("mailbox", None), (*where, "mailbox"))
            calendar = self._text(body.pop("calendar", None), (*where, "calendar"), required=False)
            answers = body.pop("answers", None) or {}
            if not isinstance(answers, dict):
                raise self.fail((*where, "answers"), "must map attendee addresses to accept, tentativelyAccept or decline.")
            for attendee, answer in answers.items():
                if self._address(attendee, (*where, "answers", attendee)).lower() in rooms:
                    raise self.fail((*where, "answers", attendee), "is a room: it answers by its booking policy.")
                if answer not in ANSWERS:
                    raise self.fail((*where, "answers", attendee), f"must be one of {', '.join(ANSWERS)}.")
            try:
                changes = parse(EventInput, body).changes()
            except GraphError as error:
                raise self.fail(where, error.message) from None
            plan.events.append(SeedEvent(mailbox, changes, answers, self._label(where), calendar))
