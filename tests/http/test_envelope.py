"""The protocol around every call (§7.1): error envelope, request ids, content types, unknown routes and
methods, bad versions, and a battery of malformed requests that must never produce a 500."""

from __future__ import annotations

import itertools
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import pytest

from tests.http.conftest import assert_error, event_body

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def check_envelope(response, status: int | None = None) -> dict[str, Any]:
    """Graph's error envelope, exactly: error{code, message, innerError{date, request-id, client-request-id}}."""
    if status is not None:
        assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "innerError"}, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    inner = error["innerError"]
    assert set(inner) == {"date", "request-id", "client-request-id"}, inner
    assert DATE.match(inner["date"]), inner["date"]
    assert inner["request-id"] == response.headers["request-id"]
    assert inner["client-request-id"] == response.headers["client-request-id"]
    return error


# -- envelope and headers ---------------------------------------------------------------------------

class TestEnvelope:
    def test_error_shape_for_every_status(self, tenant, alice, as_alice):
        eid = as_alice.post("/me/events", json=event_body()).json()["id"]
        stale = as_alice.get(f"/me/events/{eid}").json()["@odata.etag"]
        as_alice.patch(f"/me/events/{eid}", json={"subject": "v2"})
        cases = [
            (tenant.api(None).get("/me"), 401),
            (as_alice.get("http://testserver/v2.0/me"), 400),
            (as_alice.get("/me/events/not-an-id"), 400),
            (tenant.api(alice, ["User.Read"]).get("/me/events"), 403),
            (as_alice.get("/me/nothing"), 404),
            (as_alice.get("/users/nobody@contoso.com"), 404),
            (as_alice.request("PUT", "/me/events"), 405),
            (as_alice.post("/me/calendars", json={"name": "Calendar"}), 409),
            (as_alice.patch(f"/me/events/{eid}", json={"subject": "v3"}, headers={"If-Match": stale}), 412),
        ]
        for response, status in cases:
            check_envelope(response, status)

    def test_inner_error_date_is_now_without_fraction_or_z(self, as_alice):
        before = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
        date = check_envelope(as_alice.get("/me/nothing"), 404)["innerError"]["date"]
        after = datetime.now(timezone.utc).replace(tzinfo=None)
        assert "." not in date and not date.endswith("Z")
        assert before - timedelta(seconds=1) <= datetime.fromisoformat(date) <= after

    def test_request_ids(self, as_alice):
        ok = as_alice.get("/me")
        fail = as_alice.get("/me/nothing")
        for response in (ok, fail):
            rid = response.headers["request-id"]
            assert str(uuid.UUID(rid)) == rid
            assert response.headers["client-request-id"] == rid   # no client id sent: equals request-id
            assert response.headers["Cache-Control"] == "private"
        assert ok.headers["request-id"] != fail.headers["request-id"]
        assert check_envelope(fail)["innerError"]["client-request-id"] == fail.headers["request-id"]

    def test_client_request_id_is_echoed(self, tenant, as_alice):
        cid = str(uuid.uuid4())
        for response in [
            as_alice.get("/me", headers={"client-request-id": cid}),
            as_alice.get("/me/nothing", headers={"client-request-id": cid}),
            as_alice.post("/me/events", content=b"", headers={"Client-Request-Id": cid}),
            tenant.api(None).get("/me", headers={"client-request-id": cid}),
        ]:
            assert response.headers["client-request-id"] == cid
            assert response.headers["request-id"] != cid
            if response.status_code >= 400:
                assert check_envelope(response)["innerError"]["client-request-id"] == cid
        free_form = as_alice.get("/me/nothing", headers={"client-request-id": "my own id 42"})
        assert check_envelope(free_form)["innerError"]["client-request-id"] == "my own id 42"

    def test_json_content_type_and_empty_204(self, as_alice):
        for response in [as_alice.get("/me"), as_alice.get("/me/events"),
                         as_alice.post("/me/events", json=event_body()), as_alice.get("/me/nothing")]:
            assert response.headers["content-type"].split(";")[0].strip() == "application/json"
            json.loads(response.content)
        eid = as_alice.post("/me/events", json=event_body()).json()["id"]
        deleted = as_alice.delete(f"/me/events/{eid}")
        assert deleted.status_code == 204 and deleted.content == b""
        assert deleted.headers["request-id"]

    def test_unicode_survives(self, as_alice):
        r = as_alice.post("/me/events", json=event_body(subject="Déjeuner 🍽 日本"))
        assert r.status_code == 201
        assert "Déjeuner 🍽 日本".encode() in r.content        # UTF-8, not \u-escaped
        assert r.json()["subject"] == "Déjeuner 🍽 日本"


class TestRoutesAndMethods:
    @pytest.mark.parametrize("path", [
        "/v1.0/me/nothing", "/v1.0/nothing", "/v1.0", "/v1.0/", "/v1.0/me/events/AAMk/extra/deep",
        "/v1.0/groups/x/calendars", "/v1.0/me/calendargroup", "/v1.0/$metadata", "/v1.0/$batch/x",
        "/v1.0/me/events/x/bogusAction", "/v1.0/subscriptions/x/extra",
    ])
    def test_unknown_route_is_404_envelope(self, as_alice, path):
        check_envelope(as_alice.get(path), 404)

    def test_unknown_route_names_the_segment(self, as_alice):
        error = check_envelope(as_alice.get("/me/nothing"), 404)
        assert "nothing" in error["message"]

    @pytest.mark.parametrize("method,path", [
        ("PUT", "/me/events"), ("DELETE", "/me/events"), ("PATCH", "/me/events"),
        ("POST", "/me/calendar"), ("PUT", "/me/calendar"), ("PATCH", "/me/calendars"),
        ("POST", "/me"), ("DELETE", "/users"), ("POST", "/me/mailFolders"), ("DELETE", "/me/mailFolders/inbox"),
        ("PUT", "/me/messages"), ("POST", "/me/calendarGroups/{gid}"),
        ("OPTIONS", "/me/events"), ("TRACE", "/me/events"), ("FROB", "/me/calendars"), ("CONNECT", "/me"),
    ])
    def test_unsupported_method_is_405_envelope(self, as_alice, method, path):
        gid = as_alice.get("/me/calendarGroups").json()["value"][0]["id"]
        check_envelope(as_alice.request(method, path.format(gid=gid)), 405)

    def test_unsupported_method_on_unknown_route_is_404(self, as_alice):
        check_envelope(as_alice.request("OPTIONS", "/me/nothing"), 404)

    @pytest.mark.parametrize("version", ["v2.0", "v1", "V1.1", "beta2", "graph", "%00", "%ZZ"])
    def test_invalid_version_is_400(self, as_alice, version):
        error = check_envelope(as_alice.get(f"http://testserver/{version}/me"), 400)
        assert error["code"] == "BadRequest"

    def test_versions_are_case_insensitive(self, as_alice):
        assert as_alice.get("/V1.0/me").status_code == 200
        assert as_alice.get("/BETA/me").status_code == 200

    def test_authentication_precedes_routing(self, tenant):
        anonymous = tenant.api(None)
        for path in ["/v1.0/me/nothing", "http://testserver/v2.0/me", "/v1.0/me/events/not-an-id"]:
            assert_error(anonymous.get(path), 401, "InvalidAuthenticationToken")


class TestMalformedRequests:
    """The specific answers to inputs that once broke the server (500s, or invalid JSON sent back)."""

    @pytest.mark.parametrize("body", [
        b"[" * 100000 + b"]" * 100000, b'{"a":' * 50000 + b"1" + b"}" * 50000,
        b'{"subject": NaN}', b'{"subject": Infinity}', b'{"reminderMinutesBeforeStart": -Infinity}',
        b'{"location": {"coordinates": {"latitude": 1e999}}}', b"\xff\xfe\x00", b'{"subject": "\xc3\x28"}',
    ])
    def test_unreadable_json_is_400(self, as_alice, body):
        error = check_envelope(as_alice.post("/me/events", content=body), 400)
        assert error["code"] == "BadRequest"
        assert as_alice.get("/me/events").json()["value"] == []

    @pytest.mark.parametrize("text", ["a\\u0000b", "\\ud800", "x\\udc00y"])
    @pytest.mark.parametrize("path,field", [("/me/events", "subject"), ("/me/calendars", "name"),
                                            ("/me/messages", "subject"), ("/me/calendarGroups", "name")])
    def test_nul_and_lone_surrogates_are_400(self, as_alice, path, field, text):
        body = event_body() if path == "/me/events" else {}
        raw = json.dumps(body)[:-1] + (", " if body else "") + f'"{field}": "{text}"}}'
        error = check_envelope(as_alice.post(path, content=raw.encode()), 400)
        assert error["code"] == "BadRequest"

    @pytest.mark.parametrize("path", ["/users/a%00b", "/me/mailFolders/%00", "/groups/%00/members",
                                      "/me/calendar/calendarPermissions/x%00"])
    def test_nul_in_path_is_400(self, as_alice, path):
        assert check_envelope(as_alice.get(path), 400)["code"] == "BadRequest"

    @pytest.mark.parametrize("query", ["$filter=subject eq 'a%00'", "$select=%00", "%00=1"])
    def test_nul_in_query_is_400(self, as_alice, query):
        assert check_envelope(as_alice.get(f"/users?{query}"), 400)["code"] == "BadRequest"

    def test_encoded_line_breaks_in_path_are_a_graph_404(self, as_alice):
        for path in ["/users/%0D%0A", "/users/a%0Ab/events", "/me/mailFolders/%0A"]:
            check_envelope(as_alice.get(path), 404)

    @pytest.mark.parametrize("extra", [
        {"reminderMinutesBeforeStart": 2**31}, {"reminderMinutesBeforeStart": -(2**31) - 1},
        {"reminderMinutesBeforeStart": 10**30},
        {"recurrence": {"pattern": {"type": "daily", "interval": 10**20},
                        "range": {"type": "noEnd", "startDate": "2025-01-15"}}},
        {"recurrence": {"pattern": {"type": "daily", "interval": 1},
                        "range": {"type": "numbered", "startDate": "2025-01-15", "numberOfOccurrences": 2**40}}},
        {"categories": ["c" * 256]}, {"transactionId": "t" * 201},
        {"attendees": [{"emailAddress": {"address": "a@" + "b" * 400 + ".com"}}]},
    ])
    def test_out_of_range_values_are_400(self, as_alice, extra):
        assert_error(as_alice.post("/me/events", json=event_body(**extra)), 400, "RequestBodyRead")
        assert as_alice.get("/me/events").json()["value"] == []

    def test_edge_values_are_accepted(self, as_alice):
        ev = as_alice.post("/me/events", json=event_body(reminderMinutesBeforeStart=2**31 - 1,
                                                         categories=["c" * 255], transactionId="t" * 200))
        assert ev.status_code == 201, ev.text
        assert ev.json()["reminderMinutesBeforeStart"] == 2**31 - 1

    @pytest.mark.parametrize("start,end,zone", [
        ("9999-12-31T23:00:00", "9999-12-31T23:59:00", "Pacific Standard Time"),
        ("0001-01-01T00:00:00", "0001-01-01T01:00:00", "Tokyo Standard Time"),
        ("0001-01-01T00:00:00Z", "0001-01-01T01:00:00Z", None),
    ])
    def test_dates_at_the_ends_of_time_are_400(self, as_alice, start, end, zone):
        body = {"subject": "x", "start": {"dateTime": start}, "end": {"dateTime": end}}
        if zone:
            body["start"]["timeZone"] = body["end"]["timeZone"] = zone
        assert_error(as_alice.post("/me/events", json=body), 400, "RequestBodyRead")
        eid = as_alice.post("/me/events", json=event_body()).json()["id"]
        assert_error(as_alice.patch(f"/me/events/{eid}", json={"start": body["start"]}), 400, "RequestBodyRead")

    def test_far_but_valid_dates_render_in_every_zone(self, as_alice):
        r = as_alice.post("/me/events", json=event_body(start="9999-12-29T10:00:00", end="9999-12-30T10:00:00",
                                                        zone="UTC"))
        assert r.status_code == 201, r.text
        for zone in ["Etc/GMT-14", "Etc/GMT+12", "Pacific/Kiritimati"]:
            got = as_alice.get(f"/me/events/{r.json()['id']}", headers={"Prefer": f'outlook.timezone="{zone}"'})
            assert got.status_code == 200, (zone, got.text)


# -- the no-500 battery --------------------------------------------------------------------------------

@dataclass
class World:
    ids: dict[str, str]

    def fill(self, template: str) -> str:
        return template.format(**self.ids)


@pytest.fixture
def world(tenant, alice, bob, as_alice) -> World:
    group = tenant.group("team@contoso.com", "Team", [alice.address, bob.address])
    cal = as_alice.post("/me/calendars", json={"name": "Side"}).json()["id"]
    cgroup = as_alice.post("/me/calendarGroups", json={"name": "Extra"}).json()["id"]
    dgroup = as_alice.get("/me/calendarGroups").json()["value"][0]["id"]
    eid = as_alice.post("/me/events", json=event_body(
        attendees=[{"emailAddress": {"address": "bob@contoso.com"}}])).json()["id"]
    side_eid = as_alice.post(f"/me/calendars/{cal}/events", json=event_body()).json()["id"]
    perm = as_alice.post("/me/calendar/calendarPermissions",
                         json={"emailAddress": {"address": "bob@contoso.com"}, "role": "read"}).json()["id"]
    mid = as_alice.post("/me/mailFolders/inbox/messages", json={"subject": "hi", "isRead": False}).json()["id"]
    return World({"uid": alice.id, "upn": alice.address, "bob": bob.id, "grp": group.id, "cal": cal,
                  "cg": cgroup, "dg": dgroup, "eid": eid, "side": side_eid, "perm": perm, "mid": mid})


EVENT_PROPS = [
    "subject", "body", "start", "end", "isAllDay", "location", "locations", "attendees", "responseRequested",
    "allowNewTimeProposals", "showAs", "sensitivity", "importance", "hideAttendees", "reminderMinutesBeforeStart",
    "isReminderOn", "categories", "recurrence", "isOnlineMeeting", "onlineMeetingProvider", "transactionId",
]
CALENDAR_PROPS = ["name", "color", "hexColor"]
PERMISSION_PROPS = ["emailAddress", "role", "isInsideOrganization", "isRemovable"]
MESSAGE_PROPS = ["subject", "body", "toRecipients", "ccRecipients", "importance", "isRead"]

_n = itertools.count()


def _event() -> dict[str, Any]:
    return event_body(subject=f"Base {next(_n)}")


def _named() -> dict[str, Any]:
    return {"name": f"Base {next(_n)}"}


def _grant() -> dict[str, Any]:
    return {"emailAddress": {"address": f"guest{next(_n)}@contoso.com"}, "role": "read"}


def _nothing() -> dict[str, Any]:
    return {}


# (method, path template, properties of the body it takes, a valid body each wrong property is added to);
# `{…}` are filled from the world
ROUTES: list[tuple[str, str, list[str] | None, Callable[[], dict[str, Any]] | None]] = [
    ("GET", "/me", None, None),
    ("GET", "/users", None, None),
    ("GET", "/users/{upn}", None, None),
    ("GET", "/groups", None, None),
    ("GET", "/groups/{grp}", None, None),
    ("GET", "/groups/{grp}/members", None, None),
    ("GET", "/me/events", None, None),
    ("POST", "/me/events", EVENT_PROPS, _event),
    ("GET", "/me/events/{eid}", None, None),
    ("PATCH", "/me/events/{eid}", EVENT_PROPS, _nothing),
    ("DELETE", "/me/events/{side}", None, None),
    ("GET", "/users/{upn}/calendar/events", None, None),
    ("POST", "/me/calendars/{cal}/events", EVENT_PROPS[:6], _event),
    ("GET", "/me/calendarGroups/{dg}/calendars/{cal}/events/{side}", None, None),
    ("POST", "/groups/{grp}/events", EVENT_PROPS[:8], _event),
    ("POST", "/me/events/{eid}/accept", ["comment", "sendResponse"], _nothing),
    ("GET", "/me/calendarView", None, None),
    ("GET", "/me/calendars", None, None),
    ("POST", "/me/calendars", CALENDAR_PROPS, _named),
    ("GET", "/me/calendar", None, None),
    ("PATCH", "/me/calendars/{cal}", CALENDAR_PROPS, _nothing),
    ("DELETE", "/me/calendars/{cal}", None, None),
    ("GET", "/groups/{grp}/calendar", None, None),
    ("GET", "/me/calendarGroups", None, None),
    ("POST", "/me/calendarGroups", ["name"], _nothing),
    ("POST", "/me/calendarGroups/{cg}/calendars", CALENDAR_PROPS, _named),
    ("PATCH", "/me/calendarGroups/{cg}", ["name"], _nothing),
    ("DELETE", "/me/calendarGroups/{cg}", None, None),
    ("GET", "/me/calendar/calendarPermissions", None, None),
    ("POST", "/me/calendars/{cal}/calendarPermissions", PERMISSION_PROPS, _grant),
    ("PATCH", "/me/calendar/calendarPermissions/{perm}", PERMISSION_PROPS, _nothing),
    ("DELETE", "/me/calendar/calendarPermissions/{perm}", None, None),
    ("GET", "/me/mailFolders", None, None),
    ("GET", "/me/mailFolders/inbox", None, None),
    ("GET", "/me/mailFolders/inbox/messages", None, None),
    ("POST", "/me/messages", MESSAGE_PROPS, _nothing),
    ("POST", "/me/mailFolders/{fid}/messages", MESSAGE_PROPS[:3], _nothing),
    ("PATCH", "/me/messages/{mid}", MESSAGE_PROPS, _nothing),
    ("DELETE", "/me/messages/{mid}", None, None),
]

BAD_SEGMENTS = [
    "%ZZ", "%", "%2", "%00", "a%00b", "AAMk%00" + "A" * 50, "%FF%FE", "%C0%AF", "a%2Fb", "%2e%2e", "..", ".",
    "A" * 5000, "AAMk" + "A" * 5000, "AAMk" + "A" * 60 + "AAA=", "日本語", "%E2%80%AE", "%20", "'", "%27%27",
    "%22", "<script>", "null", "-1", "0", "%0D%0A", "%09", "@", "%40", "*", "$value", "%EF%BF%BF", "%ED%A0%80",
]
BAD_QUERIES = [
    "%ZZ", "%ZZ=1", "$filter=%ZZ", "$top=%00", "$filter=subject eq '%00'", "$filter=displayName eq '%00'",
    "$select=%FF", "$select=%00", "$filter=" + "(" * 300, "$filter=" + "not " * 300 + "true",
    "$filter=" + "(" * 40 + "isRead eq true" + ")" * 40, "$orderby=,,,", "$orderby=subject%20sideways",
    "$top=99999999999999999999", "$top=-1", "$skip=99999999999", "$skip=2147483647", "$count=%FF", "&&&", "=",
    "==&=", "$filter=subject eq 'unterminated", "a=1&a=2", "$top=1&$TOP=2", "$top=1&top=2",
    "$expand=attachments($filter=%ZZ)", "$expand=((((", "$select=*", "$select=,", "$filter=startswith(subject,%00)",
    "$search=x", "$filter=subject eq 99999999999999999999999999999", "$filter=subject eq 1e999",
    "$filter=isRead eq 1e999", "$filter=id eq '" + "x" * 5000 + "'",
    "$filter=start/dateTime ge 9999-12-31T23:59:59Z", "$filter=start/dateTime ge '0000-00-00'",
    "$filter=receivedDateTime ge 9999-12-31T23:59:59%2B14:00", "$filter=categories/any(c:c eq %00)",
    "$filter=categories/any(c:c/x eq 'a')", "$filter=any()", "startDateTime=garbage&endDateTime=%ZZ",
    "startDateTime=9999-12-31T23:59:59-14:00&endDateTime=0001-01-01T00:00:00%2B14:00", "$format=json",
    "$filter=" + "a" * 20000, "%FF%FE=%FF", "$select=subject&$select=body", "$orderby=" + ",".join(["subject"] * 500),
]
BAD_HEADERS: list[dict[str, Any]] = [
    {"Prefer": 'outlook.timezone="'},
    {"Prefer": 'outlook.timezone="Mars/Phobos"'},
    {"Prefer": 'outlook.timezone=""'},
    {"Prefer": 'outlook.timezone="\\"'},
    {"Prefer": "outlook.timezone=" + "A" * 5000},
    {"Prefer": 'outlook.timezone="Etc/GMT+12", outlook.timezone="Etc/GMT-14"'},
    {"Prefer": "outlook.body-content-type=pdf"},
    {"Prefer": "odata.maxpagesize=-1"},
    {"Prefer": "odata.maxpagesize=99999999999999999999"},
    {"Prefer": ",,,;;;===\"\"\""},
    {"Prefer": "IdType=\"ImmutableId\"; return=minimal"},
    {"If-Match": 'W/"'}, {"If-Match": "*"}, {"If-Match": "W/"}, {"If-Match": '""'},
    {"Content-Type": "text/plain; charset=utf-16"}, {"Content-Type": "application/json; charset=latin-1"},
    {"client-request-id": "x" * 4000}, {"client-request-id": ""},
    {"Authorization": b"Bearer \xff\xfe"}, {"Prefer": b"outlook.timezone=\"\xe9t\xe9\""},
    {"Authorization": "Bearer a.b"}, {"Authorization": "Bearer " + "A" * 8000},
]
RAW_BODIES: list[bytes] = [
    b"", b" ", b"\xff\xfe\x00", b"\xff", b"{", b"[", b"}", b"null", b"true", b"1", b'"string"', b"[]", b"[{}]",
    b"{}", b"[" * 100000 + b"]" * 100000, b'{"a":' * 50000 + b"1" + b"}" * 50000, b'{"subject": NaN}',
    b'{"subject": Infinity}', b"1e999", b'{"x": 1e999}', b'{"x": -Infinity}', b'{"subject": "\\ud800"}',
    b'{"subject": "\\udc00\\ud800"}', b'{"name": "\\u0000"}', b'{"\\u0000": 1}', b'{"subject": "a\x00b"}',
    '{"subject": "x"}'.encode("utf-16"), b"\xef\xbb\xbf{}", b'{"subject": "' + b"x" * 2_000_000 + b'"}',
    b'{"subject": "a", "subject": 5}', b'{"@odata.type": 5, "@odata.etag": {}}', b"\x00\x00\x00\x00",
    b'{"subject": "\xc3\x28"}',
]
WRONG_VALUES: list[Any] = [
    None, 0, -1, 10**30, -(10**30), 2**63, 1.5, True, "", "x" * 5000, "\u0000", [], [None], [[]], {}, {"a": {"b": []}},
    {"dateTime": 5}, {"dateTime": "9999-12-31T23:59:59", "timeZone": "Pacific Standard Time"},
    {"dateTime": "0001-01-01T00:00:00", "timeZone": "Tokyo Standard Time"}, {"emailAddress": None},
    [{"emailAddress": {"address": "a@b.c" + "c" * 400}}], {"address": "x@" + "y" * 400, "name": "n" * 1000},
]
RAW_VALUES: list[bytes] = [b"1e999", b"-1e999", b"NaN", b"99999999999999999999999999999", b"-0", b"1e-999"]


def assert_sane(response, label: str) -> None:
    assert response.status_code < 500, (label, response.status_code, response.text[:500])
    if response.status_code >= 400:
        try:
            check_envelope(response)
        except AssertionError as failure:
            raise AssertionError((label, response.status_code, response.text[:500])) from failure
    elif response.content:
        json.loads(response.content)  # strict JSON: no NaN / Infinity


def _bodies(props: list[str], base: Callable[[], dict[str, Any]]) -> list[tuple[str, bytes]]:
    out = [(f"raw {body[:40]!r}", body) for body in RAW_BODIES]
    for prop in props:
        for value in WRONG_VALUES:
            out.append((f"{prop}={str(value)[:40]}", json.dumps({prop: value}).encode()))
            out.append((f"valid + {prop}={str(value)[:40]}", json.dumps({**base(), prop: value}).encode()))
        for raw in RAW_VALUES:
            out.append((f"{prop}={raw.decode()}", b'{"' + prop.encode() + b'": ' + raw + b"}"))
            valid = json.dumps(base()).encode()[:-1] + (b", " if base() else b"")
            out.append((f"valid + {prop}={raw.decode()}", valid + b'"' + prop.encode() + b'": ' + raw + b"}"))
    out.append(("all null", json.dumps({p: None for p in props}).encode()))
    out.append(("all lists", json.dumps({p: [] for p in props}).encode()))
    out.append(("all numbers", json.dumps({p: 10**30 for p in props}).encode()))
    return out


def _swap_last_id(path: str, segment: str) -> str | None:
    parts = path.split("/")
    for i in range(len(parts) - 1, 0, -1):
        if parts[i].startswith("{") or parts[i] in ("inbox", "me"):
            parts[i] = segment if parts[i] != "me" else f"users/{segment}"
            return "/".join(parts)
    return None


@pytest.mark.parametrize("method,template,props,base", ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_no_500s(tenant, world, as_alice, method, template, props, base):
    world.ids.setdefault("fid", "inbox")
    path = world.fill(template)
    send = as_alice.request
    # 1. the route itself with odd ids in the last id segment, and odd owners
    for segment in BAD_SEGMENTS:
        swapped = _swap_last_id(template, segment)
        if swapped is not None:
            bad = swapped.format(**world.ids)
            assert_sane(send(method, bad, content=b"{}"), f"path {bad[:80]}")
        if template.startswith("/me"):
            owner = f"/users/{segment}" + path[len("/me"):]
            assert_sane(send(method, owner, content=b"{}"), f"owner {owner[:80]}")
    for odd in [path + "/", path.replace("/", "//"), path + "/%00", path + "/" + "x" * 3000, path.upper()]:
        assert_sane(send(method, odd, content=b"{}"), f"path {odd[:80]}")
    # 2. bodies (write routes only: a body on GET/DELETE is ignored anyway)
    if props is not None and base is not None:
        for label, body in _bodies(props, base):
            assert_sane(send(method, path, content=body, headers={"Content-Type": "application/json"}), label)
    # 3. query strings and headers (DELETE last: it may succeed once)
    for query in BAD_QUERIES:
        assert_sane(send(method, f"{path}?{query}", content=b"{}"), f"query {query[:80]}")
    for headers in BAD_HEADERS:
        assert_sane(send(method, path, content=b'{"subject": "ok", "name": "ok2"}', headers=headers),
                    f"headers {str(headers)[:80]}")


def test_oversized_body_is_413_in_the_envelope(as_alice):
    r = as_alice.post("/me/events", content=b"{" + b" " * (4 * 1024 * 1024 + 10) + b"}",
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "RequestEntityTooLarge"
