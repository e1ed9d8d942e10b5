"""Pre-encoded JSON: a calendarView's items as text.

A calendarView answer is mostly occurrences of a few series and the same stored events again and again:
a stored event's text is remembered per (id, change key, view), and a series' occurrences are filled
into one text template per view (OccurrenceText). The texts are encoded as the reply is (http.reply.dumps),
so each is exactly what render.event's dict would have become (tests/http/test_calendar_view_encoding.py).
"""

from __future__ import annotations

import re
import threading
from typing import Any, Callable
from zoneinfo import ZoneInfo

from calgraph.core import occurrences, ticks, timezones
from calgraph.core.datetimes import format_local
from calgraph.core.ids import ICAL_UID_PREFIX
from calgraph.core.model import Event
from calgraph.http.render import WEB_LINK, View, event
from calgraph.http.reply import dumps as encode

class _Remembered:
    """Something made from an event and a view, by (event id, change key, view), each checked against the
    event it was made from (the same object, or an equal one), so a hit is never stale."""

    def __init__(self, size: int, make: Callable[[Event, View], Any]) -> None:
        self.size, self.make = size, make
        self.items: dict[tuple[str, str, View], tuple[Event, Any]] = {}
        self.lock = threading.Lock()

    def get(self, ev: Event, view: View, sample: Any = None) -> Any:
        key = (ev.id, ev.change_key, view)
        known = self.items.get(key)
        if known is not None and (known[0] is ev or known[0] == ev):
            return known[1]
        made = self.make(ev if sample is None else sample, view)
        with self.lock:
            self.items[key] = (ev, made)
            if len(self.items) > self.size:
                self.items.pop(next(iter(self.items)), None)
        return made


def event_text(ev: Event, view: View) -> str:
    """A stored event's JSON text (event(), encoded), remembered."""
    return _event_texts.get(ev, view)  # type: ignore[no-any-return]


def occurrence_text(item: occurrences.Virtual, view: View) -> OccurrenceText:
    """The OccurrenceText of a timed occurrence's series under `view` (remembered per master and view)."""
    return _occurrence_texts.get(item.master, view, item)  # type: ignore[no-any-return]


class OccurrenceText:
    """The JSON text of a series' timed occurrences under one view, from one occurrence rendered with
    render.event: constant pieces around the fields that differ (id, iCalUId, webLink, start, end,
    originalStart, beta occurrenceId), which `text` fills in."""

    SLOTS = ("id", "iCalUId", "webLink", "start", "end", "originalStart")

    def __init__(self, sample: Event, view: View) -> None:
        zone = encode(view.timezone or "UTC")
        link_head, link_tail = WEB_LINK.split("{}")
        around = {
            "id": ('"', '"'), "iCalUId": ('"', '"'), "webLink": (f'"{link_head}', f'{link_tail}"'),
            "start": ('{"dateTime":"', f'","timeZone":{zone}}}'), "end": ('{"dateTime":"', f'","timeZone":{zone}}}'),
            "originalStart": ('"', '"'), "occurrenceId": ('"', '"'),
        }
        pieces, slots, text = [], [], ""
        for name, value in event(sample, view).items():
            text += ("," if pieces or text else "{") + encode(name) + ":"
            if name in around:
                before, after = around[name]
                pieces.append(text + before)
                slots.append(name)
                text = after
            else:
                text += encode(value)
        pieces.append(text + "}")
        expected = (*self.SLOTS, "occurrenceId") if view.beta else self.SLOTS
        if tuple(slots) != expected:  # render.event's order: a change there must be made here too
            raise AssertionError(f"occurrence fields {slots}, expected {expected}")
        self.pieces = pieces
        self.zone = timezones.resolve(view.timezone) if view.timezone is not None else None
        self.beta = view.beta
        uid = sample.ical_uid
        self.uid_dated = uid.startswith(ICAL_UID_PREFIX) and len(uid) >= occurrences.DATE_HEX.stop
        self.uid_head, self.uid_tail = uid[:occurrences.DATE_HEX.start], uid[occurrences.DATE_HEX.stop:]
        self.uid_plain = _PLAIN.fullmatch(uid) is not None   # needs no JSON escaping
        self.uid = uid if self.uid_plain else encode(uid)[1:-1]
        # `whole`: the pieces around the start, end and originalStart of a UTC view given as date and clock texts
        self.whole = (*pieces[:4], ".0000000" + pieces[4], ".0000000" + pieces[5], "Z" + pieces[6], *pieces[7:]
                      ) if self.zone is None else ()

    def text(self, item: occurrences.Virtual) -> str:
        start, end, id_, _, day, original = item
        uid = self.uid
        if self.uid_dated:
            hex_date = _HEX_DATES.get(day) or _hex_date(day)
            uid = f"{self.uid_head}{hex_date}{self.uid_tail}"
            if not self.uid_plain:
                uid = encode(uid)[1:-1]
        link = id_.replace("=", "%3D")
        p = self.whole
        if p and original == start and not start % _SECOND and not end % _SECOND:
            # a UTC view, whole seconds (every occurrence of a series made with a client's times)
            day_start, clock_start = divmod(start, _DAY)
            day_end, clock_end = divmod(end, _DAY)
            date_start = _DATE_TEXTS.get(day_start) or ticks.date_text(day_start)
            date_end = date_start if day_end == day_start else ticks.date_text(day_end)
            clock_start, clock_end = clock_start // _SECOND, clock_end // _SECOND
            clock_start = _CLOCK_TEXTS.get(clock_start) or ticks.clock_text(clock_start)
            clock_end = _CLOCK_TEXTS.get(clock_end) or ticks.clock_text(clock_end)
            parts = [p[0], id_, p[1], uid, p[2], link, p[3], date_start, "T", clock_start, p[4], date_end, "T", clock_end,
                     p[5], date_start, "T", clock_start, p[6]]
        else:
            if self.zone is None:   # UTC: the store's format but for the 7th digit
                start_text, end_text = ticks.text(start) + "0", ticks.text(end) + "0"
            else:
                start_text, end_text = _wall_text(start, self.zone), _wall_text(end, self.zone)
            original_text = ticks.text(original)
            original_text = f"{original_text[:19]}Z" if original_text.endswith(".000000") else \
                f"{original_text.rstrip('0')}Z"
            p = self.pieces
            parts = [p[0], id_, p[1], uid, p[2], link, p[3], start_text, p[4], end_text, p[5], original_text, p[6]]
        if self.beta:
            parts += (encode(item.occurrence_id)[1:-1], p[7])
        return "".join(parts)


def _wall_text(instant: int, zone: ZoneInfo) -> str:
    """format_local of the UTC instant `instant` (ticks) in `zone`."""
    offset = ticks.utc_offset_on(zone, instant // ticks.DAY)
    if offset is not None:
        return ticks.text(instant + offset) + "0"
    return format_local(ticks.aware(instant).astimezone(zone))


def _hex_date(day: int) -> str:
    """The instance-date bytes of an iCalUId (occurrences.instance_uid) for day number `day`, as hex."""
    known = _HEX_DATES.get(day)
    if known is None:
        known = _HEX_DATES[day] = occurrences.date_hex(ticks.day_of(day * ticks.DAY))
        if len(_HEX_DATES) > 100_000:
            _HEX_DATES.clear()
    return known


_HEX_DATES: dict[int, str] = {}
_DATE_TEXTS, _CLOCK_TEXTS = ticks.DATE_TEXTS, ticks.CLOCK_TEXTS   # ticks' tables (cleared, never replaced)
_DAY, _SECOND = ticks.DAY, ticks.SECOND
_PLAIN = re.compile(r"[A-Za-z0-9_\-.:@+/=]*")
_event_texts = _Remembered(10_000, lambda ev, view: encode(event(ev, view)))
_occurrence_texts = _Remembered(4_000, lambda item, view: OccurrenceText(item.event(), view))
