"""The "Using calgraph in your tests" walkthrough (docs/testing.md), run as written in an empty folder
(only the port is changed); every output it shows (`# ...` lines) is what the commands print."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.conftest import free_port
from tests.e2e.test_readme import run_shell, section, shell_blocks, tools  # noqa: F401 (tools: autouse)

TITLE = "Using calgraph in your tests"


def test_control_plane_walkthrough(tmp_path: Path) -> None:
    (block,) = shell_blocks(section(TITLE))
    out = run_shell(block.replace("8767", str(free_port())), tmp_path)
    shown = re.findall(r"^# (\S+)$", block, re.M)
    assert shown == ["meetingAccepted", "2030-01-07T08:00:00.000Z", "503", "200", "real"]
    assert out.split() == shown, out
    assert (tmp_path / "tests.db").exists()
