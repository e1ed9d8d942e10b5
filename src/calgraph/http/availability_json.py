"""Graph JSON of the availability APIs, both ways: case-insensitive body members, numbers and booleans
sent as strings, Edm.TimeOfDay, workingHours with named or custom zones, freeBusy items."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from calgraph.core import datetimes
from calgraph.core.availability.errors import InvalidArguments, InvalidTimeZoneSettings
from calgraph.core.availability.settings import DAYS, CustomZone, Transition, WorkingHours, enum_member
from calgraph.core.errors import RequestBodyRead
from calgraph.core.model import When

_TIME_OF_DAY = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$")
CUSTOM_ZONE_TYPE = "#microsoft.graph.customTimeZone"


class Body:
    """A JSON object whose member names match case-insensitively (`@odata.*` annotations aside)."""

    def __init__(self, data: Any, where: str = "") -> None:
        if not isinstance(data, dict):
            raise RequestBodyRead(f"Cannot convert the literal '{data}' to the expected type '{where or 'object'}'.")
        self.data = data
        self.by_lower = {str(k).lower(): k for k in data}

    def has(self, name: str) -> bool:
        return name.lower() in self.by_lower

    def get(self, name: str, default: Any = None) -> Any:
        key = self.by_lower.get(name.lower())
        return default if key is None else self.data[key]

    def sent(self) -> list[str]:
        return [str(k) for k in self.data if not str(k).startswith("@")]


def literal_error(value: Any, type_name: str) -> RequestBodyRead:
    return RequestBodyRead(f"Cannot convert the literal '{value}' to the expected type '{type_name}'.")


def as_int(value: Any, type_name: str = "Edm.Int32") -> int:
    if isinstance(value, bool):
        raise literal_error(value, type_name)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,10}\s*", value):
        return int(value)
    raise literal_error(value, type_name)


def as_float(value: Any, type_name: str = "Edm.Double") -> float:
    if isinstance(value, bool):
        raise literal_error(value, type_name)
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        raise literal_error(value, type_name) from None


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise literal_error(value, "Edm.Boolean")


def as_str(value: Any, type_name: str = "Edm.String") -> str:
    if not isinstance(value, str):
        raise literal_error(value, type_name)
    return value


def time_of_day(value: Any) -> time:
    match = _TIME_OF_DAY.match(value) if isinstance(value, str) else None
    if match is None:
        raise literal_error(value, "Edm.TimeOfDay")
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    fraction = (match.group(4) or "").ljust(6, "0")[:6]
    if hour > 23 or minute > 59 or second > 59:
        raise literal_error(value, "Edm.TimeOfDay")
    return time(hour, minute, second, int(fraction))


def format_time_of_day(value: time) -> str:
    return value.strftime("%H:%M:%S") + f".{value.microsecond:06d}0"


def date_time_time_zone(value: Any, name: str) -> When:
    body = Body(value, "microsoft.graph.dateTimeTimeZone")
    date_time = body.get("dateTime")
    if not isinstance(date_time, str):
        raise literal_error(date_time, "Edm.String")
    zone = body.get("timeZone")
    return datetimes.parse_when(date_time, zone if isinstance(zone, str) and zone else None)


# -- workingHours ---------------------------------------------------------------------------------

def days_of_week(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise literal_error(value, "Collection(microsoft.graph.dayOfWeek)")
    days = []
    for day in value:
        member = enum_member(DAYS, day, InvalidArguments(str(day)))
        if member not in days:
            days.append(member)
    return tuple(d for d in DAYS if d in days)


def _transition(value: Any) -> tuple[Transition, int]:
    body = Body(value or {}, "microsoft.graph.standardTimeZoneOffset")
    weekday = body.get("dayOfWeek", "sunday")
    at = body.get("time")
    transition = Transition(
        at=time_of_day(at) if at is not None else time(0),
        occurrence=as_int(body.get("dayOccurrence", 0)), weekday=enum_member(DAYS, weekday, InvalidTimeZoneSettings()),
        month=as_int(body.get("month", 0)), year=as_int(body.get("year", 0)))
    bias = body.get("daylightBias")
    return transition, as_int(bias if bias is not None else 0)


def working_hours_zone(value: Any) -> dict[str, Any]:
    """workingHours.timeZone -> the WorkingHours fields it sets."""
    body = Body(value, "microsoft.graph.timeZoneBase")
    name = body.get("name")
    kind = str(body.get("@odata.type") or "").lower()
    if kind.endswith("customtimezone") or body.has("bias"):
        standard, _ = _transition(body.get("standardOffset"))
        daylight, daylight_bias = _transition(body.get("daylightOffset"))
        custom = CustomZone(name=as_str(name or "Customized Time Zone"), bias=as_int(body.get("bias", 0) or 0),
                            standard=standard, daylight=daylight, daylight_bias=daylight_bias)
        return {"custom": custom, "zone": custom.name}
    if not isinstance(name, str) or not name:
        raise InvalidTimeZoneSettings()
    return {"zone": name, "custom": None}


def working_hours_changes(value: Any) -> dict[str, Any]:
    body = Body(value, "microsoft.graph.workingHours")
    changes: dict[str, Any] = {}
    if body.has("daysOfWeek"):
        changes["days"] = days_of_week(body.get("daysOfWeek"))
    if body.has("startTime"):
        changes["start"] = time_of_day(body.get("startTime"))
    if body.has("endTime"):
        changes["end"] = time_of_day(body.get("endTime"))
    if body.has("timeZone"):
        changes.update(working_hours_zone(body.get("timeZone")))
    return changes


def _transition_json(transition: Transition) -> dict[str, Any]:
    return {"time": format_time_of_day(transition.at), "dayOccurrence": transition.occurrence,
            "dayOfWeek": transition.weekday, "month": transition.month, "year": transition.year}


def working_hours_json(hours: WorkingHours) -> dict[str, Any]:
    custom = hours.custom
    if custom is not None:
        zone: dict[str, Any] = {
            "@odata.type": CUSTOM_ZONE_TYPE, "name": custom.name, "bias": custom.bias,
            "standardOffset": _transition_json(custom.standard),
            "daylightOffset": {**_transition_json(custom.daylight), "daylightBias": custom.daylight_bias}}
    else:
        zone = {"name": hours.zone}
    return {"daysOfWeek": list(hours.days), "startTime": format_time_of_day(hours.start),
            "endTime": format_time_of_day(hours.end), "timeZone": zone}
