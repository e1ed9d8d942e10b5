"""Only the admin token opens the control plane; it opens nothing else; off the loopback it is not served."""

from __future__ import annotations

from starlette.testclient import TestClient

from calgraph.app import create_app
from calgraph.services.admin_tokens import AdminTokens
from calgraph.settings import Settings
from tests.http.conftest import assert_error


def test_no_token_and_graph_tokens_are_refused(tenant, alice, as_alice):
    assert_error(tenant.client.get("/_calgraph/clock"), 401, "InvalidAuthenticationToken")
    for graph_token in (as_alice.token, tenant.app_api().token):
        answer = tenant.client.get("/_calgraph/clock", headers={"Authorization": f"Bearer {graph_token}"})
        assert_error(answer, 401, "InvalidAuthenticationToken")


def test_admin_token_is_refused_on_graph_routes(tenant, admin, alice):
    answer = tenant.client.get("/v1.0/users", headers={"Authorization": f"Bearer {admin.token}"})
    assert_error(answer, 401, "InvalidAuthenticationToken")
    assert admin.get("/clock").status_code == 200


def test_cookie_alone_cannot_change_state_without_csrf(tenant, admin):
    tenant.client.cookies.set("calgraph_session", admin.token)
    try:
        assert tenant.client.get("/_calgraph/clock").status_code == 200
        assert_error(tenant.client.post("/_calgraph/reset"), 401, "InvalidAuthenticationToken")
        csrf = AdminTokens(tenant.store).csrf_token(admin.token)
        assert tenant.client.post("/_calgraph/reset", headers={"X-CSRF-Token": csrf}).status_code == 204
    finally:
        tenant.client.cookies.clear()


def test_control_plane_is_off_on_a_public_address_unless_asked(store):
    token = AdminTokens(store).issue()
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(Settings(db_url="unused", host="0.0.0.0"), store)) as client:
        assert client.get("/_calgraph/clock", headers=headers).status_code == 401   # answered as a Graph path
    with TestClient(create_app(Settings(db_url="unused", host="0.0.0.0", control=True), store)) as client:
        assert client.get("/_calgraph/clock", headers=headers).status_code == 200


def test_calgraph_token_admin_prints_a_control_token(tenant, db_url):
    from typer.testing import CliRunner

    from calgraph.cli import app

    done = CliRunner().invoke(app, ["token", "--admin", "--db", db_url])
    assert done.exit_code == 0 and done.stdout.count("\n") == 1
    token = done.stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert tenant.client.get("/_calgraph/clock", headers=headers).status_code == 200
    assert_error(tenant.client.get("/v1.0/users", headers=headers), 401, "InvalidAuthenticationToken")
    mixed = CliRunner().invoke(app, ["token", "--admin", "--app", "--db", db_url])
    assert mixed.exit_code == 1 and "--admin issues a control-plane token" in mixed.output
