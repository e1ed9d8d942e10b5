"""/me, /users, /users/{id | userPrincipalName}, /groups, /groups/{id}, /groups/{id}/members."""

from __future__ import annotations

from typing import Any

from calgraph.core.datetimes import format_instant_seconds
from calgraph.core.model import Mailbox
from calgraph.http import odata, render
from calgraph.http.collections import collection, entity, in_memory_page
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply
from calgraph.services import people
from calgraph.store.interface import MAILBOX_PROPERTIES

USER_FIELDS = frozenset({
    "id", "displayName", "givenName", "surname", "userPrincipalName", "mail", "jobTitle", "mobilePhone",
    "officeLocation", "preferredLanguage", "businessPhones",
})
GROUP_FIELDS = frozenset({
    "id", "displayName", "description", "mail", "mailEnabled", "mailNickname", "securityEnabled",
    "groupTypes", "visibility", "createdDateTime",
})


def user_json(user: Mailbox) -> dict[str, Any]:
    given, _, surname = user.display_name.partition(" ")
    return {
        "@odata.type": "#microsoft.graph.user",
        "id": user.id,
        "businessPhones": [],
        "displayName": user.display_name,
        "givenName": given or None,
        "jobTitle": None,
        "mail": user.address,
        "mobilePhone": None,
        "officeLocation": None,
        "preferredLanguage": None,
        "surname": surname or None,
        "userPrincipalName": user.address,
    }


def group_json(group: Mailbox) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.group",
        "id": group.id,
        "createdDateTime": format_instant_seconds(group.created),
        "description": group.description or None,
        "displayName": group.display_name,
        "groupTypes": ["Unified"],
        "mail": group.address,
        "mailEnabled": True,
        "mailNickname": group.address.split("@")[0],
        "securityEnabled": False,
        "visibility": "Public",
    }


_RENDER = {"user": user_json, "group": group_json}
_FIELDS = {"user": USER_FIELDS, "group": GROUP_FIELDS}


def get_one(ctx: RequestContext) -> Reply:
    kind = ctx.address.kind
    fields = odata.parse_select_only(ctx.options, _FIELDS[kind], type_name=f"microsoft.graph.{kind}")
    assert ctx.address.owner is not None
    mailbox = people.get_mailbox(ctx.runtime, ctx.principal, ctx.address.owner.kind, ctx.address.owner.key)
    context = render.context_url(ctx.service_root, "", f"{kind}s", fields, entity=True)
    return entity(_RENDER[kind](mailbox), context, fields)


def list_all(ctx: RequestContext) -> Reply:
    kind = ctx.address.kind[:-1]
    options = odata.parse_list_options(ctx.options, MAILBOX_PROPERTIES, _FIELDS[kind], type_name=f"microsoft.graph.{kind}")
    page = people.list_mailboxes(ctx.runtime, kind, options.query)
    context = render.context_url(ctx.service_root, "", f"{kind}s", options.select)
    return collection(ctx, page, options, context, _RENDER[kind])


def list_members(ctx: RequestContext) -> Reply:
    options = odata.parse_list_options(ctx.options, MAILBOX_PROPERTIES, USER_FIELDS, type_name="microsoft.graph.user")
    assert ctx.address.owner is not None and ctx.address.owner.key is not None
    _, members = people.list_members(ctx.runtime, ctx.principal, ctx.address.owner.key)
    context = render.context_url(ctx.service_root, "", "directoryObjects", options.select)
    return collection(ctx, in_memory_page(members, options.query, user_json), options, context, user_json)


ROUTES = {
    ("user", "GET"): get_one,
    ("group", "GET"): get_one,
    ("users", "GET"): list_all,
    ("groups", "GET"): list_all,
    ("groupMembers", "GET"): list_members,
}
