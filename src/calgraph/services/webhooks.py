"""How calgraph reaches webhook receivers: the HTTP client (a Transport), which URLs are allowed, the retry
schedule, and the validation handshake (sync reference decisions 16-18)."""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import quote_plus

from calgraph.core.sync import subscriptions as rules
from calgraph.core.sync.subscriptions import Schedule


class Transport(Protocol):
    def post(self, url: str, body: bytes, content_type: str, timeout: float) -> tuple[int, str]:
        """POST and return (status, response text); TimeoutError on no answer in time, OSError when
        the host cannot be reached."""


class UrllibTransport:
    """The standard library's HTTP client; no redirects followed (a 3xx is not an acknowledgement)."""

    def __init__(self) -> None:
        self._opener = urllib.request.build_opener(_NoRedirect())

    def post(self, url: str, body: bytes, content_type: str, timeout: float) -> tuple[int, str]:
        request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return response.status, response.read(65536).decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read(65536).decode("utf-8", "replace")
        except urllib.error.URLError as error:
            if isinstance(error.reason, (socket.timeout, TimeoutError)):
                raise TimeoutError(str(error.reason)) from None
            raise OSError(str(error.reason)) from None
        except socket.timeout as error:
            raise TimeoutError(str(error)) from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@dataclass
class Webhooks:
    """Where notifications may go and how they are sent. `allowed_hosts` None: any host (loopback and private
    included: calgraph is a local emulator); `--notify-allow` restricts it for a shared deployment."""

    transport: Transport = field(default_factory=UrllibTransport)
    allowed_hosts: tuple[str, ...] | None = None
    https_only: bool = False
    schedule: Schedule = field(default_factory=Schedule)

    def check_url(self, url: object) -> str:
        return rules.check_url(url, self.allowed_hosts, self.https_only)

    def validate(self, url: str, request_id: str) -> None:
        """Graph's handshake: POST `{url}?validationToken=…` (form-encoded token, empty body); the receiver
        must answer 200 with the decoded token as its body, within the validation timeout."""
        token = rules.validation_token(request_id)
        encoded = re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), quote_plus(token))
        try:
            status, text = self.transport.post(rules.with_query(url, "validationToken", encoded), b"",
                                               "text/plain; charset=utf-8", self.schedule.validation_timeout_s)
        except TimeoutError:
            raise rules.SubscriptionInvalid("Subscription validation request timed out.") from None
        except OSError:
            status, text = 0, ""
        if status != 200:
            raise rules.ValidationError("Subscription validation request failed. Notification endpoint must "
                                        "respond with 200 OK to validation request.")
        if text != token:
            raise rules.ValidationError("Subscription validation request failed. Response must exactly match "
                                        "validationToken query parameter.")
