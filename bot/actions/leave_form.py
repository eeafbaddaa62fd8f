""""Stop" or "cancel" during a form: leave it, and keep none of its answers."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.content_store import content_store
from bot.actions.languages import reply_language
from bot.actions.handoff_form import HANDOFF_SLOTS
from bot.actions.opening_hours import uk_now
from bot.actions.oversight import count
from bot.actions.rendering import render_topic
from bot.actions.support_finder import FORM_SLOTS
from bot.actions.topics import send

# What each form says when left, and the answers it forgets.
ON_LEAVING = {
    "support_finder_form": ("stop", FORM_SLOTS),
    "handoff_form": ("handoff_cancelled", HANDOFF_SLOTS),
}


class ActionLeaveForm(Action):
    def name(self) -> Text:
        return "action_leave_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        content = content_store().current().in_language(reply_language(tracker))
        topic_id, slots = ON_LEAVING.get(tracker.active_loop.get("name"), ("stop", ()))
        if topic_id == "handoff_cancelled":
            count(tracker, "handoff_cancelled")
        send(dispatcher, render_topic(content, content.topics[topic_id], uk_now()))
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [SlotSet(slot, None) for slot in slots]
