"""GET/POST /{tenant}/oauth2/v2.0/authorize (authorization code + PKCE) and /devicelogin: the sign-in
pages. A user of the tenant is picked (their password asked when they have one) and consent given."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from calgraph.core.errors import GraphError
from calgraph.core.identity import redirects, scopes
from calgraph.core.identity.errors import SignInError
from calgraph.core.identity.model import AppRegistration
from calgraph.core.model import Mailbox
from calgraph.services import directory
from calgraph.services.signin import Tenant
from calgraph.signin import pages
from calgraph.signin.common import html_reply, origin, signin

AUTHORIZE_PARAMS = ("client_id", "response_type", "redirect_uri", "scope", "state", "response_mode",
                    "code_challenge", "code_challenge_method", "nonce", "login_hint", "prompt")


class PageError(Exception):
    """Shown on the page itself (the redirect URI cannot be trusted)."""


def _users(request: Request) -> list[Mailbox]:
    with signin(request).store.unit_of_work() as uow:
        return directory.list_users(uow)


def _app_and_redirect(request: Request, tenant: Tenant, params: dict[str, str]) -> AppRegistration:
    client_id = params.get("client_id", "").strip()
    with signin(request).store.unit_of_work() as uow:
        app = uow.get_app(client_id) if client_id else None
    if app is None:
        raise PageError(f"The application '{client_id}' is not registered in tenant '{tenant.segment}'.")
    uri = params.get("redirect_uri", "")
    if not redirects.matches(uri, app.redirect_uris):
        raise PageError(f"The redirect URI '{uri}' is not registered for the application '{app.name}'.")
    return app


def _redirect(params: dict[str, str], values: dict[str, str]) -> Response:
    """The answer to the app, on the channel it asked for (response_mode)."""
    values = {k: v for k, v in values.items() if v}
    if params.get("state"):
        values["state"] = params["state"]
    uri, mode = params["redirect_uri"], (params.get("response_mode") or "query").lower()
    if mode == "form_post":
        return html_reply(pages.form_post(uri, values))
    separator = "#" if mode == "fragment" else ("&" if "?" in uri else "?")
    return RedirectResponse(f"{uri}{separator}{urlencode(values)}", 302)


def _granted(tenant: Tenant, app: AppRegistration, params: dict[str, str]) -> list[str]:
    if params.get("response_type") != "code":
        raise SignInError("unsupported_response_type", 700054, "response_type must be 'code'.")
    asked = scopes.parse(params.get("scope", ""), tenant.segment)
    return list(scopes.delegated_scopes(asked, app.scopes))


def authorize(request: Request, values: dict[str, str]) -> Response:
    params = {k: values[k] for k in AUTHORIZE_PARAMS if k in values}
    try:
        tenant = signin(request).tenant(request.path_params["tenant"])
        app = _app_and_redirect(request, tenant, params)
    except PageError as error:
        return html_reply(pages.message("Sign-in error", str(error)), 400)
    except SignInError as error:
        return html_reply(pages.message("Sign-in error", error.description), 400)
    try:
        granted = _granted(tenant, app, params)
    except SignInError as error:   # the app is known and its redirect URI trusted: tell it there
        return _redirect(params, {"error": error.error, "error_description": error.description})
    if request.method == "GET":
        cookie, csrf = pages.csrf_pair(request)
        page = pages.sign_in_form(request.url.path, app.name, granted, _users(request), params, csrf,
                                  chosen=params.get("login_hint", ""))
        return html_reply(page, headers=pages.csrf_cookie_header(cookie, origin(request).startswith("https")))
    return _answer(request, tenant, app, granted, params, values)


def _answer(request: Request, tenant: Tenant, app: AppRegistration, granted: list[str],
            params: dict[str, str], form: dict[str, str]) -> Response:
    if not pages.csrf_ok(request, form):
        return html_reply(pages.message("Sign-in error", "The form expired or came from another site; "
                                                         "open the sign-in page again."), 400)
    if form.get("consent") != "accept":
        return _redirect(params, {"error": "access_denied",
                                  "error_description": "AADSTS65004: User declined to consent to access the app."})
    user, error = _chosen_user(request, form)
    if user is None:
        _, csrf = pages.csrf_pair(request)
        return html_reply(pages.sign_in_form(request.url.path, app.name, granted, _users(request), params, csrf,
                                             chosen=form.get("user", ""), error=error), 400)
    code = signin(request).issue_code(app, tenant, user, params)
    return _redirect(params, {"code": code, "session_state": tenant.id})


def _chosen_user(request: Request, form: dict[str, str]) -> tuple[Mailbox | None, str]:
    address = form.get("user", "").strip()
    with signin(request).store.unit_of_work() as uow:
        user = uow.get_mailbox(address) if address else None
    if user is None or user.kind != "user":
        return None, "Pick a user of this tenant."
    if not signin(request).check_password(user, form.get("password", "")):
        return None, "Wrong password for that user."
    return user, ""


def device_login(request: Request, form: dict[str, str]) -> Response:
    secure = origin(request).startswith("https")
    if request.method == "GET":
        cookie, csrf = pages.csrf_pair(request)
        return html_reply(pages.device_form(request.url.path, _users(request), csrf,
                                            code=request.query_params.get("code", "")),
                          headers=pages.csrf_cookie_header(cookie, secure))
    _, csrf = pages.csrf_pair(request)
    again = lambda error: html_reply(pages.device_form(  # noqa: E731
        request.url.path, _users(request), csrf, form.get("user_code", ""), form.get("user", ""), error), 400)
    if not pages.csrf_ok(request, form):
        return again("The form expired or came from another site; try again.")
    user, error = _chosen_user(request, form)
    if user is None:
        return again(error)
    approve = form.get("consent") == "accept"
    try:
        signin(request).answer_device_code(form.get("user_code", ""), user.address, approve)
    except GraphError as error:
        return again(error.message)
    done = "You are signed in; return to the app." if approve else "The sign-in was declined."
    return html_reply(pages.message("Device sign-in", done))


def logout(request: Request, _: dict[str, str]) -> Response:
    """The end-session endpoint: calgraph keeps no browser session, so there is nothing to end; it never
    redirects (an unchecked post_logout_redirect_uri would be an open redirect)."""
    return html_reply(pages.message("Signed out", "You have signed out. You can close this window."))
