"""Reading a seed document (JSON, or YAML in a file) into a SeedPlan. Every error names the field and,
where the text is known, its line: `line 7: users[1].email: 'bob' is not a valid email address.`

The document's shape is published as a JSON Schema (seed.schema.json beside this module, served at
GET /_calgraph/seed/schema); event bodies are Graph event bodies, read as POST /users/{id}/events reads them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from calgraph.core.errors import GraphError
from calgraph.http.bodies import EventInput, parse
from calgraph.services.directory import normalize_address
from calgraph.services.seed import SeedCalendar, SeedEvent, SeedPlan, SeedRejected

SCHEMA_PATH = Path(__file__).with_name("seed.schema.json")
ANSWERS = ("accept", "tentativelyAccept", "decline")
TOP_LEVEL = ("users", "groups", "rooms", "calendars", "events")
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
            raise self.fail((), "a seed document is an object with users, groups, rooms and events.")
        for key in data:
            if key not in TOP_LEVEL:
                raise self.fail((key,), f"unknown section (expected {', '.join(TOP_LEVEL)}).")
        plan = SeedPlan()
        users = {address.lower() for address, _ in self._users(data, plan)}
        self._groups(data, plan, users)
        if self._list(data, "rooms"):
            raise self.fail(("rooms",), "room mailboxes are not supported by this server yet.")
        self._calendars(data, plan)
        self._events(data, plan)
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

    def _users(self, data: dict[str, Any], plan: SeedPlan) -> list[tuple[str, str | None]]:
        for i, item in enumerate(self._list(data, "users")):
            where: Where = ("users", i)
            user = self._object(item, where, ("email", "name", "password", "mailboxSettings"))
            address = self._address(user.get("email"), (*where, "email"))
            name = self._text(user.get("name"), (*where, "name"), required=False)
            for unsupported in ("password", "mailboxSettings"):
                if user.get(unsupported) is not None:
                    raise self.fail((*where, unsupported), "is not supported by this server yet.")
            plan.users.append((address, name))
        return plan.users

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

    def _events(self, data: dict[str, Any], plan: SeedPlan) -> None:
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
                self._address(attendee, (*where, "answers", attendee))
                if answer not in ANSWERS:
                    raise self.fail((*where, "answers", attendee), f"must be one of {', '.join(ANSWERS)}.")
            try:
                changes = parse(EventInput, body).changes()
            except GraphError as error:
                raise self.fail(where, error.message) from None
            plan.events.append(SeedEvent(mailbox, changes, answers, self._label(where), calendar))
