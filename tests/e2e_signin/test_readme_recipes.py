"""The "Point your app at calgraph" recipes of docs/apps.md, run as written (only the port and the app's
values filled in) against the TLS server of this directory."""

from __future__ import annotations

import os
import re

from tests.e2e.test_readme import section


def test_sign_in_recipe_runs_as_written(signin, tmp_path, monkeypatch):
    text = section("Point your app at calgraph")
    python = re.findall(r"```python\n(.*?)```", text, re.S)[0]
    assert "https://localhost:8443" in python
    python = python.replace("localhost:8443", f"localhost:{signin.server.port}")
    (tmp_path / "calgraph-ca.pem").write_text(signin.ca_file.read_text())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", os.environ.get("SSL_CERT_FILE", ""))   # restored after the test
    scope = {"TENANT_ID": signin.tenant_id, "CLIENT_ID": signin.secret_app["clientId"],
             "CLIENT_SECRET": signin.secret_app["clientSecret"]}
    exec(compile(python, "docs/apps.md", "exec"), scope)
    assert isinstance(scope["events"].value, list)            # Graph answered, through the SDK
