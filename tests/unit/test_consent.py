"""Consent at the end of the safe handoff: only a clear yes to exactly what was read back sends.

The running assistant is tested with people's typed answers in
tests/integration/test_consent.py; these tests check each rule on its own.
"""
from __future__ import annotations

import asyncio

import pytest
import yaml
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import bot.actions.handoff as handoff
from bot.actions.consent import consent_answer, is_plain_yes
from bot.actions.handoff import ActionFinishHandoff, ValidateHandoffForm
from bot.actions.handoff_answers import answers_digest, answers_from
from bot.actions.handoff_asking import AskConfirm
from bot.settings import PROJECT_ROOT
from tests.support.trackers import make_tracker, run_action
from tests.unit.test_handoff import CALLER, tracker_with

BUTTON_YES = {"entity": "handoff_confirm", "value": "yes"}


def typed(text, intent="affirm"):
    return {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}


@pytest.mark.parametrize("text", ["yes", "Yes please", "yesss", "yep send it", "ok 👍", "YES SEND IT", "go ahead and send it"])
def test_plain_typed_yes_is_consent(text):
    assert is_plain_yes(text)
    assert consent_answer(typed(text)) == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "no", "no, don't send it", "don't send", "dont send it yet", "yes no", "yes but not to my home",
        "yes?", "send it?", "yes...", "wait", "yes wait", "later", "not sure", "I changed my mind",
        "nah send it", "ok but only by text", "yes if he's not home", "hmm", "", "y e s n o",
        "send it tomorrow", "yes send it. not", "never send it", "yes 😢",
    ],
)
def test_anything_else_typed_is_not_consent(text):
    assert consent_answer(typed(text)) is None


@pytest.mark.parametrize("intent", ["deny", "stop", "danger_now", "nlu_fallback"])
def test_a_refusal_stop_danger_or_unsure_classifier_is_not_consent_whatever_the_words(intent):
    assert consent_answer(typed("yes send it", intent=intent)) is None


def test_the_button_is_consent_but_not_with_other_answers_riding_along():
    assert consent_answer({"text": "/inform", "intent": {"name": "inform"}, "entities": [BUTTON_YES]}) == "yes"
    riding = [BUTTON_YES, {"entity": "handoff_topic", "value": "police_abuse"}]
    assert consent_answer({"text": "/inform", "intent": {"name": "inform"}, "entities": riding}) is None
    odd = {"entity": "handoff_confirm", "value": "yes please and also"}
    assert consent_answer({"text": "/inform", "intent": {"name": "inform"}, "entities": [odd]}) is None


def test_typed_change_and_start_again_never_send():
    assert consent_answer(typed("the number is wrong")) == "change"
    assert consent_answer(typed("can i start again")) == "restart"
    assert consent_answer(typed("yes start again", intent="danger_now")) is None


def at_confirmation(message, **slots):
    tracker = tracker_with(handoff_confirm=None, **slots)
    tracker.latest_message = message
    return tracker


def validate(message, **slots):
    tracker = at_confirmation(message, requested_slot="handoff_confirm", **slots)
    value = message["text"]
    return ValidateHandoffForm().validate_handoff_confirm(value, CollectingDispatcher(), tracker, {})


def test_unclear_answers_are_counted_and_a_clear_yes_resets_the_count():
    assert validate(typed("no")) == {"handoff_confirm": None, "handoff_unclear_answers": 1}
    assert validate(typed("not yet"), handoff_unclear_answers=1) == {"handoff_confirm": None, "handoff_unclear_answers": 2}
    assert validate(typed("yes")) == {"handoff_confirm": "yes", "handoff_unclear_answers": None}


def test_a_confirmation_carrying_another_answer_clears_the_read_back():
    riding = {"text": "/inform", "intent": {"name": "inform"},
              "entities": [BUTTON_YES, {"entity": "contact_method", "value": "email"}]}
    assert validate(riding) == {"handoff_confirm": None, "handoff_read_back": None, "handoff_unclear_answers": None}


def ask(tracker):
    return run_action(AskConfirm(), tracker)


def test_the_read_back_remembers_a_digest_of_what_it_showed(content):
    tracker = tracker_with(handoff_confirm=None, handoff_read_back=None)
    texts, messages, events = ask(tracker)
    expected = answers_digest(answers_from(tracker.current_slot_values()))
    assert SlotSet("handoff_read_back", expected) in events
    assert any("+447700900123" in t for t in texts)
    assert messages[-1]["buttons"][0]["payload"] == '/inform{"handoff_confirm":"yes"}'


def test_after_one_unclear_answer_it_asks_again_briefly_and_after_two_offers_to_cancel(content):
    texts, messages, events = ask(tracker_with(handoff_confirm=None, handoff_unclear_answers=1))
    assert texts == list(content.topics["handoff_consent_again"].messages) and events == []
    assert {b["payload"] for b in messages[-1]["buttons"]} >= {'/inform{"handoff_confirm":"yes"}', "/stop"}

    texts, messages, _ = ask(tracker_with(handoff_confirm=None, handoff_unclear_answers=2))
    assert texts == list(content.topics["handoff_consent_offer_cancel"].messages)
    assert messages[-1]["buttons"][0]["payload"] == "/stop"


def test_a_changed_answer_gets_a_full_read_back_even_after_unclear_answers():
    old = tracker_with(handoff_confirm=None).get_slot("handoff_read_back")
    texts, _, events = ask(tracker_with(handoff_confirm=None, handoff_unclear_answers=1, contact_phone="+447700900999",
                                        handoff_read_back=old))
    assert any("+447700900999" in t for t in texts)
    assert SlotSet("handoff_unclear_answers", None) in events


def run_form_validation(tracker):
    domain = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "handoff.yml").read_text(encoding="utf-8"))
    return asyncio.run(ValidateHandoffForm().run(CollectingDispatcher(), tracker, domain))


def confirming(message, **slots):
    """The form's validation, right after `message` answered the consent question."""
    tracker = at_confirmation(message, requested_slot="handoff_confirm", **slots)
    tracker.slots["handoff_confirm"] = "yes"
    tracker.events = [{"event": "user"}, {"event": "slot", "name": "handoff_confirm", "value": "yes"}]
    return tracker


def test_a_yes_to_answers_that_differ_from_the_read_back_is_cleared(content):
    button = {"text": "/inform", "intent": {"name": "inform"}, "entities": [BUTTON_YES]}
    events = run_form_validation(confirming(button))
    assert SlotSet("handoff_confirm", "yes") in events and SlotSet("handoff_read_back", None) not in events

    stale = answers_digest(answers_from({**CALLER, "handoff_topic": "other"}))
    events = run_form_validation(confirming(button, handoff_read_back=stale))
    assert events[-2:] == [SlotSet("handoff_confirm", None), SlotSet("handoff_read_back", None)]


@pytest.fixture
def sent(monkeypatch):
    captured = []
    monkeypatch.setattr(handoff, "accept_handoff", lambda payload: captured.append(payload) or "HX7K-3MPQ")
    return captured


def test_finishing_refuses_a_request_that_differs_from_the_read_back(sent, content):
    read_back = tracker_with().get_slot("handoff_read_back")
    for changed in ({"handoff_topic": "police_abuse"}, {"contact_method": "email", "contact_email": "a@b.org"},
                    {"contact_phone": "+447700900999"}):
        texts, _, events = run_action(ActionFinishHandoff(), tracker_with(handoff_read_back=read_back, **changed))
        assert sent == []
        assert texts[0] == content.topics["handoff_not_sent_changed"].messages[0]
        assert SlotSet("contact_phone", None) in events
    run_action(ActionFinishHandoff(), tracker_with(handoff_read_back=None))
    assert sent == []
    run_action(ActionFinishHandoff(), tracker_with())
    assert len(sent) == 1


def test_the_new_slots_are_forgotten_with_the_rest():
    _, _, events = run_action(ActionFinishHandoff(), make_tracker(slots={"handoff_unclear_answers": 2}))
    assert SlotSet("handoff_read_back", None) in events and SlotSet("handoff_unclear_answers", None) in events
