"""Windowed event reads for calendarView: overlap rule, all-day dates, long events, masters, exceptions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from calgraph.core.model import Event, When
from calgraph.core.query import ItemQuery
from calgraph.store import SqlStore
from tests.store.builders import Seeded

MakeEvent = Callable[..., Event]
W0, W1 = datetime(2024, 5, 6, tzinfo=UTC), datetime(2024, 5, 13, tzinfo=UTC)
RECURRENCE = {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
              "range": {"type": "noEnd", "startDate": "2024-01-01"}}


def at(day: int, hour: int = 9, month: int = 5) -> When:
    return When(datetime(2024, month, day, hour), "UTC")


def add(store: SqlStore, *items: Event) -> None:
    with store.unit_of_work(write=True) as uow:
        for event in items:
            uow.add_event(event)


def window(store: SqlStore, seeded: Seeded, start: datetime = W0, end: datetime = W1,
           calendars: tuple[str, ...] = ()) -> list[str]:
    with store.unit_of_work() as uow:
        return [e.id for e in uow.query_event_window(calendars or (seeded.calendar.id,), start, end)]


def test_window_holds_overlapping_singles_by_start(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    add(store,
        make_event(id="later", start=at(10), end=at(10, 10)),
        make_event(id="inside", start=at(7), end=at(7, 10)),
        make_event(id="before", start=at(5, 8), end=at(5, 9)),
        make_event(id="ends-at-start", start=at(5, 23), end=When(datetime(2024, 5, 6), "UTC")),
        make_event(id="starts-at-end", start=When(datetime(2024, 5, 13), "UTC"), end=at(13, 1)),
        make_event(id="across-start", start=at(5, 23), end=at(6, 1)),
        make_event(id="after", start=at(14), end=at(14, 10)))
    assert window(store, seeded) == ["across-start", "inside", "later"]
    assert window(store, seeded, W1, W0) == []


def test_long_event_far_before_the_window_is_found(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    add(store, make_event(id="long", start=at(1, 9, month=1), end=at(1, 9, month=12)),
        make_event(id="short", start=at(1, 9, month=4), end=at(1, 10, month=4)))
    assert window(store, seeded) == ["long"]
    with store.unit_of_work(write=True) as uow:  # shortened: still found by its new duration
        long = uow.get_event(seeded.mailbox.id, "long")
        uow.update_event(long.evolve(start=at(5, 9), end=at(7, 9), change_key="ck2"), expected_change_key=long.change_key)
    assert window(store, seeded) == ["long"]


def test_the_window_after_the_series_in_one_unit(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    """list_series reads the calendar's longest duration too; the window read after it uses it."""
    add(store, make_event(id="long", start=at(1, 9, month=1), end=at(1, 9, month=12)))
    with store.unit_of_work() as uow:
        uow.list_series([seeded.calendar.id], W1)
        assert [e.id for e in uow.query_event_window([seeded.calendar.id], W0, W1)] == ["long"]
    with store.unit_of_work(write=True) as uow:   # a write unit reads it again: an event written since counts
        uow.list_series([seeded.calendar.id], W1)
        uow.add_event(make_event(id="longer", start=at(1, 9, month=1, ), end=at(1, 9, month=12)).evolve(
            start=When(datetime(2023, 1, 1, 9), "UTC")))
        assert [e.id for e in uow.query_event_window([seeded.calendar.id], W0, W1)] == ["longer", "long"]


def test_all_day_events_compare_as_dates(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    tokyo = "Tokyo Standard Time"
    add(store, make_event(id="day", is_all_day=True, start=When(datetime(2024, 5, 13), tokyo),
                          end=When(datetime(2024, 5, 14), tokyo)),
        make_event(id="prev", is_all_day=True, start=When(datetime(2024, 5, 5), tokyo),
                   end=When(datetime(2024, 5, 6), tokyo)))
    assert window(store, seeded) == []
    assert window(store, seeded, W0 - timedelta(hours=1), W1 + timedelta(hours=1)) == ["prev", "day"]


def test_masters_and_exceptions_stay_out_of_lists_and_window(store: SqlStore, seeded: Seeded,
                                                             make_event: MakeEvent) -> None:
    master = make_event(id="master", type="seriesMaster", recurrence=RECURRENCE,
                        start=at(1, 9, month=1), end=at(1, 10, month=1))
    exception = make_event(id="exc", type="exception", series_master_id="master", start=at(7), end=at(7, 10),
                           original_start=datetime(2024, 5, 6, 9, tzinfo=UTC))
    late = make_event(id="late-master", type="seriesMaster", recurrence=RECURRENCE, start=at(20), end=at(20, 10))
    other = make_event(id="other", type="seriesMaster", calendar_id=seeded.other_calendar.id, recurrence=RECURRENCE,
                       start=at(1, 9, month=1), end=at(1, 10, month=1))
    add(store, master, exception, late, other, make_event(id="single", start=at(8), end=at(8, 10)))
    assert window(store, seeded) == ["exc", "single"]
    with store.unit_of_work() as uow:
        assert [e.id for e in uow.list_series_masters([seeded.calendar.id], W1)] == ["master"]
        assert [e.id for e in uow.list_series_masters([seeded.calendar.id, seeded.other_calendar.id], W1)] == \
            ["master", "other"]
        assert uow.list_series_masters([], W1) == []
        assert uow.list_series_exceptions(["master"]) == [exception]
        assert uow.list_series_exceptions(["late-master"]) == []
        assert uow.list_series([seeded.calendar.id], W1) == ([master], [exception])
        assert uow.list_series([seeded.calendar.id], datetime(2030, 1, 1, tzinfo=UTC)) == ([master, late], [exception])
        assert uow.list_series([seeded.calendar.id, seeded.other_calendar.id], W1) == ([master, other], [exception])
        assert uow.list_series([seeded.other_calendar.id], W1) == ([other], [])
        assert uow.list_series([seeded.calendar.id], datetime(2024, 1, 1, tzinfo=UTC)) == ([], [])
        assert uow.list_series([], W1) == ([], [])
        listed = uow.query_events([seeded.calendar.id], ItemQuery(top=50)).items
    assert [e.id for e in listed] == ["master", "late-master", "single"]


def test_window_over_several_calendars(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    add(store, make_event(id="a", start=at(7), end=at(7, 10)),
        make_event(id="b", calendar_id=seeded.other_calendar.id, start=at(6, 12), end=at(6, 13)))
    assert window(store, seeded, calendars=(seeded.calendar.id, seeded.other_calendar.id)) == ["b", "a"]
    assert window(store, seeded, calendars=(seeded.other_calendar.id,)) == ["b"]
    assert window(store, seeded, calendars=("nothing-here",)) == []
