from __future__ import annotations

import calendar
import time as clock
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule as rr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calgraph.core import recurrence as rec
from calgraph.core import recurrence_rules as rules
from calgraph.core import ticks
from calgraph.core.errors import GraphError
from calgraph.core.model import When

UTC = timezone.utc


def at(text: str, zone: str = "UTC") -> When:
    return When(datetime.fromisoformat(text), zone)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def recurrence(pattern_type: str, start_date: str, range_type: str = "noEnd", **extra: Any) -> dict[str, Any]:
    """A Graph recurrence dict; extra keys go to the pattern, or to the range when they are range fields."""
    range_keys = {"endDate", "numberOfOccurrences", "recurrenceTimeZone", "startDate"}
    pattern = {"type": pattern_type, "interval": 1} | {k: v for k, v in extra.items() if k not in range_keys}
    range_ = {"type": range_type, "startDate": start_date} | {k: v for k, v in extra.items() if k in range_keys}
    return {"pattern": pattern, "range": range_}


def expand(recurrence_: dict[str, Any], start: When, end: When, window: tuple[str, str],
           is_all_day: bool = False) -> list[rec.Occurrence]:
    series = rec.series(recurrence_, start, end, is_all_day)
    return rec.expand(series, utc(window[0]), utc(window[1]))


def local_starts(occurrences: list[rec.Occurrence]) -> list[str]:
    return [o.start.local.isoformat() for o in occurrences]


def days(occurrences: list[rec.Occurrence]) -> list[str]:
    return [o.day.isoformat() for o in occurrences]


# -- validation and canonical JSON ------------------------------------------------------------------

START = at("2025-01-06T09:00:00", "Pacific Standard Time")  # a Monday


def test_canonical_json_fills_graphs_defaults() -> None:
    given_ = {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
              "range": {"type": "noEnd", "startDate": "2025-01-06"}}
    assert rec.validate(given_, START) == {
        "pattern": {"type": "weekly", "interval": 1, "month": 0, "dayOfMonth": 0, "daysOfWeek": ["monday"],
                    "firstDayOfWeek": "sunday", "index": "first"},
        "range": {"type": "noEnd", "startDate": "2025-01-06", "endDate": "0001-01-01",
                  "recurrenceTimeZone": "Pacific Standard Time", "numberOfOccurrences": 0},
    }


def test_names_and_enums_match_case_insensitively_and_ignored_fields_are_reset() -> None:
    given_ = {"@odata.type": "microsoft.graph.patternedRecurrence",
              "Pattern": {"TYPE": "RelativeMonthly", "Interval": 2, "DAYSOFWEEK": ["Tuesday", "MONDAY", "monday"],
                          "index": "LAST", "dayOfMonth": 12, "month": 3, "firstDayOfWeek": "Monday", "extra": 1},
              "RANGE": {"Type": "NUMBERED", "startdate": "2025-01-06", "NumberOfOccurrences": 5,
                        "endDate": "2030-01-01", "recurrenceTimeZone": "europe/berlin"}}
    assert rec.validate(given_, START) == {
        "pattern": {"type": "relativeMonthly", "interval": 2, "month": 0, "dayOfMonth": 0,
                    "daysOfWeek": ["monday", "tuesday"], "firstDayOfWeek": "monday", "index": "last"},
        "range": {"type": "numbered", "startDate": "2025-01-06", "endDate": "0001-01-01",
                  "recurrenceTimeZone": "europe/berlin", "numberOfOccurrences": 5},
    }


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"type": "daily", "interval": 3, "daysOfWeek": ["monday"], "dayOfMonth": 4}, (0, 0, [], "first")),
        ({"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 6, "index": "second"}, (0, 6, [], "first")),
        ({"type": "absoluteYearly", "interval": 1, "dayOfMonth": 6, "month": 1}, (1, 6, [], "first")),
        ({"type": "relativeYearly", "interval": 1, "daysOfWeek": ["monday"], "month": 1, "index": "first"},
         (1, 0, ["monday"], "first")),
    ],
)
def test_each_pattern_type_keeps_only_its_fields(pattern: dict, expected: tuple) -> None:
    result = rec.validate({"pattern": pattern, "range": {"type": "noEnd", "startDate": "2025-01-06"}}, START)
    got = result["pattern"]
    assert (got["month"], got["dayOfMonth"], got["daysOfWeek"], got["index"]) == expected


def test_end_date_range_echoes_its_end_date_and_zero_occurrences() -> None:
    result = rec.validate(recurrence("daily", "2025-01-06", "endDate", endDate="2025-02-01",
                                     numberOfOccurrences=9, recurrenceTimeZone="W. Europe Standard Time"), START)
    assert result["range"] == {"type": "endDate", "startDate": "2025-01-06", "endDate": "2025-02-01",
                               "recurrenceTimeZone": "W. Europe Standard Time", "numberOfOccurrences": 0}


def test_normalize_is_a_fixed_point_and_skips_the_start_checks() -> None:
    canonical = rec.normalize(recurrence("daily", "2020-01-01"), "UTC")
    assert canonical["range"]["startDate"] == "2020-01-01"
    assert rec.normalize(canonical, "Europe/Berlin") == canonical


def _with(path: str, value: Any, base: dict | None = None) -> dict:
    """`base` (a valid weekly/noEnd recurrence) with one field set; value ... deletes it."""
    data = base or recurrence("weekly", "2025-01-06", daysOfWeek=["monday"])
    data = {"pattern": dict(data["pattern"]), "range": dict(data["range"])}
    part, _, name = path.partition(".")
    if not name:
        if value is ...:
            del data[part]
        else:
            data[part] = value
    elif value is ...:
        data[part].pop(name, None)
    else:
        data[part][name] = value
    return data


BAD = [
    # (recurrence, code, text the message must contain)
    ("not an object", "ErrorInvalidParameter", "'recurrence'"),
    (_with("pattern", ...), "ErrorCalendarInvalidRecurrence", "recurrence.pattern"),
    (_with("range", ...), "ErrorCalendarInvalidRecurrence", "recurrence.range"),
    (_with("pattern", ["daily"]), "ErrorInvalidParameter", "recurrence.pattern"),
    (_with("pattern.type", ...), "ErrorCalendarInvalidRecurrence", "pattern.type"),
    (_with("pattern.type", "hourly"), "ErrorInvalidParameter", "pattern.type"),
    (_with("pattern.interval", ...), "ErrorCalendarInvalidRecurrence", "pattern.interval"),
    (_with("pattern.interval", 0), "ErrorCalendarInvalidRecurrence", "pattern.interval"),
    (_with("pattern.interval", 100), "ErrorCalendarInvalidRecurrence", "pattern.interval"),
    (_with("pattern.interval", "2"), "ErrorInvalidParameter", "pattern.interval"),
    (_with("pattern.interval", True), "ErrorInvalidParameter", "pattern.interval"),
    (_with("pattern.interval", 2**31), "ErrorInvalidParameter", "pattern.interval"),
    (_with("pattern.daysOfWeek", ...), "ErrorCalendarInvalidRecurrence", "pattern.daysOfWeek"),
    (_with("pattern.daysOfWeek", []), "ErrorCalendarInvalidRecurrence", "pattern.daysOfWeek"),
    (_with("pattern.daysOfWeek", "monday"), "ErrorInvalidParameter", "pattern.daysOfWeek"),
    (_with("pattern.daysOfWeek", ["monday", "funday"]), "ErrorInvalidParameter", "pattern.daysOfWeek"),
    (_with("pattern.firstDayOfWeek", "someday"), "ErrorInvalidParameter", "pattern.firstDayOfWeek"),
    # out-of-enum / wrongly typed values are errors even in the fields the type ignores
    (_with("pattern.index", "fifth"), "ErrorInvalidParameter", "pattern.index"),
    (_with("pattern.daysOfWeek", ["funday"], recurrence("daily", "2025-01-06")),
     "ErrorInvalidParameter", "pattern.daysOfWeek"),
    (_with("pattern.dayOfMonth", "x"), "ErrorInvalidParameter", "pattern.dayOfMonth"),
    (_with("pattern.dayOfMonth", ..., recurrence("absoluteMonthly", "2025-01-06", dayOfMonth=6)),
     "ErrorCalendarInvalidRecurrence", "pattern.dayOfMonth"),
    (_with("pattern.dayOfMonth", 32, recurrence("absoluteMonthly", "2025-01-06", dayOfMonth=6)),
     "ErrorCalendarInvalidRecurrence", "pattern.dayOfMonth"),
    (_with("pattern.dayOfMonth", 0, recurrence("absoluteYearly", "2025-01-06", dayOfMonth=6, month=1)),
     "ErrorCalendarInvalidRecurrence", "pattern.dayOfMonth"),
    (_with("pattern.month", 13, recurrence("absoluteYearly", "2025-01-06", dayOfMonth=6, month=1)),
     "ErrorCalendarInvalidRecurrence", "pattern.month"),
    (_with("pattern.month", ..., recurrence("relativeYearly", "2025-01-06", daysOfWeek=["monday"], month=1)),
     "ErrorCalendarInvalidRecurrence", "pattern.month"),
    (_with("pattern.daysOfWeek", ..., recurrence("relativeMonthly", "2025-01-06", daysOfWeek=["monday"])),
     "ErrorCalendarInvalidRecurrence", "pattern.daysOfWeek"),
    (_with("range.type", ...), "ErrorCalendarInvalidRecurrence", "range.type"),
    (_with("range.type", "forever"), "ErrorInvalidParameter", "range.type"),
    (_with("range.startDate", ...), "ErrorCalendarInvalidRecurrence", "range.startDate"),
    (_with("range.startDate", "2025/01/06"), "ErrorInvalidParameter", "range.startDate"),
    (_with("range.startDate", "2025-02-30"), "ErrorInvalidParameter", "range.startDate"),
    (_with("range.startDate", "2025-01-07"), "ErrorCalendarInvalidRecurrence", "range.startDate"),
    (_with("range.endDate", "soon"), "ErrorInvalidParameter", "range.endDate"),
    (_with("range.type", "endDate"), "ErrorCalendarInvalidRecurrence", "range.endDate"),
    (_with("range.endDate", "2025-01-05", recurrence("daily", "2025-01-06", "endDate", endDate="2025-02-01")),
     "ErrorCalendarInvalidRecurrence", "range.endDate"),
    (_with("range.type", "numbered"), "ErrorCalendarInvalidRecurrence", "range.numberOfOccurrences"),
    (_with("range.numberOfOccurrences", 0, recurrence("daily", "2025-01-06", "numbered", numberOfOccurrences=3)),
     "ErrorCalendarInvalidRecurrence", "range.numberOfOccurrences"),
    (_with("range.numberOfOccurrences", -2, recurrence("daily", "2025-01-06", "numbered", numberOfOccurrences=3)),
     "ErrorCalendarInvalidRecurrence", "range.numberOfOccurrences"),
    (_with("range.numberOfOccurrences", 1.5), "ErrorInvalidParameter", "range.numberOfOccurrences"),
    (_with("range.recurrenceTimeZone", "Mars/Olympus_Mons"), "TimeZoneNotSupportedException", "Mars/Olympus_Mons"),
    (_with("range.recurrenceTimeZone", 5), "ErrorInvalidParameter", "range.recurrenceTimeZone"),
    # Wednesday-to-Friday never holds a Monday
    (recurrence("weekly", "2025-01-08", "endDate", daysOfWeek=["monday"], endDate="2025-01-10"),
     "ErrorRecurrenceHasNoOccurrence", "no occurrence"),
]


@pytest.mark.parametrize(("given_", "code", "text"), BAD)
def test_invalid_recurrences_are_400s_with_graph_codes(given_: Any, code: str, text: str) -> None:
    start = at("2025-01-08T09:00:00", "UTC") if code == "ErrorRecurrenceHasNoOccurrence" else START
    with pytest.raises(GraphError) as raised:
        rec.validate(given_, start)
    assert (raised.value.status, raised.value.code) == (400, code)
    assert text in raised.value.message


def test_start_date_is_the_date_of_the_start_in_its_own_zone() -> None:
    late = at("2025-01-06T23:30:00", "Pacific Standard Time")  # already 2025-01-07 in UTC
    assert rec.validate(recurrence("daily", "2025-01-06"), late)
    with pytest.raises(rec.InvalidRecurrence):
        rec.validate(recurrence("daily", "2025-01-07"), late)


def test_error_classes_declare_code_status_and_message() -> None:
    for error, code in [(rec.InvalidRecurrence, "ErrorCalendarInvalidRecurrence"),
                        (rec.RecurrenceHasNoOccurrence, "ErrorRecurrenceHasNoOccurrence"),
                        (rec.OccurrenceCrossingBoundary, "ErrorOccurrenceCrossingBoundary")]:
        assert issubclass(error, GraphError) and error.status == 400 and error.code == code
        assert error().message


# -- patterns ----------------------------------------------------------------------------------------

WIDE = ("2024-01-01T00:00:00", "2030-01-01T00:00:00")


def test_daily_with_interval_and_count() -> None:
    occurrences = expand(recurrence("daily", "2025-01-06", "numbered", interval=2, numberOfOccurrences=4),
                         at("2025-01-06T09:00:00"), at("2025-01-06T09:30:00"), WIDE)
    assert local_starts(occurrences) == [
        "2025-01-06T09:00:00", "2025-01-08T09:00:00", "2025-01-10T09:00:00", "2025-01-12T09:00:00"]
    assert occurrences[0].end == at("2025-01-06T09:30:00")


@pytest.mark.parametrize(
    ("first_day", "expected"),
    [("monday", ["1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"]),
     ("sunday", ["1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"])],
)
def test_weekly_interval_counts_weeks_from_first_day_of_week(first_day: str, expected: list[str]) -> None:
    # RFC 5545's WKST example: every other week on Tuesday and Sunday.
    series = recurrence("weekly", "1997-08-05", "numbered", interval=2, daysOfWeek=["tuesday", "sunday"],
                        firstDayOfWeek=first_day, numberOfOccurrences=4)
    occurrences = expand(series, at("1997-08-05T09:00:00"), at("1997-08-05T10:00:00"),
                         ("1997-01-01T00:00:00", "1998-01-01T00:00:00"))
    assert days(occurrences) == expected


def test_absolute_monthly_day_31_falls_on_the_last_day_of_shorter_months() -> None:
    occurrences = expand(recurrence("absoluteMonthly", "2024-01-31", "numbered", dayOfMonth=31,
                                    numberOfOccurrences=5),
                         at("2024-01-31T12:00:00"), at("2024-01-31T13:00:00"), WIDE)
    assert days(occurrences) == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]


def test_absolute_monthly_start_after_the_day_shifts_to_next_month() -> None:
    occurrences = expand(recurrence("absoluteMonthly", "2025-01-20", "numbered", dayOfMonth=15,
                                    numberOfOccurrences=2),
                         at("2025-01-20T12:00:00"), at("2025-01-20T13:00:00"), WIDE)
    assert days(occurrences) == ["2025-02-15", "2025-03-15"]


def test_relative_monthly_with_several_days_takes_the_first_day_that_is_any_of_them() -> None:
    # 2025-01-01 is a Wednesday, 2025-02-01 a Saturday, 2025-04-01 a Tuesday.
    occurrences = expand(recurrence("relativeMonthly", "2025-01-01", "numbered", index="first",
                                    daysOfWeek=["monday", "tuesday"], numberOfOccurrences=4),
                         at("2025-01-01T08:00:00"), at("2025-01-01T09:00:00"), WIDE)
    assert days(occurrences) == ["2025-01-06", "2025-02-03", "2025-03-03", "2025-04-01"]


@pytest.mark.parametrize(
    ("index", "week_days", "expected"),
    [("last", ["friday"], ["2025-01-31", "2025-02-28", "2025-03-28"]),
     ("second", ["wednesday"], ["2025-01-08", "2025-02-12", "2025-03-12"]),
     ("last", ["saturday", "sunday"], ["2025-01-26", "2025-02-23", "2025-03-30"]),
     ("fourth", ["monday", "wednesday", "friday"], ["2025-01-08", "2025-02-10", "2025-03-10"])],
)
def test_relative_monthly_indexes(index: str, week_days: list[str], expected: list[str]) -> None:
    occurrences = expand(recurrence("relativeMonthly", "2025-01-01", "numbered", index=index,
                                    daysOfWeek=week_days, numberOfOccurrences=3),
                         at("2025-01-01T08:00:00"), at("2025-01-01T09:00:00"), WIDE)
    assert days(occurrences) == expected


def test_absolute_yearly_on_february_29_falls_on_the_28th_in_common_years() -> None:
    occurrences = expand(recurrence("absoluteYearly", "2024-02-29", "numbered", dayOfMonth=29, month=2,
                                    numberOfOccurrences=5),
                         at("2024-02-29T00:00:00"), at("2024-03-01T00:00:00"), ("2024-01-01", "2040-01-01"),
                         is_all_day=True)
    assert days(occurrences) == ["2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]


def test_relative_yearly_fourth_thursday_of_november() -> None:
    occurrences = expand(recurrence("relativeYearly", "2025-01-01", "endDate", daysOfWeek=["thursday"],
                                    index="fourth", month=11, endDate="2027-11-25"),
                         at("2025-01-01T18:00:00", "Eastern Standard Time"),
                         at("2025-01-01T21:00:00", "Eastern Standard Time"), WIDE)
    assert days(occurrences) == ["2025-11-27", "2026-11-26", "2027-11-25"]


def test_yearly_interval_skips_years() -> None:
    occurrences = expand(recurrence("absoluteYearly", "2025-03-10", "numbered", interval=3, dayOfMonth=10,
                                    month=3, numberOfOccurrences=3),
                         at("2025-03-10T10:00:00"), at("2025-03-10T11:00:00"), ("2020-01-01", "2040-01-01"))
    assert days(occurrences) == ["2025-03-10", "2028-03-10", "2031-03-10"]


# -- ranges and the first occurrence -------------------------------------------------------------------

def test_first_occurrence_shifts_to_the_first_match_and_numbered_counts_from_it() -> None:
    wednesday = at("2025-01-08T09:00:00", "Europe/Berlin")
    series = rec.series(recurrence("weekly", "2025-01-08", "numbered", daysOfWeek=["monday"],
                                   numberOfOccurrences=3),
                        wednesday, at("2025-01-08T10:00:00", "Europe/Berlin"))
    occurrences = rec.expand(series, utc("2025-01-01T00:00:00"), utc("2025-12-31T00:00:00"))
    assert days(occurrences) == ["2025-01-13", "2025-01-20", "2025-01-27"]
    assert rec.first_occurrence(series) == occurrences[0]


def test_end_date_includes_occurrences_on_that_date_in_the_recurrence_zone() -> None:
    # 23:30 in Berlin on the end date is already the next day in UTC: still included.
    occurrences = expand(recurrence("daily", "2025-01-06", "endDate", endDate="2025-01-08"),
                         at("2025-01-06T23:30:00", "Europe/Berlin"), at("2025-01-06T23:45:00", "Europe/Berlin"),
                         WIDE)
    assert days(occurrences) == ["2025-01-06", "2025-01-07", "2025-01-08"]


def test_start_microseconds_are_kept() -> None:
    occurrences = expand(recurrence("daily", "2025-01-06", "numbered", numberOfOccurrences=2),
                         at("2025-01-06T09:00:00.123456"), at("2025-01-06T10:00:00.123456"), WIDE)
    assert local_starts(occurrences)[1] == "2025-01-07T09:00:00.123456"


# -- time zones and DST ---------------------------------------------------------------------------------

@pytest.mark.parametrize("zone", ["Europe/Berlin", "W. Europe Standard Time"])
def test_berlin_weekly_series_keeps_its_wall_clock_time_across_dst(zone: str) -> None:
    occurrences = expand(recurrence("weekly", "2025-03-17", daysOfWeek=["monday"]),
                         at("2025-03-17T09:00:00", zone), at("2025-03-17T10:00:00", zone),
                         ("2025-03-17T00:00:00", "2025-11-04T00:00:00"))
    assert {o.start.local.time() for o in occurrences} == {time(9)}
    instants = {o.day.isoformat(): rec_utc(o) for o in occurrences}
    assert instants["2025-03-24"] == utc("2025-03-24T08:00:00")   # CET
    assert instants["2025-03-31"] == utc("2025-03-31T07:00:00")   # CEST from March 30
    assert instants["2025-10-27"] == utc("2025-10-27T08:00:00")   # CET again from October 26


def rec_utc(occurrence: rec.Occurrence) -> datetime:
    from calgraph.core.timezones import to_utc
    return to_utc(occurrence.start)


def test_new_york_daily_series_across_march_and_november() -> None:
    zone = "America/New_York"
    occurrences = expand(recurrence("daily", "2025-03-08"), at("2025-03-08T09:00:00", zone),
                         at("2025-03-08T09:45:00", zone), ("2025-03-08T00:00:00", "2025-03-11T00:00:00"))
    assert [rec_utc(o).hour for o in occurrences] == [14, 13, 13]
    occurrences = expand(recurrence("daily", "2025-10-31"), at("2025-10-31T09:00:00", zone),
                         at("2025-10-31T09:45:00", zone), ("2025-11-01T00:00:00", "2025-11-04T00:00:00"))
    assert [rec_utc(o).hour for o in occurrences] == [13, 14, 14]
    assert {o.start.local.time() for o in occurrences} == {time(9)}


def test_a_time_skipped_by_spring_forward_shifts_forward_and_keeps_its_original_start() -> None:
    zone = "America/New_York"
    occurrences = expand(recurrence("daily", "2025-03-07"), at("2025-03-07T02:30:00", zone),
                         at("2025-03-07T03:00:00", zone), ("2025-03-09T00:00:00", "2025-03-11T00:00:00"))
    gap, after = occurrences[0], occurrences[1]
    assert gap.original_start == at("2025-03-09T02:30:00", zone)
    assert gap.start == at("2025-03-09T03:30:00", zone)
    assert rec_utc(gap) == utc("2025-03-09T07:30:00")
    assert after.start == at("2025-03-10T02:30:00", zone) and rec_utc(after) == utc("2025-03-10T06:30:00")


def test_an_ambiguous_time_is_its_first_occurrence() -> None:
    zone = "America/New_York"
    occurrences = expand(recurrence("daily", "2025-11-01"), at("2025-11-01T01:30:00", zone),
                         at("2025-11-01T02:00:00", zone), ("2025-11-02T00:00:00", "2025-11-03T00:00:00"))
    assert rec_utc(occurrences[0]) == utc("2025-11-02T05:30:00")  # 01:30 EDT


def test_recurrence_time_zone_other_than_the_start_zone_keeps_its_own_wall_clock() -> None:
    # 08:00 UTC is 09:00 in Berlin in winter; the series stays at 09:00 Berlin, so 07:00 UTC in summer.
    occurrences = expand(recurrence("weekly", "2025-01-06", daysOfWeek=["monday"],
                                    recurrenceTimeZone="W. Europe Standard Time"),
                         at("2025-01-06T08:00:00", "UTC"), at("2025-01-06T09:00:00", "UTC"),
                         ("2025-07-07T00:00:00", "2025-07-08T00:00:00"))
    [summer] = occurrences
    assert summer.original_start == at("2025-07-07T09:00:00", "W. Europe Standard Time")
    assert summer.start == at("2025-07-07T07:00:00", "UTC")
    assert summer.end == at("2025-07-07T08:00:00", "UTC")


def test_pacific_windows_name_as_recurrence_zone_with_an_iana_start() -> None:
    occurrences = expand(recurrence("daily", "2025-03-08", recurrenceTimeZone="Pacific Standard Time"),
                         at("2025-03-08T09:00:00", "America/Los_Angeles"),
                         at("2025-03-08T10:00:00", "America/Los_Angeles"),
                         ("2025-03-08T00:00:00", "2025-03-11T00:00:00"))
    assert [rec_utc(o).hour for o in occurrences] == [17, 16, 16]
    assert occurrences[0].original_start.zone == "Pacific Standard Time"
    assert occurrences[0].start.zone == "America/Los_Angeles"


# -- all-day series -------------------------------------------------------------------------------------

def test_all_day_series_are_dates_compared_as_utc_midnights() -> None:
    zone = "Pacific Standard Time"
    series = recurrence("weekly", "2025-01-06", daysOfWeek=["monday"])
    start, end = at("2025-01-06T00:00:00", zone), at("2025-01-08T00:00:00", zone)  # two days
    occurrences = expand(series, start, end, ("2025-01-13T00:00:00", "2025-01-13T01:00:00"), is_all_day=True)
    assert [(o.start, o.end) for o in occurrences] == [
        (at("2025-01-13T00:00:00", zone), at("2025-01-15T00:00:00", zone))]
    assert occurrences[0].original_start == at("2025-01-13T00:00:00", zone)
    assert expand(series, start, end, ("2025-01-12T12:00:00", "2025-01-13T00:00:00"), is_all_day=True) == []
    assert days(expand(series, start, end, ("2025-01-14T23:00:00", "2025-01-15T00:00:00"), True)) == ["2025-01-13"]
    assert expand(series, start, end, ("2025-01-15T00:00:00", "2025-01-16T00:00:00"), is_all_day=True) == []


def test_all_day_series_across_dst_keep_midnight() -> None:
    occurrences = expand(recurrence("daily", "2025-03-29", "numbered", numberOfOccurrences=3),
                         at("2025-03-29T00:00:00", "Europe/Berlin"), at("2025-03-30T00:00:00", "Europe/Berlin"),
                         WIDE, is_all_day=True)
    assert local_starts(occurrences) == ["2025-03-29T00:00:00", "2025-03-30T00:00:00", "2025-03-31T00:00:00"]
    assert {o.end.local - o.start.local for o in occurrences} == {timedelta(days=1)}


# -- windows and laziness ---------------------------------------------------------------------------------

HOURLY = (recurrence("daily", "2025-01-06"), at("2025-01-06T09:00:00"), at("2025-01-06T10:00:00"))


@pytest.mark.parametrize(
    ("window", "expected"),
    [(("2025-01-07T10:00:00", "2025-01-08T09:00:00"), []),                       # touches both edges
     (("2025-01-07T09:59:00", "2025-01-08T09:00:00"), ["2025-01-07"]),
     (("2025-01-07T10:00:00", "2025-01-08T09:01:00"), ["2025-01-08"]),
     (("2025-01-07T09:15:00", "2025-01-07T09:30:00"), ["2025-01-07"]),          # inside one
     (("2024-12-01T00:00:00", "2025-01-06T09:00:00"), [])],                      # before the series
)
def test_window_edges(window: tuple[str, str], expected: list[str]) -> None:
    assert days(expand(*HOURLY, window)) == expected


def test_naive_window_bounds_are_utc() -> None:
    series = rec.series(*HOURLY)
    naive = rec.expand(series, datetime(2025, 1, 7, 9, 59), datetime(2025, 1, 8, 9))
    assert naive == rec.expand(series, utc("2025-01-07T09:59:00"), utc("2025-01-08T09:00:00"))
    assert days(naive) == ["2025-01-07"]


def test_far_future_window_of_a_no_end_series_is_fast_and_right() -> None:
    series = rec.series(recurrence("daily", "2020-01-01"), at("2020-01-01T09:00:00", "Europe/Berlin"),
                        at("2020-01-01T10:00:00", "Europe/Berlin"))
    began = clock.perf_counter()
    occurrences = rec.expand(series, utc("2200-07-01T00:00:00"), utc("2200-07-04T00:00:00"))
    assert clock.perf_counter() - began < 0.05
    assert local_starts(occurrences) == ["2200-07-01T09:00:00", "2200-07-02T09:00:00", "2200-07-03T09:00:00"]
    assert rec_utc(occurrences[0]) == utc("2200-07-01T07:00:00")


def test_far_numbered_series_counts_arithmetically() -> None:
    weekly = recurrence("weekly", "2020-01-01", "numbered", daysOfWeek=["monday", "wednesday", "friday"],
                        numberOfOccurrences=30_000)
    # A Wednesday start: its week holds 2, each later week 3, so the week 9,999 weeks on ends with
    # the 29,999th and the 30,000th is the Monday after.
    series = rec.series(weekly, at("2020-01-01T09:00:00"), at("2020-01-01T10:00:00"))
    wednesday = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(weeks=9_999)
    began = clock.perf_counter()
    occurrences = rec.expand(series, wednesday - timedelta(days=3), wednesday + timedelta(days=14))
    assert clock.perf_counter() - began < 0.05
    assert [(o.day - wednesday.date()).days for o in occurrences] == [-2, 0, 2, 5]


# -- occurrence ids, lookups, crossing boundaries ------------------------------------------------------------

def test_occurrence_id_round_trip() -> None:
    oid = rec.occurrence_id("AAMkAGI2TQ-_abc=", date(2025, 1, 7))
    assert oid == "OID.AAMkAGI2TQ-_abc=.2025-01-07"
    assert rec.parse_occurrence_id(oid) == ("AAMkAGI2TQ-_abc=", date(2025, 1, 7))
    assert rec.occurrence_id("m", date(999, 1, 2)) == "OID.m.0999-01-02"


@pytest.mark.parametrize("value", ["AAMk123", "OID..2025-01-07", "OID.m.2025-1-7", "OID.m.2025-02-30",
                                   "OID.m", "oid.m.2025-01-07", None, 5])
def test_malformed_occurrence_ids(value: Any) -> None:
    assert rec.parse_occurrence_id(value) is None


def test_occurrence_on_tells_whether_a_date_belongs_to_the_series() -> None:
    series = rec.series(recurrence("weekly", "2025-01-08", "numbered", daysOfWeek=["monday"],
                                   numberOfOccurrences=3),
                        at("2025-01-08T23:30:00", "Europe/Berlin"), at("2025-01-09T00:30:00", "Europe/Berlin"))
    found = rec.occurrence_on(series, date(2025, 1, 20))
    assert found is not None and found.original_start == at("2025-01-20T23:30:00", "Europe/Berlin")
    assert rec.occurrence_on(series, date(2025, 1, 21)) is None   # the UTC date of that occurrence
    assert rec.occurrence_on(series, date(2025, 1, 6)) is None    # before the first
    assert rec.occurrence_on(series, date(2025, 2, 3)) is None    # after the third


def test_neighbours_and_check_move() -> None:
    series = rec.series(recurrence("daily", "2025-01-06", "numbered", numberOfOccurrences=5),
                        at("2025-01-06T09:00:00"), at("2025-01-06T10:00:00"))
    previous, following = rec.neighbours(series, date(2025, 1, 8))
    assert (previous.day, following.day) == (date(2025, 1, 7), date(2025, 1, 9))
    assert rec.neighbours(series, date(2025, 1, 6))[0] is None
    assert rec.neighbours(series, date(2025, 1, 10))[1] is None
    rec.check_move(series, at("2025-01-08T00:00:00"), at("2025-01-08T23:59:00"), previous, following)
    for new_start in ("2025-01-07T12:00:00", "2025-01-09T08:00:00", "2025-01-10T09:00:00", "2025-01-05T09:00:00"):
        start = at(new_start)
        with pytest.raises(rec.OccurrenceCrossingBoundary) as raised:
            rec.check_move(series, start, When(start.local + timedelta(hours=1), "UTC"), previous, following)
        assert (raised.value.status, raised.value.code) == (400, "ErrorOccurrenceCrossingBoundary")
    with pytest.raises(rec.OccurrenceCrossingBoundary):  # ends inside the following occurrence
        rec.check_move(series, at("2025-01-08T22:00:00"), at("2025-01-09T09:30:00"), previous, following)


def test_check_move_uses_days_of_the_recurrence_zone() -> None:
    zone = "Pacific Standard Time"
    series = rec.series(recurrence("daily", "2025-01-06"), at("2025-01-06T09:00:00", zone),
                        at("2025-01-06T10:00:00", zone))
    previous, following = rec.neighbours(series, date(2025, 1, 8))
    # 2025-01-09T06:00Z is still January 8 in Pacific time.
    rec.check_move(series, at("2025-01-09T06:00:00"), at("2025-01-09T07:00:00"), previous, following)


def test_check_move_against_a_long_previous_occurrence() -> None:
    series = rec.series(recurrence("daily", "2025-01-06", interval=2), at("2025-01-06T09:00:00"),
                        at("2025-01-07T15:00:00"))
    previous, following = rec.neighbours(series, date(2025, 1, 8))
    with pytest.raises(rec.OccurrenceCrossingBoundary):
        rec.check_move(series, at("2025-01-07T10:00:00"), at("2025-01-07T11:00:00"), previous, following)


# -- property: expansion equals an independent rrule oracle -------------------------------------------------

IANA = {"Pacific Standard Time": "America/Los_Angeles", "W. Europe Standard Time": "Europe/Berlin",
        "Eastern Standard Time": "America/New_York", "AUS Eastern Standard Time": "Australia/Sydney"}
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Europe/London",
         "Pacific/Chatham", *IANA]
DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
PY_DAY = {name: (i - 1) % 7 for i, name in enumerate(DAYS)}
NEAR = [date(2025, 3, 9), date(2025, 3, 30), date(2025, 10, 26), date(2025, 11, 2), date(2025, 4, 6),
        date(2025, 10, 5), date(2024, 2, 29), date(2025, 1, 31), date(2024, 9, 29)]


def zone_info(name: str) -> ZoneInfo:
    return ZoneInfo(IANA.get(name, name))


def _months(anchor: datetime, interval: int, months_step: int) -> Any:
    """Period starts (first of month/year) from the anchor's period, every `interval` periods."""
    first = anchor.replace(day=1) if months_step == 1 else anchor.replace(month=1, day=1)
    freq = rr.MONTHLY if months_step == 1 else rr.YEARLY
    return rr.rrule(freq, dtstart=first, interval=interval, bymonthday=1, bymonth=None if months_step == 1 else 1)


def _nth(year: int, month: int, week_days: list[str], index: str) -> int:
    matching = [d for d in range(1, calendar.monthrange(year, month)[1] + 1)
                if date(year, month, d).weekday() in {PY_DAY[w] for w in week_days}]
    return matching[{"first": 0, "second": 1, "third": 2, "fourth": 3, "last": -1}[index]]


def oracle_starts(pattern: dict[str, Any], anchor: datetime) -> Any:
    kind, interval = pattern["type"], pattern["interval"]
    if kind == "daily":
        yield from rr.rrule(rr.DAILY, dtstart=anchor, interval=interval)
        return
    if kind == "weekly":
        yield from rr.rrule(rr.WEEKLY, dtstart=anchor, interval=interval, wkst=PY_DAY[pattern["firstDayOfWeek"]],
                            byweekday=[PY_DAY[d] for d in pattern["daysOfWeek"]])
        return
    for period in _months(anchor, interval, 1 if kind.endswith("Monthly") else 12):
        month = period.month if kind.endswith("Monthly") else pattern["month"]
        if kind.startswith("absolute"):
            day = min(pattern["dayOfMonth"], calendar.monthrange(period.year, month)[1])
        else:
            day = _nth(period.year, month, pattern["daysOfWeek"], pattern["index"])
        candidate = datetime.combine(date(period.year, month, day), anchor.time())
        if candidate >= anchor:
            yield candidate


def oracle(pattern: dict, range_: dict, start: When, end: When, all_day: bool,
           window: tuple[datetime, datetime]) -> list[tuple]:
    rec_zone = range_.get("recurrenceTimeZone") or start.zone
    tz = zone_info(rec_zone)
    if all_day or IANA.get(rec_zone, rec_zone) == IANA.get(start.zone, start.zone):
        anchor = start.local
    else:
        anchor = start.local.replace(tzinfo=zone_info(start.zone)).astimezone(tz).replace(tzinfo=None)
    start_instant = start.local.replace(tzinfo=zone_info(start.zone)).astimezone(UTC)
    duration = end.local - start.local if all_day else \
        end.local.replace(tzinfo=zone_info(end.zone)).astimezone(UTC) - start_instant
    found = []
    for number, local in enumerate(oracle_starts(pattern, anchor), 1):
        if range_["type"] == "numbered" and number > range_["numberOfOccurrences"]:
            break
        if range_["type"] == "endDate" and local.date() > date.fromisoformat(range_["endDate"]):
            break
        if all_day:
            key, key_end = local.replace(tzinfo=UTC), (local + duration).replace(tzinfo=UTC)
            occurrence = (local, When(local, start.zone), When(local + duration, end.zone))
        else:
            key = local.replace(tzinfo=tz).astimezone(UTC)
            key_end = key + duration
            occurrence = (local, When(key.astimezone(zone_info(start.zone)).replace(tzinfo=None), start.zone),
                          When(key_end.astimezone(zone_info(end.zone)).replace(tzinfo=None), end.zone))
        if key >= window[1]:
            break
        if key_end > window[0]:
            found.append(occurrence)
    return found


def draw_range(draw: Any, day: date) -> dict[str, Any]:
    """A random recurrenceRange starting on `day`: endDate, noEnd or numbered."""
    range_: dict[str, Any] = {"type": draw(st.sampled_from(["endDate", "noEnd", "numbered"])),
                              "startDate": day.isoformat()}
    if range_["type"] == "numbered":
        range_["numberOfOccurrences"] = draw(st.one_of(st.integers(1, 30), st.integers(31, 400)))
    if range_["type"] == "endDate":
        range_["endDate"] = (day + timedelta(days=draw(st.integers(0, 800)))).isoformat()
    return range_


@st.composite
def series_cases(draw: st.DrawFn) -> tuple:
    kind = draw(st.sampled_from(["daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly",
                                 "relativeYearly"]))
    pattern: dict[str, Any] = {"type": kind, "interval": draw(st.integers(1, 4)),
                               "firstDayOfWeek": draw(st.sampled_from(DAYS))}
    if kind in ("weekly", "relativeMonthly", "relativeYearly"):
        pattern["daysOfWeek"] = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))
    if kind.startswith("relative"):
        pattern["index"] = draw(st.sampled_from(["first", "second", "third", "fourth", "last"]))
    if kind.startswith("absolute"):
        pattern["dayOfMonth"] = draw(st.one_of(st.integers(1, 31), st.integers(28, 31)))
    if kind.endswith("Yearly"):
        pattern["month"] = draw(st.integers(1, 12))
    all_day = draw(st.sampled_from([False, False, False, True]))
    zone = draw(st.sampled_from(ZONES))
    day = draw(st.sampled_from(NEAR)) + timedelta(days=draw(st.integers(-40, 40)))
    if all_day:
        start_local = datetime.combine(day, time())
        end = When(start_local + timedelta(days=draw(st.integers(1, 3))), zone)
    else:
        clock_time = draw(st.one_of(st.sampled_from([time(2, 30), time(1, 30), time(0, 0), time(23, 45)]),
                                    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))))
        start_local = datetime.combine(day, clock_time)
        end = When(start_local + timedelta(minutes=draw(st.integers(15, 3 * 24 * 60))), zone)
    start = When(start_local, zone)
    range_ = draw_range(draw, day)
    if draw(st.booleans()):
        range_["recurrenceTimeZone"] = draw(st.sampled_from(ZONES))
    origin = datetime.combine(day, time()).replace(tzinfo=UTC)
    window_start = origin + timedelta(hours=draw(st.one_of(st.integers(-48, 24 * 60), st.integers(24 * 60, 24 * 900))))
    length = draw(st.one_of(st.integers(1, 72), st.integers(24 * 20, 24 * 120)))
    window = (window_start, window_start + timedelta(hours=length))
    return pattern, range_, start, end, all_day, window


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series_cases())
def test_expansion_matches_an_independent_rrule_oracle(case: tuple) -> None:
    pattern, range_, start, end, all_day, window = case
    given_ = {"pattern": pattern, "range": range_}
    expected = oracle(pattern, range_, start, end, all_day, window)
    try:
        rec.validate(given_, start, all_day)
    except rec.RecurrenceHasNoOccurrence:
        assert expected == [] and range_["type"] == "endDate"
        return
    series = rec.series(given_, start, end, all_day)
    occurrences = rec.expand(series, *window)
    assert [(o.original_start.local, o.start, o.end) for o in occurrences] == expected
    assert {o.original_start.zone for o in occurrences} <= {range_.get("recurrenceTimeZone", start.zone)}
    timed = rec.expand_timed(series, *window)
    assert timed == ([] if all_day else [(o.day, o.original_utc, o.start_utc, o.end_utc) for o in occurrences])
    ticked = rules.expand_ticks(series, *window)
    if ticked is not None:
        assert [(date.fromordinal(day + 1), *map(ticks.aware, rest)) for day, *rest in ticked] == timed
    for position, occurrence in enumerate(occurrences):
        assert rec.occurrence_on(series, occurrence.day) == occurrence
        if 0 < position < len(occurrences) - 1:
            assert rec.neighbours(series, occurrence.day) == (occurrences[position - 1], occurrences[position + 1])


# -- property: any input gives a result or a GraphError, nothing else ----------------------------------------

FIELD_NAMES = ["type", "interval", "daysOfWeek", "firstDayOfWeek", "index", "dayOfMonth", "month", "startDate",
               "endDate", "numberOfOccurrences", "recurrenceTimeZone", "@odata.type", "TYPE", "DaysOfWeek"]
WORDS = ["daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly", "noEnd",
         "endDate", "numbered", "first", "last", "fifth", *DAYS, "Monday", "UTC", "Pacific Standard Time", "",
         "2025-01-06", "9999-12-30", "0001-01-02", "0001-01-01", "9999-12-31", "2025-13-01"]
STARTS = [When(datetime(2025, 1, 6, 9), "UTC"), When(datetime(9999, 12, 30, 22), "Pacific/Kiritimati"),
          When(datetime(1, 1, 2, 1), "Pacific/Chatham"), When(datetime(2025, 1, 6, 2, 30), "America/New_York")]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.integers(-3, 40),
                    st.floats(allow_nan=True), st.text(max_size=6), st.sampled_from(WORDS),
                    st.lists(st.sampled_from(WORDS), max_size=3))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(FIELD_NAMES + ["pattern", "range"]), inner, max_size=3),
                      max_leaves=4)


@st.composite
def near_valid(draw: st.DrawFn, start: When) -> dict[str, Any]:
    """A valid recurrence for `start` (any pattern and range type), then up to three fields set or dropped."""
    kind = draw(st.sampled_from(["daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly",
                                 "relativeYearly"]))
    pattern = {"type": kind, "interval": draw(st.integers(1, 4)), "daysOfWeek": [draw(st.sampled_from(DAYS))],
               "dayOfMonth": draw(st.integers(1, 31)), "month": draw(st.integers(1, 12)),
               "index": draw(st.sampled_from(["first", "last"]))}
    range_ = {"type": draw(st.sampled_from(["endDate", "noEnd", "numbered"])),
              "startDate": start.local.date().isoformat(), "endDate": "9999-12-31",
              "numberOfOccurrences": draw(st.integers(1, 5))}
    for _ in range(draw(st.integers(0, 3))):
        part = draw(st.sampled_from([pattern, range_]))
        name = draw(st.sampled_from(FIELD_NAMES))
        if draw(st.booleans()):
            part.pop(name, None)
        else:
            part[name] = draw(scalars)
    return {"pattern": pattern, "range": range_}


@st.composite
def fuzz_cases(draw: st.DrawFn) -> tuple[Any, When, bool]:
    start, all_day = draw(st.sampled_from(STARTS)), draw(st.booleans())
    if all_day:
        start = When(datetime.combine(start.local.date(), time()), start.zone)
    return draw(st.one_of(values, near_valid(start))), start, all_day


@settings(max_examples=500, deadline=None)
@given(fuzz_cases())
def test_any_input_gives_a_canonical_result_or_a_graph_error(case: tuple[Any, When, bool]) -> None:
    given_, start, all_day = case
    try:
        canonical = rec.validate(given_, start, all_day)
    except GraphError as error:
        assert error.status == 400 and error.message
        return
    assert rec.validate(canonical, start, all_day) == canonical
    end = When(start.local + timedelta(days=1) if all_day else start.local, start.zone)
    series = rec.series(canonical, start, end, all_day)
    first = rec.first_occurrence(series)
    # validate() sees the start only; an occurrence whose end is past 9999-12-31 is dropped.
    assert first is not None or start.local.year == 9999
    for low, high in [(datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 20, tzinfo=UTC)),
                      (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)),
                      (datetime(9999, 12, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, tzinfo=UTC))]:
        rec.expand(series, low, high)
    rec.neighbours(series, first.day if first else start.local.date())


# -- property: the daily/weekly stepper makes exactly the starts the rrule engine makes ---------------------



@st.composite
def stepped_cases(draw: st.DrawFn) -> tuple:
    kind = draw(st.sampled_from(["daily", "weekly"]))
    interval = draw(st.one_of(st.integers(1, 4), st.integers(5, 99 if kind == "weekly" else 999)))
    pattern: dict[str, Any] = {"type": kind, "interval": interval, "firstDayOfWeek": draw(st.sampled_from(DAYS))}
    if kind == "weekly":
        pattern["daysOfWeek"] = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
    zone = draw(st.sampled_from(ZONES))
    day = draw(st.sampled_from(NEAR)) + timedelta(days=draw(st.integers(-40, 40)))
    clock_time = draw(st.one_of(st.sampled_from([time(2, 30), time(1, 30), time(0, 0), time(23, 59, 59, 999999)]),
                                st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]),
                                          st.sampled_from([0, 59]), st.sampled_from([0, 0, 1, 500000]))))
    start = When(datetime.combine(day, clock_time), zone)
    range_ = draw_range(draw, day)
    low = datetime.combine(day, time()) + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 24 * 60 * 900)))
    high = low + timedelta(minutes=draw(st.one_of(st.integers(0, 3 * 24 * 60), st.integers(0, 24 * 60 * 400))))
    return {"pattern": pattern, "range": range_}, start, low, high


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stepped_cases())
def test_stepped_starts_equal_the_rrule_engine(case: tuple) -> None:
    given_, start, low, high = case
    try:
        rec.validate(given_, start)
    except rec.RecurrenceHasNoOccurrence:
        return
    series = rec.series(given_, start, When(start.local + timedelta(hours=1), start.zone))
    assert list(rules._stepped_starts(series, low, high)) == list(rules._rrule_starts(series, low, high))
    if series.steps is not None and series.steps.last is not None:   # the last start of a bounded range
        every = list(rules._rrule_starts(series, datetime.min, datetime.max))
        assert every[-1] <= ticks.naive(series.steps.last + series.steps.micro)
        assert series.rule.range.type == "endDate" or every[-1] == ticks.naive(series.steps.last + series.steps.micro)
    assert list(rules._stepped_starts(series, datetime.min, low)) == list(rules._rrule_starts(series, datetime.min, low))


def test_stepped_starts_stop_at_the_end_of_time() -> None:
    start = When(datetime(9999, 12, 1, 9), "UTC")
    given_ = recurrence("weekly", "9999-12-01", daysOfWeek=["wednesday", "friday"])
    series = rec.series(given_, start, When(datetime(9999, 12, 1, 10), "UTC"))
    assert list(rules._stepped_starts(series, datetime.min, datetime.max)) == \
        list(rules._rrule_starts(series, datetime.min, datetime.max))
    last = When(datetime(9999, 12, 30, 22), "Pacific/Kiritimati")   # a Thursday; its week began on the 26th
    friday = rec.series(recurrence("weekly", "9999-12-30", daysOfWeek=["friday"]), last, last)
    assert list(rules._stepped_starts(friday, datetime.min, datetime.max)) == [datetime(9999, 12, 31, 22)]
    daily = rec.series(recurrence("daily", "9999-12-01"), start, When(datetime(9999, 12, 1, 10), "UTC"))
    assert list(rules._stepped_starts(daily, datetime.min, datetime.max)) == \
        list(rules._rrule_starts(daily, datetime.min, datetime.max))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stepped_cases(), st.sampled_from([15, 60, 23 * 60 + 30, 3 * 24 * 60 + 7, 9 * 24 * 60]))
def test_expand_ticks_equals_expand_timed(case: tuple, minutes: int) -> None:
    """The integer expansion (one offset per local day between DST changes) against the datetime one,
    on windows around DST changes in zones with 30- and 45-minute offsets and changes at midnight."""
    given_, start, low, high = case
    try:
        rec.validate(given_, start)
    except rec.RecurrenceHasNoOccurrence:
        return
    series = rec.series(given_, start, When(start.local + timedelta(minutes=minutes), start.zone))
    window = (low.replace(tzinfo=UTC), high.replace(tzinfo=UTC))
    ticked = rules.expand_ticks(series, *window)
    assert ticked is not None
    assert [(date.fromordinal(day + 1), *map(ticks.aware, rest)) for day, *rest in ticked] == \
        rec.expand_timed(series, *window)


@pytest.mark.parametrize("zone", ["America/Santiago", "Asia/Beirut", "America/Havana", "Europe/Berlin",
                                  "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns"])
def test_expand_ticks_through_years_of_dst_changes(zone: str) -> None:
    """Daily at every quarter hour of the night (and every 45 minutes of the day): every
    DST change of a year and a half, exactly as expand_timed."""
    for minute in sorted({*range(0, 4 * 60, 15), *range(22 * 60, 24 * 60, 15), *range(0, 24 * 60, 45)}):
        start = When(datetime(2023, 1, 1) + timedelta(minutes=minute), zone)
        series = rec.series(recurrence("daily", "2023-01-01"), start, When(start.local + timedelta(minutes=50), zone))
        window = (utc("2023-01-01T00:00:00"), utc("2024-07-01T00:00:00"))
        ticked = rules.expand_ticks(series, *window)
        assert ticked is not None
        assert [(date.fromordinal(day + 1), *map(ticks.aware, rest)) for day, *rest in ticked] == \
            rec.expand_timed(series, *window)
