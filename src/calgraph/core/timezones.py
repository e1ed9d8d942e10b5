"""Time zone names as Graph accepts them, and conversions between wall-clock times and instants.

A zone name is a Windows zone id (`Pacific Standard Time`, matched case-insensitively), an IANA
name known to zoneinfo (`America/Los_Angeles`, also case-insensitive) or `UTC`. The mapping is CLDR's
windowsZones table as tzlocal ships it (`tzlocal.windows_tz`, pinned in pyproject): a Windows id
maps to its territory-"001" zone, and every IANA zone CLDR files under a Windows id for any
territory (plus the tz database's backward links to those zones) maps back to that id.

Local times that a DST change makes ambiguous or nonexistent are resolved with fold=0: an ambiguous
time is its first occurrence (daylight time; note .NET's TimeZoneInfo would pick standard time), and
a nonexistent time uses the offset in force before the gap, which moves it forward by the gap's
length (02:30 on a spring-forward night in Los Angeles is 03:30 PDT), as Exchange shifts it.
"""

from __future__ import annotations

import importlib.resources
import zoneinfo
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from tzlocal.windows_tz import tz_win, win_tz

from calgraph.core.errors import TimeZoneNotSupported
from calgraph.core.model import When

# Other spellings Exchange uses for a Windows id.
_WINDOWS_ALIASES: dict[str, str] = {"tzone://microsoft/utc": "UTC"}
# zoneinfo keys that are not real zones.
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})

# Windows id -> the IANA zone of CLDR territory "001".
WINDOWS_TO_IANA: dict[str, str] = dict(win_tz)
# IANA name -> Windows id, for every territory (tzlocal's table has a stray "" key: dropped).
IANA_TO_WINDOWS: dict[str, str] = {iana: windows for iana, windows in tz_win.items() if iana}
_WINDOWS_BY_LOWER: dict[str, str] = {name.lower(): name for name in WINDOWS_TO_IANA} | _WINDOWS_ALIASES


@lru_cache(maxsize=1)
def _iana_by_lower() -> dict[str, str]:
    keys = (
        key for key in zoneinfo.available_timezones()
        if key not in _NOT_ZONES and not key.startswith(("posix/", "right/"))
    )
    return {key.lower(): key for key in keys}


def _windows_id(name: str) -> str | None:
    return _WINDOWS_BY_LOWER.get(name.lower())


def _iana_key(name: str) -> str | None:
    return _iana_by_lower().get(name.lower())


def to_iana(name: str) -> str:
    """The IANA key for a supported zone name (a Windows id gives its territory-001 zone)."""
    if not isinstance(name, str) or not name:
        raise TimeZoneNotSupported(str(name))
    windows = _windows_id(name)
    if windows is not None:
        return WINDOWS_TO_IANA[windows]
    iana = _iana_key(name)
    if iana is None:
        raise TimeZoneNotSupported(name)
    return iana


@lru_cache(maxsize=1024)
def _zone_for(name: str) -> ZoneInfo:
    return ZoneInfo(to_iana(name))


def resolve(name: str) -> ZoneInfo:
    """The zone for a Windows id, IANA name or `UTC`; anything else is TimeZoneNotSupported."""
    if not isinstance(name, str) or not name:
        raise TimeZoneNotSupported(str(name))
    return _zone_for(name)


def is_supported(name: str) -> bool:
    try:
        resolve(name)
    except TimeZoneNotSupported:
        return False
    return True


def _tzif_bytes(key: str) -> bytes | None:
    """The compiled zone data zoneinfo itself would load for `key` (TZPATH first, then tzdata)."""
    for directory in zoneinfo.TZPATH:
        candidate = Path(directory, key)
        if candidate.is_file():
            return candidate.read_bytes()
    try:
        return importlib.resources.files("tzdata.zoneinfo").joinpath(key).read_bytes()
    except (ImportError, OSError):
        return None


@lru_cache(maxsize=1)
def _windows_by_zone_data() -> dict[bytes, str]:
    """Zones with a Windows id keyed by their data, so that links CLDR does not list find the id.

    Territory-001 zones go first, so data several ids share goes to the id whose zone it is.
    """
    pairs = [(iana, windows) for windows, iana in WINDOWS_TO_IANA.items()] + list(IANA_TO_WINDOWS.items())
    table: dict[bytes, str] = {}
    for iana, windows in pairs:
        data = _tzif_bytes(iana)
        if data is not None:
            table.setdefault(data, windows)
    return table


def canonical_windows(name: str) -> str | None:
    """The Windows id, correctly spelt, for a Windows id or an IANA name; None when there is none.

    An IANA name maps when CLDR files it under a Windows id for any territory (Europe/Madrid is
    Romance Standard Time), or when it is a tz link to such a zone (Asia/Kolkata, US/Pacific,
    Europe/Uzhgorod). Zones CLDR has no Windows id for (Antarctica/Troll, and PST8PDT while the tz
    data keeps it a zone of its own) give None.
    """
    if not isinstance(name, str) or not name:
        return None
    windows = _windows_id(name)
    if windows is not None:
        return windows
    iana = _iana_key(name)
    if iana is None:
        return None
    direct = IANA_TO_WINDOWS.get(iana)
    if direct is not None:
        return direct
    data = _tzif_bytes(iana)
    return _windows_by_zone_data().get(data) if data is not None else None


def _as_utc(instant: datetime) -> datetime:
    """Aware UTC; a naive instant is taken to be UTC already."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=timezone.utc)
    return instant.astimezone(timezone.utc)


def to_utc(when: When) -> datetime:
    """The instant a wall-clock time names (aware, UTC). See the module note on DST edges."""
    local = when.local.replace(tzinfo=resolve(when.zone), fold=0)
    return local.astimezone(timezone.utc)


def from_utc(instant: datetime, zone_name: str) -> When:
    """The wall-clock time of `instant` in `zone_name`, labelled with the name exactly as given."""
    local = _as_utc(instant).astimezone(resolve(zone_name))
    return When(local.replace(tzinfo=None, fold=0), zone_name)


def convert(when: When, zone_name: str) -> When:
    return from_utc(to_utc(when), zone_name)
