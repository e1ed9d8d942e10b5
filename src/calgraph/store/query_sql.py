"""Compile core.query filters and orderings into portable SQLAlchemy expressions.

String comparisons are case-insensitive (against the *_lower columns or lower()); ordering of
text uses binary (code point) order on both databases; instants compare as fixed-width UTC strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import String, and_, exists, false, func, not_, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from calgraph.core.errors import InvalidProperty, UnsupportedQuery
from calgraph.core.query import And, Any_, Call, Compare, Filter, Not, Or, OrderBy, Prop, PropertyAny, Value
from calgraph.store.codec import NULL_TS, format_ts
from calgraph.store.schema import (
    event_categories,
    event_extended_properties,
    events,
    mailboxes,
    message_extended_properties,
    messages,
)

Kind = Literal["event", "message", "mailbox"]
# lower: the column holds lower-cased text; folded: compared through lower(); exact: ids;
# ts: fixed-width UTC instants; bool; categories: the event_categories collection.
ValueKind = Literal["lower", "folded", "exact", "ts", "bool", "categories", "properties"]


@dataclass(frozen=True)
class Mapped:
    column: Any
    kind: ValueKind


def _event_properties() -> dict[str, Mapped]:
    c = events.c
    return {
        "id": Mapped(c.id, "exact"),
        "subject": Mapped(c.subject_lower, "lower"),
        "start/dateTime": Mapped(c.start_utc, "ts"),
        "end/dateTime": Mapped(c.end_utc, "ts"),
        "createdDateTime": Mapped(c.created, "ts"),
        "lastModifiedDateTime": Mapped(c.last_modified, "ts"),
        "isAllDay": Mapped(c.is_all_day, "bool"),
        "isCancelled": Mapped(c.is_cancelled, "bool"),
        "isOrganizer": Mapped(c.is_organizer, "bool"),
        "type": Mapped(c.type, "folded"),
        "iCalUId": Mapped(c.ical_uid, "folded"),
        "importance": Mapped(c.importance, "folded"),
        "sensitivity": Mapped(c.sensitivity, "folded"),
        "showAs": Mapped(c.show_as, "folded"),
        "organizer/emailAddress/address": Mapped(c.organizer_address_lower, "lower"),
        "organizer/emailAddress/name": Mapped(c.organizer_name_lower, "lower"),
        "categories": Mapped(None, "categories"),
        "singleValueExtendedProperties": Mapped(None, "properties"),
    }


def _message_properties() -> dict[str, Mapped]:
    c = messages.c
    return {
        "id": Mapped(c.id, "exact"),
        "subject": Mapped(c.subject_lower, "lower"),
        "receivedDateTime": Mapped(c.received, "ts"),
        "sentDateTime": Mapped(c.sent, "ts"),
        "createdDateTime": Mapped(c.created, "ts"),
        "lastModifiedDateTime": Mapped(c.last_modified, "ts"),
        "isRead": Mapped(c.is_read, "bool"),
        "isDraft": Mapped(c.is_draft, "bool"),
        "importance": Mapped(c.importance, "folded"),
        "from/emailAddress/address": Mapped(c.from_address_lower, "lower"),
        "singleValueExtendedProperties": Mapped(None, "properties"),
    }


def _mailbox_properties() -> dict[str, Mapped]:
    c = mailboxes.c
    return {
        "id": Mapped(c.id, "exact"),
        "displayName": Mapped(c.display_name_lower, "lower"),
        "mail": Mapped(c.address_lower, "lower"),
        "userPrincipalName": Mapped(c.address_lower, "lower"),
    }


PROPERTIES: dict[str, dict[str, Mapped]] = {
    "event": _event_properties(),
    "message": _message_properties(),
    "mailbox": _mailbox_properties(),
}
_TYPE_NAMES = {"event": "microsoft.graph.event", "message": "microsoft.graph.message",
               "mailbox": "microsoft.graph.user"}
_COMPARE_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
}
LIKE_ESCAPE = "/"


class binary_text(FunctionElement[str]):
    """Text compared and sorted by code point: COLLATE "C" on PostgreSQL, SQLite's default BINARY."""

    name = "binary_text"
    type = String()
    inherit_cache = True


@compiles(binary_text)
def _binary_text_default(element: binary_text, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(binary_text, "postgresql")
def _binary_text_postgresql(element: binary_text, compiler: Any, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


# -- public ----------------------------------------------------------------------------------------

def where_clause(kind: str, flt: Filter | None) -> ColumnElement[bool] | None:
    if flt is None:
        return None
    return _Compiler(kind).compile(flt)


def order_clauses(kind: str, orderby: tuple[OrderBy, ...] | list[OrderBy]) -> list[Any]:
    compiler = _Compiler(kind)
    clauses = []
    for item in orderby:
        mapped = compiler.lookup(item.path)
        if mapped.kind in ("categories", "properties"):
            raise UnsupportedQuery(f"The property '{item.path}' cannot be used in $orderby.")
        key = _sort_key(mapped)
        clauses.append(key.desc() if item.descending else key.asc())
    return clauses


def escape_like(text: str) -> str:
    return (text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
            .replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_"))


def normalize_instant(literal: str) -> str:
    """A filter's date-time literal ('2017-07-01T08:00', '...00.0000000', '...Z', a date) in column format."""
    try:
        return format_ts(datetime.fromisoformat(literal.strip()))
    except ValueError:
        raise UnsupportedQuery(f"The DateTime literal '{literal}' is not valid.") from None


# -- compiler --------------------------------------------------------------------------------------

def _sort_key(mapped: Mapped) -> Any:
    if mapped.kind == "folded":
        return binary_text(func.lower(mapped.column))
    if mapped.kind in ("lower", "exact"):
        return binary_text(mapped.column)
    return mapped.column


class _Compiler:
    def __init__(self, kind: str) -> None:
        if kind not in PROPERTIES:
            raise ValueError(f"unknown collection kind {kind!r}")
        self.kind = kind
        self.properties = PROPERTIES[kind]

    def lookup(self, path: str) -> Mapped:
        mapped = self.properties.get(path)
        if mapped is None:
            raise InvalidProperty(f"Could not find a property named '{path}' on type '{_TYPE_NAMES[self.kind]}'.")
        return mapped

    def compile(self, node: Filter) -> ColumnElement[bool]:
        if isinstance(node, And):
            return and_(self.compile(node.left), self.compile(node.right))
        if isinstance(node, Or):
            return or_(self.compile(node.left), self.compile(node.right))
        if isinstance(node, Not):
            return not_(self.compile(node.operand))
        if isinstance(node, Prop):
            mapped = self.lookup(node.path)
            if mapped.kind != "bool":
                raise UnsupportedQuery(f"The property '{node.path}' is not a Boolean and cannot stand alone.")
            return mapped.column == true()
        if isinstance(node, Compare):
            return self.compare(node)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Any_):
            return self.any_(node)
        if isinstance(node, PropertyAny):
            return self.property_any(node)
        raise UnsupportedQuery()

    def compare(self, node: Compare) -> ColumnElement[bool]:
        mapped = self.lookup(node.prop.path)
        value = _literal(node.value)
        if node.op not in _COMPARE_OPS:
            raise UnsupportedQuery(f"The operator '{node.op}' is not supported.")
        if mapped.kind == "categories":
            raise UnsupportedQuery(f"Use {node.prop.path}/any(...) to filter on a collection.")
        if mapped.kind == "ts":
            return _compare_instant(mapped.column, node.op, value, node.prop.path)
        if value is None:
            return _compare_null(mapped.column, node.op, node.prop.path)
        if mapped.kind == "bool":
            if not isinstance(value, bool):
                raise _incompatible(node.prop.path, "Edm.Boolean", value, node.op)
            if node.op not in ("eq", "ne"):
                raise UnsupportedQuery(f"The operator '{node.op}' cannot be applied to '{node.prop.path}'.")
            return _COMPARE_OPS[node.op](mapped.column, true() if value else false())
        if not isinstance(value, str):
            raise _incompatible(node.prop.path, "Edm.String", value, node.op)
        operand, normalize = _text_operand(mapped)
        if node.op in ("eq", "ne"):
            return _COMPARE_OPS[node.op](operand, normalize(value))
        return _COMPARE_OPS[node.op](binary_text(operand), normalize(value))

    def call(self, node: Call) -> ColumnElement[bool]:
        mapped = self.lookup(node.prop.path)
        value = _literal(node.value)
        if mapped.kind not in ("lower", "folded", "exact"):
            raise UnsupportedQuery(f"The function '{node.func}' cannot be applied to '{node.prop.path}'.")
        if not isinstance(value, str):
            raise _incompatible(node.prop.path, "Edm.String", value, node.func)
        operand = mapped.column if mapped.kind == "lower" else func.lower(mapped.column)
        escaped = escape_like(value.lower())
        patterns = {"startswith": f"{escaped}%", "endswith": f"%{escaped}", "contains": f"%{escaped}%"}
        if node.func not in patterns:
            raise UnsupportedQuery(f"The function '{node.func}' is not supported.")
        return operand.like(patterns[node.func], escape=LIKE_ESCAPE)

    def any_(self, node: Any_) -> ColumnElement[bool]:
        mapped = self.lookup(node.prop.path)
        value = _literal(node.value)
        if mapped.kind != "categories":
            raise UnsupportedQuery(f"The property '{node.prop.path}' is not a collection.")
        if not isinstance(value, str) or node.op not in ("eq", "ne"):
            raise _incompatible(node.prop.path, "Edm.String", value, node.op)
        category = event_categories.c.category_lower
        matches = category == value.lower() if node.op == "eq" else category != value.lower()
        return exists(select(1).where(event_categories.c.event_id == events.c.id, matches))


    def property_any(self, node: PropertyAny) -> ColumnElement[bool]:
        if self.lookup(node.prop.path).kind != "properties":
            raise UnsupportedQuery(f"The property '{node.prop.path}' is not a collection.")
        if self.kind == "message":
            table = message_extended_properties.c
            owner = table.message_id == messages.c.id
        else:
            table = event_extended_properties.c
            owner = table.event_id == events.c.id
        conditions = [owner, table.property_key == node.property_id.lower()]
        if node.op is not None and node.value is not None:
            value = _literal(node.value)
            if not isinstance(value, str):
                raise _incompatible(node.prop.path, "Edm.String", value, node.op)
            column = table.value_lower if node.op in ("eq", "ne") else binary_text(table.value_lower)
            conditions.append(_COMPARE_OPS[node.op](column, value.lower()))
        return exists(select(1).where(*conditions))


def _literal(value: Value | Any) -> Any:
    return value.value if isinstance(value, Value) else value


def _text_operand(mapped: Mapped) -> tuple[Any, Callable[[str], str]]:
    if mapped.kind == "lower":
        return mapped.column, str.lower
    if mapped.kind == "folded":
        return func.lower(mapped.column), str.lower
    return mapped.column, lambda text: text


def _compare_null(column: Any, op: str, path: str) -> ColumnElement[bool]:
    if op == "eq":
        return column.is_(None)
    if op == "ne":
        return column.is_not(None)
    raise UnsupportedQuery(f"The operator '{op}' cannot compare '{path}' with null.")


def _compare_instant(column: Any, op: str, value: Any, path: str) -> ColumnElement[bool]:
    if value is None:  # absent instants are stored as NULL_TS
        if op not in ("eq", "ne"):
            raise UnsupportedQuery(f"The operator '{op}' cannot compare '{path}' with null.")
        return column == NULL_TS if op == "eq" else column != NULL_TS
    if not isinstance(value, str):
        raise _incompatible(path, "Edm.DateTimeOffset", value, op)
    comparison = _COMPARE_OPS[op](column, normalize_instant(value))
    return comparison if op in ("eq", "ne") else and_(column != NULL_TS, comparison)


def _incompatible(path: str, edm_type: str, value: Any, op: str) -> UnsupportedQuery:
    found = {bool: "Edm.Boolean", str: "Edm.String", int: "Edm.Int32", float: "Edm.Double"}.get(
        type(value), "null")
    return UnsupportedQuery(
        f"A binary operator with incompatible types was detected. Found operand types "
        f"'{edm_type}' ('{path}') and '{found}' for operator '{op}'."
    )
