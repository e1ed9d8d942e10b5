"""calendarView and instances: the single events, occurrences and exceptions overlapping a window.

A view reads the stored singles and exceptions overlapping the window (one index range read, see
UnitOfWork.query_event_window), expands the calendar's series masters over the window only, drops the
occurrences an exception stands for or the master cancelled, then filters, orders (by start unless
$orderby) and pages in memory.

In the default order without $filter or $count (what clients page through), a page is built by time
instead: from where the previous page ended (its `Cursor`, carried in the nextLink's `$skiptoken`
beside `$skip`), over spans of the window that double until they hold one item more than `$top`. So
a page expands only about what it returns, and reading a whole year page by page costs about what
reading it at once does, not pages x year. There every item is first only its key (occurrences.Keyed:
integer start and end, id; a timed occurrence is no more than that and its master, day and original
start), and the page's timed occurrences come out as occurrences.Virtual items, which the HTTP layer
renders straight from a per-series text template (render_text.OccurrenceText) without an Event each.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from calgraph.core import event_query, occurrences, permissions, ticks
from calgraph.core.errors import ItemNotFound, WindowTooLong
from calgraph.core.model import Event, Mailbox
from calgraph.core.occurrences import Virtual
from calgraph.core.permissions import Principal
from calgraph.core.query import ItemQuery, Page
from calgraph.services import access
from calgraph.services.events import EventsPage, Scope, calendar_of, find
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork

MAX_WINDOW = timedelta(days=1825)
FIRST_SPAN = timedelta(days=7)   # the first span a page by time expands; each next one is twice as long
Key = tuple[str, str, str]       # an event's place in the default order: (start, end, id) as the store bounds them


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
class Cursor:
    """Where a page in the default order ended: the key of its last item, the `$skip` of the next page,
    and how many seconds of the window the page spanned (the next page's first guess)."""

    key: Key
    skip: int
    span_s: int = 0

    def encode(self) -> str:
        return base64.urlsafe_b64encode(json.dumps([*self.key, self.skip, self.span_s]).encode()).decode()

    @staticmethod
    def decode(text: str | None) -> "Cursor | None":
        """The cursor of a `$skiptoken`; None for anything else (the page is then built the long way)."""
        try:
            *key, skip, span_s = json.loads(base64.urlsafe_b64decode(text or ""))
        except (binascii.Error, ValueError, TypeError):
            return None
        if (len(key) != 3 or not all(isinstance(part, str) for part in key)
                or not isinstance(skip, int) or not isinstance(span_s, int)):
            return None
        try:
            event_query.instant(key[0]), event_query.instant(key[1])
        except ValueError:
            return None
        return Cursor((key[0], key[1], key[2]), skip, max(span_s, 0))


@dataclass(frozen=True)
class ViewPage(EventsPage):
    """A page built by time: its items are stored Events and, for timed occurrences, occurrences.Virtual
    ones (built as Events only when needed: Virtual.event())."""

    next_cursor: Cursor | None = None   # set when more follow


@dataclass(frozen=True)
class InstancesPage(EventsPage):
    master_id: str = ""


def calendar_view(rt: Runtime, principal: Principal, scope: Scope, window: Window,
                  query: ItemQuery, cursor: Cursor | None = None) -> EventsPage:
    """The events of the scope's calendar (the default one unless the path names one) in the window."""
    window.check()
    with rt.store.unit_of_work() as uow:
        mailbox, calendar_id = _viewed_calendar(uow, principal, scope)
        may_read_body = permissions.may_read_body(principal, mailbox)
        after = cursor.key if cursor is not None and cursor.skip == query.skip else None
        if not window.empty and _by_time(query) and (after is not None or query.skip == 0):
            guess = FIRST_SPAN if cursor is None or not cursor.span_s else timedelta(seconds=cursor.span_s * 1.2)
            page, last = time_page(uow, [calendar_id], window, max(query.top, 0), after, guess)
            next_cursor = None
            if page.has_more and last:
                spanned = event_query.instant(last[0]) - (window.start if after is None else
                                                          max(window.start, event_query.instant(after[0])))
                next_cursor = Cursor(last, query.skip + len(page.items), int(spanned.total_seconds()))
            return ViewPage(mailbox, page, may_read_body, next_cursor)
        items = [] if window.empty else view(uow, [calendar_id], window)
        return EventsPage(mailbox, event_query.page(items, query), may_read_body)


def _viewed_calendar(uow: UnitOfWork, principal: Principal, scope: Scope) -> tuple[Mailbox, str]:
    """The mailbox and the id of the calendar a view reads, once the principal may read it. The default
    calendar (the path names none) by the id the store remembers, and the access to the mailbox's
    calendars, which is the default calendar's (access.require_calendar)."""
    if scope.calendar is not None or scope.calendar_group is not None:
        mailbox, calendar = calendar_of(uow, principal, scope)
        access.require_calendar(uow, principal, mailbox, calendar, "readBasic")
        return mailbox, calendar.id
    mailbox = access.owner_mailbox(uow, principal, scope.owner_kind, scope.owner_key)
    calendar_id = uow.default_calendar_id(mailbox.id)
    if calendar_id is None:
        raise ItemNotFound()
    access.require_calendar(uow, principal, mailbox, None, "readBasic")
    return mailbox, calendar_id


def _by_time(query: ItemQuery) -> bool:
    return query.filter is None and not query.orderby and not query.count


def time_page(uow: UnitOfWork, calendar_ids: list[str], window: Window, top: int, after: Key | None,
              first_span: timedelta = FIRST_SPAN) -> tuple[Page[occurrences.ViewItem], Key | None]:
    """The first `top` events in the default order after `after` (from the window's start if None) and
    the key of the last one; timed occurrences as occurrences.Virtual items. Spans of the window are
    expanded until the items starting before the span's end number more than `top` (so the page, and
    whether more follow, are settled) or the window is done; after the first span, the next is sized
    from the items per day seen so far."""
    masters, exceptions = uow.list_series(calendar_ids, window.end)
    start = window.start if after is None else max(window.start, event_query.instant(after[0]))
    since = None if after is None else (ticks.of(event_query.instant(after[0])), ticks.of(event_query.instant(after[1])),
                                        after[2])
    seen: dict[str, occurrences.Keyed] = {}
    low, span = start, max(first_span, timedelta(hours=1))
    while True:
        high = min(low + span, window.end)
        for key in keyed_view(uow, calendar_ids, Window(low, high), masters, exceptions):
            if key[2] not in seen:
                seen[key[2]] = key
        done = high >= window.end
        limit = None if done else ticks.of(high.astimezone(timezone.utc))
        ready = _after(seen.values(), since, limit)
        if len(ready) > top or done:
            ready.sort()   # by start, end and id (ids are unique: nothing after them is compared)
            shown = ready[:top]
            page = Page([k[3] if len(k) == 4 else Virtual(k) for k in shown], None, len(ready) > top)
            last = (ticks.text(shown[-1][0]), ticks.text(shown[-1][1]), shown[-1][2]) if shown else None
            return page, last
        covered = high - start
        wanted = covered * (top + 1) / max(len(ready), 1) * 1.25 - covered  # at the density seen so far
        low, span = high, max(wanted, FIRST_SPAN)


def _after(keys: Iterable[occurrences.Keyed], since: tuple[int, int, str] | None,
           limit: int | None) -> list[occurrences.Keyed]:
    """The keys after `since` (by start, end, id) that start before `limit` (None: no bound). A page's
    hot loop: the start alone decides for all but the keys starting where `since` does."""
    if since is None:
        return list(keys) if limit is None else [k for k in keys if k[0] < limit]
    first = since[0]
    if limit is None:
        return [k for k in keys if k[0] > first or (k[0] == first and k[:3] > since)]
    return [k for k in keys if limit > k[0] > first or (k[0] == first < limit and k[:3] > since)]


def keyed_view(uow: UnitOfWork, calendar_ids: list[str], window: Window, masters: list[Event],
               exceptions: list[Event]) -> list[occurrences.Keyed]:
    """The singles, exceptions and occurrences of those calendars overlapping the window, keyed (see
    occurrences.Keyed); `exceptions`: those of the calendars' series masters (`masters`)."""
    stored = uow.query_event_window(calendar_ids, window.start, window.end)
    expanded = occurrences.expand_keyed(masters, window.start, window.end)
    return [*map(occurrences.keyed, stored), *occurrences.keyed_without_replaced(expanded, exceptions)]


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
    masters, exceptions = uow.list_series(calendar_ids, window.end)
    items = map(occurrences.item, keyed_view(uow, calendar_ids, window, masters, exceptions))
    return [item.event() if type(item) is Virtual else item for item in items]


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
