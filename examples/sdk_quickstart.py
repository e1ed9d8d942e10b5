"""calgraph with the official Microsoft Graph SDK for Python (msgraph-sdk), as a complete script.

    pip install 'calgraph[sdk]'                 # or, in a checkout: .venv/bin/pip install -e '.[sdk]'
    export TOKEN=$(calgraph token alice@contoso.com)
    python examples/sdk_quickstart.py            # CALGRAPH_URL defaults to http://127.0.0.1:8765/v1.0

It creates an event in the token's user's calendar and lists the calendar's events. The only calgraph-
specific parts are the token provider (a token from `calgraph token`) and the base URL.
"""

from __future__ import annotations

import asyncio
import os
from urllib.parse import urlsplit

from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.event import Event


class StaticToken(AccessTokenProvider):
    """Hands the SDK one bearer token, for one host."""

    def __init__(self, token: str, host: str) -> None:
        self.token = token
        self.host = host

    async def get_authorization_token(self, uri: str, additional_authentication_context: dict | None = None) -> str:
        return self.token

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return AllowedHostsValidator([self.host])


async def main() -> None:
    base_url = os.environ.get("CALGRAPH_URL", "http://127.0.0.1:8765/v1.0")
    token = os.environ.get("TOKEN")
    if not token:
        raise SystemExit("set TOKEN to a bearer token: export TOKEN=$(calgraph token alice@contoso.com)")
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(StaticToken(token, urlsplit(base_url).hostname)))
    adapter.base_url = base_url
    client = GraphServiceClient(request_adapter=adapter)

    created = await client.me.events.post(Event(
        subject="Planning",
        start=DateTimeTimeZone(date_time="2025-02-03T10:00:00", time_zone="W. Europe Standard Time"),
        end=DateTimeTimeZone(date_time="2025-02-03T11:00:00", time_zone="W. Europe Standard Time"),
    ))
    print(f"created {created.subject!r} ({created.id})")
    events = await client.me.events.get()
    for event in events.value:
        print(f"{event.start.date_time} {event.start.time_zone}  {event.subject}")


if __name__ == "__main__":
    asyncio.run(main())
