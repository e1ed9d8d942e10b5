"""conversationIndex of meeting messages: Exchange's 22-byte header, then 5 bytes per reply."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

from calgraph.core.scheduling import conversation
from tests.http.test_meeting_invitations import create_meeting, messages, of_type, person


def index(message: dict) -> bytes:
    return base64.b64decode(message["conversationIndex"])


def header_time(raw: bytes) -> datetime:
    ticks = int.from_bytes(raw[1:6], "big") << 24
    return datetime(1601, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=ticks // 10)


def child_time(raw: bytes, n: int) -> datetime:
    block = int.from_bytes(raw[22 + 5 * n:26 + 5 * n], "big")
    shift = 23 if block >> 31 else 18
    return header_time(raw) + timedelta(microseconds=((block & 0x7FFFFFFF) << shift) // 10)


def test_meeting_thread_indexes(as_alice, as_bob, bob):
    before = datetime.now(timezone.utc)
    meeting = create_meeting(as_alice, [person(bob.address)])
    request = of_type(messages(as_bob), "eventMessageRequest")[0]
    sent = of_type(messages(as_alice, "sentitems"), "eventMessageRequest")[0]
    head = index(request)
    assert len(head) == 22 and head[0] == 1 and index(sent) == head
    assert abs(header_time(head) - before) < timedelta(seconds=5)   # the thread began with the event
    copy = as_bob.get("/me/events").json()["value"][0]
    assert as_bob.post(f"/me/events/{copy['id']}/accept", json={"sendResponse": True}).status_code == 202
    answer = of_type(messages(as_alice), "eventMessageResponse")[0]
    raw = index(answer)
    assert len(raw) == 27 and raw[:22] == head and raw[26] & 0x0F == 0      # one child block, sequence 0
    assert abs(child_time(raw, 0) - datetime.now(timezone.utc)) < timedelta(seconds=5)
    assert answer["conversationId"] == request["conversationId"]

    assert as_alice.patch(f"/me/events/{meeting['id']}", json={"subject": "Moved"}).status_code == 200
    update = [m for m in of_type(messages(as_bob), "eventMessageRequest") if m["meetingRequestType"] != "newMeetingRequest"]
    assert len(index(update[0])) == 27 and index(update[0])[:22] == head
    # an answer to the update continues the update's index
    assert as_bob.post(f"/me/events/{copy['id']}/decline", json={"sendResponse": True}).status_code == 202
    declined = [m for m in of_type(messages(as_alice), "eventMessageResponse") if m["subject"].startswith("Declined")]
    raw = index(declined[0])
    assert len(raw) == 32 and raw[:27] == index(update[0]) and raw[31] & 0x0F == 1
    assert as_alice.post(f"/me/events/{meeting['id']}/cancel", json={"comment": "off"}).status_code == 202
    cancelled = of_type(messages(as_bob), "eventMessage")[0]
    assert index(cancelled)[:22] == head and len(index(cancelled)) == 27


def test_another_meeting_is_another_thread_and_drafts_have_a_header(as_alice, as_bob, bob):
    create_meeting(as_alice, [person(bob.address)], subject="One")
    create_meeting(as_alice, [person(bob.address)], subject="Two")
    first, second = (index(m) for m in of_type(messages(as_bob), "eventMessageRequest"))
    assert first[6:22] != second[6:22]
    draft = as_alice.post("/me/messages", json={"subject": "d"}).json()
    assert len(index(draft)) == 22 and index(draft)[0] == 1


def test_child_block_layout():
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    head = conversation.header(start, conversation.thread_guid("X"))
    raw = conversation.continued(head, start + timedelta(hours=1, microseconds=5))
    assert len(raw) == 27 and raw[26] >> 4 == 5
    assert abs(child_time(raw, 0) - (start + timedelta(hours=1))) < timedelta(seconds=2)
    far = conversation.continued(head, start + timedelta(days=3 * 365))
    assert far[22] >> 7 == 1          # the long form, with the code bit set
    assert conversation.continued(raw, start + timedelta(hours=2))[-1] & 0x0F == 1
