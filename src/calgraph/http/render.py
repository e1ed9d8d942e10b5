"""Domain objects -> Graph JSON: camelCase, @odata annotations, Prefer time zone and body type,
dateTimes with 7 fractional digits, DateTimeOffsets in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable
from urllib.parse import quote

from calgraph.core import body as bodies
from calgraph.core import occurrences, timezones
from calgraph.core.datetimes import format_instant, format_instant_seconds, format_local
from calgraph.core.model import (
    Attendee,
    EmailAddress,
    Event,
    ItemBody,
    MeetingInfo,
    Message,
    ResponseStatus,
    TimeSlot,
    When,
)

EVENT_FIELDS = frozenset({
    "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "transactionId",
    "originalStartTimeZone", "originalEndTimeZone", "iCalUId", "reminderMinutesBeforeStart",
    "isReminderOn", "hasAttachments", "subject", "bodyPreview", "importance", "sensitivity", "isAllDay",
    "isCancelled", "isOrganizer", "responseRequested", "seriesMasterId", "showAs", "type", "webLink",
    "onlineMeetingUrl", "isOnlineMeeting", "onlineMeetingProvider", "allowNewTimeProposals", "isDraft",
    "hideAttendees", "recurrence", "onlineMeeting", "responseStatus", "body", "start", "end", "location",
    "locations", "attendees", "organizer", "originalStart", "uid", "occurrenceId",
    "cancelledOccurrences",
})
WEB_LINK = "https://outlook.office365.com/owa/?itemid={}&exvsurl=1&path=/calendar/item"


@dataclass(frozen=True)
class View:
    """How this request wants items rendered."""

    version: str = "v1.0"
    timezone: str | None = None          # Prefer: outlook.timezone
    body_type: str | None = None         # Prefer: outlook.body-content-type
    include_body: bool = True            # False under Calendars.ReadBasic

    @property
    def beta(self) -> bool:
        return self.version == "beta"


def etag(change_key: str) -> str:
    return f'W/"{change_key}"'


def email(address: EmailAddress) -> dict[str, Any]:
    return {"emailAddress": {"name": address.name, "address": address.address}}


def response_status(status: ResponseStatus) -> dict[str, Any]:
    return {"response": status.response, "time": format_instant(status.time)}


def date_time_time_zone(when: When, view: View, all_day: bool = False) -> dict[str, Any]:
    zone = view.timezone or "UTC"
    if all_day:
        local = when.local.replace(hour=0, minute=0, second=0, microsecond=0)
    else:  # timezones.convert: the wall-clock time's instant in the view's zone
        local = when.local.replace(tzinfo=timezones.resolve(when.zone), fold=0).astimezone(timezones.resolve(zone))
    return {"dateTime": format_local(local), "timeZone": zone}


def instant_time_zone(instant: datetime, view: View) -> dict[str, Any]:
    """date_time_time_zone of a (timed) wall-clock time given as the UTC instant it names."""
    zone = view.timezone or "UTC"
    return {"dateTime": format_local(instant.astimezone(timezones.resolve(zone))), "timeZone": zone}


def web_link(item_id: str) -> str:
    # Item ids are URL-safe base64, where quote() changes only the padding.
    if _URL_SAFE.fullmatch(item_id):
        return WEB_LINK.format(item_id.replace("=", "%3D"))
    return WEB_LINK.format(quote(item_id, safe=""))


_URL_SAFE = re.compile(r"[A-Za-z0-9_\-]*=*")


def time_slot(slot: TimeSlot, view: View) -> dict[str, Any]:
    return {"start": date_time_time_zone(slot.start, view), "end": date_time_time_zone(slot.end, view)}


def item_body(body: ItemBody, view: View) -> dict[str, Any]:
    if view.body_type == "text" and body.content_type == "html":
        return {"contentType": "text", "content": bodies.to_text(body.content)}
    return {"contentType": body.content_type, "content": body.content}


def attendee(item: Attendee, view: View) -> dict[str, Any]:
    out: dict[str, Any] = {"type": item.type, "status": response_status(item.status), **email(item.email)}
    if item.proposed_new_time is not None:
        out["proposedNewTime"] = time_slot(item.proposed_new_time, view)
    return out


def event(ev: Event, view: View) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@odata.etag": etag(ev.change_key),
        "id": ev.id,
        "createdDateTime": format_instant(ev.created),
        "lastModifiedDateTime": format_instant(ev.last_modified),
        "changeKey": ev.change_key,
        "categories": list(ev.categories),
        "originalStartTimeZone": ev.original_start_time_zone,
        "originalEndTimeZone": ev.original_end_time_zone,
        "iCalUId": ev.ical_uid,
        "reminderMinutesBeforeStart": ev.reminder_minutes_before_start,
        "isReminderOn": ev.is_reminder_on,
        "hasAttachments": ev.has_attachments,
        "subject": ev.subject,
        "bodyPreview": bodies.preview(ev.body.content, ev.body.content_type),
        "importance": ev.importance,
        "sensitivity": ev.sensitivity,
        "isAllDay": ev.is_all_day,
        "isCancelled": ev.is_cancelled,
        "isOrganizer": ev.is_organizer,
        "responseRequested": ev.response_requested,
        "seriesMasterId": ev.series_master_id,
        "showAs": ev.show_as,
        "type": ev.type,
        "webLink": web_link(ev.id),
        "onlineMeetingUrl": None,
        "isOnlineMeeting": ev.is_online_meeting,
        "onlineMeetingProvider": ev.online_meeting_provider,
        "allowNewTimeProposals": ev.allow_new_time_proposals,
        "isDraft": ev.is_draft,
        "hideAttendees": ev.hide_attendees,
        "recurrence": ev.recurrence,
        "onlineMeeting": ev.online_meeting,
        "responseStatus": response_status(ev.response_status),
        "body": item_body(ev.body, view),
        "start": date_time_time_zone(ev.start, view, ev.is_all_day),
        "end": date_time_time_zone(ev.end, view, ev.is_all_day),
        "location": ev.location,
        "locations": list(ev.locations),
        "attendees": [attendee(a, view) for a in ev.attendees],
        "organizer": email(ev.organizer),
    }
    if ev.transaction_id is not None:
        out["transactionId"] = ev.transaction_id
    if ev.original_start is not None:
        out["originalStart"] = format_instant(ev.original_start)
    if view.beta:
        out["uid"] = occurrences.series_uid(ev.ical_uid)
        out["occurrenceId"] = ev.occurrence_id
    if not view.include_body:
        del out["body"], out["bodyPreview"]
    return out


def occurrence(template: dict[str, Any], ev: Event, view: View,
               instants: tuple[datetime, datetime] | None = None) -> dict[str, Any]:
    """An occurrence rendered from `template`, another occurrence of the same series rendered with the
    same view: all else they share with their master. `instants`: the UTC instants of its start and end
    (timed occurrences), when known."""
    out = dict(template)
    out["id"] = ev.id
    out["iCalUId"] = ev.ical_uid
    out["webLink"] = web_link(ev.id)
    if instants is not None and not ev.is_all_day:
        out["start"] = instant_time_zone(instants[0], view)
        out["end"] = instant_time_zone(instants[1], view)
    else:
        out["start"] = date_time_time_zone(ev.start, view, ev.is_all_day)
        out["end"] = date_time_time_zone(ev.end, view, ev.is_all_day)
    if ev.original_start is not None:
        out["originalStart"] = format_instant(ev.original_start)
    if view.beta:
        out["occurrenceId"] = ev.occurrence_id
    return out


MESSAGE_TYPES = {
    "message": "#microsoft.graph.message",
    "eventMessage": "#microsoft.graph.eventMessage",
    "eventMessageRequest": "#microsoft.graph.eventMessageRequest",
    "eventMessageResponse": "#microsoft.graph.eventMessageResponse",
}


def message(msg: Message, view: View) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@odata.type": MESSAGE_TYPES[msg.kind],
        "@odata.etag": etag(msg.change_key),
        "id": msg.id,
        "createdDateTime": format_instant_seconds(msg.created),
        "lastModifiedDateTime": format_instant_seconds(msg.last_modified),
        "changeKey": msg.change_key,
        "categories": [],
        "receivedDateTime": format_instant_seconds(msg.received) if msg.received else None,
        "sentDateTime": format_instant_seconds(msg.sent) if msg.sent else None,
        "hasAttachments": msg.has_attachments,
        "internetMessageId": msg.internet_message_id,
        "subject": msg.subject,
        "bodyPreview": bodies.preview(msg.body.content, msg.body.content_type),
        "importance": msg.importance,
        "parentFolderId": msg.folder_id,
        "conversationId": msg.conversation_id,
        "conversationIndex": msg.conversation_index or None,
        "isDeliveryReceiptRequested": False,
        "isReadReceiptRequested": False,
        "isRead": msg.is_read,
        "isDraft": msg.is_draft,
        "webLink": WEB_LINK.format(quote(msg.id, safe="")).replace("calendar/item", "mail/item"),
        "inferenceClassification": "focused",
        "body": item_body(msg.body, view),
        "sender": email(msg.sender) if msg.sender else None,
        "from": email(msg.sender) if msg.sender else None,
        "toRecipients": [email(r) for r in msg.to_recipients],
        "ccRecipients": [email(r) for r in msg.cc_recipients],
        "bccRecipients": [],
        "replyTo": [],
        "flag": {"flagStatus": "notFlagged"},
    }
    if msg.meeting is not None:
        out.update(meeting_fields(msg.kind, msg.meeting, view))
    return out


def meeting_fields(kind: str, info: MeetingInfo, view: View) -> dict[str, Any]:
    """eventMessage's own properties, and those of eventMessageRequest / eventMessageResponse."""
    message_type = info.message_type
    if message_type == "meetingTentativelyAccepted" and not view.beta:
        message_type = "meetingTenativelyAccepted"  # sic: v1.0 spells it so (decision 21)
    out: dict[str, Any] = {
        "meetingMessageType": message_type,
        "startDateTime": date_time_time_zone(info.start, view, info.is_all_day),
        "endDateTime": date_time_time_zone(info.end, view, info.is_all_day),
        "location": info.location,
        "isAllDay": info.is_all_day,
        "isOutOfDate": info.is_out_of_date,
        "isDelegated": False,
        "recurrence": info.recurrence,
        "type": info.event_type,
    }
    if kind == "eventMessageRequest":
        out.update({
            "allowNewTimeProposals": info.allow_new_time_proposals,
            "meetingRequestType": info.request_type,
            "previousStartDateTime": _optional_time(info.previous_start, view),
            "previousEndDateTime": _optional_time(info.previous_end, view),
            "previousLocation": info.previous_location,
            "responseRequested": info.response_requested,
        })
    elif kind == "eventMessageResponse":
        out["responseType"] = info.response_type
        out["proposedNewTime"] = None if info.proposed_new_time is None else _as_proposed(info.proposed_new_time, view)
    return out


def _optional_time(when: When | None, view: View) -> dict[str, Any] | None:
    return None if when is None else date_time_time_zone(when, view)


def _as_proposed(slot: TimeSlot, view: View) -> dict[str, Any]:
    """A response message echoes the proposal in the zone it was made in, to the second, unless
    Prefer: outlook.timezone asks for another zone (§4)."""
    if view.timezone is not None:
        return time_slot(slot, view)
    return {part: {"dateTime": when.local.replace(microsecond=0).isoformat(), "timeZone": when.zone}
            for part, when in (("start", slot.start), ("end", slot.end))}


def select(item: dict[str, Any], fields: Iterable[str] | None) -> dict[str, Any]:
    """Keep only the $select-ed properties (plus id and annotations)."""
    if fields is None:
        return item
    wanted = {f.lower().rsplit("/", 1)[-1] for f in fields} | {"id"}  # expanded `type/nav` shows as `nav`
    return {k: v for k, v in item.items() if k.startswith("@") or k.split("@", 1)[0].lower() in wanted}


def context_url(service_root: str, owner_segment: str, path: str, fields: Iterable[str] | None = None,
                entity: bool = False) -> str:
    """`{root}/$metadata#users('id')/events(subject,start)/$entity`."""
    selection = f"({','.join(fields)})" if fields else ""
    tail = "/$entity" if entity else ""
    prefix = f"{owner_segment}/" if owner_segment else ""
    return f"{service_root}/$metadata#{prefix}{path}{selection}{tail}"
