"""GET / PATCH …/mailboxSettings (and GET of one member), GET …/outlook/supportedTimeZones(…) and
…/outlook/supportedLanguages, for /me and /users/{id | userPrincipalName}."""

from __future__ import annotations

from typing import Any

from calgraph.core.availability import settings as rules
from calgraph.core.availability.settings import AUDIENCES, DELEGATE_OPTIONS, REPLY_STATUSES, MailboxSettings
from calgraph.core.model import Mailbox
from calgraph.http import odata, render
from calgraph.http.availability_json import (
    Body,
    as_str,
    date_time_time_zone,
    literal_error,
    working_hours_changes,
    working_hours_json,
)
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply
from calgraph.services import mailbox_settings as service


def _owner(ctx: RequestContext) -> tuple[str, str | None]:
    assert ctx.address.owner is not None
    return ctx.address.owner.kind, ctx.address.owner.key


def _context(ctx: RequestContext, mailbox: Mailbox, member: str | None = None) -> str:
    tail = f"/{member}" if member else ""
    return f"{ctx.service_root}/$metadata#users('{mailbox.id}')/mailboxSettings{tail}"


def _members(ctx: RequestContext, mailbox: Mailbox, s: MailboxSettings) -> dict[str, Any]:
    view = render.View(ctx.address.version, ctx.prefs.timezone)
    replies = s.automatic_replies
    replies_json: dict[str, Any] = {"status": replies.status, "externalAudience": replies.external_audience}
    if replies.scheduled_start is not None and replies.scheduled_end is not None:
        replies_json["scheduledStartDateTime"] = render.date_time_time_zone(replies.scheduled_start, view)
        replies_json["scheduledEndDateTime"] = render.date_time_time_zone(replies.scheduled_end, view)
    replies_json.update(internalReplyMessage=replies.internal_reply, externalReplyMessage=replies.external_reply)
    return {
        "archiveFolder": None,
        "timeZone": s.time_zone,
        "automaticRepliesSetting": replies_json,
        "language": {"locale": s.locale, "displayName": rules.LANGUAGES.get(s.locale, s.locale)},
        "workingHours": working_hours_json(s.working_hours),
        "userPurpose": rules.user_purpose(mailbox),
        "dateFormat": s.date_format,
        "timeFormat": s.time_format,
        "delegateMeetingMessageDeliveryOptions": s.delegate_delivery,
    }


def get_settings(ctx: RequestContext) -> Reply:
    mailbox, s = service.get_settings(ctx.runtime, ctx.principal, *_owner(ctx))
    members = _members(ctx, mailbox, s)
    fields = odata.parse_select_only(ctx.options, set(members), type_name="microsoft.graph.mailboxSettings")
    if fields:
        members = {name: value for name, value in members.items() if name in fields}
    return Reply(200, {"@odata.context": _context(ctx, mailbox), **members})


def get_member(ctx: RequestContext) -> Reply:
    member = ctx.address.option
    assert member is not None
    mailbox, s = service.get_settings(ctx.runtime, ctx.principal, *_owner(ctx))
    value = _members(ctx, mailbox, s)[member]
    context = _context(ctx, mailbox, member)
    if isinstance(value, dict):
        return Reply(200, {"@odata.context": context, **value})
    return Reply(200, {"@odata.context": context, "value": value})


def _replies_changes(value: Any) -> dict[str, Any]:
    body = Body(value, "microsoft.graph.automaticRepliesSetting")
    changes: dict[str, Any] = {}
    if body.has("status"):
        changes["status"] = _enum(REPLY_STATUSES, body.get("status"), "microsoft.graph.automaticRepliesStatus")
    if body.has("externalAudience"):
        changes["external_audience"] = _enum(AUDIENCES, body.get("externalAudience"),
                                             "microsoft.graph.externalAudienceScope")
    for name, field in (("internalReplyMessage", "internal_reply"), ("externalReplyMessage", "external_reply")):
        if body.has(name):
            changes[field] = as_str(body.get(name) or "")
    for name, field in (("scheduledStartDateTime", "scheduled_start"), ("scheduledEndDateTime", "scheduled_end")):
        if body.has(name):
            changes[field] = date_time_time_zone(body.get(name), name)
    return changes


def _enum(members: tuple[str, ...], value: Any, type_name: str) -> str:
    return rules.enum_member(members, value, literal_error(value, type_name))


def settings_changes(body: Body) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in body.sent():
        value, lowered = body.data[name], name.lower()
        if lowered == "timezone":
            changes["time_zone"] = as_str(value)
        elif lowered == "workinghours":
            changes["working_hours"] = working_hours_changes(value)
        elif lowered == "automaticrepliessetting":
            changes["automatic_replies"] = _replies_changes(value)
        elif lowered == "language":
            locale = Body(value, "microsoft.graph.localeInfo").get("locale")
            if locale is not None:
                changes["locale"] = as_str(locale)
        elif lowered in ("dateformat", "timeformat"):
            changes["date_format" if lowered == "dateformat" else "time_format"] = as_str(value)
        elif lowered == "delegatemeetingmessagedeliveryoptions":
            changes["delegate_delivery"] = _enum(DELEGATE_OPTIONS, value,
                                                 "microsoft.graph.delegateMeetingMessageDeliveryOptions")
    return changes   # userPurpose, archiveFolder and unknown members: read-only or ignored


def patch_settings(ctx: RequestContext) -> Reply:
    body = Body(ctx.json())
    mailbox, s = service.update_settings(ctx.runtime, ctx.principal, *_owner(ctx), settings_changes(body))
    members = _members(ctx, mailbox, s)
    by_lower = {name.lower(): name for name in members}
    sent = [by_lower[n.lower()] for n in body.sent() if n.lower() in by_lower]
    return Reply(200, {"@odata.context": _context(ctx, mailbox), **{name: members[name] for name in sent}})


def supported_time_zones(ctx: RequestContext) -> Reply:
    standard = (ctx.address.option or "Windows").lower()
    if standard not in ("windows", "iana"):
        raise literal_error(ctx.address.option, "microsoft.graph.timeZoneStandard")
    zones = service.supported_time_zones(ctx.runtime, ctx.principal, *_owner(ctx), iana=standard == "iana")
    context = f"{ctx.service_root}/$metadata#Collection(microsoft.graph.timeZoneInformation)"
    return Reply(200, {"@odata.context": context,
                       "value": [{"alias": alias, "displayName": name} for alias, name in zones]})


def supported_languages(ctx: RequestContext) -> Reply:
    languages = service.supported_languages(ctx.runtime, ctx.principal, *_owner(ctx))
    context = f"{ctx.service_root}/$metadata#Collection(microsoft.graph.localeInfo)"
    return Reply(200, {"@odata.context": context,
                       "value": [{"locale": locale, "displayName": name} for locale, name in languages]})


ROUTES = {
    ("mailboxSettings", "GET"): get_settings,
    ("mailboxSettings", "PATCH"): patch_settings,
    ("mailboxSetting", "GET"): get_member,
    ("supportedTimeZones", "GET"): supported_time_zones,
    ("supportedLanguages", "GET"): supported_languages,
}
