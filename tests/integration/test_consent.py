"""Consent at the end of the safe handoff, through the running assistant, on both channels.

Each typed answer in consent_answers.yml (written without sight of the assistant's code
or training data) is given at "Is it OK to send this to Warwickshire Police?" in a fresh
conversation over the REST channel and over the widget channel. For every answer that
is not a plain yes, the outbox must accept nothing and the force inbox must never
receive it; every plain yes must reach the inbox. Each conversation gives a name that
belongs to it alone, so the inbox can be searched for it.
"""
from __future__ import annotations

import json
import re
import time
import uuid
from typing import Dict, List, Set

import pytest
import yaml

from bot.settings import PROJECT_ROOT
from tests.support.stack import Chat, Stack

ANSWERS = yaml.safe_load((PROJECT_ROOT / "tests" / "integration" / "consent_answers.yml").read_text(encoding="utf-8"))
NOT_CONSENT = [(kind, text) for kind, texts in ANSWERS["not_consent"].items() for text in texts]
CONSENT: List[str] = ANSWERS["consent"]
REFERENCE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b")
CHANNELS = ("rest", "widget")


def inbox_names(stack: Stack) -> Set[str]:
    return {match for h in stack.received_handoffs() for match in re.findall(r"Tester [0-9a-f]{12}", json.dumps(h))}


def inbox_handoff(stack: Stack, name: str, timeout_s: float = 60) -> Dict:
    """The handoff the force inbox received for the conversation that gave `name`."""
    wait_for_inbox(stack, {name}, timeout_s)
    return next(h for h in stack.received_handoffs() if name in json.dumps(h))


def wait_for_inbox(stack: Stack, names: Set[str], timeout_s: float = 60) -> Set[str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        received = inbox_names(stack)
        if names <= received:
            return received
        time.sleep(0.5)
    pytest.fail(f"{len(names - inbox_names(stack))} consented handoffs did not reach the force inbox")


@pytest.fixture(scope="module")
def refused_names():
    """Every name given in a conversation whose answer was not consent."""
    return set()


@pytest.fixture(scope="module")
def sent_names():
    return set()


def test_the_answer_lists_are_big_enough():
    assert len(NOT_CONSENT) >= 40 and len(CONSENT) >= 10


@pytest.mark.parametrize("channel", CHANNELS)
def test_no_typed_refusal_doubt_or_delay_sends_anything(stack, content, channel, refused_names):
    accepted_before = stack.outbox_size()
    sent = []
    for kind, answer in NOT_CONSENT:
        chat = Chat(stack, channel)
        chat.reach_the_consent_question(content)
        replies = chat.say(answer)
        refused_names.add(chat.name)
        if REFERENCE.search(" ".join(replies)) or stack.outbox_size() != accepted_before:
            sent.append((kind, answer))
            accepted_before = stack.outbox_size()
        # Still not sent after a second try at the same step, whatever it was.
        if "Yes, send it" in {b["title"] for b in chat.buttons}:
            chat.say(answer)
            if stack.outbox_size() != accepted_before:
                sent.append((kind, answer + " (said twice)"))
                accepted_before = stack.outbox_size()
    assert not sent, f"sent after a typed answer that is not consent: {sent}"


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("answer", ANSWERS["not_consent"]["danger_now"])
def test_danger_now_at_the_consent_question_gets_999_first_and_sends_nothing(stack, content, channel, answer,
                                                                             refused_names):
    chat = Chat(stack, channel)
    chat.reach_the_consent_question(content)
    accepted_before = stack.outbox_size()
    replies = chat.say(answer)
    refused_names.add(chat.name)
    assert stack.outbox_size() == accepted_before
    assert replies[0] == content.topics["danger_now"].messages[0]
    assert "Yes, send it" in {b["title"] for b in chat.buttons}, "the question is asked again after the emergency"


def test_the_menu_at_the_consent_question_cancels_and_forgets_the_answers(stack, content, refused_names):
    chat = Chat(stack, "widget")
    chat.reach_the_consent_question(content)
    refused_names.add(chat.name)
    accepted_before = stack.outbox_size()
    replies = chat.say("menu")
    assert replies[0] == content.topics["handoff_cancelled"].messages[0]
    assert replies[-1] == content.topics["menu"].messages[-1]
    tracker = stack.tracker(chat.server_id)
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
    assert tracker["slots"]["handoff_name"] is None
    assert stack.outbox_size() == accepted_before


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_plain_typed_yes_sends_it(stack, content, channel, sent_names):
    for answer in CONSENT:
        chat = Chat(stack, channel)
        chat.reach_the_consent_question(content)
        replies = chat.say(answer)
        assert REFERENCE.search(" ".join(replies)), f"{answer!r} was not taken as consent: {replies}"
        sent_names.add(chat.name)


def test_two_unclear_answers_offer_to_cancel_and_cancel_keeps_nothing(stack, content, refused_names):
    chat = Chat(stack, "widget")
    chat.reach_the_consent_question(content)
    refused_names.add(chat.name)
    assert chat.say("not sure") == list(content.topics["handoff_consent_again"].messages)
    assert chat.say("hmm wait") == list(content.topics["handoff_consent_offer_cancel"].messages)
    accepted_before = stack.outbox_size()
    replies = chat.press("Cancel, send nothing")
    assert replies[0] == content.topics["handoff_cancelled"].messages[0]
    slots = stack.tracker(chat.server_id)["slots"]
    assert slots["handoff_name"] is None and slots["handoff_read_back"] is None
    assert stack.outbox_size() == accepted_before


@pytest.mark.parametrize(
    "riding_along",
    [{"handoff_topic": "police_abuse"}, {"contact_method": "call"}, {"area": "outside"}],
)
def test_a_confirmation_that_carries_another_answer_is_read_back_again_not_sent(stack, content, riding_along):
    chat = Chat(stack, "rest")
    first_read_back = chat.reach_the_consent_question(content)
    accepted_before = stack.outbox_size()
    replies = chat.say("/inform" + json.dumps({"handoff_confirm": "yes", **riding_along}))
    assert not REFERENCE.search(" ".join(replies))
    assert replies[0] == content.topics["handoff_ask_confirm"].messages[0], "a fresh read-back"
    assert replies == first_read_back[-len(replies):], "nothing the person did not choose was changed"
    assert stack.outbox_size() == accepted_before
    # The button alone still sends what was read back, to where the person was told.
    replies = chat.press("Yes, send it")
    assert REFERENCE.search(" ".join(replies))
    assert stack.outbox_size() == accepted_before + 1
    delivered = json.dumps(inbox_handoff(stack, chat.name))
    assert "domestic_abuse" in delivered and "police_abuse" not in delivered and "professional_standards" not in delivered
    assert "they_will_contact" in delivered and content.finder.areas[0].id in delivered


def test_a_changed_answer_is_read_back_before_it_can_be_sent(stack, content):
    chat = Chat(stack, "widget")
    chat.reach_the_consent_question(content)
    chat.press("Change an answer")
    chat.press(content.handoff.summary_labels["handoff_name"])
    new_name = f"Tester {uuid.uuid4().hex[:12]}"
    replies = chat.say(new_name)
    assert any(new_name in t for t in replies) and not any(chat.name in t for t in replies)
    assert "Yes, send it" in {b["title"] for b in chat.buttons}
    replies = chat.press("Yes, send it")
    assert REFERENCE.search(" ".join(replies))
    received = wait_for_inbox(stack, {new_name})
    assert chat.name not in received


def test_the_inbox_got_every_yes_and_no_refusal(stack, sent_names, refused_names):
    """Last in this module: waits for the dispatcher to deliver every consented request,
    then checks that no conversation that said anything else reached the force."""
    if not sent_names or not refused_names:
        pytest.skip("needs the tests above")
    received = wait_for_inbox(stack, sent_names)
    time.sleep(2)  # a few more dispatcher rounds, for anything that should not be there
    assert not (inbox_names(stack) & refused_names)
    assert sent_names <= received
