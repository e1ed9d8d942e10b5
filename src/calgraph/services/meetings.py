"""The meeting actions: accept / tentativelyAccept / decline, cancel, forward, and the reminders.
Each runs in one unit of work with the meeting locked, so every mailbox's share of it commits
together (or not at all) and concurrent answers to one meeting never lose each other's update. Every
write here runs in a grouped unit (several share one SQLite commit)."""

from __future__ import annotations

from calgraph.core import scheduling
from calgraph.core.errors import NotOrganizer
from calgraph.core.model import EmailAddress, When
from calgraph.core.scheduling import series
from calgraph.core.scheduling.responses import check as check_response
from calgraph.core.occurrence_changes import is_part_of_series
from calgraph.core.permissions import Principal
from calgraph.services import delivery, occurrence_writes, room_booking
from calgraph.services.lookup import Scope, find_for_change, master_of
from calgraph.services.runtime import Runtime


def respond(rt: Runtime, principal: Principal, scope: Scope, event_id: str,
            answer: scheduling.MeetingResponse, if_match: str | None) -> None:
    with rt.store.unit_of_work(write=True, grouped=True) as uow:
        mailbox, copy = find_for_change(uow, principal, scope, event_id, if_match)
        check_response(copy, answer)  # refuse before loading anyone else's mailbox
        if is_part_of_series(copy):  # an occurrence id: that occurrence only
            occurrence_writes.respond(rt, uow, mailbox, copy, answer)
            return
        if answer.action == "decline":
            occurrence_writes.drop_exceptions(uow, [copy])  # the whole series leaves the calendar
        meeting, organizer = delivery.organizer_of(uow, copy)
        responder, stamp = delivery.party(uow, mailbox), delivery.stamp(rt)
        outcome = scheduling.respond(copy, answer, responder, meeting, organizer, stamp)
        if answer.action == "decline" and answer.send_response and meeting is not None and meeting.recurrence:
            series.decline_exceptions(outcome, uow.list_series_exceptions([meeting.id]), responder, stamp)
        delivery.apply(uow, outcome)


def cancel(rt: Runtime, principal: Principal, scope: Scope, event_id: str, comment: str | None,
           if_match: str | None) -> None:
    with rt.store.unit_of_work(write=True, grouped=True) as uow:
        mailbox, meeting = find_for_change(uow, principal, scope, event_id, if_match)
        if not meeting.is_organizer:
            raise NotOrganizer()
        if is_part_of_series(meeting):  # an occurrence id: that occurrence only
            occurrence_writes.cancel(rt, uow, mailbox, None, meeting, comment)
            return
        occurrence_writes.cancel_standalone(rt, uow, mailbox, meeting, comment)
        occurrence_writes.drop_exceptions(uow, [meeting])
        organizer = delivery.party(uow, mailbox)
        members = delivery.members(uow, mailbox)
        invited = delivery.parties(uow, scheduling.invitees(meeting, members), organizer)
        delivery.apply(uow, scheduling.cancel(meeting, comment, organizer, invited, members,
                                              delivery.copies_of(uow, meeting), delivery.stamp(rt)))
        room_booking.release(uow, meeting)


def forward(rt: Runtime, principal: Principal, scope: Scope, event_id: str, recipients: list[EmailAddress],
            comment: str | None, if_match: str | None) -> None:
    with rt.store.unit_of_work(write=True, grouped=True) as uow:
        mailbox, event = find_for_change(uow, principal, scope, event_id, if_match)
        if is_part_of_series(event):  # forwarding an occurrence forwards the series (see occurrence_writes)
            event = master_of(uow, event)
        actor = delivery.party(uow, mailbox)
        if event.is_organizer:
            meeting, organizer = event, actor
        else:
            meeting, organizer = delivery.organizer_of(uow, event)
        known = (actor, organizer) if organizer is not None else (actor,)
        delivery.apply(uow, scheduling.forward(
            event, recipients, comment, actor, meeting, organizer, delivery.parties(uow, recipients, *known),
            delivery.copies_of(uow, meeting or event), delivery.stamp(rt)))


def dismiss_reminder(rt: Runtime, principal: Principal, scope: Scope, event_id: str,
                     if_match: str | None) -> None:
    with rt.store.unit_of_work(write=True, grouped=True) as uow:
        _, event = find_for_change(uow, principal, scope, event_id, if_match)
        occurrence_writes.save(rt, uow, event, scheduling.dismiss_reminder(event, delivery.stamp(rt)))


def snooze_reminder(rt: Runtime, principal: Principal, scope: Scope, event_id: str, new_time: When,
                    if_match: str | None) -> None:
    with rt.store.unit_of_work(write=True, grouped=True) as uow:
        _, event = find_for_change(uow, principal, scope, event_id, if_match)
        occurrence_writes.save(rt, uow, event, scheduling.snooze_reminder(event, new_time, delivery.stamp(rt)))
