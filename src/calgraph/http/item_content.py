"""`…/attachments/{id}/$value` of an itemAttachment: the attached item's raw content, built from its Graph
JSON as it was attached: an event as iCalendar (text/calendar), a message (or a meeting message) as a MIME
message (message/rfc822). What the JSON does not say, or says unreadably, is left out."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import format_datetime
from typing import Any

import icalendar

from calgraph.core import body as bodies
from calgraph.core import datetimes, timezones
from calgraph.core.errors import GraphError, InvalidRequest

PRODID = "-//calgraph//Microsoft Graph calendar//EN"
_SHOW_AS = {"free": "TRANSPARENT"}
_ROLES = {"required": "REQ-PARTICIPANT", "optional": "OPT-PARTICIPANT", "resource": "NON-PARTICIPANT"}
_PARTSTAT = {"accepted": "ACCEPTED", "tentativelyAccepted": "TENTATIVE", "declined": "DECLINED"}


def render(item: dict[str, Any], stamp: datetime) -> tuple[str, bytes]:
    """(content type, bytes) of an attached item; `stamp`: when it was attached (the iCalendar DTSTAMP)."""
    kind = _kind(item)
    if kind == "event":
        return "text/calendar; charset=utf-8", _icalendar(item, stamp)
    if kind == "message":
        return "message/rfc822", _mime(item)
    raise InvalidRequest("Only the raw content of a file, an event or a message attachment can be read with $value.")


def _kind(item: dict[str, Any]) -> str:
    given = str(item.get("@odata.type") or "").lower().removeprefix("#").removeprefix("microsoft.graph.")
    if given == "event":
        return "event"
    if given == "message" or given.startswith("eventmessage"):
        return "message"
    if not given:
        return "event" if "start" in item else "message"
    return given


# -- an event: iCalendar ---------------------------------------------------------------------------

def _icalendar(item: dict[str, Any], stamp: datetime) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", str(item.get("iCalUId") or item.get("id") or "") or _uid(item))
    event.add("dtstamp", stamp.replace(microsecond=0))
    event.add("summary", str(item.get("subject") or ""))
    all_day = item.get("isAllDay") is True
    for name, key in (("dtstart", "start"), ("dtend", "end")):
        value = _when(item.get(key), all_day)
        if value is not None:
            event.add(name, value)
    text = _body_text(item.get("body"))
    if text:
        event.add("description", text)
    location = item.get("location")
    if isinstance(location, dict) and location.get("displayName"):
        event.add("location", str(location["displayName"]))
    categories = [str(c) for c in item.get("categories") or [] if isinstance(c, str)]
    if categories:
        event.add("categories", categories)
    if str(item.get("showAs") or "").lower() in _SHOW_AS:
        event.add("transp", _SHOW_AS[str(item["showAs"]).lower()])
    if str(item.get("sensitivity") or "").lower() in ("private", "confidential"):
        event.add("class", "PRIVATE" if item["sensitivity"].lower() == "private" else "CONFIDENTIAL")
    organizer = _address(item.get("organizer"))
    if organizer:
        event.add("organizer", f"mailto:{organizer[1]}", parameters={"CN": organizer[0]} if organizer[0] else {})
    for attendee in item.get("attendees") or []:
        _add_attendee(event, attendee)
    if item.get("isCancelled") is True:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()


def _uid(item: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(item, sort_keys=True, default=str).encode()).hexdigest()


def _when(value: Any, all_day: bool) -> date | datetime | None:
    """A dateTimeTimeZone as a date (all day) or a UTC instant; None when absent or unreadable."""
    if not isinstance(value, dict) or not isinstance(value.get("dateTime"), str):
        return None
    try:
        when = datetimes.parse_when(value["dateTime"], value.get("timeZone") or None)
        return when.local.date() if all_day else timezones.to_utc(when)
    except GraphError:
        return None


def _add_attendee(event: icalendar.Event, attendee: Any) -> None:
    found = _address(attendee)
    if not found or not isinstance(attendee, dict):
        return
    parameters = {"ROLE": _ROLES.get(str(attendee.get("type") or "required"), "REQ-PARTICIPANT")}
    if found[0]:
        parameters["CN"] = found[0]
    status = attendee.get("status")
    response = status.get("response") if isinstance(status, dict) else None
    parameters["PARTSTAT"] = _PARTSTAT.get(str(response), "NEEDS-ACTION")
    event.add("attendee", f"mailto:{found[1]}", parameters=parameters)


# -- a message: MIME -------------------------------------------------------------------------------

def _mime(item: dict[str, Any]) -> bytes:
    message = EmailMessage()
    message["Subject"] = _one_line(item.get("subject"))
    sender = _mailbox(item.get("from")) or _mailbox(item.get("sender"))
    if sender:
        message["From"] = sender
    for header, key in (("To", "toRecipients"), ("Cc", "ccRecipients")):
        recipients = [found for found in map(_mailbox, item.get(key) or []) if found]
        if recipients:
            message[header] = recipients
    sent = _instant(item.get("sentDateTime") or item.get("receivedDateTime"))
    if sent is not None:
        message["Date"] = format_datetime(sent)
    message_id = _one_line(item.get("internetMessageId"))
    if message_id and message_id.isascii():
        message["Message-ID"] = message_id
    body = item.get("body") if isinstance(item.get("body"), dict) else {}
    content = str(body.get("content") or "")
    subtype = "html" if str(body.get("contentType") or "").lower() == "html" else "plain"
    message.set_content(content, subtype=subtype, charset="utf-8")
    return message.as_bytes(policy=policy.SMTP)   # CRLF line ends, as mail is sent


def _mailbox(recipient: Any) -> Address | None:
    """A recipient as a mail address header can hold it; None for one without a usable address."""
    found = _address(recipient)
    if found is None:
        return None
    try:
        local, domain = _one_line(found[1]).rsplit("@", 1)
        address = Address(_one_line(found[0]), local, domain)
        str(address)
        return address
    except (ValueError, IndexError, HeaderParseError):
        return None


def _one_line(value: Any) -> str:
    """A header value on one line (the item's text is as the client gave it)."""
    return " ".join(str(value or "").split())


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetimes.parse_instant(value)
    except GraphError:
        return None


# -- shared ----------------------------------------------------------------------------------------

def _address(recipient: Any) -> tuple[str, str] | None:
    """(name, address) of a recipient ({"emailAddress": {"name", "address"}}), if it has an address."""
    email = recipient.get("emailAddress") if isinstance(recipient, dict) else None
    if not isinstance(email, dict) or not email.get("address"):
        return None
    return str(email.get("name") or ""), str(email["address"])


def _body_text(body: Any) -> str:
    """An item body as plain text (an HTML one converted)."""
    if not isinstance(body, dict):
        return ""
    content = str(body.get("content") or "")
    return bodies.to_text(content, "\n") if str(body.get("contentType") or "").lower() == "html" else content
