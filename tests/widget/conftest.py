"""Fixtures for the widget channel's tests: a server of its own for each test, one for
many generated requests, and the real content (tests/support/widget_server.py)."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

from connectors.widget_channel import WidgetInput
from tests.support.widget_server import Server, StubAgent, widget_settings


@pytest.fixture
def make_server() -> Iterator[Callable[..., Server]]:
    servers: List[Server] = []

    def make(agent: Optional[StubAgent] = None, static_dir=None, **settings: Any) -> Server:
        kwargs: Dict[str, Any] = {"settings": widget_settings(**settings)}
        if static_dir is not None:
            kwargs["static_dir"] = static_dir
        server = Server(WidgetInput(**kwargs), agent or StubAgent()).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def server(make_server) -> Server:
    return make_server()


@pytest.fixture(scope="module")
def unlimited_server() -> Iterator[Server]:
    """One server for many generated requests, with rate limits too high for them to meet."""
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.shared.core.domain import Domain

    from bot.tracker_store import ExpiringInMemoryTrackerStore

    agent = StubAgent(tracker_store=ExpiringInMemoryTrackerStore(Domain.empty(), retention_hours=1),
                      lock_store=InMemoryLockStore())
    settings = widget_settings(conversation_messages_per_minute=10**9, address_requests_per_minute=10**9)
    server = Server(WidgetInput(settings=settings), agent).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def content():
    from bot.actions.content_store import check_directory
    from bot.settings import PROJECT_ROOT

    result = check_directory(PROJECT_ROOT / "bot" / "content")
    assert result.ok, result.problems
    return result.content
