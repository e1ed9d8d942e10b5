"""The store's availability contract: mailbox settings (absent until written, then replaced whole) and
places (by id or address, by kind and room list, updated in place), the same on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

from calgraph.core.availability.booking import BookingPolicy
from calgraph.core.availability.places import Place
from calgraph.core.availability.settings import CustomZone, MailboxSettings, Transition, WorkingHours
from calgraph.store import SqlStore


def test_mailbox_settings_round_trip(store: SqlStore, seeded) -> None:
    mailbox = seeded.mailbox.id
    with store.unit_of_work() as uow:
        assert uow.get_mailbox_settings(mailbox) is None
    custom = CustomZone("Custom", 480, Transition(time(2), 1, "sunday", 11), Transition(time(2), 2, "sunday", 3),
                        daylight_bias=-60)
    settings = MailboxSettings(time_zone="Tokyo Standard Time",
                               working_hours=WorkingHours(("monday",), time(9, 30), time(18), "X", custom))
    with store.unit_of_work(write=True) as uow:
        uow.put_mailbox_settings(mailbox, settings)
    with store.unit_of_work(write=True) as uow:
        assert uow.get_mailbox_settings(mailbox) == settings
        uow.put_mailbox_settings(mailbox, replace(settings, locale="fr-FR"))
    with store.unit_of_work() as uow:
        assert uow.get_mailbox_settings(mailbox) == replace(settings, locale="fr-FR")


def test_places(store: SqlStore, seeded) -> None:
    room_list = Place("L1", "roomList", "List@contoso.com", "List")
    room = Place("R1", "room", "Hood@contoso.com", "Hood", mailbox_id=seeded.mailbox.id, list_id="L1", capacity=10,
                 tags=("a",), postal_address={"city": "Seattle"}, policy=BookingPolicy(booking_window_days=30))
    other = Place("R2", "room", "oak@contoso.com", "Oak")
    with store.unit_of_work(write=True) as uow:
        for place in (room_list, room, other):
            uow.add_place(place)
        uow.lock_resource(seeded.mailbox.id)
    with store.unit_of_work(write=True) as uow:
        assert uow.get_place("R1") == room and uow.get_place("hood@CONTOSO.com") == room
        assert uow.get_place("nothing") is None
        assert [p.id for p in uow.list_places("room")] == ["R1", "R2"]
        assert uow.list_places("room", "L1") == [room] and uow.list_places("roomList") == [room_list]
        uow.update_place(replace(room, capacity=12))
    with store.unit_of_work() as uow:
        assert uow.get_place("R1").capacity == 12
