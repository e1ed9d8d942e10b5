"""The filter compiler: literal normalisation, LIKE escaping and the errors it raises."""

from __future__ import annotations

import pytest

from calgraph.core.errors import InvalidProperty, UnsupportedQuery
from calgraph.core.query import Any_, Call, Compare, Not, OrderBy, Prop, Value
from calgraph.store.query_sql import escape_like, normalize_instant, order_clauses, where_clause


@pytest.mark.parametrize("literal, expected", [
    ("2017-07-01T08:00", "2017-07-01T08:00:00.000000"),
    ("2017-07-01T08:00:00.0000000", "2017-07-01T08:00:00.000000"),
    ("2017-07-01T08:00:00.1234567Z", "2017-07-01T08:00:00.123456"),
    ("2017-07-01T08:00:00Z", "2017-07-01T08:00:00.000000"),
    ("2017-07-01T08:00:00-08:00", "2017-07-01T16:00:00.000000"),
    ("2017-07-01", "2017-07-01T00:00:00.000000"),
])
def test_instant_literals_are_normalised(literal: str, expected: str) -> None:
    assert normalize_instant(literal) == expected


def test_bad_instant_literal_is_unsupported() -> None:
    with pytest.raises(UnsupportedQuery):
        normalize_instant("next tuesday")


def test_like_escaping() -> None:
    assert escape_like("50%_a/b") == "50/%/_a//b"


def test_no_filter_is_none() -> None:
    assert where_clause("event", None) is None


def test_unknown_property_is_invalid_property() -> None:
    with pytest.raises(InvalidProperty, match="bogus"):
        where_clause("event", Compare("eq", Prop("bogus"), Value("x")))
    with pytest.raises(InvalidProperty):
        order_clauses("message", (OrderBy("start/dateTime"),))
    with pytest.raises(InvalidProperty):
        where_clause("mailbox", Prop("isAllDay"))


@pytest.mark.parametrize("flt", [
    Compare("eq", Prop("isAllDay"), Value("yes")),              # boolean vs string
    Compare("gt", Prop("isAllDay"), Value(True)),               # ordering a boolean
    Compare("eq", Prop("subject"), Value(3)),                   # string vs number
    Compare("lt", Prop("subject"), Value(None)),                # ordering null
    Compare("eq", Prop("categories"), Value("Red")),            # collection without any()
    Compare("ge", Prop("start/dateTime"), Value(True)),         # instant vs boolean
    Compare("ge", Prop("start/dateTime"), Value("soon")),       # unparseable instant
    Call("startswith", Prop("isAllDay"), Value("t")),           # function on a boolean
    Call("contains", Prop("subject"), Value(None)),
    Any_(Prop("subject"), "eq", Value("x")),                    # any() on a scalar
    Any_(Prop("categories"), "eq", Value(1)),
    Prop("subject"),                                            # a bare non-boolean
    Not(Prop("start/dateTime")),
])
def test_unsupported_combinations(flt: object) -> None:
    with pytest.raises(UnsupportedQuery):
        where_clause("event", flt)  # type: ignore[arg-type]


def test_categories_cannot_be_ordered() -> None:
    with pytest.raises(UnsupportedQuery):
        order_clauses("event", (OrderBy("categories"),))
