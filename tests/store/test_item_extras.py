"""The store's part of what apps hang on items: extended properties behind $filter, master categories,
attachments with their bytes in chunks, and upload sessions (the same contract on both databases)."""

from __future__ import annotations

from datetime import timedelta

from calgraph.core.attachments import UploadSession
from calgraph.core.model import Attachment, OutlookCategory, SingleValueProperty
from calgraph.core.query import ItemQuery, Not, Prop, PropertyAny, Value
from calgraph.store import SqlStore
from tests.store.builders import T0

PID = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name CrmId"


def test_extended_properties_filter_in_sql(store: SqlStore, seeded, make_event) -> None:
    tagged = make_event(single_value_properties=(SingleValueProperty(PID, "Alpha"),))
    other = make_event(single_value_properties=(SingleValueProperty(PID, "Beta"),))
    plain = make_event()
    with store.unit_of_work(write=True) as uow:
        for event in (tagged, other, plain):
            uow.add_event(event)

    def ids(flt) -> list[str]:
        with store.unit_of_work() as uow:
            return sorted(e.id for e in uow.query_events([seeded.calendar.id], ItemQuery(flt, top=50)).items)

    prop = Prop("singleValueExtendedProperties")
    assert ids(PropertyAny(prop, PID.upper(), "eq", Value("alpha"))) == [tagged.id]
    assert ids(PropertyAny(prop, PID)) == [tagged.id, other.id]
    assert ids(PropertyAny(prop, PID, "gt", Value("alpha"))) == [other.id]
    assert ids(Not(PropertyAny(prop, PID))) == [plain.id]
    with store.unit_of_work(write=True) as uow:   # an update rewrites the indexed values
        before = uow.get_event(seeded.mailbox.id, tagged.id, for_update=True)
        uow.update_event(before.evolve(single_value_properties=(SingleValueProperty(PID, "Gamma"),),
                                       change_key="ck-new"), expected_change_key=before.change_key)
    assert ids(PropertyAny(prop, PID, "eq", Value("alpha"))) == []
    assert ids(PropertyAny(prop, PID, "eq", Value("GAMMA"))) == [tagged.id]


def test_message_extended_properties_filter_in_sql(store: SqlStore, seeded, make_message) -> None:
    tagged = make_message(single_value_properties=(SingleValueProperty(PID, "Alpha"),))
    plain = make_message()
    with store.unit_of_work(write=True) as uow:
        uow.add_message(tagged)
        uow.add_message(plain)

    def ids(flt) -> list[str]:
        with store.unit_of_work() as uow:
            return sorted(m.id for m in uow.query_messages(seeded.mailbox.id, None, ItemQuery(flt, top=50)).items)

    prop = Prop("singleValueExtendedProperties")
    assert ids(PropertyAny(prop, PID.lower(), "eq", Value("ALPHA"))) == [tagged.id]
    assert ids(Not(PropertyAny(prop, PID))) == [plain.id]
    with store.unit_of_work(write=True) as uow:   # an update rewrites the indexed values
        before = uow.get_message(seeded.mailbox.id, plain.id, for_update=True)
        uow.update_message(before.evolve(single_value_properties=(SingleValueProperty(PID, "Beta"),),
                                         change_key="ck-new"), expected_change_key=before.change_key)
    assert ids(PropertyAny(prop, PID, "eq", Value("alpha"))) == [tagged.id]
    assert ids(PropertyAny(prop, PID, "eq", Value("beta"))) == [plain.id]
    with store.unit_of_work(write=True) as uow:   # the indexed values go with the message
        uow.delete_message(seeded.mailbox.id, tagged.id)
    assert ids(PropertyAny(prop, PID)) == [plain.id]


def test_categories(store: SqlStore, seeded) -> None:
    box = seeded.mailbox.id
    with store.unit_of_work(write=True) as uow:
        assert uow.add_category(OutlookCategory("c1", box, "Red", "preset0"))
        assert uow.add_category(OutlookCategory("c2", box, "Blue", "preset7"))
        assert not uow.add_category(OutlookCategory("c3", box, "RED", "none"))   # names are unique, any case
        uow.update_category(OutlookCategory("c2", box, "Blue", "preset8"))
    with store.unit_of_work(write=True) as uow:
        assert [(c.display_name, c.color) for c in uow.list_categories(box)] == [("Red", "preset0"), ("Blue", "preset8")]
        uow.delete_category(box, "c1")
        assert uow.get_category(box, "c1") is None and uow.get_category(box, "c2").color == "preset8"


def _attachment(n: int, mailbox_id: str, size: int) -> Attachment:
    return Attachment(f"att-{n}", mailbox_id, "file", f"file{n}.bin", T0, size=size)


def test_attachment_bytes_in_chunks_copies_and_cascade(store: SqlStore, seeded, make_event, make_message) -> None:
    event, message = make_event(), make_message()
    data = [b"a" * 1000, b"b" * 500]
    with store.unit_of_work(write=True) as uow:
        uow.add_event(event)
        uow.add_message(message)
        uow.add_attachment("event", event.id, _attachment(1, seeded.mailbox.id, 1500))
        assert uow.add_attachment_chunks("att-1", iter(data)) == 1500
        copied = uow.copy_attachments("event", event.id, "message", message.id, seeded.mailbox.id, iter(["att-2"]))
    with store.unit_of_work() as uow:
        assert [a.id for a in copied] == ["att-2"]
        assert [a.id for a in uow.list_attachments("message", message.id)] == ["att-2"]
        assert [uow.read_attachment_chunk("att-2", n) for n in range(3)] == [*data, None]
        assert uow.mailbox_attachment_bytes(seeded.mailbox.id) == 3000
        assert uow.get_attachment("event", event.id, "att-2") is None      # each item its own
    with store.unit_of_work(write=True) as uow:
        uow.delete_event(seeded.mailbox.id, event.id)                     # its attachments and bytes go too
    with store.unit_of_work() as uow:
        assert uow.read_attachment_chunk("att-1", 0) is None and uow.mailbox_attachment_bytes(seeded.mailbox.id) == 1500


def test_upload_session_advances_once(store: SqlStore, seeded, make_event) -> None:
    event = make_event()
    session = UploadSession("s-1", _attachment(3, seeded.mailbox.id, 10), "event", event.id, "hash", 0,
                            T0 + timedelta(hours=1))
    with store.unit_of_work(write=True) as uow:
        uow.add_event(event)
        uow.add_upload_session(session)
    with store.unit_of_work() as uow:
        assert uow.list_attachments("event", event.id) == []              # incomplete: listed nowhere
        found = uow.get_upload_session("s-1")
        assert (found.item_kind, found.item_id, found.received, found.attachment.size) == ("event", event.id, 0, 10)
    with store.unit_of_work(write=True) as uow:
        assert uow.advance_upload_session(found, 6, T0 + timedelta(hours=2))
        assert not uow.advance_upload_session(found, 6, T0 + timedelta(hours=2))   # stale `received`: refused
        uow.complete_attachment("att-3")
        uow.delete_upload_session("s-1", with_attachment=False)
    with store.unit_of_work(write=True) as uow:
        assert [a.id for a in uow.list_attachments("event", event.id)] == ["att-3"]
        assert uow.get_upload_session("s-1") is None
        uow.add_upload_session(UploadSession("s-2", _attachment(4, seeded.mailbox.id, 5), "event", event.id, "h",
                                             0, T0))
        uow.delete_expired_upload_sessions(seeded.mailbox.id, T0 + timedelta(seconds=1))
        assert uow.get_upload_session("s-2") is None and uow.mailbox_attachment_bytes(seeded.mailbox.id) == 10
