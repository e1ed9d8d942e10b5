"""Who a meeting goes to."""

from __future__ import annotations

from collections.abc import Sequence

from calgraph.core.model import EmailAddress, Event


def invitees(meeting: Event, members: Sequence[EmailAddress] = ()) -> list[EmailAddress]:
    """Who receives the meeting: its attendees and, for a group's event, the group's members;
    never the organizer, everyone once."""
    seen = {meeting.organizer.address.lower()}
    out = []
    for email in [*(a.email for a in meeting.attendees), *members]:
        if email.address.lower() not in seen:
            seen.add(email.address.lower())
            out.append(email)
    return out
