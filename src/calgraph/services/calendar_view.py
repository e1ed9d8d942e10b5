"""calendarView and instances: the single events, occurrences and exceptions overlapping a window.

A view reads the stored singles and exceptions overlapping the window (one index range read, see
UnitOfWork.query_event_window), expands the calendar's series masters over the window only, drops the
occurrences an exception stands for or the master cancelled, then filters, orders (by start unless
$orderby) and pages in memory. Each page request does this work once, bounded by the window (at most
1825 days): a page never expands beyond the window and paging is linear in the pages read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from calgraph.core import event_query, occurrences, permissions
from calgraph.core.errors import InvalidRequest
from calgraph.core.model import Event
from calgraph.core.permissions import Principal
from calgraph.core.query import ItemQuery
from calgraph.services import access
from calgraph.services.events import EventsPage, Scope, calendar_of, find
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork

MAX_WINDOW = timedelta(days=1825)


class WindowTooLong(InvalidRequest):
    message = "The time window of a calendar view can't be longer than 1825 days."


@dataclass(frozen=True)
class Window:
    """[start, end) as aware UTC instants. An end at or before the start is an empty window."""

    start: datetime
    end: datetime

    def check(self) -> "Window":
        if self.end - self.start > MAX_WINDOW:
            raise WindowTooLong()
        return self

    @property
    def empty(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class InstancesPage(EventsPage):
    master_id: str = ""


def calendar_view(rt: Runtime, principal: Principal, scope: Scope, window: Window,
                  query: ItemQuery) -> EventsPage:
    """The events of the scope's calendar (the default one unless the path names one) in the window."""
    window.check()
    with rt.store.unit_of_work() as uow:
        mailbox, calendar = calendar_of(uow, principal, scope)
        access.require_calendar(uow, principal, mailbox, calendar, "readBasic")
        items = [] if window.empty else view(uow, [calendar.id], window)
        return EventsPage(mailbox, event_query.page(items, query), permissions.may_read_body(principal, mailbox))


def instances(rt: Runtime, principal: Principal, scope: Scope, master_id: str, window: Window,
              query: ItemQuery) -> InstancesPage:
    """The occurrences and exceptions of one series master in the window (none for any other event)."""
    window.check()
    with rt.store.unit_of_work() as uow:
        mailbox, master = find(uow, principal, scope, master_id, "readBasic")
        items = [] if window.empty else series_view(uow, master, window)
        return InstancesPage(mailbox, event_query.page(items, query), permissions.may_read_body(principal, mailbox),
                             master.id)


def view(uow: UnitOfWork, calendar_ids: list[str], window: Window) -> list[Event]:
    """Singles, exceptions and occurrences of those calendars overlapping the window (never masters)."""
    stored = uow.query_event_window(calendar_ids, window.start, window.end)
    masters = uow.list_series_masters(calendar_ids, window.end)
    expanded = occurrences.expand(masters, window.start, window.end)
    live = sorted({event.series_master_id for event in expanded if event.series_master_id})
    exceptions = uow.list_series_exceptions(live) if live else []
    return [*stored, *occurrences.without_replaced(expanded, exceptions)]


def series_view(uow: UnitOfWork, master: Event, window: Window) -> list[Event]:
    if occurrences.series_of(master) is None:
        return []
    exceptions = uow.list_series_exceptions([master.id])
    shown = [e for e in exceptions if _overlaps(e, window)]
    expanded = occurrences.expand([master], window.start, window.end)
    return [*shown, *occurrences.without_replaced(expanded, exceptions)]


def _overlaps(event: Event, window: Window) -> bool:
    start, end = event_query.bound(event.start, event.is_all_day), event_query.bound(event.end, event.is_all_day)
    return start < event_query.instant_text(window.end) and end > event_query.instant_text(window.start)
