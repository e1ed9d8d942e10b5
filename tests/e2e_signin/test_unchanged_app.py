"""Zero change: an app written for Microsoft Graph (tests/e2e_signin/unchanged_app.py) runs against
calgraph in a subprocess whose only difference is its environment, the lines `calgraph env` prints
(HTTPS_PROXY and the CA bundle). Also: two server processes on one database share tokens and the CA."""

from __future__ import annotations

import json
import urllib.error
import shlex
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import CLI_TIMEOUT, REPO, cli, subprocess_env
from tests.e2e_signin.conftest import tls_server

APP = Path(__file__).with_name("unchanged_app.py")


def env_lines(signin, tmp_path: Path) -> dict[str, str]:
    out = cli(signin.db_url, "env", "--proxy-port", str(signin.server.proxy_port),
              "--ca-file", str(tmp_path / "calgraph-ca.pem"))
    values = {}
    for line in out.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        values[name] = shlex.split(value)[0]
    return values


@pytest.mark.parametrize("flavour", ["sync", "aio"])
def test_unchanged_app_through_the_proxy(signin, tmp_path, flavour):
    app_config = {"AZURE_TENANT_ID": signin.tenant_id, "AZURE_CLIENT_ID": signin.secret_app["clientId"],
                  "AZURE_CLIENT_SECRET": signin.secret_app["clientSecret"],
                  "ORGANIZER": "alice@contoso.com", "ATTENDEE": "bob@contoso.com"}
    base = {**subprocess_env(), **app_config}
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        base.pop(name, None)
    done = subprocess.run([sys.executable, str(APP), flavour], capture_output=True, text=True,
                          timeout=CLI_TIMEOUT * 2, env={**base, **env_lines(signin, tmp_path)}, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["base_url"] == "https://graph.microsoft.com/v1.0/"   # the SDK's default, untouched
    assert result["accepted"] == {"bob@contoso.com": "accepted"}
    assert result["attendee_copy_cancelled"] is True
    log = signin.server.log()
    assert "CONNECT graph.microsoft.com:443 -> calgraph" in log
    assert "CONNECT login.microsoftonline.com:443 -> calgraph" in log


def test_other_hosts_are_tunnelled(signin):
    """Without --proxy-only another host is tunnelled as is (here: calgraph's own port, by a name the
    proxy does not intercept); the TLS session still ends at that host."""
    context = ssl.create_default_context(cafile=str(signin.ca_file))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"https": signin.server.proxy}),
                                         urllib.request.HTTPSHandler(context=context))
    with pytest.raises(urllib.error.HTTPError) as e:
        opener.open(f"https://localhost:{signin.server.port}/v1.0/me", timeout=10)
    assert e.value.code == 401     # reached calgraph through a plain tunnel, verified by its CA


def test_two_servers_share_tokens_and_the_ca(signin, tmp_path):
    second = tls_server(signin.db_url, tmp_path, "second", signin.ca_file)   # trusts the same CA
    try:
        from azure.identity import ClientSecretCredential
        app = signin.secret_app
        kwargs = {"disable_instance_discovery": True, "connection_verify": str(signin.ca_file)}
        token = ClientSecretCredential(signin.tenant_id, app["clientId"], app["clientSecret"],
                                       authority=second.origin, **kwargs).get_token(
            "https://graph.microsoft.com/.default").token
        context = ssl.create_default_context(cafile=str(signin.ca_file))
        for server in (signin.server, second):
            request = urllib.request.Request(f"{server.origin}/v1.0/users/alice@contoso.com/events",
                                             headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(request, timeout=10, context=context) as response:
                assert response.status == 200
        assert cli(signin.db_url, "ca") == signin.ca_file.read_text().strip()
    finally:
        second.stop()
