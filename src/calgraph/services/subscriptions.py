"""Subscriptions: create (validation handshake first), list, get, renew, reauthorize, delete.

Visibility (decision 13): an app-only caller sees its app's subscriptions; a delegated caller those its app
made for the signed-in user. Anything else is 404 ResourceNotFound, as an unknown id is. Checks run before
any handshake; the handshake runs outside any transaction (a slow receiver holds no lock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calgraph.core.errors import GraphError, ItemNotFound
from calgraph.core.model import Mailbox
from calgraph.core.permissions import Principal
from calgraph.core.sync import subscriptions as rules
from calgraph.core.sync.subscriptions import Subscription
from calgraph.services import access
from calgraph.services.runtime import Runtime
from calgraph.services.webhooks import Webhooks
from calgraph.store.interface import UnitOfWork

UPDATABLE = ("expiration", "notification_url", "tls_version")


class SubscriptionNotFound(GraphError):
    status, code, message = 404, "ResourceNotFound", "The object was not found."


@dataclass(frozen=True)
class SubscriptionInput:
    resource: Any = None
    change_type: Any = None
    notification_url: Any = None
    lifecycle_url: Any = None
    expiration: datetime | None = None
    client_state: Any = None
    include_resource_data: Any = None
    tls_version: Any = None


def webhooks(rt: Runtime) -> Webhooks:
    return rt.webhooks if rt.webhooks is not None else _DEFAULT


_DEFAULT = Webhooks()


def create(rt: Runtime, principal: Principal, tenant_id: str, given: SubscriptionInput) -> Subscription:
    hooks = webhooks(rt)
    now = rt.clock()
    if given.include_resource_data is True:
        raise rules.SubscriptionInvalid("includeResourceData is not supported.")
    if not isinstance(given.resource, str) or not given.resource.strip():
        raise rules.SubscriptionInvalid("resource is a required property for subscription creation.")
    resource = rules.parse_resource(given.resource)
    change_types = rules.change_types(given.change_type)
    url = hooks.check_url(given.notification_url)
    lifecycle = None if given.lifecycle_url is None else hooks.check_url(given.lifecycle_url)
    expiration = rules.check_expiration(given.expiration, now)
    client_state = rules.check_client_state(given.client_state)
    tls = _tls(given.tls_version)
    with rt.store.unit_of_work() as uow:
        mailbox, collection_id = _target(uow, principal, resource)
        if uow.count_subscriptions(mailbox.id, now) >= rules.MAX_PER_MAILBOX:
            raise rules.quota_reached()
    subscription = Subscription(
        id=rt.ids.guid(), mailbox_id=mailbox.id, owner_kind=mailbox.kind, kind=resource.kind,
        collection_id=collection_id, resource=given.resource, change_types=change_types, notification_url=url,
        lifecycle_url=lifecycle, client_state=client_state, expiration=expiration, app_id=principal.app_id,
        creator_id=principal.user_id or principal.app_id, tenant_id=tenant_id, tls_version=tls, created=now)
    hooks.validate(url, rt.ids.guid())
    if lifecycle is not None and lifecycle != url:
        hooks.validate(lifecycle, rt.ids.guid())
    with rt.store.unit_of_work(write=True) as uow:
        uow.add_subscription(subscription)
    return subscription


def list_subscriptions(rt: Runtime, principal: Principal) -> list[Subscription]:
    now = rt.clock()
    with rt.store.unit_of_work() as uow:
        return [s for s in uow.list_subscriptions(app_id=principal.app_id) if _visible(principal, s, now)]


def get(rt: Runtime, principal: Principal, subscription_id: str) -> Subscription:
    with rt.store.unit_of_work() as uow:
        return _find(uow, principal, subscription_id, rt.clock())


def update(rt: Runtime, principal: Principal, subscription_id: str, given: dict[str, Any]) -> Subscription:
    """`given`: the PATCH body's properties by field name; others than UPDATABLE must keep their value."""
    hooks = webhooks(rt)
    now = rt.clock()
    with rt.store.unit_of_work() as uow:
        current = _find(uow, principal, subscription_id, now)
    for name, value in given.items():
        if name not in UPDATABLE and value != _shown(current, name):
            raise rules.SubscriptionInvalid("Only expirationDateTime and notificationUrl can be updated.")
    changes: dict[str, Any] = {}
    if "expiration" in given:
        changes["expiration"] = rules.check_expiration(given["expiration"], now)
        changes["reauthorize_sent"] = False
    if "notification_url" in given:
        changes["notification_url"] = hooks.check_url(given["notification_url"])
    if "tls_version" in given:
        changes["tls_version"] = _tls(given["tls_version"])
    updated = current.evolve(**changes)
    if "expiration" in changes or "notification_url" in changes:
        hooks.validate(updated.notification_url, rt.ids.guid())
    with rt.store.unit_of_work(write=True) as uow:
        if uow.get_subscription(subscription_id) is None:
            raise SubscriptionNotFound()
        uow.update_subscription(updated)
    return updated


def reauthorize(rt: Runtime, principal: Principal, subscription_id: str) -> None:
    with rt.store.unit_of_work() as uow:
        current = _find(uow, principal, subscription_id, rt.clock())
    webhooks(rt).validate(current.notification_url, rt.ids.guid())
    with rt.store.unit_of_work(write=True) as uow:
        uow.update_subscription(current.evolve(reauthorize_sent=False))


def delete(rt: Runtime, principal: Principal, subscription_id: str) -> None:
    with rt.store.unit_of_work(write=True) as uow:
        _find(uow, principal, subscription_id, rt.clock())
        uow.delete_subscription(subscription_id)


def _find(uow: UnitOfWork, principal: Principal, subscription_id: str, now: datetime) -> Subscription:
    found = uow.get_subscription(subscription_id)
    if found is None or not _visible(principal, found, now):
        raise SubscriptionNotFound()
    return found


def _visible(principal: Principal, subscription: Subscription, now: datetime) -> bool:
    if subscription.expiration <= now or subscription.app_id != principal.app_id:
        return False
    return principal.is_app or subscription.creator_id == principal.user_id


def _shown(subscription: Subscription, name: str) -> Any:
    value = getattr(subscription, name, None)
    return ",".join(value) if name == "change_types" else value


def _tls(value: Any) -> str:
    if value is None:
        return "v1_2"
    if value not in rules.TLS_VERSIONS:
        raise rules.SubscriptionInvalid(f"'{value}' is not a valid latestSupportedTlsVersion.")
    return str(value)


def _target(uow: UnitOfWork, principal: Principal, resource: rules.Resource) -> tuple[Mailbox, str | None]:
    """The mailbox and collection a resource names, if the caller may subscribe to it (403 otherwise)."""
    try:
        mailbox = access.owner_mailbox(uow, principal, resource.owner_kind, resource.owner_key)
    except GraphError as error:
        if error.status == 404:
            raise
        raise rules.access_denied("Create") from None
    if not _may_read(uow, principal, mailbox, resource.kind):
        raise rules.access_denied("Create")
    if resource.kind == "message":
        if resource.mail_folder is None:
            return mailbox, None
        folder = uow.get_mail_folder(mailbox.id, resource.mail_folder)
        if folder is None:
            raise ItemNotFound()
        return mailbox, folder.id
    calendar = access.calendar(uow, mailbox, resource.calendar or access.DEFAULT, resource.calendar_group)
    return mailbox, calendar.id


def _may_read(uow: UnitOfWork, principal: Principal, mailbox: Mailbox, kind: str) -> bool:
    if mailbox.kind == "group":
        member = principal.is_app or uow.is_group_member(mailbox.id, principal.user_id or "")
        return member and principal.has("calendars.read", "group.read.all")
    if not principal.is_app and principal.user_id != mailbox.id:
        return False   # delegated: the caller's own mailbox only
    if kind == "message":
        return principal.has("mail.readbasic", "mail.read")
    return principal.has("calendars.read")
