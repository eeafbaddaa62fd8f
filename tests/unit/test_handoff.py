"""The safe handoff's conversation side: questions, validation, read-back, consent, sending."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import bot.actions.handoff as handoff
from bot.actions.contact_details import normalise_email, normalise_uk_phone, yes_or_no
from bot.actions.handoff import ActionFinishHandoff, ValidateHandoffForm, build_payload
from bot.actions.handoff_answers import answers_digest, answers_from
from bot.actions.handoff_asking import AskConfirm
from bot.actions.handoff_form import slots_to_ask
from bot.actions.leave_form import ActionLeaveForm
from bot.actions.topics import ActionAnswerTopic
from connectors.handoff.payload import validate
from tests.support.trackers import make_tracker, run_action

CALLER = {
    "handoff_go_ahead": True,
    "handoff_topic": "domestic_abuse",
    "handoff_name": "Sam",
    "contact_method": "call",
    "contact_phone": "+447700900123",
    "safe_times": "weekdays 10 to 2",
    "voicemail_ok": "no",
    "others_may_answer": "yes",
    "if_someone_else_answers": "wrong_number",
    "handoff_area": "rugby",
    "access_needs": "none",
    "handoff_confirm": "yes",
}


def tracker_with(**slots):
    """A handoff with every answer given and read back (unless `slots` says otherwise)."""
    answers = {**CALLER, **slots}
    answers.setdefault("handoff_read_back", answers_digest(answers_from(answers)))
    return make_tracker("inform", slots=answers, active_loop="handoff_form")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("07700 900123", "+447700900123"),
        ("+44 (0)7700-900123", "+447700900123"),
        ("447700900123", "+447700900123"),
        ("024 7686 5505", "+442476865505"),
        ("0770090012", None),
        ("12345", None),
        ("+1 202 555 0100", None),
        ("call me", None),
    ],
)
def test_uk_phone_numbers_are_normalised_and_others_refused(typed, expected):
    assert normalise_uk_phone(typed) == expected


def test_emails_and_yes_no_answers():
    assert normalise_email(" Sam@Example.org. ") == "sam@example.org"
    assert normalise_email("sam at example") is None
    assert yes_or_no("yeah thats fine", unsure_means="no") == "yes"
    assert yes_or_no("not sure", unsure_means="no") == "no"


def test_only_the_questions_the_answers_need_are_asked():
    assert "contact_phone" in slots_to_ask(tracker_with())
    email = slots_to_ask(tracker_with(contact_method="email"))
    assert "contact_email" in email and "contact_phone" not in email and "voicemail_ok" not in email
    self_contact = slots_to_ask(tracker_with(contact_method="they_will_contact"))
    assert not {"contact_phone", "contact_email", "others_may_answer", "safe_times"} & set(self_contact)
    assert "if_someone_else_answers" not in slots_to_ask(tracker_with(others_may_answer="no"))
    assert slots_to_ask(tracker_with(handoff_go_ahead=False)) == ["handoff_go_ahead"]
    assert slots_to_ask(tracker_with(handoff_area="outside"))[-1] == "handoff_area"
    assert slots_to_ask(tracker_with(handoff_confirm="change"))[-1] == "handoff_change"


def test_an_invalid_number_is_refused_kindly_and_asked_again():
    (result, said), _, _ = run_action_validation("validate_contact_phone", "0770")
    assert result == {"contact_phone": None, "handoff_failed_tries": 1} and said


def run_action_validation(method, value, **slots):
    dispatcher = CollectingDispatcher()
    result = getattr(ValidateHandoffForm(), method)(value, dispatcher, tracker_with(**slots), {})
    return (result, bool(dispatcher.messages)), None, dispatcher.messages


@pytest.mark.parametrize("method, bad, good", [("validate_contact_phone", "0770", "07700 900123"),
                                               ("validate_contact_email", "sam at home", "sam@example.org")])
def test_after_three_unreadable_answers_the_form_offers_another_way(method, bad, good, content):
    tries = None
    for attempt in (1, 2):
        (result, said), _, _ = run_action_validation(method, bad, handoff_failed_tries=tries)
        tries = result["handoff_failed_tries"]
        assert tries == attempt and said
    (result, _), _, messages = run_action_validation(method, bad, handoff_failed_tries=tries)
    assert result == {"contact_method": None, "contact_phone": None, "contact_email": None, "handoff_failed_tries": None}
    assert messages[0]["text"] == content.topics["handoff_too_many_tries"].messages[0]
    slot = method.removeprefix("validate_")
    (result, _), _, _ = run_action_validation(method, good, handoff_failed_tries=2)
    assert result[slot] is not None and result["handoff_failed_tries"] is None


def test_another_way_goes_back_to_the_choice_of_method():
    (result, _), _, _ = run_action_validation("validate_contact_phone", "another way please")
    assert result["contact_method"] is None and result["contact_phone"] is None


def test_free_text_answers_are_understood():
    validate_form = ValidateHandoffForm()
    tracker = tracker_with()
    assert validate_form.validate_handoff_topic("my ex is a police officer", None, tracker, {}) == {"handoff_topic": "police_abuse"}
    assert validate_form.validate_handoff_topic("domestic_abuse", None, tracker, {}) == {"handoff_topic": "domestic_abuse"}
    assert validate_form.validate_contact_method("text me", None, tracker, {}) == {"contact_method": "text"}
    assert validate_form.validate_contact_method("I'll call you", None, tracker, {}) == {"contact_method": "they_will_contact"}
    assert validate_form.validate_handoff_name("skip", None, tracker, {}) == {"handoff_name": "skipped"}
    assert validate_form.validate_voicemail_ok("not sure", None, tracker, {}) == {"voicemail_ok": "no"}
    assert validate_form.validate_others_may_answer("maybe", None, tracker, {}) == {"others_may_answer": "yes"}
    assert validate_form.validate_handoff_area("I'm in Coventry", None, tracker, {}) == {"handoff_area": "outside"}


def test_changing_the_method_asks_its_follow_up_questions_again():
    result = ValidateHandoffForm().validate_handoff_change("contact_method", None, tracker_with(handoff_confirm="change"), {})
    assert result["contact_method"] is None and result["contact_phone"] is None and result["voicemail_ok"] is None
    assert result["handoff_confirm"] is None and result["handoff_name"] if "handoff_name" in result else True


def test_the_read_back_uses_plain_words_and_says_where_it_goes(content):
    texts, messages, _ = run_action(AskConfirm(), tracker_with(handoff_confirm=None))
    summary = "\n".join(texts)
    assert "How to contact you: A phone call" in summary and "Number: +447700900123" in summary
    assert "If someone else answers: Say it's a wrong number" in summary
    assert content.topics["handoff_destination_general"].messages[0] in texts
    assert {b["title"] for b in messages[-1]["buttons"]} >= {"Yes, send it", "Change an answer", "Cancel"}


def test_police_abuse_goes_only_to_professional_standards_and_the_person_is_told(content):
    texts, _, _ = run_action(AskConfirm(), tracker_with(handoff_topic="police_abuse", handoff_confirm=None))
    assert content.topics["handoff_destination_psd"].messages[0] in texts
    payload = build_payload(tracker_with(handoff_topic="police_abuse"), content)
    assert payload["destination"] == "professional_standards"


def test_the_payload_meets_the_handoff_contract(content):
    for method in ("call", "text", "email", "they_will_contact"):
        payload = build_payload(tracker_with(contact_method=method, contact_email="sam@example.org"), content)
        validate(payload)
    payload = build_payload(tracker_with(handoff_name="skipped", access_needs="Polish interpreter"), content)
    assert payload["name"] is None and payload["needs"]["interpreter"] == "Polish interpreter"


@pytest.fixture
def sent(monkeypatch):
    captured = []

    def fake_accept(payload):
        captured.append(payload)
        return "HX7K-3MPQ"

    monkeypatch.setattr(handoff, "accept_handoff", fake_accept)
    return captured


def test_yes_sends_it_gives_a_reference_and_wipes_the_answers(sent):
    texts, _, events = run_action(ActionFinishHandoff(), tracker_with())
    assert len(sent) == 1 and sent[0]["contact"]["phone"] == "+447700900123"
    assert any("HX7K-3MPQ" in t for t in texts)
    assert SlotSet("contact_phone", None) in events and SlotSet("handoff_name", None) in events


def test_i_will_contact_you_gets_a_reference_to_quote_on_101(sent):
    texts, _, _ = run_action(ActionFinishHandoff(), tracker_with(contact_method="they_will_contact"))
    assert any("101" in t and "HX7K-3MPQ" in t for t in texts)


@pytest.mark.parametrize("slots", [{"handoff_go_ahead": False}, {"handoff_area": "outside"}, {"handoff_confirm": None}])
def test_nothing_is_sent_without_a_final_yes(sent, slots):
    _, _, events = run_action(ActionFinishHandoff(), tracker_with(**slots))
    assert sent == []
    assert SlotSet("contact_phone", None) in events


def test_outside_warwickshire_is_signposted_to_their_own_force(sent, content):
    texts, _, _ = run_action(ActionFinishHandoff(), tracker_with(handoff_area="outside"))
    assert texts[0] == content.topics["handoff_outside"].messages[0]


def test_if_the_request_cannot_be_stored_the_person_is_told_nothing_was_sent(monkeypatch, content):
    from connectors.handoff import HandoffUnavailable

    def broken(payload):
        raise HandoffUnavailable("outbox unavailable")

    monkeypatch.setattr(handoff, "accept_handoff", broken)
    texts, _, _ = run_action(ActionFinishHandoff(), tracker_with())
    assert texts[0] == content.topics["handoff_failed"].messages[0]


def test_cancel_leaves_the_form_and_forgets_every_answer(content):
    texts, _, events = run_action(ActionLeaveForm(), tracker_with())
    assert texts[0] == content.topics["handoff_cancelled"].messages[0]
    assert SlotSet("contact_phone", None) in events and SlotSet("handoff_name", None) in events


def test_other_conversations_are_answered_while_the_outbox_writes(monkeypatch, content):
    """The outbox's durable write blocks its thread, not the action server's event loop."""
    import threading
    import time

    writing, release = threading.Event(), threading.Event()

    def slow_accept(payload):
        writing.set()
        release.wait(5)  # a disk sync or a lock held by another writer
        return "HX7K-3MPQ"

    monkeypatch.setattr(handoff, "accept_handoff", slow_accept)

    async def both():
        started = time.monotonic()
        submit = asyncio.ensure_future(ActionFinishHandoff().run(CollectingDispatcher(), tracker_with(), {}))
        await asyncio.sleep(0.05)  # the submission starts, and reaches the outbox
        assert writing.is_set()
        dispatcher = CollectingDispatcher()
        await ActionAnswerTopic().run(dispatcher, make_tracker("clares_law"), {})  # someone else's question
        answered_in = time.monotonic() - started
        release.set()
        await submit
        return answered_in, dispatcher.messages

    answered_in, messages = asyncio.run(both())
    assert messages and answered_in < 2, "the other conversation waited for the outbox"
