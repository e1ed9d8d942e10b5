"""azure-identity (sync and aio) and MSAL, unmodified, signing in against a TLS calgraph subprocess,
then msgraph-sdk calling Graph with the credential. The explicit-authority recipe (`authority=`,
`disable_instance_discovery=True`, the CA file); the proxy recipe is in test_unchanged_app.py."""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import threading
from html.parser import HTMLParser

import httpx
import jwt
import msal
import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import (
    CertificateCredential,
    ClientSecretCredential,
    DeviceCodeCredential,
    InteractiveBrowserCredential,
    UsernamePasswordCredential,
)
from azure.identity import aio as identity_aio
from msgraph import GraphServiceClient

from tests.e2e.conftest import cli
from tests.e2e_signin.conftest import PASSWORD

GRAPH = "https://graph.microsoft.com/.default"
DELEGATED = ["https://graph.microsoft.com/Calendars.ReadWrite"]


def direct(signin) -> dict:
    """The keyword arguments of the explicit-authority recipe."""
    return {"authority": signin.server.origin, "disable_instance_discovery": True,
            "connection_verify": str(signin.ca_file)}


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


async def list_events(signin, credential, scopes: list[str], path_user: str | None = None) -> int:
    """msgraph-sdk with the credential, base URL pointed at calgraph; returns how many events it saw."""
    previous = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(signin.ca_file)    # httpx trusts calgraph's CA (README recipe)
    try:
        client = GraphServiceClient(credentials=credential, scopes=scopes)
    finally:
        if previous is None:
            del os.environ["SSL_CERT_FILE"]
        else:
            os.environ["SSL_CERT_FILE"] = previous
    client.request_adapter.base_url = f"{signin.server.origin}/v1.0"
    http = client.request_adapter._http_client
    try:
        if path_user:
            page = await client.users.by_user_id(path_user).events.get()
        else:
            page = await client.me.events.get()
        return len(page.value)
    finally:
        await http.aclose()


def test_client_secret_credential_sync_and_aio(signin):
    app = signin.secret_app
    sync = ClientSecretCredential(signin.tenant_id, app["clientId"], app["clientSecret"], **direct(signin))
    token = sync.get_token(GRAPH)
    assert claims(token.token)["roles"] == ["Calendars.ReadWrite"] and token.expires_on > 0
    assert asyncio.run(list_events(signin, sync, [GRAPH], "alice@contoso.com")) == 0

    async def aio() -> None:
        async with identity_aio.ClientSecretCredential(signin.tenant_id, app["clientId"], app["clientSecret"],
                                                       **direct(signin)) as credential:
            got = await credential.get_token(GRAPH)
            assert claims(got.token)["appid"] == app["clientId"]
            assert await list_events(signin, credential, [GRAPH], "alice@contoso.com") == 0
        async with identity_aio.ClientSecretCredential(signin.tenant_id, app["clientId"], "wrong",
                                                       **direct(signin)) as credential:
            with pytest.raises(ClientAuthenticationError, match=r"\(invalid_client\) AADSTS7000215"):
                await credential.get_token(GRAPH)
    asyncio.run(aio())

    wrong = ClientSecretCredential(signin.tenant_id, app["clientId"], "wrong", **direct(signin))
    with pytest.raises(ClientAuthenticationError, match=r"Authentication failed: AADSTS7000215"):
        wrong.get_token(GRAPH)
    unknown = ClientSecretCredential(signin.tenant_id, "6d1f6b9e-3c1f-4f7e-9a55-3a0f5a1f0c01", "x", **direct(signin))
    with pytest.raises(ClientAuthenticationError, match="AADSTS700016"):
        unknown.get_token(GRAPH)
    with pytest.raises(ClientAuthenticationError, match="AADSTS1002012"):
        sync.get_token("https://graph.microsoft.com/Calendars.Read")
    other_tenant = ClientSecretCredential("fabrikam.com", app["clientId"], app["clientSecret"], **direct(signin))
    with pytest.raises(ClientAuthenticationError):
        other_tenant.get_token(GRAPH)


def test_certificate_credential_sync_and_aio(signin):
    sync = CertificateCredential(signin.tenant_id, signin.cert_app, str(signin.cert_file), **direct(signin))
    c = claims(sync.get_token(GRAPH).token)
    assert c["appidacr"] == "2" and c["roles"] == ["Calendars.Read"]

    async def aio() -> None:
        async with identity_aio.CertificateCredential(signin.tenant_id, signin.cert_app, str(signin.cert_file),
                                                      **direct(signin)) as credential:
            assert claims((await credential.get_token(GRAPH)).token)["appidacr"] == "2"
            assert await list_events(signin, credential, [GRAPH], "alice@contoso.com") == 0
    asyncio.run(aio())
    # the certificate registered for another app does not sign this one in
    wrong = CertificateCredential(signin.tenant_id, signin.secret_app["clientId"], str(signin.cert_file),
                                  **direct(signin))
    with pytest.raises(ClientAuthenticationError, match="AADSTS700027"):
        wrong.get_token(GRAPH)


def test_msal_confidential_client(signin, monkeypatch):
    # requests lets REQUESTS_CA_BUNDLE win over a session's `verify`: trust calgraph's CA that way
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(signin.ca_file))
    app = msal.ConfidentialClientApplication(
        signin.secret_app["clientId"], client_credential=signin.secret_app["clientSecret"],
        authority=f"{signin.server.origin}/{signin.tenant_id}", instance_discovery=False)
    result = app.acquire_token_for_client(scopes=[GRAPH])
    assert "access_token" in result, result
    assert claims(result["access_token"])["idtyp"] == "app"
    again = app.acquire_token_for_client(scopes=[GRAPH])
    assert again["token_source"] == "cache"
    bad = msal.ConfidentialClientApplication(
        signin.secret_app["clientId"], client_credential="nope",
        authority=f"{signin.server.origin}/{signin.tenant_id}", instance_discovery=False)
    failed = bad.acquire_token_for_client(scopes=[GRAPH])
    assert failed["error"] == "invalid_client" and failed["error_codes"] == [7000215]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")   # ROPC is deprecated by Microsoft, still used
def test_msal_public_client_password_through_the_proxy(signin, monkeypatch):
    """MSAL asks the user realm on port 443 of the authority's host: through the proxy that is calgraph."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(signin.ca_file))
    proxies = {"https": signin.server.proxy}
    app = msal.PublicClientApplication(
        signin.public_app, authority=f"https://login.microsoftonline.com/{signin.tenant_id}",
        proxies=proxies)
    result = app.acquire_token_by_username_password("alice@contoso.com", PASSWORD, scopes=DELEGATED)
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == "alice@contoso.com"
    account = app.get_accounts()[0]
    assert account["username"] == "alice@contoso.com"
    refreshed = app.acquire_token_silent(["https://graph.microsoft.com/User.Read"], account=account)
    assert refreshed and claims(refreshed["access_token"])["scp"] == "User.Read"
    wrong = app.acquire_token_by_username_password("alice@contoso.com", "nope", scopes=DELEGATED)
    assert wrong["error"] == "invalid_grant" and 50126 in wrong["error_codes"]
    unknown = app.acquire_token_by_username_password("zed@contoso.com", "nope", scopes=DELEGATED)
    assert unknown["error"] == "invalid_grant" and 50034 in unknown["error_codes"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_username_password_credential(signin):
    credential = UsernamePasswordCredential(signin.public_app, "alice@contoso.com", PASSWORD,
                                            tenant_id="contoso.com", connection_verify=str(signin.ca_file),
                                            proxies={"https": signin.server.proxy})
    token = credential.get_token(*DELEGATED)
    assert claims(token.token)["upn"] == "alice@contoso.com"
    wrong = UsernamePasswordCredential(signin.public_app, "alice@contoso.com", "nope", tenant_id="contoso.com",
                                       connection_verify=str(signin.ca_file), proxies={"https": signin.server.proxy})
    with pytest.raises(ClientAuthenticationError, match="AADSTS50126"):
        wrong.get_token(*DELEGATED)


def test_device_code_credential_approved_with_the_cli(signin):
    seen: dict = {}

    def prompt(verification_uri: str, user_code: str, expires_on) -> None:
        seen.update(uri=verification_uri, code=user_code)
        threading.Thread(target=cli, args=(signin.db_url, "device", "approve", user_code, "--user",
                                           "alice@contoso.com"), daemon=True).start()

    credential = DeviceCodeCredential(signin.public_app, tenant_id=signin.tenant_id, prompt_callback=prompt,
                                      timeout=60, **direct(signin))
    assert asyncio.run(list_events(signin, credential, DELEGATED)) == 0
    assert seen["uri"] == f"{signin.server.origin}/devicelogin" and re.fullmatch(r"[A-Z0-9]{9}", seen["code"])


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action, self.fields = "", {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.action:
            self.action = a.get("action", "")
        elif tag == "input" and (a.get("type") != "radio" or "checked" in a):
            self.fields.setdefault(a.get("name"), a.get("value", ""))


def _form(html: str) -> _Form:
    parsed = _Form()
    parsed.feed(html)
    return parsed


def test_interactive_browser_credential(signin, monkeypatch):
    """The test is the browser: it opens the sign-in page, picks alice, types her password, consents, and
    follows the form post back to the credential's local redirect listener. No JavaScript involved."""
    errors: list[BaseException] = []

    def browse(url: str) -> None:
        try:
            with httpx.Client(verify=ssl.create_default_context(cafile=str(signin.ca_file))) as browser:
                page = browser.get(url)
                assert page.status_code == 200, page.text
                form = _form(page.text)
                target = httpx.URL(url).join(form.action)
                answer = browser.post(target, data={**form.fields, "user": "alice@contoso.com",
                                                    "password": PASSWORD, "consent": "accept"})
                assert answer.status_code == 200, answer.text
                back = _form(answer.text)
                assert back.action.startswith("http://localhost:"), back.action
                with httpx.Client() as local:     # the redirect listener is plain http on localhost
                    local.post(back.action, data=back.fields)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    def open_browser(url: str, *args, **kwargs) -> bool:
        threading.Thread(target=browse, args=(url,), daemon=True).start()
        return True

    monkeypatch.setattr("webbrowser.open", open_browser)
    credential = InteractiveBrowserCredential(client_id=signin.public_app, tenant_id=signin.tenant_id, timeout=60,
                                              **direct(signin))
    token = credential.get_token(*DELEGATED)
    assert not errors, errors
    c = claims(token.token)
    assert c["upn"] == "alice@contoso.com" and c["scp"] == "Calendars.ReadWrite"
