"""/places: rooms and room lists (v1.0), GET and PATCH of one place; beta …/findRooms and …/findRoomLists."""

from __future__ import annotations

from typing import Any

from calgraph.core.availability.places import BOOKING_TYPES, Place
from calgraph.core.availability.settings import enum_member
from calgraph.core.errors import InvalidRequest, ItemNotFound
from calgraph.core.query import Page
from calgraph.http import odata
from calgraph.http.availability_json import Body, as_bool, as_int, as_str, literal_error
from calgraph.http.collections import collection, in_memory_page
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply
from calgraph.services import places as service

ROOM_FIELDS = frozenset({
    "id", "displayName", "emailAddress", "nickname", "building", "floorNumber", "floorLabel", "capacity",
    "bookingType", "isWheelChairAccessible", "label", "tags", "audioDeviceName", "videoDeviceName",
    "displayDeviceName", "phone", "address", "geoCoordinates", "parentId", "placeId", "teamsEnabledState",
})
LIST_FIELDS = frozenset({"id", "displayName", "emailAddress", "address", "geoCoordinates", "phone", "placeId",
                         "isWheelChairAccessible", "label", "tags", "parentId"})
_PROPERTIES = {"displayName": str, "emailAddress": str, "capacity": int, "building": str, "id": str}
_TYPE = {"room": "#microsoft.graph.room", "roomList": "#microsoft.graph.roomList"}


def place_json(place: Place) -> dict[str, Any]:
    common = {"id": place.id, "displayName": place.display_name, "emailAddress": place.address}
    located = {"address": place.postal_address, "geoCoordinates": place.geo_coordinates, "phone": place.phone,
               "isWheelChairAccessible": place.accessible, "label": place.label, "tags": list(place.tags),
               "parentId": None, "placeId": None}
    if place.kind == "roomList":
        return {**common, **located}
    return {**common, "nickname": place.nickname, "building": place.building, "floorNumber": place.floor_number,
            "floorLabel": place.floor_label, "capacity": place.capacity, "bookingType": place.booking_type,
            **located, "audioDeviceName": place.audio_device, "videoDeviceName": place.video_device,
            "displayDeviceName": place.display_device, "parentId": place.list_id, "teamsEnabledState": "unknown"}


def list_places(ctx: RequestContext) -> Reply:
    kind = ctx.address.option
    places = service.list_places(ctx.runtime, ctx.principal, kind)
    return _collection(ctx, places, f"places/microsoft.graph.{kind}", kind or "room")


def list_room_list_rooms(ctx: RequestContext) -> Reply:
    places = service.list_places(ctx.runtime, ctx.principal, "room", ctx.address.place)
    return _collection(ctx, places, f"places('{ctx.address.place}')/microsoft.graph.roomList/rooms", "room")


def bare_places(ctx: RequestContext) -> Reply:
    service.list_places(ctx.runtime, ctx.principal, None)
    raise AssertionError("unreachable: a bare /places is refused")


def _collection(ctx: RequestContext, places: list[Place], path: str, kind: str) -> Reply:
    fields = ROOM_FIELDS if kind == "room" else LIST_FIELDS
    options = odata.parse_list_options(ctx.options, _PROPERTIES, fields, type_name=f"microsoft.graph.{kind}")
    page: Page[Place] = in_memory_page(places, options.query, place_json)
    context = f"{ctx.service_root}/$metadata#{path}"
    if options.select:
        context += f"({','.join(options.select)})"
    return collection(ctx, page, options, context, place_json)


def _entity(ctx: RequestContext, place: Place) -> Reply:
    return Reply(200, {"@odata.context": f"{ctx.service_root}/$metadata#places/$entity",
                       "@odata.type": _TYPE[place.kind], **place_json(place)})


def get_place(ctx: RequestContext) -> Reply:
    place = service.get_place(ctx.runtime, ctx.principal, ctx.address.place or "")
    if ctx.address.option is not None and ctx.address.option != place.kind:
        raise ItemNotFound()
    return _entity(ctx, place)


_STRINGS = {"nickname": "nickname", "building": "building", "floorLabel": "floor_label", "label": "label",
            "audioDeviceName": "audio_device", "videoDeviceName": "video_device",
            "displayDeviceName": "display_device", "phone": "phone"}


def _changes(body: Body) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, field in _STRINGS.items():
        if body.has(name):
            value = body.get(name)
            changes[field] = None if value is None else as_str(value)
    for name, field in (("capacity", "capacity"), ("floorNumber", "floor_number")):
        if body.has(name):
            changes[field] = None if body.get(name) is None else as_int(body.get(name))
    if body.has("isWheelChairAccessible"):
        changes["accessible"] = as_bool(body.get("isWheelChairAccessible"))
    if body.has("bookingType"):
        value = body.get("bookingType")
        changes["booking_type"] = enum_member(BOOKING_TYPES, value, literal_error(value, "microsoft.graph.bookingType"))
    if body.has("tags"):
        tags = body.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise literal_error(tags, "Collection(Edm.String)")
        changes["tags"] = tuple(tags)
    for name, field in (("address", "postal_address"), ("geoCoordinates", "geo_coordinates")):
        if body.has(name):
            value = body.get(name)
            changes[field] = None if value is None else dict(Body(value).data)
    return changes


def patch_place(ctx: RequestContext) -> Reply:
    body = Body(ctx.json())
    odata_type = str(body.get("@odata.type") or "").lower().lstrip("#")
    kind = {"microsoft.graph.room": "room", "microsoft.graph.roomlist": "roomList"}.get(odata_type)
    if odata_type and kind is None:
        raise InvalidRequest(f"The type '{body.get('@odata.type')}' is not a place type.")
    place = service.update_place(ctx.runtime, ctx.principal, ctx.address.place or "", kind, _changes(body))
    return _entity(ctx, place)


def _email_addresses(ctx: RequestContext, places: list[Place]) -> Reply:
    return Reply(200, {"@odata.context": f"{ctx.service_root}/$metadata#Collection(microsoft.graph.emailAddress)",
                       "value": [{"name": p.display_name, "address": p.address} for p in places]})


def find_rooms(ctx: RequestContext) -> Reply:
    return _email_addresses(ctx, service.find_rooms(ctx.runtime, ctx.principal, ctx.address.option))


def find_room_lists(ctx: RequestContext) -> Reply:
    return _email_addresses(ctx, service.find_room_lists(ctx.runtime, ctx.principal))


ROUTES = {
    ("places", "GET"): bare_places,
    ("placeList", "GET"): list_places,
    ("roomListRooms", "GET"): list_room_list_rooms,
    ("place", "GET"): get_place,
    ("place", "PATCH"): patch_place,
    ("findRooms", "GET"): find_rooms,
    ("findRoomLists", "GET"): find_room_lists,
}
