"""/subscriptions over HTTP and the notifications they bring (delivered by the dispatcher, driven here
pass by pass): handshake, limits, visibility, payload shape, retries, lifecycle notifications."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from starlette.testclient import TestClient

from calgraph.app import create_app
from calgraph.core.sync.subscriptions import Schedule
from calgraph.http import notification_payload
from calgraph.services.notifications import NotificationDispatcher
from calgraph.services.runtime import Runtime
from calgraph.services.webhooks import Webhooks
from calgraph.settings import Settings
from tests.http.conftest import Tenant, assert_error, event_body
from tests.sync.receiver import Receiver

HOOK = "http://127.0.0.1:9000/hook?tag=a"
LIFE = "http://127.0.0.1:9000/life"


class Clock:
    """Real time moved forward by the test (the store stamps changes with real time)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    @property
    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset

    @now.setter
    def now(self, value: datetime) -> None:
        self.offset += value - self.now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tenant(store, receiver, clock):
    schedule = Schedule(first_retry=timedelta(seconds=10), give_up_after=timedelta(hours=4))
    runtime = Runtime(store, clock=clock, webhooks=Webhooks(transport=receiver, schedule=schedule,
                                                            allowed_hosts=("127.0.0.1", "*.example.com")))
    app = create_app(Settings(db_url="unused"), store, runtime)
    with TestClient(app, base_url="http://testserver") as client:
        made = Tenant(store, client)
        made.notifier = NotificationDispatcher(store, notification_payload.render, receiver, schedule, clock)
        yield made


def expiry(clock: Clock, minutes: int = 60) -> str:
    return (clock.now + timedelta(minutes=minutes)).isoformat()


def subscribe(api, clock, resource: str = "me/events", **extra):
    body = {"changeType": "created,updated,deleted", "notificationUrl": HOOK, "resource": resource,
            "expirationDateTime": expiry(clock), "clientState": "s3cret", **extra}
    return api.post("/subscriptions", json=body)


def test_create_handshake_and_shape(tenant, as_alice, alice, receiver, clock):
    r = subscribe(as_alice, clock, lifecycleNotificationUrl=LIFE)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["@odata.context"] == "http://testserver/v1.0/$metadata#subscriptions/$entity"
    assert body["clientState"] == "s3cret" and body["resource"] == "me/events"
    assert body["creatorId"] == alice.id and body["latestSupportedTlsVersion"] == "v1_2"
    assert body["expirationDateTime"].endswith("0Z") and len(body["expirationDateTime"].split(".")[1]) == 8
    assert set(body) >= {"applicationId", "notificationQueryOptions", "includeResourceData", "encryptionCertificate"}
    first, second = receiver.validations
    assert first.startswith(HOOK + "&validationToken=Validation%3a+Testing+client+application+reachability")
    assert second.startswith(LIFE + "?validationToken=")
    got = as_alice.get(f"/subscriptions/{body['id']}").json()
    assert got["clientState"] is None and got["id"] == body["id"]
    listed = as_alice.get("/subscriptions").json()
    assert listed["@odata.context"] == "http://testserver/v1.0/$metadata#subscriptions"
    assert [s["id"] for s in listed["value"]] == [body["id"]]


def test_failed_handshakes_store_nothing(tenant, as_alice, receiver, clock):
    receiver.validation_answer = (500, None)
    assert_error(subscribe(as_alice, clock), 400, "ValidationError", "Subscription validation request failed. "
                 "Notification endpoint must respond with 200 OK to validation request.")
    receiver.validation_answer = (200, "something else")
    assert_error(subscribe(as_alice, clock), 400, "ValidationError", "Subscription validation request failed. "
                 "Response must exactly match validationToken query parameter.")
    receiver.validation_answer = (-1, None)
    assert_error(subscribe(as_alice, clock), 400, "InvalidRequest", "Subscription validation request timed out.")
    assert as_alice.get("/subscriptions").json()["value"] == []


@pytest.mark.parametrize("change, status, code, message", [
    ({"resource": "me/events/AAMk1"}, 400, "ExtensionError",
     "Operation: Create; Exception: [Status Code: BadRequest; Reason: The value 'me/events/AAMk1' of parameter "
     "'Resource' is not supported.]"),
    ({"resource": "me/events?$filter=subject eq 'x'"}, 400, "ExtensionError", None),
    ({"expirationDateTime": None}, 400, "InvalidRequest",
     "expirationDateTime is a required property for subscription creation."),
    ({"expirationDateTime": "2001-01-01T00:00:00Z"}, 400, "InvalidRequest",
     "Subscription expiration must be in the future."),
    ({"expirationDateTime": "2999-01-01T00:00:00Z"}, 400, "ExtensionError",
     "Subscription expiration can only be 10080 minutes in the future."),
    ({"clientState": "x" * 129}, 400, "InvalidRequest", None),
    ({"changeType": "created,moved"}, 400, "InvalidRequest", None),
    ({"includeResourceData": True}, 400, "InvalidRequest", "includeResourceData is not supported."),
    ({"notificationUrl": "https:////broken/listen"}, 400, "InvalidRequest",
     "Invalid notification url='https:////broken/listen'."),
    ({"notificationUrl": "http://10.1.2.3/hook"}, 400, "InvalidRequest", "Invalid notification url='http://10.1.2.3/hook'."),
    ({"resource": "users/bob@contoso.com/events"}, 403, "ExtensionError",
     "Operation: Create; Exception: [Status Code: Forbidden; Reason: Access denied]"),
    ({"notifcationUrl": "typo"}, 400, "InvalidRequest",
     "Could not process subscription creation payload. Are all property names spelled and camelCased properly?"),
])
def test_create_errors(tenant, as_alice, bob, clock, receiver, change, status, code, message):
    r = subscribe(as_alice, clock, **change)
    assert_error(r, status, code, message)
    assert receiver.validations == []


def test_allowed_host_pattern_and_permissions(tenant, as_alice, alice, clock):
    assert subscribe(as_alice, clock, notificationUrl="https://hooks.example.com/x").status_code == 201
    reader = tenant.api(alice, ["Calendars.ReadBasic"])
    assert_error(subscribe(reader, clock), 403, "ExtensionError")
    app = tenant.app_api(["Calendars.Read"])
    assert subscribe(app, clock, resource=f"users/{alice.id}/events").status_code == 201
    assert_error(subscribe(app, clock, resource=f"users/{alice.id}/messages"), 403, "ExtensionError")


def test_notifications_for_changes(tenant, as_alice, as_bob, alice, bob, receiver, clock):
    sub = subscribe(as_alice, clock).json()
    bobs = subscribe(as_bob, clock, resource="/Users/bob@contoso.com/Events", changeType="updated,deleted").json()
    mail = subscribe(as_bob, clock, resource="me/mailFolders('inbox')/messages", changeType="created").json()
    meeting = as_alice.post("/me/events", json=event_body(
        "Sync", attendees=[{"emailAddress": {"address": "bob@contoso.com"}}])).json()
    tenant.notifier.drain()
    got = receiver.notifications()
    mine = [n for n in got if n["subscriptionId"] == sub["id"]]
    assert len(mine) == 1
    assert mine[0] == {
        "subscriptionId": sub["id"],
        "subscriptionExpirationDateTime": mine[0]["subscriptionExpirationDateTime"],
        "changeType": "created", "resource": f"Users/{alice.id}/Events/{meeting['id']}",
        "resourceData": {"@odata.type": "#Microsoft.Graph.Event", "@odata.id": f"Users/{alice.id}/Events/{meeting['id']}",
                         "@odata.etag": meeting["@odata.etag"], "id": meeting["id"]},
        "clientState": "s3cret", "tenantId": mine[0]["tenantId"]}
    assert mine[0]["subscriptionExpirationDateTime"].endswith("+00:00")
    assert [n["changeType"] for n in got if n["subscriptionId"] == bobs["id"]] == []   # created not asked for
    inbox = [n for n in got if n["subscriptionId"] == mail["id"]]
    assert [n["resourceData"]["@odata.type"] for n in inbox] == ["#Microsoft.Graph.Message"]
    assert all(url == HOOK for url, _, _ in receiver.posts)
    assert all(ctype == "application/json; charset=utf-8" for _, _, ctype in receiver.posts)
    receiver.clear()
    assert as_alice.post(f"/me/events/{meeting['id']}/cancel", json={}).status_code == 202
    tenant.notifier.drain()
    got = receiver.notifications()
    assert [(n["subscriptionId"], n["changeType"]) for n in got if n["subscriptionId"] != mail["id"]] == \
        [(sub["id"], "deleted"), (bobs["id"], "updated")] or \
        sorted((n["subscriptionId"], n["changeType"]) for n in got if n["subscriptionId"] != mail["id"]) == \
        sorted([(sub["id"], "deleted"), (bobs["id"], "updated")])


def test_retries_with_backoff_then_missed(tenant, as_alice, receiver, clock):
    subscribe(as_alice, clock, lifecycleNotificationUrl=LIFE, expirationDateTime=expiry(clock, 10_079))
    as_alice.post("/me/events", json=event_body("One"))
    receiver.answers.extend([500, 503])
    assert tenant.notifier.run_once() == 1
    assert tenant.notifier.run_once() == 0            # not due yet
    clock.now += timedelta(seconds=13)
    assert tenant.notifier.run_once() == 1            # second failure
    clock.now += timedelta(seconds=13)
    assert tenant.notifier.run_once() == 0            # 20 s (±20 %) now
    clock.now += timedelta(seconds=12)
    assert tenant.notifier.run_once() == 1            # delivered
    assert [n["changeType"] for _, body, _ in receiver.posts for n in body["value"]] == ["created"] * 3
    receiver.clear()
    as_alice.post("/me/events", json=event_body("Two"))
    receiver.failing.add(HOOK)
    tenant.notifier.run_once()
    for _ in range(25):                               # 10 min apart at most: more than 4 hours
        clock.now += timedelta(minutes=11)
        tenant.notifier.run_once()
    tenant.notifier.drain()
    attempts = [url for url, _, _ in receiver.posts if url == HOOK]
    assert 15 <= len(attempts) <= 27   # backoff 10 s, 20 s, … capped at 10 min
    lifecycle = [n for url, body, _ in receiver.posts if url == LIFE for n in body["value"]]
    assert [n["lifecycleEvent"] for n in lifecycle] == ["missed"]
    assert set(lifecycle[0]) == {"subscriptionId", "subscriptionExpirationDateTime", "tenantId", "clientState",
                                 "lifecycleEvent"}
    receiver.clear()
    clock.now += timedelta(minutes=10_079 - 25 * 11 - 10)   # within 15 minutes of the expiry
    tenant.notifier.housekeeping(clock.now)
    tenant.notifier.drain()
    tenant.notifier.housekeeping(clock.now)
    tenant.notifier.drain()
    lifecycle = [n["lifecycleEvent"] for url, body, _ in receiver.posts if url == LIFE for n in body["value"]]
    assert lifecycle == ["reauthorizationRequired"]


def test_renew_delete_and_expiry(tenant, as_alice, as_bob, receiver, clock):
    sub = subscribe(as_alice, clock).json()
    receiver.validations.clear()
    later = expiry(clock, 600)
    r = as_alice.patch(f"/subscriptions/{sub['id']}", json={"expirationDateTime": later})
    assert r.status_code == 200 and r.json()["clientState"] == "s3cret"
    assert len(receiver.validations) == 1
    assert_error(as_alice.patch(f"/subscriptions/{sub['id']}", json={"resource": "me/messages"}), 400,
                 "InvalidRequest", "Only expirationDateTime and notificationUrl can be updated.")
    assert as_alice.patch(f"/subscriptions/{sub['id']}", json={"resource": "me/events"}).status_code == 200
    assert as_alice.post(f"/subscriptions/{sub['id']}/reauthorize").status_code == 204
    assert_error(as_bob.get(f"/subscriptions/{sub['id']}"), 404, "ResourceNotFound", "The object was not found.")
    assert_error(as_bob.delete(f"/subscriptions/{sub['id']}"), 404, "ResourceNotFound")
    as_alice.post("/me/events", json=event_body("Pending"))
    assert as_alice.delete(f"/subscriptions/{sub['id']}").status_code == 204
    tenant.notifier.drain()
    assert receiver.notifications() == []           # deleting drops what was pending
    assert_error(as_alice.get(f"/subscriptions/{sub['id']}"), 404, "ResourceNotFound")
    short = subscribe(as_alice, clock, expirationDateTime=expiry(clock, 5)).json()
    clock.now += timedelta(minutes=6)
    assert_error(as_alice.get(f"/subscriptions/{short['id']}"), 404, "ResourceNotFound")
    tenant.notifier.housekeeping(clock.now)          # a dispatcher pass removes expired subscriptions
    as_alice.post("/me/events", json=event_body("After expiry"))
    tenant.notifier.drain()
    assert receiver.notifications() == []
