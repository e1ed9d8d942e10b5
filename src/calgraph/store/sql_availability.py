"""Mailbox settings and places (rooms, room lists): the whole object as JSON in `data`."""

from __future__ import annotations

import hashlib

from sqlalchemy import insert, or_, select, text, update

from calgraph.core.availability.places import Place
from calgraph.core.availability.settings import MailboxSettings
from calgraph.store.codec import dumps, loads
from calgraph.store.schema import mailbox_settings, places
from calgraph.store.sql_base import UnitOfWorkBase


class AvailabilityMixin(UnitOfWorkBase):
    def get_mailbox_settings(self, mailbox_id: str) -> MailboxSettings | None:
        data = self.conn.execute(select(mailbox_settings.c.data)
                                 .where(mailbox_settings.c.mailbox_id == mailbox_id)).scalar_one_or_none()
        return None if data is None else loads(MailboxSettings, data)

    def put_mailbox_settings(self, mailbox_id: str, settings: MailboxSettings) -> None:
        data = dumps(settings)
        changed = self.conn.execute(update(mailbox_settings).where(mailbox_settings.c.mailbox_id == mailbox_id)
                                    .values(data=data)).rowcount
        if not changed:
            self.conn.execute(insert(mailbox_settings).values(mailbox_id=mailbox_id, data=data))

    def add_place(self, place: Place) -> None:
        self.conn.execute(insert(places).values(**_place_values(place), seq=self.next_seq(places)))

    def get_place(self, key: str) -> Place | None:
        data = self.conn.execute(select(places.c.data).where(
            or_(places.c.id == key, places.c.address_lower == key.lower())).limit(1)).scalar_one_or_none()
        return None if data is None else loads(Place, data)

    def list_places(self, kind: str, list_id: str | None = None) -> list[Place]:
        statement = select(places.c.data).where(places.c.kind == kind)
        if list_id is not None:
            statement = statement.where(places.c.list_id == list_id)
        statement = statement.order_by(places.c.seq, places.c.id)
        return [loads(Place, data) for data in self.conn.execute(statement).scalars()]

    def update_place(self, place: Place) -> None:
        self.conn.execute(update(places).where(places.c.id == place.id).values(**_place_values(place)))

    def lock_resource(self, mailbox_id: str) -> None:
        if self.dialect_name != "postgresql":
            return  # SQLite: a write unit holds the database's write lock from its start
        key = int.from_bytes(hashlib.blake2b(b"resource:" + mailbox_id.encode(), digest_size=8).digest(),
                             "big", signed=True)
        self.conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _place_values(place: Place) -> dict[str, object]:
    return {"id": place.id, "kind": place.kind, "address_lower": place.address.lower(),
            "display_name_lower": place.display_name.lower(), "mailbox_id": place.mailbox_id,
            "list_id": place.list_id, "data": dumps(place)}
