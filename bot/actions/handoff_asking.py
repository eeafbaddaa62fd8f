"""Asking the contact form's questions: one `action_ask_<slot>` for each question in
bot/actions/handoff_form.py, and the two that do more than ask (the read-back with
consent, and which answer to change)."""
from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.content_model import Content
from bot.actions.content_store import content_store
from bot.actions.languages import reply_language
from bot.actions.handoff_answers import answers_digest, answers_from
from bot.actions.handoff_form import BY_SLOT, CHANGEABLE, QUESTIONS, Button, Question, read_back
from bot.actions.opening_hours import uk_now
from bot.actions.oversight import count
from bot.actions.questions import AskQuestion
from bot.actions.rendering import Reply, render_topic
from bot.actions.topics import send
from connectors.handoff.payload import destination_for

class AskFromTable(AskQuestion):
    """Asks one question of QUESTIONS, with its buttons."""

    question: Question

    def buttons(self, content: Content, tracker: Tracker) -> List[Button]:
        return self.question.buttons_for(content, tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if self.question is QUESTIONS[0]:
            count(tracker, "handoff_offered")  # the first question offers the contact request
        return await super().run(dispatcher, tracker, domain)  # type: ignore[misc]


class AskConfirm(AskQuestion, Action):
    """Reads every answer back, then asks for consent, and remembers a digest of what it
    read back: only those answers can be sent. After an answer that is not a clear yes
    it asks again briefly; after a second, it offers to cancel."""

    slot, topic_id = "handoff_confirm", BY_SLOT["handoff_confirm"].topic_id

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        content = content_store().current().in_language(reply_language(tracker))
        digest = answers_digest(answers_from(tracker.current_slot_values()))
        unclear = int(tracker.get_slot("handoff_unclear_answers") or 0)
        if unclear and tracker.get_slot("handoff_read_back") == digest:
            topic_id = "handoff_consent_offer_cancel" if unclear >= 2 else "handoff_consent_again"
            replies = render_topic(content, content.topics[topic_id], uk_now(), with_buttons=False)
            replies[-1].buttons = self.buttons(content, tracker, offer_cancel_first=unclear >= 2)
            send(dispatcher, replies)
            return []
        await super().run(dispatcher, tracker, domain)
        return [SlotSet("handoff_read_back", digest), SlotSet("handoff_unclear_answers", None)]

    def before(self, content: Content, tracker: Tracker) -> List[Reply]:
        police = destination_for(tracker.get_slot("handoff_topic")) == "professional_standards"
        destination = "handoff_destination_psd" if police else "handoff_destination_general"
        return (
            render_topic(content, content.topics["handoff_ask_confirm"], uk_now(), with_buttons=False)
            + [Reply(read_back(content, tracker))]
            + render_topic(content, content.topics[destination], uk_now(), with_buttons=False)
        )

    def buttons(self, content: Content, tracker: Tracker, offer_cancel_first: bool = False) -> List[Button]:
        words = content.handoff
        send_it = words.button("send_it", '/inform{"handoff_confirm":"yes"}')
        change = words.button("change", '/inform{"handoff_confirm":"change"}')
        restart = words.button("start_again", '/inform{"handoff_confirm":"restart"}')
        if offer_cancel_first:
            return [words.button("cancel_send_nothing", "/stop"), send_it, change]
        return [send_it, change, restart, words.button("cancel", "/stop")]


class AskChange(AskQuestion, Action):
    """Which answer to change: the changeable ones this person gave."""

    slot, topic_id = "handoff_change", BY_SLOT["handoff_change"].topic_id

    def buttons(self, content: Content, tracker: Tracker) -> List[Button]:
        labels = content.handoff.summary_labels
        given = [slot for slot in CHANGEABLE if tracker.get_slot(slot) is not None]
        return [{"title": labels.get(slot, slot), "payload": f'/inform{{"handoff_change":"{slot}"}}'} for slot in given]


def _ask_action(question: Question) -> type:
    """`action_ask_<slot>` for a question that needs nothing but its words and buttons."""
    name = "Ask_" + question.slot
    return type(name, (AskFromTable, Action), {"question": question, "slot": question.slot,
                                               "topic_id": question.topic_id, "__module__": __name__})


ASKED_SPECIALLY = {AskConfirm.slot: AskConfirm, AskChange.slot: AskChange}
ASK_ACTIONS = {question.slot: ASKED_SPECIALLY.get(question.slot) or _ask_action(question) for question in QUESTIONS}
