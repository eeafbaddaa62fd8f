"""The safe handoff: asking the police to contact someone, safely and only with consent.

The form asks only what the answers so far make necessary (no number when the
person will call us), reads everything back, and sends nothing without a final
"yes". The request then goes to the outbox in connectors/handoff, which keeps
it until it is delivered. Answers are wiped from the conversation afterwards.
"""
from __future__ import annotations

import asyncio

import hashlib
import json
from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.content_model import OUTSIDE, Choice, Content, HandoffOptions
from bot.actions.content_store import content_store
from bot.actions.consent import YES, carries_other_answers, consent_answer
from bot.actions.contact_details import (
    is_skip,
    normalise_email,
    normalise_uk_phone,
    wants_another_way,
    yes_or_no,
)
from bot.actions.opening_hours import uk_now
from bot.actions.questions import AskQuestion
from bot.actions.rendering import Reply, render_topic
from bot.actions.topics import send
from connectors.handoff import HandoffError, accept_handoff, utc_now_iso

HANDOFF_SLOTS = (
    "handoff_go_ahead", "handoff_topic", "handoff_name", "contact_method", "contact_phone", "contact_email",
    "safe_times", "voicemail_ok", "others_may_answer", "if_someone_else_answers", "handoff_area",
    "access_needs", "handoff_confirm", "handoff_change", "handoff_read_back", "handoff_unclear_answers",
)
# Shown when someone chose to skip; sent to the force as "not given".
SKIPPED = "skipped"
NEEDS_A_NUMBER = ("call", "text")
MAX_FREE_TEXT = 200
CHANGEABLE = (
    "handoff_topic", "handoff_name", "contact_method", "safe_times", "voicemail_ok",
    "others_may_answer", "if_someone_else_answers", "handoff_area", "access_needs",
)
# Answers that follow from another: changing the first means asking these again.
DEPENDS_ON = {
    "contact_method": ("contact_phone", "contact_email", "safe_times", "voicemail_ok", "others_may_answer", "if_someone_else_answers"),
    "others_may_answer": ("if_someone_else_answers",),
}


def clear_handoff() -> List[EventType]:
    return [SlotSet(slot, None) for slot in HANDOFF_SLOTS]


def slots_to_ask(tracker: Tracker) -> List[Text]:
    """The questions this person needs, given their answers so far."""
    slots = ["handoff_go_ahead"]
    if tracker.get_slot("handoff_go_ahead") is False:
        return slots
    slots += ["handoff_topic", "handoff_name", "contact_method"]
    method = tracker.get_slot("contact_method")
    if method in NEEDS_A_NUMBER:
        slots += ["contact_phone", "safe_times"]
    if method == "call":
        slots.append("voicemail_ok")
    if method == "email":
        slots.append("contact_email")
    if method in ("call", "text", "email"):
        slots.append("others_may_answer")
        if tracker.get_slot("others_may_answer") == "yes":
            slots.append("if_someone_else_answers")
    slots.append("handoff_area")
    if tracker.get_slot("handoff_area") == OUTSIDE:
        return slots
    slots += ["access_needs", "handoff_confirm"]
    if tracker.get_slot("handoff_confirm") == "change":
        slots.append("handoff_change")
    return slots


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


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_handoff_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return slots_to_ask(tracker)

    @staticmethod
    def _options() -> HandoffOptions:
        return content_store().current().handoff

    def validate_handoff_topic(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = str(value).lower()
        topic = _match_choice(text, self._options().topics)
        if topic is None and any(word in text for word in ("police", "officer", "copper", "pc ")):
            topic = "police_abuse"
        return {"handoff_topic": topic or "other"}

    def validate_handoff_name(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"handoff_name": _free_text(value)[:60]}

    def validate_contact_method(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = str(value).lower()
        method = _match_choice(text, self._options().methods)
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

    def _another_way(self) -> Dict[Text, Any]:
        return {"contact_method": None, "contact_phone": None, "contact_email": None}

    def validate_contact_phone(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if wants_another_way(str(value)):
            return self._another_way()
        number = normalise_uk_phone(str(value))
        if number is None:
            _say(dispatcher, "handoff_invalid_phone")
        return {"contact_phone": number}

    def validate_contact_email(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if wants_another_way(str(value)):
            return self._another_way()
        email = normalise_email(str(value))
        if email is None:
            _say(dispatcher, "handoff_invalid_email")
        return {"contact_email": email}

    def validate_safe_times(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = _free_text(value)
        return {"safe_times": "any time" if text == SKIPPED else text}

    def validate_voicemail_ok(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"voicemail_ok": yes_or_no(str(value), unsure_means="no")}

    def validate_others_may_answer(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"others_may_answer": yes_or_no(str(value), unsure_means="yes")}

    def validate_if_someone_else_answers(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        choice = _match_choice(str(value), self._options().someone_else_answers)
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
        labels = self._options().summary_labels
        text = str(value).strip().lower()
        field = next((f for f in CHANGEABLE if text in (f, labels.get(f, "").lower())), None)
        if field is None:
            return {"handoff_change": None}
        cleared = {slot: None for slot in (field,) + DEPENDS_ON.get(field, ())}
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


def _say(dispatcher: CollectingDispatcher, topic_id: Text, **fill: Text) -> None:
    content = content_store().current()
    replies = render_topic(content, content.topics[topic_id], uk_now(), with_buttons=False)
    for reply in replies:
        for key, value in fill.items():
            reply.text = reply.text.replace("{" + key + "}", value)
    send(dispatcher, replies)


def _buttons(choices: tuple, slot: Text) -> List[Dict[Text, Text]]:
    return [{"title": c.label, "payload": f'/inform{{"{slot}":"{c.id}"}}'} for c in choices]


def _yes_no_buttons(content: Content) -> List[Dict[Text, Text]]:
    return [content.handoff.button("yes", "/affirm"), content.handoff.button("no", "/deny")]


class AskGoAhead(AskQuestion, Action):
    slot, topic_id = "handoff_go_ahead", "handoff_ask_go_ahead"

    def buttons(self, content, tracker):
        return [content.handoff.button("go_ahead", "/affirm"), content.handoff.button("no_thanks", "/deny")]


class AskTopic(AskQuestion, Action):
    slot, topic_id = "handoff_topic", "handoff_ask_topic"

    def buttons(self, content, tracker):
        return _buttons(content.handoff.topics, "handoff_topic")


class AskName(AskQuestion, Action):
    slot, topic_id = "handoff_name", "handoff_ask_name"

    def buttons(self, content, tracker):
        return [content.handoff.button("skip", "skip")]


class AskMethod(AskQuestion, Action):
    slot, topic_id = "contact_method", "handoff_ask_method"

    def buttons(self, content, tracker):
        return _buttons(content.handoff.methods, "contact_method")


class AskPhone(AskQuestion, Action):
    slot, topic_id = "contact_phone", "handoff_ask_phone"


class AskEmail(AskQuestion, Action):
    slot, topic_id = "contact_email", "handoff_ask_email"


class AskSafeTimes(AskQuestion, Action):
    slot, topic_id = "safe_times", "handoff_ask_safe_times"

    def buttons(self, content, tracker):
        return [content.handoff.button("any_time", "any time")]


class AskVoicemail(AskQuestion, Action):
    slot, topic_id = "voicemail_ok", "handoff_ask_voicemail"

    def buttons(self, content, tracker):
        return _yes_no_buttons(content)


class AskOthers(AskQuestion, Action):
    slot, topic_id = "others_may_answer", "handoff_ask_others"

    def buttons(self, content, tracker):
        return _yes_no_buttons(content)


class AskIfSomeoneElse(AskQuestion, Action):
    slot, topic_id = "if_someone_else_answers", "handoff_ask_if_someone_else"

    def buttons(self, content, tracker):
        return _buttons(content.handoff.someone_else_answers, "if_someone_else_answers")


class AskArea(AskQuestion, Action):
    slot, topic_id = "handoff_area", "handoff_ask_area"

    def buttons(self, content, tracker):
        finder = content.finder
        areas = tuple(Choice(a.id, a.label) for a in finder.areas) + (Choice(OUTSIDE, finder.outside_label),)
        return [{"title": c.label, "payload": f'/inform{{"area":"{c.id}"}}'} for c in areas]


class AskNeeds(AskQuestion, Action):
    slot, topic_id = "access_needs", "handoff_ask_needs"

    def buttons(self, content, tracker):
        return [content.handoff.button("no_needs", "no")]


class AskConfirm(AskQuestion, Action):
    """Reads every answer back, then asks for consent, and remembers a digest of what it
    read back: only those answers can be sent. After an answer that is not a clear yes
    it asks again briefly; after a second, it offers to cancel."""

    slot, topic_id = "handoff_confirm", "handoff_consent"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        content = content_store().current()
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

    def before(self, content, tracker):
        destination = "handoff_destination_psd" if tracker.get_slot("handoff_topic") == "police_abuse" else "handoff_destination_general"
        return (
            render_topic(content, content.topics["handoff_ask_confirm"], uk_now(), with_buttons=False)
            + [Reply(read_back(content, tracker))]
            + render_topic(content, content.topics[destination], uk_now(), with_buttons=False)
        )

    def buttons(self, content, tracker, offer_cancel_first: bool = False):
        words = content.handoff
        send_it = words.button("send_it", '/inform{"handoff_confirm":"yes"}')
        change = words.button("change", '/inform{"handoff_confirm":"change"}')
        restart = words.button("start_again", '/inform{"handoff_confirm":"restart"}')
        if offer_cancel_first:
            return [words.button("cancel_send_nothing", "/stop"), send_it, change]
        return [send_it, change, restart, words.button("cancel", "/stop")]


class AskChange(AskQuestion, Action):
    slot, topic_id = "handoff_change", "handoff_ask_change"

    def buttons(self, content, tracker):
        labels = content.handoff.summary_labels
        asked = [f for f in CHANGEABLE if tracker.get_slot(f) is not None]
        return [{"title": labels.get(f, f), "payload": f'/inform{{"handoff_change":"{f}"}}'} for f in asked]


def read_back(content: Content, tracker: Tracker) -> Text:
    """The person's answers, in the words they will recognise."""
    options, labels = content.handoff, content.handoff.summary_labels
    shown = {
        "handoff_topic": options.label_of(options.topics, tracker.get_slot("handoff_topic")),
        "contact_method": options.label_of(options.methods, tracker.get_slot("contact_method")),
        "if_someone_else_answers": options.label_of(options.someone_else_answers, tracker.get_slot("if_someone_else_answers")),
        "handoff_area": content.finder.area_label(tracker.get_slot("handoff_area") or ""),
    }
    lines = []
    for slot in slots_to_ask(tracker):
        if slot not in labels or tracker.get_slot(slot) is None:
            continue
        value = shown.get(slot) or str(tracker.get_slot(slot))
        lines.append(f"{labels[slot]}: {'not given' if value == SKIPPED else value}")
    return "\n".join(lines)


def _given(value: Optional[Text]) -> Optional[Text]:
    return None if value in (None, SKIPPED, "none") else value


def _asks_for_interpreter(needs: Text) -> bool:
    return any(word in needs.lower() for word in ("interpret", "translat", "language"))


def _partner_id(tracker: Tracker, channel: Text) -> Optional[Text]:
    """The partner site the widget ran on. The widget channel sets it from its own
    partner list; other channels (the REST channel passes on any metadata a client
    sends) are not trusted with it."""
    if channel != "widget":
        return None
    metadata = (tracker.latest_message or {}).get("metadata")
    partner_id = metadata.get("partner_id") if isinstance(metadata, dict) else None
    return partner_id if isinstance(partner_id, str) else None


def answers_from(slots: Mapping[Text, Any]) -> Dict[Text, Any]:
    """What the person asked for: the part of the handoff request their answers decide,
    in the shape docs/handoff-contract.md sets out."""
    topic = slots.get("handoff_topic") or "other"
    needs = _given(slots.get("access_needs"))
    method = slots.get("contact_method")
    yes_no = {"yes": True, "no": False}
    return {
        "destination": "professional_standards" if topic == "police_abuse" else "general",
        "topic": topic,
        "name": _given(slots.get("handoff_name")),
        "contact": {
            "method": method,
            "phone": slots.get("contact_phone") if method in NEEDS_A_NUMBER else None,
            "email": slots.get("contact_email") if method == "email" else None,
            "safe_times": _given(slots.get("safe_times")),
            "voicemail_ok": yes_no.get(slots.get("voicemail_ok")),
            "text_ok": True if method == "text" else None,
            "others_may_answer": yes_no.get(slots.get("others_may_answer")),
            "if_someone_else_answers": _given(slots.get("if_someone_else_answers")),
        },
        "area": slots.get("handoff_area"),
        "needs": {
            "interpreter": needs[:60] if needs and _asks_for_interpreter(needs) else None,
            "accessibility": needs if needs and not _asks_for_interpreter(needs) else None,
        },
    }


def answers_digest(answers: Dict[Text, Any]) -> Text:
    """A fingerprint of the answers: equal only when every answer is the same."""
    return hashlib.sha256(json.dumps(answers, sort_keys=True).encode("utf-8")).hexdigest()


def build_payload(tracker: Tracker, content: Content) -> Dict[Text, Any]:
    """The whole handoff request: the answers, where it came from, and the consent."""
    channel = tracker.get_latest_input_channel() or "unknown"
    return {
        **answers_from(tracker.current_slot_values()),
        "source": {"channel": channel, "partner_id": _partner_id(tracker, channel)},
        "consent": {"given_at": utc_now_iso(), "wording_version": content.handoff.consent_version},
    }


class ActionFinishHandoff(Action):
    """Sends the request only after a "yes" to exactly what was read back; always wipes
    the answers from the conversation."""

    def name(self) -> Text:
        return "action_finish_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        content = content_store().current()
        if tracker.get_slot("handoff_go_ahead") is False:
            outcome = ["handoff_declined"]
        elif tracker.get_slot("handoff_area") == OUTSIDE:
            outcome = ["handoff_outside"]
        elif tracker.get_slot("handoff_confirm") == "yes":
            outcome = await self._submit(tracker, content)
        else:
            outcome = ["handoff_cancelled"]
        topic_id, fill = outcome[0], (outcome[1] if len(outcome) > 1 else {})
        replies = render_topic(content, content.topics[topic_id], uk_now())
        for reply in replies:
            for key, value in fill.items():
                reply.text = reply.text.replace("{" + key + "}", value)
        send(dispatcher, replies)
        return clear_handoff()

    @staticmethod
    async def _submit(tracker: Tracker, content: Content) -> list:
        answers = answers_from(tracker.current_slot_values())
        if answers_digest(answers) != tracker.get_slot("handoff_read_back"):
            # The form checks this too; this is the last line before the force.
            return ["handoff_not_sent_changed"]
        try:
            # The outbox writes with a full disk sync (and may wait for a lock): in a
            # thread, so every other conversation is answered meanwhile.
            reference = await asyncio.to_thread(accept_handoff, build_payload(tracker, content))
        except HandoffError:
            return ["handoff_failed"]
        sent = "handoff_sent_self_contact" if tracker.get_slot("contact_method") == "they_will_contact" else "handoff_sent"
        return [sent, {"reference": reference}]
