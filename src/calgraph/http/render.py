"""Domain objects -> Graph JSON: camelCase, @odata annotations, Prefer time zone and body type,
dateTimes with 7 fractional digits, DateTimeOffsets in UTC."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable
from urllib.parse import quote
from zoneinfo import ZoneInfo

from calgraph.core import body as bodies
from calgraph.core import occurrences, ticks, timezones
from calgraph.core.datetimes import format_instant, format_instant_seconds, format_local
from calgraph.core.ids import ICAL_UID_PREFIX
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


# -- pre-encoded JSON: a view's items as text -----------------------------------------------------------
# A calendarView answer is mostly occurrences of a few series and the same stored events again and again.
# encode() is what the reply is encoded with (http.reply), so text made here is exactly what the dict
# would have become.

def encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Remembered:
    """Something made from an event and a view, by (event id, change key, view), each checked against the
    event it was made from (the same object, or an equal one), so a hit is never stale."""

    def __init__(self, size: int, make: Callable[[Event, View], Any]) -> None:
        self.size, self.make = size, make
        self.items: dict[tuple[str, str, View], tuple[Event, Any]] = {}
        self.lock = threading.Lock()

    def get(self, ev: Event, view: View, sample: Any = None) -> Any:
        key = (ev.id, ev.change_key, view)
        known = self.items.get(key)
        if known is not None and (known[0] is ev or known[0] == ev):
            return known[1]
        made = self.make(ev if sample is None else sample, view)
        with self.lock:
            self.items[key] = (ev, made)
            if len(self.items) > self.size:
                self.items.pop(next(iter(self.items)), None)
        return made


def event_text(ev: Event, view: View) -> str:
    """A stored event's JSON text (event(), encoded), remembered."""
    return _event_texts.get(ev, view)  # type: ignore[no-any-return]


def occurrence_text(item: occurrences.Virtual, view: View) -> OccurrenceText:
    """The OccurrenceText of a timed occurrence's series under `view` (remembered per master and view)."""
    return _occurrence_texts.get(item.master, view, item)  # type: ignore[no-any-return]


class OccurrenceText:
    """The JSON text of a series' timed occurrences under one view, from one occurrence rendered with
    render.event: constant pieces around the fields that differ (id, iCalUId, webLink, start, end,
    originalStart, beta occurrenceId), which `text` fills in."""

    SLOTS = ("id", "iCalUId", "webLink", "start", "end", "originalStart")

    def __init__(self, sample: Event, view: View) -> None:
        zone = encode(view.timezone or "UTC")
        link_head, link_tail = WEB_LINK.split("{}")
        around = {
            "id": ('"', '"'), "iCalUId": ('"', '"'), "webLink": (f'"{link_head}', f'{link_tail}"'),
            "start": ('{"dateTime":"', f'","timeZone":{zone}}}'), "end": ('{"dateTime":"', f'","timeZone":{zone}}}'),
            "originalStart": ('"', '"'), "occurrenceId": ('"', '"'),
        }
        pieces, slots, text = [], [], ""
        for name, value in event(sample, view).items():
            text += ("," if pieces or text else "{") + encode(name) + ":"
            if name in around:
                before, after = around[name]
                pieces.append(text + before)
                slots.append(name)
                text = after
            else:
                text += encode(value)
        pieces.append(text + "}")
        expected = (*self.SLOTS, "occurrenceId") if view.beta else self.SLOTS
        if tuple(slots) != expected:  # render.event's order: a change there must be made here too
            raise AssertionError(f"occurrence fields {slots}, expected {expected}")
        self.pieces = pieces
        self.zone = timezones.resolve(view.timezone) if view.timezone is not None else None
        self.beta = view.beta
        uid = sample.ical_uid
        self.uid_dated = uid.startswith(ICAL_UID_PREFIX) and len(uid) >= len(ICAL_UID_PREFIX) + 8
        self.uid_head, self.uid_tail = uid[:len(ICAL_UID_PREFIX)], uid[len(ICAL_UID_PREFIX) + 8:]
        self.uid_plain = _PLAIN.fullmatch(uid) is not None   # needs no JSON escaping
        self.uid = uid if self.uid_plain else encode(uid)[1:-1]
        # `whole`: the pieces around the start, end and originalStart of a UTC view given as date and clock texts
        self.whole = (*pieces[:4], ".0000000" + pieces[4], ".0000000" + pieces[5], "Z" + pieces[6], *pieces[7:]
                      ) if self.zone is None else ()

    def text(self, item: occurrences.Virtual) -> str:
        start, end, id_, _, day, original = item
        uid = self.uid
        if self.uid_dated:
            hex_date = _HEX_DATES.get(day) or _hex_date(day)
            uid = f"{self.uid_head}{hex_date}{self.uid_tail}"
            if not self.uid_plain:
                uid = encode(uid)[1:-1]
        link = id_.replace("=", "%3D")
        p = self.whole
        if p and original == start and not start % _SECOND and not end % _SECOND:
            # a UTC view, whole seconds (every occurrence of a series made with a client's times)
            day_start, clock_start = divmod(start, _DAY)
            day_end, clock_end = divmod(end, _DAY)
            date_start = _DATE_TEXTS.get(day_start) or ticks.date_text(day_start)
            date_end = date_start if day_end == day_start else ticks.date_text(day_end)
            clock_start, clock_end = clock_start // _SECOND, clock_end // _SECOND
            clock_start = _CLOCK_TEXTS.get(clock_start) or ticks.clock_text(clock_start)
            clock_end = _CLOCK_TEXTS.get(clock_end) or ticks.clock_text(clock_end)
            parts = [p[0], id_, p[1], uid, p[2], link, p[3], date_start, "T", clock_start, p[4], date_end, "T", clock_end,
                     p[5], date_start, "T", clock_start, p[6]]
        else:
            if self.zone is None:   # UTC: the store's format but for the 7th digit
                start_text, end_text = ticks.text(start) + "0", ticks.text(end) + "0"
            else:
                start_text, end_text = _wall_text(start, self.zone), _wall_text(end, self.zone)
            original_text = ticks.text(original)
            original_text = f"{original_text[:19]}Z" if original_text.endswith(".000000") else \
                f"{original_text.rstrip('0')}Z"
            p = self.pieces
            parts = [p[0], id_, p[1], uid, p[2], link, p[3], start_text, p[4], end_text, p[5], original_text, p[6]]
        if self.beta:
            parts += (encode(item.occurrence_id)[1:-1], p[7])
        return "".join(parts)


def _wall_text(instant: int, zone: ZoneInfo) -> str:
    """format_local of the UTC instant `instant` (ticks) in `zone`."""
    offset = ticks.utc_offset_on(zone, instant // ticks.DAY)
    if offset is not None:
        return ticks.text(instant + offset) + "0"
    return format_local(ticks.aware(instant).astimezone(zone))


def _hex_date(day: int) -> str:
    """The instance-date bytes of an iCalUId (occurrences.instance_uid) for day number `day`, as hex."""
    known = _HEX_DATES.get(day)
    if known is None:
        d = ticks.day_of(day * ticks.DAY)
        known = _HEX_DATES[day] = f"{d.year:04X}{d.month:02X}{d.day:02X}"
        if len(_HEX_DATES) > 100_000:
            _HEX_DATES.clear()
    return known


_HEX_DATES: dict[int, str] = {}
_DATE_TEXTS, _CLOCK_TEXTS = ticks.DATE_TEXTS, ticks.CLOCK_TEXTS   # ticks' tables (cleared, never replaced)
_DAY, _SECOND = ticks.DAY, ticks.SECOND
_PLAIN = re.compile(r"[A-Za-z0-9_\-.:@+/=]*")
_event_texts = _Remembered(10_000, lambda ev, view: encode(event(ev, view)))
_occurrence_texts = _Remembered(4_000, lambda item, view: OccurrenceText(item.event(), view))


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
        "hasAttachments": False,
        "internetMessageId": msg.internet_message_id,
        "subject": msg.subject,
        "bodyPreview": bodies.preview(msg.body.content, msg.body.content_type),
        "importance": msg.importance,
        "parentFolderId": msg.folder_id,
        "conversationId": msg.conversation_id,
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
