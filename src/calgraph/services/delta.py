"""Delta queries: calendarView/delta, events/delta, mailFolders/{id}/messages/delta.

A round starts without a token (the collection as it is) or with a delta token (what changed since its
watermark) and ends with a delta token; pages between carry skip tokens (calgraph.core.sync.delta_tokens).
The round's end watermark is read when it starts: changes committed while it is paged come (again) in the
next round. Change numbers are commit-ordered per mailbox (calgraph.store.sql_changes), so a watermark
never passes a change still uncommitted: a client never skips one. Pages resume from a key (never an
offset), so items changing between pages cannot push an untouched one out of the round.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime

from calgraph.core import permissions
from calgraph.core.errors import ItemNotFound
from calgraph.core.model import Mailbox
from calgraph.core.permissions import Principal
from calgraph.core.sync import delta_tokens
from calgraph.core.sync.delta_tokens import DeltaState, Feed, InvalidDeltaToken, SyncStateNotFound
from calgraph.services import access, delta_entries
from calgraph.services.calendar_view import Window
from calgraph.services.delta_entries import Entry
from calgraph.services.lookup import Scope, calendar_of
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork

KEY_SETTING = "delta_token_key"
SYNC_EPOCH = "sync_epoch"      # store.sql_changes renews it on a tenant reset or snapshot restore
_KEYS: dict[int, bytes] = {}


@dataclass(frozen=True)
class DeltaAsk:
    """What a request asks: the feed, whose collection, and either a token or the first call's options."""

    feed: Feed
    scope: Scope
    mail_folder: str | None = None
    token: str | None = None
    token_parameter: str = "$deltaToken"
    window: Window | None = None           # calendarView: required without a token
    start: datetime | None = None          # events: optional lower bound
    select: tuple[str, ...] | None = None
    change_type: str | None = None         # messages: created | updated | deleted
    received: tuple[str, datetime] | None = None   # messages: receivedDateTime ge | gt this


@dataclass(frozen=True)
class DeltaPage:
    mailbox: Mailbox
    entries: list[Entry]
    token: str                  # skip token when `more`, else delta token
    more: bool
    select: tuple[str, ...] | None
    include_body: bool


def token_key(rt: Runtime) -> bytes:
    known = _KEYS.get(id(rt.store))
    if known is None:
        with rt.store.unit_of_work(write=True) as uow:
            known = bytes.fromhex(uow.put_setting_if_absent(KEY_SETTING, os.urandom(32).hex()))
        _KEYS[id(rt.store)] = known
    return known


def delta(rt: Runtime, principal: Principal, ask: DeltaAsk, page_size: int) -> DeltaPage:
    key = token_key(rt)
    with rt.store.unit_of_work() as uow:
        mailbox, collection_id, include_body = _collection(uow, principal, ask)
        state = _state(uow, ask, key, mailbox, collection_id)
        entries, cursor = _page(uow, mailbox, state, page_size)
        if cursor is not None:
            token = delta_tokens.encode(replace(state, cursor=cursor), key)
        else:
            token = delta_tokens.encode(state.next_round(), key)
        return DeltaPage(mailbox, entries, token, cursor is not None, state.select, include_body)


def _collection(uow: UnitOfWork, principal: Principal, ask: DeltaAsk) -> tuple[Mailbox, str, bool]:
    if ask.feed == "messages":
        mailbox = access.owner_mailbox(uow, principal, ask.scope.owner_kind, ask.scope.owner_key)
        permissions.require_mail(principal, mailbox, "read")
        folder = uow.get_mail_folder(mailbox.id, ask.mail_folder or "")
        if folder is None:
            raise ItemNotFound()
        return mailbox, folder.id, True
    mailbox, calendar = calendar_of(uow, principal, ask.scope)
    access.require_calendar(uow, principal, mailbox, calendar, "readBasic")
    return mailbox, calendar.id, permissions.may_read_body(principal, mailbox)


def _state(uow: UnitOfWork, ask: DeltaAsk, key: bytes, mailbox: Mailbox, collection_id: str) -> DeltaState:
    watermark, pruned = uow.change_watermark(mailbox.id)
    epoch = uow.get_setting(SYNC_EPOCH) or ""
    if ask.token is None:
        window = ask.window
        return DeltaState(ask.feed, mailbox.id, collection_id, 0, initial=True, upto=watermark,
                          start=_text(window.start if window else ask.start), end=_text(window.end if window else None),
                          select=ask.select, change_type=ask.change_type,
                          received=None if ask.received is None else (ask.received[0], ask.received[1].isoformat()),
                          epoch=epoch)
    state = delta_tokens.decode(ask.token, key, ask.token_parameter)
    if (state.feed, state.mailbox_id, state.collection_id) != (ask.feed, mailbox.id, collection_id):
        raise InvalidDeltaToken(ask.token, ask.token_parameter)
    if state.epoch != epoch or max(state.since, state.upto) > watermark:   # minted before a reset
        raise SyncStateNotFound(state.since, watermark)
    if not state.initial and state.since < pruned:
        raise SyncStateNotFound(state.since, watermark)
    if ask.token_parameter == "$deltaToken":   # a new round: up to what has committed now
        state = replace(state, upto=watermark, cursor=())
    return state


def _page(uow: UnitOfWork, mailbox: Mailbox, state: DeltaState, size: int) -> tuple[list[Entry], tuple | None]:
    if state.feed == "calendarView":
        if state.initial:
            return delta_entries.view_listing(uow, state, size)
        return delta_entries.paged(delta_entries.view_changes(uow, state), state.cursor, size)
    if state.feed == "events":
        if state.initial:
            return delta_entries.events_listing(uow, state, size)
        return delta_entries.paged(delta_entries.events_changes(uow, state), state.cursor, size)
    if state.initial:
        return delta_entries.messages_listing(uow, state, size)
    return delta_entries.paged(delta_entries.messages_changes(uow, state), state.cursor, size)


def _text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()

