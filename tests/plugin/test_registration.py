"""The plugin is found by pytest through the package's entry point, and its fixture names the server."""

from __future__ import annotations

import urllib.error
import urllib.request
from importlib.metadata import entry_points

import pytest

from calgraph.pytest_plugin import CalgraphError


def test_entry_point_names_the_plugin():
    assert [e.value for e in entry_points(group="pytest11") if e.name == "calgraph"] == ["calgraph.pytest_plugin"]


def test_base_url_and_errors(calgraph):
    assert calgraph.base_url.startswith("http://127.0.0.1:") and calgraph.base_url.endswith("/v1.0")
    with pytest.raises(urllib.error.HTTPError) as refused:      # no admin token: refused
        urllib.request.urlopen(calgraph.origin + "/_calgraph/seed/schema")
    assert refused.value.code == 401


def test_control_errors_raise(calgraph):
    with pytest.raises(CalgraphError, match="404 There is no snapshot named 'nope'"):
        calgraph.restore("nope")
