"""The whole assistant over HTTP, as the README runs it: Rasa server, action server,
handoff dispatcher and the reference force inbox.

The `stack` fixture (tests/conftest.py, tests/support/stack.py) starts them once for the session.
Checks what only the running stack can show: the emergency message is the very
first message of a reply, on any turn and in the middle of a form; a consented
handoff reaches the force inbox; and no log holds anything a person typed.
"""
from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Dict, List

import pytest
import requests


class Conversation:
    def __init__(self, url: str) -> None:
        self.url = url
        self.sender = f"test-{uuid.uuid4()}"

    def say(self, text: str) -> List[Dict]:
        response = requests.post(self.url, json={"sender": self.sender, "message": text}, timeout=60)
        response.raise_for_status()
        return response.json()


def texts(replies: List[Dict]) -> List[str]:
    return [r.get("text", "") for r in replies]


def test_danger_on_the_first_message_gets_999_before_anything_else(stack, content):
    replies = Conversation(stack.url).say("he's outside my door and he's got a knife")
    assert texts(replies)[0] == content.topics["danger_now"].messages[0]
    assert "999" in texts(replies)[0]


def test_a_question_gets_the_notice_then_the_answer_with_buttons(stack, content):
    replies = Conversation(stack.url).say("what is clares law")
    assert texts(replies)[0] == content.topics["intro"].messages[0]
    assert content.topics["clares_law"].messages[0] in texts(replies)
    assert replies[-1].get("buttons")


def test_danger_on_a_later_turn_comes_first_then_the_conversation_carries_on(stack, content):
    chat = Conversation(stack.url)
    chat.say("what are my rights as a victim")
    replies = chat.say("oh no hes back and hes hitting me")
    assert texts(replies)[0] == content.topics["danger_now"].messages[0]
    after = chat.say("how do i apply for clares law")
    assert content.topics["clares_law_apply"].messages[0] in texts(after)


def test_danger_in_the_middle_of_the_finder_then_the_finder_asks_again(stack, content):
    chat = Conversation(stack.url)
    chat.say("find support near me")
    replies = chat.say("he's coming up the stairs with a knife")
    assert texts(replies)[0] == content.topics["danger_now"].messages[0]
    assert any('/inform{"area"' in b["payload"] for b in replies[-1].get("buttons", []))


def test_the_finder_lists_local_services(stack, content):
    chat = Conversation(stack.url)
    chat.say("my partner controls all my money")
    chat.say("find support near me")
    chat.say("nuneaton")
    replies = chat.say("a woman")
    assert any(content.services["warwickshire_domestic_abuse_service"].name in t for t in texts(replies))


def test_odd_input_gets_a_kind_reply_not_an_error(stack):
    chat = Conversation(stack.url)
    chat.say("hello")
    for odd in ["😢😢😢", "?", "a" * 2000, "/nonexistent_intent"]:
        assert texts(chat.say(odd)), f"no reply to {odd[:20]!r}"


def test_logs_hold_nothing_a_person_typed(stack):
    chat = Conversation(stack.url)
    chat.say("my name is Philippa Quenby and my number is 07700 900123")
    log = stack.settled_log()
    assert "Quenby" not in log and "07700" not in log


def received_by_the_force(stack, reference: str, timeout_s: float = 30) -> Dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for handoff in stack.received_handoffs():
            if reference in json.dumps(handoff):
                return handoff
        time.sleep(0.5)
    pytest.fail(f"handoff {reference} did not reach the force inbox within {timeout_s}s")


def contact_form_up_to_the_number(stack, topic: str, name: str) -> "Conversation":
    """A conversation that has asked to be called, up to "What number should we call?"."""
    chat = Conversation(stack.url)
    for said in ("can the police contact me", "/affirm", f'/inform{{"handoff_topic":"{topic}"}}', name,
                 '/inform{"contact_method":"call"}'):
        chat.say(said)
    return chat


def test_a_consented_handoff_reaches_the_force_and_nothing_personal_is_logged(stack, content):
    chat = contact_form_up_to_the_number(stack, "stalking_harassment", "Philippa")
    replies = chat.say("0770 090")
    assert content.topics["handoff_invalid_phone"].messages[0] in texts(replies)
    chat.say("07700 900123")
    chat.say("weekdays after 6pm")
    chat.say("/deny")  # no voicemail
    chat.say("/affirm")  # someone else may answer
    chat.say('/inform{"if_someone_else_answers":"wrong_number"}')
    chat.say("rugby")
    read_back = texts(chat.say("no"))
    assert any(f"{content.handoff.summary_labels['contact_phone']}: +447700900123" in t for t in read_back)
    sent = texts(chat.say('/inform{"handoff_confirm":"yes"}'))
    reference = re.search(r"\b([0-9A-Z]{4}-[0-9A-Z]{4})\b", " ".join(sent)).group(1)
    handoff = received_by_the_force(stack, reference)
    assert "+447700900123" in json.dumps(handoff)
    log = Path(stack.log).read_text()
    assert "Philippa" not in log and "900123" not in log and "after 6pm" not in log


def test_three_unreadable_numbers_lead_back_to_the_choice_of_how_to_be_contacted(stack, content):
    chat = contact_form_up_to_the_number(stack, "domestic_abuse", "skip")
    for typed in ("0770 090", "my mobile"):
        assert content.topics["handoff_invalid_phone"].messages[0] in texts(chat.say(typed))
    replies = chat.say("12345")
    assert texts(replies)[0] == content.topics["handoff_too_many_tries"].messages[0]
    assert any('/inform{"contact_method":"they_will_contact"}' == b["payload"] for b in replies[-1]["buttons"])
    replies = chat.say('/inform{"contact_method":"email"}')
    assert any("email" in t.lower() for t in texts(replies))


def test_cancelling_a_handoff_sends_nothing(stack, content):
    chat = Conversation(stack.url)
    chat.say("i want the police to call me")
    chat.say("/affirm")
    chat.say('/inform{"handoff_topic":"domestic_abuse"}')
    replies = chat.say("cancel")
    assert content.topics["handoff_cancelled"].messages[0] in texts(replies)


# ---- the fence around the REST channel (issue 13, finding 2) --------------------------------

def test_rest_conversations_are_their_own_and_never_continue_a_widget_conversation(stack, content):
    from tests.support.stack import Chat

    widget = Chat(stack, "widget")
    widget.say("what is clares law")
    before = stack.said(widget.id)
    replies = requests.post(stack.url, json={"sender": widget.id, "message": "how do i apply"}, timeout=60).json()
    assert stack.said(widget.id) == before, "the widget conversation was continued through REST"
    assert texts(replies)[0] == content.topics["intro"].messages[0], "REST started a conversation of its own"
    assert "user: how do i apply" in stack.said(f"rest:{widget.id}")


def test_what_the_caller_says_about_its_channel_and_partner_is_ignored(stack):
    sender = f"claims-{uuid.uuid4().hex}"
    body = {"sender": sender, "message": "hello", "input_channel": "widget", "metadata": {"partner_id": "refuge"}}
    requests.post(stack.url, json=body, timeout=60).raise_for_status()
    users = [e for e in stack.tracker(f"rest:{sender}")["events"] if e["event"] == "user"]
    assert users[-1]["input_channel"] == "rest"
    assert "partner_id" not in (users[-1].get("metadata") or {})


@pytest.mark.parametrize("body", [b"[1, 2]", b"not json", b'{"sender": "x", "message": "\\ud800 hello"}', b"{}"])
def test_bad_bodies_get_a_kind_4xx_not_a_500(stack, body):
    response = requests.post(stack.url, data=body, headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 400
    assert set(response.json()) == {"error"}


def test_a_huge_message_is_refused_before_it_costs_anything(stack):
    response = requests.post(stack.url, json={"sender": "huge", "message": "a" * 200_000}, timeout=30)
    assert response.status_code == 413
    assert "too long" in response.json()["error"]


def test_only_this_machine_may_use_it(stack):
    from tests.support.ports import this_machines_other_address

    address = this_machines_other_address()
    if not address or address.startswith("127."):
        pytest.skip("this machine has no address other than loopback")
    port = int(stack.rasa.rsplit(":", 1)[1])
    response = requests.post(f"http://{address}:{port}/webhooks/rest/webhook",
                             json={"sender": "far", "message": "hello"}, timeout=30)
    assert response.status_code == 403
