"""Calendars, calendar groups, users, groups and mail folders through the SDK."""

from __future__ import annotations

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.calendar import Calendar
from msgraph.generated.models.calendar_group import CalendarGroup
from msgraph.generated.models.event import Event
from msgraph.generated.models.group import Group
from msgraph.generated.models.user import User
from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder

from tests.e2e.conftest import graph_error, lunch


def only(**query) -> RequestConfiguration:
    return RequestConfiguration(query_parameters=EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(**query))


async def test_default_calendar(tenant):
    alice = tenant.users["alice"]
    client = tenant.client("alice")
    cal = await client.me.calendar.get()
    assert isinstance(cal, Calendar)
    assert cal.id and cal.name == "Calendar"
    assert cal.is_default_calendar is True
    assert cal.can_edit is True and cal.can_share is True
    assert cal.owner.address == alice.address and cal.owner.name == alice.name
    again = await client.users.by_user_id(alice.address).calendar.get()
    assert again.id == cal.id
    listed = await client.me.calendars.get()
    assert cal.id in [c.id for c in listed.value]


async def test_event_in_a_new_calendar(tenant):
    client = tenant.client("alice")
    cal = await client.me.calendars.post(Calendar(name="Project X"))
    assert cal.id and cal.name == "Project X" and cal.is_default_calendar is False

    ev = await client.me.calendars.by_calendar_id(cal.id).events.post(lunch("In Project X"))

    in_cal = await client.me.calendars.by_calendar_id(cal.id).events.get()
    assert [e.id for e in in_cal.value] == [ev.id]
    got = await client.me.calendars.by_calendar_id(cal.id).events.by_event_id(ev.id).get()
    assert got.subject == "In Project X"
    assert (await client.me.events.by_event_id(ev.id).get()).id == ev.id  # /me/events/{id}: any calendar
    # the default calendar does not hold it
    default_page = await client.me.calendar.events.get(only(filter="subject eq 'In Project X'"))
    assert default_page.value == []
    error = await graph_error(client.me.calendar.events.by_event_id(ev.id).get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")

    renamed = await client.me.calendars.by_calendar_id(cal.id).patch(Calendar(name="Project Y"))
    assert renamed.name == "Project Y"
    assert await client.me.calendars.by_calendar_id(cal.id).delete() is None
    error = await graph_error(client.me.calendars.by_calendar_id(cal.id).get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")
    error = await graph_error(client.me.events.by_event_id(ev.id).get())  # its events went with it
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")


async def test_calendar_groups(tenant):
    client = tenant.client("alice")
    groups = await client.me.calendar_groups.get()
    names = {g.name: g for g in groups.value}
    assert "My Calendars" in names
    default_cal = await client.me.calendar.get()
    in_default_group = await client.me.calendar_groups.by_calendar_group_id(names["My Calendars"].id).calendars.get()
    assert default_cal.id in [c.id for c in in_default_group.value]

    group = await client.me.calendar_groups.post(CalendarGroup(name="Projects"))
    assert group.id and group.name == "Projects" and group.class_id
    groups_cals = client.me.calendar_groups.by_calendar_group_id(group.id).calendars
    cal = await groups_cals.post(Calendar(name="Launch"))
    assert [c.id for c in (await groups_cals.get()).value] == [cal.id]

    ev = await groups_cals.by_calendar_id(cal.id).events.post(lunch("Launch party"))
    listed = await groups_cals.by_calendar_id(cal.id).events.get()
    assert [e.subject for e in listed.value] == ["Launch party"]
    got = await groups_cals.by_calendar_id(cal.id).events.by_event_id(ev.id).get()
    assert got.id == ev.id
    patched = await groups_cals.by_calendar_id(cal.id).events.by_event_id(ev.id).patch(Event(subject="Launch!"))
    assert patched.subject == "Launch!"
    # the calendar is also reachable without its group
    assert (await client.me.calendars.by_calendar_id(cal.id).get()).name == "Launch"
    # ... but not through another group
    error = await graph_error(client.me.calendar_groups.by_calendar_group_id(names["My Calendars"].id)
                              .calendars.by_calendar_id(cal.id).events.get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")


async def test_users_and_me(tenant):
    alice, bob = tenant.users["alice"], tenant.users["bob"]
    client = tenant.client("alice")
    me = await client.me.get()
    assert isinstance(me, User)
    assert (me.id, me.user_principal_name, me.mail, me.display_name) == (alice.id, alice.address, alice.address,
                                                                         alice.name)
    by_upn = await client.users.by_user_id(bob.address).get()
    by_id = await client.users.by_user_id(bob.id).get()
    assert by_upn.id == by_id.id == bob.id
    assert by_upn.display_name == "Bob Brown" and by_upn.given_name == "Bob" and by_upn.surname == "Brown"
    everyone = await client.users.get()
    assert {u.address for u in tenant.users.values()} <= {u.user_principal_name for u in everyone.value}
    error = await graph_error(client.users.by_user_id("nobody@contoso.test").get())
    assert error.response_status_code == 404


async def test_group_and_members(tenant):
    client = tenant.client("bob")
    group = await client.groups.by_group_id(tenant.group_id).get()
    assert isinstance(group, Group)
    assert (group.id, group.display_name, group.mail) == (tenant.group_id, "Team", tenant.group_address)
    members = await client.groups.by_group_id(tenant.group_id).members.get()
    assert sorted(m.id for m in members.value) == sorted([tenant.users["alice"].id, tenant.users["bob"].id])
    assert all(isinstance(m, User) for m in members.value)


async def test_group_events(tenant):
    alice = tenant.client("alice")
    created = await alice.groups.by_group_id(tenant.group_id).events.post(lunch("Team lunch"))
    assert created.subject == "Team lunch"
    assert created.organizer.email_address.address == tenant.group_address

    bob = tenant.client("bob")  # another member
    listed = await bob.groups.by_group_id(tenant.group_id).events.get()
    assert created.id in [e.id for e in listed.value]
    via_calendar = await bob.groups.by_group_id(tenant.group_id).calendar.events.get()
    assert created.id in [e.id for e in via_calendar.value]
    got = await bob.groups.by_group_id(tenant.group_id).events.by_event_id(created.id).get()
    assert got.subject == "Team lunch"
    patched = await bob.groups.by_group_id(tenant.group_id).events.by_event_id(created.id).patch(
        Event(subject="Team lunch (moved)"))
    assert patched.subject == "Team lunch (moved)"

    erin = tenant.client("erin")  # not a member
    error = await graph_error(erin.groups.by_group_id(tenant.group_id).events.get())
    assert (error.response_status_code, error.error.code) == (403, "ErrorAccessDenied")

    assert await alice.groups.by_group_id(tenant.group_id).events.by_event_id(created.id).delete() is None
    error = await graph_error(bob.groups.by_group_id(tenant.group_id).events.by_event_id(created.id).get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")


async def test_mail_folders(tenant):
    client = tenant.client("alice")
    inbox = await client.me.mail_folders.by_mail_folder_id("inbox").get()
    assert inbox.id and inbox.display_name == "Inbox"
    again = await client.me.mail_folders.by_mail_folder_id(inbox.id).get()
    assert again.id == inbox.id
    folders = await client.me.mail_folders.get()
    names = {f.display_name for f in folders.value}
    assert {"Inbox", "Sent Items", "Deleted Items"} <= names
    messages = await client.me.mail_folders.by_mail_folder_id("inbox").messages.get()
    assert messages.value is not None
