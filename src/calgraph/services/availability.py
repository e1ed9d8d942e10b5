"""getSchedule: the free/busy of several mailboxes over a window, each read with the occurrence expansion
calendarView uses (its cost follows the window, not the size of the calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from calgraph.core.availability import access as rules
from calgraph.core.availability import freebusy
from calgraph.core.availability.freebusy import BusyItem, Level
from calgraph.core.availability.settings import WorkingHours
from calgraph.core.model import Mailbox
from calgraph.core.permissions import Principal
from calgraph.core import occurrences, ticks
from calgraph.services import access
from calgraph.services.mailbox_settings import settings_of
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork

# all-day events are stored by their dates taken as UTC: read a day more on each side, then clip exactly
_ALL_DAY_MARGIN = timedelta(days=1)
SCHEDULE_KINDS = ("user", "room", "group")


@dataclass(frozen=True)
class Schedule:
    """One requested address: its items, view and working hours, or an availability error."""

    schedule_id: str
    items: tuple[BusyItem, ...] = ()
    view: str = ""
    hours: WorkingHours | None = None
    level: Level = "availabilityOnly"
    error_code: str | None = None
    error_message: str = ""


def busy_items(uow: UnitOfWork, mailbox: Mailbox, start: datetime, end: datetime) -> list[BusyItem]:
    """The counted items of the mailbox's default calendar overlapping [start, end): stored singles and
    exceptions from one index range read, a series' timed occurrences from their keys alone (as
    calendarView pages them), never building an Event per occurrence."""
    calendar = uow.default_calendar(mailbox.id)
    if calendar is None:
        return []
    low, high = start - _ALL_DAY_MARGIN, end + _ALL_DAY_MARGIN
    masters, exceptions = uow.list_series([calendar.id], high)
    items = [freebusy.busy_item(e, n) for n, e in enumerate(uow.query_event_window([calendar.id], low, high))]
    for key in occurrences.keyed_without_replaced(occurrences.expand_keyed(masters, low, high), exceptions):
        if len(key) == 4:   # an all-day occurrence, built as an Event
            items.append(freebusy.busy_item(key[3], len(items)))
        else:
            items.append(freebusy.occurrence_item(key[3], ticks.aware(key[0]), ticks.aware(key[1]), len(items)))
    return freebusy.sorted_in(items, start, end)


def _shared_with(uow: UnitOfWork, principal: Principal, target: Mailbox) -> bool:
    caller = uow.get_mailbox(principal.user_id) if principal.user_id else None
    calendar = uow.default_calendar(target.id)
    if caller is None or calendar is None:
        return False
    return any(p.email.address.lower() == caller.address.lower() and p.role.lower() in rules.DETAIL_ROLES
               for p in uow.list_calendar_permissions(calendar.id))


def get_schedule(rt: Runtime, principal: Principal, kind: str, key: str | None, addresses: list[str],
                 start: datetime, end: datetime, interval: int) -> list[Schedule]:
    """The request was checked with freebusy.check_schedules / check_window (HTTP layer)."""
    rules.require_free_busy(principal)
    with rt.store.unit_of_work() as uow:
        owner = access.owner_mailbox(uow, principal, kind, key)
        return [_schedule(uow, principal, owner, address, start, end, interval) for address in addresses]


def _schedule(uow: UnitOfWork, principal: Principal, owner: Mailbox, address: str, start: datetime,
              end: datetime, interval: int) -> Schedule:
    target = uow.get_mailbox(address.strip()) if "@" in address else None
    if target is None or target.kind not in SCHEDULE_KINDS:
        return Schedule(address, error_code="5009",
                        error_message=f"Unable to resolve e-mail address {address} to an Active Directory object.")
    settings = settings_of(uow, target)
    is_self = target.id == owner.id
    level = freebusy.detail_level(is_self, principal.is_app, not is_self and _shared_with(uow, principal, target),
                                  settings.free_busy_level)
    if level == "none":
        return Schedule(address, error_code="5037", error_message="The caller does not have access to free/busy data.")
    items = busy_items(uow, target, start, end)
    if len(items) > freebusy.MAX_ITEMS:
        return Schedule(address, error_code="5006", error_message=(
            "The result set contains too many calendar entries. "
            f"The allowed size = {freebusy.MAX_ITEMS}; the actual size = {len(items)}."))
    return Schedule(address, tuple(items), freebusy.availability_view(items, start, end, interval),
                    settings.working_hours, level)
