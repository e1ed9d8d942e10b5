"""An app as it would be written for Microsoft Graph: nothing in it knows calgraph. It reads its
configuration from the environment (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, ORGANIZER,
ATTENDEE), signs in with ClientSecretCredential (sync, or aio with the argument `aio`), and creates,
accepts, declines and cancels meetings with GraphServiceClient's default base URL.
Prints one JSON line with what it saw."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid

from msgraph import GraphServiceClient
from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder
from msgraph.generated.users.item.events.item.accept.accept_post_request_body import AcceptPostRequestBody
from msgraph.generated.users.item.events.item.cancel.cancel_post_request_body import CancelPostRequestBody
from msgraph.generated.users.item.events.item.decline.decline_post_request_body import DeclinePostRequestBody
from kiota_abstractions.base_request_configuration import RequestConfiguration


def meeting(subject: str, attendee: str, day: int) -> Event:
    return Event(
        subject=subject,
        start=DateTimeTimeZone(date_time=f"2030-03-{day:02d}T10:00:00", time_zone="UTC"),
        end=DateTimeTimeZone(date_time=f"2030-03-{day:02d}T11:00:00", time_zone="UTC"),
        attendees=[Attendee(email_address=EmailAddress(address=attendee), type=AttendeeType.Required)],
    )


async def invitation(client: GraphServiceClient, attendee: str, ical_uid: str) -> Event:
    query = EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(filter=f"iCalUId eq '{ical_uid}'")
    page = await client.users.by_user_id(attendee).events.get(RequestConfiguration(query_parameters=query))
    assert page and page.value, f"no invitation for {ical_uid}"
    return page.value[0]


async def main(use_aio: bool) -> dict[str, object]:
    tenant, client_id, secret = (os.environ[n] for n in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"))
    organizer, attendee = os.environ["ORGANIZER"], os.environ["ATTENDEE"]
    if use_aio:
        from azure.identity.aio import ClientSecretCredential
    else:
        from azure.identity import ClientSecretCredential
    credential = ClientSecretCredential(tenant, client_id, secret)
    client = GraphServiceClient(credentials=credential, scopes=["https://graph.microsoft.com/.default"])
    tag = uuid.uuid4().hex[:8]
    try:
        first = await client.users.by_user_id(organizer).events.post(meeting(f"Planning {tag}", attendee, 3))
        second = await client.users.by_user_id(organizer).events.post(meeting(f"Review {tag}", attendee, 4))
        copy1 = await invitation(client, attendee, first.i_cal_u_id)
        copy2 = await invitation(client, attendee, second.i_cal_u_id)
        await client.users.by_user_id(attendee).events.by_event_id(copy1.id).accept.post(
            AcceptPostRequestBody(comment="yes", send_response=True))
        await client.users.by_user_id(attendee).events.by_event_id(copy2.id).decline.post(
            DeclinePostRequestBody(comment="no", send_response=True))
        seen = await client.users.by_user_id(organizer).events.by_event_id(first.id).get()
        answers = {a.email_address.address.lower(): a.status.response.value for a in seen.attendees}
        await client.users.by_user_id(organizer).events.by_event_id(first.id).cancel.post(
            CancelPostRequestBody(comment="off"))
        after = await client.users.by_user_id(attendee).events.by_event_id(copy1.id).get()
        return {"base_url": client.request_adapter.base_url, "accepted": answers,
                "attendee_copy_cancelled": after.is_cancelled}
    finally:
        await client.request_adapter._http_client.aclose()
        if use_aio:
            await credential.close()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main("aio" in sys.argv[1:]))))
