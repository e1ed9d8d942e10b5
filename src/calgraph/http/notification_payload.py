"""The JSON a webhook receives (Graph's changeNotification collection), rendered from outbox entries; the
dispatcher (services.notifications) is given `render` at start-up."""

from __future__ import annotations

from datetime import timezone
from typing import Any

from calgraph.core.sync.subscriptions import Pending
from calgraph.http.reply import dumps
from calgraph.http.resources.subscriptions import expiration_text
from calgraph.http.render import etag

_COLLECTIONS = {"event": ("Events", "#Microsoft.Graph.Event"), "message": ("Messages", "#Microsoft.Graph.Message")}


def render(items: list[Pending]) -> bytes:
    return dumps({"value": [_one(item) for item in items]}).encode()


def _one(item: Pending) -> dict[str, Any]:
    if item.lifecycle:
        return {"subscriptionId": item.subscription_id, "subscriptionExpirationDateTime": expiration_text(item.expiration),
                "tenantId": item.tenant_id, "clientState": item.client_state, "lifecycleEvent": item.change_type}
    collection, odata_type = _COLLECTIONS[item.kind]
    owner = "Groups" if item.owner_kind == "group" else "Users"
    resource = f"{owner}/{item.owner_id}/{collection}/{item.item_id}"
    data: dict[str, Any] = {"@odata.type": odata_type, "@odata.id": resource}
    if item.change_key:
        data["@odata.etag"] = etag(item.change_key)
    data["id"] = item.item_id
    utc = item.expiration.astimezone(timezone.utc)
    return {"subscriptionId": item.subscription_id,
            "subscriptionExpirationDateTime": f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond:06d}0+00:00",
            "changeType": item.change_type, "resource": resource, "resourceData": data,
            "clientState": item.client_state, "tenantId": item.tenant_id}
