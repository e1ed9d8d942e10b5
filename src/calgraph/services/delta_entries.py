"""The entries of a delta page: the collection as it is (a round's first pages) or what changed between two
watermarks, each entry with a sort key; pages resume after the last key they showed.

calendarView delta (decisions 2, 8, 9 of the sync reference): singles and exceptions in full, occurrences as
stubs, a series master in full before its instances whenever any is reported; anything changed that is no
longer in the window (deleted, declined, moved, cancelled occurrences, occurrences a new pattern dropped) as
removed. events delta: singles and masters reduced (id, type, start, end); a change to any part of a series
reports its master. messages delta: messages of one folder; a message that left it is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from calgraph.core import event_query, occurrences
from calgraph.core.model import Event, Message
from calgraph.core.occurrences import Virtual
from calgraph.core.sync.changes import ItemChange
from calgraph.core.sync.delta_tokens import DeltaState
from calgraph.services.calendar_view import Window, series_view, time_page
from calgraph.store.interface import UnitOfWork

EntryKind = Literal["full", "stub", "reduced", "removed"]


@dataclass(frozen=True)
class Entry:
    kind: EntryKind
    item_id: str
    item: Event | Message | None = None
    sort: tuple[Any, ...] = ()
    change: str = "updated"          # messages: created | updated | deleted (the changeType option)


def paged(entries: list[Entry], cursor: tuple[Any, ...], size: int) -> tuple[list[Entry], tuple[Any, ...] | None]:
    """The `size` entries after `cursor` (sort keys), and the cursor of the next page (None: the last)."""
    after = [entry for entry in entries if not cursor or list(entry.sort) > list(cursor)]
    shown = after[:size]
    return shown, (shown[-1].sort if len(after) > size and shown else None)


def _window(state: DeltaState) -> Window:
    assert state.start is not None and state.end is not None
    return Window(datetime.fromisoformat(state.start), datetime.fromisoformat(state.end))


def _event_entry(event: Event, sort: tuple[Any, ...]) -> Entry:
    return Entry("stub" if event.type == "occurrence" else "full", event.id, event, sort)


# -- calendarView ---------------------------------------------------------------------------------------

def view_listing(uow: UnitOfWork, state: DeltaState, size: int) -> tuple[list[Entry], tuple[Any, ...] | None]:
    """A first round: the masters that have instances in the window (by id), then the window's items in
    calendarView's order (cursor `("v", start, end, id)`)."""
    window = _window(state)
    if window.empty:
        return [], None
    cursor = state.cursor
    out: list[Entry] = []
    after_key = None
    if not cursor or cursor[0] == "m":
        after = cursor[1] if cursor else None
        masters = sorted((m for m in uow.list_series_masters([state.collection_id], window.end)
                          if (after is None or m.id > after) and series_view(uow, m, window)), key=lambda m: m.id)
        out = [Entry("full", m.id, m, ("m", m.id)) for m in masters[:size]]
        if len(masters) > size:
            return out, out[-1].sort
    elif len(cursor) == 4:
        after_key = (cursor[1], cursor[2], cursor[3])
    page, last = time_page(uow, [state.collection_id], window, size - len(out), after_key)
    for item in page.items:
        event = item.event() if type(item) is Virtual else item
        out.append(_event_entry(event, ("v",)))
    if not page.has_more:
        return out, None
    return out, (("v", *last) if last else ("v",))


def view_changes(uow: UnitOfWork, state: DeltaState) -> list[Entry]:
    window = _window(state)
    groups: dict[str, list[ItemChange]] = {}
    for change in uow.list_changes(state.mailbox_id, "event", state.since, state.upto, state.collection_id):
        key = change.series_master_id if change.item_type == "exception" and change.series_master_id else change.item_id
        groups.setdefault(key, []).append(change)
    out: list[Entry] = []
    for key in sorted(groups):
        current = uow.get_event(state.mailbox_id, key)
        mine = current is not None and current.calendar_id == state.collection_id
        if mine and current.type == "seriesMaster" or any(c.item_type == "seriesMaster" for c in groups[key]):
            out += _series_entries(uow, current if mine else None, key, groups[key], window)
        elif mine and current.type == "singleInstance" and _overlaps(current, window):
            out.append(Entry("full", key, current, (key, 0, "")))
        else:
            out.append(Entry("removed", key, None, (key, 2, key)))
    return out


def _series_entries(uow: UnitOfWork, master: Event | None, master_id: str, changes: list[ItemChange],
                    window: Window) -> list[Entry]:
    old_ids: set[str] = set()
    for change in changes:
        if change.item_id != master_id:
            old_ids.add(change.item_id)
        old_ids.update(change.removed_instances)
    before = next((c.before for c in changes if c.item_id == master_id and c.before is not None), None)
    if before is not None and before.calendar_id is not None and occurrences.series_of(before) is not None:
        old_ids.update(e.id for e in occurrences.expand([before], window.start, window.end))
    instances: list[Event] = []
    if master is not None and not window.empty:
        instances = sorted(series_view(uow, master, window), key=lambda e: (_start(e), e.id))
    entries: list[Entry] = []
    if instances:
        entries.append(Entry("full", master_id, master, (master_id, 0, "")))
        entries += [_event_entry(e, (master_id, 1, event_query.instant_text(_start(e)), e.id)) for e in instances]
    else:
        old_ids.add(master_id)
    shown = {e.id for e in instances}
    entries += [Entry("removed", item_id, None, (master_id, 2, item_id)) for item_id in sorted(old_ids - shown)]
    return entries


def _start(event: Event) -> datetime:
    return event_query.instant(event_query.bound(event.start, event.is_all_day))


def _overlaps(event: Event, window: Window) -> bool:
    start, end = event_query.bound(event.start, event.is_all_day), event_query.bound(event.end, event.is_all_day)
    return start < event_query.instant_text(window.end) and end > event_query.instant_text(window.start)


# -- events (no window) ----------------------------------------------------------------------------------

def _starts_after(event: Event, state: DeltaState) -> bool:
    return state.start is None or _start(event) >= datetime.fromisoformat(state.start)


def events_listing(uow: UnitOfWork, state: DeltaState, size: int) -> tuple[list[Entry], tuple[Any, ...] | None]:
    after = state.cursor[0] if state.cursor else None
    kept: list[Event] = []
    while len(kept) <= size:
        batch = uow.list_calendar_items_after(state.collection_id, after, 200)
        if not batch:
            break
        kept += [e for e in batch if _starts_after(e, state)]
        after = batch[-1].id
    shown = [Entry("reduced", e.id, e, (e.id,)) for e in kept[:size]]
    return shown, (shown[-1].sort if len(kept) > size else None)


def events_changes(uow: UnitOfWork, state: DeltaState) -> list[Entry]:
    keys = sorted({c.series_master_id if c.item_type == "exception" and c.series_master_id else c.item_id
                   for c in uow.list_changes(state.mailbox_id, "event", state.since, state.upto, state.collection_id)})
    out: list[Entry] = []
    for key in keys:
        current = uow.get_event(state.mailbox_id, key)
        if (current is not None and current.calendar_id == state.collection_id
                and current.type in ("singleInstance", "seriesMaster") and _starts_after(current, state)):
            out.append(Entry("reduced", key, current, (key,)))
        else:
            out.append(Entry("removed", key, None, (key,)))
    return out


# -- messages -------------------------------------------------------------------------------------------

def _received_ok(message: Message, state: DeltaState) -> bool:
    if state.received is None:
        return True
    op, text = state.received
    if message.received is None:
        return False
    bound = datetime.fromisoformat(text)
    return message.received >= bound if op == "ge" else message.received > bound


def messages_listing(uow: UnitOfWork, state: DeltaState, size: int) -> tuple[list[Entry], tuple[Any, ...] | None]:
    after = state.cursor[0] if state.cursor else None
    kept: list[Message] = []
    while len(kept) <= size:
        batch = uow.list_folder_messages_after(state.collection_id, after, 200)
        if not batch:
            break
        kept += [m for m in batch if _received_ok(m, state)]
        after = batch[-1].id
    shown = [Entry("full", m.id, m, (m.id,), "created") for m in kept[:size]]
    return shown, (shown[-1].sort if len(kept) > size else None)


def messages_changes(uow: UnitOfWork, state: DeltaState) -> list[Entry]:
    first: dict[str, ItemChange] = {}
    for change in uow.list_changes(state.mailbox_id, "message", state.since, state.upto, state.collection_id):
        first.setdefault(change.item_id, change)
    out: list[Entry] = []
    for item_id in sorted(first):
        current = uow.get_message(state.mailbox_id, item_id)
        if current is not None and current.folder_id == state.collection_id and _received_ok(current, state):
            change = first[item_id]
            entered = change.op == "created" or change.collection_before != state.collection_id
            out.append(Entry("full", item_id, current, (item_id,), "created" if entered else "updated"))
        else:
            out.append(Entry("removed", item_id, None, (item_id,), "deleted"))
    if state.change_type:
        out = [entry for entry in out if entry.change == state.change_type]
    return out
