"""Events: storage, lookups, and every kind of $filter / $orderby / paging query_events supports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import func, select

from calgraph.core.errors import ItemNotFound
from calgraph.core.model import Attendee, Calendar, CalendarPermission, EmailAddress, Event, Mailbox, When
from calgraph.core.query import And, Any_, Call, Compare, Filter, ItemQuery, Not, Or, OrderBy, Prop, Value
from calgraph.store import SqlStore
from calgraph.store.schema import event_categories, events
from tests.store.builders import Seeded

MakeEvent = Callable[..., Event]


def add(store: SqlStore, *items: Event) -> None:
    with store.unit_of_work(write=True) as uow:
        for event in items:
            uow.add_event(event)


def ids(store: SqlStore, seeded: Seeded, query: ItemQuery, calendars: tuple[str, ...] = ()) -> list[str]:
    with store.unit_of_work() as uow:
        page = uow.query_events(calendars or (seeded.calendar.id,), query)
    return [event.id for event in page.items]


def matching(store: SqlStore, seeded: Seeded, flt: Filter) -> list[str]:
    return ids(store, seeded, ItemQuery(filter=flt, top=100))


def category_rows(store: SqlStore) -> set[tuple[str, str]]:
    with store.engine.connect() as conn:
        return {tuple(row) for row in conn.execute(select(event_categories))}  # type: ignore[misc]


# -- storage and lookups ---------------------------------------------------------------------------

def test_add_get_update_delete(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    event = make_event(attendees=(Attendee(EmailAddress("a@x.com", "A")),), categories=("Red",))
    add(store, event)
    with store.unit_of_work() as uow:
        assert uow.get_event(seeded.mailbox.id, event.id) == event
        assert uow.get_event("another-mailbox", event.id) is None
        assert uow.get_event(seeded.mailbox.id, "missing") is None
    changed = event.evolve(subject="Changed", change_key="ck-new", categories=("Blue", "green"))
    with store.unit_of_work(write=True) as uow:
        uow.update_event(changed)
    with store.unit_of_work(write=True) as uow:
        assert uow.get_event(seeded.mailbox.id, event.id, for_update=True) == changed
        uow.delete_event(seeded.mailbox.id, event.id)
    with store.unit_of_work() as uow:
        assert uow.get_event(seeded.mailbox.id, event.id) is None
    assert category_rows(store) == set()


def test_update_of_missing_event_is_item_not_found(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    with pytest.raises(ItemNotFound), store.unit_of_work(write=True) as uow:
        uow.update_event(make_event())


def test_categories_rows_follow_the_event(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    event = make_event(categories=("Red", "RED", "Blue"))
    add(store, event)
    assert category_rows(store) == {(event.id, "red"), (event.id, "blue")}
    with store.unit_of_work(write=True) as uow:
        uow.update_event(event.evolve(categories=("Yellow",)))
    assert category_rows(store) == {(event.id, "yellow")}


def test_find_by_transaction_id(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    event = make_event(transaction_id="tx-1")
    add(store, event, make_event())
    with store.unit_of_work() as uow:
        assert uow.find_event_by_transaction_id(seeded.mailbox.id, "tx-1") == event
        assert uow.find_event_by_transaction_id(seeded.mailbox.id, "tx-2") is None
        assert uow.find_event_by_transaction_id("other", "tx-1") is None


def test_find_events_by_ical_uid_across_mailboxes(store: SqlStore, seeded: Seeded, make_event: MakeEvent,
                                                  make_mailbox: Callable[..., Mailbox]) -> None:
    attendee_box = make_mailbox(2)
    organizer_copy = make_event(ical_uid="meeting-1")
    with store.unit_of_work(write=True) as uow:
        uow.add_mailbox(attendee_box)
        uow.add_calendar(Calendar("cal-b", attendee_box.id, "Calendar", "ck", None, True))
    attendee_copy = make_event(ical_uid="meeting-1", mailbox_id=attendee_box.id, calendar_id="cal-b",
                               is_organizer=False)
    add(store, organizer_copy, make_event(), attendee_copy)
    with store.unit_of_work() as uow:
        assert uow.find_events_by_ical_uid("meeting-1") == [organizer_copy, attendee_copy]
        assert uow.find_events_by_ical_uid("none") == []


def test_find_organizer_event(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    attendee_copy = make_event(ical_uid="meeting-2", is_organizer=False)
    organizer_copy = make_event(ical_uid="meeting-2")
    add(store, attendee_copy, organizer_copy)
    with store.unit_of_work() as uow:
        assert uow.find_organizer_event("meeting-2") == organizer_copy
        assert uow.find_organizer_event("none") is None


def test_lock_meeting_serialises_writers(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    """Two units of work changing one meeting: the second waits for the first to commit, then sees it."""
    import threading

    event = make_event(ical_uid="meeting-3")
    add(store, event)
    first_locked, release = threading.Event(), threading.Event()
    seen: list[str] = []

    def first() -> None:
        with store.unit_of_work(write=True) as uow:
            uow.lock_meeting("meeting-3")
            first_locked.set()
            release.wait(5)
            uow.update_event(event.evolve(subject="first", change_key="ck-first"))

    def second() -> None:
        first_locked.wait(5)
        with store.unit_of_work(write=True) as uow:
            uow.lock_meeting("meeting-3")
            current = uow.get_event(event.mailbox_id, event.id, for_update=True)
            seen.append(current.subject)
            uow.update_event(current.evolve(subject=current.subject + "+second", change_key="ck-second"),
                             expected_change_key=current.change_key)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_locked.wait(5)
    release.set()
    for thread in threads:
        thread.join(10)
    assert seen == ["first"]
    with store.unit_of_work() as uow:
        assert uow.get_event(event.mailbox_id, event.id).subject == "first+second"


def test_events_moved_to_a_mail_folder(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    kept, moved = make_event(), make_event()
    add(store, kept, moved)
    moved = moved.evolve(calendar_id=None, mail_folder_id=seeded.deleted.id)
    with store.unit_of_work(write=True) as uow:
        uow.update_event(moved)
    assert ids(store, seeded, ItemQuery()) == [kept.id]
    with store.unit_of_work() as uow:
        assert uow.query_folder_events(seeded.deleted.id) == [moved]
        assert uow.get_event(seeded.mailbox.id, moved.id) == moved


def test_delete_calendar_removes_its_events_and_permissions(store: SqlStore, seeded: Seeded,
                                                            make_event: MakeEvent) -> None:
    doomed, survivor = make_event(categories=("Red",)), make_event(calendar_id=seeded.other_calendar.id)
    add(store, doomed, survivor)
    with store.unit_of_work(write=True) as uow:
        uow.add_calendar_permission(CalendarPermission("p", seeded.calendar.id, EmailAddress("b@x.com"), "read"))
    with store.unit_of_work(write=True) as uow:
        uow.delete_calendar(seeded.mailbox.id, seeded.calendar.id)
    with store.unit_of_work() as uow:
        assert uow.get_event(seeded.mailbox.id, doomed.id) is None
        assert uow.get_event(seeded.mailbox.id, survivor.id) == survivor
        assert uow.list_calendar_permissions(seeded.calendar.id) == []
    assert category_rows(store) == set()


# -- query_events --------------------------------------------------------------------------------

def test_creation_order_across_calendars(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    first = make_event(start=When(datetime(2024, 3, 20, 9), "UTC"), end=When(datetime(2024, 3, 20, 10), "UTC"))
    second = make_event(calendar_id=seeded.other_calendar.id)
    third = make_event(start=When(datetime(2024, 3, 1, 9), "UTC"), end=When(datetime(2024, 3, 1, 10), "UTC"))
    add(store, first, second, third)
    both = (seeded.calendar.id, seeded.other_calendar.id)
    assert ids(store, seeded, ItemQuery(), both) == [first.id, second.id, third.id]
    assert ids(store, seeded, ItemQuery()) == [first.id, third.id]
    with store.unit_of_work() as uow:
        empty = uow.query_events([], ItemQuery(count=True))
    assert (empty.items, empty.total, empty.has_more) == ([], 0, False)


def test_paging(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    created = [make_event() for _ in range(7)]
    add(store, *created)
    with store.unit_of_work() as uow:
        first = uow.query_events([seeded.calendar.id], ItemQuery(top=3, count=True))
        middle = uow.query_events([seeded.calendar.id], ItemQuery(top=3, skip=3))
        last = uow.query_events([seeded.calendar.id], ItemQuery(top=3, skip=6, count=True))
        exact = uow.query_events([seeded.calendar.id], ItemQuery(top=7))
        filtered = uow.query_events([seeded.calendar.id], ItemQuery(
            top=1, count=True, filter=Call("endswith", Prop("subject"), Value("3"))))
    assert ([e.id for e in first.items], first.has_more, first.total) == ([e.id for e in created[:3]], True, 7)
    assert ([e.id for e in middle.items], middle.has_more, middle.total) == ([e.id for e in created[3:6]], True, None)
    assert ([e.id for e in last.items], last.has_more, last.total) == ([created[6].id], False, 7)
    assert (len(exact.items), exact.has_more) == (7, False)
    assert ([e.id for e in filtered.items], filtered.has_more, filtered.total) == ([created[2].id], False, 1)


def test_orderby(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    def at(day: int) -> dict[str, When]:
        return {"start": When(datetime(2024, 3, day, 9), "UTC"), "end": When(datetime(2024, 3, day, 10), "UTC")}

    b = make_event(subject="beta", importance="high", **at(3))
    a = make_event(subject="Alpha", importance="low", **at(1))
    c = make_event(subject="charlie", importance="high", **at(2))
    add(store, b, a, c)

    def order(*keys: OrderBy) -> list[str]:
        return ids(store, seeded, ItemQuery(orderby=keys))

    assert order(OrderBy("start/dateTime")) == [a.id, c.id, b.id]
    assert order(OrderBy("start/dateTime", descending=True)) == [b.id, c.id, a.id]
    assert order(OrderBy("subject")) == [a.id, b.id, c.id]               # case-insensitive
    assert order(OrderBy("subject", descending=True)) == [c.id, b.id, a.id]
    assert order(OrderBy("importance")) == [b.id, c.id, a.id]            # ties: creation order
    assert order(OrderBy("importance"), OrderBy("subject", descending=True)) == [c.id, b.id, a.id]
    assert order(OrderBy("createdDateTime", descending=True)) == [c.id, a.id, b.id]


@pytest.fixture
def catalogue(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> dict[str, Event]:
    """Five events spread over a week, with varied subjects, flags, categories and organizers."""
    def at(day: int, hour: int, zone: str = "UTC") -> dict[str, When]:
        return {"start": When(datetime(2017, 7, day, hour), zone), "end": When(datetime(2017, 7, day, hour + 1), zone)}

    by_name = {
        "standup": make_event(subject="Daily Standup", categories=("Red", "Work"), **at(1, 8)),
        "review": make_event(subject="Quarterly review 50% done", show_as="tentative",
                             organizer=EmailAddress("Boss@Contoso.com", "The Boss"), **at(1, 12)),
        "holiday": make_event(subject="Holiday", is_all_day=True, categories=("Blue",),
                              start=When(datetime(2017, 7, 3), "UTC"), end=When(datetime(2017, 7, 4), "UTC")),
        "lunch": make_event(subject="lunch_with_team", is_cancelled=True, categories=("red",),
                            **at(4, 9, "Europe/Berlin")),  # 07:00 UTC
        "retro": make_event(subject="Retro", is_organizer=False, importance="high", **at(7, 15)),
    }
    add(store, *by_name.values())
    return by_name


def names(catalogue: dict[str, Event], found: list[str]) -> list[str]:
    by_id = {event.id: name for name, event in catalogue.items()}
    return [by_id[event_id] for event_id in found]


@pytest.mark.parametrize("flt, expected", [
    # strings: case-insensitive equality, functions, LIKE metacharacters taken literally
    (Compare("eq", Prop("subject"), Value("daily STANDUP")), ["standup"]),
    (Compare("ne", Prop("subject"), Value("Holiday")), ["standup", "review", "lunch", "retro"]),
    (Call("startswith", Prop("subject"), Value("DAILY")), ["standup"]),
    (Call("endswith", Prop("subject"), Value("DONE")), ["review"]),
    (Call("contains", Prop("subject"), Value("WITH")), ["lunch"]),
    (Call("contains", Prop("subject"), Value("50%")), ["review"]),
    (Call("contains", Prop("subject"), Value("%")), ["review"]),
    (Call("contains", Prop("subject"), Value("_")), ["lunch"]),
    (Call("startswith", Prop("subject"), Value("lunch_w")), ["lunch"]),
    (Compare("gt", Prop("subject"), Value("q")), ["review", "retro"]),
    (Compare("eq", Prop("organizer/emailAddress/address"), Value("boss@contoso.com")), ["review"]),
    (Call("startswith", Prop("organizer/emailAddress/name"), Value("the b")), ["review"]),
    (Compare("eq", Prop("showAs"), Value("Tentative")), ["review"]),
    (Compare("eq", Prop("importance"), Value("high")), ["retro"]),
    (Compare("eq", Prop("type"), Value("singleInstance")), ["standup", "review", "holiday", "lunch", "retro"]),
    # date-times, in every literal spelling
    (Compare("ge", Prop("start/dateTime"), Value("2017-07-01T12:00")), ["review", "holiday", "lunch", "retro"]),
    (Compare("gt", Prop("start/dateTime"), Value("2017-07-01T12:00:00.0000000")), ["holiday", "lunch", "retro"]),
    (Compare("lt", Prop("start/dateTime"), Value("2017-07-04T07:00:00Z")), ["standup", "review", "holiday"]),
    (Compare("le", Prop("start/dateTime"), Value("2017-07-04T09:00:00+02:00")),
     ["standup", "review", "holiday", "lunch"]),
    (Compare("eq", Prop("start/dateTime"), Value("2017-07-03")), ["holiday"]),
    (Compare("le", Prop("end/dateTime"), Value("2017-07-01T09:00:00")), ["standup"]),
    # booleans
    (Compare("eq", Prop("isAllDay"), Value(True)), ["holiday"]),
    (Compare("ne", Prop("isAllDay"), Value(True)), ["standup", "review", "lunch", "retro"]),
    (Compare("eq", Prop("isCancelled"), Value(False)), ["standup", "review", "holiday", "retro"]),
    (Prop("isCancelled"), ["lunch"]),
    (Not(Prop("isOrganizer")), ["retro"]),
    # categories
    (Any_(Prop("categories"), "eq", Value("RED")), ["standup", "lunch"]),
    (Any_(Prop("categories"), "eq", Value("work")), ["standup"]),
    (Any_(Prop("categories"), "ne", Value("red")), ["standup", "holiday"]),
    (Not(Any_(Prop("categories"), "eq", Value("red"))), ["review", "holiday", "retro"]),
    # null
    (Compare("eq", Prop("subject"), Value(None)), []),
    (Compare("ne", Prop("subject"), Value(None)), ["standup", "review", "holiday", "lunch", "retro"]),
    # and / or / not
    (And(Any_(Prop("categories"), "eq", Value("red")), Not(Prop("isCancelled"))), ["standup"]),
    (Or(Prop("isAllDay"), Compare("eq", Prop("subject"), Value("retro"))), ["holiday", "retro"]),
    (Not(Or(Prop("isAllDay"), Call("contains", Prop("subject"), Value("E")))), ["standup"]),
    (And(Compare("ge", Prop("start/dateTime"), Value("2017-07-01")),
         Compare("lt", Prop("start/dateTime"), Value("2017-07-02"))), ["standup", "review"]),
])
def test_filters(store: SqlStore, seeded: Seeded, catalogue: dict[str, Event], flt: Filter,
                 expected: list[str]) -> None:
    assert names(catalogue, matching(store, seeded, flt)) == expected


def test_filter_by_id_and_ical_uid(store: SqlStore, seeded: Seeded, catalogue: dict[str, Event]) -> None:
    retro = catalogue["retro"]
    assert matching(store, seeded, Compare("eq", Prop("id"), Value(retro.id))) == [retro.id]
    assert matching(store, seeded, Compare("eq", Prop("id"), Value(retro.id.upper()))) == []
    assert matching(store, seeded, Compare("eq", Prop("iCalUId"), Value(retro.ical_uid.upper()))) == [retro.id]


def test_unicode_subjects_match_case_insensitively(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    event = make_event(subject="Ärger über Öl")
    add(store, event, make_event(subject="Other"))
    assert matching(store, seeded, Call("contains", Prop("subject"), Value("ÜBER"))) == [event.id]
    assert matching(store, seeded, Compare("eq", Prop("subject"), Value("ärger ÜBER öl"))) == [event.id]


def test_seq_is_creation_order(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    created = [make_event(id=f"ev-{name}") for name in ("zulu", "alpha", "mike")]
    add(store, *created)
    assert ids(store, seeded, ItemQuery()) == ["ev-zulu", "ev-alpha", "ev-mike"]
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count(func.distinct(events.c.seq)))).scalar_one() == 3
