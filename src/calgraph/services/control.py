"""The control plane's state in one process: the tenant clock, the fault rules and the throttling model.

The state itself lives in the database (settings `control_clock`, tables fault_rules and
throttle_counters), so every process over one database behaves the same. Each process keeps a copy,
checked against the database's control version once per request (`refresh`), and every control write
changes that version in the unit that writes it.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime

from calgraph.core import faults as rules
from calgraph.core.clock import REAL, ClockState
from calgraph.core.errors import BadRequest
from calgraph.core.ids import utc_now
from calgraph.core.permissions import Principal
from calgraph.services.request_log import RequestLog
from calgraph.store.interface import Store, UnitOfWork

CLOCK_SETTING = "control_clock"
CONTROL_VERSION = "control_version"


class TenantClock:
    """Runtime's clock: every "now" of tenant data. Callable like core.ids.utc_now."""

    def __init__(self, state: ClockState = REAL, real: Callable[[], datetime] = utc_now) -> None:
        self.state = state
        self._real = real

    def __call__(self) -> datetime:
        return self.state.now(self._real())


@dataclass(frozen=True)
class Target:
    """What a Graph request is, as fault rules and throttling see it."""

    method: str
    path: str                              # after the version, e.g. /me/events/AAMk…/decline
    principal: Principal
    mailbox_keys: Callable[[], tuple[str, frozenset[str]]]   # (mailbox id, {id, address}) addressed, lazily
    action: str = ""                       # accept, decline, cancel, ... for an event action


def changed(uow: UnitOfWork) -> None:
    """Mark the control state changed (in the writing unit): every process reloads it."""
    uow.put_setting(CONTROL_VERSION, uuid.uuid4().hex)


def load_clock(uow: UnitOfWork) -> ClockState:
    text = uow.get_setting(CLOCK_SETTING)
    return ClockState.from_json(json.loads(text)) if text else REAL


class Control:
    def __init__(self, store: Store, clock: TenantClock | None = None,
                 throttle: rules.ThrottleLimits | None = None,
                 forget: Callable[[], None] = lambda: None) -> None:
        self.store = store
        self.clock = clock or TenantClock()
        self.throttle = throttle
        self.requests = RequestLog()
        self._forget = forget                  # drop caches of committed rows (token service's users)
        self._version: str | None = None
        self._rules: tuple[rules.FaultRule, ...] = ()
        self._lock = threading.Lock()

    # -- the per-request check ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the state when another unit (this process or another) changed it."""
        if self.store.control_version() == self._version:
            return
        with self.store.unit_of_work() as uow:
            version = uow.control_version()
            state = load_clock(uow)
            loaded = tuple(rules.FaultRule.from_json(json.loads(row.rule)) for row in uow.list_fault_rules())
        with self._lock:
            self._version, self.clock.state, self._rules = version, state, loaded
        self.store.forget_cached()  # a reset or restore may have removed what the caches hold
        self._forget()

    @property
    def version(self) -> str:
        return self._version or ""

    @property
    def rules(self) -> tuple[rules.FaultRule, ...]:
        return self._rules

    @property
    def active(self) -> bool:
        return bool(self._rules) or self.throttle is not None

    @contextmanager
    def admitted(self, target: Target) -> Iterator[None]:
        """Run the request's handler inside: raises InjectedFault (the handler must not run) when
        throttled or a fault rule answers; holds a throttling slot until the handler is done."""
        slot = self._take_slot(target) if self.throttle is not None else None
        try:
            rule = self._matching_rule(target)
            if rule is not None:
                if rule.latency_ms:
                    time.sleep(rule.latency_ms / 1000)
                if rule.status is not None:
                    raise rules.fault_of(rule)
            yield
        finally:
            if slot is not None:
                with self.store.unit_of_work(write=True) as uow:
                    uow.release_throttle_slot(slot)

    def _matching_rule(self, target: Target) -> rules.FaultRule | None:
        if not self._rules:
            return None
        needs_mailbox = any(rule.mailbox for rule in self._rules)
        keys = target.mailbox_keys()[1] if needs_mailbox else frozenset()
        for rule in self._rules:
            if not rule.matches(target.method, target.path, keys, target.principal.app_id, target.action):
                continue
            if rule.probability < 1 and random.random() >= rule.probability:
                continue
            if rule.times is not None:
                with self.store.unit_of_work(write=True) as uow:
                    if not uow.consume_fault_rule(rule.id):
                        continue
            return rule
        return None

    def _take_slot(self, target: Target) -> str:
        assert self.throttle is not None
        mailbox_id = target.mailbox_keys()[0]
        key = f"{target.principal.app_id}|{mailbox_id}"
        now = int(time.time())    # throttling counts real requests in real time
        with self.store.unit_of_work(write=True) as uow:
            counter = uow.lock_throttle_counter(key, now)
            decision = rules.admit(counter, now, self.throttle)
            if decision.retry_after is None:
                uow.put_throttle_counter(key, decision.counter)
        if decision.retry_after is not None:
            raise rules.throttled(decision)
        return key


def addressed_mailbox(store: Store, principal: Principal, owner_kind: str | None,
                      owner_key: str | None) -> tuple[str, frozenset[str]]:
    """The id of the mailbox a request addresses (/me, /users/{id | address}, /groups/{id}) and the keys
    a fault rule may name it by (id and address, lower-cased); ("", {}) for none."""
    key = principal.user_id if owner_kind == "me" else owner_key
    if not key:
        return "", frozenset()
    with store.unit_of_work() as uow:
        mailbox = uow.get_mailbox(key)
    if mailbox is None:
        return key.lower(), frozenset({key.lower()})
    return mailbox.id, frozenset({mailbox.id.lower(), mailbox.address.lower()})


# -- use cases: the clock ---------------------------------------------------------------------------

def get_clock(control: Control) -> tuple[ClockState, datetime]:
    control.refresh()
    return control.clock.state, control.clock()


def set_clock(control: Control, state: ClockState) -> tuple[ClockState, datetime]:
    with control.store.unit_of_work(write=True) as uow:
        uow.put_setting(CLOCK_SETTING, json.dumps(state.to_json()))
        changed(uow)
    return get_clock(control)


def advance_clock(control: Control, seconds: float) -> tuple[ClockState, datetime]:
    with control.store.unit_of_work(write=True) as uow:
        try:
            state = load_clock(uow).advanced(seconds)
            state.now(utc_now())
        except OverflowError:
            raise BadRequest("The clock cannot move that far.") from None
        uow.put_setting(CLOCK_SETTING, json.dumps(state.to_json()))
        changed(uow)
    return get_clock(control)


# -- use cases: fault rules -------------------------------------------------------------------------

def add_fault(control: Control, rule: rules.FaultRule) -> rules.FaultRule:
    rule = replace(rule, id=uuid.uuid4().hex)
    with control.store.unit_of_work(write=True) as uow:
        uow.add_fault_rule(rule.id, json.dumps(rule.to_json()), rule.times)
        changed(uow)
    control.refresh()
    return rule


def list_faults(control: Control) -> list[tuple[rules.FaultRule, int | None]]:
    """Each rule with the matches it has left (None: unlimited)."""
    with control.store.unit_of_work() as uow:
        rows = uow.list_fault_rules()
    return [(rules.FaultRule.from_json(json.loads(row.rule)), row.remaining) for row in rows]


def delete_fault(control: Control, rule_id: str) -> bool:
    with control.store.unit_of_work(write=True) as uow:
        found = uow.delete_fault_rule(rule_id)
        changed(uow)
    control.refresh()
    return found


def clear_faults(control: Control) -> None:
    with control.store.unit_of_work(write=True) as uow:
        uow.clear_fault_rules()
        uow.clear_throttle_counters()
        changed(uow)
    control.refresh()
