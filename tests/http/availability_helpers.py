"""Shared pieces of the availability HTTP tests: token scopes, rooms, events."""

from __future__ import annotations

from typing import Any

from calgraph.core.availability.places import Place
from calgraph.core.model import Mailbox
from calgraph.services import mailbox_settings, places
from tests.http.conftest import Api, Tenant

SCOPES = ["User.Read", "Calendars.ReadWrite", "Calendars.ReadWrite.Shared", "Mail.ReadWrite",
          "MailboxSettings.ReadWrite", "Place.Read.All"]


def api(tenant: Tenant, user: Mailbox, scopes: list[str] | None = None, version: str = "v1.0") -> Api:
    return tenant.api(user, scopes or SCOPES, version)


def add_room(tenant: Tenant, address: str, name: str, **kw: Any) -> Place:
    with tenant.store.unit_of_work(write=True) as uow:
        return places.add_room(uow, tenant.runtime.ids, tenant.runtime.clock, address, name, **kw)


def set_policy(tenant: Tenant, address: str, **values: Any) -> Place:
    with tenant.store.unit_of_work(write=True) as uow:
        place = uow.get_place(address)
        assert place is not None
        return places.set_policy(uow, place, **values)


def set_level(tenant: Tenant, user: Mailbox, level: str) -> None:
    with tenant.store.unit_of_work(write=True) as uow:
        mailbox_settings.set_free_busy_level(uow, user, level)


def utc(date_time: str) -> dict[str, str]:
    return {"dateTime": date_time, "timeZone": "UTC"}


def event(subject: str, start: str, end: str, zone: str = "UTC", **extra: Any) -> dict[str, Any]:
    return {"subject": subject, "start": {"dateTime": start, "timeZone": zone},
            "end": {"dateTime": end, "timeZone": zone}, **extra}


def create(client: Api, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/me/events", json=body)
    assert response.status_code == 201, response.text
    return response.json()
