"""The scheduling assistant on hand-made calendars: candidates, the organizer and attendee stages,
working hours in each person's own zone (across a DST week), confidence, rooms, Graph's order, the empty
reasons, and a property: a suggestion never overlaps a busy item of a required attendee."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from calgraph.core.availability import suggestions, zones
from calgraph.core.availability.freebusy import BusyItem
from calgraph.core.availability.settings import CustomZone, Transition, WorkingHours
from calgraph.core.availability.suggestions import LocationWish, Participant, Request, Room

NOW = datetime(2030, 3, 1, tzinfo=timezone.utc)
MON = datetime(2030, 3, 4, tzinfo=timezone.utc)   # a Monday
UTC_HOURS = WorkingHours()


def at(h: float, day: int = 0) -> datetime:
    return MON + timedelta(days=day, hours=h)


def busy(status: str, start: float, end: float, day: int = 0) -> BusyItem:
    return BusyItem(at(start, day), at(end, day), status, "", "", False, f"{status}{start}", 0)


def person(address: str, *items: BusyItem, hours: WorkingHours | None = UTC_HOURS, **kw) -> Participant:
    return Participant(address, items=tuple(items), hours=hours, **kw)


ALEX = person("alex@x.com", busy("busy", 9, 10))
ADELE = person("adele@x.com", busy("busy", 9, 9.25), busy("free", 9.5, 10), busy("tentative", 10, 11),
               busy("busy", 10.5, 11.5), busy("free", 11.5, 12.5))


def starts(found) -> list[str]:
    return [s.start.strftime("%H:%M") for s in found]


def test_worked_example_f1():
    request = Request(slots=((at(9), at(14)),), duration=timedelta(hours=1), max_candidates=3)
    found, reason = suggestions.suggest(request, ALEX, [ADELE], [], NOW)
    assert reason == "" and starts(found) == ["11:30", "12:00", "12:30"]
    assert {s.confidence for s in found} == {100.0}
    assert found[0].organizer_status == "free" and found[0].attendee_statuses == ("free",)
    assert found[0].reason == suggestions.ALL_AVAILABLE


def test_unknown_attendee_and_thresholds_f2_f3():
    nobody = Participant("nobody@x.com", known=False)
    request = Request(slots=((at(11.5), at(12.5)),), duration=timedelta(hours=1))
    found, _ = suggestions.suggest(request, ALEX, [ADELE, nobody], [], NOW)
    assert [s.confidence for s in found] == [74.5] and found[0].attendee_statuses == ("free", "unknown")
    assert found[0].reason == suggestions.MOST_AVAILABLE
    strict = Request(slots=((at(11.5), at(12.5)),), duration=timedelta(hours=1), minimum_percentage=80)
    assert suggestions.suggest(strict, ALEX, [ADELE, nobody], [], NOW) == ([], "AttendeesUnavailableOrUnknown")
    f3 = Request(slots=((at(10), at(11.5)),), duration=timedelta(hours=1), minimum_percentage=100)
    assert suggestions.suggest(f3, ALEX, [ADELE], [], NOW) == ([], "AttendeesUnavailable")


def test_ranking_by_confidence_then_start():
    megan = person("megan@x.com", busy("oof", 0, 24))
    ben = person("ben@x.com", busy("tentative", 13, 14))
    request = Request(slots=((at(12), at(15)),), duration=timedelta(hours=1), max_candidates=10,
                      minimum_percentage=0)
    found, _ = suggestions.suggest(request, ALEX, [megan, ben], [], NOW)
    assert [(s.start.strftime("%H:%M"), s.confidence) for s in found] == [
        ("12:00", 50.0), ("14:00", 50.0), ("12:30", 25.0), ("13:00", 25.0), ("13:30", 25.0)]
    assert [s.attendee_statuses for s in found][0] == ("oof", "free")


def test_activity_domains_f4():
    saturday = Request(slots=((at(10, 5), at(12, 5)),), duration=timedelta(hours=1))
    assert suggestions.suggest(saturday, ALEX, [ADELE], [], NOW) == ([], "OrganizerUnavailable")
    for domain in ("unrestricted", "personal"):
        found, _ = suggestions.suggest(Request(slots=saturday.slots, duration=timedelta(hours=1), activity=domain),
                                       ALEX, [ADELE], [], NOW)
        assert starts(found) == ["10:00", "10:30", "11:00"]
    optional = Request(slots=saturday.slots, duration=timedelta(hours=1), organizer_optional=True, activity="personal")
    assert starts(suggestions.suggest(optional, ALEX, [ADELE], [], NOW)[0]) == ["10:00", "10:30", "11:00"]


def test_each_attendee_in_their_own_zone_across_a_dst_week():
    """Tokyo works 09-18 JST (00-09 UTC), Los Angeles 08-17 local (16-01 UTC in PST, 15-00 UTC in PDT from
    2030-03-10): only 00:00-01:00 UTC on Tokyo's Tue-Fri fits both, and only before the change."""
    tokyo = person("tokyo@x.com", hours=WorkingHours(zone="Tokyo Standard Time", start=time(9), end=time(18)))
    la = person("la@x.com", hours=WorkingHours(zone="America/Los_Angeles"))
    request = Request(slots=((at(0), at(0, 14)),), duration=timedelta(hours=1), max_candidates=100,
                      organizer_optional=True)
    found, reason = suggestions.suggest(request, ALEX, [tokyo, la], [], NOW)
    assert reason == ""
    assert [s.start.isoformat() for s in found] == [f"2030-03-0{d}T00:00:00+00:00" for d in (5, 6, 7, 8)]


def test_resources_and_rooms():
    hood = Room("hood@x.com", "Conf Room Hood", (busy("busy", 12, 13),))
    adams = Room("adams@x.com", "Conf Room Adams")
    request = Request(slots=((at(12), at(13)),), duration=timedelta(hours=1),
                      locations=(LocationWish({"displayName": "Conf Room Hood"}, "hood@x.com"),))
    found, _ = suggestions.suggest(request, ALEX, [ADELE], [hood, adams], NOW)
    assert found[0].locations == ({"displayName": "Conf Room Adams", "locationEmailAddress": "adams@x.com"},)
    required = Request(slots=request.slots, duration=request.duration, location_required=True,
                       locations=(LocationWish({"displayName": "Conf Room Hood"}, "hood@x.com"),))
    assert suggestions.suggest(required, ALEX, [ADELE], [hood], NOW) == ([], "LocationsUnavailable")
    echoed = Request(slots=request.slots, duration=request.duration,
                     locations=(LocationWish({"displayName": "Conf Room Hood"}, "hood@x.com", resolve=False),))
    assert suggestions.suggest(echoed, ALEX, [ADELE], [hood], NOW)[0][0].locations == ({"displayName": "Conf Room Hood"},)
    suggested = Request(slots=request.slots, duration=request.duration, suggest_location=True)
    assert [l["displayName"] for l in suggestions.suggest(suggested, ALEX, [ADELE], [hood, adams], NOW)[0][0].locations] == [
        "Conf Room Adams"]
    resource = person("hood@x.com", busy("busy", 12, 13), hours=None, type="resource", is_resource=True)
    assert suggestions.suggest(Request(slots=request.slots, duration=request.duration), ALEX, [ADELE, resource],
                               [], NOW) == ([], "AttendeesUnavailable")


def test_no_candidate_and_defaults():
    assert suggestions.suggest(Request(slots=((at(9), at(9.5)),), duration=timedelta(hours=1)), ALEX, [], [], NOW) == (
        [], "Unknown")
    past = Request(slots=((NOW - timedelta(days=2), NOW - timedelta(days=1)),))
    assert suggestions.suggest(past, ALEX, [], [], NOW) == ([], "Unknown")
    now = datetime(2030, 3, 4, 8, 10, tzinfo=timezone.utc)
    found, _ = suggestions.suggest(Request(max_candidates=2), person("me@x.com"), [], [], now)
    assert starts(found) == ["08:30", "09:00"] and found[0].confidence == 100.0


def test_custom_zone_working_hours_follow_its_transitions():
    """A custom zone with US Pacific's rules agrees with the named zone on both sides of the change."""
    pacific = CustomZone("Custom Pacific", 480, Transition(time(2), 1, "sunday", 11), Transition(time(2), 2, "sunday", 3),
                         daylight_bias=-60)
    custom, named = WorkingHours(zone="Custom Pacific", custom=pacific), WorkingHours(zone="Pacific Standard Time")
    for day in (8, 11):
        for hour in range(24):
            start = datetime(2030, 3, day, hour, tzinfo=timezone.utc)
            assert zones.within(custom, start, start + timedelta(hours=1)) == zones.within(
                named, start, start + timedelta(hours=1)), start
    assert zones.within(custom, datetime(2030, 3, 11, 15, tzinfo=timezone.utc), datetime(2030, 3, 11, 16, tzinfo=timezone.utc))
    assert not zones.within(custom, datetime(2030, 3, 8, 15, tzinfo=timezone.utc), datetime(2030, 3, 8, 16, tzinfo=timezone.utc))
    southern = CustomZone("Custom Sydney", -600, Transition(time(3), 1, "sunday", 4), Transition(time(2), 1, "sunday", 10),
                          daylight_bias=-60)
    assert zones.to_local(WorkingHours(custom=southern), datetime(2030, 1, 15, tzinfo=timezone.utc)).hour == 11
    assert zones.to_local(WorkingHours(custom=southern), datetime(2030, 7, 15, tzinfo=timezone.utc)).hour == 10


_STATUS = st.sampled_from(["free", "tentative", "busy", "oof", "workingElsewhere"])
_ITEM = st.builds(lambda status, start, length: busy(status, start / 4, start / 4 + length / 4),
                  _STATUS, st.integers(0, 4 * 24 * 5), st.integers(1, 16))


@settings(max_examples=150, deadline=None)
@given(calendars=st.lists(st.lists(_ITEM, max_size=12), min_size=1, max_size=4),
       minutes=st.sampled_from([30, 45, 60, 90]), threshold=st.sampled_from([0, 50, 100]))
def test_a_suggestion_never_overlaps_busy_items_of_attendees_it_counts_free(calendars, minutes, threshold):
    people = [person(f"p{n}@x.com", *items) for n, items in enumerate(calendars)]
    request = Request(slots=((at(0), at(0, 5)),), duration=timedelta(minutes=minutes), max_candidates=1000,
                      minimum_percentage=threshold, activity="unrestricted")
    found, _ = suggestions.suggest(request, person("org@x.com"), people, [], NOW)
    for s in found:
        for p, status in zip(people, s.attendee_statuses):
            overlapping = [i for i in p.items if i.start < s.end and i.end > s.start and i.status != "free"]
            if status in ("free", "workingElsewhere"):
                assert all(i.status == "workingElsewhere" for i in overlapping)
            if s.confidence == 100:
                assert all(i.status in ("free", "workingElsewhere") for i in overlapping)
        assert s.start.minute in (0, 30) and s.end - s.start == timedelta(minutes=minutes)
    assert [(-s.confidence, s.start) for s in found] == sorted((-s.confidence, s.start) for s in found)


@settings(max_examples=100, deadline=None)
@given(calendars=st.lists(st.lists(_ITEM, max_size=15), min_size=1, max_size=5),
       minutes=st.sampled_from([30, 60, 120]), domain=st.sampled_from(["work", "personal", "unrestricted"]))
def test_with_everyone_required_a_suggestion_never_overlaps_a_busy_item(calendars, minutes, domain):
    people = [person(f"p{n}@x.com", *items) for n, items in enumerate(calendars)]
    request = Request(slots=((at(0), at(0, 5)),), duration=timedelta(minutes=minutes), max_candidates=1000,
                      minimum_percentage=100, activity=domain)
    found, reason = suggestions.suggest(request, person("org@x.com"), people, [], NOW)
    assert bool(found) == (reason == "")
    for s in found:
        for p in people:
            assert not [i for i in p.items if i.start < s.end and i.end > s.start
                        and i.status in ("busy", "oof", "tentative")], (s, p)
