"""The SQL unit of work: settings, mailboxes, calendar groups, calendars, permissions, mail folders
(events and messages live in sql_items)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, bindparam, case, delete, func, insert, or_, select, true, update

from calgraph.core.model import Calendar, CalendarGroup, CalendarPermission, EmailAddress, Mailbox, MailFolder
from calgraph.core.query import ItemQuery, Page
from calgraph.store.codec import format_ts, parse_ts
from calgraph.store.query_sql import binary_text, order_clauses, where_clause
from calgraph.store.schema import (
    calendar_groups,
    calendar_permissions,
    calendars,
    group_members,
    mail_folders,
    mailboxes,
    settings,
)
from calgraph.store.sql_availability import AvailabilityMixin
from calgraph.store.sql_attachments import AttachmentsMixin
from calgraph.store.sql_categories import CategoriesMixin
from calgraph.store.sql_control import ControlMixin
from calgraph.store.sql_identity import IdentityMixin
from calgraph.store.sql_sync import SyncMixin


MAX_KNOWN_MAILBOXES = 200_000   # entries (two per mailbox) kept per store


class SqlUnitOfWork(SyncMixin, CategoriesMixin, AttachmentsMixin, ControlMixin, IdentityMixin,
                    AvailabilityMixin):   # SyncMixin: ItemsMixin noting changes
    def __init__(self, conn: Connection, known_mailboxes: dict[str, Mailbox] | None = None,
                 read_only: bool = False, default_calendars: dict[str, str] | None = None) -> None:
        super().__init__(conn, read_only)
        # Mailboxes are never changed or deleted once committed, so the store keeps those it has read
        # (by id and by lower-cased address); one this unit added is left out until it has committed.
        self._known_mailboxes = {} if known_mailboxes is None else known_mailboxes
        self._added_mailboxes: set[str] = set()
        # Nor is a mailbox's default calendar ever deleted or another made the default (only a reset or
        # restore changes that): mailbox id -> its default calendar's id, as read-only units read them.
        self._default_calendars = {} if default_calendars is None else default_calendars

    def forget_mailboxes(self) -> None:
        self._known_mailboxes.clear()
        self._default_calendars.clear()

    # -- settings -------------------------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        return self.conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar_one_or_none()

    def put_setting_if_absent(self, key: str, value: str) -> str:
        self.insert_ignore(settings, key=key, value=value)
        return self.conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar_one()

    # -- mailboxes ------------------------------------------------------------------------------

    def add_mailbox(self, mailbox: Mailbox) -> None:
        self._added_mailboxes.add(mailbox.id)
        self.conn.execute(insert(mailboxes).values(
            id=mailbox.id, kind=mailbox.kind, address=mailbox.address, address_lower=mailbox.address.lower(),
            display_name=mailbox.display_name, display_name_lower=mailbox.display_name.lower(),
            description=mailbox.description, created=format_ts(mailbox.created), seq=self.next_seq(mailboxes),
        ))

    def get_mailbox(self, key: str) -> Mailbox | None:
        known = self._known_mailboxes.get(key)
        if known is None and "@" in key:  # ids never hold "@": an address cannot shadow an id match
            known = self._known_mailboxes.get(key.lower())
        if known is not None:
            return known
        row = self.run(_MAILBOX_BY_KEY, {"key": key, "key_lower": key.lower()}).fetchone()
        if row is None:
            return None
        mailbox = _mailbox(dict(zip(_MAILBOX_COLUMNS, row)))
        if mailbox.id not in self._added_mailboxes:
            if len(self._known_mailboxes) >= MAX_KNOWN_MAILBOXES:
                self._known_mailboxes.clear()
            self._known_mailboxes[mailbox.id] = mailbox
            self._known_mailboxes[mailbox.address.lower()] = mailbox
        return mailbox

    def list_mailboxes(self, kind: str, query: ItemQuery) -> Page[Mailbox]:
        order = [*order_clauses("mailbox", query.orderby), mailboxes.c.seq, binary_text(mailboxes.c.id)]
        kinds = ("user", "room") if kind == "user" else (kind,)   # room mailboxes are users too, as in Graph
        return self.page(mailboxes, [mailboxes], [mailboxes.c.kind.in_(kinds), where_clause("mailbox", query.filter)],
                         order, query, _mailbox)

    def add_group_member(self, group_id: str, user_id: str) -> None:
        self.insert_ignore(group_members, group_id=group_id, user_id=user_id)

    def list_group_members(self, group_id: str) -> list[Mailbox]:
        statement = (select(mailboxes).join(group_members, group_members.c.user_id == mailboxes.c.id)
                     .where(group_members.c.group_id == group_id).order_by(mailboxes.c.seq))
        return [_mailbox(row) for row in self.conn.execute(statement)]

    def is_group_member(self, group_id: str, user_id: str) -> bool:
        statement = select(group_members.c.user_id).where(
            group_members.c.group_id == group_id, group_members.c.user_id == user_id)
        return self.conn.execute(statement).first() is not None

    # -- calendar groups ------------------------------------------------------------------------

    def add_calendar_group(self, group: CalendarGroup) -> None:
        self.conn.execute(insert(calendar_groups).values(**_calendar_group_values(group),
                                                         seq=self.next_seq(calendar_groups)))

    def get_calendar_group(self, mailbox_id: str, group_id: str) -> CalendarGroup | None:
        return self._first_calendar_group(calendar_groups.c.mailbox_id == mailbox_id,
                                          calendar_groups.c.id == group_id)

    def default_calendar_group(self, mailbox_id: str) -> CalendarGroup | None:
        return self._first_calendar_group(calendar_groups.c.mailbox_id == mailbox_id,
                                          calendar_groups.c.is_default == true())

    def list_calendar_groups(self, mailbox_id: str) -> list[CalendarGroup]:
        statement = (select(calendar_groups).where(calendar_groups.c.mailbox_id == mailbox_id)
                     .order_by(calendar_groups.c.seq, binary_text(calendar_groups.c.id)))
        return [CalendarGroup(**_fields(row, "seq")) for row in self.conn.execute(statement)]

    def update_calendar_group(self, group: CalendarGroup) -> None:
        self.conn.execute(update(calendar_groups).where(calendar_groups.c.id == group.id)
                          .values(**_calendar_group_values(group)))

    def delete_calendar_group(self, mailbox_id: str, group_id: str) -> None:
        self.note_calendars_deleted(mailbox_id, [c.id for c in self.list_calendars(mailbox_id, group_id)])
        self.conn.execute(delete(calendar_groups).where(calendar_groups.c.mailbox_id == mailbox_id,
                                                        calendar_groups.c.id == group_id))

    def _first_calendar_group(self, *conditions: Any) -> CalendarGroup | None:
        statement = select(calendar_groups).where(*conditions).order_by(calendar_groups.c.seq)
        row = self.conn.execute(statement).first()
        return None if row is None else CalendarGroup(**_fields(row, "seq"))

    # -- calendars ------------------------------------------------------------------------------

    def add_calendar(self, calendar: Calendar) -> None:
        self.conn.execute(insert(calendars).values(**_calendar_values(calendar), seq=self.next_seq(calendars)))

    def get_calendar(self, mailbox_id: str, calendar_id: str) -> Calendar | None:
        return _calendar_row(self.run(_CALENDAR_BY_ID, {"mailbox_id": mailbox_id, "id": calendar_id}).fetchone())

    def default_calendar(self, mailbox_id: str) -> Calendar | None:
        return _calendar_row(self.run(_DEFAULT_CALENDAR, {"mailbox_id": mailbox_id}).fetchone())

    def default_calendar_id(self, mailbox_id: str) -> str | None:
        known = self._default_calendars.get(mailbox_id)
        if known is not None:
            return known
        calendar = self.default_calendar(mailbox_id)
        if calendar is None:
            return None
        if self.read_only:   # what it read has committed
            if len(self._default_calendars) >= MAX_KNOWN_MAILBOXES:
                self._default_calendars.clear()
            self._default_calendars[mailbox_id] = calendar.id
        return calendar.id

    def list_calendars(self, mailbox_id: str, calendar_group_id: str | None = None) -> list[Calendar]:
        statement = select(calendars).where(calendars.c.mailbox_id == mailbox_id)
        if calendar_group_id is not None:
            statement = statement.where(calendars.c.calendar_group_id == calendar_group_id)
        statement = statement.order_by(calendars.c.seq, binary_text(calendars.c.id))
        return [Calendar(**_fields(row, "seq")) for row in self.conn.execute(statement)]

    def update_calendar(self, calendar: Calendar) -> None:
        self.conn.execute(update(calendars).where(calendars.c.id == calendar.id).values(**_calendar_values(calendar)))

    def delete_calendar(self, mailbox_id: str, calendar_id: str) -> None:
        # events, their categories and the permissions go by ON DELETE CASCADE (the events noted as deleted)
        self.note_calendars_deleted(mailbox_id, [calendar_id])
        self.conn.execute(delete(calendars).where(calendars.c.mailbox_id == mailbox_id, calendars.c.id == calendar_id))

    # -- calendar permissions -------------------------------------------------------------------

    def add_calendar_permission(self, permission: CalendarPermission) -> None:
        self.conn.execute(insert(calendar_permissions).values(
            **_permission_values(permission), seq=self.next_seq(calendar_permissions)))

    def list_calendar_permissions(self, calendar_id: str) -> list[CalendarPermission]:
        statement = (select(calendar_permissions).where(calendar_permissions.c.calendar_id == calendar_id)
                     .order_by(calendar_permissions.c.seq, binary_text(calendar_permissions.c.id)))
        return [_permission(row) for row in self.conn.execute(statement)]

    def get_calendar_permission(self, calendar_id: str, permission_id: str) -> CalendarPermission | None:
        row = self.conn.execute(select(calendar_permissions).where(
            calendar_permissions.c.calendar_id == calendar_id, calendar_permissions.c.id == permission_id)).first()
        return None if row is None else _permission(row)

    def update_calendar_permission(self, permission: CalendarPermission) -> None:
        self.conn.execute(update(calendar_permissions).where(calendar_permissions.c.id == permission.id)
                          .values(**_permission_values(permission)))

    def delete_calendar_permission(self, calendar_id: str, permission_id: str) -> None:
        self.conn.execute(delete(calendar_permissions).where(
            calendar_permissions.c.calendar_id == calendar_id, calendar_permissions.c.id == permission_id))

    # -- mail folders ---------------------------------------------------------------------------

    def add_mail_folder(self, folder: MailFolder) -> None:
        self.conn.execute(insert(mail_folders).values(
            id=folder.id, mailbox_id=folder.mailbox_id, display_name=folder.display_name,
            well_known_name=folder.well_known_name, seq=self.next_seq(mail_folders)))

    def get_mail_folder(self, mailbox_id: str, key: str) -> MailFolder | None:
        for condition in (mail_folders.c.id == key, func.lower(mail_folders.c.well_known_name) == key.lower()):
            row = self.conn.execute(select(mail_folders).where(mail_folders.c.mailbox_id == mailbox_id,
                                                               condition)).first()
            if row is not None:
                return MailFolder(**_fields(row, "seq"))
        return None

    def list_mail_folders(self, mailbox_id: str) -> list[MailFolder]:
        statement = (select(mail_folders).where(mail_folders.c.mailbox_id == mailbox_id)
                     .order_by(mail_folders.c.seq, binary_text(mail_folders.c.id)))
        return [MailFolder(**_fields(row, "seq")) for row in self.conn.execute(statement)]


# -- statements on every request's path, built once (building one costs more than running it) -----

_by_id = mailboxes.c.id == bindparam("key")
_MAILBOX_BY_KEY = (select(mailboxes).where(or_(_by_id, mailboxes.c.address_lower == bindparam("key_lower")))
                   .order_by(case((_by_id, 0), else_=1)).limit(1))
_MAILBOX_COLUMNS = tuple(_MAILBOX_BY_KEY.selected_columns.keys())
_CALENDAR_BY_ID = select(calendars).where(calendars.c.mailbox_id == bindparam("mailbox_id"),
                                          calendars.c.id == bindparam("id"))
_CALENDAR_COLUMNS = tuple(_CALENDAR_BY_ID.selected_columns.keys())
_DEFAULT_CALENDAR = (select(calendars).where(calendars.c.mailbox_id == bindparam("mailbox_id"),
                                             calendars.c.is_default == true())
                     .order_by(calendars.c.seq).limit(1))


def _calendar_row(row: tuple[Any, ...] | None) -> Calendar | None:
    """A row of _CALENDAR_COLUMNS (from `run`) as a Calendar."""
    if row is None:
        return None
    values = dict(zip(_CALENDAR_COLUMNS, row))
    return Calendar(id=values["id"], mailbox_id=values["mailbox_id"], name=values["name"],
                    change_key=values["change_key"], calendar_group_id=values["calendar_group_id"],
                    is_default=bool(values["is_default"]), color=values["color"], hex_color=values["hex_color"])


# -- rows <-> objects ------------------------------------------------------------------------------

def _fields(row: Row[Any], *skip: str) -> dict[str, Any]:
    return {key: value for key, value in row._mapping.items() if key not in skip}


def _mailbox(row: Row[Any] | dict[str, Any]) -> Mailbox:
    values = row if isinstance(row, dict) else row._mapping
    return Mailbox(id=values["id"], kind=values["kind"], address=values["address"],
                   display_name=values["display_name"], created=parse_ts(values["created"]),
                   description=values["description"])


def _calendar_group_values(group: CalendarGroup) -> dict[str, Any]:
    return {"id": group.id, "mailbox_id": group.mailbox_id, "name": group.name, "class_id": group.class_id,
            "change_key": group.change_key, "is_default": group.is_default}


def _calendar_values(calendar: Calendar) -> dict[str, Any]:
    return {"id": calendar.id, "mailbox_id": calendar.mailbox_id, "calendar_group_id": calendar.calendar_group_id,
            "name": calendar.name, "change_key": calendar.change_key, "is_default": calendar.is_default,
            "color": calendar.color, "hex_color": calendar.hex_color}


def _permission_values(permission: CalendarPermission) -> dict[str, Any]:
    return {"id": permission.id, "calendar_id": permission.calendar_id, "address": permission.email.address,
            "address_lower": permission.email.address.lower(), "name": permission.email.name,
            "role": permission.role, "is_removable": permission.is_removable,
            "is_inside_organization": permission.is_inside_organization}


def _permission(row: Row[Any]) -> CalendarPermission:
    return CalendarPermission(id=row.id, calendar_id=row.calendar_id, email=EmailAddress(row.address, row.name),
                              role=row.role, is_removable=row.is_removable,
                              is_inside_organization=row.is_inside_organization)
