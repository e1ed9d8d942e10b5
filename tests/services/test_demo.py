"""The demo tenant that `calgraph serve --demo` seeds, and the serve command's printout."""

from __future__ import annotations

import socket

from typer.testing import CliRunner

from calgraph import cli
from calgraph.core.query import ItemQuery
from calgraph.services.demo import GROUP, MAIN_USER, USERS, seed_demo


def test_seed_is_complete_and_idempotent(store):
    assert seed_demo(store) == MAIN_USER
    assert seed_demo(store) == MAIN_USER
    with store.unit_of_work() as uow:
        users = uow.list_mailboxes("user", ItemQuery(top=100)).items
        assert sorted(u.address for u in users) == sorted(a for a, _ in USERS)
        group = uow.get_mailbox(GROUP[0])
        assert group is not None and len(uow.list_group_members(group.id)) == 3
        adele = uow.get_mailbox(MAIN_USER)
        calendar = uow.default_calendar(adele.id)
        events = uow.query_events([calendar.id], ItemQuery(top=100)).items
        own = [e for e in events if e.is_organizer]
        assert len(own) == 4 and len(events) == 6  # and two invitations, from Alex and Megan
        assert any(e.attendees for e in own) and any(e.is_all_day for e in own)
        inbox = uow.get_mail_folder(adele.id, "inbox")
        requests = uow.query_messages(adele.id, inbox.id, ItemQuery(top=100)).items
        assert sorted(m.subject for m in requests) == ["1:1 with Adele", "Design review"]


def test_serve_demo_prints_url_token_and_curl(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr("uvicorn.Server.run",
                        lambda server, sockets: calls.append((server.config.port, sockets[0].getsockname()[1])))
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(cli.app, ["serve", "--demo", "--port", str(port), "--db", db])
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{port}/v1.0" in result.output
    assert "curl -H \"Authorization: Bearer ey" in result.output
    assert calls == [(port, port)]  # uvicorn serves the socket bound before the banner
