"""Meetings on a series, acting on one occurrence (§6.2, decision 15); the master id acts on the whole
series through the single-event rules.

* Answering an occurrence: the attendee's occurrence becomes an exception of their copy with the new
  responseStatus/showAs; with sendResponse the organizer's occurrence of the same date becomes (or
  updates) an exception recording that attendee's status, and the response message describes the
  occurrence. The organizer's master keeps its statuses: each occurrence's answers are separate.
* Declining an occurrence removes it from the attendee's calendar: it is listed in their copy's
  `cancelledOccurrences` (and its exception row, if any, is deleted), rather than kept in Deleted Items.
* Series and occurrence answers in either order: an occurrence's answer is that occurrence's and outlives a
  later answer to the series (accepting the series keeps a tentative occurrence tentative and a declined one
  removed, on both sides). Declining the series moves it to Deleted Items with every occurrence (its
  exception rows are deleted), so its occurrences are gone like the series: GET, PATCH or an answer on any
  of their ids (item id or `OID.…`) is 404 ErrorItemNotFound, until the organizer's new time of the series
  brings it back (decision 12). With sendResponse the organizer's exceptions that list the attendee record
  the decline too (`decline_exceptions`): the attendee holds none of those occurrences any more.
* Cancelling an occurrence (organizer only): it is listed in the organizer's and every attendee's copy's
  `cancelledOccurrences` (each under its own master id, matched by date) and every attendee receives a
  meetingCancelled message about that occurrence.
* The organizer's change of a whole series (neither its time nor its pattern) reaches the exceptions that
  did not set the changed properties themselves (calgraph.core.occurrence_changes.follow_series). Besides
  the update about the series, each separately modified exception that the change reached sends one
  informationalUpdate about that occurrence to each invitee who has it (`update_exception`): their
  occurrence of that date is brought up to date (a virtual one becomes an exception) and the message points
  at it. An invitee who declined that occurrence, or the whole series, gets none; one new to the exception
  (added to the series by the same PATCH) gets it too, so their copy shows the exception as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from calgraph.core import occurrences, recurrence
from calgraph.core.errors import NotOrganizer
from calgraph.core.model import EmailAddress, Event, ResponseStatus
from calgraph.core.occurrence_changes import as_exception, occurrence_oid, with_cancelled
from calgraph.core.scheduling.cancellation import send_cancellations
from calgraph.core.scheduling import copies
from calgraph.core.scheduling.audience import invitees
from calgraph.core.scheduling.invitations import INFORMATIONAL, send_requests
from calgraph.core.scheduling.outcome import Outcome, Party, Stamp
from calgraph.core.scheduling.responses import MeetingResponse, record_answer, respond


def respond_to_occurrence(copy_master: Event, copy: Event, answer: MeetingResponse, responder: Party,
                          meeting: Event | None, organizer: Party | None, stamp: Stamp) -> Outcome:
    """An attendee answers one occurrence (`copy`: virtual or exception of `copy_master`); `meeting`: the
    organizer's occurrence (virtual or exception) of the same date, when on this server."""
    outcome = respond(copy, answer, responder, meeting, organizer, stamp)
    if answer.action == "decline":
        outcome.changed_events.pop(copy.id, None)
        outcome.change(copy_master, with_cancelled(copy_master, occurrence_oid(copy_master, copy),
                                                   stamp.ids, stamp.now))
        if copy.type == "exception":
            outcome.deleted_events.append((copy.mailbox_id, copy.id))
    return stored(outcome)


def decline_exceptions(outcome: Outcome, exceptions: Iterable[Event], responder: Party, stamp: Stamp) -> Outcome:
    """The attendee declined the whole series (with sendResponse): each of the organizer's `exceptions`
    that lists them records the decline, whatever they answered that occurrence before."""
    status = ResponseStatus("declined", stamp.now)
    for exception in exceptions:
        if any(a.email.address.lower() == responder.key for a in exception.attendees):
            outcome.change(exception, exception.evolve(attendees=record_answer(exception, responder, status, None)))
    return outcome


def cancel_occurrence(master: Event, occurrence: Event, comment: str | None, organizer: Party,
                      parties: Mapping[str, Party], members: Sequence[EmailAddress],
                      copies_by_mailbox: Mapping[str, Event], copy_exceptions: Iterable[Event],
                      stamp: Stamp) -> Outcome:
    """The organizer cancels one occurrence of `master` for everyone."""
    if not master.is_organizer or not occurrence.is_organizer:
        raise NotOrganizer()
    outcome = Outcome()
    oid = occurrence_oid(master, occurrence)
    outcome.change(master, with_cancelled(master, oid, stamp.ids, stamp.now))
    if occurrence.type == "exception":
        outcome.deleted_events.append((occurrence.mailbox_id, occurrence.id))
    recipients = invitees(occurrence, members)
    if not recipients:
        return outcome
    exceptions = {e.occurrence_id: e for e in copy_exceptions}
    day = recurrence.parse_occurrence_id(oid)[1]  # type: ignore[index]

    def cancel_copy(copy: Event) -> str:
        if copy.type == "singleInstance":  # a copy of that occurrence alone (copies.standalone)
            outcome.change(copy, copies.cancelled_copy(outcome.current(copy), stamp))
            return copy.id
        copy_oid = occurrence_oid(copy, occurrence)
        outcome.change(copy, with_cancelled(outcome.current(copy), copy_oid, stamp.ids, stamp.now))
        if copy_oid in exceptions:
            outcome.deleted_events.append((copy.mailbox_id, exceptions[copy_oid].id))
        return occurrences.item_id(copy.id, day)

    send_cancellations(outcome, occurrence, organizer, recipients, parties, copies_by_mailbox, comment, stamp,
                       cancel_copy, series=master)
    return outcome


def update_exception(outcome: Outcome, before: Event, after: Event, organizer: Party,
                     parties: Mapping[str, Party], members: Sequence[EmailAddress],
                     theirs: Mapping[str, Event], stamp: Stamp) -> None:
    """The organizer's exception `before` became `after` through a change of its series: each invitee's
    occurrence of that date (`theirs`, by mailbox id: an exception or a virtual occurrence, as the outcome has
    left it) takes it, with an informationalUpdate when a visible property changed or the invitee is new to
    it; a change of the attendee list alone is synced silently, as for a single meeting."""
    old = {e.address.lower() for e in invitees(before, members)}
    told = any(getattr(before, name) != getattr(after, name) for name in INFORMATIONAL)
    recipients = []
    for email in invitees(after, members):
        key = email.address.lower()
        party = parties.get(key)
        occurrence = theirs.get(party.mailbox.id) if party is not None else None
        if party is not None and occurrence is None:
            continue  # no such occurrence in their calendar (declined, or not invited to the series)
        if told or key not in old:
            recipients.append(email)
        elif party is not None and occurrence is not None:
            outcome.change(occurrence, copies.synced_copy(occurrence, after, party, stamp, reset=False))
    send_requests(outcome, after, organizer, recipients, parties, theirs, stamp, "informationalUpdate", before)


def stored(outcome: Outcome, virtual: set[str] | None = None) -> Outcome:
    """`outcome` with its changed virtual occurrences (those of type occurrence, or with an id in
    `virtual`) turned into new exception rows."""
    for key, (event, _) in list(outcome.changed_events.items()):
        if event.type == "occurrence" or (virtual is not None and key in virtual):
            del outcome.changed_events[key]
            outcome.new_events.append(as_exception(event))
    return outcome
