"""Delta and change notifications on a group's calendar: members read it, its changes reach both."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from calgraph.http import notification_payload
from calgraph.services.notifications import NotificationDispatcher
from tests.http.conftest import assert_error, event_body
from tests.sync.mirror import Mirror, calendar_view, delta_round

WINDOW = "startDateTime=2025-01-01T00:00:00Z&endDateTime=2025-02-01T00:00:00Z"


def test_group_calendar_view_delta(tenant, as_alice, alice, bob):
    group = tenant.group("team@contoso.com", "Team", ["alice@contoso.com"])
    path = f"/groups/{group.id}/calendarView"
    entries, link = delta_round(as_alice, f"{path}/delta?{WINDOW}")
    assert entries == []
    made = as_alice.post(f"/groups/{group.id}/events", json=event_body("Team lunch")).json()
    entries, link = delta_round(as_alice, link)
    assert [e["id"] for e in entries] == [made["id"]]
    mirror = Mirror()
    mirror.apply(entries)
    assert mirror.instances() == calendar_view(as_alice, path, WINDOW)
    r = as_alice.get(f"/groups/{group.id}/calendar/calendarView/delta?{WINDOW}")
    assert r.status_code == 200 and r.json()["@odata.deltaLink"].startswith(
        f"http://testserver/v1.0/groups/{group.id}/calendar/calendarView/delta?$deltatoken=")
    assert as_alice.get(f"/groups/{group.id}/events/delta").status_code in (400, 404)
    assert_error(tenant.api(bob).get(f"{path}/delta?{WINDOW}"), 403, "ErrorAccessDenied")


def test_group_subscription(tenant, store, as_alice, alice):
    from tests.sync.receiver import Receiver

    from calgraph.services.subscriptions import webhooks

    receiver = Receiver()
    webhooks(tenant.client.app.state.runtime).transport = receiver   # this app's receiver, in process
    group = tenant.group("crew@contoso.com", "Crew", ["alice@contoso.com"])
    expires = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    r = as_alice.post("/subscriptions", json={"resource": f"groups/{group.id}/events", "changeType": "created",
                                              "notificationUrl": "http://127.0.0.1:9/g", "expirationDateTime": expires})
    assert r.status_code == 201, r.text
    made = as_alice.post(f"/groups/{group.id}/events", json=event_body("Crew sync")).json()
    NotificationDispatcher(store, notification_payload.render, receiver).drain()
    [note] = receiver.notifications()
    assert note["resource"] == f"Groups/{group.id}/Events/{made['id']}"
    assert note["changeType"] == "created"
