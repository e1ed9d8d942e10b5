"""The guide's own commands, run as a user would run them: the README's quick start (`scripts/demo`, then
the curl line with the token the banner printed) and the curl walkthroughs of the README and
docs/walkthroughs.md (one shell, block after block, in an empty folder), and the SDK example. Only the
port is changed, to a free one."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, ServerProcess, cli, free_port, subprocess_env

# The user's guide: the README and the pages of docs/ it links to.
GUIDE = {path.relative_to(REPO).as_posix(): path.read_text()
         for path in (REPO / "README.md", *sorted((REPO / "docs").glob("*.md")))}
BIN = Path(sys.executable).parent  # the venv that runs the suite holds the `calgraph` command


def section(title: str) -> str:
    """The text of the `## title` section of the guide (whichever file holds it), up to the next `## `."""
    found = []
    for text in GUIDE.values():
        start = text.find(f"\n## {title}\n")
        if start != -1:
            end = text.find("\n## ", start + 1)
            found.append(text[start:end if end != -1 else None])
    assert len(found) == 1, f"{len(found)} sections titled {title!r} in {', '.join(GUIDE)}"
    return found[0]


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, re.S)


def user_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALGRAPH_", "PYTEST"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


@pytest.fixture(scope="module", autouse=True)
def tools() -> None:
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing and not os.environ.get("CI"):
        pytest.skip(f"the README's walkthroughs need {', '.join(missing)}")
    assert not missing, f"CI must install {missing} (.ci/run does)"


def run_shell(script: str, cwd: Path, timeout: float = 180) -> str:
    """Runs `script` in bash (errors and unset variables stop it), then ends every process it left behind."""
    proc = subprocess.Popen(["bash", "-c", f"set -euo pipefail\n{script}"], cwd=cwd, env=user_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    assert proc.returncode == 0, f"the README's commands failed ({proc.returncode}):\n{out}"
    return out


def test_quick_start(tmp_path: Path) -> None:
    (start, curl_line) = shell_blocks(section("Start it (one command)"))
    assert start.strip() == "scripts/demo"
    port = free_port()
    demo = subprocess.Popen([str(REPO / "scripts/demo"), "--port", str(port)], cwd=tmp_path, env=user_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        banner = ""
        deadline = time.monotonic() + 240  # pip checks the install first
        while "Try:" not in banner and time.monotonic() < deadline and demo.poll() is None:
            banner += demo.stdout.readline()
        token = re.search(r"Bearer token for adele@contoso.com.*\n(\S+)\n", banner)
        assert token, banner
        assert (tmp_path / "calgraph-demo.db").exists() and not (tmp_path / "calgraph.db").exists()
        time.sleep(0.5)
        script = f"TOKEN={token[1]}\n" + curl_line.replace("8765", str(port)).replace("curl ", "curl -sf ", 1)
        events = json.loads(run_shell(script, tmp_path, timeout=30))
        assert events["value"] and all(e["organizer"] for e in events["value"])
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=20)


def test_walkthroughs(tmp_path: Path) -> None:
    titles = ("A meeting's life (curl)", "Recurring events and time zones (curl)",
              "Finding a time and booking a room (curl)")
    blocks = [block for title in titles for block in shell_blocks(section(title))]
    port = str(free_port())
    script = "\n".join(block.replace("8766", port) for block in blocks)
    out = run_shell(script, tmp_path)
    assert '"proposedNewTime"' in out and '"meetingCancelled"' in out, out
    for title in titles[1:]:
        for expected in re.findall(r"^# (\[.*\])$", section(title), re.M):
            assert expected in out.splitlines(), (expected, out)
    assert (tmp_path / "walkthrough.db").exists()


def test_sdk_example(server: ServerProcess, tenant, tmp_path: Path) -> None:
    address = f"sdk-{uuid.uuid4().hex[:8]}@contoso.test"  # a calendar of its own: the example lists it
    cli(tenant.db_url, "users", "add", address)
    env = {**subprocess_env(), "TOKEN": cli(tenant.db_url, "token", address), "CALGRAPH_URL": server.base_url}
    done = subprocess.run([sys.executable, str(REPO / "examples/sdk_quickstart.py")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    first, *listed = done.stdout.splitlines()
    assert first.startswith("created 'Planning'") and any(line.endswith("  Planning") for line in listed), done.stdout
