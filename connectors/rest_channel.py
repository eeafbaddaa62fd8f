"""Rasa's REST channel, for developers only: curl and the tests, on this machine.

The public door is the widget channel (widget_channel.py), with its partner list,
signed buttons and limits. Rasa's standard REST channel has none of those, and it
obeys slash commands ("/inform{...}"), so in this project it is fenced in:
- with APP_ENV=production it answers nothing (404): only the widget is public;
- otherwise it answers only requests from this machine (a loopback address), so curl
  and the tests can use it and nobody else can;
- its conversations are its own: the sender id becomes "rest:<sender>", and ":" is a
  character a widget conversation id cannot contain, so a REST call can never
  continue, or read the replies of, a conversation someone started in the widget;
- what the caller says about itself is ignored: the channel is always "rest" and the
  metadata empty (a partner is named only by the widget, from its own list);
- a body that is too large, not a JSON object, or not valid text is refused with a
  short, kind JSON error, never a 500.
"""
from __future__ import annotations

import ipaddress
import json
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.environment import SettingsError, is_production
from connectors.http_answers import add_api_headers, kind_error
from connectors.unanswered import never_silent
from connectors.widget_settings import load_widget_settings

PREFIX = "rest:"
# The widget's own limit on a request's size: a 200 KB message cost 2.7 s of CPU.
DEFAULT_MAX_BODY_BYTES = 8192


def is_loopback(address: Optional[Text]) -> bool:
    try:
        return ipaddress.ip_address((address or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def is_text(value: Any) -> bool:
    """A string that can be written as UTF-8 (no lone surrogates such as "\\ud800")."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refusal(production: bool, client_address: Optional[Text], body: bytes, max_body_bytes: int) -> Optional[HTTPResponse]:
    """Why this request may not reach the assistant, as the reply to send; None if it may."""
    if production:
        return kind_error(404, "There is nothing here.")
    if not is_loopback(client_address):
        return kind_error(403, "This channel is for developers on the assistant's own machine. Use the chat widget.")
    if len(body or b"") > max_body_bytes:
        return kind_error(413, "That message is too long. Please send a shorter one.")
    try:
        parsed = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        return kind_error(400, "Send a JSON object with a sender and a message.")
    if not isinstance(parsed, dict) or not is_text(parsed.get("sender")) or not is_text(parsed.get("message")):
        return kind_error(400, "Send a JSON object with a sender and a message, both text.")
    return None


class DeveloperRestInput(RestInput):
    """/webhooks/rest/webhook, fenced in as the module docstring says."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self) -> None:
        self.production = is_production()
        try:
            self.max_body_bytes = load_widget_settings().max_body_bytes
        except SettingsError:
            self.max_body_bytes = DEFAULT_MAX_BODY_BYTES  # production without widget secrets: off anyway

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return PREFIX + req.json["sender"]

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(never_silent(on_new_message))

        @webhook.on_request
        async def fence(request: Request) -> Optional[HTTPResponse]:
            if request.path.rstrip("/").endswith("/webhooks/rest") and request.method == "GET" and not self.production:
                return None  # the health check
            return refusal(self.production, request.ip, request.body, self.max_body_bytes)

        @webhook.on_response
        async def api_headers(request: Request, answer: HTTPResponse) -> None:
            add_api_headers(answer)

        return webhook
