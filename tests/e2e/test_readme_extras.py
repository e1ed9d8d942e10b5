"""The "What apps hang on events (curl)" commands (docs/walkthroughs.md), run after the meeting
walkthrough's setup as a user would run them; each `# …` line under a command is its expected output."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.conftest import free_port
from tests.e2e.test_readme import run_shell, section, shell_blocks, tools  # noqa: F401 (tools: autouse)

TITLE = "What apps hang on events (curl)"


def test_extras_walkthrough(tmp_path: Path) -> None:
    setup = shell_blocks(section("A meeting's life (curl)"))[0]
    blocks = shell_blocks(section(TITLE))
    port = str(free_port())
    out = run_shell("\n".join(block.replace("8766", port) for block in [setup, *blocks]), tmp_path)
    expected = re.findall(r"^# (.+)$", "\n".join(blocks), re.M)
    assert expected
    for line in expected:
        assert line in out.splitlines(), (line, out)
