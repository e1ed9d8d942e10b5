"""Free/busy rules on hand-made calendars: the availabilityView arithmetic (the worked cases, DST days,
partial slots, precedence), how events count (showAs, cancelled, all-day in their own zone, series with
exceptions), detail levels and the request limits."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from calgraph.core import occurrences, recurrence, timezones
from calgraph.core.availability import errors, freebusy
from calgraph.core.availability.freebusy import BusyItem
from calgraph.core.model import EmailAddress, Event, When

T0 = datetime(2030, 3, 4, tzinfo=timezone.utc)


def at(hhmm: str, day: int = 0) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return T0 + timedelta(days=day, hours=hours, minutes=minutes)


def item(status: str, start: str, end: str) -> BusyItem:
    return BusyItem(at(start), at(end), status, "", "", False, "k", 0)


@pytest.mark.parametrize("items, window, interval, view", [
    ([], ("09:00", "11:00"), 30, "0000"),
    ([("busy", "08:30", "09:00")], ("09:00", "11:00"), 30, "0000"),
    ([("busy", "09:00", "09:01")], ("09:00", "11:00"), 30, "2000"),
    ([("busy", "09:29", "09:31")], ("09:00", "11:00"), 30, "2200"),
    ([("tentative", "09:30", "10:30"), ("busy", "10:00", "10:15")], ("09:00", "11:00"), 30, "0120"),
    ([("busy", "09:00", "11:00"), ("oof", "09:45", "10:05")], ("09:00", "11:00"), 30, "2332"),
    ([("workingElsewhere", "09:00", "11:00")], ("09:00", "11:00"), 30, "0000"),
    ([("tentative", "10:45", "12:00")], ("09:00", "11:00"), 30, "0001"),
    ([("busy", "10:40", "10:50")], ("09:00", "10:45"), 30, "0002"),
    ([("tentative", "09:50", "10:10")], ("09:00", "10:00"), 60, "1"),
    ([("oof", "09:00", "10:00"), ("busy", "09:00", "10:00"), ("tentative", "09:00", "10:00")], ("09:00", "10:00"),
     60, "3"),
])
def test_worked_cases(items, window, interval, view):
    busy = [item(*i) for i in items]
    assert freebusy.availability_view(busy, at(window[0]), at(window[1]), interval) == view


def test_documented_example_megan():
    """Megan, 09:00-18:00 Pacific, hourly: 200220010."""
    pst = timezones.resolve("Pacific Standard Time")

    def local(h: int, m: int = 0) -> datetime:
        return datetime(2030, 3, 4, h, m, tzinfo=pst).astimezone(timezone.utc)
    busy = [BusyItem(local(*s), local(*e), st, "", "", False, "k", 0) for st, s, e in [
        ("busy", (8, 30), (9, 30)), ("busy", (12,), (14,)), ("tentative", (12,), (13,)), ("busy", (13,), (14,)),
        ("tentative", (16,), (17,))]]
    assert freebusy.availability_view(busy, local(9), local(18), 60) == "200220010"


@pytest.mark.parametrize("day, slots", [((2030, 3, 10), 23), ((2030, 11, 3), 25), ((2030, 3, 11), 24)])
def test_dst_days_count_elapsed_slots(day, slots):
    pst = timezones.resolve("Pacific Standard Time")
    start = datetime(*day, tzinfo=pst).astimezone(timezone.utc)
    end = datetime.combine((datetime(*day) + timedelta(days=1)).date(), datetime.min.time(), pst).astimezone(timezone.utc)
    assert len(freebusy.availability_view([], start, end, 60)) == slots


def _event(subject: str, start: When, end: When, **extra) -> Event:
    return Event(id=f"id-{subject}", mailbox_id="m", calendar_id="c", ical_uid=f"uid-{subject}", change_key="k",
                 created=T0, last_modified=T0, start=start, end=end, organizer=EmailAddress("o@x.com"),
                 subject=subject, **extra)


def test_show_as_cancelled_and_private_items():
    def ev(subject: str, **extra) -> Event:
        return _event(subject, When(at("09:00").replace(tzinfo=None), "UTC"),
                      When(at("10:00").replace(tzinfo=None), "UTC"), **extra)
    items = freebusy.items_in([ev("u", show_as="unknown"), ev("c", is_cancelled=True, show_as="busy"),
                               ev("p", sensitivity="confidential", location={"displayName": "Home"}),
                               ev("w", show_as="workingElsewhere")], at("00:00"), at("23:00"))
    assert [(i.status, i.is_private, i.location) for i in items] == [
        ("tentative", False, ""), ("free", False, ""), ("busy", True, "Home"), ("workingElsewhere", False, "")]


def test_all_day_events_run_midnight_to_midnight_in_their_own_zone():
    tokyo = _event("Holiday", When(datetime(2030, 3, 4), "Tokyo Standard Time"),
                   When(datetime(2030, 3, 5), "Tokyo Standard Time"), is_all_day=True, show_as="oof")
    span = freebusy.span_of(tokyo)
    assert span == (datetime(2030, 3, 3, 15, tzinfo=timezone.utc), datetime(2030, 3, 4, 15, tzinfo=timezone.utc))
    view = freebusy.availability_view(freebusy.items_in([tokyo], at("00:00"), at("00:00", 1)),
                                      at("00:00"), at("00:00", 1), 60)
    assert view == "3" * 15 + "0" * 9


def test_series_with_exceptions_and_cancelled_occurrences_in_zones_far_apart():
    """A daily 09:00 Auckland series seen from UTC across Auckland's DST end (2030-04-07)."""
    zone = "New Zealand Standard Time"
    rule = {"pattern": {"type": "daily", "interval": 1},
            "range": {"type": "numbered", "startDate": "2030-04-05", "numberOfOccurrences": 4}}
    master = _event("Standup", When(datetime(2030, 4, 5, 9), zone), When(datetime(2030, 4, 5, 9, 30), zone),
                    type="seriesMaster", recurrence=recurrence.validate(rule, When(datetime(2030, 4, 5, 9), zone)))
    master = master.evolve(cancelled_occurrences=(recurrence.occurrence_id(master.id, datetime(2030, 4, 6).date()),))
    found = occurrences.expand([master], datetime(2030, 4, 1, tzinfo=timezone.utc),
                               datetime(2030, 4, 10, tzinfo=timezone.utc))
    starts = [freebusy.span_of(o)[0] for o in found]
    assert starts == [datetime(2030, 4, 4, 20, tzinfo=timezone.utc),      # NZDT (+13)
                      datetime(2030, 4, 6, 21, tzinfo=timezone.utc),      # NZST (+12) after the change
                      datetime(2030, 4, 7, 21, tzinfo=timezone.utc)]
    moved = found[1].evolve(type="exception", start=When(datetime(2030, 4, 7, 14), zone),
                            end=When(datetime(2030, 4, 7, 15), zone), show_as="tentative")
    items = freebusy.items_in([found[0], moved, found[2]], datetime(2030, 4, 4, tzinfo=timezone.utc),
                              datetime(2030, 4, 8, tzinfo=timezone.utc))
    assert [(i.start.hour, i.status) for i in items] == [(20, "busy"), (2, "tentative"), (21, "busy")]
    assert {i.series_key for i in items} == {master.id}   # one meeting: a room never conflicts with itself


def test_detail_levels():
    assert freebusy.detail_level(True, False, False, "none") == "full"
    assert freebusy.detail_level(False, True, False, "availabilityOnly") == "limitedDetails"
    assert freebusy.detail_level(False, False, True, "availabilityOnly") == "limitedDetails"
    assert freebusy.detail_level(False, False, False, "availabilityOnly") == "availabilityOnly"
    assert freebusy.detail_level(False, False, False, "none") == "none"


def test_status_over_a_span():
    busy = [item("tentative", "09:00", "10:00"), item("workingElsewhere", "09:30", "11:00")]
    assert freebusy.status_over(busy, at("09:00"), at("09:30")) == "tentative"
    assert freebusy.status_over(busy, at("10:00"), at("10:30")) == "workingElsewhere"
    assert freebusy.status_over(busy, at("11:00"), at("12:00")) == "free"


def test_limits():
    with pytest.raises(errors.MailboxDataArrayEmpty):
        freebusy.check_schedules(0)
    with pytest.raises(errors.MailboxDataArrayTooBig):
        freebusy.check_schedules(101)
    freebusy.check_schedules(100)
    freebusy.check_window(at("00:00"), at("23:00", 62), 30)
    with pytest.raises(errors.TimeIntervalTooBig, match="actual limit = 63 days"):
        freebusy.check_window(at("00:00"), at("00:00", 63), 30)
    with pytest.raises(errors.InvalidMergedFreeBusyInterval):
        freebusy.check_window(at("00:00"), at("00:20"), 30)
    with pytest.raises(errors.InvalidTimeInterval):
        freebusy.check_window(at("01:00"), at("00:20"), 30)
