"""Benchmark: getSchedule and findMeetingTimes against a naive in-process baseline, in the same run.

    python bench/availability.py --quick     # smoke run: 1,000 events per mailbox only, few repetitions
    python bench/availability.py             # 1,000 then 10,000 single events per mailbox (a few minutes)
    python bench/availability.py --help      # --mailboxes, --series, --reps, --keep DIR, ...

Data (deterministic from --seed): --mailboxes users (20), each with N single events, 1,000 a year around the
measured weeks (so 10,000 events are ten years of calendar, as a mailbox grows; showAs busy, tentative, oof
or free) and --series weekly series (50, some with an end, some without), plus 5 rooms with a booking a
day. Written straight into a fresh SQLite file
through the store (calgraph.store), as the server would have stored them.

Measured in-process (the service functions the HTTP handlers call, no HTTP and no JSON, on both sides):

* getSchedule: calgraph.services.availability.get_schedule for the 20 mailboxes over 5 working days
  (interval 30), i.e. the stored items of the window from the index, the series expanded for the window
  only, and the availabilityView computed;
* findMeetingTimes: calgraph.services.meeting_times.find_meeting_times for the organizer, 10 attendees
  and the 5 rooms as requested locations, over 2 weeks, 1-hour meetings, all candidates ranked.

Baseline ("naive"): per mailbox, every event of its default calendar read from the store (all rows,
paged as a client would through the store's list query), every series expanded with dateutil's rrule
from its start up to the window's end, the busy intervals of the window merged (sorted and coalesced);
for findMeetingTimes the same for the 16 mailboxes, then every 30-minute candidate of the 2 weeks checked
against the merged intervals. It is what a server without a window index or window-only expansion does.

Columns: p50 / p99 latency over --reps runs (after a warm-up), and x baseline (the baseline's p50 over
calgraph's). Targets (the issue): both at least 5x the baseline, and calgraph's cost with 10,000 events
per mailbox close to its cost with 1,000 (the "growth" line: p50 at 10k over p50 at 1k; the baseline's
grows with the calendar). Exit status: 0 PASS, 1 FAIL.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from dateutil import rrule

from calgraph.core import recurrence
from calgraph.core.availability.suggestions import LocationWish, Request
from calgraph.core.ids import Ids
from calgraph.core.model import EmailAddress, Event, When
from calgraph.core.permissions import Principal
from calgraph.core.query import ItemQuery
from calgraph.services import availability, directory, meeting_times, places
from calgraph.services.runtime import Runtime
from calgraph.store import open_store

UTC = timezone.utc
WEEK_START = datetime(2030, 3, 4, tzinfo=UTC)          # a Monday; the data spans the year around it
NOW = WEEK_START - timedelta(days=1)
STATUSES = ("busy", "busy", "busy", "tentative", "oof", "free")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def _event(ids: Ids, mailbox_id: str, calendar_id: str, owner: EmailAddress, start: datetime, minutes: int,
           show_as: str, subject: str, rule: dict | None = None) -> Event:
    begin = When(start.replace(tzinfo=None), "UTC")
    end = When((start + timedelta(minutes=minutes)).replace(tzinfo=None), "UTC")
    extra = {}
    if rule is not None:
        extra = {"type": "seriesMaster", "recurrence": recurrence.validate(rule, begin)}
    return Event(id=ids.item(), mailbox_id=mailbox_id, calendar_id=calendar_id, ical_uid=ids.ical_uid(),
                 change_key=ids.change_key(), created=NOW, last_modified=NOW, start=begin, end=end,
                 organizer=owner, subject=subject, show_as=show_as, **extra)


def seed(store, rng: random.Random, mailboxes: int, singles: int, series: int) -> list[str]:
    """The users' addresses (rooms are room0..room4@bench.test)."""
    ids, addresses = Ids(), []
    with store.unit_of_work(write=True) as uow:
        for n in range(mailboxes):
            user = directory.add_user(uow, ids, lambda: NOW, f"user{n}@bench.test", f"User {n}")
            addresses.append(user.address)
            calendar = uow.default_calendar(user.id)
            spread = 182 * singles // 1000   # 1,000 events a year: more events make a longer calendar, not a denser one
            for k in range(singles):
                start = WEEK_START + timedelta(days=rng.randint(-spread, spread), minutes=15 * rng.randint(28, 72))
                uow.add_event(_event(ids, user.id, calendar.id, user.email, start, rng.choice((30, 60, 90)),
                                     rng.choice(STATUSES), f"Event {k}"))
            for k in range(series):
                first = (WEEK_START - timedelta(days=rng.randint(7, 300))).date()
                while first.weekday() >= 5:
                    first -= timedelta(days=1)
                start = datetime.combine(first, datetime.min.time(), UTC) + timedelta(minutes=15 * rng.randint(32, 64))
                rng_range = ({"type": "noEnd", "startDate": first.isoformat()} if k % 2 else
                             {"type": "numbered", "startDate": first.isoformat(), "numberOfOccurrences": 60})
                rule = {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": [DAYS[first.weekday()]]},
                        "range": rng_range}
                uow.add_event(_event(ids, user.id, calendar.id, user.email, start, 30, "busy", f"Series {k}", rule))
        for r in range(5):
            room = places.add_room(uow, ids, lambda: NOW, f"room{r}@bench.test", f"Room {r}", capacity=8)
            mailbox = uow.get_mailbox(room.mailbox_id)
            calendar = uow.default_calendar(mailbox.id)
            for d in range(-30, 30):
                start = WEEK_START + timedelta(days=d, hours=9 + r)
                uow.add_event(_event(ids, mailbox.id, calendar.id, mailbox.email, start, 60, "busy", "Booked"))
    return addresses


# -- the naive baseline --------------------------------------------------------------------------------

def _all_events(uow, calendar_id: str) -> list[Event]:
    out: list[Event] = []
    while True:
        page = uow.query_events([calendar_id], ItemQuery(top=1000, skip=len(out)))
        out.extend(page.items)
        if not page.has_more or not page.items:
            return out


def _naive_busy(uow, address: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    mailbox = uow.get_mailbox(address)
    intervals = []
    for event in _all_events(uow, uow.default_calendar(mailbox.id).id):
        if event.show_as == "free":
            continue
        begin = event.start.local.replace(tzinfo=UTC)
        length = event.end.local.replace(tzinfo=UTC) - begin
        if event.recurrence is None:
            starts = [begin]
        else:
            rng = event.recurrence["range"]
            count = rng.get("numberOfOccurrences") if rng["type"] == "numbered" else None
            starts = rrule.rrule(rrule.WEEKLY, dtstart=begin, count=count, until=None if count else end).between(
                begin, end, inc=True)
        intervals += [(s, s + length) for s in starts if s < end and s + length > start]
    intervals.sort()
    merged: list[list[datetime]] = []
    for s, e in intervals:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def naive_schedule(store, addresses: list[str], start: datetime, end: datetime) -> list[str]:
    views = []
    with store.unit_of_work() as uow:
        for address in addresses:
            busy = _naive_busy(uow, address, start, end)
            slots = int((end - start) / timedelta(minutes=30))
            views.append("".join("2" if any(s < start + timedelta(minutes=30 * (k + 1)) and e > start + timedelta(
                minutes=30 * k) for s, e in busy) else "0" for k in range(slots)))
    return views


def naive_meeting_times(store, addresses: list[str], start: datetime, end: datetime) -> list[datetime]:
    with store.unit_of_work() as uow:
        busy = [_naive_busy(uow, a, start, end) for a in addresses]
    found, at = [], start
    while at + timedelta(hours=1) <= end:
        if all(not any(s < at + timedelta(hours=1) and e > at for s, e in b) for b in busy):
            found.append(at)
        at += timedelta(minutes=30)
    return found


# -- measuring -----------------------------------------------------------------------------------------

def timed(call: Callable[[], object], reps: int) -> tuple[float, float]:
    call()   # warm-up
    samples = []
    for _ in range(reps):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, math.ceil(0.99 * len(samples)) - 1)]


def run(singles: int, args: argparse.Namespace, work: Path) -> dict[str, tuple[float, float]]:
    store = open_store(f"sqlite:///{work / f'avail-{singles}.db'}")
    store.migrate()
    began = time.perf_counter()
    addresses = seed(store, random.Random(args.seed), args.mailboxes, singles, args.series)
    print(f"  seeded {args.mailboxes} mailboxes x ({singles} events + {args.series} series) "
          f"in {time.perf_counter() - began:.0f} s", flush=True)
    rt = Runtime(store, clock=lambda: NOW)
    with store.unit_of_work() as uow:
        organizer = uow.get_mailbox(addresses[0])
    principal = Principal(organizer.id, frozenset({"calendars.readwrite"}))
    week_end = WEEK_START + timedelta(days=5)
    fortnight = WEEK_START + timedelta(days=14)
    rooms = [f"room{r}@bench.test" for r in range(5)]
    request = Request(slots=((WEEK_START, fortnight),), duration=timedelta(hours=1), max_candidates=1000,
                      activity="unrestricted",
                      locations=tuple(LocationWish({"displayName": r}, r) for r in rooms))
    attendees = [("required", a) for a in addresses[1:11]]
    results = {
        "getSchedule": timed(lambda: availability.get_schedule(rt, principal, "me", None, addresses, WEEK_START,
                                                               week_end, 30), args.reps),
        "getSchedule naive": timed(lambda: naive_schedule(store, addresses, WEEK_START, week_end), args.base_reps),
        "findMeetingTimes": timed(lambda: meeting_times.find_meeting_times(rt, principal, "me", None, attendees,
                                                                           request), args.reps),
        "findMeetingTimes naive": timed(lambda: naive_meeting_times(store, addresses[:11] + rooms, WEEK_START,
                                                                    fortnight), args.base_reps),
    }
    store.dispose()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 events per mailbox only, fewer repetitions")
    parser.add_argument("--mailboxes", type=int, default=20)
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--reps", type=int, default=30, help="calgraph runs per row (after one warm-up)")
    parser.add_argument("--base-reps", type=int, default=5, help="baseline runs per row")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", type=Path, help="keep the databases in this directory")
    args = parser.parse_args()
    sizes = [1000] if args.quick else [1000, 10000]
    if args.quick:
        args.reps, args.base_reps = min(args.reps, 10), min(args.base_reps, 3)
    work = args.keep or Path(tempfile.mkdtemp(prefix="calgraph-avail-"))
    work.mkdir(parents=True, exist_ok=True)
    table: dict[int, dict[str, tuple[float, float]]] = {}
    try:
        for singles in sizes:
            print(f"{singles} events per mailbox:", flush=True)
            table[singles] = run(singles, args, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    ok = True
    print(f"\n{'events/mailbox':>14} {'call':<24} {'p50 ms':>9} {'p99 ms':>9} {'x baseline':>11}")
    for singles, rows in table.items():
        for name in ("getSchedule", "findMeetingTimes"):
            for label in (name, f"{name} naive"):
                p50, p99 = rows[label]
                ratio = rows[f"{name} naive"][0] / rows[name][0]
                shown = f"{ratio:10.1f}x" if label == name else ""
                print(f"{singles:>14} {label:<24} {p50:9.1f} {p99:9.1f} {shown:>11}")
            ok &= rows[f"{name} naive"][0] / rows[name][0] >= 5
    if len(table) == 2:
        for name in ("getSchedule", "findMeetingTimes", "getSchedule naive", "findMeetingTimes naive"):
            growth = table[10000][name][0] / table[1000][name][0]
            print(f"growth 1,000 -> 10,000 events: {name:<24} {growth:5.2f}x")
            if "naive" not in name:
                ok &= growth <= 1.5
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
