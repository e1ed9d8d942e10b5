"""Settings, mailboxes, group members, calendar groups, calendars, permissions and mail folders."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from calgraph.core.model import Calendar, CalendarGroup, CalendarPermission, EmailAddress, Mailbox, MailFolder
from calgraph.core.query import Call, Compare, ItemQuery, OrderBy, Prop, Value
from calgraph.store import SqlStore
from tests.store.builders import Seeded


def test_settings(store: SqlStore) -> None:
    with store.unit_of_work(write=True) as uow:
        assert uow.get_setting("signing-key") is None
        assert uow.put_setting_if_absent("signing-key", "first") == "first"
        assert uow.put_setting_if_absent("signing-key", "second") == "first"
    with store.unit_of_work() as uow:
        assert uow.get_setting("signing-key") == "first"


def test_mailboxes_by_id_or_address(store: SqlStore, make_mailbox: Callable[..., Mailbox]) -> None:
    user = make_mailbox(1)
    with store.unit_of_work(write=True) as uow:
        uow.add_mailbox(user)
    with store.unit_of_work() as uow:
        assert uow.get_mailbox(user.id) == user
        assert uow.get_mailbox("user1@example.COM") == user
        assert uow.get_mailbox("nobody@example.com") is None


def test_list_mailboxes_filters_orders_and_pages(store: SqlStore, make_mailbox: Callable[..., Mailbox]) -> None:
    names = ["Megan Bowen", "adele Vance", "Alex Wilber", "Diego Siciliani"]
    users = [make_mailbox(n, name=name) for n, name in enumerate(names, start=1)]
    with store.unit_of_work(write=True) as uow:
        for user in users:
            uow.add_mailbox(user)
        uow.add_mailbox(make_mailbox(9, kind="group", name="Sales"))
    with store.unit_of_work() as uow:
        everyone = uow.list_mailboxes("user", ItemQuery())
        assert [m.display_name for m in everyone.items] == names            # creation order
        assert [m.display_name for m in uow.list_mailboxes("group", ItemQuery()).items] == ["Sales"]
        by_name = uow.list_mailboxes("user", ItemQuery(orderby=(OrderBy("displayName"),)))
        assert [m.display_name for m in by_name.items] == ["adele Vance", "Alex Wilber", "Diego Siciliani",
                                                           "Megan Bowen"]
        starts_a = uow.list_mailboxes("user", ItemQuery(filter=Call("startswith", Prop("displayName"), Value("A"))))
        assert {m.display_name for m in starts_a.items} == {"adele Vance", "Alex Wilber"}
        by_mail = uow.list_mailboxes("user", ItemQuery(filter=Compare("eq", Prop("mail"), Value("USER3@example.com"))))
        assert [m.id for m in by_mail.items] == [users[2].id]
        page = uow.list_mailboxes("user", ItemQuery(top=3, skip=0, count=True))
        assert (len(page.items), page.has_more, page.total) == (3, True, 4)
        last = uow.list_mailboxes("user", ItemQuery(top=3, skip=3))
        assert ([m.display_name for m in last.items], last.has_more, last.total) == (["Diego Siciliani"], False, None)


def test_group_members(store: SqlStore, make_mailbox: Callable[..., Mailbox]) -> None:
    group, alice, bob = make_mailbox(1, "group"), make_mailbox(2), make_mailbox(3)
    with store.unit_of_work(write=True) as uow:
        for mailbox in (group, alice, bob):
            uow.add_mailbox(mailbox)
        uow.add_group_member(group.id, bob.id)
        uow.add_group_member(group.id, alice.id)
        uow.add_group_member(group.id, alice.id)  # idempotent
    with store.unit_of_work() as uow:
        assert uow.list_group_members(group.id) == [alice, bob]
        assert uow.is_group_member(group.id, alice.id)
        assert not uow.is_group_member(group.id, group.id)


def test_calendar_groups(store: SqlStore, seeded: Seeded) -> None:
    mb = seeded.mailbox.id
    extra = CalendarGroup("cg-2", mb, "Other Calendars", "class-2", "ck")
    with store.unit_of_work(write=True) as uow:
        uow.add_calendar_group(extra)
        uow.add_calendar(Calendar("cal-x", mb, "In extra", "ck", extra.id))
    with store.unit_of_work(write=True) as uow:
        assert uow.list_calendar_groups(mb) == [seeded.group, extra]
        assert uow.default_calendar_group(mb) == seeded.group
        assert uow.get_calendar_group(mb, extra.id) == extra
        assert uow.get_calendar_group("someone-else", extra.id) is None
        renamed = CalendarGroup(extra.id, mb, "Renamed", extra.class_id, "ck2")
        uow.update_calendar_group(renamed)
        assert uow.get_calendar_group(mb, extra.id) == renamed
    with store.unit_of_work(write=True) as uow:
        uow.delete_calendar_group(mb, extra.id)
    with store.unit_of_work() as uow:
        assert uow.get_calendar_group(mb, extra.id) is None
        assert uow.get_calendar(mb, "cal-x") is None   # its calendars went with it


def test_calendars(store: SqlStore, seeded: Seeded) -> None:
    mb = seeded.mailbox.id
    loose = Calendar("cal-3", mb, "No group", "ck3", None, color="lightBlue", hex_color="#a0c0ff")
    with store.unit_of_work(write=True) as uow:
        uow.add_calendar(loose)
    with store.unit_of_work(write=True) as uow:
        assert uow.list_calendars(mb) == [seeded.calendar, seeded.other_calendar, loose]
        assert uow.list_calendars(mb, seeded.group.id) == [seeded.calendar, seeded.other_calendar]
        assert uow.default_calendar(mb) == seeded.calendar
        assert uow.get_calendar(mb, loose.id) == loose
        assert uow.get_calendar("other-mailbox", loose.id) is None
        changed = Calendar(loose.id, mb, "Renamed", "ck4", seeded.group.id, color="auto")
        uow.update_calendar(changed)
        assert uow.get_calendar(mb, loose.id) == changed
        uow.delete_calendar(mb, loose.id)
        assert uow.get_calendar(mb, loose.id) is None


def test_a_default_calendar_id_is_remembered_until_the_store_forgets(store: SqlStore, seeded: Seeded) -> None:
    mb = seeded.mailbox.id
    with store.unit_of_work(write=True) as uow:   # a write unit reads it but does not remember it
        assert uow.default_calendar_id(mb) == seeded.calendar.id
    _make_default(store, seeded.other_calendar.id)   # behind the store's back, as a restore would
    with store.unit_of_work() as uow:
        assert uow.default_calendar_id(mb) == seeded.other_calendar.id
        assert uow.default_calendar_id("no-such-mailbox") is None
    _make_default(store, seeded.calendar.id)
    with store.unit_of_work() as uow:
        assert uow.default_calendar_id(mb) == seeded.other_calendar.id   # remembered
        assert uow.default_calendar(mb) == seeded.calendar               # the calendar itself is read
    store.forget_cached()
    with store.unit_of_work() as uow:
        assert uow.default_calendar_id(mb) == seeded.calendar.id


def _make_default(store: SqlStore, calendar_id: str) -> None:
    with store.unit_of_work(write=True) as uow:
        uow.conn.execute(text("UPDATE calendars SET is_default = (id = :id)"), {"id": calendar_id})


def test_calendar_permissions(store: SqlStore, seeded: Seeded) -> None:
    cal = seeded.calendar.id
    org = CalendarPermission("perm-1", cal, EmailAddress("", "My Organization"), "freeBusyRead", False, True)
    bob = CalendarPermission("perm-2", cal, EmailAddress("Bob@Example.com", "Bob"), "read")
    with store.unit_of_work(write=True) as uow:
        uow.add_calendar_permission(org)
        uow.add_calendar_permission(bob)
    with store.unit_of_work(write=True) as uow:
        assert uow.list_calendar_permissions(cal) == [org, bob]
        assert uow.get_calendar_permission(cal, bob.id) == bob
        assert uow.get_calendar_permission(seeded.other_calendar.id, bob.id) is None
        uow.update_calendar_permission(CalendarPermission(bob.id, cal, bob.email, "write"))
        assert uow.get_calendar_permission(cal, bob.id).role == "write"  # type: ignore[union-attr]
        uow.delete_calendar_permission(cal, org.id)
        assert [p.id for p in uow.list_calendar_permissions(cal)] == [bob.id]


def test_mail_folders(store: SqlStore, seeded: Seeded) -> None:
    mb = seeded.mailbox.id
    custom = MailFolder("f-custom", mb, "Projects")
    with store.unit_of_work(write=True) as uow:
        uow.add_mail_folder(custom)
    with store.unit_of_work() as uow:
        assert uow.list_mail_folders(mb) == [seeded.inbox, seeded.deleted, custom]
        assert uow.get_mail_folder(mb, "f-inbox") == seeded.inbox
        assert uow.get_mail_folder(mb, "DeletedItems") == seeded.deleted
        assert uow.get_mail_folder(mb, custom.id) == custom
        assert uow.get_mail_folder("other", "inbox") is None
        assert uow.get_mail_folder(mb, "sentitems") is None
