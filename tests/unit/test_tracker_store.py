"""Conversations are kept only for the retention period the assistant promises."""
from __future__ import annotations

import asyncio

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import ExpiringInMemoryTrackerStore


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_idle_conversations_are_deleted_after_the_retention_period():
    clock = FakeClock()
    store = ExpiringInMemoryTrackerStore(Domain.empty(), retention_hours=1, clock=clock)
    tracker = DialogueStateTracker.from_events("someone", [UserUttered("hello")])

    async def scenario():
        await store.save(tracker)
        clock.now = 59 * 60
        assert await store.retrieve("someone") is not None
        clock.now = 61 * 60
        assert await store.retrieve("someone") is None
        assert list(await store.keys()) == []

    asyncio.run(scenario())


def test_a_conversation_in_use_is_kept():
    clock = FakeClock()
    store = ExpiringInMemoryTrackerStore(Domain.empty(), retention_hours=1, clock=clock)
    tracker = DialogueStateTracker.from_events("someone", [UserUttered("hello")])

    async def scenario():
        await store.save(tracker)
        clock.now = 50 * 60
        await store.save(tracker)
        clock.now = 100 * 60
        assert await store.retrieve("someone") is not None

    asyncio.run(scenario())


def test_a_saved_conversation_comes_back_as_it_was_and_later_changes_need_a_save():
    domain = Domain.from_yaml(
        "slots:\n  last_topic:\n    type: text\n    mappings:\n    - type: custom\n"
    )
    store = ExpiringInMemoryTrackerStore(domain, retention_hours=1)
    tracker = DialogueStateTracker.from_events(
        "someone",
        [UserUttered("what is clares law", {"name": "clares_law", "confidence": 0.9}), SlotSet("last_topic", "clares_law")],
        domain.slots,
    )

    async def scenario():
        await store.save(tracker)
        tracker.update(UserUttered("and sarahs law?"))
        tracker.update(SlotSet("last_topic", "sarahs_law"))
        return await store.retrieve("someone")

    kept = asyncio.run(scenario())
    assert [e.as_dict() for e in kept.events] == [e.as_dict() for e in list(tracker.events)[:2]]
    assert kept.get_slot("last_topic") == "clares_law"
    assert kept.latest_message.intent["name"] == "clares_law"


def test_only_the_latest_session_is_retrieved_and_the_full_history_on_request():
    store = ExpiringInMemoryTrackerStore(Domain.empty(), retention_hours=1)
    tracker = DialogueStateTracker.from_events(
        "someone",
        [SessionStarted(), UserUttered("first"), ActionExecuted("action_session_start"), SessionStarted(), UserUttered("second")],
    )

    async def scenario():
        await store.save(tracker)
        return await store.retrieve("someone"), await store.retrieve_full_tracker("someone")

    latest, full = asyncio.run(scenario())
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["second"]
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == ["first", "second"]
