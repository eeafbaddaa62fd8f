"""No personal data in any log line, even at DEBUG level (issue 13, finding 3).

A stack of its own, every server logging at DEBUG, carries whole conversations over
both channels: free text, a name, a phone number, an email address and a postcode,
typed and in slash commands Rasa cannot parse, a complete handoff, and requests that
fail. Then every line every server wrote is searched for any of it.
"""
from __future__ import annotations

import re
from typing import Iterator

import pytest
import requests

from tests.support.stack import Chat, Stack, running_stack

NAME = "Philippa Quenbyworth"
PHONE = "07700 900461"
EMAIL = "philippa.quenby@example.org"
POSTCODE = "CV34 4XZ"
FREE_TEXT = "wardrobe-behind-the-laundrette"
SECRETS = [NAME, "Quenbyworth", PHONE, PHONE.replace(" ", ""), "900461", EMAIL, POSTCODE, FREE_TEXT]


@pytest.fixture(scope="module")
def debug_stack(tmp_path_factory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("debug-stack"), extra_env={"LOG_LEVEL": "DEBUG"}) as running:
        yield running


def talk(chat: Chat, content) -> None:
    chat.say(f"hi my name is {NAME}, I live at {POSTCODE}, my email is {EMAIL}")
    chat.say(f"he hid my passport in the {FREE_TEXT}, call me on {PHONE}")
    chat.say(f'/inform{{"area": "{FREE_TEXT}", "phone": "{PHONE}"}}')  # a slash command with data
    chat.say(f"/not_an_intent{{{NAME}")  # one Rasa cannot parse
    chat.say("can the police contact me")
    chat.press("Yes, go ahead")
    chat.press("Domestic abuse")
    chat.say(NAME)
    chat.press("Phone call")
    chat.say(PHONE)


def test_nothing_personal_is_logged_at_debug_level(debug_stack, content):
    rest, widget = Chat(debug_stack, "rest"), Chat(debug_stack, "widget")
    for chat in (rest, widget):
        try:
            talk(chat, content)
        except AssertionError:
            pass  # a button the classifier's path did not offer: the words were still sent
    # Requests that fail, carrying personal data.
    requests.post(debug_stack.url, data=f'{{"sender": "{NAME}", "message": "{PHONE}"'.encode(), timeout=30)
    requests.post(f"{debug_stack.widget}/message", data=f"not json {EMAIL}".encode(), timeout=30,
                  headers={"Origin": f"http://localhost:{debug_stack.force_port}"})
    log = debug_stack.settled_log()
    assert "DEBUG" in log or "debug" in log, "the servers were meant to log at DEBUG level"
    found = [secret for secret in SECRETS if secret.lower() in log.lower()]
    assert not found, f"personal data in the logs: {found}"
    assert not re.search(r"\b07\d{3} ?\d{6}\b", log), "a phone number in the logs"
