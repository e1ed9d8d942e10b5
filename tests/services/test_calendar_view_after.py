"""The keys a page by time keeps after its cursor: the same as comparing (start, end, id) tuples."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from calgraph.services.calendar_view import _after

small = st.integers(min_value=0, max_value=4)   # few values: many keys share a start, or a start and an end
keys = st.lists(st.tuples(small, small, st.sampled_from("abc"), st.none()), max_size=30)


@given(keys, st.none() | st.tuples(small, small, st.sampled_from("abc")), st.none() | small)
def test_after_keeps_what_the_tuple_comparison_keeps(found, since, limit):
    expected = [k for k in found if (since is None or k[:3] > since) and (limit is None or k[0] < limit)]
    assert _after(found, since, limit) == expected
