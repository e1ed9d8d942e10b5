"""Messages: storage, folder and mailbox lists, filters, ordering, paging."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from calgraph.core.errors import IrresolvableConflict
from calgraph.core.model import EmailAddress, MeetingInfo, Message, When
from calgraph.core.query import And, Call, Compare, ItemQuery, Not, OrderBy, Prop, Value
from calgraph.store import SqlStore
from tests.store.builders import Seeded

MakeMessage = Callable[..., Message]


def add(store: SqlStore, *messages: Message) -> None:
    with store.unit_of_work(write=True) as uow:
        for message in messages:
            uow.add_message(message)


def listed(store: SqlStore, seeded: Seeded, query: ItemQuery, folder: str | None = "inbox") -> list[str]:
    folder_id = {"inbox": seeded.inbox.id, "deleted": seeded.deleted.id, None: None}[folder]
    with store.unit_of_work() as uow:
        return [m.id for m in uow.query_messages(seeded.mailbox.id, folder_id, query).items]


def test_add_get_update_delete(store: SqlStore, seeded: Seeded, make_message: MakeMessage) -> None:
    message = make_message(kind="eventMessageRequest", event_id="ev-1",
                           to_recipients=(EmailAddress("a@x.com", "A"),),
                           meeting=MeetingInfo("meetingRequest", When(datetime(2025, 1, 1, 9), "UTC"),
                                               When(datetime(2025, 1, 1, 10), "UTC")))
    add(store, message)
    with store.unit_of_work(write=True) as uow:
        assert uow.get_message(seeded.mailbox.id, message.id, for_update=True) == message
        assert uow.get_message("other", message.id) is None
        read = message.evolve(is_read=True, change_key="mck-2")
        uow.update_message(read, expected_change_key=message.change_key)
    with store.unit_of_work(write=True) as uow:
        assert uow.get_message(seeded.mailbox.id, message.id) == read
        with pytest.raises(IrresolvableConflict):
            uow.update_message(read.evolve(subject="x"), expected_change_key=message.change_key)
        uow.delete_message(seeded.mailbox.id, message.id)
    with store.unit_of_work() as uow:
        assert uow.get_message(seeded.mailbox.id, message.id) is None


def test_default_order_is_newest_received_first(store: SqlStore, seeded: Seeded,
                                                make_message: MakeMessage) -> None:
    old, new, draft = make_message(), make_message(), make_message(received=None, is_draft=True)
    same_time = make_message(received=new.received)
    add(store, new, old, draft, same_time)
    assert listed(store, seeded, ItemQuery()) == [same_time.id, new.id, old.id, draft.id]


def test_folder_or_whole_mailbox(store: SqlStore, seeded: Seeded, make_message: MakeMessage) -> None:
    inbox, deleted = make_message(), make_message(folder_id=seeded.deleted.id)
    add(store, inbox, deleted)
    assert listed(store, seeded, ItemQuery()) == [inbox.id]
    assert listed(store, seeded, ItemQuery(), "deleted") == [deleted.id]
    assert listed(store, seeded, ItemQuery(), None) == [deleted.id, inbox.id]


def test_filters_and_orderby(store: SqlStore, seeded: Seeded, make_message: MakeMessage) -> None:
    invite = make_message(subject="Invitation: Sync", sender=EmailAddress("Boss@Contoso.com"), importance="high")
    reply = make_message(subject="Accepted: Sync", is_read=True)
    draft = make_message(subject="draft", received=None, sent=None, is_draft=True, sender=None)
    add(store, invite, reply, draft)

    def where(flt: Any) -> list[str]:
        return sorted(listed(store, seeded, ItemQuery(filter=flt)))

    assert where(Prop("isRead")) == [reply.id]
    assert where(Compare("eq", Prop("isRead"), Value(False))) == sorted([invite.id, draft.id])
    assert where(Compare("eq", Prop("from/emailAddress/address"), Value("boss@contoso.COM"))) == [invite.id]
    assert where(Call("contains", Prop("subject"), Value("SYNC"))) == sorted([invite.id, reply.id])
    assert where(Compare("eq", Prop("receivedDateTime"), Value(None))) == [draft.id]
    assert where(Compare("ne", Prop("receivedDateTime"), Value(None))) == sorted([invite.id, reply.id])
    cutoff = (invite.received + timedelta(seconds=30)).isoformat()  # type: ignore[operator]
    assert where(Compare("lt", Prop("receivedDateTime"), Value(cutoff))) == [invite.id]  # null is not "before"
    assert where(Compare("gt", Prop("receivedDateTime"), Value(cutoff))) == [reply.id]
    assert where(And(Not(Prop("isDraft")), Compare("eq", Prop("importance"), Value("HIGH")))) == [invite.id]
    assert listed(store, seeded, ItemQuery(orderby=(OrderBy("subject"),))) == [reply.id, draft.id, invite.id]
    assert listed(store, seeded, ItemQuery(orderby=(OrderBy("receivedDateTime"),))) == [
        draft.id, invite.id, reply.id]


def test_paging(store: SqlStore, seeded: Seeded, make_message: MakeMessage) -> None:
    messages = [make_message() for _ in range(5)]
    add(store, *messages)
    newest_first = [m.id for m in reversed(messages)]
    with store.unit_of_work() as uow:
        first = uow.query_messages(seeded.mailbox.id, seeded.inbox.id, ItemQuery(top=2, count=True))
        last = uow.query_messages(seeded.mailbox.id, None, ItemQuery(top=2, skip=4))
    assert ([m.id for m in first.items], first.has_more, first.total) == (newest_first[:2], True, 5)
    assert ([m.id for m in last.items], last.has_more) == (newest_first[4:], False)


def test_find_messages_by_event(store: SqlStore, seeded: Seeded, make_message: MakeMessage) -> None:
    first, other, second = (make_message(event_id="ev-1"), make_message(event_id="ev-2"),
                            make_message(event_id="ev-1", folder_id=seeded.deleted.id))
    for message in (first, other, second):
        add(store, message)
    with store.unit_of_work() as uow:
        assert uow.find_messages_by_event(seeded.mailbox.id, "ev-1") == [first, second]
        assert uow.find_messages_by_event("other", "ev-1") == []
