"""Changing one occurrence of a series and cancelling occurrences of a meeting: the pure rules."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from calgraph.core import errors, occurrence_changes, occurrences, recurrence
from calgraph.core.ids import Ids
from calgraph.core.model import Attendee, EmailAddress, Event, When
from calgraph.core.scheduling import MeetingResponse, Stamp, series
from tests.core.test_scheduling import BOB, ORG, PARTIES, party

NOW = datetime(2025, 3, 1, tzinfo=timezone.utc)
ZONE = "W. Europe Standard Time"
STAMP = Stamp(Ids(), NOW)
WEEKLY = {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
          "range": {"type": "noEnd", "startDate": "2025-03-17"}}


def master(**changes: object) -> Event:
    start, end = When(datetime(2025, 3, 17, 9), ZONE), When(datetime(2025, 3, 17, 9, 30), ZONE)
    base = Event(id="AAMk" + "m" * 64, mailbox_id=ORG.mailbox.id, calendar_id=ORG.calendar_id,
                 ical_uid=Ids().ical_uid(), change_key="ck", created=NOW, last_modified=NOW, start=start, end=end,
                 organizer=ORG.email, subject="Standup", type="seriesMaster",
                 recurrence=recurrence.validate(WEEKLY, start))
    return base.evolve(**changes)


def on(event: Event, day: int) -> Event:
    found = occurrences.occurrence_on(event, date(2025, 3, day))
    assert found is not None
    return found


def moved(event: Event, day: int, hour: int = 9, month: int = 3) -> Event:
    return event.evolve(start=When(datetime(2025, month, day, hour), ZONE),
                        end=When(datetime(2025, month, day, hour, 30), ZONE))


def test_moves_stay_between_the_neighbours():
    series_master = master()
    second = on(series_master, 24)
    occurrence_changes.check_moved(series_master, second, moved(second, 30), [])
    occurrence_changes.check_moved(series_master, second, moved(second, 18), [])
    for target in (moved(second, 17, 12), moved(second, 31), moved(second, 2, month=4)):
        with pytest.raises(errors.OccurrenceCrossingBoundary):
            occurrence_changes.check_moved(series_master, second, target, [])
    third = occurrence_changes.as_exception(moved(on(series_master, 31), 26))
    with pytest.raises(errors.OccurrenceCrossingBoundary):
        occurrence_changes.check_moved(series_master, second, moved(second, 27), [third])
    occurrence_changes.check_moved(series_master, second, moved(second, 25), [third])


def test_exception_form_and_rebuild_rule():
    series_master = master()
    exception = occurrence_changes.as_exception(on(series_master, 24).evolve(subject="x"))
    assert (exception.type, exception.recurrence, exception.series_master_id) == ("exception", None, series_master.id)
    assert exception.id == occurrences.item_id(series_master.id, date(2025, 3, 24))
    assert occurrence_changes.rebuilds(series_master, moved(series_master, 17, 10))
    assert occurrence_changes.rebuilds(series_master, series_master.evolve(recurrence={**WEEKLY, "pattern": {
        **WEEKLY["pattern"], "interval": 2}}))
    assert not occurrence_changes.rebuilds(series_master, series_master.evolve(subject="Renamed"))
    cancelled = occurrence_changes.with_cancelled(series_master, exception.occurrence_id, Ids(), NOW)
    assert cancelled.cancelled_occurrences == (exception.occurrence_id,)
    assert occurrence_changes.rebuilt(cancelled).cancelled_occurrences == ()
    with pytest.raises(errors.InvalidRequest):
        occurrence_changes.check_changes({"recurrence": WEEKLY})


def test_cancel_an_occurrence_for_every_copy():
    attendees = (Attendee(EmailAddress("bob@contoso.com", "Bob")),)
    organizers = master(attendees=attendees)
    copy = organizers.evolve(id="AAMk" + "c" * 64, mailbox_id=BOB.mailbox.id, is_organizer=False)
    occurrence = on(organizers, 24)
    outcome = series.cancel_occurrence(organizers, occurrence, "Holiday", ORG, PARTIES, [],
                                       {BOB.mailbox.id: copy}, [], STAMP)
    assert outcome.current(organizers).cancelled_occurrences == (f"OID.{organizers.id}.2025-03-24",)
    assert outcome.current(copy).cancelled_occurrences == (f"OID.{copy.id}.2025-03-24",)
    inbox = [m for m in outcome.new_messages if m.folder_id == BOB.inbox_id]
    assert len(inbox) == 1 and inbox[0].meeting.message_type == "meetingCancelled"
    assert inbox[0].event_id == occurrences.item_id(copy.id, date(2025, 3, 24))
    with pytest.raises(errors.NotOrganizer):
        series.cancel_occurrence(copy, on(copy, 24), None, BOB, PARTIES, [], {}, [], STAMP)


def test_answering_an_occurrence_stores_exceptions():
    attendees = (Attendee(EmailAddress("bob@contoso.com", "Bob")),)
    organizers = master(attendees=attendees)
    copy = organizers.evolve(id="AAMk" + "c" * 64, mailbox_id=BOB.mailbox.id, is_organizer=False)
    outcome = series.respond_to_occurrence(copy, on(copy, 24), MeetingResponse("accept"), BOB,
                                           on(organizers, 24), ORG, STAMP)
    assert outcome.changed_events == {}
    assert sorted((e.mailbox_id, e.type) for e in outcome.new_events) == [
        (BOB.mailbox.id, "exception"), (ORG.mailbox.id, "exception")]
    declined = series.respond_to_occurrence(copy, on(copy, 24), MeetingResponse("decline"), party("bob"),
                                            on(organizers, 24), ORG, STAMP)
    assert declined.current(copy).cancelled_occurrences == (f"OID.{copy.id}.2025-03-24",)
    assert [e.mailbox_id for e in declined.new_events] == [ORG.mailbox.id]
