"""The plugin as a user's project meets it: a folder of its own with a pytest.ini naming a seed file, run
with plain `python -m pytest` (the plugin found through its entry point); each test starts from the seed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SEED = """\
users:
  - {email: ann@contoso.com, name: Ann}
  - {email: ben@contoso.com, name: Ben}
events:
  - mailbox: ann@contoso.com
    subject: Weekly
    start: {dateTime: "2031-04-07T09:00:00", timeZone: UTC}
    end: {dateTime: "2031-04-07T09:30:00", timeZone: UTC}
    attendees: [{emailAddress: {address: ben@contoso.com}}]
"""

TESTS = '''
import urllib.request, json

def users(calgraph):
    request = urllib.request.Request(calgraph.base_url + "/users",
                                     headers={"Authorization": "Bearer " + calgraph.app_token()})
    return sorted(u["mail"] for u in json.load(urllib.request.urlopen(request))["value"])

def test_first_starts_from_the_seed_and_adds_a_user(calgraph):
    assert users(calgraph) == ["ann@contoso.com", "ben@contoso.com"]
    assert [m["subject"] for m in calgraph.messages(mailbox="ben@contoso.com")] == ["Weekly"]
    calgraph.user("cy")
    calgraph.clock.freeze("2032-01-01T00:00:00Z")
    calgraph.faults.add(path="/users", status=500)

def test_second_starts_from_the_seed_again(calgraph):
    assert users(calgraph) == ["ann@contoso.com", "ben@contoso.com"]
    assert calgraph.clock.get()["mode"] == "real" and calgraph.faults.list() == []
'''


def test_a_project_with_a_seeded_tenant(tmp_path: Path) -> None:
    (tmp_path / "tenant.yaml").write_text(SEED)
    (tmp_path / "pytest.ini").write_text("[pytest]\ncalgraph_seed = tenant.yaml\n")
    (tmp_path / "test_calendar.py").write_text(TESTS)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
