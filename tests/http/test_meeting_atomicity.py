"""A request's effects across mailboxes commit together or not at all: a failure part-way through a
meeting action (here: the store failing on its second message insert) leaves every mailbox as it was."""

from __future__ import annotations

import pytest

from calgraph.store.sql_items import ItemsMixin
from tests.http.conftest import event_body


class Crash(RuntimeError):
    pass


@pytest.fixture
def crash_on_second_message(monkeypatch):
    real = ItemsMixin.add_message
    calls = {"n": 0}

    def failing(self, message):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash("disk on fire")
        return real(self, message)

    def arm() -> None:
        calls["n"] = 0
        monkeypatch.setattr(ItemsMixin, "add_message", failing)

    return arm


def snapshot(*apis_and_paths):
    return [api.get(path).json() for api, path in apis_and_paths]


def test_a_failed_response_changes_nothing(tenant, alice, bob, as_alice, as_bob, crash_on_second_message):
    meeting = as_alice.post("/me/events", json=event_body(
        attendees=[{"emailAddress": {"address": bob.address}}])).json()
    copy_id = as_bob.get("/me/events").json()["value"][0]["id"]
    watched = [(as_alice, f"/me/events/{meeting['id']}"), (as_bob, f"/me/events/{copy_id}"),
               (as_alice, "/me/messages"), (as_bob, "/me/messages")]
    before = snapshot(*watched)

    crash_on_second_message()
    response = as_bob.post(f"/me/events/{copy_id}/decline", json={"comment": "no", "sendResponse": True})
    assert response.status_code == 500 and response.json()["error"]["code"] == "generalException"
    assert snapshot(*watched) == before


def test_a_failed_invitation_creates_nothing(tenant, alice, bob, as_alice, as_bob, crash_on_second_message):
    carol = tenant.user("carol@contoso.com")
    as_carol = tenant.api(carol)
    crash_on_second_message()
    response = as_alice.post("/me/events", json=event_body(attendees=[
        {"emailAddress": {"address": bob.address}}, {"emailAddress": {"address": carol.address}}]))
    assert response.status_code == 500
    for api in (as_alice, as_bob, as_carol):
        assert api.get("/me/events").json()["value"] == []
        assert api.get("/me/messages").json()["value"] == []


def test_a_failed_cancel_keeps_the_meeting(tenant, alice, bob, as_alice, as_bob, crash_on_second_message):
    carol = tenant.user("carol@contoso.com")
    meeting = as_alice.post("/me/events", json=event_body(attendees=[
        {"emailAddress": {"address": bob.address}}, {"emailAddress": {"address": carol.address}}])).json()
    crash_on_second_message()
    assert as_alice.post(f"/me/events/{meeting['id']}/cancel", json={"comment": "x"}).status_code == 500
    assert as_alice.get(f"/me/events/{meeting['id']}").status_code == 200
    assert not any(e["isCancelled"] for e in as_bob.get("/me/events").json()["value"])
