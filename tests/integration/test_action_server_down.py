"""When the action server cannot be reached, nobody is left without an answer: every
message, on both channels, still gets a reply that says how to get help now (999, and
999 then 55 without speaking) and for anything else (101). Issue 15."""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.support.ports import free_port
from tests.support.stack import Chat, Stack, running_stack


@pytest.fixture(scope="module")
def stack_without_actions(tmp_path_factory) -> Iterator[Stack]:
    # Rasa is pointed at a port where nothing listens, as if the action server had died.
    dead = {"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/webhook"}
    with running_stack(tmp_path_factory.mktemp("no-actions"), extra_env=dead) as running:
        yield running


@pytest.mark.parametrize("channel", ["widget", "rest"])
@pytest.mark.parametrize("message", ["hello", "he is outside my door with a knife", "what is clares law"])
def test_every_message_still_gets_a_safe_answer(stack_without_actions, channel, message):
    replies = Chat(stack_without_actions, channel).say(message)
    said = " ".join(replies)
    assert replies, "no answer at all"
    assert "999" in said and "55" in said and "101" in said
