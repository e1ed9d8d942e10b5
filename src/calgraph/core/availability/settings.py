"""A mailbox's settings (Graph's mailboxSettings): the values, a new mailbox's defaults and the rules a
change must pass. Working hours may be in a named zone or a Windows-style custom zone (see zones)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, timezone
from typing import Any

from calgraph.core import timezones
from calgraph.core.availability import errors
from calgraph.core.model import Mailbox, When

DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
WEEKDAYS = DAYS[1:6]
REPLY_STATUSES = ("disabled", "alwaysEnabled", "scheduled")
AUDIENCES = ("none", "contactsOnly", "all")
DELEGATE_OPTIONS = ("sendToDelegateAndInformationToPrincipal", "sendToDelegateAndPrincipal", "sendToDelegateOnly")
FREE_BUSY_LEVELS = ("none", "availabilityOnly", "limitedDetails")

# supportedLanguages: locale -> display name (the locales a mailbox may be set to).
LANGUAGES: dict[str, str] = {
    "ar-SA": "Arabic (Saudi Arabia)", "cs-CZ": "Czech (Czechia)", "da-DK": "Danish (Denmark)",
    "de-AT": "German (Austria)", "de-CH": "German (Switzerland)", "de-DE": "German (Germany)",
    "el-GR": "Greek (Greece)", "en-AU": "English (Australia)", "en-CA": "English (Canada)",
    "en-GB": "English (United Kingdom)", "en-IE": "English (Ireland)", "en-IN": "English (India)",
    "en-NZ": "English (New Zealand)", "en-US": "English (United States)", "es-ES": "Spanish (Spain)",
    "es-MX": "Spanish (Mexico)", "fi-FI": "Finnish (Finland)", "fr-BE": "French (Belgium)",
    "fr-CA": "French (Canada)", "fr-CH": "French (Switzerland)", "fr-FR": "French (France)",
    "he-IL": "Hebrew (Israel)", "hi-IN": "Hindi (India)", "hu-HU": "Hungarian (Hungary)",
    "it-IT": "Italian (Italy)", "ja-JP": "Japanese (Japan)", "ko-KR": "Korean (Korea)",
    "nb-NO": "Norwegian Bokmål (Norway)", "nl-BE": "Dutch (Belgium)", "nl-NL": "Dutch (Netherlands)",
    "pl-PL": "Polish (Poland)", "pt-BR": "Portuguese (Brazil)", "pt-PT": "Portuguese (Portugal)",
    "ro-RO": "Romanian (Romania)", "ru-RU": "Russian (Russia)", "sv-SE": "Swedish (Sweden)",
    "th-TH": "Thai (Thailand)", "tr-TR": "Turkish (Türkiye)", "uk-UA": "Ukrainian (Ukraine)",
    "zh-CN": "Chinese (Simplified, China)", "zh-TW": "Chinese (Traditional, Taiwan)",
}
_LANGUAGE_BY_LOWER = {locale.lower(): locale for locale in LANGUAGES}


@dataclass(frozen=True)
class Transition:
    """When a custom zone enters standard or daylight time: the `occurrence`-th (5 = last) `weekday` of
    `month` at local `at`; month 0 = never."""

    at: time = time(0)
    occurrence: int = 0
    weekday: str = "sunday"
    month: int = 0
    year: int = 0


@dataclass(frozen=True)
class CustomZone:
    """A Windows TIME_ZONE_INFORMATION: UTC = local + bias (+ daylight_bias during daylight time), minutes."""

    name: str
    bias: int = 0
    standard: Transition = Transition()
    daylight: Transition = Transition()
    standard_bias: int = 0
    daylight_bias: int = 0


@dataclass(frozen=True)
class WorkingHours:
    days: tuple[str, ...] = WEEKDAYS
    start: time = time(8)
    end: time = time(17)
    zone: str = "UTC"                     # a named zone (as written), unless `custom`
    custom: CustomZone | None = None


@dataclass(frozen=True)
class AutomaticReplies:
    status: str = "disabled"
    external_audience: str = "all"
    internal_reply: str = ""
    external_reply: str = ""
    scheduled_start: When | None = None
    scheduled_end: When | None = None


@dataclass(frozen=True)
class MailboxSettings:
    time_zone: str = "UTC"
    working_hours: WorkingHours = WorkingHours()
    automatic_replies: AutomaticReplies = AutomaticReplies()
    date_format: str = "M/d/yyyy"
    time_format: str = "h:mm tt"
    locale: str = "en-US"
    delegate_delivery: str = DELEGATE_OPTIONS[0]
    # How much of this mailbox's calendar others see in getSchedule (Outlook's default sharing level).
    free_busy_level: str = "availabilityOnly"


def user_purpose(mailbox: Mailbox) -> str:
    return {"room": "room", "equipment": "equipment"}.get(mailbox.kind, "user")


def defaults(mailbox: Mailbox) -> MailboxSettings:
    """A mailbox that never changed its settings: UTC, Mon-Fri 08:00-17:00, en-US, replies off (scheduled
    range from its creation, one day long); rooms show limited details of their bookings."""
    start = mailbox.created.astimezone(timezone.utc).replace(microsecond=0, tzinfo=None)
    replies = AutomaticReplies(scheduled_start=When(start, "UTC"), scheduled_end=When(start + timedelta(days=1), "UTC"))
    level = "limitedDetails" if mailbox.kind in ("room", "equipment") else "availabilityOnly"
    return MailboxSettings(automatic_replies=replies, free_busy_level=level)


def enum_member(members: tuple[str, ...], value: Any, error: Exception | None = None) -> str:
    """`value` matched case-insensitively against `members`, returned in its canonical spelling."""
    for member in members:
        if isinstance(value, str) and member.lower() == value.lower():
            return member
    raise error or errors.InvalidArguments(str(value))


def locale_of(value: str) -> str:
    found = _LANGUAGE_BY_LOWER.get(str(value).lower())
    if found is None:
        raise errors.InvalidParameterValue("Language.Locale")
    return found


def check_zone(name: str) -> str:
    if not timezones.is_supported(name):
        raise errors.InvalidTimeZoneSettings()
    return name


def check_custom_zone(zone: CustomZone) -> CustomZone:
    for transition in (zone.standard, zone.daylight):
        if not 0 <= transition.month <= 12 or not 0 <= transition.occurrence <= 5:
            raise errors.InvalidTimeZoneSettings()
    if (zone.standard.month == 0) != (zone.daylight.month == 0) or not -1440 < zone.bias < 1440:
        raise errors.InvalidTimeZoneSettings()
    return zone


def apply(current: MailboxSettings, changes: dict[str, Any]) -> MailboxSettings:
    """`changes`: field name -> value, with `working_hours` and `automatic_replies` given as dicts of the
    members sent (merged member-wise into the current values). Raises the Graph error of a bad value."""
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "working_hours":
            hours = replace(current.working_hours, **value)
            if "zone" in value and "custom" not in value:
                hours = replace(hours, custom=None)
            if hours.custom is not None:
                check_custom_zone(hours.custom)
            else:
                check_zone(hours.zone)
            if hours.start >= hours.end:
                raise errors.InvalidTimeSettings()
            values[name] = hours
        elif name == "automatic_replies":
            replies = replace(current.automatic_replies, **value)
            if replies.status == "scheduled":
                start, end = replies.scheduled_start, replies.scheduled_end
                if start is None or end is None or timezones.to_utc(end) <= timezones.to_utc(start):
                    raise errors.InvalidScheduledOofDuration()
            values[name] = replies
        elif name == "time_zone":
            values[name] = check_zone(value)
        elif name == "locale":
            values[name] = locale_of(value)
        else:
            values[name] = value
    return replace(current, **values)

