"""Asking a form's question: the words from a topic, then buttons for the choices."""
from __future__ import annotations

from typing import Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.content_model import Content
from bot.actions.content_store import content_store
from bot.actions.languages import reply_language
from bot.actions.opening_hours import uk_now
from bot.actions.rendering import Reply, render_topic
from bot.actions.topics import send


class AskQuestion:
    """Rasa calls `action_ask_<slot>` to ask for a slot; subclasses set the slot and topic.

    Not itself an Action, so the action server does not register this base as an action;
    each question is `class AskX(AskQuestion, Action)`."""

    slot: Text = ""
    topic_id: Text = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def before(self, content: Content, tracker: Tracker) -> List[Reply]:
        """Messages that come before the question, such as a read-back."""
        return []

    def buttons(self, content: Content, tracker: Tracker) -> List[Dict[Text, Text]]:
        return []

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        content = content_store().current().in_language(reply_language(tracker))
        question = render_topic(content, content.topics[self.topic_id], uk_now(), with_buttons=False)
        replies = self.before(content, tracker) + question
        replies[-1].buttons = self.buttons(content, tracker)
        send(dispatcher, replies)
        return []
