"""/mailFolders, /mailFolders/{id | well-known name}/messages, /messages, /messages/{id}."""

from __future__ import annotations

from typing import Any

from calgraph.core import body as bodies
from calgraph.core.model import Event, ItemBody, Message
from calgraph.http import item_extras, odata, render
from calgraph.http.bodies import MessageInput, parse
from calgraph.http.collections import collection, entity, in_memory_page, owner_segment
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply, no_content
from calgraph.http.resources import attachments as attachment_resource
from calgraph.services import mail
from calgraph.store.interface import MESSAGE_PROPERTIES

MESSAGE = "microsoft.graph.message"
# the event of a meeting message; Graph names it with the type cast, `event` alone is accepted too
EVENT_EXPANSIONS = frozenset({"microsoft.graph.eventMessage/event", "event"})
EXPANDABLE = EVENT_EXPANSIONS | {"attachments", *item_extras.NAMES}
FOLDER = "microsoft.graph.mailFolder"
FOLDER_PROPERTIES = {
    "id": str, "displayName": str, "parentFolderId": str, "childFolderCount": int, "unreadItemCount": int,
    "totalItemCount": int, "isHidden": bool,
}
FOLDER_FIELDS = frozenset({
    "id", "displayName", "parentFolderId", "childFolderCount", "unreadItemCount", "totalItemCount", "isHidden",
})
MESSAGE_FIELDS = frozenset({
    "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "receivedDateTime",
    "sentDateTime", "hasAttachments", "internetMessageId", "subject", "bodyPreview", "importance",
    "parentFolderId", "conversationId", "conversationIndex", "isDeliveryReceiptRequested",
    "isReadReceiptRequested", "isRead",
    "isDraft", "webLink", "inferenceClassification", "body", "sender", "from", "toRecipients",
    "ccRecipients", "bccRecipients", "replyTo", "flag", "meetingMessageType", "startDateTime", "endDateTime",
    "location", "isAllDay", "isOutOfDate", "isDelegated", "recurrence", "type", "responseType",
    "proposedNewTime", "allowNewTimeProposals", "meetingRequestType", "previousStartDateTime",
    "previousEndDateTime", "previousLocation", "responseRequested",
})


def folder_json(info: mail.FolderInfo) -> dict[str, Any]:
    return {
        "id": info.folder.id,
        "displayName": info.folder.display_name,
        "parentFolderId": info.folder.mailbox_id,
        "childFolderCount": 0,
        "unreadItemCount": info.unread,
        "totalItemCount": info.total,
        "isHidden": False,
    }


def _owner(ctx: RequestContext) -> tuple[Any, ...]:
    assert ctx.address.owner is not None
    return ctx.runtime, ctx.principal, ctx.address.owner.kind, ctx.address.owner.key


def _view(ctx: RequestContext) -> render.View:
    return render.View(ctx.address.version, ctx.prefs.timezone, ctx.prefs.body_content_type)


def list_folders(ctx: RequestContext) -> Reply:
    options = odata.parse_list_options(ctx.options, FOLDER_PROPERTIES, FOLDER_FIELDS, type_name=FOLDER)
    result = mail.list_folders(*_owner(ctx))
    context = render.context_url(ctx.service_root, owner_segment(result.mailbox), "mailFolders", options.select)
    return collection(ctx, in_memory_page(result.folders, options.query, folder_json), options, context, folder_json)


def get_folder(ctx: RequestContext) -> Reply:
    fields = odata.parse_select_only(ctx.options, FOLDER_FIELDS, type_name=FOLDER)
    assert ctx.address.mail_folder is not None
    mailbox, info = mail.get_folder(*_owner(ctx), ctx.address.mail_folder)
    context = render.context_url(ctx.service_root, owner_segment(mailbox), "mailFolders", fields, entity=True)
    return entity(folder_json(info), context, fields)


def list_messages(ctx: RequestContext) -> Reply:
    options = odata.parse_list_options(ctx.options, MESSAGE_PROPERTIES, MESSAGE_FIELDS, type_name=MESSAGE,
                                       expandable=EXPANDABLE)
    result = mail.list_messages(*_owner(ctx), ctx.address.mail_folder, options.query,
                                with_events=bool(EVENT_EXPANSIONS & set(options.expand)))
    path = f"mailFolders('{ctx.address.mail_folder}')/messages" if ctx.address.mail_folder else "messages"
    context = render.context_url(ctx.service_root, owner_segment(result.mailbox), path, options.select)
    view = _view(ctx)

    def to_json(item: Message | Event) -> dict[str, Any]:
        if isinstance(item, Event):  # a calendar item in Deleted Items
            return {"@odata.type": "#microsoft.graph.event", **render.event(item, view),
                    "parentFolderId": item.mail_folder_id}
        return _with_event(ctx, result.mailbox, item, result.events, options.expand, view)

    page = result.page if result.everything is None else in_memory_page(result.everything, options.query, to_json)
    return collection(ctx, page, options, context, to_json)


def get_message(ctx: RequestContext) -> Reply:
    fields = odata.parse_select_only(ctx.options, MESSAGE_FIELDS, type_name=MESSAGE, expandable=EXPANDABLE)
    expand = odata.parse_list_options(ctx.options, {}, MESSAGE_FIELDS, type_name=MESSAGE,
                                      expandable=EXPANDABLE).expand
    assert ctx.address.message is not None
    result = mail.get_message(*_owner(ctx), ctx.address.mail_folder, ctx.address.message,
                              with_events=bool(EVENT_EXPANSIONS & set(expand)))
    return _entity(ctx, result, fields and (*fields, *expand), expand=expand)


def _with_event(ctx: RequestContext, mailbox: Any, message: Message, events: dict[str, Event],
                expand: tuple[str, ...], view: render.View) -> dict[str, Any]:
    """`$expand=microsoft.graph.eventMessage/event`: a meeting message's event (the recipient's copy)."""
    out = render.message(message, view)
    if "attachments" in expand:
        out["attachments"] = attachment_resource.expanded(ctx, message)
    out.update(item_extras.expanded(message, item_extras.expand_filters(ctx.options)))
    if EVENT_EXPANSIONS & set(expand) and message.kind != "message":
        event = events.get(message.event_id or "")
        out["event@odata.context"] = render.context_url(
            ctx.service_root, owner_segment(mailbox),
            f"messages('{message.id}')/microsoft.graph.eventMessage/event", entity=True)
        out["event"] = None if event is None else render.event(event, view)
    return out


def create_message(ctx: RequestContext) -> Reply:
    values = _values(parse(MessageInput, ctx.json()))
    result = mail.create_message(*_owner(ctx), ctx.address.mail_folder, values)
    return _entity(ctx, result, None, status=201)


def update_message(ctx: RequestContext) -> Reply:
    values = _values(parse(MessageInput, ctx.json()))
    assert ctx.address.message is not None
    result = mail.update_message(*_owner(ctx), ctx.address.mail_folder, ctx.address.message, values)
    return _entity(ctx, result, None)


def delete_message(ctx: RequestContext) -> Reply:
    assert ctx.address.message is not None
    mail.delete_message(*_owner(ctx), ctx.address.mail_folder, ctx.address.message)
    return no_content()


def _values(inp: MessageInput) -> dict[str, Any]:
    values: dict[str, Any] = inp.extras()
    for name in inp.model_fields_set - values.keys() - {"extensions", "single_value_properties",
                                                         "multi_value_properties"}:
        value = getattr(inp, name)
        if value is None:
            continue
        if name == "body":
            kind = bodies.normalise_content_type(value.content_type) if value.content_type else "text"
            value = ItemBody("html", bodies.to_html(value.content or "", kind))
        elif name in ("to_recipients", "cc_recipients"):
            value = tuple(r.to_domain() for r in value)
        values[name] = value
    return values


def _entity(ctx: RequestContext, result: mail.OneMessage, fields: tuple[str, ...] | None,
            status: int = 200, expand: tuple[str, ...] = ()) -> Reply:
    context = render.context_url(ctx.service_root, owner_segment(result.mailbox), "messages", fields, entity=True)
    body = _with_event(ctx, result.mailbox, result.message, result.events, expand, _view(ctx))
    return entity(body, context, fields, status)


ROUTES = {
    ("mailFolders", "GET"): list_folders,
    ("mailFolder", "GET"): get_folder,
    ("messages", "GET"): list_messages,
    ("messages", "POST"): create_message,
    ("message", "GET"): get_message,
    ("message", "PATCH"): update_message,
    ("message", "DELETE"): delete_message,
}
