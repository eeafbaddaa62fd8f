"""Forget and retention with Rasa's Redis tracker store (issue 15), on a real Redis the
test starts: the widget's "clear" erases a conversation at once, the partner check works,
and every save sets the key to expire after the retention period the assistant promises
(CONVERSATION_RETENTION_HOURS), so Redis itself deletes an idle conversation."""
from __future__ import annotations

import asyncio
from typing import Iterator

import pytest
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.settings import load_settings
from connectors.conversations import conversation_partner, forget_conversation
from scripts.local_servers import ServerUnavailable, redis_server

RETENTION_S = load_settings().conversation_retention_seconds


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    try:
        with redis_server() as server:
            yield server.port
    except ServerUnavailable as why:
        pytest.skip(f"Redis could not be started here: {why}")


@pytest.fixture
def store(redis_port: int) -> RedisTrackerStore:
    # As the scaled deployment configures it: record_exp is the retention period.
    return RedisTrackerStore(Domain.empty(), host="127.0.0.1", port=redis_port, record_exp=RETENTION_S)


def said(sender_id: str, text: str, partner: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender_id, [UserUttered(text, metadata={"partner_id": partner})])


def test_a_conversation_is_erased_at_once_and_only_that_one(store):
    asyncio.run(store.save(said("keep-me-0001", "hello", "warwickshire-police")))
    asyncio.run(store.save(said("forget-me-01", "my name is Ann", "warwickshire-police")))
    assert asyncio.run(forget_conversation(store, "forget-me-01")) is True
    assert asyncio.run(store.retrieve("forget-me-01")) is None
    assert asyncio.run(store.retrieve("keep-me-0001")) is not None
    assert store.red.get(store.key_prefix + "forget-me-01") is None


def test_the_partner_a_conversation_was_held_on_is_found(store):
    asyncio.run(store.save(said("held-on-charity", "hello", "safe-haven-charity")))
    assert asyncio.run(conversation_partner(store, "held-on-charity")) == "safe-haven-charity"
    assert asyncio.run(conversation_partner(store, "never-seen-0001")) is None


def test_every_save_sets_the_conversation_to_expire_after_the_retention_period(store):
    key = store.key_prefix + "expiring-0001"
    asyncio.run(store.save(said("expiring-0001", "hello", "warwickshire-police")))
    store.red.expire(key, 5)  # as if most of the period had passed
    asyncio.run(store.save(said("expiring-0001", "are you still there", "warwickshire-police")))
    assert RETENTION_S - 5 <= store.red.ttl(key) <= RETENTION_S

