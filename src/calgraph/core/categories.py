"""A mailbox's master list of categories: unique names (case-insensitive), one of 25 preset colours or none.

Who may use it: the mailbox's own user, or an application. Graph asks for MailboxSettings.Read(Write);
calgraph also lets a token that may read (write) the mailbox's calendar or mail read (write) its
categories, since the default tokens carry those and events name categories."""

from __future__ import annotations

from typing import Literal

from calgraph.core.errors import AccessDenied, InvalidRequest
from calgraph.core.model import Mailbox, OutlookCategory
from calgraph.core.permissions import Principal

COLORS = ("none", *(f"preset{n}" for n in range(25)))
MAX_NAME = 255

_READ = ("mailboxsettings.read", "mailboxsettings.readwrite", "calendars.read", "mail.read")
_WRITE = ("mailboxsettings.readwrite", "calendars.readwrite", "mail.readwrite")


def require(principal: Principal, owner: Mailbox, need: Literal["read", "write"]) -> None:
    if owner.kind != "user" or (not principal.is_app and owner.id != principal.user_id):
        raise AccessDenied()
    if not principal.has(*(_WRITE if need == "write" else _READ)):
        raise AccessDenied()


def color(value: str | None) -> str:
    """The canonical spelling of a preset colour (`Preset7` -> `preset7`); None is `none`."""
    if value is None:
        return "none"
    for known in COLORS:
        if known.lower() == str(value).lower():
            return known
    raise InvalidRequest(f"The color '{value}' is not valid: it is 'none' or one of 'preset0' to 'preset24'.")


def new(category_id: str, owner: Mailbox, display_name: str | None, color_name: str | None) -> OutlookCategory:
    if not display_name or not display_name.strip():
        raise InvalidRequest("A category needs a displayName.")
    if len(display_name) > MAX_NAME or "," in display_name or ";" in display_name:
        raise InvalidRequest("A category's displayName is at most 255 characters, without ',' or ';'.")
    return OutlookCategory(category_id, owner.id, display_name, color(color_name))


def recolored(category: OutlookCategory, display_name: str | None, color_name: str | None) -> OutlookCategory:
    if display_name is not None and display_name != category.display_name:
        raise InvalidRequest("A category's displayName cannot be changed once it is created.")
    return category if color_name is None else OutlookCategory(
        category.id, category.mailbox_id, category.display_name, color(color_name))
