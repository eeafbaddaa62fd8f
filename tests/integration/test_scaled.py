"""The scaled mode (scripts/scaled.py, issue 15): Rasa replicas behind nginx sharing Redis,
two action servers, the outbox in PostgreSQL. Conversations live in Redis, so they carry
on from one replica to another, through a replica's crash and through a lost action
server; a Redis restart loses conversations (nothing is kept on disk, as promised) but
never the person's answer."""
from __future__ import annotations

import contextlib
import os
import re
import time
from typing import Dict, Iterator, List

import pytest
import requests

from force_inbox.settings import load_force_inbox_settings
from scripts.benchmark import run_level, widget_target
from scripts.benchmark_scaled import CONCURRENCY, LOAD_ENV
from scripts.local_servers import ServerUnavailable
from scripts.scaled import ScaledStack, scaled_stack
from tests.support.stack import DEMO_FORCE_PORT

ORIGIN = {"Origin": f"http://localhost:{DEMO_FORCE_PORT}"}  # the force's demo page, in connectors/partners.yml


@contextlib.contextmanager
def scaled_or_skip(**options) -> Iterator[ScaledStack]:
    """The scaled mode; the test is skipped, saying why, only if it cannot start here."""
    with contextlib.ExitStack() as running:
        try:
            stack = running.enter_context(scaled_stack(**options))
        except ServerUnavailable as why:
            pytest.skip(f"the scaled mode could not start here: {why}")
        yield stack


@pytest.fixture
def scaled() -> Iterator[ScaledStack]:
    with scaled_or_skip(replicas=2) as stack:
        yield stack


def say(base: str, conversation: str, text: str) -> List[str]:
    """One message to the widget channel at `base` (nginx, or one replica directly)."""
    response = requests.post(f"{base}/webhooks/widget/message?conversation={conversation}", headers=ORIGIN,
                             json={"conversation_id": conversation, "text": text}, timeout=60)
    assert response.status_code == 200, response.text
    return [message.get("text", "") for message in response.json()["messages"]]


def asked(content, topic_id: str, replies: List[str]) -> bool:
    return content.topics[topic_id].messages[0] in replies


def test_a_conversation_carries_on_from_one_replica_to_another(scaled, content):
    first, second = scaled.replica_url(0), scaled.replica_url(1)
    assert asked(content, "handoff_ask_go_ahead", say(first, "across-replicas-1", "can the police contact me"))
    # The second replica has never seen this conversation: it reads it from Redis.
    assert asked(content, "handoff_ask_topic", say(second, "across-replicas-1", "yes"))
    assert asked(content, "handoff_ask_name", say(first, "across-replicas-1", "domestic abuse"))


def test_a_replica_that_crashes_loses_no_answered_turn(scaled, content):
    # Ten conversations, spread by nginx over both replicas (the ids are fixed, so the spread is too).
    conversations: Dict[str, List[str]] = {f"crash-test-{n:02d}": [] for n in range(10)}
    for conversation in conversations:
        assert asked(content, "handoff_ask_go_ahead", say(scaled.public, conversation, "can the police contact me"))
        assert asked(content, "handoff_ask_topic", say(scaled.public, conversation, "yes"))
    scaled.replicas[0].kill()
    for conversation in conversations:
        # nginx passes each to the replica left, which carries on where the conversation was.
        assert asked(content, "handoff_ask_name", say(scaled.public, conversation, "stalking"))


def test_a_lost_action_server_is_covered_by_the_other(scaled, content):
    scaled.action_servers[0].kill()
    for n in range(4):  # round robin would have sent some of these to the lost one
        replies = say(scaled.public, f"one-action-server-{n}", "what is clares law")
        assert content.topics["clares_law"].messages[0] in replies


def test_a_redis_restart_loses_conversations_but_never_an_answer(scaled, content):
    assert asked(content, "handoff_ask_go_ahead", say(scaled.public, "redis-restart-1", "can the police contact me"))
    scaled.redis.stop()
    scaled.redis.start()
    replies = say(scaled.public, "redis-restart-1", "what is clares law")
    assert replies and (content.topics["clares_law"].messages[0] in replies or "999" in " ".join(replies))


def test_only_the_widget_is_behind_the_public_door(scaled):
    assert requests.get(f"{scaled.public}/", timeout=10).status_code == 404
    assert requests.get(f"{scaled.public}/webhooks/rest/webhook", timeout=10).status_code == 404
    assert requests.get(f"{scaled.widget}/", timeout=10).json() == {"status": "ok"}


# Typed answers to the contact form, from asking to consent (bot/actions/handoff_form.py).
CONTACT_FORM = ["can the police contact me", "yes", "domestic abuse", "skip", "a phone call", "07700 900461",
                "any time", "no", "no", "rugby", "no"]


def test_handoffs_reach_the_force_once_after_it_was_down_and_both_dispatchers_crashed(content):
    # A short lease too: a dispatcher killed while delivering holds its handoff until the lease
    # runs out (two minutes by default), and only then may another deliver it.
    quick_retries = {"HANDOFF_RETRY_BASE_SECONDS": "0.2", "HANDOFF_RETRY_MAX_SECONDS": "1", "HANDOFF_POLL_SECONDS": "0.2",
                     "HANDOFF_TIMEOUT_SECONDS": "2", "HANDOFF_LEASE_SECONDS": "5"}
    with scaled_or_skip(replicas=2, extra_env=quick_retries) as scaled:
        scaled.inbox.stop()  # the force's endpoint is down
        references = [send_handoff(scaled, f"handoff-outage-{n}", content) for n in range(3)]
        time.sleep(1)  # a few failed delivery attempts
        for dispatcher in scaled.dispatchers:
            dispatcher.kill()
            dispatcher.start()
        scaled.inbox.start().wait_until_ready()
        token = load_force_inbox_settings().token
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(r in received(scaled, token) for r in references):
            time.sleep(0.5)
        time.sleep(2)  # more rounds of both dispatchers, for anything that would arrive twice
        seen = received(scaled, token)
    assert all(seen.count(reference) == 1 for reference in references), seen


def send_handoff(scaled: ScaledStack, conversation: str, content) -> str:
    for answer in CONTACT_FORM:
        say(scaled.public, conversation, answer)
    sent = " ".join(say(scaled.public, conversation, "yes"))
    found = re.search(r"\b([0-9A-Z]{4}-[0-9A-Z]{4})\b", sent)
    assert found, f"no reference in: {sent}"
    return found.group(1)


def received(scaled: ScaledStack, token: str) -> List[str]:
    """The reference of every handoff the force inbox holds, once per copy received."""
    response = requests.get(scaled.inbox_api, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    response.raise_for_status()
    listing = response.json()
    handoffs = listing.get("handoffs", []) if isinstance(listing, dict) else listing
    return [handoff.get("reference") for handoff in handoffs]


LOAD_SECONDS = float(os.environ.get("SCALED_LOAD_TEST_SECONDS", "300"))


# The load alone runs as long as the project's 300-second limit per test: starting the
# servers and finishing the last conversations need time of their own.
@pytest.mark.timeout(LOAD_SECONDS + 300)
def test_fifty_concurrent_conversations_for_five_minutes_without_an_error():
    """The bounded load test: closed loop through nginx onto two replicas, six-turn
    conversations. scripts/benchmark_scaled.py measures 1, 2 and 3 replicas side by side."""
    with scaled_or_skip(replicas=2, extra_env=LOAD_ENV) as scaled:
        level = run_level(widget_target("2 replicas", scaled.public), CONCURRENCY, 10**9, 6, LOAD_SECONDS, "loadtest")
    assert level.error_count == 0, level.errors
    assert level.silent == 0, "a message got a reply with nothing in it"
    assert len(level.latencies_ms) >= CONCURRENCY * 6, "the load did not get going"
