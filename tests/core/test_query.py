"""In-memory evaluation of parsed filters and orderings (the store compiles the same AST to SQL)."""

from calgraph.core.query import (
    And, Any_, Call, Compare, Not, Or, OrderBy, Prop, Value, matches, sort_items,
)

ITEM = {"name": "Work", "count": 3, "flag": True, "tags": ["Red", "Blue"], "none": None}


def value_of(path):
    return ITEM.get(path)


def test_comparisons_are_case_insensitive_for_strings():
    assert matches(Compare("eq", Prop("name"), Value("WORK")), value_of)
    assert matches(Compare("gt", Prop("count"), Value(2)), value_of)
    assert not matches(Compare("lt", Prop("count"), Value("x")), value_of)  # mismatched types never match
    assert matches(Compare("eq", Prop("none"), Value(None)), value_of)


def test_functions_lambdas_and_logic():
    assert matches(Call("startswith", Prop("name"), Value("wo")), value_of)
    assert matches(Call("contains", Prop("name"), Value("OR")), value_of)
    assert not matches(Call("endswith", Prop("count"), Value("3")), value_of)
    assert matches(Any_(Prop("tags"), "eq", Value("red")), value_of)
    assert not matches(Any_(Prop("tags"), "eq", Value("green")), value_of)
    assert matches(And(Prop("flag"), Or(Not(Prop("flag")), Compare("ne", Prop("name"), Value("x")))), value_of)
    assert matches(None, value_of)


def test_sort_items_is_stable_per_field_and_puts_none_first():
    rows = [{"a": 2, "b": "x"}, {"a": 1, "b": "y"}, {"a": None, "b": "z"}, {"a": 2, "b": "w"}]
    out = sort_items(rows, (OrderBy("a", descending=True), OrderBy("b")), lambda r, p: r[p])
    assert out == [{"a": 2, "b": "w"}, {"a": 2, "b": "x"}, {"a": 1, "b": "y"}, {"a": None, "b": "z"}]
