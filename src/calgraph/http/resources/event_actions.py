"""POST …/events/{id}/{accept | tentativelyAccept | decline | cancel | forward | dismissReminder |
snoozeReminder} on every event route form (§3). The meeting actions answer 202, the reminders 200,
all with an empty body. accept, tentativelyAccept, decline and the reminders have no group routes."""

from __future__ import annotations

from typing import Callable

from calgraph.core.errors import InvalidParameter, UnknownRoute
from calgraph.core.scheduling import MeetingResponse
from calgraph.http.bodies import CancelInput, ForwardInput, RespondInput, SnoozeInput, parse
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply
from calgraph.http.resources.events import scope
from calgraph.services import events, meetings

USER_ONLY = frozenset({"accept", "tentativelyAccept", "decline", "dismissReminder", "snoozeReminder"})


def respond(ctx: RequestContext) -> Reply:
    body = parse(RespondInput, ctx.json())
    action = ctx.address.action
    answer = MeetingResponse(
        action=action,  # type: ignore[arg-type]
        comment=body.comment,
        send_response=True if body.send_response is None else body.send_response,
        proposed_new_time=(body.proposed_new_time.to_domain()
                           if body.proposed_new_time is not None and action != "accept" else None),
    )
    meetings.respond(*_target(ctx), answer, ctx.if_match)
    return Reply(202)


def cancel(ctx: RequestContext) -> Reply:
    body = parse(CancelInput, ctx.json())
    meetings.cancel(*_target(ctx), body.comment, ctx.if_match)
    return Reply(202)


def forward(ctx: RequestContext) -> Reply:
    body = parse(ForwardInput, ctx.json())
    recipients = [r.to_domain() for r in body.to_recipients or ()]
    meetings.forward(*_target(ctx), recipients, body.comment, ctx.if_match)
    return Reply(202)


def dismiss_reminder(ctx: RequestContext) -> Reply:
    meetings.dismiss_reminder(*_target(ctx), ctx.if_match)
    return Reply(200)


def snooze_reminder(ctx: RequestContext) -> Reply:
    body = parse(SnoozeInput, ctx.json())
    if body.new_reminder_time is None:
        raise InvalidParameter("The 'NewReminderTime' parameter is required.")
    meetings.snooze_reminder(*_target(ctx), body.new_reminder_time.to_domain(), ctx.if_match)
    return Reply(200)


def permanent_delete(ctx: RequestContext) -> Reply:
    """Gone for good, nothing in Deleted Items; a meeting's organizer cancels it as a DELETE does."""
    assert ctx.address.event is not None
    events.delete_event(ctx.runtime, ctx.principal, scope(ctx.address), ctx.address.event, ctx.if_match,
                        permanent=True)
    return Reply(204)


ACTIONS: dict[str, Callable[[RequestContext], Reply]] = {
    "accept": respond, "tentativelyAccept": respond, "decline": respond, "cancel": cancel,
    "forward": forward, "dismissReminder": dismiss_reminder, "snoozeReminder": snooze_reminder,
    "permanentDelete": permanent_delete,
}


def run_action(ctx: RequestContext) -> Reply:
    action = ctx.address.action
    assert action is not None and ctx.address.owner is not None
    if action in USER_ONLY and ctx.address.owner.kind == "group":
        raise UnknownRoute(action)
    return ACTIONS[action](ctx)


def _target(ctx: RequestContext) -> tuple:
    assert ctx.address.event is not None
    return ctx.runtime, ctx.principal, scope(ctx.address), ctx.address.event


ROUTES = {
    ("eventAction", "POST"): run_action,
}
