"""What the assistant's forms share when they read an answer.

An answer that cannot be used (a phone number that is not one) is asked for again, but
not without end: someone typing in distress, or on a small screen, should not be stuck.
After MAX_TRIES answers in a row that could not be used, the form stops asking that
question and offers another way instead (`another_way`, each form's own).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.content_store import content_store
from bot.actions.languages import reply_language
from bot.actions.opening_hours import uk_now
from bot.actions.rendering import render_topic
from bot.actions.topics import send

MAX_TRIES = 3


class FormValidation(FormValidationAction, ABC):
    """A form's validation with a count of unusable answers in a row (`tries_slot`).
    Abstract, so the action server does not take it for an action of its own."""

    tries_slot: Text = ""

    def accepted(self, slot: Text, value: Any) -> Dict[Text, Any]:
        """A usable answer: kept, and the count starts again."""
        return {slot: value, self.tries_slot: None}

    def not_usable(self, slot: Text, tracker: Tracker, dispatcher: CollectingDispatcher,
                   say_why: Text) -> Dict[Text, Any]:
        """Explains (the topic `say_why`) and asks again; after MAX_TRIES, another way."""
        tries = int(tracker.get_slot(self.tries_slot) or 0) + 1
        if tries >= MAX_TRIES:
            return {**self.another_way(slot, dispatcher, tracker), self.tries_slot: None}
        self.say(dispatcher, say_why, tracker)
        return {slot: None, self.tries_slot: tries}

    @abstractmethod
    def another_way(self, slot: Text, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """What the form does instead of asking `slot` again; each form says."""
        raise NotImplementedError

    @staticmethod
    def say(dispatcher: CollectingDispatcher, topic_id: Text, tracker: Tracker) -> None:
        content = content_store().current().in_language(reply_language(tracker))
        send(dispatcher, render_topic(content, content.topics[topic_id], uk_now(), with_buttons=False))
