"""Request bodies -> domain values. Property names match case-insensitively, `@odata.*`
annotations and unknown or read-only properties are ignored, enum values are matched
case-insensitively, and type errors become Graph's 400 RequestBodyRead."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from calgraph.core import body as bodies
from calgraph.core import datetimes, extended_properties
from calgraph.core.errors import RequestBodyRead
from calgraph.core.model import Attendee, EmailAddress, ItemBody, TimeSlot, When

# Graph's Edm.Int32, and the lengths a mailbox stores (names, addresses, categories, transaction ids):
# larger values are a 400 RequestBodyRead here, not an overflow in the database or in date arithmetic.
Int32 = Annotated[int, Field(ge=-2**31, le=2**31 - 1)]
Name = Annotated[str, Field(max_length=255)]
Address = Annotated[str, Field(max_length=320)]
Key = Annotated[str, Field(max_length=200)]
HexColor = Annotated[str, Field(pattern=r"^(#[0-9A-Fa-f]{6})?$")]

ENUMS: dict[str, tuple[str, ...]] = {
    "showAs": ("unknown", "free", "tentative", "busy", "oof", "workingElsewhere"),
    "sensitivity": ("normal", "personal", "private", "confidential"),
    "importance": ("low", "normal", "high"),
    "attendeeType": ("required", "optional", "resource"),
    "onlineMeetingProvider": ("unknown", "skypeForBusiness", "skypeForConsumer", "teamsForBusiness"),
    "calendarColor": ("auto", "lightBlue", "lightGreen", "lightOrange", "lightGray", "lightYellow",
                      "lightTeal", "lightPink", "lightBrown", "lightRed", "maxColor"),
    "calendarRoleType": ("none", "freeBusyRead", "limitedRead", "read", "write",
                         "delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess", "custom"),
    "locationType": ("default", "conferenceRoom", "homeAddress", "businessAddress", "geoCoordinates",
                     "streetAddress", "hotel", "restaurant", "localBusiness", "postalAddress"),
}


def enum_value(kind: str, value: str) -> str:
    for member in ENUMS[kind]:
        if member.lower() == str(value).lower():
            return member
    raise ValueError(f"Cannot convert the literal '{value}' to the expected type 'microsoft.graph.{kind}'.")


def enum_field(kind: str, *fields: str) -> Any:
    def check(cls: Any, value: str | None) -> str | None:
        return value if value is None else enum_value(kind, value)
    return field_validator(*fields)(check)


class GraphInput(BaseModel):
    """Base of every request body: camelCase names matched case-insensitively."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, extra="ignore", frozen=True)
    @model_validator(mode="before")
    @classmethod
    def _match_names(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        aliases = _aliases(cls)
        return {aliases.get(str(k).lower(), k): v for k, v in data.items() if not str(k).startswith("@")}


@cache
def _aliases(model: type[GraphInput]) -> dict[str, str]:
    """A body model's property names, by their lower-cased form (built once per model)."""
    return {(f.alias or name).lower(): f.alias or name for name, f in model.model_fields.items()}


class EmailAddressInput(GraphInput):
    address: Address | None = None
    name: Name | None = None


class RecipientInput(GraphInput):
    email_address: EmailAddressInput | None = None

    def to_domain(self) -> EmailAddress:
        email = self.email_address or EmailAddressInput()
        if not email.address or "@" not in email.address:
            raise RequestBodyRead(f"The recipient address '{email.address or ''}' is not valid.")
        return EmailAddress(email.address, email.name or "")


class AttendeeInput(RecipientInput):
    type: str | None = None

    check_type = enum_field("attendeeType", "type")

    def to_domain(self) -> Attendee:  # type: ignore[override]
        return Attendee(super().to_domain(), self.type or "required")


class DateTimeTimeZoneInput(GraphInput):
    date_time: str
    time_zone: str | None = None

    def to_domain(self) -> When:
        return datetimes.parse_when(self.date_time, self.time_zone)


class ItemBodyInput(GraphInput):
    content_type: str | None = None
    content: str | None = None

    def to_domain(self) -> ItemBody:
        kind = bodies.normalise_content_type(self.content_type) if self.content_type else "text"
        return ItemBody(kind, self.content or "")


class PhysicalAddressInput(GraphInput):
    street: str | None = None
    city: str | None = None
    state: str | None = None
    country_or_region: str | None = None
    postal_code: str | None = None


class CoordinatesInput(GraphInput):
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None
    accuracy: float | None = None
    altitude_accuracy: float | None = None


class LocationInput(GraphInput):
    display_name: str | None = None
    location_email_address: str | None = None
    location_uri: str | None = None
    location_type: str | None = None
    unique_id: str | None = None
    unique_id_type: str | None = None
    address: PhysicalAddressInput | None = None
    coordinates: CoordinatesInput | None = None

    check_location_type = enum_field("locationType", "location_type")

    def to_domain(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class SingleValuePropertyInput(GraphInput):
    id: Any = None
    value: Any = None

    def to_domain(self) -> Any:
        return extended_properties.single(self.id, self.value)


class MultiValuePropertyInput(GraphInput):
    id: Any = None
    value: Any = None

    def to_domain(self) -> Any:
        return extended_properties.multi(self.id, self.value)


def extension_data(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """An openTypeExtension body -> (extensionName, the app's own values)."""
    name = next((v for k, v in body.items() if k.lower() == "extensionname"), None)
    if name is not None and not isinstance(name, str):
        raise RequestBodyRead("Invalid value for property 'extensionName'.")
    data = {k: v for k, v in body.items() if not k.startswith("@") and k.lower() not in ("extensionname", "id")}
    return name or "", data


class ItemExtrasInput(GraphInput):
    """What an event or a message body may carry beside its own properties."""

    extensions: list[dict[str, Any]] | None = None
    single_value_properties: list[SingleValuePropertyInput] | None = Field(
        default=None, alias="singleValueExtendedProperties")
    multi_value_properties: list[MultiValuePropertyInput] | None = Field(
        default=None, alias="multiValueExtendedProperties")

    def extras(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("single_value_properties", "multi_value_properties"):
            if name in self.model_fields_set and getattr(self, name) is not None:
                out[name] = _domain(getattr(self, name))
        if "extensions" in self.model_fields_set and self.extensions is not None:
            out["extensions"] = tuple(extension_data(e) for e in self.extensions)
        return out


class EventInput(ItemExtrasInput):
    subject: str | None = None
    body: ItemBodyInput | None = None
    start: DateTimeTimeZoneInput | None = None
    end: DateTimeTimeZoneInput | None = None
    is_all_day: bool | None = None
    location: LocationInput | None = None
    locations: list[LocationInput] | None = None
    attendees: list[AttendeeInput] | None = None
    response_requested: bool | None = None
    allow_new_time_proposals: bool | None = None
    show_as: str | None = None
    sensitivity: str | None = None
    importance: str | None = None
    hide_attendees: bool | None = None
    reminder_minutes_before_start: Int32 | None = None
    is_reminder_on: bool | None = None
    categories: list[Name] | None = None
    recurrence: Any = None  # checked by calgraph.core.recurrence.validate, so errors carry Graph's codes
    is_online_meeting: bool | None = None
    online_meeting_provider: str | None = None
    transaction_id: Key | None = None

    check_show_as = enum_field("showAs", "show_as")

    @field_validator("recurrence")
    @classmethod
    def _recurrence_numbers(cls, value: Any) -> Any:
        """Numbers beyond Edm.Int32 fail reading the body (RequestBodyRead), as for every Int32 property;
        everything else about a recurrence is checked by calgraph.core.recurrence."""
        parts = value.values() if isinstance(value, dict) else ()
        for part in parts:
            for item in part.values() if isinstance(part, dict) else ():
                if isinstance(item, int) and not isinstance(item, bool) and not -2**31 <= item < 2**31:
                    raise ValueError(f"Cannot convert the literal '{item}' to the expected type 'Edm.Int32'.")
        return value

    check_sensitivity = enum_field("sensitivity", "sensitivity")
    check_importance = enum_field("importance", "importance")
    check_online_meeting_provider = enum_field("onlineMeetingProvider", "online_meeting_provider")

    NULLABLE: ClassVar[set[str]] = {"location", "locations", "recurrence", "body", "categories", "attendees"}

    def changes(self) -> dict[str, Any]:
        """Only what the client sent, as Event field values."""
        out: dict[str, Any] = {}
        for name in self.model_fields_set - ItemExtrasInput.model_fields.keys():
            value = getattr(self, name)
            if value is None and name not in self.NULLABLE:
                continue  # null for a non-nullable property leaves it as it is
            out[name] = _domain(value)
        out.update(self.extras())
        return out


def _domain(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_domain(v) for v in value)
    if hasattr(value, "to_domain"):
        return value.to_domain()
    return value


class TimeSlotInput(GraphInput):
    start: DateTimeTimeZoneInput
    end: DateTimeTimeZoneInput

    def to_domain(self) -> TimeSlot:
        return TimeSlot(self.start.to_domain(), self.end.to_domain())


class RespondInput(GraphInput):
    """accept / tentativelyAccept / decline (`proposedNewTime` is read for the latter two only)."""

    comment: str | None = None
    send_response: bool | None = None
    proposed_new_time: TimeSlotInput | None = None


class CancelInput(GraphInput):
    comment: str | None = None


class ForwardInput(GraphInput):
    to_recipients: list[RecipientInput] | None = None
    comment: str | None = None


class SnoozeInput(GraphInput):
    new_reminder_time: DateTimeTimeZoneInput | None = None


class CalendarInput(GraphInput):
    name: Name | None = None
    color: str | None = None
    hex_color: HexColor | None = None

    check_color = enum_field("calendarColor", "color")


class CalendarGroupInput(GraphInput):
    name: Name | None = None


class CalendarPermissionInput(GraphInput):
    email_address: EmailAddressInput | None = None
    role: str | None = None
    is_inside_organization: bool | None = None
    is_removable: bool | None = None

    check_role = enum_field("calendarRoleType", "role")


class MessageInput(ItemExtrasInput):
    subject: str | None = None
    body: ItemBodyInput | None = None
    to_recipients: list[RecipientInput] | None = None
    cc_recipients: list[RecipientInput] | None = None
    importance: str | None = None
    is_read: bool | None = None

    check_importance = enum_field("importance", "importance")


M = TypeVar("M", bound=GraphInput)


def parse(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise RequestBodyRead(_message(error)) from None


def _message(error: ValidationError) -> str:
    first = error.errors()[0]
    where = "/".join(str(p) for p in first.get("loc", ()) if not isinstance(p, int))
    text = str(first.get("msg", "invalid value"))
    text = text.removeprefix("Value error, ")
    if text.startswith("Cannot convert"):
        return text
    return f"Invalid value for property '{where}': {text}."
