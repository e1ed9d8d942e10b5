"""supportedTimeZones: the zones calgraph converts, as Windows ids with Outlook-style display names
(`(UTC-08:00) Pacific Time (US & Canada)`) or as IANA names."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from functools import lru_cache

from calgraph.core import timezones

# Outlook's names for the most used zones; any other Windows id is shown by its id.
_NAMES = {
    "Dateline Standard Time": "International Date Line West", "UTC-11": "Coordinated Universal Time-11",
    "Hawaiian Standard Time": "Hawaii", "Alaskan Standard Time": "Alaska",
    "Pacific Standard Time": "Pacific Time (US & Canada)", "US Mountain Standard Time": "Arizona",
    "Mountain Standard Time": "Mountain Time (US & Canada)", "Central Standard Time": "Central Time (US & Canada)",
    "Eastern Standard Time": "Eastern Time (US & Canada)", "Atlantic Standard Time": "Atlantic Time (Canada)",
    "E. South America Standard Time": "Brasilia", "UTC": "Coordinated Universal Time",
    "GMT Standard Time": "Dublin, Edinburgh, Lisbon, London",
    "W. Europe Standard Time": "Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
    "Romance Standard Time": "Brussels, Copenhagen, Madrid, Paris",
    "Central Europe Standard Time": "Belgrade, Bratislava, Budapest, Ljubljana, Prague",
    "GTB Standard Time": "Athens, Bucharest", "FLE Standard Time": "Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius",
    "Russian Standard Time": "Moscow, St. Petersburg", "Arabian Standard Time": "Abu Dhabi, Muscat",
    "India Standard Time": "Chennai, Kolkata, Mumbai, New Delhi", "China Standard Time":
    "Beijing, Chongqing, Hong Kong, Urumqi", "Singapore Standard Time": "Kuala Lumpur, Singapore",
    "Tokyo Standard Time": "Osaka, Sapporo, Tokyo", "AUS Eastern Standard Time": "Canberra, Melbourne, Sydney",
    "New Zealand Standard Time": "Auckland, Wellington",
}


def _standard_offset(name: str) -> timedelta:
    zone = timezones.resolve(name)
    for month in (1, 7):
        moment = datetime(2025, month, 15, tzinfo=zone)
        if not moment.dst():
            return moment.utcoffset() or timedelta(0)
    return datetime(2025, 1, 15, tzinfo=zone).utcoffset() or timedelta(0)


def display_name(windows_id: str) -> str:
    offset = _standard_offset(windows_id)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    prefix = "(UTC)" if minutes == 0 else f"(UTC{sign}{minutes // 60:02d}:{minutes % 60:02d})"
    return f"{prefix} {_NAMES.get(windows_id, windows_id)}"


@lru_cache(maxsize=1)
def windows_zones() -> tuple[tuple[str, str], ...]:
    """(id, displayName) of every Windows id, by offset then name."""
    ids = sorted(timezones.WINDOWS_TO_IANA, key=lambda w: (_standard_offset(w), w))
    return tuple((w, display_name(w)) for w in ids)


@lru_cache(maxsize=1)
def iana_zones() -> tuple[str, ...]:
    """The IANA names that map to a Windows id, sorted."""
    names = (key for key in zoneinfo.available_timezones()
             if not key.startswith(("posix/", "right/")) and key not in ("Factory", "localtime", "posixrules"))
    return tuple(sorted(name for name in names if timezones.canonical_windows(name) is not None))
