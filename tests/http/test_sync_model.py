"""A randomized model test: several users create, update, answer, cancel and delete meetings and edit or
delete occurrences of series; after every few operations each user's replayed delta rounds must equal their
calendarView, and the notifications each one's subscription received must name every event that changed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from starlette.testclient import TestClient

from calgraph.app import create_app
from calgraph.http import notification_payload
from calgraph.services.notifications import NotificationDispatcher
from calgraph.services.runtime import Runtime
from calgraph.services.webhooks import Webhooks
from calgraph.settings import Settings
from tests.http.conftest import Tenant
from tests.sync.mirror import Mirror, calendar_view, delta_round
from tests.sync.receiver import Receiver

WINDOW = "startDateTime=2025-03-01T00:00:00Z&endDateTime=2025-04-01T00:00:00Z"
NAMES = ("ann", "ben", "cat")
OPS_PER_ROUND = 4
ROUNDS = 10


@pytest.fixture
def world(store):
    receiver = Receiver()
    app = create_app(Settings(db_url="unused"), store, Runtime(store, webhooks=Webhooks(transport=receiver)))
    with TestClient(app, base_url="http://testserver") as client:
        tenant = Tenant(store, client)
        users = {name: tenant.user(f"{name}@contoso.com", name.title()) for name in NAMES}
        apis = {name: tenant.api(user) for name, user in users.items()}
        notifier = NotificationDispatcher(store, notification_payload.render, receiver)
        yield apis, receiver, notifier


def event_json(rng: random.Random, subject: str, others: list[str]) -> dict:
    day = rng.randint(1, 31)
    hour = rng.randint(7, 18)
    start = datetime(2025, 3, day, hour, tzinfo=timezone.utc) - timedelta(days=rng.choice([0, 0, 0, 40]))
    body = {"subject": subject,
            "start": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
            "end": {"dateTime": (start + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
            "attendees": [{"emailAddress": {"address": f"{o}@contoso.com"}, "type": "required"} for o in others]}
    if rng.random() < 0.35:
        body["recurrence"] = {"pattern": {"type": "weekly", "interval": 1,
                                          "daysOfWeek": [start.strftime("%A").lower()]},
                              "range": {"type": "numbered", "startDate": start.strftime("%Y-%m-%d"),
                                        "numberOfOccurrences": rng.randint(2, 6)}}
    return body


def random_operation(rng: random.Random, apis: dict, counter: list[int]) -> str | None:
    """One random operation; returns its kind when it succeeded."""
    name = rng.choice(NAMES)
    api = apis[name]
    events = api.get("/me/events?$top=200&$select=id,type,isOrganizer,isCancelled").json()["value"]
    kind = rng.choice(["create", "create", "update", "answer", "cancel", "delete", "occurrence", "occurrence"])
    if kind == "create" or not events:
        counter[0] += 1
        others = rng.sample([n for n in NAMES if n != name], rng.randint(0, 2))
        assert api.post("/me/events", json=event_json(rng, f"M{counter[0]}", others)).status_code == 201
        return "create"
    event = rng.choice(events)
    path = f"/me/events/{event['id']}"
    if kind == "update":
        change = rng.choice([{"subject": f"S{rng.randint(0, 999)}"},
                             {"start": {"dateTime": f"2025-03-{rng.randint(1, 28):02d}T10:00:00", "timeZone": "UTC"},
                              "end": {"dateTime": "2025-03-29T11:00:00", "timeZone": "UTC"}}])
        response = api.patch(path, json=change)
    elif kind == "answer":
        action = rng.choice(["accept", "tentativelyAccept", "decline"])
        response = api.post(f"{path}/{action}", json={"sendResponse": rng.random() < 0.8})
        kind = action
    elif kind == "cancel":
        response = api.post(f"{path}/cancel", json={})
    elif kind == "delete":
        response = api.delete(path)
    elif event["type"] == "seriesMaster":
        instances = api.get(f"{path}/instances?{WINDOW}").json().get("value", [])
        if not instances:
            return None
        occurrence = rng.choice(instances)["id"]
        if rng.random() < 0.5:
            response = api.patch(f"/me/events/{occurrence}", json={"subject": f"Edited {rng.randint(0, 99)}"})
            kind = "edit occurrence"
        else:
            response = api.delete(f"/me/events/{occurrence}")
            kind = "delete occurrence"
    else:
        return None
    assert response.status_code < 500, response.text
    return kind if response.status_code < 300 else None


def snapshot(api) -> dict[str, str]:
    """Events of the default calendar (singles and masters) and the window's exceptions, by change key."""
    listed = api.get("/me/events?$top=500&$select=id,changeKey").json()["value"]
    out = {e["id"]: e["changeKey"] for e in listed}
    view = api.get(f"/me/calendarView?{WINDOW}&$top=1000&$select=id,changeKey,type").json()["value"]
    out.update({e["id"]: e["changeKey"] for e in view if e["type"] == "exception"})
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_replayed_delta_equals_calendar_view_and_notifications_cover_changes(world, seed):
    apis, receiver, notifier = world
    rng = random.Random(seed)
    mirrors, links, before = {}, {}, {}
    subscriptions = {}
    expiration = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    for name, api in apis.items():
        r = api.post("/subscriptions", json={"changeType": "created,updated,deleted", "resource": "me/events",
                                              "notificationUrl": f"http://127.0.0.1:9/{name}",
                                              "expirationDateTime": expiration})
        assert r.status_code == 201, r.text
        subscriptions[name] = r.json()["id"]
        mirrors[name] = Mirror()
        entries, links[name] = delta_round(api, f"/me/calendarView/delta?{WINDOW}",
                                           {"Prefer": f"odata.maxpagesize={rng.randint(1, 7)}"})
        mirrors[name].apply(entries)
        before[name] = snapshot(api)
    counter = [0]
    done: list[str | None] = []
    for _ in range(ROUNDS):
        for _ in range(OPS_PER_ROUND):
            done.append(random_operation(rng, apis, counter))
        receiver.clear()
        notifier.drain()
        notified = {}
        for item in receiver.notifications():
            notified.setdefault(item["subscriptionId"], set()).add(item["resourceData"]["id"])
        for name, api in apis.items():
            entries, links[name] = delta_round(api, links[name], {"Prefer": f"odata.maxpagesize={rng.randint(1, 7)}"})
            mirrors[name].apply(entries)
            assert mirrors[name].instances() == calendar_view(api, "/me/calendarView", WINDOW), (name, seed)
            after = snapshot(api)
            changed = {i for i in before[name].keys() | after.keys() if before[name].get(i) != after.get(i)}
            missing = changed - notified.get(subscriptions[name], set())
            assert not missing, (name, seed, missing)
            before[name] = after
    succeeded = {kind for kind in done if kind}
    assert {"create", "update", "delete"} <= succeeded and len(succeeded) >= 5, succeeded
    assert sum(len(m.items) for m in mirrors.values()) >= 5
