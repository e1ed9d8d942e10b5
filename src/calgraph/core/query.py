"""A parsed OData list query ($filter / $orderby / $top / $skip / $count), independent of HTTP and SQL.

The HTTP layer parses query strings into an `ItemQuery`; the storage layer compiles it into SQL.
Property paths are Graph's, e.g. "subject", "start/dateTime", "organizer/emailAddress/address".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar, Union

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


Filter = Union[Compare, Call, Any_, And, Or, Not, Prop]  # a bare Prop is a boolean property


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
