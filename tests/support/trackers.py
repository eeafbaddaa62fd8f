"""Made-up conversations (rasa-sdk Trackers) for running one action, and running it."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import PROJECT_ROOT

CONTENT_DIR = PROJECT_ROOT / "bot" / "content"


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
