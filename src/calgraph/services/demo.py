"""A small demo tenant: four users working in four time zones, a group, three rooms in a room list, calendars,
a week of meetings and a weekly series from next Monday."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from calgraph.core.model import Attendee, EmailAddress, ItemBody, When
from calgraph.core.permissions import Principal
from calgraph.core.availability import settings as mailbox_rules
from calgraph.services import directory, events, mailbox_settings, places
from calgraph.services.runtime import Runtime
from calgraph.store.interface import Store

MAIN_USER = "adele@contoso.com"
USERS = [
    (MAIN_USER, "Adele Vance"),
    ("alex@contoso.com", "Alex Wilber"),
    ("megan@contoso.com", "Megan Bowen"),
    ("lynne@contoso.com", "Lynne Robbins"),
]
GROUP = ("phoenix@contoso.com", "Project Phoenix")
ZONE = "Pacific Standard Time"
# each user's working hours (Mon-Fri 08:00-17:00) are in their own zone
WORK_ZONES = {MAIN_USER: ZONE, "alex@contoso.com": "Eastern Standard Time",
              "megan@contoso.com": "GMT Standard Time", "lynne@contoso.com": "India Standard Time"}
ROOM_LIST = "building1@contoso.com"
ROOMS = [("hood@contoso.com", "Conf Room Hood", 10), ("adams@contoso.com", "Conf Room Adams", 4),
         ("baker@contoso.com", "Conf Room Baker", 20)]


def seed_demo(store: Store, runtime: Runtime | None = None) -> str:
    """Creates the demo tenant unless it is already there; returns the main demo user's address."""
    rt = runtime or Runtime(store)
    with store.unit_of_work(write=True) as uow:
        if uow.get_mailbox(MAIN_USER) is not None:
            return MAIN_USER
        users = [directory.add_user(uow, rt.ids, rt.clock, address, name) for address, name in USERS]
        directory.add_group(uow, rt.ids, rt.clock, GROUP[0], GROUP[1], [u.address for u in users[:3]])
        for user in users:
            hours = {"zone": WORK_ZONES[user.address], "custom": None}
            uow.put_mailbox_settings(user.id, mailbox_rules.apply(mailbox_settings.settings_of(uow, user), {
                "time_zone": WORK_ZONES[user.address], "working_hours": hours}))
        for address, name, capacity in ROOMS:
            places.add_room(uow, rt.ids, rt.clock, address, name, capacity=capacity, building="1", floor=1,
                            list_address=ROOM_LIST)
    adele, alex, megan, _ = users
    monday = (rt.clock().date() - timedelta(days=rt.clock().weekday())) + timedelta(days=7)

    def at(day: int, hour: int) -> When:
        return When(datetime(monday.year, monday.month, monday.day, hour) + timedelta(days=day), ZONE)

    def attendees(*people: Any) -> tuple[Attendee, ...]:
        return tuple(Attendee(EmailAddress(p.address, p.display_name)) for p in people)

    samples = [
        (adele, {"subject": "Weekly planning", "start": at(0, 9), "end": at(0, 10),
                 "attendees": attendees(alex, megan), "location": {"displayName": "Room 12"},
                 "body": ItemBody("text", "Agenda: priorities for the week."),
                 "recurrence": {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
                                "range": {"type": "numbered", "startDate": monday.isoformat(),
                                          "numberOfOccurrences": 12}}}),
        (adele, {"subject": "Lunch with Alex", "start": at(1, 12), "end": at(1, 13),
                 "attendees": attendees(alex), "location": {"displayName": "Harry's Bar"}}),
        (adele, {"subject": "Focus time", "start": at(2, 14), "end": at(2, 16), "show_as": "busy"}),
        (adele, {"subject": "Offsite", "start": When(at(3, 0).local, ZONE), "end": When(at(4, 0).local, ZONE),
                 "is_all_day": True, "show_as": "oof"}),
        (alex, {"subject": "1:1 with Adele", "start": at(2, 10), "end": at(2, 11),
                "attendees": attendees(adele)}),
        (megan, {"subject": "Design review", "start": at(4, 15), "end": at(4, 16),
                 "attendees": attendees(adele, alex), "is_online_meeting": True}),
    ]
    for owner, values in samples:
        principal = Principal(owner.id, frozenset({"calendars.readwrite"}))
        events.create_event(rt, principal, events.Scope("me", None), values, "https://calgraph.local")
    return MAIN_USER
