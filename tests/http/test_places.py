"""/places over HTTP: rooms and room lists with every spelling the SDKs send, one place by id or address,
PATCH, the beta findRooms / findRoomLists, room mailboxes among /users, errors and permissions."""

from __future__ import annotations

import pytest

from tests.http.availability_helpers import add_room, api
from tests.http.conftest import assert_error

ROOM_KEYS = {"id", "displayName", "emailAddress", "nickname", "building", "floorNumber", "floorLabel", "capacity",
             "bookingType", "isWheelChairAccessible", "label", "tags", "audioDeviceName", "videoDeviceName",
             "displayDeviceName", "phone", "address", "geoCoordinates", "parentId", "placeId", "teamsEnabledState"}


@pytest.fixture
def rooms(tenant):
    hood = add_room(tenant, "hood@contoso.com", "Conf Room Hood", capacity=10, building="1", floor=1,
                    list_address="building1@contoso.com")
    adams = add_room(tenant, "adams@contoso.com", "Conf Room Adams", capacity=4, list_address="building1@contoso.com",
                     accessible=True)
    baker = add_room(tenant, "baker@contoso.com", "Conf Room Baker", capacity=20, list_address="building2@contoso.com")
    return hood, adams, baker


@pytest.fixture
def me(tenant, alice):
    return api(tenant, alice)


@pytest.mark.parametrize("path", ["/places/microsoft.graph.room", "/places/graph.room", "/places/Microsoft.Graph.Room"])
def test_rooms_list(me, rooms, path):
    body = me.get(path).json()
    assert body["@odata.context"] == "http://testserver/v1.0/$metadata#places/microsoft.graph.room"
    first = body["value"][0]
    assert set(first) == ROOM_KEYS
    assert (first["displayName"], first["emailAddress"], first["capacity"], first["building"], first["floorNumber"]) == (
        "Conf Room Hood", "hood@contoso.com", 10, "1", 1)
    assert (first["bookingType"], first["tags"], first["teamsEnabledState"], first["label"]) == (
        "standard", [], "unknown", None)
    assert [r["emailAddress"] for r in body["value"]] == ["hood@contoso.com", "adams@contoso.com", "baker@contoso.com"]
    assert body["value"][1]["isWheelChairAccessible"] is True


def test_room_lists_and_their_rooms(me, rooms):
    lists = me.get("/places/microsoft.graph.roomlist").json()["value"]
    assert [entry["emailAddress"] for entry in lists] == ["building1@contoso.com", "building2@contoso.com"]
    rooms_of = me.get("/places/building1@contoso.com/microsoft.graph.roomList/rooms").json()
    assert [r["emailAddress"] for r in rooms_of["value"]] == ["hood@contoso.com", "adams@contoso.com"]
    assert_error(me.get(f"/places/{lists[0]['id']}/microsoft.graph.roomList/rooms"), 404, "ErrorItemNotFound")


def test_list_options(me, rooms):
    body = me.get("/places/microsoft.graph.room?$filter=capacity ge 10&$select=displayName,capacity&$top=1"
                  "&$count=true").json()
    assert body["@odata.count"] == 2
    assert body["value"] == [{"id": rooms[0].id, "displayName": "Conf Room Hood", "capacity": 10}]
    assert "$skip=1" in body["@odata.nextLink"]


def test_one_place_by_id_or_address(me, rooms):
    hood = rooms[0]
    for key in (hood.id, "HOOD@contoso.com"):
        body = me.get(f"/places/{key}").json()
        assert body["@odata.context"] == "http://testserver/v1.0/$metadata#places/$entity"
        assert body["@odata.type"] == "#microsoft.graph.room" and body["id"] == hood.id
    room_list = me.get("/places/building2@contoso.com").json()
    assert room_list["@odata.type"] == "#microsoft.graph.roomList"
    assert_error(me.get("/places/nowhere@contoso.com"), 404, "ErrorItemNotFound",
                 "The specified object was not found in the store.")
    assert_error(me.get("/places"), 406, "ErrorInvalidRequest")


def test_patch(tenant, alice, rooms):
    writer = api(tenant, alice, ["Place.ReadWrite.All"])
    response = writer.patch("/places/hood@contoso.com", json={
        "@odata.type": "microsoft.graph.room", "capacity": "12", "nickname": "Hood", "tags": ["bean bags"],
        "bookingType": "Reserved", "displayName": "ignored", "emailAddress": "ignored@contoso.com",
        "isWheelChairAccessible": True, "address": {"city": "Seattle"}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["capacity"], body["nickname"], body["tags"], body["bookingType"]) == (12, "Hood", ["bean bags"],
                                                                                        "reserved")
    assert (body["displayName"], body["emailAddress"], body["address"]) == ("Conf Room Hood", "hood@contoso.com",
                                                                          {"city": "Seattle"})
    assert_error(writer.patch("/places/hood@contoso.com", json={"@odata.type": "microsoft.graph.roomList"}),
                 400, "ErrorInvalidRequest")
    assert_error(writer.patch("/places/hood@contoso.com", json={"capacity": "many"}), 400, "RequestBodyRead")
    assert_error(api(tenant, alice).patch("/places/hood@contoso.com", json={"capacity": 1}), 403, "ErrorAccessDenied")


def test_beta_find_rooms(tenant, alice, rooms):
    beta = api(tenant, alice, version="beta")
    found = beta.get("/me/findRooms").json()
    assert found["@odata.context"].endswith("$metadata#Collection(microsoft.graph.emailAddress)")
    assert found["value"][0] == {"name": "Conf Room Hood", "address": "hood@contoso.com"}
    of_list = beta.get("/me/findRooms(RoomList='building2@contoso.com')").json()["value"]
    assert of_list == [{"name": "Conf Room Baker", "address": "baker@contoso.com"}]
    lists = beta.get("/me/findRoomLists").json()["value"]
    assert [entry["address"] for entry in lists] == ["building1@contoso.com", "building2@contoso.com"]


def test_room_mailboxes_are_users_with_their_own_settings(me, rooms):
    users = me.get("/users").json()["value"]
    assert "hood@contoso.com" in [u["mail"] for u in users]
    assert me.get("/users/hood@contoso.com").json()["displayName"] == "Conf Room Hood"


def test_permissions(tenant, alice, rooms):
    calendars_only = api(tenant, alice, ["Calendars.ReadWrite"])
    assert_error(calendars_only.get("/places/microsoft.graph.room"), 403, "ErrorAccessDenied")
    assert tenant.app_api(["Place.Read.All"]).get("/places/microsoft.graph.room").status_code == 200
    assert_error(tenant.app_api(["Place.ReadWrite.All"]).patch("/places/hood@contoso.com", json={"capacity": 3}),
                 403, "ErrorAccessDenied")
