"""The data of bench/calendar_view.py, in both shapes: Graph event bodies and one iCalendar file.

    make_dataset(seed, series, singles, around) -> [Spec]   deterministic weekly series + single events
    make_berlin_dataset(seed, series, singles, year) -> [Spec]   the issue's set: one zone, noEnd + 30-count series
    graph_body(spec) -> dict                                 POST /me/events body (with `recurrence`)
    icalendar_text(specs) -> bytes                           one VCALENDAR: a VEVENT per spec + VTIMEZONEs
    radicale_config(folder) -> str                           a Radicale 3 config for a throw-away server

The two shapes mean the same instances: every series starts on one of its own weekdays (Graph's first
occurrence is the first match on or after the start, iCalendar's is DTSTART itself), weekly with
interval 1 (WKST cannot matter), numbered ranges become COUNT, and endDate ranges UNTIL at the last
second of the end date in the series' zone (Graph includes occurrences on the end date). Times fall
on quarter hours between 07:00 and 19:00 local, never near a DST change.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from tzlocal.windows_tz import win_tz  # Windows id -> IANA (CLDR "001"), the table calgraph uses

# Graph accepts Windows ids and IANA names; iCalendar gets the IANA zone either way.
ZONES = ("Pacific Standard Time", "Eastern Standard Time", "W. Europe Standard Time", "GMT Standard Time",
         "Tokyo Standard Time", "India Standard Time", "America/Chicago", "Europe/Paris", "Australia/Sydney",
         "UTC")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # date.weekday() order
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Spec:
    """One event: a weekly series if `days`, else a single event. `start` is wall-clock in `zone`."""

    uid: str
    zone: str
    start: datetime
    minutes: int
    days: tuple[str, ...] = ()
    count: int = 0               # numbered range
    until: date | None = None    # endDate range

    @property
    def iana(self) -> str:
        return win_tz.get(self.zone, self.zone)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


def make_dataset(seed: int, series: int, singles: int, around: tuple[datetime, datetime]) -> list[Spec]:
    """`series` weekly series started in the two years before `around`'s start (70% noEnd, 15%
    numbered, 15% endDate) and `singles` single events spread from a year before `around` to a year
    after it. The same seed gives the same series whatever `singles` is."""
    rng = random.Random(seed)
    first, last = around[0].date(), around[1].date()
    specs = []
    for n in range(series):
        days = tuple(sorted(rng.sample(range(7), rng.choice((1, 1, 1, 2, 2, 3))), key=int))
        day = first - timedelta(days=rng.randrange(30, 730))
        while day.weekday() not in days:
            day += timedelta(days=1)
        kind = rng.random()
        count = rng.randrange(20, 150) if kind < 0.15 else 0
        until = day + timedelta(days=rng.randrange(120, 900)) if 0.15 <= kind < 0.30 else None
        specs.append(Spec(f"series-{n:04d}@bench.test", rng.choice(ZONES), _at(rng, day),
                          rng.randrange(30, 91, 15), tuple(DAYS[d] for d in days), count, until))
    rng = random.Random(seed * 7919 + 1)
    span = (last - first).days + 2 * 365
    for n in range(singles):
        day = first - timedelta(days=365) + timedelta(days=rng.randrange(span))
        specs.append(Spec(f"single-{n:05d}@bench.test", rng.choice(ZONES), _at(rng, day), rng.randrange(30, 91, 15)))
    return specs


def make_berlin_dataset(seed: int, series: int, singles: int, year: tuple[datetime, datetime],
                        zone: str = "Europe/Berlin") -> list[Spec]:
    """`series` weekly series on one weekday each in `zone`, three in four with no end and the rest ending
    after 30 occurrences, started in the eight weeks around `year`'s start; then `singles` single events
    spread over `year`. Deterministic from `seed`."""
    rng = random.Random(seed)
    first, last = year[0].date(), year[1].date()
    specs = []
    for n in range(series):
        day = first + timedelta(days=rng.randrange(-28, 28))
        count = 30 if n % 4 == 3 else 0
        specs.append(Spec(f"series-{n:04d}@bench.test", zone, _at(rng, day), rng.randrange(30, 91, 15),
                          (DAYS[day.weekday()],), count))
    rng = random.Random(seed * 7919 + 1)
    span = (last - first).days
    for n in range(singles):
        day = first + timedelta(days=rng.randrange(span))
        specs.append(Spec(f"single-{n:05d}@bench.test", zone, _at(rng, day), rng.randrange(30, 91, 15)))
    return specs


def _at(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randrange(7, 19), rng.choice((0, 15, 30, 45))))


def graph_body(spec: Spec) -> dict:
    body: dict = {
        "subject": f"Bench {spec.uid.split('@')[0]}",
        "start": {"dateTime": spec.start.isoformat(), "timeZone": spec.zone},
        "end": {"dateTime": spec.end.isoformat(), "timeZone": spec.zone},
    }
    if spec.days:
        range_: dict = {"type": "noEnd", "startDate": spec.start.date().isoformat(), "recurrenceTimeZone": spec.zone}
        if spec.count:
            range_ |= {"type": "numbered", "numberOfOccurrences": spec.count}
        elif spec.until:
            range_ |= {"type": "endDate", "endDate": spec.until.isoformat()}
        body["recurrence"] = {
            "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": list(spec.days), "firstDayOfWeek": "sunday"},
            "range": range_,
        }
    return body


def icalendar_text(specs: list[Spec]) -> bytes:
    """One VCALENDAR holding every event (Radicale's PUT of a whole collection splits it by UID)."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//calgraph bench//calendar_view//EN")
    calendar.add("version", "2.0")
    stamp = datetime(2025, 1, 1, tzinfo=timezone.utc)
    for spec in specs:
        zone = ZoneInfo(spec.iana)
        event = icalendar.Event()
        event.add("uid", spec.uid)
        event.add("summary", f"Bench {spec.uid.split('@')[0]}")
        event.add("dtstamp", stamp)
        event.add("dtstart", spec.start.replace(tzinfo=zone))
        event.add("dtend", spec.end.replace(tzinfo=zone))
        if spec.days:
            rule: dict = {"freq": "weekly", "byday": [ICAL_DAYS[DAYS.index(d)] for d in spec.days], "wkst": "SU"}
            if spec.count:
                rule["count"] = spec.count
            elif spec.until:
                rule["until"] = datetime.combine(spec.until, time(23, 59, 59), zone).astimezone(timezone.utc)
            event.add("rrule", rule)
        calendar.add_component(event)
    for iana in sorted({spec.iana for spec in specs} - {"UTC"}):
        calendar.add_component(vtimezone(iana))
    return calendar.to_ical()


def vtimezone(iana: str, year: int = 2026):
    """A VTIMEZONE with one RRULE per transition, as calendar clients write them, derived from the
    zone's transitions in `year` (every zone in ZONES has had the same Sunday rules since 2008).
    Not icalendar's add_missing_timezones(): its RDATE lists come back from Radicale (vobject
    re-serializes every item) as a zone without daylight time, so its expansion is an hour off."""
    import icalendar

    zone = ZoneInfo(iana)
    component = icalendar.Timezone()
    component.add("tzid", iana)
    moment, end = datetime(year, 1, 1, tzinfo=timezone.utc), datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    before = moment.astimezone(zone).utcoffset()
    transitions = []
    while moment < end:
        moment += timedelta(minutes=15)
        offset = moment.astimezone(zone).utcoffset()
        if offset != before:
            transitions.append((moment, before, offset, moment.astimezone(zone).tzname()))
            before = offset
    if not transitions:
        part = icalendar.TimezoneStandard()
        part.add("dtstart", datetime(1970, 1, 1))
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", before)
        part.add("tzname", moment.astimezone(zone).tzname())
        component.add_component(part)
        return component
    for moment, old, new, name in transitions:
        local = (moment + old).replace(tzinfo=None)          # the wall-clock time the change happens at
        week = -1 if local.day + 7 > _month_days(local) else (local.day - 1) // 7 + 1
        part = icalendar.TimezoneDaylight() if new > min(o for _, o, _, _ in transitions) else \
            icalendar.TimezoneStandard()
        part.add("dtstart", local.replace(year=1970, day=1))
        part.add("rrule", {"freq": "yearly", "bymonth": local.month, "byday": f"{week}{ICAL_DAYS[local.weekday()]}"})
        part.add("tzoffsetfrom", old)
        part.add("tzoffsetto", new)
        part.add("tzname", name)
        component.add_component(part)
    return component


def _month_days(moment: datetime) -> int:
    following = moment.replace(day=28) + timedelta(days=4)
    return (following - timedelta(days=following.day)).day


def icalendar_items(specs: list[Spec]) -> list[tuple[str, bytes]]:
    """One (uid, .ics text) per event, for PUTs item by item."""
    return [(spec.uid, icalendar_text([spec])) for spec in specs]


def radicale_config(folder: str, max_occurrences: int = 10_000_000) -> str:
    """Host and port come from the command line (--server-hosts). No authentication (any Basic user
    name is accepted), owner_only rights, filesystem storage, no web UI, warnings only; the expansion
    limit raised (its default, 10,000 instances per REPORT, is less than a year of 200 weekly series)."""
    return ("[auth]\ntype = none\n"
            "[rights]\ntype = owner_only\n"
            f"[storage]\nfilesystem_folder = {folder}\n"
            "[web]\ntype = none\n"
            "[logging]\nlevel = warning\n"
            f"[reporting]\nmax_expand_occurrence = {max_occurrences}\n")
