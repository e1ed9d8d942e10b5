"""Subscriptions (change notifications): the entity, the rules that check one, the delivery schedule.
Pure: no HTTP, no SQL; the Graph wording of each error is that of the sync reference's decisions 13-21."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from calgraph.core.errors import GraphError, InvalidRequest
from calgraph.core.sync.changes import CHANGE_TYPES, ItemKind, Target

MAX_LIFETIME = timedelta(minutes=10_080)
MAX_PER_MAILBOX = 1000
MAX_CLIENT_STATE = 128
TLS_VERSIONS = ("v1_0", "v1_1", "v1_2", "v1_3")


class SubscriptionInvalid(InvalidRequest):
    code = "InvalidRequest"


class ExtensionError(GraphError):
    status, code = 400, "ExtensionError"


class ExtensionForbidden(ExtensionError):
    status = 403


class ValidationError(GraphError):
    status, code = 400, "ValidationError"


@dataclass(frozen=True)
class Subscription:
    id: str
    mailbox_id: str
    owner_kind: str                 # user | group
    kind: ItemKind
    collection_id: str | None       # calendar id, folder id, or None (every folder)
    resource: str                   # as the client gave it
    change_types: tuple[str, ...]
    notification_url: str
    lifecycle_url: str | None
    client_state: str | None
    expiration: datetime
    app_id: str
    creator_id: str
    tenant_id: str
    tls_version: str = "v1_2"
    reauthorize_sent: bool = False
    token_expires: datetime | None = None
    created: datetime | None = None

    @property
    def target(self) -> Target:
        return Target(self.mailbox_id, self.kind, self.collection_id, frozenset(self.change_types))

    def evolve(self, **changes: Any) -> "Subscription":
        return replace(self, **changes)


@dataclass(frozen=True)
class Resource:
    """A parsed `resource`: whose mailbox, which items, which collection (as named: resolved by services)."""

    owner_kind: str                  # me | user | group
    owner_key: str | None
    kind: ItemKind
    calendar_group: str | None = None
    calendar: str | None = None      # "@default" for …/events and …/calendar/events
    mail_folder: str | None = None   # None: every folder


_SEGMENT = r"([^/()'?$]+)"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)

_RESOURCES: list[tuple[re.Pattern[str], Any]] = [
    (_rx(rf"(?:me|users/{_SEGMENT})/events"), lambda g: ("event", {"calendar": "@default"})),
    (_rx(rf"(?:me|users/{_SEGMENT})/calendar/events"), lambda g: ("event", {"calendar": "@default"})),
    (_rx(rf"(?:me|users/{_SEGMENT})/calendars/{_SEGMENT}/events"), lambda g: ("event", {"calendar": g[1]})),
    (_rx(rf"(?:me|users/{_SEGMENT})/calendargroups/{_SEGMENT}/calendars/{_SEGMENT}/events"),
     lambda g: ("event", {"calendar_group": g[1], "calendar": g[2]})),
    (_rx(rf"(?:me|users/{_SEGMENT})/messages"), lambda g: ("message", {})),
    (_rx(rf"(?:me|users/{_SEGMENT})/mailfolders/{_SEGMENT}/messages"),
     lambda g: ("message", {"mail_folder": g[1]})),
    (_rx(rf"(?:me|users/{_SEGMENT})/mailfolders\('{_SEGMENT}'\)/messages"),
     lambda g: ("message", {"mail_folder": g[1]})),
    (_rx(rf"groups/{_SEGMENT}/events"), lambda g: ("event", {"calendar": "@default"})),
    (_rx(rf"groups/{_SEGMENT}/calendar/events"), lambda g: ("event", {"calendar": "@default"})),
]


def parse_resource(resource: str) -> Resource:
    path = resource.strip().lstrip("/")
    for pattern, build in _RESOURCES:
        found = pattern.fullmatch(path)
        if found is None:
            continue
        groups = found.groups()
        kind, parts = build(groups)
        if path.lower().startswith("groups/"):
            return Resource("group", groups[0], kind, **parts)
        if path.lower().startswith("me/"):
            return Resource("me", None, kind, **parts)
        return Resource("user", groups[0], kind, **parts)
    raise unsupported_resource(resource)


def unsupported_resource(resource: str) -> ExtensionError:
    return ExtensionError("Operation: Create; Exception: [Status Code: BadRequest; Reason: The value "
                          f"'{resource}' of parameter 'Resource' is not supported.]")


def access_denied(operation: str) -> ExtensionForbidden:
    return ExtensionForbidden(f"Operation: {operation}; Exception: [Status Code: Forbidden; Reason: Access denied]")


def quota_reached() -> ExtensionForbidden:
    return ExtensionForbidden("Operation: Create; Exception: [Status Code: Forbidden; Reason: The maximum number "
                              f"of subscriptions ({MAX_PER_MAILBOX}) for this mailbox has been reached.]")


def change_types(value: Any) -> tuple[str, ...]:
    if not isinstance(value, str) or not value.strip():
        raise SubscriptionInvalid("changeType is a required property for subscription creation.")
    names = [part.strip() for part in value.split(",")]
    unknown = [name for name in names if name not in CHANGE_TYPES]
    if unknown:
        raise SubscriptionInvalid(f"'{unknown[0]}' is not a valid change type.")
    return tuple(dict.fromkeys(names))


def check_expiration(expiration: datetime | None, now: datetime) -> datetime:
    if expiration is None:
        raise SubscriptionInvalid("expirationDateTime is a required property for subscription creation.")
    if expiration <= now:
        raise SubscriptionInvalid("Subscription expiration must be in the future.")
    if expiration > now + MAX_LIFETIME:
        raise ExtensionError(f"Subscription expiration can only be {int(MAX_LIFETIME.total_seconds() // 60)} "
                             "minutes in the future.")
    return expiration


def check_client_state(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_CLIENT_STATE:
        raise SubscriptionInvalid(f"clientState must be a string of at most {MAX_CLIENT_STATE} characters.")
    return value


def check_url(url: Any, allowed_hosts: tuple[str, ...] | None, https_only: bool = False) -> str:
    """A notification URL: absolute http(s) with a host; `allowed_hosts` (None: any) restricts the host
    (`*.example.com` matches subdomains)."""
    if not isinstance(url, str) or not url.strip():
        raise SubscriptionInvalid("notificationUrl is a required property for subscription creation.")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        raise SubscriptionInvalid(f"Invalid notification url='{url}'.") from None
    if parts.scheme.lower() not in ("http", "https") or not host or "//" in parts.path:
        raise SubscriptionInvalid(f"Invalid notification url='{url}'.")
    if https_only and parts.scheme.lower() != "https":
        raise SubscriptionInvalid(f"NotificationUrl scheme='{parts.scheme}' is not supported.")
    if allowed_hosts is not None and not any(_host_matches(host, pattern) for pattern in allowed_hosts):
        raise SubscriptionInvalid(f"Invalid notification url='{url}'.")
    return url


def _host_matches(host: str, pattern: str) -> bool:
    pattern = pattern.lower().strip()
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern


# -- delivery schedule ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Schedule:
    """Retry timings (decision 16); tests shorten them."""

    first_retry: timedelta = timedelta(seconds=10)
    max_retry: timedelta = timedelta(minutes=10)
    give_up_after: timedelta = timedelta(hours=4)
    ack_timeout_s: float = 3.0
    validation_timeout_s: float = 10.0
    reauthorize_before: timedelta = timedelta(minutes=15)
    lease: timedelta = timedelta(seconds=60)

    def retry_delay(self, attempts: int, jitter: random.Random | None = None) -> timedelta:
        """Exponential backoff after the `attempts`-th failure (1 = first), capped, jittered ±20%."""
        delay = min(self.first_retry * (2 ** max(attempts - 1, 0)), self.max_retry)
        factor = 1.0 if jitter is None else jitter.uniform(0.8, 1.2)
        return delay * factor


def validation_token(request_id: str) -> str:
    return f"Validation: Testing client application reachability for subscription Request-Id: {request_id}"


def with_query(url: str, name: str, value: str) -> str:
    """`url` with `name=value` appended to its query (value already encoded)."""
    return f"{url}{'&' if urlsplit(url).query else '?'}{name}={value}"


@dataclass(frozen=True)
class Pending:
    """One notification in the outbox: a change (`lifecycle` False, change_type created/updated/deleted)
    or a lifecycle event (change_type reauthorizationRequired / subscriptionRemoved / missed)."""

    id: int
    subscription_id: str
    url: str
    change_type: str
    lifecycle: bool
    owner_kind: str
    owner_id: str
    kind: str
    item_id: str | None
    change_key: str
    client_state: str | None
    expiration: datetime
    tenant_id: str
    created: datetime
    attempts: int = 0
    first_attempt: datetime | None = None
