"""Fixtures shared by the unit tests: the real content, trackers and a dispatcher."""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.content_model import Content
from bot.actions.content_store import check_directory
from bot.settings import PROJECT_ROOT

CONTENT_DIR = PROJECT_ROOT / "bot" / "content"


@pytest.fixture(scope="session")
def content() -> Content:
    result = check_directory(CONTENT_DIR)
    assert result.ok, result.problems
    return result.content


def make_tracker(
    intent: str = "greet",
    text: str = "",
    ranking: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
    confidence: float = 0.9,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
        "entities": [],
        "text": text,
    }
    return Tracker(
        sender_id="test-conversation",
        slots={"intro_shown": True, **(slots or {})},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run_action(action, tracker: Tracker, domain: Optional[Dict] = None):
    """Runs an action; returns (texts sent, all messages, events)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or {}))
    return [m.get("text") for m in dispatcher.messages], dispatcher.messages, events


@pytest.fixture
def monday_morning() -> datetime:
    from bot.actions.opening_hours import UK_TIME

    return datetime(2026, 11, 23, 11, 0, tzinfo=UK_TIME)
