"""HTTP-level fixtures: the app over a fresh store, a small tenant, and clients holding tokens."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from calgraph.app import create_app
from calgraph.core.model import Mailbox
from calgraph.services import directory
from calgraph.services.runtime import Runtime
from calgraph.services.tokens import TokenService
from calgraph.settings import Settings

FULL_SCOPES = ["User.Read", "Calendars.ReadWrite", "Calendars.ReadWrite.Shared", "Mail.ReadWrite"]


class Api:
    """A TestClient that sends one bearer token and prefixes /v1.0 unless the path has a version."""

    def __init__(self, client: TestClient, token: str | None, version: str = "v1.0") -> None:
        self.client = client
        self.token = token
        self.version = version

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kw: Any):
        url = path if path.startswith(("/v1.0", "/beta", "/V1.0", "/BETA", "http")) else f"/{self.version}{path}"
        all_headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        all_headers.update(headers or {})
        return self.client.request(method, url, headers=all_headers, **kw)

    def get(self, path: str, **kw: Any):
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any):
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any):
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any):
        return self.request("DELETE", path, **kw)


class Tenant:
    def __init__(self, store: Any, client: TestClient) -> None:
        self.store = store
        self.client = client
        self.runtime = Runtime(store)
        self.tokens = TokenService(store)

    def user(self, address: str, name: str | None = None) -> Mailbox:
        with self.store.unit_of_work(write=True) as uow:
            return directory.add_user(uow, self.runtime.ids, self.runtime.clock, address, name)

    def group(self, address: str, name: str, members: list[str]) -> Mailbox:
        with self.store.unit_of_work(write=True) as uow:
            return directory.add_group(uow, self.runtime.ids, self.runtime.clock, address, name, members)

    def api(self, user: Mailbox | None, scopes: list[str] | None = None, version: str = "v1.0") -> Api:
        token = self.tokens.issue_delegated(user, scopes or FULL_SCOPES) if user else None
        return Api(self.client, token, version)

    def app_api(self, roles: list[str] | None = None, version: str = "v1.0") -> Api:
        token = self.tokens.issue_app(roles or ["Calendars.ReadWrite", "Mail.ReadWrite"])
        return Api(self.client, token, version)


@pytest.fixture
def tenant(store) -> Tenant:
    app = create_app(Settings(db_url="unused"), store)
    with TestClient(app, base_url="http://testserver") as client:
        yield Tenant(store, client)


@pytest.fixture
def alice(tenant: Tenant) -> Mailbox:
    return tenant.user("alice@contoso.com", "Alice Adams")


@pytest.fixture
def bob(tenant: Tenant) -> Mailbox:
    return tenant.user("bob@contoso.com", "Bob Brown")


@pytest.fixture
def carol(tenant: Tenant) -> Mailbox:
    return tenant.user("carol@contoso.com", "Carol Cole")


@pytest.fixture
def as_carol(tenant: Tenant, carol: Mailbox) -> Api:
    return tenant.api(carol)


@pytest.fixture
def as_alice(tenant: Tenant, alice: Mailbox) -> Api:
    return tenant.api(alice)


@pytest.fixture
def as_bob(tenant: Tenant, bob: Mailbox) -> Api:
    return tenant.api(bob)


def event_body(subject: str = "Lunch", start: str = "2025-01-15T12:00:00", end: str = "2025-01-15T13:00:00",
               zone: str = "Pacific Standard Time", **extra: Any) -> dict[str, Any]:
    return {
        "subject": subject,
        "start": {"dateTime": start, "timeZone": zone},
        "end": {"dateTime": end, "timeZone": zone},
        **extra,
    }


def assert_error(response, status: int, code: str, message: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code, error
    if message is not None:
        assert error["message"] == message
    inner = error["innerError"]
    assert inner["request-id"] == response.headers["request-id"]
    assert set(inner) >= {"date", "request-id", "client-request-id"}
    return error
