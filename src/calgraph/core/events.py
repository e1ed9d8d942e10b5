"""The rules for creating and changing an event's own properties (no HTTP, no SQL).

`changes` maps Event field names to domain values (When, ItemBody, tuples of Attendee, location
dicts ...), holding only what the client sent; `None` for location/recurrence clears them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from calgraph.core import body as bodies
from calgraph.core import datetimes, extended_properties, extensions, recurrence
from calgraph.core.errors import InvalidRequest
from calgraph.core.ids import Ids
from calgraph.core.model import Attendee, Calendar, EmailAddress, Event, ItemBody, Mailbox
from calgraph.core.scheduling import conversation

MAX_ATTENDEES = 500

# Fields a client may set at creation; PATCH may set all of them but transactionId and
# allowNewTimeProposals is accepted on both (Graph's docs list it only for create).
CREATABLE = {
    "subject", "body", "start", "end", "is_all_day", "location", "locations", "attendees",
    "response_requested", "allow_new_time_proposals", "show_as", "sensitivity", "importance",
    "hide_attendees", "reminder_minutes_before_start", "is_reminder_on", "categories",
    "recurrence", "is_online_meeting", "online_meeting_provider", "transaction_id",
    "extensions", "single_value_properties", "multi_value_properties",
}
UPDATABLE = CREATABLE - {"transaction_id", "extensions"}


def new_event(ids: Ids, now: datetime, owner: Mailbox, calendar: Calendar,
              changes: dict[str, Any], join_url_base: str) -> Event:
    if "start" not in changes or "end" not in changes or changes["start"] is None or changes["end"] is None:
        raise InvalidRequest("Your request can't be completed. The start and end of an event are required.")
    event = Event(
        id=ids.item(),
        mailbox_id=owner.id,
        calendar_id=calendar.id,
        ical_uid=ids.ical_uid(),
        change_key=ids.change_key(),
        created=now,
        last_modified=now,
        start=changes["start"],
        end=changes["end"],
        organizer=EmailAddress(owner.address, owner.display_name),
    )
    thread = conversation.header(now, conversation.thread_guid(event.ical_uid))   # its messages' conversationIndex
    event = event.evolve(thread_index=conversation.encode(thread))
    return _apply(event, {k: v for k, v in changes.items() if k in CREATABLE}, ids, join_url_base)


def apply_changes(event: Event, changes: dict[str, Any], ids: Ids, now: datetime,
                  join_url_base: str) -> Event:
    updated = _apply(event, {k: v for k, v in changes.items() if k in UPDATABLE}, ids, join_url_base)
    return updated.evolve(change_key=ids.change_key(), last_modified=now)


def item_extras(item: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Extended properties given (set over the item's own, by id) and open extensions given (added; a
    name already there is a 409), for an event or a message."""
    out: dict[str, Any] = {}
    for name in ("single_value_properties", "multi_value_properties"):
        if name in values:
            out[name] = extended_properties.merged(getattr(item, name), tuple(values[name] or ()))
    if "extensions" in values:
        out["extensions"] = extensions.add_all(item.extensions, tuple(values["extensions"] or ()))
    return out


def _apply(event: Event, changes: dict[str, Any], ids: Ids, join_url_base: str) -> Event:
    values = dict(changes)
    if "body" in values:
        values["body"] = _html_body(values["body"])
    if "location" in values or "locations" in values:
        values.update(_locations(values.get("location", ...), values.get("locations", ...)))
    if "attendees" in values:
        attendees = tuple(values["attendees"] or ())
        if len(attendees) > MAX_ATTENDEES:
            raise InvalidRequest(f"An event can have at most {MAX_ATTENDEES} attendees.")
        values["attendees"] = keep_answers(_dedupe(attendees), event.attendees)
    if "categories" in values:
        values["categories"] = tuple(values["categories"] or ())
    values.update(item_extras(event, values))
    for key in ("start", "end"):
        if values.get(key) is None:
            values.pop(key, None)
    event = event.evolve(**values)
    if "start" in values:
        event = event.evolve(original_start_time_zone=event.start.zone)
    if "end" in values:
        event = event.evolve(original_end_time_zone=event.end.zone)
    datetimes.validate_span(event.start, event.end, event.is_all_day)
    return _online_meeting(_series(event, values), ids, join_url_base)


def _series(event: Event, values: dict[str, Any]) -> Event:
    """Validate the recurrence when it, the start, the end or isAllDay changed; store its canonical form.

    A new start on a different date without a new recurrence moves `range.startDate` with it (Graph is
    silent; Outlook moves the series), and the range is checked again."""
    if "recurrence" in values and not values["recurrence"]:
        return event.evolve(recurrence=None, type="singleInstance")
    if event.recurrence is None or not {"recurrence", "start", "end", "is_all_day"} & values.keys():
        return event
    given = event.recurrence
    if "recurrence" not in values and isinstance(given.get("range"), dict):
        given = {**given, "range": {**given["range"], "startDate": event.start.local.date().isoformat()}}
    canonical = recurrence.validate(given, event.start, event.is_all_day)
    return event.evolve(recurrence=canonical, type="seriesMaster")


def _html_body(body: ItemBody | None) -> ItemBody:
    if body is None:
        return ItemBody()
    return ItemBody("html", bodies.to_html(body.content, body.content_type))


def _dedupe(attendees: tuple) -> tuple:
    seen: set[str] = set()
    kept = []
    for attendee in attendees:
        key = attendee.email.address.lower()
        if key not in seen:
            seen.add(key)
            kept.append(attendee)
    return tuple(kept)


def keep_answers(attendees: tuple[Attendee, ...], current: tuple[Attendee, ...]) -> tuple[Attendee, ...]:
    """A new attendee list keeps the answers (status, proposal) of those already on it: clients re-send
    the whole list, and a status is not theirs to set."""
    known = {a.email.address.lower(): a for a in current}
    kept = []
    for attendee in attendees:
        before = known.get(attendee.email.address.lower())
        if before is not None:
            attendee = replace(attendee, status=before.status, proposed_new_time=before.proposed_new_time)
        kept.append(attendee)
    return tuple(kept)


def enrich_location(location: dict[str, Any] | None) -> dict[str, Any]:
    """Graph fills locationType/uniqueId/uniqueIdType in; an empty location has no uniqueId."""
    location = dict(location or {})
    name = location.get("displayName") or ""
    location.setdefault("displayName", name)
    location.setdefault("locationType", "default")
    if name:
        location.setdefault("uniqueId", name)
        location.setdefault("uniqueIdType", "private")
    else:
        location.setdefault("uniqueIdType", "unknown")
    return location


def _locations(location: Any, locations: Any) -> dict[str, Any]:
    """`location` replaces `locations` with itself; `locations` also sets `location`
    (joining the names when there are several). `...` means "not sent"."""
    if locations not in (..., None) and len(locations) > 0:
        items = tuple(enrich_location(item) for item in locations)
        if location in (..., None):
            location = dict(items[0]) if len(items) == 1 else {
                "displayName": "; ".join(i["displayName"] for i in items if i["displayName"])}
        return {"location": enrich_location(location), "locations": items}
    given = None if location is ... else location
    enriched = enrich_location(given)
    return {"location": enriched, "locations": (enriched,) if enriched["displayName"] else ()}


def _online_meeting(event: Event, ids: Ids, join_url_base: str) -> Event:
    if not event.is_online_meeting or event.online_meeting is not None:
        return event
    provider = event.online_meeting_provider
    if provider == "unknown":
        provider = "teamsForBusiness"
    conference = ids.guid()
    return event.evolve(
        online_meeting_provider=provider,
        online_meeting={
            "joinUrl": f"{join_url_base}/meetup-join/{conference}",
            "conferenceId": conference.split("-")[0],
            "tollNumber": None,
            "tollFreeNumbers": [],
            "quickDial": None,
            "phones": [],
        },
    )
