"""What one transaction changed in one mailbox, item by item, and the notifications a subscription is
owed for it (decision 15 of the sync reference, in the project's words in docs/sync.md).

An `ItemChange` is recorded by the store for every event or message a unit of work adds, updates or
deletes; the changes of one item within one transaction merge into one. `collection_before` /
`collection_after` are the item's calendar (events) or mail folder (messages) before and after the
transaction (None: not in any, or not existing).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from calgraph.core.model import Event

ItemKind = Literal["event", "message"]
Op = Literal["created", "updated", "deleted"]
CHANGE_TYPES = ("created", "updated", "deleted")


@dataclass(frozen=True)
class ItemChange:
    mailbox_id: str
    kind: ItemKind
    item_id: str
    op: Op
    collection_before: str | None
    collection_after: str | None
    item_type: str | None = None            # events: singleInstance, seriesMaster, exception
    series_master_id: str | None = None
    change_key: str = ""
    removed_instances: tuple[str, ...] = ()  # occurrence item ids this transaction cancelled (masters)
    before: Event | None = None              # a series master as it was before the transaction

    def merged(self, later: "ItemChange") -> "ItemChange | None":
        """This change followed by `later` in the same transaction; None when nothing is left (created
        and deleted again)."""
        if self.op == "created" and later.op == "deleted":
            return None
        op: Op = "created" if self.op == "created" else later.op
        removed = tuple(dict.fromkeys((*self.removed_instances, *later.removed_instances)))
        return replace(later, op=op, collection_before=self.collection_before, removed_instances=removed,
                       before=self.before if self.before is not None else later.before)


def merge(changes: dict[tuple[str, str, str], ItemChange], change: ItemChange) -> None:
    """Add `change` to a transaction's changes, keyed by (mailbox, kind, item id)."""
    key = (change.mailbox_id, change.kind, change.item_id)
    known = changes.get(key)
    if known is None:
        changes[key] = change
        return
    combined = known.merged(change)
    if combined is None:
        del changes[key]
    else:
        changes[key] = combined


@dataclass(frozen=True)
class Target:
    """What a subscription watches: one mailbox's events of one calendar, or messages of one folder
    (`collection_id` None: every folder)."""

    mailbox_id: str
    kind: ItemKind
    collection_id: str | None
    change_types: frozenset[str]


@dataclass(frozen=True)
class Owed:
    change_type: Op
    item_id: str
    change_key: str


def owed(target: Target, change: ItemChange) -> list[Owed]:
    """The notifications `target` gets for one item's change in one transaction: created (entered the
    collection), deleted (left it or was deleted), updated (stayed); an exception's change is `updated`
    for the instance and for its master; a cancelled instance is `deleted` beside the master's
    `updated`. Only the change types the subscription asked for."""
    if change.mailbox_id != target.mailbox_id or change.kind != target.kind:
        return []
    inside_before = change.op != "created" and _inside(target, change.collection_before)
    inside_after = change.op != "deleted" and _inside(target, change.collection_after)
    found: list[Owed] = []
    if change.item_type == "exception":   # an instance of a series: it existed before as an occurrence
        if inside_before or inside_after:
            found.append(Owed("updated" if inside_after else "deleted", change.item_id, change.change_key))
            if change.series_master_id:
                found.append(Owed("updated", change.series_master_id, ""))
    elif inside_before and inside_after:
        found.append(Owed("updated", change.item_id, change.change_key))
    elif inside_after:
        found.append(Owed("created", change.item_id, change.change_key))
    elif inside_before:
        found.append(Owed("deleted", change.item_id, change.change_key))
    if inside_after:
        found += [Owed("deleted", item_id, "") for item_id in change.removed_instances]
    return [item for item in found if item.change_type in target.change_types]


def _inside(target: Target, collection: str | None) -> bool:
    if collection is None:
        return False
    return target.collection_id is None or collection == target.collection_id
