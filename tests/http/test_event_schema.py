"""Every event the server renders validates against Graph's event schema (tests/data/graph-event-schema.json,
made from Graph's published metadata by scripts/event_schema.py)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.http.conftest import event_body

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "data" / "graph-event-schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


VARIANTS = [
    event_body(),
    event_body(start="2025-11-11", end="2025-11-13", isAllDay=True, showAs="oof"),
    event_body(isOnlineMeeting=True, importance="high", sensitivity="private", categories=["Red", "Blue"]),
    event_body(attendees=[{"emailAddress": {"address": "x@fabrikam.com", "name": "X"}, "type": "optional"},
                          {"emailAddress": {"address": "room@contoso.com"}, "type": "resource"}],
               hideAttendees=True, allowNewTimeProposals=False, responseRequested=False),
    event_body(locations=[{"displayName": "A", "address": {"city": "Oslo"}},
                          {"displayName": "B", "coordinates": {"latitude": 1.5, "longitude": 2}}]),
    event_body(body={"contentType": "text", "content": "plain\nlines"}, reminderMinutesBeforeStart=5,
               isReminderOn=False, zone="Asia/Kolkata"),
]


@pytest.mark.parametrize("body", VARIANTS)
@pytest.mark.parametrize("version", ["v1.0", "beta"])
def test_rendered_events_validate(as_alice, validator, body, version):
    created = as_alice.post(f"/{version}/me/events", json=body)
    assert created.status_code == 201, created.text
    eid = created.json()["id"]
    for response in (
        created,
        as_alice.get(f"/{version}/me/events/{eid}", headers={"Prefer": 'outlook.timezone="Pacific Standard Time"'}),
        as_alice.patch(f"/{version}/me/events/{eid}", json={"subject": "changed"}),
    ):
        assert response.status_code in (200, 201)
        errors = sorted(validator.iter_errors(response.json()), key=str)
        assert not errors, [e.message for e in errors]
    for item in as_alice.get(f"/{version}/me/events?$top=50").json()["value"]:
        assert not list(validator.iter_errors(item))


def test_schema_catches_a_bad_event(validator):
    assert list(validator.iter_errors({"showAs": "sleeping", "isAllDay": "no"}))
