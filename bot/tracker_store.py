"""A tracker store that keeps conversations in memory and deletes idle ones.

The assistant tells people how long their conversation is kept
(CONVERSATION_RETENTION_HOURS); this store is what makes that true. Nothing is
written to disk, and a conversation idle for longer than the retention time is
removed the next time any conversation is saved or read. `forget` removes one
at once (the widget's "clear this conversation", through
connectors/conversations.py, which does the same for Rasa's own stores).

Conversations are kept as Rasa event objects rather than as JSON text (what Rasa's
own in-memory store does): Rasa fetches and saves the conversation on every
message, and turning it into JSON and back took about 2 ms for a six-message
conversation and grew with its length (docs/benchmarks.md, "Where the time goes").
"""
from __future__ import annotations

import time
from typing import Any, Callable, Dict, Iterable, Optional, Text

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.settings import load_settings


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
