"""The scheduling core: who may do what to a meeting, what each action changes and which messages
result. Pure functions over domain objects: (current state, request, clock) -> Outcome or a
GraphError. The service layer loads the state and applies the Outcome in one transaction."""

from calgraph.core.scheduling.cancellation import cancel
from calgraph.core.scheduling.forwarding import forward
from calgraph.core.scheduling.audience import invitees
from calgraph.core.scheduling.invitations import invite, reinvite
from calgraph.core.scheduling.outcome import Outcome, Party, Stamp
from calgraph.core.scheduling.reminders import dismiss_reminder, snooze_reminder
from calgraph.core.scheduling.responses import MeetingResponse, respond

__all__ = [
    "MeetingResponse", "Outcome", "Party", "Stamp", "cancel", "dismiss_reminder", "forward", "invite",
    "invitees", "reinvite", "respond", "snooze_reminder",
]
