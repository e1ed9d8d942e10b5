"""POST /v1.0/$batch and /beta/$batch: JSON batching (up to 20 requests, `dependsOn`, 424 for a failed
dependency). Each item runs with the batch's token as if sent alone (an item's own Authorization header is
ignored), errors included; no atomicity. Items run one after the other in array order.

Item URLs: relative, with or without a leading `/`; an absolute URL on this server's own base and version
(what msgraph-sdk's BatchRequestContent sends) is reduced to its relative path. Bodies: a JSON object, or a
base64 string (the SDK sends `{}` as "e30="). `depends_on` (the SDK's spelling) is ignored, as Graph does."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Callable
from urllib.parse import urlsplit

from starlette.datastructures import Headers

from calgraph.core.errors import BadRequest, GraphError
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply, encode_body

MAX_REQUESTS = 20
WRITES = ("POST", "PATCH", "PUT")
JSON_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
SubRequest = Callable[[RequestContext, str, str, bytes, Headers, bytes], Reply]


class FailedDependency(GraphError):
    status, code = 424, "FailedDependency"


class ItemError(GraphError):
    status, code = 400, "BadRequest"


def run(ctx: RequestContext, send: SubRequest) -> Reply:
    items = _parse(ctx.raw_body)
    statuses: dict[str, int] = {}
    responses = []
    for item in items:
        key = item["id"].lower()
        failed = next((d for d in item.get("dependsOn") or [] if not 200 <= statuses[d.lower()] < 300), None)
        if failed is not None:
            reply = Reply(424, {"error": {"code": "FailedDependency",
                                          "message": f"The request depends on request '{failed}', which failed."}})
        else:
            reply = _one(ctx, item, send)
        statuses[key] = reply.status
        responses.append(_response(item["id"], reply))
    return Reply(200, {"responses": responses})


def _parse(raw: bytes) -> list[dict[str, Any]]:
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("Invalid batch payload format.") from None
    requests = payload.get("requests") if isinstance(payload, dict) else None
    if not isinstance(requests, list) or not requests:
        raise BadRequest("Invalid batch payload format.")
    if len(requests) > MAX_REQUESTS:
        raise BadRequest(f"The number of requests in the batch ({len(requests)}) exceeds the limit of {MAX_REQUESTS}.")
    seen: set[str] = set()
    for item in requests:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item.get(k) for k in ("id", "method", "url")):
            raise BadRequest("Invalid batch payload format.")
        headers = item.get("headers")
        if headers is not None and (not isinstance(headers, dict) or
                                    not all(isinstance(v, str) for v in headers.values())):
            raise BadRequest("Invalid batch payload format.")
        key = item["id"].lower()
        if key in seen:
            raise BadRequest(f"Request Id {item['id']} has to be unique in a batch.")
        if item["method"].upper() in WRITES and (not _content_type(item) or item.get("body") is None):
            raise BadRequest(f"Write request id : {item['id']} does not contain Content-Type header or body.")
        depends = item.get("dependsOn")
        if depends is not None and (not isinstance(depends, list)
                                    or not all(isinstance(d, str) and d.lower() in seen for d in depends)):
            raise BadRequest(f"Invalid dependency for request Id {item['id']}.")
        seen.add(key)
    with_deps = [bool(item.get("dependsOn")) for item in requests]
    if any(with_deps) and not all(with_deps[1:]):
        raise BadRequest("Batch should be either fully sequential or fully parallel.")
    return requests


def _content_type(item: dict[str, Any]) -> str | None:
    return next((v for k, v in (item.get("headers") or {}).items() if k.lower() == "content-type"), None)


def _one(ctx: RequestContext, item: dict[str, Any], send: SubRequest) -> Reply:
    try:
        path, query = _relative(ctx, item["url"])
        body = _body(item)
    except ItemError as error:
        return Reply(400, {"error": {"code": error.code, "message": error.message}})
    headers = Headers({k.lower(): v for k, v in (item.get("headers") or {}).items() if k.lower() != "authorization"})
    return send(ctx, item["method"].upper(), path, query.encode(), headers, body)


def _relative(ctx: RequestContext, url: str) -> tuple[str, str]:
    """`/{version}/{path}` and the query of an item URL."""
    own = f"{ctx.service_root}/"
    if url.lower().startswith(own.lower()):
        url = url[len(own):]
    elif "://" in url:
        parts = urlsplit(url)
        first = parts.path.strip("/").split("/", 1)[0] or parts.netloc
        raise ItemError(f"Resource not found for the segment '{first}'.")
    path, _, query = url.partition("?")
    path = path.lstrip("/")
    first = path.split("/", 1)[0]
    if first.lower() in ("v1.0", "beta"):
        raise ItemError(f"Resource not found for the segment '{first}'.")
    if first.lower() == "$batch":
        raise ItemError("Nested batch requests are not supported.")
    return f"/{ctx.address.version}/{path}", query


def _body(item: dict[str, Any]) -> bytes:
    body = item.get("body")
    if body is None:
        return b""
    if isinstance(body, (dict, list)):
        return json.dumps(body).encode()
    if isinstance(body, str):
        try:
            return base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_" if "-" in body or "_" in body else None,
                                    validate=True)
        except (binascii.Error, ValueError):
            raise ItemError("Invalid batch payload format.") from None
    raise ItemError("Invalid batch payload format.")


def _response(item_id: str, reply: Reply) -> dict[str, Any]:
    headers = {"Cache-Control": "no-cache", **{k: v for k, v in reply.headers.items()
                                               if k.lower() in ("location", "retry-after", "preference-applied",
                                                                "content-type", "odata-version")}}
    out: dict[str, Any] = {"id": item_id, "status": reply.status, "headers": headers}
    if reply.body is None or reply.status in (202, 204):
        return out
    if reply.status < 400:
        headers.setdefault("OData-Version", "4.0")
        headers.setdefault("Content-Type", JSON_TYPE)
    else:
        headers.setdefault("Content-Type", "application/json")
    encoded = encode_body(reply.body)
    out["body"] = json.loads(encoded)
    return out
