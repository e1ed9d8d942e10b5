"""The sign-in pages, driven as a browser without JavaScript would: authorize (code + PKCE) and
/devicelogin. CSRF, escaping, every answer channel, and the code's single use."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import jwt

from tests.signin.conftest import PASSWORD, assert_aad_error

VERIFIER = "x" * 43 + "-verifier"
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
REDIRECT = "http://localhost:8400"


class Forms(HTMLParser):
    """The forms of a page: action, method and the values a browser would submit by default."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "method": a.get("method"), "fields": {}})
        elif tag == "input" and self.forms:
            if a.get("type") == "radio" and "checked" not in a:
                return
            self.forms[-1]["fields"].setdefault(a.get("name"), a.get("value", ""))


def form_of(html: str) -> dict:
    parser = Forms()
    parser.feed(html)
    assert parser.forms, html
    return parser.forms[0]


def authorize_params(ident, **overrides):
    return {"client_id": ident.public_app.app.client_id, "response_type": "code", "redirect_uri": REDIRECT,
            "scope": "https://graph.microsoft.com/Calendars.ReadWrite offline_access openid profile",
            "state": "st<ate>", "response_mode": "form_post", "code_challenge": CHALLENGE,
            "code_challenge_method": "S256", "nonce": "n0nce", "client_info": "1", "prompt": "select_account",
            **overrides}


def sign_in(ident, params, user="alice@contoso.com", password=PASSWORD, consent="accept"):
    page = ident.client.get(f"/{ident.tenant_id}/oauth2/v2.0/authorize", params=params)
    assert page.status_code == 200, page.text
    form = form_of(page.text)
    fields = {**form["fields"], "user": user, "password": password, "consent": consent}
    return page, ident.client.post(form["action"], data=fields, follow_redirects=False)


def test_code_flow_with_pkce_form_post(ident):
    page, answer = sign_in(ident, authorize_params(ident))
    assert "Public &lt;app&gt;" in page.text and "<app>" not in page.text          # escaped
    assert "Alice &lt;Adams&gt;" in page.text and "Calendars.ReadWrite" in page.text
    assert "calgraph_csrf=" in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
    assert answer.status_code == 200, answer.text
    posted = form_of(answer.text)
    assert posted["action"] == REDIRECT and posted["method"] == "post"
    assert posted["fields"]["state"] == "st<ate>" and posted["fields"]["session_state"] == ident.tenant_id
    code = posted["fields"]["code"]
    form = {"client_id": ident.public_app.app.client_id, "grant_type": "authorization_code", "client_info": "1",
            "code_verifier": VERIFIER, "code": code, "redirect_uri": REDIRECT,
            "scope": "https://graph.microsoft.com/Calendars.ReadWrite offline_access openid profile"}
    r = ident.token(**form)
    assert r.status_code == 200, r.text
    body = r.json()
    assert jwt.decode(body["id_token"], options={"verify_signature": False})["nonce"] == "n0nce"
    assert body["scope"].startswith("https://graph.microsoft.com/Calendars.ReadWrite")
    assert ident.graph(body["access_token"]).status_code == 200
    assert_aad_error(ident.token(**form), 400, "invalid_grant", 54005)


def test_code_errors(ident):
    def fresh_code():
        _, answer = sign_in(ident, authorize_params(ident, response_mode="query"))
        assert answer.status_code == 302
        location = urlsplit(answer.headers["location"])
        assert f"{location.scheme}://{location.netloc}" == REDIRECT
        query = parse_qs(location.query)
        assert query["state"] == ["st<ate>"]
        return query["code"][0]
    form = {"client_id": ident.public_app.app.client_id, "grant_type": "authorization_code",
            "code_verifier": VERIFIER, "redirect_uri": REDIRECT}
    assert_aad_error(ident.token(**form, code=fresh_code() + "x"), 400, "invalid_grant", 9002313)
    assert_aad_error(ident.token(**{**form, "code_verifier": "wrong" * 9}, code=fresh_code()),
                     400, "invalid_grant", 501481)
    assert_aad_error(ident.token(**{**form, "redirect_uri": "http://localhost:9000/other"}, code=fresh_code()),
                     400, "invalid_grant", 50011)
    other = {**form, "client_id": ident.secret_app.app.client_id, "client_secret": ident.secret_app.secret}
    assert_aad_error(ident.token(**other, code=fresh_code()), 400, "invalid_grant", 9002313)


def test_authorize_rejections(ident):
    url = f"/{ident.tenant_id}/oauth2/v2.0/authorize"
    # an unregistered redirect URI or unknown app: shown on the page, never redirected to
    for params in (authorize_params(ident, redirect_uri="https://evil.example/<x>"),
                   authorize_params(ident, client_id="<script>alert(1)</script>")):
        r = ident.client.get(url, params=params, follow_redirects=False)
        assert r.status_code == 400 and "<script>" not in r.text and "&lt;" in r.text
    r = ident.client.get("/nowhere.example/oauth2/v2.0/authorize", params=authorize_params(ident))
    assert r.status_code == 400 and "AADSTS90002" in r.text
    # a bad scope goes back to the app, on its channel
    r = ident.client.get(url, params=authorize_params(ident, scope="Mail.Bogus", response_mode="query"),
                         follow_redirects=False)
    assert r.status_code == 302 and parse_qs(urlsplit(r.headers["location"]).query)["error"] == ["invalid_scope"]
    r = ident.client.get(url, params=authorize_params(ident, response_type="token", response_mode="fragment"),
                         follow_redirects=False)
    assert r.status_code == 302 and "#" in r.headers["location"] and "unsupported_response_type" in r.headers["location"]
    # declining consent
    _, answer = sign_in(ident, authorize_params(ident, response_mode="query"), consent="deny")
    assert parse_qs(urlsplit(answer.headers["location"]).query)["error"] == ["access_denied"]
    # wrong password, unknown user: the page again, with the reason
    _, answer = sign_in(ident, authorize_params(ident), password="nope")
    assert answer.status_code == 400 and "Wrong password" in answer.text and "code" not in form_of(answer.text)["fields"]
    _, answer = sign_in(ident, authorize_params(ident), user="<b>zed</b>@contoso.com")
    assert answer.status_code == 400 and "Pick a user" in answer.text and "<b>zed" not in answer.text
    # bob has no password: the pick alone signs him in
    _, answer = sign_in(ident, authorize_params(ident), user="bob@contoso.com", password="")
    assert "code" in form_of(answer.text)["fields"]


def test_csrf(ident):
    page = ident.client.get(f"/{ident.tenant_id}/oauth2/v2.0/authorize", params=authorize_params(ident))
    form = form_of(page.text)
    fields = {**form["fields"], "user": "alice@contoso.com", "password": PASSWORD, "consent": "accept"}
    forged = {**fields, "csrf": "0" * 64}
    r = ident.client.post(form["action"], data=forged, follow_redirects=False)
    assert r.status_code == 400 and "another site" in r.text
    ident.client.cookies.clear()          # a cross-site post carries no cookie (SameSite=Strict)
    r = ident.client.post(form["action"], data=fields, follow_redirects=False)
    assert r.status_code == 400 and "another site" in r.text


def test_device_login_page(ident):
    cid = ident.public_app.app.client_id
    start = ident.client.post(f"/{ident.tenant_id}/oauth2/v2.0/devicecode",
                              data={"client_id": cid, "scope": "Calendars.ReadWrite openid"}).json()
    page = ident.client.get("/devicelogin")
    assert page.status_code == 200 and "Device sign-in" in page.text
    form = form_of(page.text)
    base = {**form["fields"], "user": "alice@contoso.com", "password": PASSWORD, "consent": "accept"}
    r = ident.client.post("/devicelogin", data={**base, "user_code": "NOPE<>"})
    assert r.status_code == 400 and "NOPE&lt;&gt;" in r.text and "NOPE<>" not in r.text
    r = ident.client.post("/devicelogin", data={**base, "user_code": start["user_code"], "password": "bad"})
    assert r.status_code == 400 and "Wrong password" in r.text
    r = ident.client.post("/devicelogin", data={**base, "user_code": start["user_code"], "csrf": "1" * 64})
    assert r.status_code == 400
    r = ident.client.post("/devicelogin", data={**base, "user_code": start["user_code"]})
    assert r.status_code == 200 and "signed in" in r.text
    poll = ident.token(client_id=cid, grant_type="urn:ietf:params:oauth:grant-type:device_code",
                       device_code=start["device_code"])
    assert poll.status_code == 200 and "access_token" in poll.json()
    r = ident.client.post("/devicelogin", data={**base, "user_code": start["user_code"]})
    assert r.status_code == 400 and "already answered" in r.text


def test_pages_send_protective_headers(ident):
    page = ident.client.get("/devicelogin")
    assert page.headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in page.headers[
        "content-security-policy"]
    assert re.search(r"no-store", page.headers["cache-control"])
