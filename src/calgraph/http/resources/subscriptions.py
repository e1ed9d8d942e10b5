"""/subscriptions: POST, GET (list and one), PATCH, DELETE, and POST …/{id}/reauthorize (change
notifications; services.subscriptions). Property names are Graph's; `clientState` is shown by POST and
PATCH only (GET and list answer null), as Graph does."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from calgraph.core.datetimes import parse_instant
from calgraph.core.errors import GraphError
from calgraph.core.sync.subscriptions import Subscription, SubscriptionInvalid
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply, no_content
from calgraph.services import subscriptions as service
from calgraph.services.tokens import TokenService

FIELDS = {
    "resource": "resource", "changeType": "change_type", "notificationUrl": "notification_url",
    "lifecycleNotificationUrl": "lifecycle_url", "expirationDateTime": "expiration", "clientState": "client_state",
    "includeResourceData": "include_resource_data", "latestSupportedTlsVersion": "tls_version",
}
READ_ONLY = {"id", "applicationId", "creatorId", "@odata.type", "@odata.context", "notificationQueryOptions",
             "notificationContentType", "encryptionCertificate", "encryptionCertificateId", "notificationUrlAppId"}
PATCH_FIELDS = {**FIELDS, "changeType": "change_types"}
UNPARSABLE = ("Could not process subscription creation payload. Are all property names spelled and camelCased "
              "properly?")


def create(ctx: RequestContext) -> Reply:
    body = _body(ctx)
    values: dict[str, Any] = {}
    for name, value in body.items():
        if name in FIELDS:
            values[FIELDS[name]] = value
        elif name not in READ_ONLY:
            raise SubscriptionInvalid(UNPARSABLE)
    values["expiration"] = _instant(values.get("expiration"))
    tenant = TokenService(ctx.runtime.store).tenant_id
    created = service.create(ctx.runtime, ctx.principal, tenant, service.SubscriptionInput(**values))
    return Reply(201, _render(ctx, created, show_client_state=True, entity=True))


def list_all(ctx: RequestContext) -> Reply:
    found = service.list_subscriptions(ctx.runtime, ctx.principal)
    return Reply(200, {"@odata.context": f"{ctx.service_root}/$metadata#subscriptions",
                       "value": [_render(ctx, s) for s in found]})


def get_one(ctx: RequestContext) -> Reply:
    return Reply(200, _render(ctx, service.get(ctx.runtime, ctx.principal, _id(ctx)), entity=True))


def update(ctx: RequestContext) -> Reply:
    body = _body(ctx)
    given: dict[str, Any] = {}
    for name, value in body.items():
        if name in READ_ONLY:
            continue
        if name not in PATCH_FIELDS:
            raise SubscriptionInvalid(UNPARSABLE)
        given[PATCH_FIELDS[name]] = _instant(value) if name == "expirationDateTime" else value
    updated = service.update(ctx.runtime, ctx.principal, _id(ctx), given)
    return Reply(200, _render(ctx, updated, show_client_state=True, entity=True))


def delete(ctx: RequestContext) -> Reply:
    service.delete(ctx.runtime, ctx.principal, _id(ctx))
    return no_content()


def reauthorize(ctx: RequestContext) -> Reply:
    service.reauthorize(ctx.runtime, ctx.principal, _id(ctx))
    return no_content()


def _id(ctx: RequestContext) -> str:
    assert ctx.address.subscription is not None
    return ctx.address.subscription


def _body(ctx: RequestContext) -> dict[str, Any]:
    try:
        return ctx.json()
    except GraphError:
        raise SubscriptionInvalid(UNPARSABLE) from None


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise SubscriptionInvalid(UNPARSABLE)
    try:
        return parse_instant(value)
    except (GraphError, ValueError):
        raise SubscriptionInvalid(UNPARSABLE) from None


def expiration_text(instant: datetime) -> str:
    """`2026-03-05T10:00:00.0000000Z`: UTC with seven fractional digits."""
    utc = instant.astimezone(timezone.utc)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond:06d}0Z"


def _render(ctx: RequestContext, s: Subscription, show_client_state: bool = False,
            entity: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if entity:
        out["@odata.context"] = f"{ctx.service_root}/$metadata#subscriptions/$entity"
    out.update({
        "id": s.id, "resource": s.resource, "applicationId": s.app_id, "changeType": ",".join(s.change_types),
        "clientState": s.client_state if show_client_state else None, "notificationUrl": s.notification_url,
        "notificationQueryOptions": None, "notificationContentType": None, "lifecycleNotificationUrl": s.lifecycle_url,
        "expirationDateTime": expiration_text(s.expiration), "creatorId": s.creator_id, "includeResourceData": None,
        "latestSupportedTlsVersion": s.tls_version, "encryptionCertificate": None, "encryptionCertificateId": None,
        "notificationUrlAppId": None,
    })
    return out


ROUTES = {
    ("subscriptions", "POST"): create,
    ("subscriptions", "GET"): list_all,
    ("subscription", "GET"): get_one,
    ("subscription", "PATCH"): update,
    ("subscription", "DELETE"): delete,
    ("subscriptionReauthorize", "POST"): reauthorize,
}
