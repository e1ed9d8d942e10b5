from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calgraph.core import timezones
from calgraph.core.errors import TimeZoneNotSupported
from calgraph.core.model import When

UTC = timezone.utc


@pytest.mark.parametrize(
    ("windows", "iana"),
    [
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("India Standard Time", "Asia/Calcutta"),
        ("UTC", "Etc/UTC"),
        ("Eastern Standard Time", "America/New_York"),
        ("GMT Standard Time", "Europe/London"),
        ("Greenwich Standard Time", "Atlantic/Reykjavik"),
        ("Romance Standard Time", "Europe/Paris"),
        ("Tokyo Standard Time", "Asia/Tokyo"),
        ("AUS Eastern Standard Time", "Australia/Sydney"),
        ("Dateline Standard Time", "Etc/GMT+12"),
    ],
)
def test_windows_ids_map_to_the_territory_001_zone_and_back(windows: str, iana: str) -> None:
    assert timezones.to_iana(windows) == iana
    assert timezones.resolve(windows).key == iana
    assert timezones.canonical_windows(iana) == windows
    assert timezones.canonical_windows(windows) == windows


def test_the_whole_cldr_table_is_there_and_resolves() -> None:
    assert len(timezones.WINDOWS_TO_IANA) >= 135
    for windows in timezones.WINDOWS_TO_IANA:
        assert timezones.is_supported(windows), windows


# Zones whose rules changed after CLDR filed them (Scoresbysund moved to -2/-1 in 2024, Casey and
# Vostok changed offset in 2023): their Windows id's zone keeps other offsets in 2025.
_CLDR_LAGS = frozenset({"America/Scoresbysund", "Antarctica/Casey", "Antarctica/Vostok"})
_SAMPLES_2025 = [datetime(2025, 1, 1, 12, tzinfo=UTC) + timedelta(days=day) for day in range(365)]


def _offsets(zone: ZoneInfo) -> list[timedelta | None]:
    return [instant.astimezone(zone).utcoffset() for instant in _SAMPLES_2025]


def test_every_cldr_windows_id_resolves_to_a_zone_zoneinfo_loads() -> None:
    assert len(timezones.WINDOWS_TO_IANA) >= 142
    for windows, iana in timezones.WINDOWS_TO_IANA.items():
        assert timezones.to_iana(windows) == iana
        assert timezones.resolve(windows) == ZoneInfo(iana)
        assert timezones.canonical_windows(windows) == windows
        assert timezones.canonical_windows(windows.upper()) == windows


def test_every_iana_zone_cldr_lists_maps_back_to_a_windows_id_with_the_same_offsets() -> None:
    known = zoneinfo.available_timezones()
    assert len(timezones.IANA_TO_WINDOWS) >= 500
    assert "" not in timezones.IANA_TO_WINDOWS
    mismatched = set()
    for iana, windows in timezones.IANA_TO_WINDOWS.items():
        assert iana in known, iana
        assert timezones.canonical_windows(iana) == windows
        assert timezones.canonical_windows(iana.lower()) == windows
        assert windows in timezones.WINDOWS_TO_IANA
        if _offsets(ZoneInfo(iana)) != _offsets(timezones.resolve(windows)):
            mismatched.add(iana)
    assert mismatched <= _CLDR_LAGS


@pytest.mark.parametrize(
    ("iana", "windows"),
    [("Europe/Madrid", "Romance Standard Time"), ("Africa/Ceuta", "Romance Standard Time"),
     ("America/Detroit", "Eastern Standard Time"), ("America/Toronto", "Eastern Standard Time"),
     ("Asia/Calcutta", "India Standard Time"), ("Asia/Kolkata", "India Standard Time"),
     ("Europe/Amsterdam", "W. Europe Standard Time"), ("Australia/Melbourne", "AUS Eastern Standard Time"),
     ("America/Phoenix", "US Mountain Standard Time"), ("Etc/GMT+5", "SA Pacific Standard Time"),
     ("Etc/UTC", "UTC"), ("America/Vancouver", "British Columbia Standard Time")],
)
def test_zones_of_every_cldr_territory_find_their_windows_id(iana: str, windows: str) -> None:
    assert timezones.canonical_windows(iana) == windows
    assert timezones.to_iana(iana) == iana


@pytest.mark.parametrize(
    ("link", "windows"),
    [("Europe/Uzhgorod", "FLE Standard Time"), ("US/East-Indiana", "US Eastern Standard Time"),
     ("GMT", "UTC")],
)
def test_tz_links_cldr_does_not_list_find_the_windows_id_of_their_zone(link: str, windows: str) -> None:
    assert link not in timezones.IANA_TO_WINDOWS
    assert timezones.canonical_windows(link) == windows


def test_a_zone_without_a_windows_id_is_still_accepted() -> None:
    assert timezones.canonical_windows("Antarctica/Troll") is None
    assert timezones.resolve("antarctica/troll").key == "Antarctica/Troll"


def test_names_from_the_full_table_match_case_insensitively() -> None:
    assert timezones.canonical_windows("EUROPE/MADRID") == "Romance Standard Time"
    assert timezones.canonical_windows("romance standard time") == "Romance Standard Time"
    assert timezones.to_iana("europe/madrid") == "Europe/Madrid"
    assert timezones.to_iana("ROMANCE STANDARD TIME") == "Europe/Paris"
    assert timezones.to_iana("british columbia standard time") == "America/Vancouver"


@pytest.mark.parametrize(
    ("zone", "winter", "summer"),
    [("Pacific Standard Time", -8, -7), ("W. Europe Standard Time", 1, 2), ("Romance Standard Time", 1, 2),
     ("Europe/Madrid", 1, 2), ("AUS Eastern Standard Time", 11, 10), ("India Standard Time", 5.5, 5.5),
     ("US Mountain Standard Time", -7, -7)],
)
def test_dst_offsets_in_2025(zone: str, winter: float, summer: float) -> None:
    january = timezones.from_utc(datetime(2025, 1, 15, 12, 0, tzinfo=UTC), zone)
    july = timezones.from_utc(datetime(2025, 7, 1, 12, 0, tzinfo=UTC), zone)
    assert january.local - datetime(2025, 1, 15, 12, 0) == timedelta(hours=winter)
    assert july.local - datetime(2025, 7, 1, 12, 0) == timedelta(hours=summer)
    assert timezones.to_utc(july) == datetime(2025, 7, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("alias", "windows"),
    [("Asia/Kolkata", "India Standard Time"), ("US/Pacific", "Pacific Standard Time"),
     ("Etc/GMT", "UTC"), ("Zulu", "UTC")],
)
def test_iana_aliases_of_a_territory_001_zone_find_its_windows_id(alias: str, windows: str) -> None:
    assert timezones.canonical_windows(alias) == windows


def test_names_match_case_insensitively_and_keep_their_canonical_spelling() -> None:
    assert timezones.canonical_windows("pacific STANDARD time") == "Pacific Standard Time"
    assert timezones.to_iana("pacific standard time") == "America/Los_Angeles"
    assert timezones.to_iana("europe/berlin") == "Europe/Berlin"
    assert timezones.to_iana("ASIA/KOLKATA") == "Asia/Kolkata"
    assert timezones.to_iana("utc") == "Etc/UTC"
    assert timezones.resolve("america/los_angeles").key == "America/Los_Angeles"


def test_iana_names_resolve_to_themselves() -> None:
    for name in ("America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "Asia/Calcutta", "Etc/GMT+12"):
        assert timezones.to_iana(name) == name
        assert timezones.resolve(name).key == name


def test_exchange_utc_alias_is_accepted() -> None:
    assert timezones.to_iana("tzone://Microsoft/Utc") == "Etc/UTC"
    assert timezones.canonical_windows("tzone://Microsoft/Utc") == "UTC"


def test_any_iana_zone_is_accepted_even_without_a_windows_id() -> None:
    assert timezones.is_supported("Europe/Madrid")
    assert timezones.is_supported("Antarctica/Troll")


@pytest.mark.parametrize(
    "bogus",
    ["Greenwich Mean Time", "", "Mars/Olympus_Mons", "Pacific Standard", "Factory", "localtime",
     "tzone://Microsoft/Custom", " UTC", "posix/Europe/Berlin", "Mars/Olympus", "Etc/GMT+13",
     "Romance Standard Time ", "Europe/Madrid/", "right/Europe/Madrid"],
)
def test_bogus_names_are_rejected(bogus: str) -> None:
    assert not timezones.is_supported(bogus)
    assert timezones.canonical_windows(bogus) is None
    with pytest.raises(TimeZoneNotSupported) as raised:
        timezones.resolve(bogus)
    assert raised.value.status == 400
    assert f"'{bogus}'" in raised.value.message
    with pytest.raises(TimeZoneNotSupported):
        timezones.to_iana(bogus)


def test_non_strings_are_rejected() -> None:
    with pytest.raises(TimeZoneNotSupported):
        timezones.resolve(None)  # type: ignore[arg-type]
    assert not timezones.is_supported(42)  # type: ignore[arg-type]


def test_to_utc_and_from_utc() -> None:
    when = When(datetime(2019, 8, 15, 12, 0), "Pacific Standard Time")
    instant = timezones.to_utc(when)
    assert instant == datetime(2019, 8, 15, 19, 0, tzinfo=UTC)
    assert instant.tzinfo is UTC
    assert timezones.from_utc(instant, "Pacific Standard Time") == when
    assert timezones.from_utc(instant, "UTC") == When(datetime(2019, 8, 15, 19, 0), "UTC")
    berlin = timezones.from_utc(instant, "Europe/Berlin")
    assert berlin == When(datetime(2019, 8, 15, 21, 0), "Europe/Berlin")
    assert berlin.local.tzinfo is None


def test_from_utc_labels_the_zone_exactly_as_given_and_takes_naive_as_utc() -> None:
    when = timezones.from_utc(datetime(2019, 1, 1, 12, 0), "india standard time")
    assert when == When(datetime(2019, 1, 1, 17, 30), "india standard time")


def test_convert_between_zones() -> None:
    when = When(datetime(2019, 11, 11, 9, 30), "W. Europe Standard Time")
    assert timezones.convert(when, "India Standard Time") == When(datetime(2019, 11, 11, 14, 0), "India Standard Time")
    assert timezones.convert(when, "Asia/Kolkata") == When(datetime(2019, 11, 11, 14, 0), "Asia/Kolkata")
    assert timezones.convert(when, "UTC") == When(datetime(2019, 11, 11, 8, 30), "UTC")


def test_spring_forward_nonexistent_time_moves_forward_by_the_gap() -> None:
    # 2019-03-10 02:00 PST jumps to 03:00 PDT in Los Angeles.
    gap = When(datetime(2019, 3, 10, 2, 30), "Pacific Standard Time")
    instant = timezones.to_utc(gap)
    assert instant == datetime(2019, 3, 10, 10, 30, tzinfo=UTC)
    assert timezones.from_utc(instant, "Pacific Standard Time").local == datetime(2019, 3, 10, 3, 30)


def test_fall_back_ambiguous_time_is_the_first_occurrence() -> None:
    # 2019-11-03 01:30 happens twice in Los Angeles: 08:30Z (PDT) and 09:30Z (PST).
    ambiguous = When(datetime(2019, 11, 3, 1, 30), "America/Los_Angeles")
    assert timezones.to_utc(ambiguous) == datetime(2019, 11, 3, 8, 30, tzinfo=UTC)
    second = timezones.from_utc(datetime(2019, 11, 3, 9, 30, tzinfo=UTC), "America/Los_Angeles")
    assert second.local == datetime(2019, 11, 3, 1, 30)
    assert second.local.fold == 0


def test_berlin_dst_edges() -> None:
    assert timezones.to_utc(When(datetime(2019, 3, 31, 2, 15), "Europe/Berlin")) == datetime(2019, 3, 31, 1, 15, tzinfo=UTC)
    assert timezones.to_utc(When(datetime(2019, 10, 27, 2, 15), "Europe/Berlin")) == datetime(2019, 10, 27, 0, 15, tzinfo=UTC)


def test_microseconds_survive_conversion() -> None:
    when = When(datetime(2020, 6, 1, 8, 0, 0, 123456), "Tokyo Standard Time")
    assert timezones.to_utc(when) == datetime(2020, 5, 31, 23, 0, 0, 123456, tzinfo=UTC)


_ZONES = sorted(timezones.WINDOWS_TO_IANA) + ["America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe"]


def _exists(local: datetime, zone_name: str) -> bool:
    zone = timezones.resolve(zone_name)
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


@settings(max_examples=50, deadline=None)
@given(
    local=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31)),
    zone_name=st.sampled_from(_ZONES),
)
def test_from_utc_inverts_to_utc_outside_dst_gaps(local: datetime, zone_name: str) -> None:
    assume(_exists(local, zone_name))
    when = When(local, zone_name)
    instant = timezones.to_utc(when)
    assert instant.utcoffset() == timedelta(0)
    assert timezones.from_utc(instant, zone_name) == when
