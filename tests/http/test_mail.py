"""Mail folders and messages over HTTP (meeting messages are read through these routes, §5)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.http.conftest import assert_error

ROOT = "http://testserver/v1.0/$metadata#"
UNKNOWN_ID = "AAMk" + "D" * 60 + "AAA="
WELL_KNOWN = {"Inbox": "inbox", "Sent Items": "sentitems", "Deleted Items": "deleteditems", "Drafts": "drafts"}


def folders(api) -> dict[str, dict]:
    return {f["displayName"]: f for f in api.get("/me/mailFolders").json()["value"]}


def inbox_message(api, subject: str, **extra) -> dict:
    r = api.post("/me/mailFolders/inbox/messages", json={"subject": subject, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def follow(api, url: str):
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("http", "testserver")
    return api.get(parts.path + "?" + parts.query)


class TestFolders:
    def test_default_folders_with_counts(self, as_alice, alice):
        r = as_alice.get("/me/mailFolders")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["@odata.context"] == f"{ROOT}users('{alice.id}')/mailFolders"
        assert [f["displayName"] for f in body["value"]] == ["Inbox", "Sent Items", "Deleted Items", "Drafts"]
        for folder in body["value"]:
            assert folder["totalItemCount"] == 0 and folder["unreadItemCount"] == 0
            assert folder["childFolderCount"] == 0 and folder["id"].startswith("AAMk")
        inbox_message(as_alice, "one", isRead=False)
        inbox_message(as_alice, "two", isRead=True)
        as_alice.post("/me/messages", json={"subject": "draft"})
        counts = {name: (f["totalItemCount"], f["unreadItemCount"]) for name, f in folders(as_alice).items()}
        assert counts == {"Inbox": (2, 1), "Sent Items": (0, 0), "Deleted Items": (0, 0), "Drafts": (1, 0)}

    @pytest.mark.parametrize("display,name", list(WELL_KNOWN.items()))
    @pytest.mark.parametrize("case", [str.lower, str.upper, lambda s: s[0].upper() + s[1:]])
    def test_well_known_names_case_insensitive(self, as_alice, alice, display, name, case):
        r = as_alice.get(f"/me/mailFolders/{case(name)}")
        assert r.status_code == 200, r.text
        folder = r.json()
        assert folder["displayName"] == display
        assert folder["id"] == folders(as_alice)[display]["id"]
        assert folder["@odata.context"] == f"{ROOT}users('{alice.id}')/mailFolders/$entity"

    def test_folder_by_id_and_select(self, as_alice):
        inbox = folders(as_alice)["Inbox"]
        assert as_alice.get(f"/me/mailFolders/{inbox['id']}").json()["displayName"] == "Inbox"
        sel = as_alice.get("/me/mailFolders/inbox?$select=totalItemCount").json()
        assert set(sel) == {"@odata.context", "id", "totalItemCount"}
        assert sel["@odata.context"].endswith("/mailFolders(totalItemCount)/$entity")

    @pytest.mark.parametrize("key", ["archive", "junkemail", UNKNOWN_ID, "inbox2"])
    def test_unknown_folder_is_404(self, as_alice, key):
        assert_error(as_alice.get(f"/me/mailFolders/{key}"), 404, "ErrorItemNotFound")
        assert_error(as_alice.get(f"/me/mailFolders/{key}/messages"), 404, "ErrorItemNotFound")
        assert_error(as_alice.post(f"/me/mailFolders/{key}/messages", json={"subject": "x"}), 404,
                     "ErrorItemNotFound")

    def test_another_mailboxs_folder_id_is_404(self, as_alice, as_bob):
        bobs_inbox = as_bob.get("/me/mailFolders/inbox").json()["id"]
        assert_error(as_alice.get(f"/me/mailFolders/{bobs_inbox}"), 404, "ErrorItemNotFound")


class TestCreate:
    def test_post_me_messages_creates_a_draft(self, as_alice, alice):
        r = as_alice.post("/me/messages", json={
            "subject": "Hello", "body": {"contentType": "Text", "content": "Hi Bob"},
            "toRecipients": [{"emailAddress": {"address": "bob@contoso.com", "name": "Bob"}}],
            "importance": "High",
        })
        assert r.status_code == 201, r.text
        msg = r.json()
        assert msg["@odata.type"] == "#microsoft.graph.message"
        assert msg["@odata.context"] == f"{ROOT}users('{alice.id}')/messages/$entity"
        assert msg["@odata.etag"] == f'W/"{msg["changeKey"]}"'
        assert msg["subject"] == "Hello" and msg["isDraft"] is True and msg["importance"] == "high"
        assert msg["parentFolderId"] == folders(as_alice)["Drafts"]["id"]
        assert msg["toRecipients"] == [{"emailAddress": {"name": "Bob", "address": "bob@contoso.com"}}]
        assert msg["from"] == {"emailAddress": {"name": "Alice Adams", "address": "alice@contoso.com"}}
        assert msg["body"]["contentType"] == "html" and "Hi Bob" in msg["body"]["content"]
        assert msg["bodyPreview"] == "Hi Bob"
        assert msg["createdDateTime"].endswith("Z") and "." not in msg["createdDateTime"]
        got = as_alice.get(f"/me/messages/{msg['id']}")
        assert got.status_code == 200 and got.json()["subject"] == "Hello"
        assert [m["id"] for m in as_alice.get("/me/mailFolders/drafts/messages").json()["value"]] == [msg["id"]]

    def test_post_into_inbox(self, as_alice):
        msg = inbox_message(as_alice, "Incoming")
        assert msg["parentFolderId"] == folders(as_alice)["Inbox"]["id"]
        assert [m["id"] for m in as_alice.get("/me/mailFolders/Inbox/messages").json()["value"]] == [msg["id"]]
        assert as_alice.get("/me/mailFolders/drafts/messages").json()["value"] == []
        by_folder_id = as_alice.post(f"/me/mailFolders/{folders(as_alice)['Sent Items']['id']}/messages",
                                     json={"subject": "sent"})
        assert by_folder_id.status_code == 201
        assert by_folder_id.json()["parentFolderId"] == folders(as_alice)["Sent Items"]["id"]

    def test_is_read_on_create(self, as_alice):
        unread = inbox_message(as_alice, "unread", isRead=False)
        assert unread["isRead"] is False
        assert as_alice.get(f"/me/messages/{unread['id']}").json()["isRead"] is False
        assert inbox_message(as_alice, "default")["isRead"] is True

    @pytest.mark.parametrize("body", [
        {"subject": 5}, {"isRead": "perhaps"}, {"importance": "urgent"},
        {"toRecipients": [{"emailAddress": {"address": "no-at-sign"}}]}, {"toRecipients": "bob@contoso.com"},
        {"body": "plain string"},
    ])
    def test_bad_bodies_are_400(self, as_alice, body):
        r = as_alice.post("/me/messages", json=body)
        assert_error(r, 400, "RequestBodyRead")
        assert as_alice.get("/me/messages").json()["value"] == []

    def test_empty_body_is_400(self, as_alice):
        assert_error(as_alice.post("/me/messages", content=b""), 400, "BadRequest",
                     "Empty Payload. JSON content expected.")


class TestListing:
    @pytest.fixture
    def seeded(self, as_alice) -> list[dict]:
        made = [inbox_message(as_alice, f"Report {i:02d}", isRead=(i % 2 == 0)) for i in range(12)]
        as_alice.post("/me/messages", json={"subject": "Draft note"})
        return made

    def test_list_all_and_by_folder(self, as_alice, alice, seeded):
        everything = as_alice.get("/me/messages?$top=100").json()
        assert everything["@odata.context"] == f"{ROOT}users('{alice.id}')/messages"
        assert len(everything["value"]) == 13
        inbox = as_alice.get("/me/mailFolders/inbox/messages?$top=100").json()
        assert inbox["@odata.context"] == f"{ROOT}users('{alice.id}')/mailFolders('inbox')/messages"
        assert len(inbox["value"]) == 12
        assert all(m["@odata.type"] == "#microsoft.graph.message" for m in inbox["value"])

    def test_filter(self, as_alice, seeded):
        def subjects(path: str, flt: str) -> list[str]:
            r = as_alice.get(path, params={"$filter": flt, "$top": "100", "$orderby": "subject"})
            assert r.status_code == 200, r.text
            return [m["subject"] for m in r.json()["value"]]

        unread = subjects("/me/mailFolders/inbox/messages", "isRead eq false")
        assert unread == [f"Report {i:02d}" for i in range(1, 12, 2)]
        assert subjects("/me/messages", "subject eq 'report 03'") == ["Report 03"]
        assert subjects("/me/messages", "startswith(subject,'Draft')") == ["Draft note"]
        assert subjects("/me/messages", "isRead eq false and contains(subject,'1')") == ["Report 01", "Report 11"]
        assert subjects("/me/mailFolders/drafts/messages", "isDraft eq true") == ["Draft note"]
        assert_error(as_alice.get("/me/messages", params={"$filter": "nosuch eq 1"}), 400,
                     "RequestBroker--ParseUri")

    def test_orderby_and_paging(self, as_alice, seeded):
        first = as_alice.get("/me/mailFolders/inbox/messages?$orderby=subject desc&$top=5&$select=subject")
        assert first.status_code == 200, first.text
        page = first.json()
        assert [m["subject"] for m in page["value"]] == [f"Report {i:02d}" for i in (11, 10, 9, 8, 7)]
        assert set(page["value"][0]) == {"@odata.type", "@odata.etag", "id", "subject"}
        assert page["@odata.nextLink"].startswith("http://testserver/v1.0/me/mailFolders/inbox/messages?")
        second = follow(as_alice, page["@odata.nextLink"]).json()
        assert [m["subject"] for m in second["value"]] == [f"Report {i:02d}" for i in (6, 5, 4, 3, 2)]
        third = follow(as_alice, second["@odata.nextLink"]).json()
        assert [m["subject"] for m in third["value"]] == ["Report 01", "Report 00"]
        assert "@odata.nextLink" not in third

    def test_default_page_size_and_count(self, as_alice, seeded):
        body = as_alice.get("/me/messages?$count=true").json()
        assert len(body["value"]) == 10 and body["@odata.count"] == 13 and "@odata.nextLink" in body


class TestUpdateDelete:
    def test_patch_is_read(self, as_alice):
        msg = inbox_message(as_alice, "Ping", isRead=False)
        r = as_alice.patch(f"/me/messages/{msg['id']}", json={"isRead": True})
        assert r.status_code == 200, r.text
        assert r.json()["isRead"] is True and r.json()["changeKey"] != msg["changeKey"]
        assert as_alice.get(f"/me/mailFolders/inbox/messages/{msg['id']}").json()["isRead"] is True
        assert folders(as_alice)["Inbox"]["unreadItemCount"] == 0
        back = as_alice.patch(f"/me/mailFolders/inbox/messages/{msg['id']}", json={"isRead": "false"})
        assert back.status_code == 200 and back.json()["isRead"] is False

    def test_patch_draft_subject(self, as_alice):
        draft = as_alice.post("/me/messages", json={"subject": "v1"}).json()
        r = as_alice.patch(f"/me/messages/{draft['id']}", json={"subject": "v2"})
        assert r.status_code == 200 and r.json()["subject"] == "v2"

    def test_message_not_in_named_folder_is_404(self, as_alice):
        msg = inbox_message(as_alice, "In inbox")
        assert_error(as_alice.get(f"/me/mailFolders/drafts/messages/{msg['id']}"), 404, "ErrorItemNotFound")
        assert_error(as_alice.patch(f"/me/mailFolders/drafts/messages/{msg['id']}", json={"isRead": False}), 404,
                     "ErrorItemNotFound")

    def test_delete_moves_to_deleted_items_then_removes(self, as_alice):
        msg = inbox_message(as_alice, "Bye")
        assert as_alice.delete(f"/me/messages/{msg['id']}").status_code == 204
        assert as_alice.get("/me/mailFolders/inbox/messages").json()["value"] == []
        trashed = as_alice.get("/me/mailFolders/deleteditems/messages").json()["value"]
        assert [m["subject"] for m in trashed] == ["Bye"]
        assert trashed[0]["parentFolderId"] == folders(as_alice)["Deleted Items"]["id"]
        assert folders(as_alice)["Deleted Items"]["totalItemCount"] == 1
        trashed_id = trashed[0]["id"]
        assert as_alice.delete(f"/me/mailFolders/deleteditems/messages/{trashed_id}").status_code == 204
        assert as_alice.get("/me/mailFolders/deleteditems/messages").json()["value"] == []
        assert_error(as_alice.get(f"/me/messages/{trashed_id}"), 404, "ErrorItemNotFound",
                     "The specified object was not found in the store.")
        assert_error(as_alice.delete(f"/me/messages/{trashed_id}"), 404, "ErrorItemNotFound")

    def test_unknown_and_malformed_message_ids(self, as_alice, as_bob):
        assert_error(as_alice.get(f"/me/messages/{UNKNOWN_ID}"), 404, "ErrorItemNotFound")
        assert_error(as_alice.patch(f"/me/messages/{UNKNOWN_ID}", json={"isRead": True}), 404, "ErrorItemNotFound")
        assert_error(as_alice.get("/me/messages/bad-id"), 400, "ErrorInvalidIdMalformed", "Id is malformed.")
        bobs = as_bob.post("/me/messages", json={"subject": "Bob's"}).json()["id"]
        assert_error(as_alice.get(f"/me/messages/{bobs}"), 404, "ErrorItemNotFound")


class TestPreferAndUsers:
    def test_prefer_text_body(self, as_alice):
        msg = inbox_message(as_alice, "Formatted", body={"contentType": "html", "content": "<p>Hello <b>world</b></p>"})
        html = as_alice.get(f"/me/messages/{msg['id']}").json()["body"]
        assert html["contentType"] == "html" and "<b>world</b>" in html["content"]
        r = as_alice.get(f"/me/messages/{msg['id']}", headers={"Prefer": 'outlook.body-content-type="text"'})
        assert r.status_code == 200
        assert r.json()["body"] == {"contentType": "text", "content": r.json()["body"]["content"]}
        assert r.json()["body"]["content"].strip() == "Hello world"
        assert r.headers["Preference-Applied"] == 'outlook.body-content-type="text"'
        listed = as_alice.get("/me/messages", headers={"Prefer": "outlook.body-content-type=text"}).json()
        assert listed["value"][0]["body"]["contentType"] == "text"
        assert "Preference-Applied" not in as_alice.get(f"/me/messages/{msg['id']}").headers

    def test_users_routes_and_app_token(self, tenant, alice, as_alice):
        msg = inbox_message(as_alice, "Twin")
        for api in [as_alice, tenant.app_api(["Mail.Read"])]:
            for prefix in [f"/users/{alice.id}", "/users/Alice@Contoso.com"]:
                r = api.get(f"{prefix}/mailFolders/inbox/messages")
                assert r.status_code == 200, r.text
                assert [m["id"] for m in r.json()["value"]] == [msg["id"]]
        app = tenant.app_api(["Mail.ReadWrite"])
        assert app.patch(f"/users/{alice.id}/messages/{msg['id']}", json={"isRead": False}).json()["isRead"] is False


def test_deleted_items_list_declined_and_cancelled_meetings(tenant, alice, bob, as_alice, as_bob):
    """Decision 9: a declined copy (and a cancelled organizer event) sit in Deleted Items, listed with
    the folder's messages, newest first, and counted in totalItemCount; $filter and paging still apply."""
    from tests.http.conftest import event_body

    meeting = as_alice.post("/me/events", json=event_body(
        "Kick-off", attendees=[{"emailAddress": {"address": bob.address}}])).json()
    copy_id = as_bob.get("/me/events").json()["value"][0]["id"]
    assert as_bob.post(f"/me/events/{copy_id}/decline", json={}).status_code == 202
    listed = as_bob.get("/me/mailFolders/deleteditems/messages").json()["value"]
    assert [(i["@odata.type"], i["id"], i["subject"]) for i in listed] == [
        ("#microsoft.graph.event", copy_id, "Kick-off")]
    assert as_bob.get("/me/mailFolders/deleteditems").json()["totalItemCount"] == 1
    assert as_bob.get(f"/me/events/{copy_id}").status_code == 404

    as_alice.post("/me/messages", json={"subject": "draft to bin"})
    draft = as_alice.get("/me/mailFolders/drafts/messages").json()["value"][0]
    as_alice.delete(f"/me/messages/{draft['id']}")
    assert as_alice.post(f"/me/events/{meeting['id']}/cancel", json={}).status_code == 202
    bin_ = as_alice.get("/me/mailFolders/deleteditems/messages?$top=1").json()
    assert [i["id"] for i in bin_["value"]] == [meeting["id"]] and "@odata.nextLink" in bin_
    only_draft = as_alice.get("/me/mailFolders/deleteditems/messages?$filter=subject eq 'draft to bin'").json()
    assert [i["id"] for i in only_draft["value"]] == [draft["id"]]
