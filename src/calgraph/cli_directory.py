"""`calgraph users`, `groups` and `rooms`: the tenant's directory, provisioned from the command line.

Registered on the command line of calgraph.cli when that module is imported. Commands that create
something print only its id on stdout.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from calgraph.cli import Db, _fail, _store, _table, groups_app, rooms_app, users_app
from calgraph.core.ids import Ids, utc_now
from calgraph.services import directory


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The user's address (also its userPrincipalName).")],
    name: Annotated[Optional[str], typer.Option(help="Display name (default: the address' local part).")] = None,
    password: Annotated[Optional[str], typer.Option(
        "--password", metavar="P", help="A password, for sign-in with the password grant or the sign-in page.")] = None,
    db: Db = None,
) -> None:
    """Create a user with a default calendar and mail folders; prints the new user's id."""
    with _store(db) as store, store.unit_of_work(write=True) as uow:
        user = directory.add_user(uow, Ids(), utc_now, email, name)
        if password is not None:
            from calgraph.services.passwords import set_password

            set_password(uow, user.address, password)
    typer.echo(user.id)


@users_app.command("list")
def users_list(db: Db = None) -> None:
    """List users: id, address, display name."""
    with _store(db) as store, store.unit_of_work() as uow:
        users = directory.list_users(uow)
    _table("Users", ["id", "address", "name"], [[u.id, u.address, u.display_name] for u in users])


@groups_app.command("add")
def groups_add(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The group's address.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    member: Annotated[Optional[list[str]], typer.Option(
        "--member", metavar="EMAIL", help="Address of an existing user to add (repeatable).")] = None,
    db: Db = None,
) -> None:
    """Create a group with its calendar and members; prints the new group's id."""
    with _store(db) as store, store.unit_of_work(write=True) as uow:
        group = directory.add_group(uow, Ids(), utc_now, email, name, member or [])
    typer.echo(group.id)


@groups_app.command("list")
def groups_list(db: Db = None) -> None:
    """List groups: id, address, display name, members."""
    with _store(db) as store, store.unit_of_work() as uow:
        rows = [[g.id, g.address, g.display_name, ", ".join(m.address for m in uow.list_group_members(g.id))]
                for g in directory.list_groups(uow)]
    _table("Groups", ["id", "address", "name", "members"], rows)


@rooms_app.command("add")
def rooms_add(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The room mailbox's address.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    capacity: Annotated[Optional[int], typer.Option(min=0, help="Seats.")] = None,
    building: Annotated[Optional[str], typer.Option(help="Building.")] = None,
    floor: Annotated[Optional[int], typer.Option(help="Floor number.")] = None,
    room_list: Annotated[Optional[str], typer.Option(
        "--list", metavar="EMAIL", help="Room list to put the room in (created on first use).")] = None,
    accessible: Annotated[bool, typer.Option("--accessible", help="Wheelchair accessible.")] = False,
    booking_window: Annotated[int, typer.Option(
        "--booking-window-days", min=0, max=1080, help="How far ahead it may be booked.")] = 180,
    max_duration: Annotated[int, typer.Option(
        "--max-duration-minutes", min=0, help="Longest meeting it accepts (0: no limit).")] = 1440,
    allow_conflicts: Annotated[bool, typer.Option("--allow-conflicts", help="Accept overlapping bookings.")] = False,
    no_recurring: Annotated[bool, typer.Option("--no-recurring", help="Decline recurring meetings.")] = False,
    work_hours_only: Annotated[bool, typer.Option(
        "--work-hours-only", help="Decline meetings outside the room's working hours.")] = False,
    processing: Annotated[str, typer.Option(
        "--processing", metavar="AutoAccept|AutoUpdate|None",
        help="AutoAccept: answer every request; AutoUpdate: keep requests tentative, unanswered; None: keep nothing.",
    )] = "AutoAccept",
    db: Db = None,
) -> None:
    """Create a room: a mailbox with a calendar that accepts or declines meetings; prints the room's id."""
    from calgraph.core.availability.booking import BookingPolicy
    from calgraph.services import places

    automate = next((m for m in ("AutoAccept", "AutoUpdate", "None") if m.lower() == processing.lower()), None)
    if automate is None:
        _fail(f"--processing must be AutoAccept, AutoUpdate or None, not {processing!r}.")
    policy = BookingPolicy(automate=automate, allow_conflicts=allow_conflicts, booking_window_days=booking_window,
                           max_duration_minutes=max_duration, allow_recurring=not no_recurring,
                           work_hours_only=work_hours_only)
    with _store(db) as store, store.unit_of_work(write=True) as uow:
        room = places.add_room(uow, Ids(), utc_now, email, name, capacity=capacity, building=building, floor=floor,
                               list_address=room_list, accessible=accessible, policy=policy)
    typer.echo(room.id)


@rooms_app.command("list")
def rooms_list(db: Db = None) -> None:
    """List rooms: id, address, name, capacity, room list."""
    from calgraph.services import places

    with _store(db) as store, store.unit_of_work() as uow:
        rows = [[r.id, r.address, r.display_name, "" if r.capacity is None else str(r.capacity),
                 room_list.address if room_list else ""] for r, room_list in places.list_rooms(uow)]
    _table("Rooms", ["id", "address", "name", "capacity", "list"], rows)


