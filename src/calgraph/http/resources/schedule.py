"""POST …/calendar/getSchedule (any calendar of /me or /users/{x}) and POST …/findMeetingTimes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from calgraph.core import timezones
from calgraph.core.availability import freebusy
from calgraph.core.availability.errors import InvalidParameterValue, MailboxDataArrayTooBig, ParameterRequired
from calgraph.core.availability.freebusy import BusyItem
from calgraph.core.availability.suggestions import LocationWish, Request, Suggestion
from calgraph.http import render
from calgraph.http.availability_json import (
    Body,
    as_bool,
    as_float,
    as_int,
    date_time_time_zone,
    literal_error,
    working_hours_json,
)
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply
from calgraph.services import availability, meeting_times

_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.I)
# the Python SDK writes a timedelta as str() does: "1:00:00", "1 day, 2:30:00"
_CLOCK_DURATION = re.compile(r"^(?:(\d+) days?, )?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$")
_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$", re.I)
ATTENDEE_TYPES = ("required", "optional", "resource")
MAX_ATTENDEES = 100


def _owner(ctx: RequestContext) -> tuple[str, str | None]:
    assert ctx.address.owner is not None
    return ctx.address.owner.kind, ctx.address.owner.key


def _instant(value: Any, name: str) -> datetime:
    """A dateTimeTimeZone as an instant; a dateTime carrying Z or an offset is that instant."""
    when = date_time_time_zone(value, name)
    date_time = Body(value).get("dateTime")
    if _OFFSET.search(date_time):
        when = date_time_time_zone({"dateTime": date_time}, name)
    return timezones.to_utc(when)


def _view(ctx: RequestContext) -> render.View:
    return render.View(ctx.address.version, ctx.prefs.timezone)


# -- getSchedule ------------------------------------------------------------------------------------

def get_schedule(ctx: RequestContext) -> Reply:
    body = Body(ctx.json())
    schedules = body.get("schedules") or []
    if not isinstance(schedules, list) or not all(isinstance(s, str) for s in schedules):
        raise literal_error(schedules, "Collection(Edm.String)")
    raw_interval = body.get("availabilityViewInterval")
    interval = freebusy.DEFAULT_INTERVAL if raw_interval is None else as_int(raw_interval)
    freebusy.check_schedules(len(schedules))
    if body.get("startTime") is None:
        raise ParameterRequired("StartTime")
    if body.get("endTime") is None:
        raise ParameterRequired("EndTime")
    start, end = _instant(body.get("startTime"), "StartTime"), _instant(body.get("endTime"), "EndTime")
    freebusy.check_window(start, end, interval)
    results = availability.get_schedule(ctx.runtime, ctx.principal, *_owner(ctx), schedules, start, end, interval)
    view = _view(ctx)
    context = f"{ctx.service_root}/$metadata#Collection(microsoft.graph.scheduleInformation)"
    return Reply(200, {"@odata.context": context, "value": [_schedule_json(r, view) for r in results]})


def _schedule_json(schedule: availability.Schedule, view: render.View) -> dict[str, Any]:
    if schedule.error_code is not None:
        return {"scheduleId": schedule.schedule_id,
                "error": {"message": schedule.error_message, "responseCode": schedule.error_code}}
    assert schedule.hours is not None
    return {"scheduleId": schedule.schedule_id, "availabilityView": schedule.view,
            "scheduleItems": [_item_json(i, schedule.level, view) for i in schedule.items],
            "workingHours": working_hours_json(schedule.hours)}


def _item_json(item: BusyItem, level: str, view: render.View) -> dict[str, Any]:
    out: dict[str, Any] = {}
    detailed = level == "full" or (level == "limitedDetails" and not item.is_private)
    if level in ("full", "limitedDetails"):
        out["isPrivate"] = item.is_private
    out["status"] = item.status
    if detailed:
        out.update(subject=item.subject, location=item.location)
    out.update(start=render.instant_time_zone(item.start, view), end=render.instant_time_zone(item.end, view))
    return out


# -- findMeetingTimes -------------------------------------------------------------------------------

def _duration(value: Any) -> timedelta:
    clock = _CLOCK_DURATION.match(value) if isinstance(value, str) else None
    if clock is not None:
        days, hours, minutes, seconds = (int(g or 0) for g in clock.groups()[:4])
        return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds,
                         microseconds=int((clock.group(5) or "").ljust(6, "0")))
    match = _DURATION.match(value) if isinstance(value, str) and value.upper() not in ("P", "PT") else None
    if match is None:
        raise literal_error(value, "Edm.Duration")
    weeks, days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)


def _attendees(value: Any) -> list[tuple[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise literal_error(value, "Collection(microsoft.graph.attendeeBase)")
    if len(value) > MAX_ATTENDEES:
        raise MailboxDataArrayTooBig(MAX_ATTENDEES, len(value))
    out = []
    for entry in value:
        attendee = Body(entry, "microsoft.graph.attendeeBase")
        type_ = attendee.get("type") or "required"
        member = next((t for t in ATTENDEE_TYPES if isinstance(type_, str) and t == type_.lower()), None)
        if member is None:
            raise InvalidParameterValue("Type")
        address = Body(attendee.get("emailAddress") or {}, "microsoft.graph.emailAddress").get("address")
        if not isinstance(address, str) or not address.strip():
            raise InvalidParameterValue("EmailAddress")
        out.append((member, address.strip()))
    return out


def _time_constraint(value: Any) -> tuple[str, tuple[tuple[datetime, datetime], ...]]:
    if value is None:
        return "work", ()
    body = Body(value, "microsoft.graph.timeConstraint")
    domain = body.get("activityDomain") or "work"
    known = ("unknown", "work", "personal", "unrestricted")
    activity = next((d for d in known if isinstance(domain, str) and d == domain.lower()), None)
    if activity is None:
        raise literal_error(domain, "microsoft.graph.activityDomain")
    raw_slots = body.get("timeSlots") or []
    if not isinstance(raw_slots, list):
        raise literal_error(raw_slots, "Collection(microsoft.graph.timeSlot)")
    slots = []
    for raw in raw_slots:
        slot = Body(raw, "microsoft.graph.timeSlot")
        if slot.get("start") is None or slot.get("end") is None:
            raise InvalidParameterValue("TimeSlots")
        slots.append((_instant(slot.get("start"), "Start"), _instant(slot.get("end"), "End")))
    if slots:
        freebusy.check_window_days(min(s for s, _ in slots), max(e for _, e in slots))
    return ("work" if activity == "unknown" else activity), tuple(slots)


def _location_constraint(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    body = Body(value, "microsoft.graph.locationConstraint")
    wishes = []
    for raw in body.get("locations") or []:
        item = Body(raw, "microsoft.graph.locationConstraintItem")
        location = {"displayName": item.get("displayName") or ""}
        address = item.get("locationEmailAddress")
        if isinstance(address, str) and address:
            location["locationEmailAddress"] = address
        resolve = item.get("resolveAvailability")
        wishes.append(LocationWish(location, address if isinstance(address, str) and address else None,
                                   True if resolve is None else as_bool(resolve)))
    return {"location_required": as_bool(body.get("isRequired") or False),
            "suggest_location": as_bool(body.get("suggestLocation") or False), "locations": tuple(wishes)}


def find_meeting_times(ctx: RequestContext) -> Reply:
    body = Body(ctx.json() if ctx.raw_body.strip() else {})
    attendees = _attendees(body.get("attendees"))
    activity, slots = _time_constraint(body.get("timeConstraint"))
    values: dict[str, Any] = {"activity": activity, "slots": slots,
                              **_location_constraint(body.get("locationConstraint"))}
    if body.get("meetingDuration") is not None:
        values["duration"] = _duration(body.get("meetingDuration"))
        if values["duration"] <= timedelta(0):
            raise InvalidParameterValue("MeetingDuration")
    if body.get("maxCandidates") is not None:
        values["max_candidates"] = as_int(body.get("maxCandidates"))
        if values["max_candidates"] < 1:
            raise InvalidParameterValue("MaxCandidates")
    if body.get("minimumAttendeePercentage") is not None:
        values["minimum_percentage"] = as_float(body.get("minimumAttendeePercentage"))
        if not 0 <= values["minimum_percentage"] <= 100:
            raise InvalidParameterValue("MinimumAttendeePercentage")
    if body.get("isOrganizerOptional") is not None:
        values["organizer_optional"] = as_bool(body.get("isOrganizerOptional"))
    reasons = as_bool(body.get("returnSuggestionReasons")) if body.get("returnSuggestionReasons") is not None else False
    found, empty_reason = meeting_times.find_meeting_times(ctx.runtime, ctx.principal, *_owner(ctx), attendees,
                                                           Request(**values))
    view = _view(ctx)
    return Reply(200, {
        "@odata.context": f"{ctx.service_root}/$metadata#microsoft.graph.meetingTimeSuggestionsResult",
        "emptySuggestionsReason": empty_reason,
        "meetingTimeSuggestions": [_suggestion_json(s, n, attendees, reasons, view) for n, s in enumerate(found, 1)],
    })


def _suggestion_json(s: Suggestion, order: int, attendees: list[tuple[str, str]], reasons: bool,
                     view: render.View) -> dict[str, Any]:
    out: dict[str, Any] = {"confidence": float(s.confidence), "order": order,
                           "organizerAvailability": s.organizer_status}
    if reasons:
        out["suggestionReason"] = s.reason
    out["attendeeAvailability"] = [
        {"availability": status, "attendee": {"type": type_, "emailAddress": {"address": address}}}
        for (type_, address), status in zip(attendees, s.attendee_statuses)]
    out["locations"] = [dict(location) for location in s.locations]
    out["meetingTimeSlot"] = {"start": render.instant_time_zone(s.start, view),
                              "end": render.instant_time_zone(s.end, view)}
    return out


ROUTES = {
    ("getSchedule", "POST"): get_schedule,
    ("findMeetingTimes", "POST"): find_meeting_times,
}

