"""The safe handoff: asking the police to contact someone, safely and only with consent.

The form asks only what the answers so far make necessary (no number when the
person will call us), reads everything back, and sends nothing without a final
"yes". The request then goes to the outbox in connectors/handoff, which keeps
it until it is delivered. Answers are wiped from the conversation afterwards.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.consent import YES, carries_other_answers, consent_answer
from bot.actions.contact_details import is_skip, normalise_email, normalise_uk_phone, wants_another_way, yes_or_no
from bot.actions.content_model import OUTSIDE, Choice, Content, HandoffOptions
from bot.actions.content_store import content_store
from bot.actions.form_validation import FormValidation
from bot.actions.handoff_answers import SKIPPED, answers_digest, answers_from
from bot.actions.handoff_form import CHANGEABLE, HANDOFF_SLOTS, cleared_by_changing, clear_handoff, slots_to_ask
from bot.actions.opening_hours import uk_now
from bot.actions.languages import reply_language
from bot.actions.oversight import count, source_of
from bot.actions.rendering import render_topic
from bot.actions.topics import send
from connectors.handoff import HandoffError, accept_handoff, utc_now_iso

MAX_FREE_TEXT = 200


def _match_choice(text: Text, choices: tuple) -> Optional[Text]:
    """Exact id or label; or a several-word id named in the text ("domestic abuse")."""
    lowered = text.strip().lower()
    for choice in choices:
        if lowered in (choice.id, choice.label.lower()):
            return choice.id
    for choice in choices:
        if "_" in choice.id and choice.id.replace("_", " ") in lowered:
            return choice.id
    return None


def _free_text(value: Any) -> Text:
    text = str(value).strip()
    return SKIPPED if is_skip(text) else text[:MAX_FREE_TEXT]


class ValidateHandoffForm(FormValidation):
    """Reads each answer; asks only the questions the answers so far need
    (bot/actions/handoff_form.py); a number or email that cannot be read three times
    running goes back to the choice of how to be contacted."""

    tries_slot = "handoff_failed_tries"

    def name(self) -> Text:
        return "validate_handoff_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return slots_to_ask(tracker)

    @staticmethod
    def _options(tracker: Tracker) -> HandoffOptions:
        """The form's words in the conversation's language."""
        return content_store().current().in_language(reply_language(tracker)).handoff

    @staticmethod
    def _choices(tracker: Tracker, part: Text) -> Tuple[Choice, ...]:
        """A part's choices in the conversation's language and in English: a typed label
        matches in either."""
        content = content_store().current()
        translated = content.in_language(reply_language(tracker)).handoff
        return tuple(getattr(translated, part)) + tuple(getattr(content.handoff, part))

    def validate_handoff_topic(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = str(value).lower()
        topic = _match_choice(text, self._choices(tracker, "topics"))
        if topic is None and any(word in text for word in ("police", "officer", "copper", "pc ")):
            topic = "police_abuse"
        return {"handoff_topic": topic or "other"}

    def validate_handoff_name(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"handoff_name": _free_text(value)[:60]}

    def validate_contact_method(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = str(value).lower()
        method = _match_choice(text, self._choices(tracker, "methods"))
        if method is None:
            if "email" in text or "e-mail" in text:
                method = "email"
            elif "text" in text or "sms" in text or "message" in text:
                method = "text"
            elif "call" in text or "phone" in text or "ring" in text:
                method = "call" if "i'll" not in text and "i will" not in text else "they_will_contact"
            elif "i'll" in text or "i will" in text or "myself" in text:
                method = "they_will_contact"
        return {"contact_method": method}

    def _choose_method_again(self) -> Dict[Text, Any]:
        """Back to the choice of how to be contacted."""
        return {"contact_method": None, "contact_phone": None, "contact_email": None, self.tries_slot: None}

    def another_way(self, slot: Text, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """After three unreadable numbers or emails: say so, and choose again."""
        self.say(dispatcher, "handoff_too_many_tries", tracker)
        return self._choose_method_again()

    def validate_contact_phone(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if wants_another_way(str(value)):
            return self._choose_method_again()
        number = normalise_uk_phone(str(value))
        if number is None:
            return self.not_usable("contact_phone", tracker, dispatcher, "handoff_invalid_phone")
        return self.accepted("contact_phone", number)

    def validate_contact_email(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if wants_another_way(str(value)):
            return self._choose_method_again()
        email = normalise_email(str(value))
        if email is None:
            return self.not_usable("contact_email", tracker, dispatcher, "handoff_invalid_email")
        return self.accepted("contact_email", email)

    def validate_safe_times(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = _free_text(value)
        return {"safe_times": "any time" if text == SKIPPED else text}

    def validate_voicemail_ok(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"voicemail_ok": yes_or_no(str(value), unsure_means="no")}

    def validate_others_may_answer(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"others_may_answer": yes_or_no(str(value), unsure_means="yes")}

    def validate_if_someone_else_answers(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        choice = _match_choice(str(value), self._choices(tracker, "someone_else_answers"))
        return {"if_someone_else_answers": choice or _free_text(value)}

    def validate_handoff_area(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"handoff_area": content_store().current().finder.match_area(str(value))}

    def validate_access_needs(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = str(value)
        none = is_skip(text) or yes_or_no(text, unsure_means="") == "no"
        return {"access_needs": "none" if none else text.strip()[:MAX_FREE_TEXT]}

    def validate_handoff_confirm(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        """Only the "Yes, send it" button or a plain typed yes is consent (bot/actions/consent.py).
        Anything else is asked again; "cancel" and danger now have their own rules."""
        message = tracker.latest_message or {}
        if carries_other_answers(message):
            # Only the question asked can be answered; read everything back again.
            return {"handoff_confirm": None, "handoff_read_back": None, "handoff_unclear_answers": None}
        answer = consent_answer(message)
        if answer is not None:
            return {"handoff_confirm": answer, "handoff_unclear_answers": None}
        unclear = int(tracker.get_slot("handoff_unclear_answers") or 0) + 1
        return {"handoff_confirm": None, "handoff_unclear_answers": unclear}

    def validate_handoff_change(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        labels, english = self._options(tracker).summary_labels, content_store().current().handoff.summary_labels
        text = str(value).strip().lower()
        field = next((f for f in CHANGEABLE if text in (f, labels.get(f, "").lower(), english.get(f, "").lower())), None)
        if field is None:
            return {"handoff_change": None}
        cleared = {slot: None for slot in cleared_by_changing(field)}
        return {**cleared, "handoff_confirm": None, "handoff_change": None, "handoff_unclear_answers": None}

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        confirm = _value_set(events, "handoff_confirm")
        if confirm == "restart":
            # Start again: forget every answer, keep the go-ahead.
            return [SlotSet(slot, None) for slot in HANDOFF_SLOTS if slot != "handoff_go_ahead"] + [
                SlotSet("requested_slot", "handoff_topic")
            ]
        if confirm == YES and not _matches_read_back(tracker, events):
            # Something differs from what the person saw: no send; read everything back again.
            return events + [SlotSet("handoff_confirm", None), SlotSet("handoff_read_back", None)]
        return events


def _value_set(events: List[EventType], slot: Text) -> Any:
    """The last value `events` give `slot`, or None."""
    values = [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == slot]
    return values[-1] if values else None


def _matches_read_back(tracker: Tracker, events: List[EventType]) -> bool:
    """Whether the answers, with `events` applied, are exactly the ones last read back."""
    slots = dict(tracker.current_slot_values())
    slots.update({e["name"]: e.get("value") for e in events if e.get("event") == "slot"})
    return tracker.get_slot("handoff_read_back") == answers_digest(answers_from(slots))


def build_payload(tracker: Tracker, content: Content) -> Dict[Text, Any]:
    """The whole handoff request: the answers, where it came from, and the consent."""
    channel, partner_id = source_of(tracker)
    return {
        **answers_from(tracker.current_slot_values()),
        "source": {"channel": channel, "partner_id": partner_id},
        "consent": {"given_at": utc_now_iso(), "wording_version": content.handoff.consent_version},
    }


def count_outcome(tracker: Tracker, topic_id: Text) -> None:
    """Declined at the start, cancelled (or outside the area), or failed; accepted is
    counted with its destination where the request is stored."""
    outcome = {"handoff_declined": "handoff_declined", "handoff_outside": "handoff_cancelled",
               "handoff_cancelled": "handoff_cancelled", "handoff_failed": "handoff_failed"}.get(topic_id)
    if outcome:
        count(tracker, outcome)


class ActionFinishHandoff(Action):
    """Sends the request only after a "yes" to exactly what was read back; always wipes
    the answers from the conversation."""

    def name(self) -> Text:
        return "action_finish_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        content = content_store().current().in_language(reply_language(tracker))
        reference = None
        if tracker.get_slot("handoff_go_ahead") is False:
            topic_id = "handoff_declined"
        elif tracker.get_slot("handoff_area") == OUTSIDE:
            topic_id = "handoff_outside"
        elif tracker.get_slot("handoff_confirm") == "yes":
            count(tracker, "handoff_consented")
            topic_id, reference = await self._submit(tracker, content)
        else:
            topic_id = "handoff_cancelled"
        count_outcome(tracker, topic_id)
        replies = render_topic(content, content.topics[topic_id], uk_now())
        if reference is not None:
            for reply in replies:
                reply.text = reply.text.replace("{reference}", reference)
        send(dispatcher, replies)
        return clear_handoff()

    @staticmethod
    async def _submit(tracker: Tracker, content: Content) -> Tuple[Text, Optional[Text]]:
        """The topic to answer with, and the reference when the request was accepted."""
        answers = answers_from(tracker.current_slot_values())
        if answers_digest(answers) != tracker.get_slot("handoff_read_back"):
            # The form checks this too; this is the last line before the force.
            return "handoff_not_sent_changed", None
        try:
            # The outbox writes with a full disk sync (and may wait for a lock): in a
            # thread, so every other conversation is answered meanwhile.
            reference = await asyncio.to_thread(accept_handoff, build_payload(tracker, content))
        except HandoffError:
            return "handoff_failed", None
        count(tracker, "handoff_accepted", str(answers["destination"]))
        sent = "handoff_sent_self_contact" if tracker.get_slot("contact_method") == "they_will_contact" else "handoff_sent"
        return sent, reference
