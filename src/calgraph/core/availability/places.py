"""Places: rooms (each with a resource mailbox and its booking policy) and room lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from calgraph.core.availability.booking import BookingPolicy

PlaceKind = Literal["room", "roomList"]
BOOKING_TYPES = ("unknown", "standard", "reserved")
# The properties PATCH may change (domain names); id, address, display name and placeId are not among them.
WRITABLE = frozenset({
    "postal_address", "audio_device", "booking_type", "building", "capacity", "display_device", "floor_label",
    "floor_number", "geo_coordinates", "accessible", "label", "nickname", "phone", "tags", "video_device",
})


@dataclass(frozen=True)
class Place:
    id: str
    kind: PlaceKind
    address: str
    display_name: str
    mailbox_id: str | None = None          # a room's resource mailbox
    list_id: str | None = None             # the room list a room is in
    nickname: str | None = None
    building: str | None = None
    floor_label: str | None = None
    floor_number: int | None = None
    capacity: int | None = None
    booking_type: str = "standard"
    accessible: bool = False
    label: str | None = None
    tags: tuple[str, ...] = ()
    audio_device: str | None = None
    video_device: str | None = None
    display_device: str | None = None
    phone: str | None = None
    postal_address: dict[str, Any] | None = None
    geo_coordinates: dict[str, Any] | None = None
    policy: BookingPolicy = field(default_factory=BookingPolicy)
