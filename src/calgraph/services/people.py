"""Reading the directory: users, groups and group members. Any valid token may read it."""

from __future__ import annotations

from calgraph.core.model import Mailbox
from calgraph.core.permissions import Principal
from calgraph.core.query import ItemQuery, Page
from calgraph.services import access
from calgraph.services.runtime import Runtime


def get_mailbox(rt: Runtime, principal: Principal, kind: str, key: str | None) -> Mailbox:
    with rt.store.unit_of_work() as uow:
        return access.owner_mailbox(uow, principal, kind, key)


def list_mailboxes(rt: Runtime, kind: str, query: ItemQuery) -> Page[Mailbox]:
    with rt.store.unit_of_work() as uow:
        return uow.list_mailboxes(kind, query)


def list_members(rt: Runtime, principal: Principal, group_key: str) -> tuple[Mailbox, list[Mailbox]]:
    with rt.store.unit_of_work() as uow:
        group = access.owner_mailbox(uow, principal, "group", group_key)
        return group, uow.list_group_members(group.id)
