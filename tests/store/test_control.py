"""The control plane's share of the store contract (SQLite and PostgreSQL): tenant snapshots restore
exactly (changed, added and removed rows, cascades), settings that change, fault rules taken atomically,
throttling counters, meeting messages across mailboxes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from calgraph.core.faults import ThrottleCounter
from calgraph.core.model import MeetingInfo, When
from calgraph.store.sql_control import NOT_TENANT_STATE, tenant_tables
from tests.store.builders import T0, build_mailbox


def rows(store) -> dict[str, list[tuple]]:
    from sqlalchemy import select

    with store.engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr) for t in tenant_tables()}


def test_tenant_tables_are_every_table_but_the_server_state():
    names = {t.name for t in tenant_tables()}
    assert {"mailboxes", "events", "messages", "calendar_permissions", "event_categories"} <= names
    assert not names & NOT_TENANT_STATE


def test_restore_undoes_changes_additions_and_removals(store, seeded, make_event, make_message):
    kept, changed, removed = make_event(categories=("Red",)), make_event(categories=("Blue",)), make_event()
    message = make_message()
    with store.unit_of_work(write=True) as uow:
        for event in (kept, changed, removed):
            uow.add_event(event)
        uow.add_message(message)
        uow.put_setting("tenant_id", "kept")
        uow.save_snapshot("s", T0)
    before = rows(store)

    with store.unit_of_work(write=True) as uow:
        uow.update_event(changed.evolve(subject="Changed", change_key="ck-new", categories=("Green",)),
                         expected_change_key=changed.change_key)
        uow.delete_event(removed.mailbox_id, removed.id)
        uow.add_event(make_event())
        uow.update_message(message.evolve(is_read=True, change_key="m-new"))
        uow.add_mailbox(build_mailbox(2))
    assert rows(store) != before

    with store.unit_of_work(write=True) as uow:
        assert uow.restore_snapshot("s") is True
    assert rows(store) == before
    with store.unit_of_work() as uow:
        assert uow.get_event(seeded.mailbox.id, changed.id).subject == changed.subject
        assert uow.get_mailbox(build_mailbox(2).id) is None
        assert [name for name, _ in uow.list_snapshots()] == ["s"]


def test_clear_restore_unknown_and_delete(store, seeded, make_event):
    with store.unit_of_work(write=True) as uow:
        uow.add_event(make_event())
        uow.save_snapshot("full", T0)
        uow.clear_tenant()
        assert uow.get_mailbox(seeded.mailbox.id) is None
        assert uow.restore_snapshot("missing") is False
        assert uow.restore_snapshot("full") is True
        assert uow.get_mailbox(seeded.mailbox.id) is not None
        assert uow.delete_snapshot("full") is True and uow.delete_snapshot("full") is False
        assert uow.list_snapshots() == []


def test_settings_change_and_the_control_version(store):
    with store.unit_of_work(write=True) as uow:
        assert uow.control_version() == ""
        uow.put_setting("control_version", "a")
        uow.put_setting("control_version", "b")
    assert store.control_version() == "b"


def test_limited_fault_rules_are_taken_once_each_across_threads(store):
    with store.unit_of_work(write=True) as uow:
        uow.add_fault_rule("r1", '{"id": "r1"}', 5)
        uow.add_fault_rule("r2", '{"id": "r2"}', None)

    def take(_: int) -> bool:
        with store.unit_of_work(write=True) as uow:
            return uow.consume_fault_rule("r1")

    with ThreadPoolExecutor(4) as pool:
        taken = list(pool.map(take, range(12)))
    assert taken.count(True) == 5
    with store.unit_of_work(write=True) as uow:
        assert [(r.id, r.remaining) for r in uow.list_fault_rules()] == [("r1", 0), ("r2", None)]
        assert uow.delete_fault_rule("r2") and not uow.delete_fault_rule("r2")
        uow.clear_fault_rules()
        assert uow.list_fault_rules() == []


def test_throttle_counters(store):
    with store.unit_of_work(write=True) as uow:
        assert uow.lock_throttle_counter("app|box", 100) == ThrottleCounter(100, 0, 0, 100)
        uow.put_throttle_counter("app|box", ThrottleCounter(100, 3, 2, 101))
    with store.unit_of_work(write=True) as uow:
        uow.release_throttle_slot("app|box")
        assert uow.lock_throttle_counter("app|box", 200) == ThrottleCounter(100, 3, 1, 101)


def test_meeting_messages_of_every_mailbox_newest_first(store, seeded, make_message):
    info = MeetingInfo("meetingRequest", When(T0.replace(tzinfo=None), "UTC"), When(T0.replace(tzinfo=None), "UTC"))
    old, new = make_message(kind="eventMessageRequest", meeting=info), make_message(kind="eventMessageRequest",
                                                                                    meeting=info)
    plain = make_message()
    with store.unit_of_work(write=True) as uow:
        for message in (old, new, plain):
            uow.add_message(message)
        assert [m.id for m in uow.list_meeting_messages(None, None, 10)] == [new.id, old.id]
        assert [m.id for m in uow.list_meeting_messages(seeded.mailbox.id, new.received, 10)] == [new.id]
        assert uow.list_meeting_messages("nobody", None, 10) == []
        before = uow.tenant_fingerprint()
        uow.delete_message(seeded.mailbox.id, old.id)
        assert uow.tenant_fingerprint() != before


def test_restore_brings_back_attachment_bytes(store, seeded, make_event):
    from calgraph.core.model import Attachment

    event = make_event()
    with store.unit_of_work(write=True) as uow:
        uow.add_event(event)
        uow.add_attachment("event", event.id, Attachment("att-1", seeded.mailbox.id, "file", "a.bin", T0, size=6))
        uow.add_attachment_chunks("att-1", [b"\x00\x01\x02", b"\xff\xfe\xfd"])
        uow.save_snapshot("with-file", T0)
        uow.delete_attachment("att-1")
        uow.add_attachment("event", event.id, Attachment("att-2", seeded.mailbox.id, "file", "b.bin", T0, size=1))
    with store.unit_of_work(write=True) as uow:
        assert uow.restore_snapshot("with-file")
        assert [a.id for a in uow.list_attachments("event", event.id)] == ["att-1"]
        assert [uow.read_attachment_chunk("att-1", n) for n in range(3)] == [b"\x00\x01\x02", b"\xff\xfe\xfd", None]
