"""Every route form resolves to one typed Address; unknown forms are Graph errors."""

import pytest

from calgraph.core.errors import BadRequest, UnknownRoute
from calgraph.http.routing import DEFAULT, Address, Owner, parse

E = "AAMkAGI2TG93AAA="
C = "AAMkCAL1AAA="
G = "AAMkGRP1AAA="


@pytest.mark.parametrize("path,expected", [
    ("/v1.0/me", Address("v1.0", "user", Owner("me", None))),
    ("/v1.0/users", Address("v1.0", "users")),
    ("/v1.0/groups", Address("v1.0", "groups")),
    ("/v1.0/users/alice%40contoso.com", Address("v1.0", "user", Owner("user", "alice@contoso.com"))),
    ("/v1.0/groups/g1/members", Address("v1.0", "groupMembers", Owner("group", "g1"))),
    ("/v1.0/me/events", Address("v1.0", "events", Owner("me", None))),
    (f"/v1.0/me/events/{E}", Address("v1.0", "event", Owner("me", None), event=E)),
    (f"/v1.0/me/calendar/events/{E}",
     Address("v1.0", "event", Owner("me", None), calendar=DEFAULT, event=E)),
    (f"/v1.0/me/calendars/{C}/events",
     Address("v1.0", "events", Owner("me", None), calendar=C)),
    (f"/v1.0/me/calendarGroups/{G}/calendars/{C}/events/{E}",
     Address("v1.0", "event", Owner("me", None), calendar_group=G, calendar=C, event=E)),
    (f"/beta/me/calendargroups/{G}/calendars/{C}/events/{E}",
     Address("beta", "event", Owner("me", None), calendar_group=G, calendar=C, event=E)),
    (f"/beta/me/calendargroup/calendars/{C}/events/{E}/decline",
     Address("beta", "eventAction", Owner("me", None), calendar_group=DEFAULT, calendar=C, event=E,
             action="decline")),
    (f"/v1.0/users/u1/events/{E}/TENTATIVELYACCEPT",
     Address("v1.0", "eventAction", Owner("user", "u1"), event=E, action="tentativelyAccept")),
    ("/v1.0/groups/g1/calendar/events", Address("v1.0", "events", Owner("group", "g1"), calendar=DEFAULT)),
    ("/v1.0/ME/CALENDARVIEW", Address("v1.0", "calendarView", Owner("me", None))),
    ("/v1.0/me/calendarGroups", Address("v1.0", "calendarGroups", Owner("me", None))),
    (f"/v1.0/me/calendarGroups/{G}/calendars",
     Address("v1.0", "calendars", Owner("me", None), calendar_group=G)),
    ("/v1.0/me/calendar/calendarPermissions",
     Address("v1.0", "calendarPermissions", Owner("me", None), calendar=DEFAULT)),
    ("/v1.0/me/mailFolders/inbox/messages",
     Address("v1.0", "messages", Owner("me", None), mail_folder="inbox")),
    (f"/v1.0/me/messages/{E}", Address("v1.0", "message", Owner("me", None), message=E)),
])
def test_route_forms(path, expected):
    assert parse(path) == expected


def test_segments_are_split_before_decoding():
    address = parse("/v1.0/me/events/AAMk%3D%2B%2Fid")
    assert address.event == "AAMk=+/id" and address.kind == "event"


@pytest.mark.parametrize("path", [
    "/v1.0/me/nothing", "/v1.0/me/events/x/bogusAction", "/v1.0/groups/g/calendars",
    "/v1.0/groups/g/events/x/accept/extra", "/v1.0/me/calendargroup", "/v1.0/",
])
def test_unknown_routes(path):
    with pytest.raises(UnknownRoute):
        parse(path)


def test_bad_version():
    with pytest.raises(BadRequest):
        parse("/v2.0/me")


@pytest.mark.parametrize("keyed,plain", [
    (f"/v1.0/me/events('{E}')", f"/v1.0/me/events/{E}"),
    (f"/v1.0/me/events(%27{E}%27)/accept", f"/v1.0/me/events/{E}/accept"),
    (f"/v1.0/users('alice%40contoso.com')/calendars('{C}')/events('{E}')",
     f"/v1.0/users/alice%40contoso.com/calendars/{C}/events/{E}"),
    (f"/v1.0/me/calendarGroups('{G}')/calendars('{C}')", f"/v1.0/me/calendarGroups/{G}/calendars/{C}"),
    (f"/v1.0/me/messages('{E}')", f"/v1.0/me/messages/{E}"),
    (f"/v1.0/me/events('{E}')/extensions('Com.Contoso.Ref')", f"/v1.0/me/events/{E}/extensions/Com.Contoso.Ref"),
    (f"/v1.0/me/events('{E}')/attachments('{C}')/$value", f"/v1.0/me/events/{E}/attachments/{C}/$value"),
    ("/v1.0/me/events('it''s')", "/v1.0/me/events/it's"),
])
def test_odata_key_syntax_routes_as_a_path_segment(keyed, plain):
    assert parse(keyed) == parse(plain)


@pytest.mark.parametrize("path,expected", [
    (f"/v1.0/me/events/{E}/extensions", Address("v1.0", "eventExtensions", Owner("me", None), event=E)),
    (f"/v1.0/me/calendar/events/{E}/attachments/{C}",
     Address("v1.0", "eventAttachment", Owner("me", None), calendar=DEFAULT, event=E, attachment=C)),
    (f"/v1.0/me/events/{E}/instances/{C}/attachments",
     Address("v1.0", "eventAttachments", Owner("me", None), event=C)),
    (f"/v1.0/me/events/{E}/attachments/createUploadSession",
     Address("v1.0", "eventUploadSession", Owner("me", None), event=E)),
    (f"/v1.0/me/mailFolders/inbox/messages/{E}/extensions/x",
     Address("v1.0", "messageExtension", Owner("me", None), mail_folder="inbox", message=E, extension="x")),
    (f"/v1.0/me/events/{E}/permanentDelete",
     Address("v1.0", "eventAction", Owner("me", None), event=E, action="permanentDelete")),
    (f"/v1.0/me/calendars/{C}/permanentDelete",
     Address("v1.0", "calendarAction", Owner("me", None), calendar=C, action="permanentDelete")),
    ("/v1.0/me/outlook/masterCategories", Address("v1.0", "masterCategories", Owner("me", None))),
    ("/v1.0/users/u1/outlook/masterCategories('c1')",
     Address("v1.0", "masterCategory", Owner("user", "u1"), category="c1")),
    ("/v1.0/me/reminderView(startDateTime='2024-01-01T00:00:00',endDateTime='2024-01-02T00:00:00')",
     Address("v1.0", "reminderView", Owner("me", None), window=("2024-01-01T00:00:00", "2024-01-02T00:00:00"))),
    ("/v1.0/me/reminderView", Address("v1.0", "reminderView", Owner("me", None))),
])
def test_item_children_and_new_routes(path, expected):
    assert parse(path) == expected


def test_group_events_have_no_attachments():
    with pytest.raises(UnknownRoute):
        parse(f"/v1.0/groups/g1/events/{E}/attachments")
    assert parse(f"/v1.0/groups/g1/events/{E}/extensions").kind == "eventExtensions"
