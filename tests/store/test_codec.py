"""The JSON codec round-trips every domain object losslessly; column values are derived correctly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from calgraph.core.model import (
    NEVER,
    Attendee,
    EmailAddress,
    Event,
    ItemBody,
    MeetingInfo,
    Message,
    ResponseStatus,
    TimeSlot,
    When,
)
from calgraph.store.codec import (
    NULL_TS,
    dumps,
    event_category_keys,
    event_columns,
    format_ts,
    loads,
    message_columns,
    parse_ts,
)

T = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def rich_event() -> Event:
    proposal = TimeSlot(When(datetime(2024, 5, 7, 10, 0), "Pacific Standard Time"),
                        When(datetime(2024, 5, 7, 11, 0), "Pacific Standard Time"))
    return Event(
        id="ev", mailbox_id="mb", calendar_id=None, ical_uid="uid", change_key="ck", created=T,
        last_modified=T + timedelta(seconds=1),
        start=When(datetime(2024, 5, 7, 9, 30, 0, 500), "Europe/Berlin"),
        end=When(datetime(2024, 5, 7, 10, 30), "Europe/Berlin"),
        organizer=EmailAddress("Org@Example.com", "Org"), subject="Ünïcode ☃ subject",
        body=ItemBody("text", "hello\nworld"),
        location={"displayName": "Room 1", "address": {"city": "Berlin"}},
        locations=({"displayName": "Room 1"}, {"displayName": "Room 2"}),
        attendees=(
            Attendee(EmailAddress("a@example.com", "A"), "required",
                     ResponseStatus("accepted", T), proposal),
            Attendee(EmailAddress("b@example.com"), "optional"),
        ),
        response_status=ResponseStatus("organizer", NEVER), categories=("Red", "Blue"),
        recurrence={"pattern": {"type": "weekly", "daysOfWeek": ["monday"]}, "range": {"type": "noEnd"}},
        type="seriesMaster", original_start=T, online_meeting={"joinUrl": "https://x"},
        transaction_id="tx", mail_folder_id="f-deleted",
    )


def test_event_round_trip_is_lossless() -> None:
    event = rich_event()
    restored = loads(Event, dumps(event))
    assert restored == event
    assert isinstance(restored.attendees, tuple) and isinstance(restored.locations, tuple)
    assert isinstance(restored.attendees[0].proposed_new_time, TimeSlot)
    assert restored.start.local.tzinfo is None
    assert restored.created.utcoffset() == timedelta(0)
    assert restored.attendees[1].status.time == NEVER


def test_minimal_event_round_trip() -> None:
    event = Event(id="e", mailbox_id="m", calendar_id="c", ical_uid="u", change_key="k", created=T,
                  last_modified=T, start=When(datetime(2024, 1, 1), "UTC"),
                  end=When(datetime(2024, 1, 2), "UTC"), organizer=EmailAddress("o@x"))
    assert loads(Event, dumps(event)) == event


def test_message_round_trip_is_lossless() -> None:
    message = Message(
        id="m", mailbox_id="mb", folder_id="f", change_key="ck", created=T, last_modified=T,
        kind="eventMessageRequest", subject="Invite", sender=EmailAddress("s@x.com", "S"),
        to_recipients=(EmailAddress("a@x.com"), EmailAddress("b@x.com", "B")), received=T, sent=None,
        event_id="ev", meeting=MeetingInfo(
            "meetingTentativelyAccepted", When(datetime(2024, 1, 1, 9), "Pacific Standard Time"),
            When(datetime(2024, 1, 1, 10), "UTC"), {"displayName": "Room"}, response_type="tentativelyAccepted",
            proposed_new_time=TimeSlot(When(datetime(2024, 1, 2, 9), "UTC"), When(datetime(2024, 1, 2, 10), "UTC")),
        ),
    )
    restored = loads(Message, dumps(message))
    assert restored == message
    assert isinstance(restored.to_recipients, tuple)


def test_timestamp_format_is_fixed_width_utc() -> None:
    assert format_ts(T) == "2024-05-06T07:08:09.123456"
    berlin = datetime(2024, 5, 6, 9, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    assert format_ts(berlin) == "2024-05-06T07:08:09.000000"
    assert format_ts(NEVER) == "0001-01-01T00:00:00.000000"
    assert parse_ts(format_ts(T)) == T


def test_event_columns_use_utc_instants_and_lowercase() -> None:
    columns = event_columns(rich_event())
    assert columns["start_utc"] == "2024-05-07T07:30:00.000500"   # Berlin is UTC+2 in May
    assert columns["end_utc"] == "2024-05-07T08:30:00.000000"
    assert columns["subject_lower"] == "ünïcode ☃ subject"
    assert columns["organizer_address_lower"] == "org@example.com"
    assert loads(Event, columns["data"]) == rich_event()
    assert event_category_keys(rich_event().evolve(categories=("Red", "red", "Blue"))) == ["blue", "red"]


def test_all_day_bounds_are_local_midnight_as_if_utc() -> None:
    event = rich_event().evolve(is_all_day=True, start=When(datetime(2024, 5, 7), "Pacific Standard Time"),
                                end=When(datetime(2024, 5, 8), "Pacific Standard Time"))
    columns = event_columns(event)
    assert (columns["start_utc"], columns["end_utc"]) == ("2024-05-07T00:00:00.000000", "2024-05-08T00:00:00.000000")


def test_windows_zone_names_are_converted() -> None:
    event = rich_event().evolve(start=When(datetime(2024, 1, 10, 9, 0), "Pacific Standard Time"))
    assert event_columns(event)["start_utc"] == "2024-01-10T17:00:00.000000"


def test_message_columns_store_absent_instants_as_null_ts() -> None:
    message = Message(id="m", mailbox_id="mb", folder_id="f", change_key="ck", created=T, last_modified=T)
    columns = message_columns(message)
    assert columns["received"] == NULL_TS and columns["sent"] == NULL_TS
    assert columns["from_address_lower"] == ""
