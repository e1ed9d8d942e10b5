"""calendarView/delta, events/delta and messages/delta over HTTP: rounds, paging, changes, tokens, errors."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.http.conftest import assert_error, event_body
from tests.sync.mirror import Mirror, calendar_view, delta_round

WINDOW = "startDateTime=2025-03-01T00:00:00Z&endDateTime=2025-04-01T00:00:00Z"
UTC = "UTC"


def single(api, subject: str, day: str = "2025-03-10", hour: int = 9, path: str = "/me/events", **extra) -> dict:
    r = api.post(path, json=event_body(subject, f"{day}T{hour:02d}:00:00", f"{day}T{hour:02d}:30:00", UTC, **extra))
    assert r.status_code == 201, r.text
    return r.json()


def weekly_series(api, subject: str = "Standup", **extra) -> dict:
    recurrence = {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
                  "range": {"type": "endDate", "startDate": "2025-03-03", "endDate": "2025-03-31"}}
    r = api.post("/me/events", json=event_body(subject, "2025-03-03T09:00:00", "2025-03-03T09:30:00", UTC,
                                               recurrence=recurrence, **extra))
    assert r.status_code == 201, r.text
    return r.json()


def test_first_round_pages_then_delta_link(as_alice):
    for n in range(5):
        single(as_alice, f"E{n}", day=f"2025-03-{10 + n}")
    single(as_alice, "Outside", day="2025-05-01")
    prefer = {"Prefer": "odata.maxpagesize=2"}
    r = as_alice.get(f"/me/calendarView/delta()?{WINDOW}", headers=prefer)
    body = r.json()
    assert r.status_code == 200
    assert body["@odata.context"] == "http://testserver/v1.0/$metadata#Collection(event)"
    assert len(body["value"]) == 2
    link = body["@odata.nextLink"]
    assert link.startswith("http://testserver/v1.0/me/calendarView/delta?$skiptoken=")
    assert list(parse_qs(urlsplit(link).query)) == ["$skiptoken"]
    assert "odata.maxpagesize=2" in r.headers["preference-applied"]
    assert all(item["@odata.type"] == "#microsoft.graph.event" and "@odata.etag" in item for item in body["value"])
    entries, delta_link = delta_round(as_alice, link, prefer)
    subjects = [e["subject"] for e in body["value"] + entries]
    assert sorted(subjects) == ["E0", "E1", "E2", "E3", "E4"]
    assert "$deltatoken=" in delta_link
    # nothing changed: one empty page with a deltaLink
    again = as_alice.get(delta_link)
    assert again.json()["value"] == [] and "@odata.deltaLink" in again.json()


def test_later_round_reports_changes_and_removals(as_alice):
    keep = single(as_alice, "Keep", day="2025-03-05")
    change = single(as_alice, "Change", day="2025-03-06")
    drop = single(as_alice, "Drop", day="2025-03-07")
    move = single(as_alice, "Move", day="2025-03-08")
    mirror = Mirror()
    entries, link = delta_round(as_alice, f"/me/calendarView/delta?{WINDOW}")
    mirror.apply(entries)
    assert set(mirror.items) == {keep["id"], change["id"], drop["id"], move["id"]}
    assert all("@removed" not in e for e in entries)
    assert as_alice.patch(f"/me/events/{change['id']}", json={"subject": "Changed"}).status_code == 200
    assert as_alice.delete(f"/me/events/{drop['id']}").status_code == 204
    moved = {"start": {"dateTime": "2025-06-01T09:00:00", "timeZone": UTC},
             "end": {"dateTime": "2025-06-01T10:00:00", "timeZone": UTC}}
    assert as_alice.patch(f"/me/events/{move['id']}", json=moved).status_code == 200
    new = single(as_alice, "New", day="2025-03-20")
    entries, link = delta_round(as_alice, link)
    by_id = {e["id"]: e for e in entries}
    assert set(by_id) == {change["id"], drop["id"], move["id"], new["id"]}
    assert by_id[change["id"]]["subject"] == "Changed"
    assert by_id[drop["id"]] == {"@odata.type": "#microsoft.graph.event", "id": drop["id"],
                                 "@removed": {"reason": "deleted"}}
    assert "@removed" in by_id[move["id"]]
    mirror.apply(entries)
    assert mirror.instances() == calendar_view(as_alice, "/me/calendarView", WINDOW)


def test_series_masters_stubs_exceptions_and_cancelled_occurrences(as_alice):
    master = weekly_series(as_alice)
    entries, link = delta_round(as_alice, f"/me/calendarView/delta?{WINDOW}")
    assert entries[0]["id"] == master["id"] and entries[0]["type"] == "seriesMaster"
    stubs = [e for e in entries if e["type"] == "occurrence"]
    assert len(stubs) == 5
    assert set(stubs[0]) == {"@odata.type", "@odata.etag", "id", "seriesMasterId", "type", "start", "end"}
    mirror = Mirror()
    mirror.apply(entries)
    second, third = stubs[1]["id"], stubs[2]["id"]
    assert as_alice.patch(f"/me/events/{second}", json={"subject": "Moved room"}).status_code == 200
    assert as_alice.delete(f"/me/events/{third}").status_code == 204
    entries, link = delta_round(as_alice, link)
    by_id = {e["id"]: e for e in entries}
    assert by_id[master["id"]]["type"] == "seriesMaster"
    assert by_id[second]["type"] == "exception" and by_id[second]["subject"] == "Moved room"
    assert "@removed" in by_id[third]
    assert [e["id"] for e in entries].index(master["id"]) < [e["id"] for e in entries].index(second)
    mirror.apply(entries)
    assert mirror.instances() == calendar_view(as_alice, "/me/calendarView", WINDOW)
    # a new pattern drops occurrences: they come back removed
    fewer = {"recurrence": {"pattern": {"type": "weekly", "interval": 2, "daysOfWeek": ["monday"]},
                            "range": {"type": "endDate", "startDate": "2025-03-03", "endDate": "2025-03-31"}}}
    assert as_alice.patch(f"/me/events/{master['id']}", json=fewer).status_code == 200
    entries, link = delta_round(as_alice, link)
    mirror.apply(entries)
    assert mirror.instances() == calendar_view(as_alice, "/me/calendarView", WINDOW)


def test_meeting_decline_and_cancel_reach_each_view(as_alice, as_bob, bob):
    attendees = [{"emailAddress": {"address": "bob@contoso.com"}, "type": "required"}]
    lunch = single(as_alice, "Lunch", attendees=attendees)
    review = single(as_alice, "Review", day="2025-03-12", attendees=attendees)
    bob_round, bob_link = delta_round(as_bob, f"/me/calendarView/delta?{WINDOW}")
    bobs = {e["subject"]: e for e in bob_round}
    assert set(bobs) == {"Lunch", "Review"}
    _, alice_link = delta_round(as_alice, f"/me/calendarView/delta?{WINDOW}")
    r = as_bob.post(f"/me/events/{bobs['Lunch']['id']}/decline", json={"sendResponse": True})
    assert r.status_code == 202, r.text
    assert as_alice.post(f"/me/events/{review['id']}/cancel", json={}).status_code == 202
    entries, bob_link = delta_round(as_bob, bob_link)
    by_id = {e["id"]: e for e in entries}
    assert "@removed" in by_id[bobs["Lunch"]["id"]]
    assert by_id[bobs["Review"]["id"]]["isCancelled"] is True
    entries, alice_link = delta_round(as_alice, alice_link)
    by_id = {e["id"]: e for e in entries}
    assert "@removed" in by_id[review["id"]]
    assert by_id[lunch["id"]]["attendees"][0]["status"]["response"] == "declined"


def test_timezone_select_and_tokens_ignore_later_options(as_alice):
    single(as_alice, "Tz")
    headers = {"Prefer": 'outlook.timezone="Pacific Standard Time"'}
    r = as_alice.get(f"/me/calendarView/delta?{WINDOW}&$select=subject", headers=headers)
    item = r.json()["value"][0]
    assert set(item) == {"@odata.type", "@odata.etag", "id", "subject"}
    assert 'outlook.timezone="Pacific Standard Time"' in r.headers["preference-applied"]
    link = r.json()["@odata.deltaLink"]
    changed = single(as_alice, "Later")
    again = as_alice.get(link + "&startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z")
    assert [e["id"] for e in again.json()["value"]] == [changed["id"]]
    assert set(again.json()["value"][0]) == {"@odata.type", "@odata.etag", "id", "subject"}
    full = as_alice.get(f"/me/calendarView/delta?{WINDOW}", headers=headers).json()["value"][0]
    assert full["start"] == {"dateTime": "2025-03-10T02:00:00.0000000", "timeZone": "Pacific Standard Time"}


def test_errors(as_alice, as_bob):
    assert_error(as_alice.get("/me/calendarView/delta"), 400, "ErrorInvalidParameter",
                 "This request requires a time window specified by the query string parameters "
                 "StartDateTime and EndDateTime.")
    assert_error(as_alice.get("/me/calendarView/delta?startDateTime=&endDateTime=2025-01-01"), 400,
                 "ErrorInvalidParameter", "The value '' of parameter 'StartDateTime' is invalid.")
    assert_error(as_alice.get(f"/me/calendarView/delta?{WINDOW}&$filter=subject eq 'x'"), 400,
                 "ErrorInvalidParameter", "The query parameter '$filter' is not supported with delta.")
    link = as_alice.get(f"/me/calendarView/delta?{WINDOW}").json()["@odata.deltaLink"]
    token = parse_qs(urlsplit(link).query)["$deltatoken"][0]
    payload, signature = token.split(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    error = assert_error(as_alice.get(f"/me/calendarView/delta?$deltatoken={forged}"), 400, "InvalidDeltaToken")
    assert error["message"] == f"The value '{forged}' of parameter '$deltaToken' is invalid."
    assert_error(as_alice.get("/me/calendarView/delta?$deltaToken=nonsense"), 400, "InvalidDeltaToken")
    assert_error(as_alice.get("/me/calendarView/delta?$skiptoken=nonsense"), 400, "InvalidDeltaToken",
                 "The value 'nonsense' of parameter '$skipToken' is invalid.")
    # someone else's token, on their own calendar
    assert_error(as_bob.get(f"/me/calendarView/delta?$deltatoken={token}"), 400, "InvalidDeltaToken")
    # the token of another collection
    assert_error(as_alice.get(f"/me/events/delta?$deltatoken={token}"), 400, "InvalidDeltaToken")


def test_pruned_token_is_gone(tenant, as_alice):
    from datetime import datetime, timedelta, timezone
    single(as_alice, "Old")
    link = as_alice.get(f"/me/calendarView/delta?{WINDOW}").json()["@odata.deltaLink"]
    single(as_alice, "Newer")
    with tenant.store.unit_of_work(write=True) as uow:
        assert uow.prune_changes(datetime.now(timezone.utc) + timedelta(seconds=1)) >= 1
    error = assert_error(as_alice.get(link), 410, "SyncStateNotFound")
    assert error["message"].startswith("The sync state generation is not found; generation=")


@pytest.mark.parametrize("spelling", ["delta", "delta()", "microsoft.graph.delta", "Microsoft.Graph.Delta()"])
def test_route_spellings_and_forms(as_alice, alice, spelling):
    single(as_alice, "One")
    cal = as_alice.get("/me/calendar").json()["id"]
    for form in ("/me/calendarView", f"/users/{alice.id}/calendarView", "/me/calendar/calendarView",
                 f"/me/calendars/{cal}/calendarView"):
        r = as_alice.get(f"/beta{form}/{spelling}?{WINDOW}")
        assert r.status_code == 200, (form, r.text)
        assert [e["subject"] for e in r.json()["value"]] == ["One"]
        assert r.json()["@odata.deltaLink"].startswith(f"http://testserver/beta{form}/delta?$deltatoken=")


def test_events_delta_reduced_items_and_series_changes(as_alice):
    one = single(as_alice, "One")
    master = weekly_series(as_alice)
    entries, link = delta_round(as_alice, "/beta/me/events/delta")
    assert {e["id"] for e in entries} == {one["id"], master["id"]}
    assert all(set(e) == {"@odata.type", "@odata.etag", "id", "type", "start", "end"} for e in entries)
    occurrence = as_alice.get(f"/me/events/{master['id']}/instances?{WINDOW}").json()["value"][1]["id"]
    assert as_alice.patch(f"/me/events/{occurrence}", json={"subject": "x"}).status_code == 200
    assert as_alice.delete(f"/me/events/{one['id']}").status_code == 204
    entries, link = delta_round(as_alice, link)
    assert {e["id"]: "@removed" in e for e in entries} == {master["id"]: False, one["id"]: True}
    later = as_alice.get("/me/events/delta?startDateTime=2025-03-09T00:00:00Z").json()["value"]
    assert [e["id"] for e in later] == []


def test_message_delta_of_meeting_messages(as_alice, as_bob):
    entries, link = delta_round(as_bob, "/me/mailFolders/inbox/messages/delta")
    assert entries == []
    assert "/me/mailfolders('inbox')/messages/delta?$deltatoken=" in link
    single(as_alice, "Invite", attendees=[{"emailAddress": {"address": "bob@contoso.com"}}])
    entries, link = delta_round(as_bob, link)
    assert [e["@odata.type"] for e in entries] == ["#microsoft.graph.eventMessageRequest"]
    message = entries[0]
    assert as_bob.delete(f"/me/messages/{message['id']}").status_code == 204
    entries, link = delta_round(as_bob, link)
    assert entries == [{"@odata.type": "#microsoft.graph.message", "id": message["id"],
                        "@removed": {"reason": "deleted"}}]
    assert as_bob.get(f"{link}&changeType=created").status_code == 200
    created_only = as_bob.get("/me/mailFolders/inbox/messages/delta?changeType=created").json()
    assert created_only["value"] == []


def test_message_delta_received_filter_and_orderby(as_alice, as_bob):
    single(as_alice, "Invite", attendees=[{"emailAddress": {"address": "bob@contoso.com"}}])
    future = "/me/mailFolders/inbox/messages/delta?$filter=receivedDateTime ge 2999-01-01T00:00:00Z"
    assert as_bob.get(future).json()["value"] == []
    past = as_bob.get("/me/mailFolders/inbox/messages/delta?$filter=receivedDateTime gt 2000-01-01T00:00:00Z"
                      "&$orderby=receivedDateTime desc&$select=subject").json()
    assert [m["subject"] for m in past["value"]] == ["Invite"]
    assert set(past["value"][0]) == {"@odata.type", "@odata.etag", "id", "subject"}
    assert_error(as_bob.get("/me/mailFolders/inbox/messages/delta?$filter=subject eq 'x'"), 400,
                 "ErrorInvalidParameter", "The query parameter '$filter' is not supported with delta.")
    assert_error(as_bob.get("/me/mailFolders/inbox/messages/delta?$orderby=subject"), 400, "ErrorInvalidParameter")
