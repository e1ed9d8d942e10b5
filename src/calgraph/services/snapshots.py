"""Reset the tenant and save / restore snapshots of it. Keys, the CA, app registrations and the
control plane's own state (clock, fault rules) are never part of it (see store NOT_TENANT_STATE)."""

from __future__ import annotations

from datetime import datetime

from calgraph.core.errors import ItemNotFound
from calgraph.services.control import Control, changed

SEED_SNAPSHOT = "__seed__"   # what the last seed produced: `reset` (to "seed") goes back to it


class SnapshotNotFound(ItemNotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"There is no snapshot named '{name}'.")


def reset(control: Control, to: str = "seed") -> None:
    with control.store.unit_of_work(write=True) as uow:
        if to != "seed" or not uow.restore_snapshot(SEED_SNAPSHOT):
            uow.clear_tenant()
        changed(uow)
    control.refresh()


def save(control: Control, name: str) -> datetime:
    created = control.clock()
    with control.store.unit_of_work(write=True) as uow:
        uow.save_snapshot(name, created)
    return created


def restore(control: Control, name: str) -> None:
    with control.store.unit_of_work(write=True) as uow:
        if not uow.restore_snapshot(name):
            raise SnapshotNotFound(name)
        changed(uow)
    control.refresh()


def list_all(control: Control) -> list[tuple[str, datetime]]:
    with control.store.unit_of_work() as uow:
        return [(name, created) for name, created in uow.list_snapshots() if name != SEED_SNAPSHOT]


def delete(control: Control, name: str) -> None:
    with control.store.unit_of_work(write=True) as uow:
        if not uow.delete_snapshot(name):
            raise SnapshotNotFound(name)
