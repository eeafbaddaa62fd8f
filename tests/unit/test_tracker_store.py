"""Conversations are kept only for the retention period the assistant promises."""
from __future__ import annotations

import asyncio

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
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
