"""A tracker store that keeps conversations in memory and deletes idle ones.

The assistant tells people how long their conversation is kept
(CONVERSATION_RETENTION_HOURS); this store is what makes that true. Nothing is
written to disk, and a conversation idle for longer than the retention time is
removed the next time any conversation is saved or read. `forget` removes one
at once (the widget's "clear this conversation"); `forget_conversation` does the
same for whichever tracker store Rasa was given.

Conversations are kept as Rasa event objects rather than as JSON text (what Rasa's
own in-memory store does): Rasa fetches and saves the conversation on every
message, and turning it into JSON and back took about 2 ms for a six-message
conversation and grew with its length (docs/benchmarks.md, "Where the time goes").
"""
from __future__ import annotations

import inspect
import logging
import time
from typing import Any, Callable, Dict, Iterable, Iterator, Optional, Text

from bot.settings import load_settings

from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    DynamoTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    MongoTrackerStore,
    RedisTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)


class ExpiringInMemoryTrackerStore(InMemoryTrackerStore):
    def __init__(
        self,
        domain: Domain,
        retention_hours: Optional[float] = None,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("host", None)
        super().__init__(domain, **kwargs)
        if retention_hours is None:
            retention_hours = load_settings().conversation_retention_hours
        self.retention_seconds = float(retention_hours) * 3600
        self._clock = clock
        self._last_used: Dict[Text, float] = {}

    def forget(self, sender_id: Text) -> None:
        """Deletes one conversation now, whether or not it exists."""
        self.store.pop(sender_id, None)
        self._last_used.pop(sender_id, None)

    def forget_idle(self) -> None:
        cutoff = self._clock() - self.retention_seconds
        for sender_id in [s for s, used in self._last_used.items() if used < cutoff]:
            self.store.pop(sender_id, None)
            self._last_used.pop(sender_id, None)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self.forget_idle()
        await self.stream_events(tracker)
        # A copy of the list of events; the events themselves are not changed once logged.
        self.store[tracker.sender_id] = tracker.as_dialogue()
        self._last_used[tracker.sender_id] = self._clock()

    def deserialise_tracker(self, sender_id: Text, dialogue: Dialogue) -> Optional[DialogueStateTracker]:
        """Rebuilds a conversation from its saved events (Rasa's retrieve calls this)."""
        tracker = self.init_tracker(sender_id)
        tracker.recreate_from_dialogue(dialogue)
        return tracker

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self.forget_idle()
        return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self.forget_idle()
        return await super().retrieve_full_tracker(sender_id)

    async def keys(self) -> Iterable[Text]:
        self.forget_idle()
        return await super().keys()


def _stores(tracker_store: TrackerStore) -> Iterator[TrackerStore]:
    """The store itself and any it wraps: Rasa wraps the configured store in a
    FailSafeTrackerStore (with an in-memory fallback used when the main one fails)
    and, for stores with non-async methods, an AwaitableTrackerStore."""
    yield tracker_store
    for attribute in ("_tracker_store", "_fallback_tracker_store"):
        inner = getattr(tracker_store, attribute, None)
        if isinstance(inner, TrackerStore):
            yield from _stores(inner)


async def _forget_in(store: TrackerStore, sender_id: Text) -> bool:
    """Deletes the conversation from one store; False if this kind of store is not known."""
    forget = getattr(store, "forget", None)
    if callable(forget):
        result = forget(sender_id)
        if inspect.isawaitable(result):
            await result
        return True
    if isinstance(store, InMemoryTrackerStore):
        store.store.pop(sender_id, None)
        return True
    if isinstance(store, RedisTrackerStore):
        store.red.delete(store.key_prefix + sender_id)
        return True
    if isinstance(store, SQLTrackerStore):
        with store.session_scope() as session:
            session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return True
    if isinstance(store, MongoTrackerStore):
        store.conversations.delete_one({"sender_id": sender_id})
        return True
    if isinstance(store, DynamoTrackerStore):
        store.db.delete_item(Key={"sender_id": sender_id})
        return True
    return False


async def conversation_partner(tracker_store: TrackerStore, sender_id: Text) -> Optional[Text]:
    """The partner site a conversation was held on (the widget channel records it with
    each message), or None for a conversation the store does not have."""
    tracker = tracker_store.retrieve(sender_id)
    if inspect.isawaitable(tracker):
        tracker = await tracker
    if tracker is None:
        return None
    for event in tracker.events:
        partner = (getattr(event, "metadata", None) or {}).get("partner_id") if isinstance(event, UserUttered) else None
        if partner:
            return partner
    return None


async def forget_conversation(tracker_store: TrackerStore, sender_id: Text) -> bool:
    """Erases one conversation from the tracker store Rasa runs with.

    Our ExpiringInMemoryTrackerStore, and any store with a `forget(sender_id)` method,
    is asked to forget it; Rasa's in-memory, Redis, SQL, MongoDB and DynamoDB stores
    have its records deleted. Wrappers are looked through. A store of an unknown kind
    is sent an empty conversation in its place, which erases it from stores that
    overwrite a conversation when they save it (not from those that only append):
    then False is returned and a warning logged, so an operator can add a `forget`
    method. Events already sent to an event broker are not recalled.
    """
    handled = False
    unknown = []
    for store in _stores(tracker_store):
        if isinstance(store, (FailSafeTrackerStore, AwaitableTrackerStore)):
            continue  # wrappers hold nothing of their own
        if await _forget_in(store, sender_id):
            handled = True
        else:
            unknown.append(store)
    for store in unknown:
        saved = store.save(DialogueStateTracker.from_events(sender_id, []))
        if inspect.isawaitable(saved):
            await saved
        logger.warning(
            "Tracker store %s has no way to delete a conversation: an empty one was saved in its place. "
            "Give it a forget(sender_id) method so conversations are erased.",
            type(store).__name__,
        )
    return handled and not unknown
