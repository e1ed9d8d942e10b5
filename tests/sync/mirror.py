"""A sync client's local copy: follows delta rounds (nextLinks to the deltaLink) and applies them."""

from __future__ import annotations

from typing import Any


def delta_round(api: Any, url: str, headers: dict[str, str] | None = None, max_pages: int = 500) -> tuple[list[dict], str]:
    """Every entry of one round, and its deltaLink; asserts the paging rules on the way."""
    entries: list[dict] = []
    for _ in range(max_pages):
        r = api.get(url, headers=headers or {})
        assert r.status_code == 200, r.text
        body = r.json()
        assert "odata.track-changes" in r.headers.get("preference-applied", "")
        assert ("@odata.nextLink" in body) != ("@odata.deltaLink" in body), body
        entries += body["value"]
        if "@odata.deltaLink" in body:
            return entries, body["@odata.deltaLink"]
        assert body["value"], "an empty page with a nextLink"
        url = body["@odata.nextLink"]
    raise AssertionError("the round did not end")


class Mirror:
    """Items by id as the last round left them."""

    def __init__(self) -> None:
        self.items: dict[str, dict] = {}

    def apply(self, entries: list[dict]) -> None:
        for entry in entries:
            if "@removed" in entry:
                assert entry["@removed"] == {"reason": "deleted"}
                self.items.pop(entry["id"], None)
            else:
                self.items[entry["id"]] = entry

    def instances(self) -> dict[str, tuple[str, str, str]]:
        """What calendarView would list: everything but series masters, as (type, start, end)."""
        return {i: (e["type"], e["start"]["dateTime"], e["end"]["dateTime"])
                for i, e in self.items.items() if e.get("type") != "seriesMaster"}


def calendar_view(api: Any, path: str, window: str) -> dict[str, tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {}
    url = f"{path}?{window}&$top=1000"
    while url:
        r = api.get(url)
        assert r.status_code == 200, r.text
        body = r.json()
        out.update({e["id"]: (e["type"], e["start"]["dateTime"], e["end"]["dateTime"]) for e in body["value"]})
        url = body.get("@odata.nextLink")
    return out
