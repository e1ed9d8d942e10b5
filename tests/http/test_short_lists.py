"""$filter / $orderby / $top on the short lists kept in memory: calendars, calendar groups,
mail folders, calendar permissions and group members."""

from __future__ import annotations

from tests.http.conftest import assert_error


def test_find_calendar_by_name(as_alice):
    for name in ("Work", "Family", "Football"):
        assert as_alice.post("/me/calendars", json={"name": name}).status_code == 201
    found = as_alice.get("/me/calendars", params={"$filter": "name eq 'work'"}).json()["value"]
    assert [c["name"] for c in found] == ["Work"]
    starts = as_alice.get("/me/calendars", params={"$filter": "startswith(name,'F')", "$orderby": "name desc"})
    assert [c["name"] for c in starts.json()["value"]] == ["Football", "Family"]
    default = as_alice.get("/me/calendars", params={"$filter": "isDefaultCalendar eq true"}).json()["value"]
    assert [c["name"] for c in default] == ["Calendar"]
    counted = as_alice.get("/me/calendars", params={"$filter": "not isDefaultCalendar", "$count": "true",
                                                    "$top": "2"}).json()
    assert counted["@odata.count"] == 3 and len(counted["value"]) == 2 and "@odata.nextLink" in counted
    assert_error(as_alice.get("/me/calendars", params={"$filter": "nosuch eq 1"}), 400, "RequestBroker--ParseUri")


def test_calendar_groups_and_folders_filter(as_alice):
    as_alice.post("/me/calendarGroups", json={"name": "Sports"})
    groups = as_alice.get("/me/calendarGroups", params={"$filter": "name eq 'Sports'"}).json()["value"]
    assert [g["name"] for g in groups] == ["Sports"]
    as_alice.post("/me/mailFolders/inbox/messages", json={"subject": "hello"})
    busy = as_alice.get("/me/mailFolders", params={"$filter": "totalItemCount gt 0"}).json()["value"]
    assert [f["displayName"] for f in busy] == ["Inbox"]
    ordered = as_alice.get("/me/mailFolders", params={"$orderby": "displayName"}).json()["value"]
    assert [f["displayName"] for f in ordered] == sorted(f["displayName"] for f in ordered)


def test_permissions_and_members_filter(tenant, alice, bob):
    carol = tenant.user("carol@contoso.com", "Carol")
    owner = tenant.api(alice)
    for who, role in ((bob, "read"), (carol, "write")):
        owner.post("/me/calendar/calendarPermissions", json={"emailAddress": {"address": who.address}, "role": role})
    writers = owner.get("/me/calendar/calendarPermissions", params={"$filter": "role eq 'write'"}).json()["value"]
    assert [p["emailAddress"]["address"] for p in writers] == ["carol@contoso.com"]
    group = tenant.group("team@contoso.com", "Team", [alice.address, bob.address, carol.address])
    members = owner.get(f"/groups/{group.id}/members",
                        params={"$filter": "startswith(displayName,'b') or displayName eq 'Carol'",
                                "$orderby": "displayName desc"}).json()["value"]
    assert [m["displayName"] for m in members] == ["Carol", "Bob Brown"]
