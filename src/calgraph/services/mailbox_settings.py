"""mailboxSettings (read, change), and the time zones and languages a mailbox may use."""

from __future__ import annotations

from typing import Any

from calgraph.core.availability import access as rules
from calgraph.core.availability import settings as rules_settings
from calgraph.core.availability import zone_names
from calgraph.core.availability.settings import MailboxSettings
from calgraph.core.model import Mailbox
from calgraph.core.permissions import Principal
from calgraph.services import access
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork


def settings_of(uow: UnitOfWork, mailbox: Mailbox) -> MailboxSettings:
    return uow.get_mailbox_settings(mailbox.id) or rules_settings.defaults(mailbox)


def get_settings(rt: Runtime, principal: Principal, kind: str, key: str | None) -> tuple[Mailbox, MailboxSettings]:
    with rt.store.unit_of_work() as uow:
        mailbox = access.owner_mailbox(uow, principal, kind, key)
        rules.require_mailbox_settings(principal, mailbox, write=False)
        return mailbox, settings_of(uow, mailbox)


def update_settings(rt: Runtime, principal: Principal, kind: str, key: str | None,
                    changes: dict[str, Any]) -> tuple[Mailbox, MailboxSettings]:
    """`changes` as core.availability.settings.apply takes them; one unit of work, so concurrent
    changes to different members never lose each other."""
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = access.owner_mailbox(uow, principal, kind, key)
        rules.require_mailbox_settings(principal, mailbox, write=True)
        uow.lock_resource(mailbox.id)
        updated = rules_settings.apply(settings_of(uow, mailbox), changes)
        uow.put_mailbox_settings(mailbox.id, updated)
        return mailbox, updated


def set_free_busy_level(uow: UnitOfWork, mailbox: Mailbox, level: str) -> None:
    """How much others see of the mailbox's items in getSchedule (an admin setting, no Graph API)."""
    uow.put_mailbox_settings(mailbox.id, rules_settings.apply(settings_of(uow, mailbox), {"free_busy_level": level}))


def supported_time_zones(rt: Runtime, principal: Principal, kind: str, key: str | None,
                         iana: bool) -> list[tuple[str, str]]:
    """(alias, displayName) of every zone calgraph converts: Windows ids, or with `iana` the IANA names
    that map to one."""
    with rt.store.unit_of_work() as uow:
        access.owner_mailbox(uow, principal, kind, key)
    rules.require_user_read(principal)
    if iana:
        return [(name, name) for name in zone_names.iana_zones()]
    return list(zone_names.windows_zones())


def supported_languages(rt: Runtime, principal: Principal, kind: str, key: str | None) -> list[tuple[str, str]]:
    with rt.store.unit_of_work() as uow:
        access.owner_mailbox(uow, principal, kind, key)
    rules.require_user_read(principal)
    return sorted(rules_settings.LANGUAGES.items())
