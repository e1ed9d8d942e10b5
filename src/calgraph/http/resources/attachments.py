"""…/events/{id}/attachments (every event route form, occurrences too) and …/messages/{id}/attachments:
list, get, add, delete, `{id}/$value`, and `createUploadSession` (its upload URL: calgraph.http.uploads)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from calgraph.core import attachments as rules
from calgraph.core.errors import InvalidRequest
from calgraph.core.model import Attachment
from calgraph.http import item_content, odata, render
from calgraph.http.bodies import Name, GraphInput, parse
from calgraph.http.collections import owner_segment
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply, dumps, no_content
from calgraph.http.resources.extensions import ref
from calgraph.services import attachments as service
from calgraph.services.item_extras import Item

TYPES = {"file": "#microsoft.graph.fileAttachment", "item": "#microsoft.graph.itemAttachment",
         "reference": "#microsoft.graph.referenceAttachment"}
_KINDS = {**{name.lower().removeprefix("#").removeprefix("microsoft.graph."): kind for kind, name in TYPES.items()},
          **{kind: kind for kind in TYPES}}   # attachmentType, in an upload session's AttachmentItem
ITEM_EXPAND = "microsoft.graph.itemattachment/item"
REFERENCE_FIELDS = ("sourceUrl", "providerType", "permission", "isFolder", "thumbnailUrl", "previewUrl")
UPLOAD_PATH = "/upload/attachmentSessions/{}"


def attachment_json(a: Attachment, content: bytes | None = None, with_item: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"@odata.type": TYPES[a.kind]}
    if a.kind == "file":
        out["@odata.mediaContentType"] = a.content_type
    out.update({
        "id": a.id, "lastModifiedDateTime": render.format_instant_seconds(a.last_modified), "name": a.name,
        "contentType": a.content_type if a.kind != "item" else None, "size": a.size, "isInline": a.is_inline,
    })
    if a.kind == "file":
        out.update(contentId=a.content_id, contentLocation=None,
                   contentBytes=None if content is None else base64.b64encode(content).decode())
    if a.kind == "reference":
        out.update({k: v for k, v in (a.reference or {}).items() if k in REFERENCE_FIELDS})
    if a.kind == "item" and with_item:
        out["item"] = a.item
    return out


def _with_content(ctx: RequestContext, a: Attachment, with_item: bool = False) -> dict[str, Any]:
    small = a.kind == "file" and a.size <= rules.INLINE_MAX   # bigger ones: read them with $value
    return attachment_json(a, service.content_of(ctx.runtime, a) if small else None, with_item)


def expanded(ctx: RequestContext, item: Item) -> list[dict[str, Any]]:
    """`$expand=attachments` on an item the caller has read."""
    if not getattr(item, "has_attachments", False):
        return []
    return [_with_content(ctx, a) for a in service.attachments_of(ctx.runtime, item)]


def _context(ctx: RequestContext, result: service.Attachments, entity: bool) -> str:
    kind = "events" if ctx.address.message is None else "messages"
    return render.context_url(ctx.service_root, owner_segment(result.mailbox),
                              f"{kind}('{result.item.id}')/attachments", None, entity=entity)


def _attachment_id(ctx: RequestContext) -> str:
    assert ctx.address.attachment is not None
    return ctx.address.attachment


def _wants_item(ctx: RequestContext) -> bool:
    expand = odata.split_top_level(ctx.options.get("$expand", ""))
    unknown = [e for e in expand if e.lower() != ITEM_EXPAND]
    if unknown:
        raise InvalidRequest(f"'{unknown[0]}' cannot be expanded on an attachment.")
    return bool(expand)


def list_attachments(ctx: RequestContext) -> Reply:
    with_item = _wants_item(ctx)
    result = service.list_attachments(ctx.runtime, ctx.principal, ref(ctx))
    return Reply(200, {"@odata.context": _context(ctx, result, False),
                       "value": [_with_content(ctx, a, with_item) for a in result.attachments]})


def get_attachment(ctx: RequestContext) -> Reply:
    with_item = _wants_item(ctx)
    result = service.get_attachment(ctx.runtime, ctx.principal, ref(ctx), _attachment_id(ctx))
    return Reply(200, {"@odata.context": _context(ctx, result, True),
                       **_with_content(ctx, result.attachments[0], with_item)})


def get_value(ctx: RequestContext) -> Reply:
    attachment, chunks = service.read_bytes(ctx.runtime, ctx.principal, ref(ctx), _attachment_id(ctx))
    if attachment.kind == "item":   # made from the attached item: iCalendar or MIME
        content_type, content = item_content.render(attachment.item or {}, attachment.last_modified)
        return Reply(200, headers={"Content-Type": content_type, "Content-Length": str(len(content))},
                     stream=iter([content]))
    headers = {"Content-Type": attachment.content_type or "application/octet-stream",
               "Content-Length": str(attachment.size)}
    return Reply(200, headers=headers, stream=chunks)


class AttachmentInput(GraphInput):
    name: Name | None = None
    content_type: str | None = None
    content_bytes: str | None = None
    is_inline: bool | None = None
    content_id: str | None = None
    size: int | None = None
    item: dict[str, Any] | None = None


def _kind(body: dict[str, Any], key: str = "@odata.type") -> str:
    given = next((v for k, v in body.items() if k.lower() == key.lower()), None)
    if given is None:
        return "file"
    kind = _KINDS.get(str(given).lower().removeprefix("#").removeprefix("microsoft.graph."))
    if kind is None:
        raise InvalidRequest(f"'{given}' is not an attachment type: fileAttachment, itemAttachment or "
                             "referenceAttachment.")
    return kind


def _fields(kind: str, inp: AttachmentInput, raw: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {"kind": kind, "name": inp.name, "is_inline": bool(inp.is_inline),
                              "content_id": inp.content_id}
    if inp.content_type:
        fields["content_type"] = inp.content_type
    if kind == "item":
        if not isinstance(inp.item, dict):
            raise InvalidRequest("An itemAttachment needs the attached item (an event or a message).")
        fields.update(item=inp.item, content_type="application/octet-stream",
                      size=len(dumps(inp.item).encode()))
    if kind == "reference":
        reference = {k: v for k, v in raw.items() if k in REFERENCE_FIELDS}
        if not reference.get("sourceUrl"):
            raise InvalidRequest("A referenceAttachment needs its sourceUrl.")
        fields.update(reference=reference, size=0)
    return fields


def add_attachment(ctx: RequestContext) -> Reply:
    raw = ctx.json()
    kind = _kind(raw)
    inp = parse(AttachmentInput, raw)
    content = b""
    if kind == "file":
        if inp.content_bytes is None:
            raise InvalidRequest("A fileAttachment needs its contentBytes.")
        try:
            content = base64.b64decode(inp.content_bytes, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidRequest("contentBytes is not valid base64.") from None
        rules.check_inline_size(len(content))
    result = service.add_attachment(ctx.runtime, ctx.principal, ref(ctx), _fields(kind, inp, raw), content)
    made = result.attachments[0]
    return Reply(201, {"@odata.context": _context(ctx, result, True),
                       **attachment_json(made, content if kind == "file" else None)})


def delete_attachment(ctx: RequestContext) -> Reply:
    service.delete_attachment(ctx.runtime, ctx.principal, ref(ctx), _attachment_id(ctx))
    return no_content()


class UploadInput(GraphInput):
    attachment_item: dict[str, Any] | None = None


def create_upload_session(ctx: RequestContext) -> Reply:
    spec = parse(UploadInput, ctx.json()).attachment_item
    if not isinstance(spec, dict):
        raise InvalidRequest("The AttachmentItem parameter is required.")
    kind = _kind(spec, "attachmentType")
    inp = parse(AttachmentInput, spec)
    fields = {**_fields(kind, inp, spec), "size": inp.size}
    made = service.create_upload_session(ctx.runtime, ctx.principal, ref(ctx), fields)
    url = ctx.base_url + UPLOAD_PATH.format(made.session.id) + f"?authtoken={made.secret}"
    return Reply(201, {
        "@odata.context": f"{ctx.service_root}/$metadata#microsoft.graph.uploadSession",
        "uploadUrl": url,
        "expirationDateTime": render.format_instant(made.session.expires),
        "nextExpectedRanges": rules.next_expected(0, made.session.attachment.size),
    })


ROUTES = {
    (f"{item}{suffix}", method): handler
    for item in ("event", "message")
    for suffix, method, handler in (
        ("Attachments", "GET", list_attachments),
        ("Attachments", "POST", add_attachment),
        ("Attachment", "GET", get_attachment),
        ("Attachment", "DELETE", delete_attachment),
        ("AttachmentValue", "GET", get_value),
        ("UploadSession", "POST", create_upload_session),
    )
}
