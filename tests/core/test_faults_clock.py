"""Pure rules of the control plane: fault rule matching, the throttling model, the tenant clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from calgraph.core.clock import REAL, ClockState
from calgraph.core.faults import FaultRule, ThrottleCounter, ThrottleLimits, admit, path_pattern

LIMITS = ThrottleLimits(concurrent=2, requests=3, window_seconds=600, stale_seconds=300)


@pytest.mark.parametrize(("glob", "path", "matches"), [
    ("/me/events/*/decline", "/me/events/AAMk1/decline", True),
    ("/me/events/*/decline", "/me/events/AAMk1/accept", False),
    ("/me/events/*", "/me/events", False),
    ("/me/events/*", "/ME/Events/AAMk1", True),
    ("/users/**", "/users/a@b.c/calendar/events", True),
    ("/users/*/events", "/users/a@b.c/calendar/events", False),
    ("/me/events", "/me/events/", True),
])
def test_path_globs(glob, path, matches):
    assert bool(path_pattern(glob).fullmatch(path.lower())) is matches


def test_rule_matching_on_every_field():
    rule = FaultRule("r", 503, method="POST", path="/me/events/*/accept", mailbox="Bob@Contoso.com",
                     app="APP-1", action="accept")
    keys = frozenset({"bob@contoso.com", "id-bob"})
    assert rule.matches("POST", "/me/events/x/accept", keys, "app-1", "accept")
    assert not rule.matches("GET", "/me/events/x/accept", keys, "app-1", "accept")
    assert not rule.matches("POST", "/me/events/x/accept", frozenset({"alice@contoso.com"}), "app-1", "accept")
    assert not rule.matches("POST", "/me/events/x/accept", keys, "app-2", "accept")
    assert rule.error_code == "ServiceUnavailable" and FaultRule("r", 418).error_code == "generalException"


def test_concurrency_then_rate_then_a_new_window():
    counter = ThrottleCounter(0, 0, 0, 0)
    first = admit(counter, 10, LIMITS)
    second = admit(first.counter, 10, LIMITS)
    assert first.retry_after is None and second.retry_after is None and second.counter.in_flight == 2
    refused = admit(second.counter, 10, LIMITS)
    assert refused.retry_after == 1 and "MailboxConcurrency" in refused.reason

    released = ThrottleCounter(second.counter.window_start, second.counter.window_count, 0, 10)
    third = admit(released, 20, LIMITS)
    assert third.retry_after is None and third.counter.window_count == 3
    over = admit(ThrottleCounter(10, 3, 0, 20), 30, LIMITS)
    assert over.retry_after == 580                       # until the window of 600 s that began at 10 ends
    assert admit(ThrottleCounter(10, 3, 0, 20), 610, LIMITS).retry_after is None


def test_slots_of_a_process_that_died_are_dropped():
    stuck = ThrottleCounter(0, 1, 2, 0)
    assert admit(stuck, 100, LIMITS).retry_after == 1
    assert admit(stuck, 301, LIMITS).retry_after is None


def test_clock_modes_and_advance():
    real = datetime(2030, 1, 1, tzinfo=timezone.utc)
    frozen = ClockState("frozen", datetime(2031, 5, 6, tzinfo=timezone.utc))
    assert REAL.now(real) == real
    assert frozen.now(real) == datetime(2031, 5, 6, tzinfo=timezone.utc)
    assert frozen.advanced(60).now(real) == datetime(2031, 5, 6, 0, 1, tzinfo=timezone.utc)
    shifted = REAL.advanced(3600)
    assert shifted.mode == "offset" and shifted.now(real) == real + timedelta(hours=1)
    assert ClockState.from_json(frozen.to_json()) == frozen and ClockState.from_json(shifted.to_json()) == shifted
