"""The sync and webhook walkthroughs of docs/walkthroughs.md, run as a user would (after the meeting
walkthrough they build on), each commented output line checked."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.conftest import free_port
from tests.e2e.test_readme import run_shell, section, shell_blocks, tools  # noqa: F401 - the module fixture

SECTIONS = ("Staying in sync: delta and $batch (curl)", "Change notifications: a webhook receiver (curl)")


def test_sync_and_webhook_walkthroughs(tmp_path: Path) -> None:
    blocks = shell_blocks(section("A meeting's life (curl)"))
    for title in SECTIONS:
        blocks += shell_blocks(section(title))
    server, receiver = str(free_port()), str(free_port())
    script = "\n".join(block.replace("8766", server).replace("8767", receiver) for block in blocks)
    out = run_shell(script, tmp_path).splitlines()
    for title in SECTIONS:
        for expected in re.findall(r"^# (.+)$", "\n".join(shell_blocks(section(title))), re.M):
            assert expected in out, (expected, out)
