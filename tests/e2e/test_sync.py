"""The sync surface end to end with the stock msgraph-sdk against `calgraph serve`: delta rounds, $batch
through BatchRequestContent, a subscription whose notifications reach a real receiver; a SIGKILLed server
delivers after its restart what committed before the kill; two processes deliver each notification once."""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime, timedelta, timezone

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.subscription import Subscription
from msgraph.generated.users.item.calendar_view.delta.delta_request_builder import DeltaRequestBuilder
from msgraph_core.requests.batch_request_content import BatchRequestContent
from msgraph_core.requests.batch_request_item import BatchRequestItem

from tests.e2e.conftest import ServerProcess, lunch
from tests.sync.http_receiver import HttpReceiver

START, END = "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def new_user(tenant, key: str) -> tuple[str, str]:
    user_id = tenant.cli("users", "add", f"{key}@contoso.test", "--name", key.title())
    return user_id, tenant.cli("token", f"{key}@contoso.test")


def subscription(url: str, resource: str = "me/events") -> Subscription:
    return Subscription(change_type="created,updated,deleted", notification_url=url, resource=resource,
                        expiration_date_time=datetime.now(timezone.utc) + timedelta(hours=1), client_state="e2e")


async def test_sdk_delta_batch_and_notifications(tenant):
    _, token = new_user(tenant, "hana")
    client = tenant.client(token)
    with HttpReceiver() as receiver:
        created = await client.subscriptions.post(subscription(receiver.url))
        assert created.id and created.client_state == "e2e"
        for n in range(3):
            await client.me.events.post(lunch(f"Lunch {n}", start=f"2025-01-1{n}T12:00:00",
                                              end=f"2025-01-1{n}T13:00:00"))
        query = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(start_date_time=START, end_date_time=END)
        paged = RequestConfiguration(query_parameters=query, headers={"Prefer": "odata.maxpagesize=2"})
        page = await client.me.calendar_view.delta.get(request_configuration=paged)
        seen = [e.subject for e in page.value]
        assert len(seen) == 2 and page.odata_next_link
        page = await client.me.calendar_view.delta.with_url(page.odata_next_link).get()
        seen += [e.subject for e in page.value]
        assert sorted(seen) == ["Lunch 0", "Lunch 1", "Lunch 2"] and page.odata_delta_link
        # a batch through the SDK: a create and a list, then the next delta round sees the new event
        batch = BatchRequestContent()
        made = BatchRequestItem(request_information=client.me.events.to_post_request_information(
            lunch("From batch", start="2025-01-20T12:00:00", end="2025-01-20T13:00:00")))
        listed = BatchRequestItem(request_information=client.me.events.to_get_request_information())
        batch.add_request(made.id, made)
        batch.add_request(listed.id, listed)
        result = await client.batch.post(batch_request_content=batch)
        assert result.get_response_status_codes() == {made.id: 201, listed.id: 200}
        page = await client.me.calendar_view.delta.with_url(page.odata_delta_link).get()
        assert [e.subject for e in page.value] == ["From batch"] and page.odata_delta_link
        wait_for(lambda: len(receiver.received()) >= 4)
        got = receiver.received()
        assert {n["changeType"] for n in got} == {"created"} and {n["clientState"] for n in got} == {"e2e"}
        assert len({n["resourceData"]["id"] for n in got}) == 4
        await client.subscriptions.by_subscription_id(created.id).delete()


def test_sigkill_then_restart_delivers_every_committed_change(tenant, tmp_path):
    """Changes commit while the receiver refuses them; the server is killed with SIGKILL; after a restart
    every one of them is delivered."""
    import httpx

    user_id, token = new_user(tenant, "ivan")
    headers = {"Authorization": f"Bearer {token}"}
    server = ServerProcess(tenant.db_url, tmp_path, name="killed").start()
    with HttpReceiver() as receiver:
        receiver.status = 500
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as http:
            sub = http.post("/subscriptions", json={
                "changeType": "created", "notificationUrl": receiver.url, "resource": "me/events",
                "expirationDateTime": (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()})
            assert sub.status_code == 201, sub.text
            ids = []
            for n in range(8):
                r = http.post("/me/events", json={"subject": f"E{n}", "start": {"dateTime": "2025-01-10T10:00:00",
                              "timeZone": "UTC"}, "end": {"dateTime": "2025-01-10T11:00:00", "timeZone": "UTC"}})
                assert r.status_code == 201
                ids.append(r.json()["id"])
        wait_for(lambda: receiver.posts >= 1)
        assert server.proc is not None
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait(10)
        receiver.status = 202
        restarted = ServerProcess(tenant.db_url, tmp_path, name="restarted").start()
        try:
            # retries wait out their backoff (10 s at first) and leases (60 s) in production timings;
            # the test waits for whichever comes first
            wait_for(lambda: {n["resourceData"]["id"] for n in receiver.received()} >= set(ids), timeout=90)
        finally:
            restarted.stop()
    assert {n["resource"] for n in receiver.received()} == {f"Users/{user_id}/Events/{i}" for i in ids}


def test_two_processes_deliver_each_notification_once(tenant, tmp_path, db_backend):
    if db_backend != "postgres":
        pytest.skip("several delivering processes are the PostgreSQL deployment")
    import httpx

    _, token = new_user(tenant, "judy")
    headers = {"Authorization": f"Bearer {token}"}
    b = ServerProcess(tenant.db_url, tmp_path, name="second").start()
    try:
        with HttpReceiver() as receiver:
            servers = [tenant.server, b]
            with httpx.Client(headers=headers, timeout=30) as http:
                r = http.post(f"{b.base_url}/subscriptions", json={
                    "changeType": "created,updated", "notificationUrl": receiver.url, "resource": "me/events",
                    "expirationDateTime": (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()})
                assert r.status_code == 201, r.text
                ids = []
                for n in range(40):
                    base = servers[n % 2].base_url
                    r = http.post(f"{base}/me/events", json={
                        "subject": f"E{n}", "start": {"dateTime": "2025-01-10T10:00:00", "timeZone": "UTC"},
                        "end": {"dateTime": "2025-01-10T11:00:00", "timeZone": "UTC"}})
                    ids.append(r.json()["id"])
            wait_for(lambda: len(receiver.received()) >= 40)
            time.sleep(1.0)   # a duplicate, if any, would arrive now
            got = [n["resourceData"]["id"] for n in receiver.received()]
            assert sorted(got) == sorted(ids)
    finally:
        b.stop()
