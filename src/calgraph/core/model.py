"""The domain objects: plain frozen dataclasses, no HTTP, no SQL.

Instants (created, lastModified, responseStatus.time ...) are timezone-aware UTC datetimes.
A `When` is Graph's dateTimeTimeZone: a wall-clock time and the zone name it was given in.
Graph-shaped JSON values the server does not reason about (location, recurrence, onlineMeeting)
are kept as plain dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal, TypeVar

NEVER = datetime(1, 1, 1, tzinfo=timezone.utc)
T = TypeVar("T")

MailboxKind = Literal["user", "group"]
ResponseType = Literal["none", "organizer", "tentativelyAccepted", "accepted", "declined", "notResponded"]
EventType = Literal["singleInstance", "occurrence", "exception", "seriesMaster"]


@dataclass(frozen=True)
class EmailAddress:
    address: str
    name: str = ""


@dataclass(frozen=True)
class Mailbox:
    """A user or a Microsoft 365 group: both own calendars (a group exactly one)."""

    id: str
    kind: MailboxKind
    address: str
    display_name: str
    created: datetime
    description: str = ""

    @property
    def email(self) -> EmailAddress:
        return EmailAddress(self.address, self.display_name)


@dataclass(frozen=True)
class CalendarGroup:
    id: str
    mailbox_id: str
    name: str
    class_id: str
    change_key: str
    is_default: bool = False


@dataclass(frozen=True)
class Calendar:
    id: str
    mailbox_id: str
    name: str
    change_key: str
    calendar_group_id: str | None = None
    is_default: bool = False
    color: str = "auto"
    hex_color: str = ""


CalendarRole = Literal[
    "none", "freeBusyRead", "limitedRead", "read", "write",
    "delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess", "custom",
]


@dataclass(frozen=True)
class CalendarPermission:
    id: str
    calendar_id: str
    email: EmailAddress
    role: CalendarRole
    is_removable: bool = True
    is_inside_organization: bool = True


@dataclass(frozen=True)
class MailFolder:
    id: str
    mailbox_id: str
    display_name: str
    well_known_name: str | None = None


@dataclass(frozen=True)
class When:
    """Graph's dateTimeTimeZone: naive wall-clock `local` time in the zone named `zone`."""

    local: datetime
    zone: str


@dataclass(frozen=True)
class TimeSlot:
    start: When
    end: When


@dataclass(frozen=True)
class ResponseStatus:
    response: ResponseType = "none"
    time: datetime = NEVER


@dataclass(frozen=True)
class Attendee:
    email: EmailAddress
    type: Literal["required", "optional", "resource"] = "required"
    status: ResponseStatus = ResponseStatus()
    proposed_new_time: TimeSlot | None = None


@dataclass(frozen=True)
class ItemBody:
    content_type: Literal["text", "html"] = "html"
    content: str = ""


@dataclass(frozen=True)
class OpenExtension:
    """An app's own named bag of JSON values on an item (Graph's open type extension)."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SingleValueProperty:
    """A MAPI extended property holding one value; `id` in its canonical spelling (core.extended_properties)."""

    id: str
    value: str


@dataclass(frozen=True)
class MultiValueProperty:
    id: str
    values: tuple[str, ...] = ()


AttachmentKind = Literal["file", "item", "reference"]


@dataclass(frozen=True)
class Attachment:
    """A file, an attached item or a link on an event or a message. A file's bytes are kept apart from it,
    by the store, in chunks; `size` is their count (an item's: its JSON's). `item` (an attached event or
    message) and `reference` (a link: its URL, provider, permission) are Graph-shaped JSON as given."""

    id: str
    mailbox_id: str
    kind: AttachmentKind
    name: str
    last_modified: datetime
    content_type: str = "application/octet-stream"
    size: int = 0
    is_inline: bool = False
    content_id: str | None = None
    item: dict[str, Any] | None = None
    reference: dict[str, Any] | None = None

    def evolve(self, **changes: Any) -> "Attachment":
        return _evolve(self, changes)


@dataclass(frozen=True)
class OutlookCategory:
    """A category of a mailbox's master list: a unique name and a preset colour."""

    id: str
    mailbox_id: str
    display_name: str
    color: str = "none"


@dataclass(frozen=True)
class Event:
    id: str
    mailbox_id: str
    calendar_id: str | None            # None once moved out of a calendar (e.g. to Deleted Items)
    ical_uid: str
    change_key: str
    created: datetime
    last_modified: datetime
    start: When
    end: When
    organizer: EmailAddress
    subject: str = ""
    body: ItemBody = ItemBody()
    is_all_day: bool = False
    original_start_time_zone: str = "UTC"
    original_end_time_zone: str = "UTC"
    location: dict[str, Any] = field(default_factory=dict)
    locations: tuple[dict[str, Any], ...] = ()
    attendees: tuple[Attendee, ...] = ()
    is_organizer: bool = True
    response_requested: bool = True
    response_status: ResponseStatus = ResponseStatus("organizer")
    allow_new_time_proposals: bool = True
    is_cancelled: bool = False
    is_draft: bool = False
    show_as: str = "busy"
    sensitivity: str = "normal"
    importance: str = "normal"
    hide_attendees: bool = False
    reminder_minutes_before_start: int = 15
    is_reminder_on: bool = True
    categories: tuple[str, ...] = ()
    recurrence: dict[str, Any] | None = None
    type: EventType = "singleInstance"
    series_master_id: str | None = None
    original_start: datetime | None = None
    occurrence_id: str | None = None    # occurrences and exceptions: `OID.{seriesMasterId}.{yyyy-MM-dd}`
    cancelled_occurrences: tuple[str, ...] = ()   # a series master's cancelled occurrence ids (OID form)
    has_attachments: bool = False
    is_online_meeting: bool = False
    online_meeting_provider: str = "unknown"
    online_meeting: dict[str, Any] | None = None
    transaction_id: str | None = None
    mail_folder_id: str | None = None  # set when the event sits in a mail folder (Deleted Items)
    reminder_snoozed_until: datetime | None = None
    extensions: tuple[OpenExtension, ...] = ()
    single_value_properties: tuple[SingleValueProperty, ...] = ()
    multi_value_properties: tuple[MultiValueProperty, ...] = ()
    thread_index: str = ""     # its meeting messages' conversation index header (base64); copies share it

    @property
    def is_meeting(self) -> bool:
        return bool(self.attendees)

    def evolve(self, **changes: Any) -> "Event":
        return _evolve(self, changes)


MessageKind = Literal["message", "eventMessage", "eventMessageRequest", "eventMessageResponse"]
MeetingMessageType = Literal[
    "none", "meetingRequest", "meetingCancelled", "meetingAccepted", "meetingTentativelyAccepted",
    "meetingDeclined",
]
MeetingRequestType = Literal["none", "newMeetingRequest", "fullUpdate", "informationalUpdate"]


@dataclass(frozen=True)
class MeetingInfo:
    """What an eventMessage says about its meeting (eventMessageRequest / eventMessageResponse add
    the fields after `is_out_of_date`). `meetingTentativelyAccepted` is spelled as in beta; v1.0's
    `meetingTenativelyAccepted` is a rendering matter."""

    message_type: MeetingMessageType
    start: When
    end: When
    location: dict[str, Any] = field(default_factory=dict)
    is_all_day: bool = False
    event_type: EventType = "singleInstance"
    recurrence: dict[str, Any] | None = None
    is_out_of_date: bool = False
    request_type: MeetingRequestType | None = None
    allow_new_time_proposals: bool | None = None
    response_requested: bool | None = None
    previous_start: When | None = None
    previous_end: When | None = None
    previous_location: dict[str, Any] | None = None
    response_type: ResponseType | None = None
    proposed_new_time: TimeSlot | None = None

    def evolve(self, **changes: Any) -> "MeetingInfo":
        return _evolve(self, changes)


@dataclass(frozen=True)
class Message:
    """A mail item. Meeting messages (kind eventMessage*) carry `meeting` and link to the event
    in the same mailbox that they are about (`event_id`)."""

    id: str
    mailbox_id: str
    folder_id: str
    change_key: str
    created: datetime
    last_modified: datetime
    kind: MessageKind = "message"
    subject: str = ""
    body: ItemBody = ItemBody()
    sender: EmailAddress | None = None
    to_recipients: tuple[EmailAddress, ...] = ()
    cc_recipients: tuple[EmailAddress, ...] = ()
    received: datetime | None = None
    sent: datetime | None = None
    is_read: bool = False
    is_draft: bool = False
    importance: str = "normal"
    conversation_id: str = ""
    internet_message_id: str = ""
    event_id: str | None = None
    meeting: MeetingInfo | None = None
    conversation_index: str = ""        # base64, Exchange's layout (core.scheduling.conversation)
    has_attachments: bool = False
    extensions: tuple[OpenExtension, ...] = ()
    single_value_properties: tuple[SingleValueProperty, ...] = ()
    multi_value_properties: tuple[MultiValueProperty, ...] = ()

    def evolve(self, **changes: Any) -> "Message":
        return _evolve(self, changes)


def _evolve(obj: T, changes: dict[str, Any]) -> T:
    """dataclasses.replace for these frozen dataclasses (no __post_init__, no InitVar fields), about
    ten times faster on an Event's ~45 fields; a meeting answer evolves several."""
    unknown = changes.keys() - vars(obj).keys()
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field(s) {sorted(unknown)}")
    new = object.__new__(type(obj))
    vars(new).update(vars(obj))
    vars(new).update(changes)
    return new
