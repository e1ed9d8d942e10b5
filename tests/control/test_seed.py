"""POST /_calgraph/seed and seed files: a declarative tenant, meetings delivered and answered, errors that
name line and field, nothing written on error, and reset back to the seed."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from calgraph.http.control.seed import SCHEMA_PATH, read_text
from calgraph.services.seed import SeedRejected
from tests.http.conftest import assert_error

MEETING = {
    "mailbox": "alice@contoso.com", "subject": "Kick-off",
    "start": {"dateTime": "2030-01-07T09:00:00", "timeZone": "UTC"},
    "end": {"dateTime": "2030-01-07T10:00:00", "timeZone": "UTC"},
    "attendees": [{"emailAddress": {"address": "bob@contoso.com"}, "type": "required"},
                  {"emailAddress": {"address": "carol@contoso.com"}, "type": "optional"}],
    "answers": {"bob@contoso.com": "accept", "carol@contoso.com": "decline"},
}
SERIES = {
    "mailbox": "bob@contoso.com", "subject": "Standup",
    "start": {"dateTime": "2030-01-07T08:30:00", "timeZone": "UTC"},
    "end": {"dateTime": "2030-01-07T08:45:00", "timeZone": "UTC"},
    "recurrence": {"pattern": {"type": "daily", "interval": 1},
                   "range": {"type": "numbered", "startDate": "2030-01-07", "numberOfOccurrences": 5}},
}
DOCUMENT = {
    "users": [{"email": "alice@contoso.com", "name": "Alice Adams"}, {"email": "bob@contoso.com"},
              {"email": "carol@contoso.com", "name": "Carol"}],
    "groups": [{"email": "team@contoso.com", "name": "Team", "members": ["alice@contoso.com", "bob@contoso.com"]}],
    "events": [MEETING, SERIES],
}

YAML = """\
users:
  - email: alice@contoso.com
    name: Alice
  - email: bob@contoso.com
events:
  - mailbox: alice@contoso.com
    subject: Review
    start: {dateTime: "2030-02-01T10:00:00", timeZone: UTC}
    end: {dateTime: "2030-02-01T11:00:00", timeZone: UTC}
    attendees:
      - emailAddress: {address: bob@contoso.com}
    answers:
      bob@contoso.com: maybe
"""


def test_seed_creates_the_tenant_with_meetings_delivered_and_answered(tenant, admin):
    answer = admin.post("/seed", json=DOCUMENT)
    assert answer.status_code == 200, answer.text
    ids = answer.json()
    assert set(ids["users"]) == {"alice@contoso.com", "bob@contoso.com", "carol@contoso.com"}
    assert list(ids["groups"]) == ["team@contoso.com"] and ids["rooms"] == {}

    app = tenant.app_api()
    alice_events = app.get(f"/users/{ids['users']['alice@contoso.com']}/events").json()["value"]
    statuses = {a["emailAddress"]["address"]: a["status"]["response"] for a in alice_events[0]["attendees"]}
    assert statuses == {"bob@contoso.com": "accepted", "carol@contoso.com": "declined"}
    bob_events = app.get(f"/users/{ids['users']['bob@contoso.com']}/events").json()["value"]
    assert sorted(e["subject"] for e in bob_events) == ["Kick-off", "Standup"]
    members = app.get(f"/groups/{ids['groups']['team@contoso.com']}/members").json()["value"]
    assert {m["mail"] for m in members} == {"alice@contoso.com", "bob@contoso.com"}
    kinds = [m["meetingMessageType"] for m in admin.get("/messages").json()["value"]]
    assert sorted(kinds) == ["meetingAccepted", "meetingDeclined", "meetingRequest", "meetingRequest"]

    tenant.user("dave@contoso.com")                      # not from the seed: gone after a reset
    assert admin.post("/reset").status_code == 204
    users = {u["mail"] for u in app.get("/users").json()["value"]}
    assert users == {"alice@contoso.com", "bob@contoso.com", "carol@contoso.com"}
    assert admin.post("/reset", json={"to": "empty"}).status_code == 204
    assert app.get("/users").json()["value"] == []


@pytest.mark.parametrize(("document", "message"), [
    ({"users": [{"email": "bob"}]}, "users[0].email: 'bob' is not a valid email address."),
    ({"users": [{"email": "a@contoso.com", "nick": "A"}]}, "users[0].nick: unknown field"),
    ({"groups": [{"email": "g@contoso.com", "name": "G", "members": ["x@contoso.com"]}]},
     "groups[0].members[0]: 'x@contoso.com' is not one of the document's users."),
    ({"users": [{"email": "a@contoso.com"}], "events": [{**MEETING, "mailbox": "a@contoso.com", "showAs": "purple"}]},
     "events[0]: "),
    ({"events": [{**MEETING, "answers": {"bob@contoso.com": "maybe"}}]},
     "events[0].answers.bob@contoso.com: must be one of accept, tentativelyAccept, decline."),
    ({"mailboxes": []}, "mailboxes: unknown section"),
    ({"rooms": [{"email": "r@contoso.com", "name": "R", "capacity": "ten"}]}, "rooms[0].capacity: must be a whole"),
])
def test_bad_documents_are_400_naming_the_field_and_write_nothing(tenant, admin, document, message):
    answer = assert_error(admin.post("/seed", json=document), 400, "BadRequest")
    assert message in answer["message"]
    assert tenant.app_api().get("/users").json()["value"] == []


def test_a_failure_while_applying_leaves_nothing_behind(tenant, admin):
    tenant.user("zoe@contoso.com")
    document = {"users": [{"email": "alice@contoso.com"}],
                "events": [{**MEETING, "attendees": [], "answers": {}}, {**SERIES, "mailbox": "nobody@contoso.com"}]}
    error = assert_error(admin.post("/seed", json=document), 400, "BadRequest")
    assert error["message"].startswith("events[1]:")
    assert [u["mail"] for u in tenant.app_api().get("/users").json()["value"]] == ["zoe@contoso.com"]


def test_yaml_errors_name_the_line():
    with pytest.raises(SeedRejected) as raised:
        read_text(YAML)
    assert raised.value.message == ("line 13: events[0].answers.bob@contoso.com: "
                                    "must be one of accept, tentativelyAccept, decline.")
    with pytest.raises(SeedRejected, match=r"^line 3: users\[1\].email: 'bob' is not a valid email address"):
        read_text('{"users": [{"email": "a@contoso.com"},\n'
                  '  {"name": "B",\n   "email": "bob"}]}')
    with pytest.raises(SeedRejected, match="^line 3: the document is neither valid JSON nor valid YAML"):
        read_text("users:\n  - email: [unclosed\n")


def test_published_schema_accepts_the_examples_and_rejects_bad_ones():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(DOCUMENT, schema)
    import yaml
    jsonschema.validate(yaml.safe_load(YAML.replace("maybe", "accept")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"users": [{"name": "no email"}]}, schema)


def test_schema_is_served(admin):
    assert admin.get("/seed/schema").json()["title"] == "calgraph seed document"


def test_cli_seed_file_then_reset_to_it(db_url, tmp_path: Path):
    from typer.testing import CliRunner

    from calgraph.cli import app

    path = tmp_path / "tenant.yaml"
    path.write_text(YAML.replace("maybe", "tentativelyAccept"))
    done = CliRunner().invoke(app, ["seed", str(path), "--db", db_url])
    assert done.exit_code == 0, done.output
    assert set(json.loads(done.stdout)["users"]) == {"alice@contoso.com", "bob@contoso.com"}
    path.write_text(YAML)
    failed = CliRunner().invoke(app, ["seed", str(path), "--db", db_url])
    assert failed.exit_code == 1
    assert f"{path}: line 13: events[0].answers" in failed.output


def test_calendars_shared_and_events_in_them(tenant, admin):
    document = {
        "users": [{"email": "alice@contoso.com"}, {"email": "bob@contoso.com"}],
        "calendars": [{"mailbox": "alice@contoso.com", "name": "Projects", "color": "lightTeal",
                       "sharedWith": [{"email": "bob@contoso.com", "role": "read"}]}],
        "events": [{**SERIES, "mailbox": "alice@contoso.com", "calendar": "Projects"}],
    }
    ids = admin.post("/seed", json=document).json()
    calendar_id = ids["calendars"]["alice@contoso.com/Projects"]
    bob = tenant.api(_user(tenant, "bob@contoso.com"))
    shared = bob.get(f"/users/alice@contoso.com/calendars/{calendar_id}/events").json()["value"]
    assert [e["subject"] for e in shared] == ["Standup"] and shared[0]["type"] == "seriesMaster"
    app = tenant.app_api()
    roles = app.get(f"/users/alice@contoso.com/calendars/{calendar_id}/calendarPermissions").json()["value"]
    assert {(p["emailAddress"]["address"], p["role"]) for p in roles} >= {("bob@contoso.com", "read")}
    assert app.get("/users/alice@contoso.com/calendar/events").json()["value"] == []


def _user(tenant, address):
    with tenant.store.unit_of_work() as uow:
        return uow.get_mailbox(address)


@pytest.mark.parametrize(("calendar", "message"), [
    ({"mailbox": "alice@contoso.com", "name": "P", "sharedWith": [{"email": "bob@contoso.com", "role": "owner"}]},
     "calendars[0].sharedWith[0].role: must be one of"),
    ({"mailbox": "alice@contoso.com", "name": "P", "color": "red"}, "calendars[0].color: must be one of"),
    ({"mailbox": "nobody@contoso.com", "name": "P"}, "calendars[0]: The requested user 'nobody@contoso.com' is invalid."),
])
def test_bad_calendars(tenant, admin, calendar, message):
    document = {"users": [{"email": "alice@contoso.com"}, {"email": "bob@contoso.com"}], "calendars": [calendar]}
    error = assert_error(admin.post("/seed", json=document), 400, "BadRequest")
    assert message in error["message"]
    assert tenant.app_api().get("/users").json()["value"] == []
