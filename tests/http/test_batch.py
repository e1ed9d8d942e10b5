"""POST /$batch over HTTP: items as if sent alone, dependsOn and 424, URL and body forms, every malformed shape."""

from __future__ import annotations

import base64

import pytest

from tests.http.conftest import assert_error, event_body

JSON = {"Content-Type": "application/json"}


def batch(api, requests, version: str = "v1.0"):
    return api.post(f"/{version}/$batch", json={"requests": requests})


def test_items_run_as_if_sent_alone(as_alice, as_bob):
    created = as_alice.post("/me/events", json=event_body("Lunch")).json()
    r = batch(as_alice, [
        {"id": "1", "method": "GET", "url": f"/me/events/{created['id']}?$select=subject"},
        {"id": "2", "method": "POST", "url": "me/events", "headers": JSON, "body": event_body("Made in batch")},
        {"id": "3", "method": "GET", "url": "/me/events/AAMkNOPE"},
        {"id": "4", "method": "PATCH", "url": f"/me/events/{created['id']}", "headers": JSON,
         "body": {"subject": "Renamed"}},
        {"id": "5", "method": "GET", "url": "/me/calendarView?startDateTime=2025-01-01&endDateTime=2025-02-01",
         "headers": {"Prefer": "odata.maxpagesize=1", "Authorization": "Bearer ignored"}},
        {"id": "6", "method": "DELETE", "url": f"/me/events/{created['id']}"},
    ])
    assert r.status_code == 200, r.text
    responses = {item["id"]: item for item in r.json()["responses"]}
    assert [item["id"] for item in r.json()["responses"]] == ["1", "2", "3", "4", "5", "6"]
    assert responses["1"]["status"] == 200 and responses["1"]["body"]["subject"] == "Lunch"
    assert responses["1"]["headers"]["OData-Version"] == "4.0"
    assert responses["2"]["status"] == 201 and responses["2"]["body"]["subject"] == "Made in batch"
    alone = as_alice.get("/me/events/AAMkNOPE")
    assert responses["3"]["status"] == alone.status_code
    assert responses["3"]["body"]["error"]["code"] == alone.json()["error"]["code"]
    assert responses["4"]["body"]["subject"] == "Renamed"
    page = responses["5"]
    assert len(page["body"]["value"]) == 1 and page["body"]["@odata.nextLink"].startswith("http://testserver/v1.0/")
    assert "odata.maxpagesize=1" in page["headers"]["Preference-Applied"]
    assert responses["6"] == {"id": "6", "status": 204, "headers": {"Cache-Control": "no-cache"}}
    # the batch's token, not the item's, decides: Bob cannot read Alice's event
    r = batch(as_bob, [{"id": "a", "method": "GET", "url": f"/users/alice@contoso.com/events/{created['id']}"}])
    assert r.json()["responses"][0]["status"] in (403, 404)


def test_depends_on_and_failed_dependency(as_alice):
    r = batch(as_alice, [
        {"id": "a", "method": "POST", "url": "/me/events/AAMkNOPE/accept", "headers": JSON, "body": {}},
        {"id": "b", "method": "GET", "url": "/me/events?$top=1", "dependsOn": ["A"]},
        {"id": "c", "method": "GET", "url": "/me/events?$top=1", "dependsOn": ["b"]},
    ])
    responses = r.json()["responses"]
    assert responses[0]["status"] >= 400
    assert responses[1] == {"id": "b", "status": 424, "headers": {"Cache-Control": "no-cache",
                                                                   "Content-Type": "application/json"},
                            "body": {"error": {"code": "FailedDependency",
                                               "message": "The request depends on request 'A', which failed."}}}
    assert responses[2]["body"]["error"]["message"] == "The request depends on request 'b', which failed."
    ok = batch(as_alice, [
        {"id": "1", "method": "POST", "url": "/me/events", "headers": JSON, "body": event_body("x")},
        {"id": "2", "method": "GET", "url": "/me/events", "dependsOn": ["1"]},
    ]).json()["responses"]
    assert [item["status"] for item in ok] == [201, 200]
    assert len(ok[1]["body"]["value"]) == 1


def test_url_and_body_forms(as_alice):
    sdk_url = "http://testserver/v1.0/me/events"
    encoded = base64.b64encode(b'{"subject": "From base64", "start": {"dateTime": "2025-01-01T10:00:00", '
                               b'"timeZone": "UTC"}, "end": {"dateTime": "2025-01-01T11:00:00", "timeZone": "UTC"}}')
    r = batch(as_alice, [
        {"id": "1", "method": "POST", "url": sdk_url, "headers": {"content-type": "application/json"},
         "body": encoded.decode(), "depends_on": []},
        {"id": "2", "method": "GET", "url": "/v1.0/me/events"},
        {"id": "3", "method": "GET", "url": "https://graph.microsoft.com/v1.0/me/events"},
        {"id": "4", "method": "POST", "url": "/$batch", "headers": JSON, "body": {"requests": []}},
        {"id": "5", "method": "GET", "url": "/beta/me"},
    ])
    responses = {item["id"]: item for item in r.json()["responses"]}
    assert responses["1"]["status"] == 201 and responses["1"]["body"]["subject"] == "From base64"
    assert responses["2"]["body"]["error"] == {"code": "BadRequest",
                                               "message": "Resource not found for the segment 'v1.0'."}
    assert responses["3"]["status"] == 400
    assert responses["4"]["body"]["error"]["message"] == "Nested batch requests are not supported."
    assert responses["5"]["body"]["error"]["message"] == "Resource not found for the segment 'beta'."
    beta = batch(as_alice, [{"id": "1", "method": "GET", "url": "/me"}], version="beta")
    assert beta.json()["responses"][0]["status"] == 200


@pytest.mark.parametrize("payload, message", [
    ("not json", "Invalid batch payload format."),
    ({}, "Invalid batch payload format."),
    ({"requests": {}}, "Invalid batch payload format."),
    ({"requests": []}, "Invalid batch payload format."),
    ({"requests": [{"id": "1", "method": "GET"}]}, "Invalid batch payload format."),
    ({"requests": [{"id": 1, "method": "GET", "url": "/me"}]}, "Invalid batch payload format."),
    ({"requests": [{"id": str(n), "method": "GET", "url": "/me"} for n in range(21)]},
     "The number of requests in the batch (21) exceeds the limit of 20."),
    ({"requests": [{"id": "X", "method": "GET", "url": "/me"}, {"id": "x", "method": "GET", "url": "/me"}]},
     "Request Id x has to be unique in a batch."),
    ({"requests": [{"id": "1", "method": "POST", "url": "/me/events", "body": {}}]},
     "Write request id : 1 does not contain Content-Type header or body."),
    ({"requests": [{"id": "1", "method": "PATCH", "url": "/me/events/x", "headers": JSON}]},
     "Write request id : 1 does not contain Content-Type header or body."),
    ({"requests": [{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["2"]},
                   {"id": "2", "method": "GET", "url": "/me"}]}, "Invalid dependency for request Id 1."),
    ({"requests": [{"id": "1", "method": "GET", "url": "/me"}, {"id": "2", "method": "GET", "url": "/me"},
                   {"id": "3", "method": "GET", "url": "/me", "dependsOn": ["1"]}]},
     "Batch should be either fully sequential or fully parallel."),
])
def test_malformed_batches(as_alice, payload, message):
    kwargs = {"content": payload, "headers": JSON} if isinstance(payload, str) else {"json": payload}
    r = as_alice.post("/v1.0/$batch", **kwargs)
    assert_error(r, 400, "BadRequest", message)


def test_batch_needs_a_token_and_post(tenant, as_alice):
    assert_error(tenant.api(None).post("/v1.0/$batch", json={"requests": []}), 401, "InvalidAuthenticationToken")
    assert as_alice.get("/v1.0/$batch").status_code == 405
