"""Open extensions of an event or a message: list, get, add, update, delete, each in one unit of work.

An item is named by `ItemRef`: an event through its scope (any event route form, occurrences included:
a write on a virtual occurrence stores it as an exception, as a PATCH does) or a message of a mailbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from calgraph.core import extensions as rules
from calgraph.core.model import Event, Mailbox, Message, OpenExtension
from calgraph.core.permissions import Principal
from calgraph.services import mail, occurrence_writes
from calgraph.services.lookup import Scope, find_any, find_for_change
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork

Item = Event | Message


@dataclass(frozen=True)
class ItemRef:
    kind: str                         # "event" | "message"
    item_id: str
    scope: Scope | None = None        # events
    folder: str | None = None         # messages: the mail folder the path names, if any


@dataclass(frozen=True)
class Extensions:
    mailbox: Mailbox
    item: Item
    extensions: tuple[OpenExtension, ...]


def read_item(uow: UnitOfWork, principal: Principal, ref: ItemRef) -> tuple[Mailbox, Item]:
    if ref.kind == "event":
        assert ref.scope is not None
        return find_any(uow, principal, ref.scope, ref.item_id, "read")   # not under Calendars.ReadBasic
    assert ref.scope is not None
    mailbox = mail.owner_for(uow, principal, ref.scope.owner_kind, ref.scope.owner_key, "read")
    return mailbox, mail.message_of(uow, mailbox, ref.folder, ref.item_id)


def write_item(rt: Runtime, uow: UnitOfWork, principal: Principal, ref: ItemRef,
               change: Callable[[Item], dict[str, Any]]) -> tuple[Mailbox, Item]:
    """The item with `change(item)` applied (new change key), stored; found for writing only when the change
    is empty (a virtual occurrence is then stored as an exception all the same)."""
    assert ref.scope is not None
    if ref.kind == "event":
        mailbox, event = find_for_change(uow, principal, ref.scope, ref.item_id, None)
        changes = change(event)
        if not changes and event.type != "occurrence":   # nothing to store (a virtual occurrence is stored)
            return mailbox, event
        updated = event.evolve(**changes, change_key=rt.ids.change_key(), last_modified=rt.clock())
        occurrence_writes.save(rt, uow, event, updated)
        return mailbox, updated
    mailbox = mail.owner_for(uow, principal, ref.scope.owner_kind, ref.scope.owner_key, "write")
    message = mail.message_of(uow, mailbox, ref.folder, ref.item_id, for_update=True)
    changes = change(message)
    if not changes:
        return mailbox, message
    changed = message.evolve(**changes, change_key=rt.ids.change_key(), last_modified=rt.clock())
    uow.update_message(changed, expected_change_key=message.change_key)
    return mailbox, changed


def list_extensions(rt: Runtime, principal: Principal, ref: ItemRef) -> Extensions:
    with rt.store.unit_of_work() as uow:
        mailbox, item = read_item(uow, principal, ref)
        return Extensions(mailbox, item, item.extensions)


def get_extension(rt: Runtime, principal: Principal, ref: ItemRef, key: str) -> Extensions:
    with rt.store.unit_of_work() as uow:
        mailbox, item = read_item(uow, principal, ref)
        return Extensions(mailbox, item, (rules.get(item.extensions, key),))


def add_extension(rt: Runtime, principal: Principal, ref: ItemRef, name: str, data: dict[str, Any]) -> Extensions:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox, item = write_item(rt, uow, principal, ref,
                                   lambda it: {"extensions": rules.add(it.extensions, name, data)})
        return Extensions(mailbox, item, (item.extensions[-1],))


def update_extension(rt: Runtime, principal: Principal, ref: ItemRef, key: str, data: dict[str, Any]) -> Extensions:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox, item = write_item(rt, uow, principal, ref,
                                   lambda it: {"extensions": rules.update(it.extensions, key, data)})
        return Extensions(mailbox, item, (rules.get(item.extensions, key),))


def delete_extension(rt: Runtime, principal: Principal, ref: ItemRef, key: str) -> None:
    with rt.store.unit_of_work(write=True) as uow:
        write_item(rt, uow, principal, ref, lambda it: {"extensions": rules.remove(it.extensions, key)})
