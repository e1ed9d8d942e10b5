"""The Graph errors of the availability APIs (getSchedule, findMeetingTimes, mailboxSettings, places)."""

from __future__ import annotations

from calgraph.core.errors import GraphError

INTERVAL_MESSAGE = ("The specified merged free/busy interval is not valid. Specify an interval that is less than "
                    "the free/busy time window and  between 5 and 1440 minutes.")


class MailboxDataArrayEmpty(GraphError):
    status, code, message = 400, "ErrorMailboxDataArrayEmpty", "The MailboxData array is empty."


class MailboxDataArrayTooBig(GraphError):
    status, code = 400, "ErrorMailboxDataArrayTooBig"

    def __init__(self, allowed: int, actual: int) -> None:
        super().__init__("There are too many target users in the EmailAddress array. "
                         f"The allowed size = {allowed}; the actual size = {actual}.")


class ParameterRequired(GraphError):
    status, code = 400, "ErrorInvalidParameter"

    def __init__(self, name: str) -> None:
        super().__init__(f"The parameter '{name}' is required.")


class InvalidParameterValue(GraphError):
    status, code = 400, "ErrorInvalidParameter"

    def __init__(self, name: str) -> None:
        super().__init__(f"The value of parameter '{name}' is invalid.")


class InvalidMergedFreeBusyInterval(GraphError):
    status, code, message = 400, "ErrorInvalidMergedFreeBusyInterval", INTERVAL_MESSAGE


class InvalidTimeInterval(GraphError):
    status, code = 400, "ErrorInvalidTimeInterval"
    message = "The time duration specified for FreeBusyViewOptions.TimeWindow is invalid."


class TimeIntervalTooBig(GraphError):
    status, code = 400, "ErrorTimeIntervalTooBig"

    def __init__(self, allowed_days: int, actual_days: int) -> None:
        super().__init__("The requested time duration specified for FreeBusyViewOptions.TimeWindow is too long. "
                         f"The allowed limit = {allowed_days} days; the actual limit = {actual_days} days.")


class InvalidTimeZoneSettings(GraphError):
    status, code, message = 400, "InvalidTimeZone", "Time Zone settings provided are invalid."


class InvalidTimeSettings(GraphError):
    status, code, message = 400, "ErrorInvalidTimeSettings", "Start Time should occur before End Time."


class InvalidArguments(GraphError):
    status, code = 400, "InvalidArguments"

    def __init__(self, value: str) -> None:
        super().__init__(f"Requested value '{value}' was not found.")


class InvalidScheduledOofDuration(GraphError):
    status, code = 400, "ErrorInvalidScheduledOofDuration"
    message = "The scheduled duration for sending automatic replies isn't valid."


class PlaceCastRequired(GraphError):
    status, code = 406, "ErrorInvalidRequest"
    message = "A type cast segment (microsoft.graph.room or microsoft.graph.roomList) is required."
