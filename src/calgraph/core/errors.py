"""Every error calgraph answers with, one class per Graph error code.

Each class carries its wire `code`, HTTP `status` and default `message`; the HTTP layer renders
any `GraphError` into Graph's envelope in one place (calgraph.http.errors).
"""

from __future__ import annotations


class GraphError(Exception):
    status: int = 500
    code: str = "generalException"
    message: str = "An internal server error occurred."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or type(self).message
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status}, {self.code!r}, {self.message!r})"


# 400 ---------------------------------------------------------------------------------------------

class BadRequest(GraphError):
    status, code, message = 400, "BadRequest", "Unable to read JSON request payload."


class EmptyPayload(BadRequest):
    message = "Empty Payload. JSON content expected."


class RequestBodyRead(GraphError):
    status, code, message = 400, "RequestBodyRead", "Unable to read the request body."


class InvalidRequest(GraphError):
    status, code, message = 400, "ErrorInvalidRequest", "The request is invalid."


class WindowTooLong(InvalidRequest):
    message = "The time window of a calendar view can't be longer than 1825 days."


class InvalidParameter(GraphError):
    status, code, message = 400, "ErrorInvalidParameter", "The request has an invalid parameter."


class InvalidProperty(GraphError):
    status, code, message = 400, "ErrorInvalidProperty", "The property is not valid."


class InvalidIdMalformed(GraphError):
    status, code, message = 400, "ErrorInvalidIdMalformed", "Id is malformed."


class TimeZoneNotSupported(GraphError):
    status, code = 400, "TimeZoneNotSupportedException"

    def __init__(self, zone: str) -> None:
        super().__init__(
            "A valid TimeZone value must be specified. "
            f"The following TimeZone value is not supported: '{zone}'."
        )


class EndBeforeStart(GraphError):
    status, code = 400, "ErrorCalendarEndDateIsEarlierThanStartDate"
    message = "The end date you entered occurs before the start date."


class AllDayTooShort(InvalidRequest):
    message = "The duration of an event marked as All day must be at least 24 hours."


class CannotDeleteObject(GraphError):
    status, code = 400, "ErrorCannotDeleteObject"
    message = "The object cannot be deleted."


class UnsupportedQuery(GraphError):
    status, code = 400, "BadRequest"
    message = "The query specified in the URI is not valid."


class AppOnlyMe(BadRequest):
    message = "/me request is only valid with delegated authentication flow."


# 401 / 403 ---------------------------------------------------------------------------------------

class InvalidAuthenticationToken(GraphError):
    status, code, message = 401, "InvalidAuthenticationToken", "Access token validation failure."


class AccessDenied(GraphError):
    status, code, message = 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."


# 404 ---------------------------------------------------------------------------------------------

class ItemNotFound(GraphError):
    status, code, message = 404, "ErrorItemNotFound", "The specified object was not found in the store."


class InvalidUser(GraphError):
    status, code = 404, "ErrorInvalidUser"

    def __init__(self, user: str) -> None:
        super().__init__(f"The requested user '{user}' is invalid.")


class ResourceNotFound(GraphError):
    status, code = 404, "Request_ResourceNotFound"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"Resource '{key}' does not exist or one of its queried reference-property objects are not present."
        )


class UnknownRoute(GraphError):
    status, code = 404, "UnknownError"
    message = "Resource not found for the segment."

    def __init__(self, segment: str | None = None) -> None:
        super().__init__(f"Resource not found for the segment '{segment}'." if segment else None)


# 405 / 409 / 412 / 413 ---------------------------------------------------------------------------

class MethodNotAllowed(GraphError):
    status, code = 405, "Request_BadRequest"
    message = "The HTTP method is not allowed on this resource."


class NoRawContent(GraphError):
    """GET …/attachments/{id}/$value on a referenceAttachment: a link has no bytes of its own."""
    status, code = 405, "ErrorInvalidRequest"
    message = ("'$value' segment is not supported for the given attachment. '$value' segment is only supported "
               "for File Attachments and Item Attachments")


class FolderExists(GraphError):
    status, code, message = 409, "ErrorFolderExists", "A folder with the specified name already exists."


class IrresolvableConflict(GraphError):
    status, code = 412, "ErrorIrresolvableConflict"
    message = (
        "The send or update operation could not be performed because the change key passed in the "
        "request does not match the current change key for the item."
    )


class PayloadTooLarge(GraphError):
    status, code = 413, "RequestEntityTooLarge"
    message = "The request body is larger than the 4 MB calgraph accepts."


# recurrence (§6.1, §3.10) ----------------------------------------------------------------------

class InvalidRecurrence(GraphError):
    status, code, message = 400, "ErrorCalendarInvalidRecurrence", "The recurrence is invalid."


class RecurrenceHasNoOccurrence(GraphError):
    status, code = 400, "ErrorRecurrenceHasNoOccurrence"
    message = "The recurrence pattern has no occurrence within its range."


class OccurrenceCrossingBoundary(GraphError):
    status, code = 400, "ErrorOccurrenceCrossingBoundary"
    message = "Modified occurrence is crossing or overlapping adjacent occurrence."


# meetings (§3.10 and decisions 3-8 of §10) -------------------------------------------------------

_CANT = "Your request can't be completed. "


class NotOrganizer(InvalidRequest):
    message = _CANT + "You need to be an organizer to cancel a meeting."


class OrganizerCannotRespond(InvalidRequest):
    message = _CANT + "You can't respond to this meeting because you're the meeting organizer."


class ProposalsNotAllowed(InvalidRequest):
    message = _CANT + "The organizer of this meeting doesn't allow new time proposals."


class SendResponseRequired(InvalidParameter):
    def __init__(self, parameter: str) -> None:
        super().__init__(f"'SendResponse' must be true when '{parameter}' is not null.")


class MeetingCancelled(GraphError):
    status, message = 400, _CANT + "The meeting has been canceled."


class CalendarIsCancelledForAccept(MeetingCancelled):
    code = "ErrorCalendarIsCancelledForAccept"


class CalendarIsCancelledForTentative(MeetingCancelled):
    code = "ErrorCalendarIsCancelledForTentative"


class CalendarIsCancelledForDecline(MeetingCancelled):
    code = "ErrorCalendarIsCancelledForDecline"
