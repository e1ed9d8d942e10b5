"""Two `calgraph serve` processes on one database behave as one server: shared tokens, shared events,
and optimistic concurrency (If-Match / change keys) that holds across processes. PostgreSQL is the
scale path, but an SQLite file shared by two processes must keep the same promises, so both run."""

from __future__ import annotations

import asyncio
from typing import Iterator

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.event import Event
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

from tests.e2e.conftest import ServerProcess, graph_error, lunch

WORKERS = 12


@pytest.fixture(scope="module")
def server_b(tenant, tmp_path_factory) -> Iterator[ServerProcess]:
    """A second process on the session server's database (the session server is 'A')."""
    b = ServerProcess(tenant.db_url, tmp_path_factory.mktemp("e2e-logs-b"), name="server-b").start()
    try:
        yield b
    finally:
        b.stop()
        log = b.log()
        assert "Traceback" not in log and "unhandled error" not in log, f"server B logged an error:\n{log}"


@pytest.fixture(scope="module")
def gina(tenant, server_b) -> str:
    """A user and token made with the CLI after both servers are up; returns the token."""
    tenant.cli("users", "add", "gina@contoso.test", "--name", "Gina Green")
    return tenant.cli("token", "gina@contoso.test")


def if_match(etag: str) -> RequestConfiguration:
    return RequestConfiguration(headers={"If-Match": etag})


async def test_cli_tokens_are_accepted_by_both(tenant, server_b, gina):
    for token in (gina, tenant.tokens["alice"], tenant.tokens["app"]):
        a, b = tenant.client(token), tenant.client(token, server_b)
        if token == tenant.tokens["app"]:
            ua = await a.users.by_user_id("gina@contoso.test").get()
            ub = await b.users.by_user_id("gina@contoso.test").get()
        else:
            ua, ub = await a.me.get(), await b.me.get()
        assert ua.id and ua.id == ub.id and ua.user_principal_name == ub.user_principal_name
    for server in (tenant.server, server_b):
        error = await graph_error(tenant.client("not-a-token", server).me.get())
        assert (error.response_status_code, error.error.code) == (401, "InvalidAuthenticationToken")


async def test_event_written_on_a_is_read_and_updated_on_b(tenant, server_b, gina):
    a = tenant.client(gina).me.events
    b = tenant.client(gina, server_b).me.events
    created = await a.post(lunch("Across processes", attendees=(tenant.users["alice"].address,)))
    stale = created.additional_data["@odata.etag"]

    on_b = await b.by_event_id(created.id).get()
    assert (on_b.subject, on_b.change_key, on_b.i_cal_u_id) == ("Across processes", created.change_key,
                                                               created.i_cal_u_id)
    updated = await b.by_event_id(created.id).patch(Event(subject="Updated on B"), if_match(stale))
    assert updated.change_key != created.change_key
    assert (await a.by_event_id(created.id).get()).subject == "Updated on B"
    listed = await a.get()
    assert created.id in [e.id for e in listed.value]

    # A's change key is stale now that B updated the event
    error = await graph_error(a.by_event_id(created.id).patch(Event(subject="Lost on A"), if_match(stale)))
    assert (error.response_status_code, error.error.code) == (412, "ErrorIrresolvableConflict")
    error = await graph_error(a.by_event_id(created.id).delete(if_match(stale)))
    assert (error.response_status_code, error.error.code) == (412, "ErrorIrresolvableConflict")
    assert (await b.by_event_id(created.id).get()).subject == "Updated on B"

    fresh = updated.additional_data["@odata.etag"]
    assert await a.by_event_id(created.id).delete(if_match(fresh)) is None
    error = await graph_error(b.by_event_id(created.id).get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")


async def test_concurrent_if_match_patches_one_winner(tenant, server_b, gina):
    """WORKERS PATCHes with the same If-Match, spread over both servers: exactly one 200, the rest 412."""
    clients = [tenant.client(gina), tenant.client(gina, server_b)]
    created = await clients[0].me.events.post(lunch("Race"))
    etag = created.additional_data["@odata.etag"]

    async def patch(i: int):
        events = clients[i % 2].me.events
        try:
            return await events.by_event_id(created.id).patch(Event(subject=f"Race won by {i}"), if_match(etag))
        except ODataError as e:
            return e

    results = await asyncio.gather(*(patch(i) for i in range(WORKERS)))

    won = [r for r in results if isinstance(r, Event)]
    lost = [r for r in results if not isinstance(r, Event)]
    assert len(won) == 1, [getattr(r, "error", r) for r in results]
    assert all((e.response_status_code, e.error.code) == (412, "ErrorIrresolvableConflict") for e in lost)
    final = await clients[1].me.events.by_event_id(created.id).get()
    assert (final.subject, final.change_key) == (won[0].subject, won[0].change_key)


async def test_concurrent_read_modify_write_loses_nothing(tenant, server_b, gina):
    """Each worker adds its own category with GET + PATCH(If-Match), retrying on 412, alternating
    servers: every PATCH answers 200 or 412 and the final event holds every category."""
    clients = [tenant.client(gina), tenant.client(gina, server_b)]
    created = await clients[0].me.events.post(lunch("Tally"))
    statuses: list[int] = []

    async def add_category(i: int) -> None:
        for attempt in range(200):
            events = clients[(i + attempt) % 2].me.events.by_event_id(created.id)
            current = await events.get()
            wanted = [*current.categories, f"worker-{i:02d}"]
            try:
                await events.patch(Event(categories=wanted), if_match(current.additional_data["@odata.etag"]))
            except ODataError as e:
                statuses.append(e.response_status_code)
                assert e.error.code == "ErrorIrresolvableConflict"
                await asyncio.sleep(0.005 * (i % 4))
                continue
            statuses.append(200)
            return
        raise AssertionError(f"worker {i} never got its PATCH in")

    await asyncio.gather(*(add_category(i) for i in range(WORKERS)))

    assert set(statuses) <= {200, 412}
    assert statuses.count(200) == WORKERS
    for client in clients:
        final = await client.me.events.by_event_id(created.id).get()
        assert sorted(final.categories) == [f"worker-{i:02d}" for i in range(WORKERS)]


async def test_concurrent_blind_patches_stay_atomic(tenant, server_b, gina):
    """Without If-Match the last writer wins, but each PATCH lands whole: subject and body agree."""
    clients = [tenant.client(gina), tenant.client(gina, server_b)]
    created = await clients[0].me.events.post(lunch("Blind"))

    async def patch(i: int) -> Event:
        return await clients[i % 2].me.events.by_event_id(created.id).patch(Event(
            subject=f"writer {i}", body=ItemBody(content_type=BodyType.Text, content=f"written by {i}"),
            categories=[f"writer-{i}"]))

    results = await asyncio.gather(*(patch(i) for i in range(WORKERS)))

    assert len({r.change_key for r in results}) == WORKERS  # every write made its own version
    final_a = await clients[0].me.events.by_event_id(created.id).get()
    final_b = await clients[1].me.events.by_event_id(created.id).get()
    assert final_a.change_key == final_b.change_key
    writer = final_a.subject.removeprefix("writer ")
    assert f"written by {writer}" in final_a.body.content
    assert final_a.categories == [f"writer-{writer}"]
    assert final_a.change_key in {r.change_key for r in results}
