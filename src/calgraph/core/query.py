"""A parsed OData list query ($filter / $orderby / $top / $skip / $count), independent of HTTP and SQL.

The HTTP layer parses query strings into an `ItemQuery`; the storage layer compiles it into SQL.
Property paths are Graph's, e.g. "subject", "start/dateTime", "organizer/emailAddress/address".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Generic, Literal, TypeVar, Union

Literal_ = Union[str, int, float, bool, None]


@dataclass(frozen=True)
class Prop:
    path: str


@dataclass(frozen=True)
class Value:
    value: Literal_


@dataclass(frozen=True)
class Compare:
    op: Literal["eq", "ne", "gt", "ge", "lt", "le"]
    prop: Prop
    value: Value


@dataclass(frozen=True)
class Call:
    """startswith(prop, 'x'), endswith(prop, 'x'), contains(prop, 'x') -- compared case-insensitively."""

    func: Literal["startswith", "endswith", "contains"]
    prop: Prop
    value: Value


@dataclass(frozen=True)
class Any_:
    """collection/any(x: x eq 'v') on a collection of strings (categories)."""

    prop: Prop
    op: Literal["eq", "ne"]
    value: Value


@dataclass(frozen=True)
class PropertyAny:
    """singleValueExtendedProperties/any(p: p/id eq 'id' [and p/value op 'v']): an item holding that extended
    property [with a value that compares so, case-insensitively]. `property_id` is canonical."""

    prop: Prop
    property_id: str
    op: Literal["eq", "ne", "gt", "ge", "lt", "le"] | None = None
    value: Value | None = None


@dataclass(frozen=True)
class And:
    left: "Filter"
    right: "Filter"


@dataclass(frozen=True)
class Or:
    left: "Filter"
    right: "Filter"


@dataclass(frozen=True)
class Not:
    operand: "Filter"


Filter = Union[Compare, Call, Any_, PropertyAny, And, Or, Not, Prop]  # a bare Prop is a boolean property


@dataclass(frozen=True)
class OrderBy:
    path: str
    descending: bool = False


DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class ItemQuery:
    filter: Filter | None = None
    orderby: tuple[OrderBy, ...] = ()
    top: int = DEFAULT_PAGE_SIZE
    skip: int = 0
    count: bool = False


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T] = field(default_factory=list)
    total: int | None = None       # set when the query asked for $count
    has_more: bool = False          # another page follows


def matches(flt: "Filter | None", value_of: "Callable[[str], object]") -> bool:
    """Evaluates a filter on one in-memory item, with the store's semantics: strings compare
    case-insensitively, `any` looks into a list of strings, a bare property is a boolean."""
    if flt is None:
        return True
    if isinstance(flt, And):
        return matches(flt.left, value_of) and matches(flt.right, value_of)
    if isinstance(flt, Or):
        return matches(flt.left, value_of) or matches(flt.right, value_of)
    if isinstance(flt, Not):
        return not matches(flt.operand, value_of)
    if isinstance(flt, Prop):
        return value_of(flt.path) is True
    if isinstance(flt, Call):
        text, part = _fold(value_of(flt.prop.path)), _fold(flt.value.value)
        if not isinstance(text, str) or not isinstance(part, str):
            return False
        return {"startswith": text.startswith, "endswith": text.endswith, "contains": text.__contains__}[flt.func](part)
    if isinstance(flt, PropertyAny):
        wanted = flt.property_id.lower()
        pairs = value_of(flt.prop.path) or ()  # (property id, value) pairs
        return any(pid.lower() == wanted and (flt.op is None or flt.value is None
                                              or _compare(flt.op, _fold(value), _fold(flt.value.value)))
                   for pid, value in pairs)  # type: ignore[union-attr]
    if isinstance(flt, Any_):
        target = _fold(flt.value.value)
        items = [_fold(item) for item in value_of(flt.prop.path) or ()]  # type: ignore[union-attr]
        return any((item == target) == (flt.op == "eq") for item in items)
    return _compare(flt.op, _fold(value_of(flt.prop.path)), _fold(flt.value.value))


def sort_items(items: "list[T]", orderby: "tuple[OrderBy, ...]", value_of: "Callable[[T, str], object]") -> "list[T]":
    ordered = list(items)
    for order in reversed(orderby):  # stable sorts, least significant field first
        ordered.sort(key=lambda item: _Sortable(_fold(value_of(item, order.path))), reverse=order.descending)
    return ordered


def _fold(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


_OPS = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
}


def _compare(op: str, left: object, right: object) -> bool:
    if op in ("eq", "ne") or (left is not None and right is not None and type(left) is type(right)):
        try:
            return bool(_OPS[op](left, right))
        except TypeError:
            return False
    return False


class _Sortable:
    """None sorts first; values of different types never raise."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __lt__(self, other: "_Sortable") -> bool:
        a, b = self.value, other.value
        if a is None or b is None:
            return a is None and b is not None
        try:
            return bool(a < b)  # type: ignore[operator]
        except TypeError:
            return str(a) < str(b)
