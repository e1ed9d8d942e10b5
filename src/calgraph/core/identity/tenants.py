"""Tenant path segments: the tenant id, a domain of the tenant's users, `common`, `organizations`."""

from __future__ import annotations

import re

from calgraph.core.identity import errors

MULTI_TENANT = frozenset({"common", "organizations"})
_SEGMENT = re.compile(r"^[A-Za-z0-9.-]{1,253}$")


def classify(segment: str, tenant_id: str, domains: frozenset[str]) -> str:
    """'id' | 'domain' | 'multi' for a tenant segment calgraph serves; unknown_tenant otherwise.
    `domains` are lower-case."""
    lowered = segment.lower()
    if lowered == tenant_id.lower():
        return "id"
    if lowered in MULTI_TENANT:
        return "multi"
    if _SEGMENT.match(segment) and lowered in domains:
        return "domain"
    raise errors.unknown_tenant(segment)


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower()
