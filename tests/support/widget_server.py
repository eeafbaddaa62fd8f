"""A real Rasa app (as `python -m bot.server run --cors "*"` builds it: Rasa's own app with
bot/rasa_fixes.py applied) serving the widget channel on a free port, with a stub agent
in place of a trained model."""
from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, Awaitable, Callable, List, Optional

import rasa.core.run
import requests
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Sanic

from bot import rasa_fixes
from connectors.widget_channel import WidgetInput
from connectors.widget_settings import load_widget_settings
from tests.support.sanic_server import InProcessServer

Sanic.test_mode = True  # several apps with Rasa's fixed name in one process

POLICE = "http://localhost:8000"
CHARITY = "http://127.0.0.1:8001"
STRANGER = "https://evil.example"
KEY = "test-widget-button-key"

Reply = Callable[[UserMessage], Awaitable[None]]


async def default_reply(message: UserMessage) -> None:
    out: OutputChannel = message.output_channel
    await out.send_text_with_buttons(
        message.sender_id,
        "Here is what I can help with.",
        [{"title": "Clare's Law", "payload": "/clares_law"}, {"title": "Find support", "payload": "/find_support"}],
    )
    await out.send_image_url(message.sender_id, "https://example.org/tracking-pixel.png")
    await out.send_custom_json(message.sender_id, {"anything": "else"})
    await out.send_text_message(message.sender_id, "First part.\n\nSecond part.")


class StubAgent:
    """Stands in for rasa.core.agent.Agent: records what reaches it, answers with `reply`."""

    def __init__(self, reply: Reply = default_reply, tracker_store: Any = None, lock_store: Any = None) -> None:
        self.received: List[UserMessage] = []
        self.reply = reply
        self.tracker_store = tracker_store
        self.lock_store = lock_store
        self.ready = True

    def is_ready(self) -> bool:
        return self.ready

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        await self.reply(message)


class Server:
    """The app on 127.0.0.1, run by its own event loop in a thread (InProcessServer)."""

    def __init__(self, channel: WidgetInput, agent: StubAgent) -> None:
        self.channel = channel
        self.agent = agent
        rasa_fixes.apply()
        self.app = rasa.core.run.configure_app(input_channels=[channel], cors="*", enable_api=False, port=0)
        self.app.ctx.agent = agent
        self._server = InProcessServer(self.app)
        self.port = int(self._server.url.rsplit(":", 1)[1])
        self.url = f"{self._server.url}/webhooks/widget"
        self.loop = self._server.loop

    def start(self) -> "Server":
        self._server.__enter__()
        return self

    def stop(self) -> None:
        self._server.__exit__(None, None, None)

    def run(self, coroutine: Awaitable) -> Any:
        """Runs a coroutine on the server's loop (to look into its tracker store)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(10)

    def post(self, path: str, body: Any = None, origin: Optional[str] = POLICE, **kwargs: Any) -> requests.Response:
        headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
        if origin is not None:
            headers["Origin"] = origin
        if body is not None and "data" not in kwargs:
            kwargs["json"] = body
        return requests.post(f"{self.url}{path}", headers=headers, timeout=10, **kwargs)

    def get(self, path: str, origin: Optional[str] = POLICE, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if origin is not None:
            headers["Origin"] = origin
        return requests.get(f"{self.url}{path}", headers=headers, timeout=10, **kwargs)


def widget_settings(**changes: Any):
    settings = dataclasses.replace(
        load_widget_settings(),
        button_key=KEY,
        conversation_messages_per_minute=1000,
        address_requests_per_minute=1000,
        trusted_proxy_hops=0,
    )
    return dataclasses.replace(settings, **changes)
