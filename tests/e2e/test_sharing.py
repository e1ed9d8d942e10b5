"""Sharing through the SDK: Erin grants Frank a calendarPermission; Frank then uses /users/{erin}/...
with Calendars.Read.Shared or Calendars.ReadWrite.Shared."""

from __future__ import annotations

from msgraph.generated.models.calendar import Calendar
from msgraph.generated.models.calendar_permission import CalendarPermission
from msgraph.generated.models.calendar_role_type import CalendarRoleType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event

from tests.e2e.conftest import graph_error, lunch


async def test_share_default_calendar_read_then_write(tenant):
    erin, frank = tenant.users["erin"], tenant.users["frank"]
    owner = tenant.client("erin")
    reader = tenant.client("frank_read_shared")    # Calendars.Read.Shared
    writer = tenant.client("frank_write_shared")   # Calendars.ReadWrite.Shared
    mine = await owner.me.events.post(lunch("Erin's dentist"))
    theirs = reader.users.by_user_id(erin.address)

    error = await graph_error(theirs.calendar.events.get())
    assert (error.response_status_code, error.error.code) == (403, "ErrorAccessDenied")

    granted = await owner.me.calendar.calendar_permissions.post(CalendarPermission(
        email_address=EmailAddress(address=frank.address, name=frank.name), role=CalendarRoleType.Read))
    assert granted.id and granted.role == CalendarRoleType.Read
    assert granted.email_address.address == frank.address
    listed = await owner.me.calendar.calendar_permissions.get()
    assert {(p.email_address.address, p.role) for p in listed.value} >= {(frank.address, CalendarRoleType.Read)}

    # read: the default calendar, by either container form, by id; with the body (Read.Shared > ReadBasic)
    for page in (await theirs.calendar.events.get(), await theirs.events.get(),
                 await tenant.client("frank_read_shared").users.by_user_id(erin.id).calendar.events.get()):
        assert mine.id in [e.id for e in page.value]
    got = await theirs.events.by_event_id(mine.id).get()
    assert got.subject == "Erin's dentist" and "Does noon work" in got.body.content

    # write: neither the read role nor the read scope allows it
    for client in (reader, writer):
        error = await graph_error(client.users.by_user_id(erin.address).calendar.events.post(lunch("Frank's")))
        assert (error.response_status_code, error.error.code) == (403, "ErrorAccessDenied")
        error = await graph_error(client.users.by_user_id(erin.address).events.by_event_id(mine.id)
                                  .patch(Event(subject="Frank was here")))
        assert (error.response_status_code, error.error.code) == (403, "ErrorAccessDenied")

    # role write: Frank's ReadWrite.Shared token may now create and update; the Read.Shared one still may not
    perm = owner.me.calendar.calendar_permissions.by_calendar_permission_id(granted.id)
    changed = await perm.patch(CalendarPermission(role=CalendarRoleType.Write))
    assert changed.role == CalendarRoleType.Write
    created = await writer.users.by_user_id(erin.address).calendar.events.post(lunch("Booked by Frank"))
    assert created.subject == "Booked by Frank"
    assert created.organizer.email_address.address == erin.address  # the calendar owner
    updated = await writer.users.by_user_id(erin.address).events.by_event_id(mine.id).patch(
        Event(subject="Erin's dentist (moved)"))
    assert updated.subject == "Erin's dentist (moved)"
    error = await graph_error(reader.users.by_user_id(erin.address).calendar.events.post(lunch("Nope")))
    assert (error.response_status_code, error.error.code) == (403, "ErrorAccessDenied")
    seen_by_erin = await owner.me.events.by_event_id(created.id).get()
    assert seen_by_erin.subject == "Booked by Frank"

    # revoke: back to 403
    assert await perm.delete() is None
    error = await graph_error(reader.users.by_user_id(erin.address).calendar.events.get())
    assert (error.response_status_code, error.error.code) == (403, "ErrorAccessDenied")


async def test_share_one_secondary_calendar(tenant):
    erin, frank = tenant.users["erin"], tenant.users["frank"]
    owner = tenant.client("erin")
    cal = await owner.me.calendars.post(Calendar(name="Erin's projects"))
    ev = await owner.me.calendars.by_calendar_id(cal.id).events.post(lunch("Project review"))
    await owner.me.calendars.by_calendar_id(cal.id).calendar_permissions.post(CalendarPermission(
        email_address=EmailAddress(address=frank.address), role=CalendarRoleType.Read))

    reader = tenant.client("frank_read_shared").users.by_user_id(erin.address)
    page = await reader.calendars.by_calendar_id(cal.id).events.get()
    assert [e.id for e in page.value] == [ev.id]
    assert (await reader.calendars.by_calendar_id(cal.id).events.by_event_id(ev.id).get()).subject == "Project review"
    calendars = await reader.calendars.get()
    assert cal.id in [c.id for c in calendars.value]
    # the default calendar is not shared by this
    error = await graph_error(reader.calendar.events.get())
    assert (error.response_status_code, error.error.code) == (403, "ErrorAccessDenied")


async def test_only_the_owner_manages_permissions(tenant):
    erin, frank = tenant.users["erin"], tenant.users["frank"]
    error = await graph_error(tenant.client("bob").users.by_user_id(erin.address).calendar.calendar_permissions.post(
        CalendarPermission(email_address=EmailAddress(address=frank.address), role=CalendarRoleType.Write)))
    assert (error.response_status_code, error.error.code) == (403, "ErrorAccessDenied")
