"""evolve: dataclasses.replace semantics for the frozen domain objects, without its cost."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from calgraph.core.model import EmailAddress, Event, MeetingInfo, Message, When

T0 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def event() -> Event:
    start = When(datetime(2025, 3, 1, 9), "UTC")
    return Event(id="e", mailbox_id="m", calendar_id="c", ical_uid="u", change_key="k", created=T0,
                 last_modified=T0, start=start, end=When(datetime(2025, 3, 1, 10), "UTC"),
                 organizer=EmailAddress("o@x.com", "O"), subject="Before")


def test_evolve_equals_replace_and_leaves_the_original_alone() -> None:
    before = event()
    after = before.evolve(subject="After", show_as="free")
    assert after == dataclasses.replace(before, subject="After", show_as="free")
    assert before.subject == "Before" and type(after) is Event
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.subject = "mutated"  # type: ignore[misc]


@pytest.mark.parametrize("obj", [
    event(),
    Message(id="m", mailbox_id="b", folder_id="f", change_key="k", created=T0, last_modified=T0),
    MeetingInfo(message_type="meetingRequest", start=When(datetime(2025, 3, 1, 9), "UTC"),
                end=When(datetime(2025, 3, 1, 10), "UTC")),
])
def test_evolve_rejects_unknown_fields(obj: object) -> None:
    with pytest.raises(TypeError):
        obj.evolve(no_such_field=1)  # type: ignore[attr-defined]
