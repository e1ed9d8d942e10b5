"""`calgraph rooms add / list`: the id alone on stdout, room lists created on first use, the booking
policy options, errors on stderr."""

from __future__ import annotations

from calgraph.core.ids import is_guid
from calgraph.store import open_store
from tests.cli.test_cli import db, run  # noqa: F401  (the fixture)


def test_rooms_add_prints_only_the_id_and_list_shows_it(db: str) -> None:  # noqa: F811
    out = run("rooms", "add", "hood@contoso.com", "--name", "Conf Room Hood", "--capacity", "10", "--building", "1",
              "--floor", "2", "--list", "building1@contoso.com", "--accessible", "--db", db).stdout
    assert out.count("\n") == 1 and is_guid(out.strip())
    second = run("rooms", "add", "oak@contoso.com", "--name", "Oak", "--list", "building1@contoso.com",
                 "--booking-window-days", "30", "--max-duration-minutes", "120", "--no-recurring", "--db", db).stdout
    listing = run("rooms", "list", "--db", db).stdout
    assert out.strip() in listing and second.strip() in listing and "building1@contoso.com" in listing
    assert "Conf Room Hood" in listing and "hood@contoso.com" not in run("users", "list", "--db", db).stdout
    store = open_store(db)
    try:
        with store.unit_of_work() as uow:
            hood, oak = uow.get_place("hood@contoso.com"), uow.get_place("oak@contoso.com")
            assert (hood.capacity, hood.building, hood.floor_number, hood.accessible) == (10, "1", 2, True)
            assert hood.list_id == oak.list_id == uow.get_place("building1@contoso.com").id
            assert (oak.policy.booking_window_days, oak.policy.max_duration_minutes) == (30, 120)
            assert not oak.policy.allow_recurring and uow.get_mailbox("oak@contoso.com").kind == "room"
    finally:
        store.dispose()


def test_rooms_add_errors(db: str) -> None:  # noqa: F811
    run("users", "add", "alice@contoso.com", "--db", db)
    assert "already exists" in run("rooms", "add", "alice@contoso.com", "--name", "A", "--db", db, ok=False).stderr
    run("rooms", "add", "hood@contoso.com", "--name", "Hood", "--db", db)
    assert "not a room list" in run("rooms", "add", "x@contoso.com", "--name", "X", "--list", "hood@contoso.com",
                                    "--db", db, ok=False).stderr
    assert "not a valid email" in run("rooms", "add", "nope", "--name", "N", "--db", db, ok=False).stderr
    assert "--processing" in run("rooms", "add", "p@contoso.com", "--name", "P", "--processing", "Sometimes",
                                 "--db", db, ok=False).stderr
    run("rooms", "add", "q@contoso.com", "--name", "Q", "--processing", "autoupdate", "--db", db)
