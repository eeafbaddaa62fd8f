"""Someone asks for a named service ("refuge number", "samaritans helpline"): its details at once.

The names people use for a service live in content (`name` and `also_called` in
bot/content/services.yml), so comms staff can add one without touching code. When no
service is named, the main helplines are listed and the person is asked which they want.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.content_store import content_store
from bot.actions.languages import reply_language
from bot.actions.opening_hours import uk_now
from bot.actions.rendering import render_services, render_topic
from bot.actions.topics import SERVICE_TOPIC, count_answer, intro_if_not_shown, leave_active_form, send


class ActionAnswerServiceContact(Action):
    def name(self) -> Text:
        return "action_answer_service_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content, now = content_store().current().in_language(reply_language(tracker)), uk_now()
        topic = content.topics[SERVICE_TOPIC]
        named = content.services_named_in(tracker.latest_message.get("text") or "")
        replies = render_services(content, named, topic.buttons, now) if named else render_topic(content, topic, now)
        intro = intro_if_not_shown(tracker, content)
        count_answer(tracker, content, topic, started=bool(intro))
        send(dispatcher, intro + replies)
        return [SlotSet("intro_shown", True)] + leave_active_form(tracker)
