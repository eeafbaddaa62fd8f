"""The widget channel in front of the trained assistant (no action server needed):
what Rasa makes of typed text that starts with "/", of a signed button, and forget.

Loading the model takes about 20 seconds, once for this module. Skipped when no
model has been trained (scripts/setup.sh trains one).
"""
from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Restarted, SessionStarted, UserUttered

from bot.tracker_store import ExpiringInMemoryTrackerStore
from connectors.widget_signing import sign_button
from scripts.train import model_path
from tests.support.widget_server import CHARITY, KEY


@pytest.fixture(scope="module")
def agent():
    path = model_path()
    if not path.exists():
        pytest.skip(f"No trained model at {path}: run scripts/setup.sh")
    from rasa.core.agent import Agent

    return Agent.load(str(path), tracker_store=ExpiringInMemoryTrackerStore(Domain.empty(), retention_hours=1))


@pytest.fixture
def server(make_server, agent):
    return make_server(agent=agent)


def latest_user(server, conversation: str) -> UserUttered:
    tracker = server.run(server.agent.tracker_store.retrieve(conversation))
    return [e for e in tracker.events if isinstance(e, UserUttered)][-1]


def intent(event: UserUttered) -> Dict[str, Any]:
    return event.intent or {}


def test_typed_slash_commands_are_classified_as_text(server):
    conversation = "model-typed-0001"
    assert server.post("/message", {"conversation_id": conversation, "text": "/clares_law"}, origin=CHARITY).ok
    typed = latest_user(server, conversation)
    assert typed.text == "clares_law"
    # Rasa's command handler would have given clares_law with confidence exactly 1.0.
    assert not (intent(typed).get("name") == "clares_law" and intent(typed).get("confidence") == 1.0)
    assert typed.input_channel == "widget" and typed.metadata["partner_id"] == "safe-haven-charity"

    for command in ("/restart", "/session_start"):
        assert server.post("/message", {"conversation_id": conversation, "text": command}, origin=CHARITY).ok
    events = server.run(server.agent.tracker_store.retrieve_full_tracker(conversation)).events
    assert not any(isinstance(e, Restarted) for e in events)
    assert sum(isinstance(e, SessionStarted) for e in events) == 1


def test_a_signed_button_is_the_intent_it_names(server):
    conversation = "model-button-0001"
    button = {"payload": "/clares_law", "signature": sign_button(KEY, conversation, "/clares_law")}
    assert server.post("/message", {"conversation_id": conversation, "button": button}, origin=CHARITY).ok
    pressed = latest_user(server, conversation)
    assert intent(pressed) == {"name": "clares_law", "confidence": 1.0}
    assert pressed.metadata["partner_id"] == "safe-haven-charity"


def test_forget_erases_the_conversation_from_the_running_assistant(server):
    conversation = "model-forget-0001"
    assert server.post("/message", {"conversation_id": conversation, "text": "hello"}).ok
    assert server.run(server.agent.tracker_store.retrieve(conversation)) is not None
    assert server.post("/forget", {"conversation_id": conversation}).json() == {"forgotten": True}
    assert server.run(server.agent.tracker_store.retrieve(conversation)) is None
