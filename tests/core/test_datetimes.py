from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from calgraph.core import datetimes
from calgraph.core.errors import (
    AllDayTooShort,
    EndBeforeStart,
    InvalidParameter,
    InvalidRequest,
    RequestBodyRead,
    TimeZoneNotSupported,
)
from calgraph.core.model import NEVER, When

UTC = timezone.utc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-08-15T12:00:00", datetime(2019, 8, 15, 12, 0)),
        ("2019-08-15T12:00:00.0000000", datetime(2019, 8, 15, 12, 0)),
        ("2019-08-15T12:00:00.1", datetime(2019, 8, 15, 12, 0, 0, 100000)),
        ("2019-08-15T12:00:00.12", datetime(2019, 8, 15, 12, 0, 0, 120000)),
        ("2019-08-15T12:00:00.123456", datetime(2019, 8, 15, 12, 0, 0, 123456)),
        ("2019-08-15T12:00:00.1234567", datetime(2019, 8, 15, 12, 0, 0, 123456)),
        ("2019-08-15T12:00", datetime(2019, 8, 15, 12, 0)),
        ("2019-11-11", datetime(2019, 11, 11)),
        ("2019-08-15T12:00:00Z", datetime(2019, 8, 15, 12, 0)),
        ("2019-08-15T12:00:00.0000000Z", datetime(2019, 8, 15, 12, 0)),
        ("2019-08-15T12:00:00+01:00", datetime(2019, 8, 15, 12, 0)),
        ("2019-08-15T12:00:00-0800", datetime(2019, 8, 15, 12, 0)),
        ("2019-08-15t12:00:00z", datetime(2019, 8, 15, 12, 0)),
        ("0001-01-01T00:00:00", datetime(1, 1, 1)),
    ],
)
def test_parse_local_accepts_every_graph_form(value: str, expected: datetime) -> None:
    parsed = datetimes.parse_local(value)
    assert parsed == expected
    assert parsed.tzinfo is None


@pytest.mark.parametrize(
    "value",
    ["", "tomorrow", "2019-13-01T00:00:00", "2019-02-30", "2019-08-15T24:00:00", "2019-08-15T12:00:00.",
     "2019-08-15T12:00:00.12345678", "2019-08-15 12:00:00", "2019-8-15", "2019-08-15T12",
     "2019-08-15T12:00:00+25:00", "2019-08-15T12:00:00 05:30", " 2019-08-15"],
)
def test_parse_local_rejects_malformed_values_naming_them(value: str) -> None:
    with pytest.raises(RequestBodyRead) as raised:
        datetimes.parse_local(value)
    assert f"'{value}'" in raised.value.message
    assert raised.value.status == 400


def test_parse_local_rejects_non_strings() -> None:
    with pytest.raises(RequestBodyRead):
        datetimes.parse_local(None)  # type: ignore[arg-type]


def test_parse_when_keeps_the_zone_name_as_given() -> None:
    when = datetimes.parse_when("2019-08-15T12:00:00", "Pacific Standard Time")
    assert when == When(datetime(2019, 8, 15, 12, 0), "Pacific Standard Time")
    assert datetimes.parse_when("2019-08-15T12:00", "asia/kolkata").zone == "asia/kolkata"


def test_parse_when_without_a_zone_is_utc() -> None:
    assert datetimes.parse_when("2019-08-15T12:00:00", None) == When(datetime(2019, 8, 15, 12, 0), "UTC")


def test_parse_when_drops_a_suffix_when_a_zone_is_named() -> None:
    assert datetimes.parse_when("2019-08-15T12:00:00Z", "Pacific Standard Time").local == datetime(2019, 8, 15, 12, 0)
    assert datetimes.parse_when("2019-08-15T12:00:00+02:00", "UTC").local == datetime(2019, 8, 15, 12, 0)


def test_parse_when_honours_an_offset_when_no_zone_is_named() -> None:
    assert datetimes.parse_when("2024-01-15T09:00:00-05:00", None) == When(datetime(2024, 1, 15, 14, 0), "UTC")
    assert datetimes.parse_when("2024-01-15T09:00:00Z", None) == When(datetime(2024, 1, 15, 9, 0), "UTC")


@pytest.mark.parametrize("zone", ["Greenwich Mean Time", "", "Nowhere/Land"])
def test_parse_when_rejects_unknown_zones(zone: str) -> None:
    with pytest.raises(TimeZoneNotSupported):
        datetimes.parse_when("2019-08-15T12:00:00", zone)


def test_parse_when_rejects_malformed_date_times() -> None:
    with pytest.raises(RequestBodyRead):
        datetimes.parse_when("15/08/2019", "UTC")


def test_format_local_always_has_seven_fractional_digits() -> None:
    assert datetimes.format_local(datetime(2019, 8, 15, 12, 0)) == "2019-08-15T12:00:00.0000000"
    assert datetimes.format_local(datetime(2019, 8, 15, 12, 0, 5, 123456)) == "2019-08-15T12:00:05.1234560"
    assert datetimes.format_local(datetime(1, 1, 1)) == "0001-01-01T00:00:00.0000000"
    assert datetimes.format_local(datetimes.parse_local("2019-08-15T12:00:00.1234567")) == "2019-08-15T12:00:00.1234560"


def test_format_instant_drops_trailing_zeros() -> None:
    assert datetimes.format_instant(datetime(2019, 8, 1, 6, 41, 7, 805128, tzinfo=UTC)) == "2019-08-01T06:41:07.805128Z"
    assert datetimes.format_instant(datetime(2019, 8, 1, 6, 41, 8, 329820, tzinfo=UTC)) == "2019-08-01T06:41:08.32982Z"
    assert datetimes.format_instant(datetime(2019, 8, 1, 6, 41, 8, 500000, tzinfo=UTC)) == "2019-08-01T06:41:08.5Z"
    assert datetimes.format_instant(NEVER) == "0001-01-01T00:00:00Z"


def test_format_instant_converts_to_utc_and_takes_naive_as_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert datetimes.format_instant(datetime(2019, 8, 1, 8, 0, tzinfo=plus_two)) == "2019-08-01T06:00:00Z"
    assert datetimes.format_instant(datetime(2019, 8, 1, 8, 0)) == "2019-08-01T08:00:00Z"


def test_message_and_error_formats() -> None:
    instant = datetime(2019, 8, 1, 7, 6, 28, 999999, tzinfo=UTC)
    assert datetimes.format_instant_seconds(instant) == "2019-08-01T07:06:28Z"
    assert datetimes.format_error_date(datetime(2021, 8, 23, 6, 12, 16, 42, tzinfo=UTC)) == "2021-08-23T06:12:16"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-11-08T19:00:00-08:00", datetime(2019, 11, 9, 3, 0, tzinfo=UTC)),
        ("2019-11-08T19:00:00Z", datetime(2019, 11, 8, 19, 0, tzinfo=UTC)),
        ("2019-11-08T19:00:00", datetime(2019, 11, 8, 19, 0, tzinfo=UTC)),
        ("2019-11-08T19:00:00.0000000", datetime(2019, 11, 8, 19, 0, tzinfo=UTC)),
        ("2019-11-08T19:00:00+0530", datetime(2019, 11, 8, 13, 30, tzinfo=UTC)),
        ("2019-11-08T19:00", datetime(2019, 11, 8, 19, 0, tzinfo=UTC)),
        ("2019-11-08", datetime(2019, 11, 8, tzinfo=UTC)),
    ],
)
def test_parse_instant(value: str, expected: datetime) -> None:
    parsed = datetimes.parse_instant(value)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("value", ["2021-01-01T19:00:00 05:30", "yesterday", "", "0001-01-01T00:00:00+01:00"])
def test_parse_instant_rejects_invalid_values(value: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        datetimes.parse_instant(value, "StartDateTime")
    assert raised.value.message == f"The value '{value}' of parameter 'StartDateTime' is invalid."


def test_round_trip_of_instant_formatting() -> None:
    instant = datetime(2019, 8, 1, 6, 41, 7, 805128, tzinfo=UTC)
    assert datetimes.parse_instant(datetimes.format_instant(instant)) == instant


def _when(value: str, zone: str = "UTC") -> When:
    return datetimes.parse_when(value, zone)


def test_validate_span_accepts_ordinary_and_zero_length_events() -> None:
    datetimes.validate_span(_when("2019-08-15T12:00"), _when("2019-08-15T13:00"), False)
    datetimes.validate_span(_when("2019-08-15T12:00"), _when("2019-08-15T12:00"), False)


def test_validate_span_compares_instants_across_zones() -> None:
    start = _when("2019-08-15T12:00", "Pacific Standard Time")  # 19:00Z
    datetimes.validate_span(start, _when("2019-08-15T19:30", "UTC"), False)
    with pytest.raises(EndBeforeStart):
        datetimes.validate_span(start, _when("2019-08-15T13:00", "W. Europe Standard Time"), False)  # 11:00Z


def test_validate_span_end_before_start() -> None:
    with pytest.raises(EndBeforeStart) as raised:
        datetimes.validate_span(_when("2019-08-15T12:00"), _when("2019-08-15T11:59"), False)
    assert raised.value.code == "ErrorCalendarEndDateIsEarlierThanStartDate"


def test_validate_span_all_day_rules() -> None:
    datetimes.validate_span(_when("2019-11-11"), _when("2019-11-12"), True)
    datetimes.validate_span(_when("2019-11-11", "Pacific Standard Time"), _when("2019-11-14", "pacific standard time"), True)
    datetimes.validate_span(_when("2019-11-11", "Pacific Standard Time"), _when("2019-11-12", "America/Los_Angeles"), True)
    with pytest.raises(InvalidRequest, match="midnight"):
        datetimes.validate_span(_when("2019-11-11T08:00"), _when("2019-11-12"), True)
    with pytest.raises(InvalidRequest, match="midnight"):
        datetimes.validate_span(_when("2019-11-11"), _when("2019-11-12T00:30"), True)
    with pytest.raises(AllDayTooShort):
        datetimes.validate_span(_when("2019-11-11"), _when("2019-11-11"), True)
    with pytest.raises(EndBeforeStart):
        datetimes.validate_span(_when("2019-11-12"), _when("2019-11-11"), True)
    with pytest.raises(InvalidRequest, match="same time zone"):
        datetimes.validate_span(_when("2019-11-11", "UTC"), _when("2019-11-13", "Tokyo Standard Time"), True)


def test_all_day_too_short_is_an_invalid_request() -> None:
    with pytest.raises(AllDayTooShort) as raised:
        datetimes.validate_span(_when("2019-11-11"), _when("2019-11-11"), True)
    assert raised.value.code == "ErrorInvalidRequest"
    assert raised.value.status == 400
