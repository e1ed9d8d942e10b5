"""The control plane on two `calgraph serve --throttle graph` processes over one database (PostgreSQL
with CALGRAPH_TEST_DB=postgres): fault rules, the clock, resets and throttling are kept in the database,
so both processes behave as one; msgraph-sdk's retry handler recovers from the 429s."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import httpx
import pytest

from tests.e2e.conftest import ServerProcess, graph_error, lunch

THROTTLED = ("--throttle", "graph")


@pytest.fixture(scope="module")
def admin_token(tenant) -> str:
    return tenant.cli("token", "--admin")


@pytest.fixture(scope="module")
def pair(e2e_db_url, tenant, admin_token, tmp_path_factory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    logs = tmp_path_factory.mktemp("e2e-logs-control")
    a = ServerProcess(e2e_db_url, logs, "control-a", THROTTLED).start()
    b = ServerProcess(e2e_db_url, logs, "control-b", THROTTLED).start()
    try:
        yield a, b
    finally:
        admin_call(a, "DELETE", "/faults", admin_token)
        admin_call(a, "PUT", "/clock", admin_token, {"mode": "real"})
        for server in (a, b):
            server.stop()
            assert "Traceback" not in server.log(), server.log()


def admin_call(server: ServerProcess, method: str, path: str, token: str, body: dict | None = None) -> httpx.Response:
    return httpx.request(method, f"{server.origin}/_calgraph{path}", json=body, timeout=30,
                         headers={"Authorization": f"Bearer {token}"})


def test_a_rule_added_on_one_process_fires_on_both_and_counts_once(tenant, pair, admin_token):
    a, b = pair
    rule = admin_call(a, "POST", "/faults", admin_token,
                      {"method": "GET", "path": "/users/*/calendar", "status": 503, "retryAfter": 0, "times": 2})
    assert rule.status_code == 201
    path = f"/v1.0/users/{tenant.users['carol'].id}/calendar"
    headers = {"Authorization": f"Bearer {tenant.tokens['app']}"}
    statuses = [httpx.get(server.origin + path, headers=headers).status_code for server in (b, a, b)]
    assert statuses == [503, 503, 200]
    assert admin_call(b, "GET", "/faults", admin_token).json()["value"][0]["remaining"] == 0
    assert admin_call(a, "DELETE", "/faults", admin_token).status_code == 204


async def test_the_clock_set_on_one_process_stamps_events_made_on_the_other(tenant, pair, admin_token):
    a, b = pair
    assert admin_call(b, "PUT", "/clock", admin_token, {"frozenAt": "2041-05-06T07:08:09Z"}).status_code == 200
    try:
        created = await tenant.client("carol", a).me.events.post(lunch("Frozen"))
        assert created.created_date_time.isoformat().startswith("2041-05-06T07:08:09")
        assert admin_call(a, "GET", "/clock", admin_token).json()["now"] == "2041-05-06T07:08:09.000Z"
    finally:
        admin_call(a, "PUT", "/clock", admin_token, {"mode": "real"})
        await tenant.client("carol", a).me.events.by_event_id(created.id).delete()


def _get_events(server: ServerProcess, token: str, mailbox: str) -> httpx.Response:
    return httpx.get(f"{server.base_url}/users/{mailbox}/events?$top=1", timeout=30,
                     headers={"Authorization": f"Bearer {token}"})


async def test_throttling_counts_per_app_and_mailbox_across_processes_and_the_sdk_recovers(tenant, pair, admin_token):
    a, b = pair
    mailbox = tenant.users["erin"].id
    # each request stays in flight for 1 s, so 8 at once exceed the 4 concurrent allowed
    admin_call(a, "POST", "/faults", admin_token, {"path": "/users/*/events", "latencyMs": 1000})
    try:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda i: _get_events((a, b)[i % 2], tenant.tokens["app"], mailbox), range(8)))
        refused = [r for r in answers if r.status_code == 429]
        assert 1 <= len(refused) <= 4 and len(answers) - len(refused) >= 4, [r.status_code for r in answers]
        assert refused[0].json()["error"]["code"] == "ApplicationThrottled"
        assert int(refused[0].headers["Retry-After"]) >= 1
        # another mailbox is counted apart
        assert _get_events(b, tenant.tokens["app"], tenant.users["frank"].id).status_code == 200

        client_a, client_b = tenant.client("app", a), tenant.client("app", b)
        calls = [(client_a, client_b)[i % 2].users.by_user_id(mailbox).events.get() for i in range(8)]
        pages = await asyncio.gather(*calls)              # every call succeeds: the SDK waited and retried
        assert all(page.value is not None for page in pages)
        logged = [r for s in (a, b) for r in admin_call(s, "GET", "/requests?top=200", admin_token).json()["value"]]
        assert any(r["status"] == 429 and r["path"].endswith("/events") for r in logged)
    finally:
        admin_call(a, "DELETE", "/faults", admin_token)


async def test_a_reset_on_one_process_is_seen_by_the_other(tenant, pair, admin_token):
    a, b = pair
    assert admin_call(a, "POST", "/snapshots", admin_token, {"name": "e2e"}).status_code == 201
    try:
        tenant.cli("users", "add", "temp@contoso.test")
        app_b = tenant.client("app", b)
        assert (await app_b.users.by_user_id("temp@contoso.test").get()).mail == "temp@contoso.test"
        assert admin_call(a, "POST", "/snapshots/e2e/restore", admin_token).status_code == 204
        error = await graph_error(app_b.users.by_user_id("temp@contoso.test").get())
        assert error.response_status_code == 404
    finally:
        admin_call(a, "DELETE", "/snapshots/e2e", admin_token)


def test_the_cli_mirror_drives_a_running_server(tenant, pair, admin_token, monkeypatch):
    from typer.testing import CliRunner

    from calgraph.cli import app

    a, b = pair
    runner = CliRunner()
    monkeypatch.setenv("CALGRAPH_URL", a.origin)
    monkeypatch.setenv("CALGRAPH_ADMIN_TOKEN", admin_token)

    def run(*args: str) -> str:
        done = runner.invoke(app, list(args))
        assert done.exit_code == 0, done.output
        return done.stdout

    rule_id = run("faults", "add", "--path", "/me/calendar", "--status", "500", "--method", "GET",
                  "--code", "generalException", "--retry-after", "3", "--times", "1").strip()
    listed = admin_call(b, "GET", "/faults", admin_token).json()["value"]
    assert [(r["id"], r["status"], r["retryAfter"], r["times"]) for r in listed] == [(rule_id, 500, 3, 1)]
    assert '"/me/calendar"' in run("faults", "list", "--url", b.origin)
    run("faults", "clear")
    assert admin_call(a, "GET", "/faults", admin_token).json()["value"] == []

    assert '"2042-01-01T00:00:00.000Z"' in run("clock", "set", "2042-01-01T00:00:00Z")
    assert '"2042-01-01T01:00:00.000Z"' in run("clock", "advance", "3600")
    assert '"offset"' in run("clock", "set", "--offset", "60")
    assert '"real"' in run("clock", "set", "--real", "--db", tenant.db_url)   # a token minted from --db

    run("snapshot", "save", "cli")
    assert run("snapshot", "list").startswith("cli\t")
    run("reset", "--to", "empty")
    app_headers = {"Authorization": f"Bearer {tenant.tokens['app']}"}
    assert httpx.get(f"{b.base_url}/users", headers=app_headers).json()["value"] == []
    run("snapshot", "restore", "cli")
    assert len(httpx.get(f"{b.base_url}/users", headers=app_headers).json()["value"]) >= 5
    run("snapshot", "delete", "cli")
    missing = runner.invoke(app, ["snapshot", "restore", "cli"])
    assert missing.exit_code == 1 and "404: There is no snapshot named 'cli'." in missing.output
    nobody = runner.invoke(app, ["faults", "list", "--url", "http://127.0.0.1:9"])
    assert nobody.exit_code == 1 and "no calgraph server answers at http://127.0.0.1:9" in nobody.output
    monkeypatch.setenv("CALGRAPH_ADMIN_TOKEN", tenant.tokens["app"])           # a Graph token is refused
    refused = runner.invoke(app, ["faults", "list"])
    assert refused.exit_code == 1 and "401" in refused.output
