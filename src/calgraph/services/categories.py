"""The master list of categories (/outlook/masterCategories): list, get, create, update, delete."""

from __future__ import annotations

from calgraph.core import categories as rules
from calgraph.core.errors import ItemNotFound
from calgraph.core.item_errors import DuplicateCategory
from calgraph.core.model import Mailbox, OutlookCategory
from calgraph.core.permissions import Principal
from calgraph.services import access
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork


def _owner(uow: UnitOfWork, principal: Principal, kind: str, key: str | None, need: str) -> Mailbox:
    mailbox = access.owner_mailbox(uow, principal, kind, key)
    rules.require(principal, mailbox, need)  # type: ignore[arg-type]
    return mailbox


def _one(uow: UnitOfWork, mailbox: Mailbox, category_id: str) -> OutlookCategory:
    found = uow.get_category(mailbox.id, category_id)
    if found is None:
        raise ItemNotFound()
    return found


def list_categories(rt: Runtime, principal: Principal, kind: str,
                    key: str | None) -> tuple[Mailbox, list[OutlookCategory]]:
    with rt.store.unit_of_work() as uow:
        mailbox = _owner(uow, principal, kind, key, "read")
        return mailbox, uow.list_categories(mailbox.id)


def get_category(rt: Runtime, principal: Principal, kind: str, key: str | None,
                 category_id: str) -> tuple[Mailbox, OutlookCategory]:
    with rt.store.unit_of_work() as uow:
        mailbox = _owner(uow, principal, kind, key, "read")
        return mailbox, _one(uow, mailbox, category_id)


def create_category(rt: Runtime, principal: Principal, kind: str, key: str | None, display_name: str | None,
                    color: str | None) -> tuple[Mailbox, OutlookCategory]:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = _owner(uow, principal, kind, key, "write")
        category = rules.new(rt.ids.guid(), mailbox, display_name, color)
        if not uow.add_category(category):
            raise DuplicateCategory(category.display_name)
        return mailbox, category


def update_category(rt: Runtime, principal: Principal, kind: str, key: str | None, category_id: str,
                    display_name: str | None, color: str | None) -> tuple[Mailbox, OutlookCategory]:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = _owner(uow, principal, kind, key, "write")
        category = rules.recolored(_one(uow, mailbox, category_id), display_name, color)
        uow.update_category(category)
        return mailbox, category


def delete_category(rt: Runtime, principal: Principal, kind: str, key: str | None, category_id: str) -> None:
    """The category leaves the master list; items keep the name in their categories, as in Outlook."""
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = _owner(uow, principal, kind, key, "write")
        uow.delete_category(mailbox.id, _one(uow, mailbox, category_id).id)
