"""The availability APIs through the stock msgraph-sdk against `calgraph serve`: mailboxSettings and
supportedTimeZones, getSchedule, findMeetingTimes with a room, /places, and two organizers booking the
same room for the same slot at the same moment (one server, then two server processes on one database):
exactly one is accepted."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest
from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.attendee_base import AttendeeBase
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.location import Location
from msgraph.generated.models.location_constraint import LocationConstraint
from msgraph.generated.models.location_constraint_item import LocationConstraintItem
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.time_constraint import TimeConstraint
from msgraph.generated.models.time_slot import TimeSlot
from msgraph.generated.models.working_hours import WorkingHours
from msgraph.generated.models.time_zone_base import TimeZoneBase
from msgraph.generated.users.item.calendar.get_schedule.get_schedule_post_request_body import (
    GetSchedulePostRequestBody,
)
from msgraph.generated.users.item.find_meeting_times.find_meeting_times_post_request_body import (
    FindMeetingTimesPostRequestBody,
)

from tests.e2e.conftest import ServerProcess
from tests.e2e.test_meetings import cli_batch

PEOPLE = {"avail.ann@contoso.test": "Ann Avery", "avail.ben@contoso.test": "Ben Bell",
          "avail.cat@contoso.test": "Cat Cruz"}
ROOMS = {"avail.hood@contoso.test": "Avail Room Hood", "avail.oak@contoso.test": "Avail Room Oak"}
ROOM_LIST = "avail.b1@contoso.test"


def slot(days: int, hour: int) -> str:
    base = datetime.now(timezone.utc).date() + timedelta(days=days)
    while base.weekday() >= 5:
        base += timedelta(days=1)
    return datetime(base.year, base.month, base.day, hour).isoformat()


def utc(text: str) -> DateTimeTimeZone:
    return DateTimeTimeZone(date_time=text, time_zone="UTC")


@pytest.fixture(scope="module")
def people(tenant) -> dict[str, str]:
    """Three users with tokens and two rooms in a room list, made with the CLI; returns the tokens."""
    commands = [["users", "add", a, "--name", n] for a, n in PEOPLE.items()]
    commands += [["token", a] for a in PEOPLE]
    commands += [["rooms", "add", a, "--name", n, "--capacity", "8", "--list", ROOM_LIST] for a, n in ROOMS.items()]
    printed = cli_batch(tenant.db_url, commands)
    assert all(len(room_id) == 36 for room_id in printed[-2:])    # `rooms add` prints the id alone
    return dict(zip(PEOPLE, printed[len(PEOPLE):2 * len(PEOPLE)]))


def client(tenant, people, key: str, server: ServerProcess | None = None) -> Any:
    return tenant.client(people[f"avail.{key}@contoso.test"], server)


async def test_mailbox_settings_and_time_zones(tenant, people):
    ann = client(tenant, people, "ann")
    changed = await ann.me.mailbox_settings.patch(MailboxSettings(
        time_zone="Pacific Standard Time",
        working_hours=WorkingHours(start_time=datetime.strptime("09:00", "%H:%M").time(),
                                   end_time=datetime.strptime("17:30", "%H:%M").time(),
                                   time_zone=TimeZoneBase(name="Pacific Standard Time"))))
    assert changed.time_zone == "Pacific Standard Time"
    settings = await ann.me.mailbox_settings.get()
    assert settings.working_hours.end_time.isoformat() == "17:30:00"
    assert settings.working_hours.time_zone.name == "Pacific Standard Time"
    windows = await ann.me.outlook.supported_time_zones.get()
    assert any(z.alias == "Pacific Standard Time" for z in windows.value)
    iana = await ann.me.outlook.supported_time_zones_with_time_zone_standard("Iana").get()
    assert any(z.alias == "America/Los_Angeles" for z in iana.value)


async def test_get_schedule(tenant, people):
    ben, ann = client(tenant, people, "ben"), client(tenant, people, "ann")
    await ben.me.events.post(Event(subject="Busy", start=utc(slot(2, 10)), end=utc(slot(2, 11))))
    result = await ann.me.calendar.get_schedule.post(GetSchedulePostRequestBody(
        schedules=["avail.ben@contoso.test", "nobody@contoso.test"], start_time=utc(slot(2, 9)),
        end_time=utc(slot(2, 12)), availability_view_interval=60))
    ben_info, nobody = result.value
    assert ben_info.availability_view == "020"
    assert ben_info.schedule_items[0].status.value == "busy" and ben_info.schedule_items[0].subject is None
    assert nobody.error.response_code == "5009"


async def test_find_meeting_times_with_a_room(tenant, people):
    cat, ann = client(tenant, people, "cat"), client(tenant, people, "ann")
    await cat.me.events.post(Event(subject="Cat busy", start=utc(slot(3, 15)), end=utc(slot(3, 16))))
    result = await cat.me.find_meeting_times.post(FindMeetingTimesPostRequestBody(
        attendees=[AttendeeBase(type=AttendeeType.Required, email_address=EmailAddress(address="avail.ben@contoso.test"))],
        time_constraint=TimeConstraint(time_slots=[TimeSlot(start=utc(slot(3, 14)), end=utc(slot(3, 17)))]),
        location_constraint=LocationConstraint(is_required=True, suggest_location=False, locations=[
            LocationConstraintItem(display_name="Avail Room Hood", location_email_address="avail.hood@contoso.test",
                                   resolve_availability=True)]),
        meeting_duration=timedelta(hours=1), max_candidates=10, return_suggestion_reasons=True))
    assert result.empty_suggestions_reason == ""
    starts = [s.meeting_time_slot.start.date_time[11:16] for s in result.meeting_time_suggestions]
    assert starts == ["14:00", "16:00"]
    best = result.meeting_time_suggestions[0]
    assert best.confidence == 100.0 and best.locations[0].display_name == "Avail Room Hood"
    assert best.suggestion_reason.startswith("Suggested because")
    assert ann is not None


async def test_places(tenant, people):
    ann = client(tenant, people, "ann")
    rooms = await ann.places.graph_room.get()
    ours = [r for r in rooms.value if r.email_address in ROOMS]
    assert [(r.display_name, r.capacity) for r in ours] == [("Avail Room Hood", 8), ("Avail Room Oak", 8)]
    lists = await ann.places.graph_room_list.get()
    assert ROOM_LIST in [entry.email_address for entry in lists.value]
    of_list = await ann.places.by_place_id(ROOM_LIST).graph_room_list.rooms.get()
    assert [r.email_address for r in of_list.value] == list(ROOMS)
    one = await ann.places.by_place_id(ours[0].id).graph_room.get()
    assert one.display_name == "Avail Room Hood"


def _booking(subject: str, room: str, hour: int) -> Event:
    return Event(subject=subject, start=utc(slot(4, hour)), end=utc(slot(4, hour + 1)),
                 location=Location(display_name=room),
                 attendees=[Attendee(type=AttendeeType.Resource, email_address=EmailAddress(address=room))])


@pytest.fixture(scope="module")
def server_b(tenant, tmp_path_factory) -> Iterator[ServerProcess]:
    b = ServerProcess(tenant.db_url, tmp_path_factory.mktemp("e2e-logs-avail-b"), name="server-b").start()
    try:
        yield b
    finally:
        b.stop()


@pytest.mark.parametrize("servers, room, hour", [("one", "avail.hood@contoso.test", 9),
                                                 ("two", "avail.oak@contoso.test", 11)])
async def test_concurrent_booking_of_one_slot(tenant, people, server_b, servers, room, hour):
    organizers = ["ann", "ben", "cat"]
    clients = [client(tenant, people, key, server_b if servers == "two" and n % 2 else None)
               for n, key in enumerate(organizers)]
    created = await asyncio.gather(*(c.me.events.post(_booking(f"Race {key}", room, hour))
                                     for c, key in zip(clients, organizers)))
    answers = sorted(e.attendees[0].status.response.value for e in created)
    assert answers == ["accepted", "declined", "declined"]
    ann = client(tenant, people, "ann")
    result = await ann.me.calendar.get_schedule.post(GetSchedulePostRequestBody(
        schedules=[room], start_time=utc(slot(4, hour)), end_time=utc(slot(4, hour + 1)),
        availability_view_interval=60))
    assert result.value[0].availability_view == "2" and len(result.value[0].schedule_items) == 1
