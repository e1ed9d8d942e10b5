"""Seed documents with rooms (and room lists), users' mailboxSettings and passwords: rooms listed by /places
and answering seeded meetings as a live booking would, settings read back and driving getSchedule, a
password that signs in with the password grant, all restored by a reset, and bad values refused."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pytest

from calgraph.http.control.seed import SCHEMA_PATH
from calgraph.services import apps
from tests.http.conftest import assert_error

PASSWORD = "s33d <pass>"
HOURS = {"daysOfWeek": ["monday", "tuesday", "wednesday"], "startTime": "09:30:00.0000000",
         "endTime": "16:00:00.0000000", "timeZone": {"name": "Pacific Standard Time"}}


def day(offset: int, hour: int) -> dict[str, str]:
    base = datetime.now(timezone.utc).date() + timedelta(days=offset)
    return {"dateTime": datetime(base.year, base.month, base.day, hour).isoformat(), "timeZone": "UTC"}


def meeting(subject: str, start: int, end: int, *rooms: str) -> dict:
    return {"mailbox": "alice@contoso.com", "subject": subject, "start": day(3, start), "end": day(3, end),
            "attendees": [{"emailAddress": {"address": "bob@contoso.com"}},
                          *({"emailAddress": {"address": r}, "type": "resource"} for r in rooms)]}


def document() -> dict:
    return {
        "users": [{"email": "alice@contoso.com", "name": "Alice", "password": PASSWORD,
                   "mailboxSettings": {"timeZone": "Pacific Standard Time", "workingHours": HOURS,
                                       "language": {"locale": "en-GB"}, "dateFormat": "dd/MM/yyyy",
                                       "automaticRepliesSetting": {"status": "alwaysEnabled",
                                                                   "internalReplyMessage": "Away"}}},
                  {"email": "bob@contoso.com"}],
        "roomLists": [{"email": "building1@contoso.com", "name": "Building 1"}],
        "rooms": [{"email": "hood@contoso.com", "name": "Conf Room Hood", "capacity": 10, "building": "1",
                   "floor": 2, "list": "building1@contoso.com", "accessible": True, "bookingWindowDays": 30,
                   "maxDurationMinutes": 120},
                  {"email": "adams@contoso.com", "name": "Conf Room Adams", "processing": "None"}],
        "events": [meeting("Planning", 9, 10, "hood@contoso.com"), meeting("Offsite", 11, 15, "hood@contoso.com"),
                   meeting("Overlap", 9, 10, "hood@contoso.com", "adams@contoso.com")],
    }


def statuses(app, subject: str) -> dict[str, str]:
    found = [e for e in app.get("/users/alice@contoso.com/events").json()["value"] if e["subject"] == subject]
    return {a["emailAddress"]["address"]: a["status"]["response"] for a in found[0]["attendees"]}


def check_seeded(tenant) -> None:
    app = tenant.app_api(["Calendars.ReadWrite", "Mail.ReadWrite", "Place.Read.All", "MailboxSettings.Read",
                          "User.Read.All"])
    rooms = app.get("/places/microsoft.graph.room").json()["value"]
    hood = next(r for r in rooms if r["emailAddress"] == "hood@contoso.com")
    assert (hood["displayName"], hood["capacity"], hood["building"], hood["floorNumber"],
            hood["isWheelChairAccessible"]) == ("Conf Room Hood", 10, "1", 2, True)
    in_list = app.get("/places/building1@contoso.com/microsoft.graph.roomList/rooms").json()["value"]
    assert [r["emailAddress"] for r in in_list] == ["hood@contoso.com"]
    assert app.get("/places/building1@contoso.com").json()["displayName"] == "Building 1"
    # the rooms answered as a live booking: free -> accepted, longer than 120 minutes or taken -> declined,
    # processing None -> no answer
    assert statuses(app, "Planning")["hood@contoso.com"] == "accepted"
    assert statuses(app, "Offsite")["hood@contoso.com"] == "declined"
    overlap = statuses(app, "Overlap")
    assert (overlap["hood@contoso.com"], overlap["adams@contoso.com"]) == ("declined", "none")
    booked = app.get("/users/hood@contoso.com/calendar/events").json()["value"]
    assert [e["responseStatus"]["response"] for e in booked] == ["accepted"]

    settings = app.get("/users/alice@contoso.com/mailboxSettings").json()
    assert settings["timeZone"] == "Pacific Standard Time" and settings["workingHours"] == HOURS
    assert (settings["language"]["locale"], settings["dateFormat"]) == ("en-GB", "dd/MM/yyyy")
    assert (settings["automaticRepliesSetting"]["status"],
            settings["automaticRepliesSetting"]["internalReplyMessage"]) == ("alwaysEnabled", "Away")
    window = {"startTime": day(3, 8), "endTime": day(3, 12), "availabilityViewInterval": 60,
              "schedules": ["alice@contoso.com", "bob@contoso.com"]}
    schedule = app.post("/users/bob@contoso.com/calendar/getSchedule", json=window).json()["value"]
    assert schedule[0]["workingHours"] == HOURS
    assert schedule[1]["workingHours"]["timeZone"] == {"name": "UTC"}      # bob: the defaults


def _mailbox(tenant, address: str):
    with tenant.store.unit_of_work() as uow:
        return uow.get_mailbox(address)


def sign_in(tenant, client_id: str):
    tenant_id = tenant.client.app.state.signin.tokens.tenant_id
    return tenant.client.post(f"/{tenant_id}/oauth2/v2.0/token", data={
        "client_id": client_id, "grant_type": "password", "username": "alice@contoso.com", "password": PASSWORD,
        "scope": "Calendars.ReadWrite"})


def test_rooms_settings_and_password_seeded_then_restored_by_reset(tenant, admin):
    answer = admin.post("/seed", json=document())
    assert answer.status_code == 200, answer.text
    ids = answer.json()
    assert set(ids["rooms"]) == {"hood@contoso.com", "adams@contoso.com"}
    check_seeded(tenant)
    assert ids["rooms"]["hood@contoso.com"] == tenant.app_api(["Place.Read.All"]).get(
        "/places/hood@contoso.com").json()["id"]

    with tenant.store.unit_of_work(write=True) as uow:
        public = apps.register(uow, "Public", roles=[], scopes=["Calendars.ReadWrite"], redirect_uris=[], public=True)
    signed = sign_in(tenant, public.app.client_id)
    assert signed.status_code == 200, signed.text
    token = signed.json()["access_token"]
    me = tenant.client.get("/v1.0/me/events", headers={"Authorization": f"Bearer {token}"})
    assert [e["subject"] for e in me.json()["value"]] == ["Planning", "Offsite", "Overlap"]
    with tenant.store.unit_of_work() as uow:
        stored = uow.get_password_hash(ids["users"]["alice@contoso.com"])
    assert stored and PASSWORD not in stored

    # changed after the seed, then reset: the seed's settings, rooms, bookings and password again
    alice = tenant.app_api(["MailboxSettings.ReadWrite"])
    assert alice.patch("/users/alice@contoso.com/mailboxSettings", json={"timeZone": "UTC"}).status_code == 200
    bob = tenant.api(_mailbox(tenant, "bob@contoso.com"), ["Place.ReadWrite.All"])
    assert bob.patch("/places/hood@contoso.com", json={"@odata.type": "microsoft.graph.room",
                                                          "capacity": 3}).status_code == 200
    tenant.app_api().delete(f"/users/alice@contoso.com/events/{me.json()['value'][0]['id']}")
    assert admin.post("/reset").status_code == 204
    check_seeded(tenant)
    assert sign_in(tenant, public.app.client_id).status_code == 200
    assert admin.post("/reset", json={"to": "empty"}).status_code == 204
    assert sign_in(tenant, public.app.client_id).json()["error"] == "invalid_grant"


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["users"][0]["mailboxSettings"].update(timeZone="Mars/Olympus"),
     "users[0].mailboxSettings.timeZone: "),
    (lambda d: d["users"][0]["mailboxSettings"].update(workingHours={**HOURS, "endTime": "08:00:00"}),
     "users[0].mailboxSettings.workingHours: "),
    (lambda d: d["users"][0]["mailboxSettings"].update(workingHours={**HOURS, "daysOfWeek": ["someday"]}),
     "users[0].mailboxSettings.workingHours: "),
    (lambda d: d["users"][0]["mailboxSettings"].update(delegateMeetingMessageDeliveryOptions="everyone"),
     "users[0].mailboxSettings.delegateMeetingMessageDeliveryOptions: "),
    (lambda d: d["users"][0]["mailboxSettings"].update(userPurpose="room"),
     "users[0].mailboxSettings.userPurpose: unknown field"),
    (lambda d: d["users"][0].update(password=""), "users[0].password: must be a string of 1 to 256 characters."),
    (lambda d: d["rooms"][0].update(capacity=-1), "rooms[0].capacity: must be at least 0."),
    (lambda d: d["rooms"][0].update(bookingWindowDays=5000), "rooms[0].bookingWindowDays: must be from 0 to 1080."),
    (lambda d: d["rooms"][1].update(processing="Sometimes"), "rooms[1].processing: must be one of AutoAccept,"),
    (lambda d: d["rooms"][1].update(accessible="yes"), "rooms[1].accessible: must be true or false."),
    (lambda d: d["rooms"][1].update(email="bob@contoso.com"),
     "rooms[1].email: 'bob@contoso.com' is already one of the document's users."),
    (lambda d: d["rooms"][1].update(list="hood@contoso.com"),
     "rooms[1]: 'hood@contoso.com' is a room, not a room list."),
    (lambda d: d["events"][0].update(answers={"hood@contoso.com": "accept"}),
     "events[0].answers.hood@contoso.com: is a room: it answers by its booking policy."),
])
def test_bad_values_name_the_field_and_write_nothing(tenant, admin, change, message):
    bad = document()
    change(bad)
    error = assert_error(admin.post("/seed", json=bad), 400, "BadRequest")
    assert message in error["message"], error["message"]
    app = tenant.app_api(["User.Read.All", "Place.Read.All"])
    assert app.get("/users").json()["value"] == []
    assert app.get("/places/microsoft.graph.room").json()["value"] == []


def test_published_schema_describes_rooms_settings_and_passwords():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.validate(document(), schema)
    for bad in ({"rooms": [{"email": "r@contoso.com", "name": "R", "capacity": -1}]},
                {"rooms": [{"email": "r@contoso.com", "name": "R", "processing": "Sometimes"}]},
                {"users": [{"email": "a@contoso.com", "mailboxSettings": {"timeZone": 3}}]},
                {"users": [{"email": "a@contoso.com", "password": ""}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


YAML = """\
users:
  - email: alice@contoso.com
    password: hunter2
    mailboxSettings:
      timeZone: W. Europe Standard Time
      workingHours:
        daysOfWeek: [monday, friday]
        startTime: "08:00:00"
        endTime: "12:00:00"
        timeZone: {name: W. Europe Standard Time}
rooms:
  - email: hood@contoso.com
    name: Conf Room Hood
    capacity: 8
    list: building1@contoso.com
"""


def test_cli_seed_file_with_room_settings_and_password(db_url, tmp_path: Path):
    from typer.testing import CliRunner

    from calgraph.cli import app
    from calgraph.core.identity.hashing import verify_secret
    from calgraph.store.sql import open_store

    path = tmp_path / "tenant.yaml"
    path.write_text(YAML)
    done = CliRunner().invoke(app, ["seed", str(path), "--db", db_url])
    assert done.exit_code == 0, done.output
    ids = json.loads(done.stdout)
    store = open_store(db_url)
    try:
        with store.unit_of_work() as uow:
            alice = uow.get_mailbox("alice@contoso.com")
            settings = uow.get_mailbox_settings(alice.id)
            room = uow.get_place("hood@contoso.com")
            assert verify_secret("hunter2", uow.get_password_hash(alice.id))
    finally:
        store.dispose()
    assert settings.time_zone == "W. Europe Standard Time" and settings.working_hours.days == ("monday", "friday")
    assert (room.id, room.capacity) == (ids["rooms"]["hood@contoso.com"], 8)
    path.write_text(YAML.replace("capacity: 8", "capacity: lots"))
    failed = CliRunner().invoke(app, ["seed", str(path), "--db", db_url])
    assert failed.exit_code == 1
    assert f"{path}: line 14: rooms[0].capacity: must be a whole number." in failed.output


def test_guide_example_is_a_valid_seed_document():
    import yaml

    from calgraph.http.control.seed import read_text

    guide = (Path(__file__).parents[2] / "docs" / "testing.md").read_text()
    section = guide[guide.index("### Seed documents"):]
    example = section[section.index("```yaml\n") + 8:section.index("\n```", section.index("```yaml"))]
    plan = read_text(example)
    assert (plan.users[0].password, plan.rooms[0].properties["capacity"]) == ("correct horse", 10)
    assert plan.users[0].settings["time_zone"] == "Pacific Standard Time"
    jsonschema.validate(yaml.safe_load(example), json.loads(SCHEMA_PATH.read_text()))
