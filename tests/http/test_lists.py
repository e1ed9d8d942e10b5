"""OData on lists: $select, $top, $skip, $orderby, $count, $filter, paging with absolute nextLinks."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.http.conftest import assert_error, event_body


def _seed(api, n: int = 12) -> list[dict]:
    out = []
    for i in range(n):
        out.append(api.post("/me/events", json=event_body(
            subject=f"Event {i:02d}", start=f"2025-02-{i + 1:02d}T09:00:00", end=f"2025-02-{i + 1:02d}T10:00:00",
            zone="UTC", categories=["Red"] if i % 3 == 0 else ["Blue"], isAllDay=False,
        )).json())
    return out


def _follow(api, url: str) -> dict:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver"
    return api.get(parts.path + ("?" + parts.query if parts.query else "")).json()


def test_default_page_size_and_next_link(as_alice):
    created = _seed(as_alice)
    first = as_alice.get("/me/events").json()
    assert len(first["value"]) == 10
    assert first["@odata.nextLink"].startswith("http://testserver/v1.0/me/events?")
    second = _follow(as_alice, first["@odata.nextLink"])
    assert "@odata.nextLink" not in second
    assert [e["id"] for e in first["value"] + second["value"]] == [e["id"] for e in created]


def test_top_skip_count_select_orderby(as_alice):
    _seed(as_alice)
    r = as_alice.get("/me/events?$top=3&$skip=2&$count=true&$select=subject,start&$orderby=start/dateTime desc")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["@odata.count"] == 12
    assert [e["subject"] for e in body["value"]] == ["Event 09", "Event 08", "Event 07"]
    assert set(body["value"][0]) == {"@odata.etag", "id", "subject", "start"}
    assert body["@odata.context"].endswith("/events(subject,start)")
    nxt = _follow(as_alice, body["@odata.nextLink"])
    assert [e["subject"] for e in nxt["value"]] == ["Event 06", "Event 05", "Event 04"]


def test_filters(as_alice):
    _seed(as_alice)

    def subjects(flt: str) -> list[str]:
        r = as_alice.get("/me/events", params={"$filter": flt, "$top": "100"})
        assert r.status_code == 200, r.text
        return [e["subject"] for e in r.json()["value"]]

    assert subjects("subject eq 'event 03'") == ["Event 03"]
    assert subjects("startswith(subject,'Event 1')") == ["Event 10", "Event 11"]
    assert subjects("contains(subject,'0') and start/dateTime ge '2025-02-09T00:00:00'") == ["Event 08", "Event 09", "Event 10"]
    assert subjects("categories/any(c:c eq 'Red')") == ["Event 00", "Event 03", "Event 06", "Event 09"]
    assert len(subjects("isAllDay eq false")) == 12
    assert subjects("end/dateTime lt '2025-02-02T12:00' or subject eq 'Event 11'") == ["Event 00", "Event 01", "Event 11"]
    assert subjects("not (isAllDay eq false)") == []
    assert len(subjects("organizer/emailAddress/address eq 'ALICE@contoso.com'")) == 12
    assert len(subjects("type eq 'singleInstance' and isCancelled eq false")) == 12


def test_select_on_single_get(as_alice):
    ev = as_alice.post("/me/events", json=event_body()).json()
    r = as_alice.get(f"/me/events/{ev['id']}?$select=subject,body")
    assert set(r.json()) == {"@odata.context", "@odata.etag", "id", "subject", "body"}


def test_query_option_names_are_case_insensitive(as_alice):
    _seed(as_alice, 3)
    r = as_alice.get("/me/events?$TOP=1&$Select=subject")
    assert r.status_code == 200 and len(r.json()["value"]) == 1 and set(r.json()["value"][0]) >= {"subject"}


def test_bad_query_options_are_400_not_500(as_alice):
    for query in ["$top=abc", "$skip=-1", "$filter=subject eq", "$filter=nosuch eq 1",
                  "$orderby=nosuch", "$select=nosuch", "$search=lunch", "$frobnicate=1", "$expand=nosuch",
                  "$filter=subject eq 'x' and (", "$filter=foo(subject,'x')", "$count=maybe"]:
        r = as_alice.get(f"/me/events?{query}")
        assert r.status_code == 400, (query, r.status_code, r.text)
        assert "error" in r.json()


def test_users_list_and_filter(tenant, alice, bob, as_alice):
    r = as_alice.get("/users?$filter=startswith(displayName,'Bob')")
    assert [u["mail"] for u in r.json()["value"]] == ["bob@contoso.com"]
    assert len(as_alice.get("/users").json()["value"]) == 2


def test_expand_attachments_gives_an_empty_collection(as_alice):
    ev = as_alice.post("/me/events", json=event_body()).json()
    assert "transactionId" not in ev
    assert as_alice.get(f"/me/events/{ev['id']}?$expand=attachments").json()["attachments"] == []
    listed = as_alice.get("/me/events?$expand=attachments&$select=subject").json()["value"][0]
    assert listed["attachments"] == [] and listed["subject"] == "Lunch"
