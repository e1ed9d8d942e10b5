"""The sign-in pages: plain HTML forms that work without JavaScript. Everything shown is escaped;
every form carries a CSRF token bound to a cookie (double submit, HMAC-signed)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from html import escape

from starlette.requests import Request

from calgraph.core.model import Mailbox

CSRF_COOKIE = "calgraph_csrf"
CSRF_SETTING = "signin_csrf_key"

STYLE = ("body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem}"
         "fieldset{border:1px solid #ccc;padding:1rem}label{display:block;margin:.4rem 0}"
         ".error{color:#a00}button{margin:.6rem .4rem 0 0}")


def csrf_key(request: Request) -> bytes:
    cached = getattr(request.app.state, "csrf_key", None)
    if cached is None:
        store = request.app.state.signin.store
        with store.unit_of_work(write=True) as uow:
            cached = uow.put_setting_if_absent(CSRF_SETTING, secrets.token_urlsafe(32)).encode()
        request.app.state.csrf_key = cached
    return cached


def csrf_pair(request: Request) -> tuple[str, str]:
    """(cookie value, form token): the browser's existing cookie is kept."""
    cookie = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    return cookie, hmac.new(csrf_key(request), cookie.encode(), hashlib.sha256).hexdigest()


def csrf_ok(request: Request, form: dict[str, str]) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    expected = hmac.new(csrf_key(request), cookie.encode(), hashlib.sha256).hexdigest()
    return bool(cookie) and hmac.compare_digest(expected, form.get("csrf", ""))


def csrf_cookie_header(cookie: str, secure: bool) -> dict[str, str]:
    flags = "; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")
    return {"Set-Cookie": f"{CSRF_COOKIE}={cookie}{flags}"}


def page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>")


def hidden(values: dict[str, str]) -> str:
    return "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in values.items())


def user_choices(users: list[Mailbox], chosen: str) -> str:
    rows = []
    for i, user in enumerate(users):
        checked = " checked" if user.address.lower() == chosen.lower() or (not chosen and i == 0) else ""
        rows.append(f'<label><input type="radio" name="user" value="{escape(user.address)}"{checked}> '
                    f"{escape(user.display_name)} &lt;{escape(user.address)}&gt;</label>")
    return "".join(rows) or "<p class=\"error\">This tenant has no users yet (calgraph users add …).</p>"


def message(title: str, text: str) -> str:
    return page(title, f"<p>{escape(text)}</p>")


def error_line(error: str) -> str:
    return f'<p class="error" role="alert">{escape(error)}</p>' if error else ""


def sign_in_form(action: str, app_name: str, permissions: list[str], users: list[Mailbox], params: dict[str, str],
                 csrf: str, chosen: str = "", error: str = "") -> str:
    asked = "".join(f"<li>{escape(p)}</li>" for p in permissions) or "<li>Sign you in</li>"
    body = (
        f"{error_line(error)}<p><strong>{escape(app_name)}</strong> asks to:</p><ul>{asked}</ul>"
        f'<form method="post" action="{escape(action)}">{hidden(params)}{hidden({"csrf": csrf})}'
        f"<fieldset><legend>Sign in as</legend>{user_choices(users, chosen)}"
        '<label>Password (if the user has one) <input type="password" name="password" autocomplete="off"></label>'
        "</fieldset>"
        '<button type="submit" name="consent" value="accept">Accept</button>'
        '<button type="submit" name="consent" value="deny">Cancel</button></form>'
    )
    return page("Sign in to calgraph", body)


def form_post(redirect_uri: str, values: dict[str, str]) -> str:
    """The answer of response_mode=form_post: a form to the app's redirect URI (sent by a click, or at once
    by the one-line script)."""
    body = (f'<form method="post" action="{escape(redirect_uri)}">{hidden(values)}'
            '<noscript><p>Script is disabled. Click Submit to continue.</p></noscript>'
            '<button type="submit">Submit</button></form><script>document.forms[0].submit()</script>')
    return page("Signing you in", body)


def device_form(action: str, users: list[Mailbox], csrf: str, code: str = "", chosen: str = "",
                error: str = "") -> str:
    body = (
        f"{error_line(error)}<p>Enter the code shown by the app, pick who signs in, and approve.</p>"
        f'<form method="post" action="{escape(action)}">{hidden({"csrf": csrf})}'
        f'<label>Code <input name="user_code" value="{escape(code)}" autocomplete="off" required></label>'
        f"<fieldset><legend>Sign in as</legend>{user_choices(users, chosen)}"
        '<label>Password (if the user has one) <input type="password" name="password" autocomplete="off"></label>'
        "</fieldset>"
        '<button type="submit" name="consent" value="accept">Approve</button>'
        '<button type="submit" name="consent" value="deny">Decline</button></form>'
    )
    return page("Device sign-in", body)
