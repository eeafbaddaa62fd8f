"""What the channels do to stored conversations, whichever tracker store Rasa runs with:
erase one (the widget's "clear this conversation") and find the partner site it was
held on (only that site may erase it)."""
from __future__ import annotations

import inspect
import logging
from typing import Iterator, Optional, Text

from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    RedisTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)


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

    The assistant's ExpiringInMemoryTrackerStore, and any store with a
    `forget(sender_id)` method, is asked to forget it; Rasa's in-memory, Redis and SQL
    stores (those docs/privacy.md and issue 15 name) have its records deleted. Wrappers are looked through. A store of an unknown kind
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
