"""What apps hang on events, through the stock msgraph-sdk against a real server: attachments (and a
150 MB upload with the server's memory bounded), open extensions, extended properties, master categories,
permanentDelete and reminderView, and how they live through a meeting's invitation, update and cancel."""

from __future__ import annotations

import base64
import os
import threading
import time
from pathlib import Path

import httpx
import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.attachment_item import AttachmentItem
from msgraph.generated.models.attachment_type import AttachmentType
from msgraph.generated.models.category_color import CategoryColor
from msgraph.generated.models.event import Event
from msgraph.generated.models.file_attachment import FileAttachment
from msgraph.generated.models.open_type_extension import OpenTypeExtension
from msgraph.generated.models.outlook_category import OutlookCategory
from msgraph.generated.models.single_value_legacy_extended_property import SingleValueLegacyExtendedProperty
from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder
from msgraph.generated.users.item.events.item.cancel.cancel_post_request_body import CancelPostRequestBody
from msgraph.generated.users.item.events.item.attachments.create_upload_session.create_upload_session_post_request_body import (
    CreateUploadSessionPostRequestBody,
)

from tests.e2e.conftest import graph_error, lunch

PROP = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name CrmId"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def pair(tenant):
    """Two users of their own (the shared ones' calendars are counted by other tests), with tokens."""
    for key in ("ivy", "jules"):
        if key not in tenant.users:
            tenant.cli("users", "add", f"{key}@contoso.test", "--name", key.title())
            tenant.tokens[key] = tenant.cli("token", f"{key}@contoso.test")
    return tenant


def _filter(flt: str, expand: list[str] | None = None) -> RequestConfiguration:
    params = EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(filter=flt, expand=expand)
    return RequestConfiguration(query_parameters=params)


async def test_extras_through_the_sdk_and_a_meeting(pair):
    ivy, jules = pair.client("ivy"), pair.client("jules")
    body = lunch("Extras", attendees=("jules@contoso.test",),
                 single_value_extended_properties=[SingleValueLegacyExtendedProperty(id=PROP, value="4711")])
    body.extensions = [OpenTypeExtension(odata_type="#microsoft.graph.openTypeExtension",
                                         extension_name="Com.Contoso.Deal", additional_data={"dealValue": 500})]
    meeting = await ivy.me.events.post(body)

    # found again by its extended property, read with $expand and its $filter
    found = await ivy.me.events.get(_filter(f"singleValueExtendedProperties/Any(ep: ep/id eq '{PROP}' and ep/value eq '4711')",
                                             [f"singleValueExtendedProperties($filter=id eq '{PROP}')"]))
    assert [e.id for e in found.value] == [meeting.id]
    assert [(p.id, p.value) for p in found.value[0].single_value_extended_properties] == [(PROP, "4711")]
    ext = await ivy.me.events.by_event_id(meeting.id).extensions.by_extension_id("Com.Contoso.Deal").get()
    assert ext.extension_name == "Com.Contoso.Deal" and ext.additional_data["dealValue"] == 500
    err = await graph_error(ivy.me.events.by_event_id(meeting.id).extensions.post(
        OpenTypeExtension(odata_type="#microsoft.graph.openTypeExtension", extension_name="com.contoso.deal")))
    assert err.response_status_code == 409 and err.error.code == "NameAlreadyExists"
    bad = await graph_error(ivy.me.events.post(lunch("Bad", single_value_extended_properties=[
        SingleValueLegacyExtendedProperty(id="String CrmId", value="1")])))
    assert bad.response_status_code == 400 and bad.error.code == "ErrorInvalidProperty"

    # an attachment reaches the attendee's copy, and survives an update and the cancel
    attachment = FileAttachment(odata_type="#microsoft.graph.fileAttachment", name="agenda.txt",
                                content_type="text/plain", content_bytes=b"1. Budget")
    made = await ivy.me.events.by_event_id(meeting.id).attachments.post(attachment)
    assert made.size == 9
    copy = (await jules.me.events.get(_filter("subject eq 'Extras'", ["attachments"]))).value[0]
    assert copy.has_attachments and copy.attachments[0].name == "agenda.txt"
    assert copy.attachments[0].content_bytes == b"1. Budget"
    assert (await ivy.me.events.by_event_id(meeting.id).patch(Event(subject="Extras moved"))).subject == "Extras moved"
    await ivy.me.events.by_event_id(meeting.id).cancel.post(CancelPostRequestBody(comment="Off"))
    copy = (await jules.me.events.get(_filter("subject eq 'Canceled: Extras moved'", ["attachments"]))).value[0]
    assert copy.is_cancelled and [a.name for a in copy.attachments] == ["agenda.txt"]
    unknown = await graph_error(ivy.me.events.by_event_id(meeting.id).attachments.by_attachment_id(
        "AAMk" + "B" * 60).get())
    assert unknown.response_status_code == 404

    # master categories, reminderView, permanentDelete
    category = await ivy.me.outlook.master_categories.post(OutlookCategory(display_name="Deals", color=CategoryColor.Preset9))
    assert category.color == CategoryColor.Preset9
    dup = await graph_error(ivy.me.outlook.master_categories.post(OutlookCategory(display_name="deals")))
    assert dup.response_status_code == 409
    solo = await ivy.me.events.post(lunch("Solo", start="2025-02-01T09:00:00", end="2025-02-01T10:00:00", time_zone="UTC"))
    reminders = await ivy.me.reminder_view_with_start_date_time_with_end_date_time(
        start_date_time="2025-02-01T00:00:00", end_date_time="2025-02-02T00:00:00").get()
    assert [(r.event_subject, r.reminder_fire_time.date_time[:16]) for r in reminders.value] == [("Solo", "2025-02-01T08:45")]
    await ivy.me.events.by_event_id(solo.id).permanent_delete.post()
    gone = await graph_error(ivy.me.events.by_event_id(solo.id).get())
    assert gone.response_status_code == 404


def _anon_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1])
    raise AssertionError("no RssAnon")


class _PeakSampler(threading.Thread):
    """The server's peak anonymous resident memory (heap: what holding a file whole would grow), sampled."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, _anon_kib(self.pid))
            time.sleep(0.02)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
async def test_150_mb_upload_keeps_server_memory_bounded(pair):
    ivy = pair.client("ivy")
    event = await ivy.me.events.post(lunch("Big file"))
    size = 150 * MB
    session = await ivy.me.events.by_event_id(event.id).attachments.create_upload_session.post(
        CreateUploadSessionPostRequestBody(attachment_item=AttachmentItem(
            attachment_type=AttachmentType.File, name="video.bin", size=size, content_type="video/mp4")))
    assert session.next_expected_ranges == ["0"]
    pid = pair.server.proc.pid
    baseline = _anon_kib(pid)
    sampler = _PeakSampler(pid)
    sampler.start()
    step = 4 * MB
    block = os.urandom(step)    # the file: this block repeated (its last range cut short)
    with httpx.Client(timeout=120) as http:   # the upload URL wants no bearer token
        received = 0
        while received < size:
            piece = block[:min(step, size - received)]
            r = http.put(session.upload_url, content=piece,
                         headers={"Content-Range": f"bytes {received}-{received + len(piece) - 1}/{size}"})
            received += len(piece)
            assert r.status_code == (201 if received == size else 200), r.text
            if received == 40 * MB:   # resumable: the session tells where to go on
                assert http.get(session.upload_url).json()["nextExpectedRanges"] == [str(received)]
        attachments = await ivy.me.events.by_event_id(event.id).attachments.get()
        assert [(a.name, a.size) for a in attachments.value] == [("video.bin", size)]
        url = f"{pair.server.base_url}/me/events/{event.id}/attachments/{attachments.value[0].id}/$value"
        total = 0
        with http.stream("GET", url, headers={"Authorization": f"Bearer {pair.tokens['ivy']}"}) as r:
            assert r.status_code == 200 and r.headers["content-length"] == str(size)
            for chunk in r.iter_bytes():
                assert chunk == block[total % step:total % step + len(chunk)] or len(chunk) > step - total % step
                total += len(chunk)
        assert total == size
    sampler.stop.set()
    sampler.join()
    grown_mb = (sampler.peak - baseline) / 1024
    print(f"server anonymous RSS: baseline {baseline / 1024:.0f} MiB, peak {sampler.peak / 1024:.0f} MiB")
    assert grown_mb < 100, f"the server's heap grew by {grown_mb:.0f} MiB for a 150 MiB upload and download"
