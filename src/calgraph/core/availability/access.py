"""Who may call the availability APIs (scopes for delegated tokens, roles for application tokens)."""

from __future__ import annotations

from calgraph.core.errors import AccessDenied
from calgraph.core.model import Mailbox
from calgraph.core.permissions import Principal

# calendar roles that let the caller see subjects and locations in getSchedule
DETAIL_ROLES = frozenset({"limitedread", "read", "write", "delegatewithoutprivateeventaccess",
                          "delegatewithprivateeventaccess"})


def _require(ok: bool) -> None:
    if not ok:
        raise AccessDenied()


def require_mailbox_settings(principal: Principal, owner: Mailbox, write: bool) -> None:
    """MailboxSettings.Read / ReadWrite on the caller's own mailbox, or as an app role on any."""
    _require(principal.is_app or owner.id == principal.user_id)
    _require(principal.has("mailboxsettings.readwrite") if write
             else principal.has("mailboxsettings.read", "mailboxsettings.readwrite"))


def require_user_read(principal: Principal) -> None:
    """supportedTimeZones / supportedLanguages / findRooms: User.Read (delegated), User.Read.All (app)."""
    if principal.is_app:
        _require(principal.has("user.read.all", "user.readwrite.all"))
    else:
        _require(principal.has("user.read", "user.readbasic.all", "user.read.all", "user.readwrite"))


def require_free_busy(principal: Principal) -> None:
    """getSchedule: Calendars.ReadBasic or stronger (also .Shared), delegated or application."""
    _require(principal.has("calendars.readbasic", "calendars.readbasic.all", "calendars.read",
                           "calendars.read.shared"))


def require_meeting_times(principal: Principal) -> None:
    """findMeetingTimes: delegated only, Calendars.Read(.Shared) or stronger."""
    _require(not principal.is_app and principal.has("calendars.read", "calendars.read.shared"))


def require_places(principal: Principal, write: bool) -> None:
    if write:
        _require(not principal.is_app and principal.has("place.readwrite.all"))
    else:
        _require(principal.has("place.read.all", "place.readwrite.all"))
