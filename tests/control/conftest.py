"""Control-plane fixtures: the in-process app (tests/http's tenant) and a client holding the admin token."""

from __future__ import annotations

from typing import Any

import pytest

from calgraph.services.admin_tokens import AdminTokens
from tests.http.conftest import Tenant, alice, as_alice, as_bob, bob, carol, tenant  # noqa: F401


class Admin:
    """Calls /_calgraph/… with the admin token."""

    def __init__(self, client: Any, token: str) -> None:
        self.client = client
        self.token = token

    def request(self, method: str, path: str, **kw: Any):
        headers = {"Authorization": f"Bearer {self.token}", **kw.pop("headers", {})}
        return self.client.request(method, f"/_calgraph{path}", headers=headers, **kw)

    def get(self, path: str, **kw: Any):
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any):
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any):
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def admin(tenant: Tenant) -> Admin:  # noqa: F811
    return Admin(tenant.client, AdminTokens(tenant.store).issue())
