"""The reference force inbox (issue 13, finding 5): a new session at each sign-in, ended
by sign-out; wrong tokens throttled per address; received handoffs encrypted at rest."""
from __future__ import annotations

import uuid

import requests

from connectors.handoff.payload import complete, to_json
from connectors.handoff.signing import signed_headers
from force_inbox.app import (
    FAILED_SIGN_IN_WINDOW_S,
    MAX_FAILED_SIGN_INS,
    SESSION_COOKIE,
    SESSION_LIFETIME_S,
    Sessions,
    SignInThrottle,
)
from tests.support.handoff import GENERAL_SECRET, INBOX_TOKEN, InboxProcess, inbox_env, make_payload


def test_each_sign_in_is_a_new_session_that_ends_at_sign_out_or_after_its_lifetime():
    now = [0.0]
    sessions = Sessions(clock=lambda: now[0])
    first, second = sessions.start(), sessions.start()
    assert first != second and sessions.valid(first) and sessions.valid(second)
    sessions.end(first)
    assert not sessions.valid(first) and sessions.valid(second)
    now[0] = SESSION_LIFETIME_S + 1
    assert not sessions.valid(second)
    assert not sessions.valid("") and not sessions.valid("made-up")


def test_wrong_tokens_are_throttled_per_address_for_the_window():
    now = [0.0]
    throttle = SignInThrottle(clock=lambda: now[0])
    for _ in range(MAX_FAILED_SIGN_INS):
        assert throttle.wait_s("203.0.113.1") == 0
        throttle.failed("203.0.113.1")
    assert throttle.wait_s("203.0.113.1") > 0
    assert throttle.wait_s("203.0.113.2") == 0, "another address is not held back"
    now[0] = FAILED_SIGN_IN_WINDOW_S + 1
    assert throttle.wait_s("203.0.113.1") == 0


def test_the_running_inbox_ends_a_session_at_sign_out_and_throttles_guessing(tmp_path):
    inbox = InboxProcess(tmp_path, env=inbox_env()).start()
    try:
        with requests.Session() as browser:
            assert browser.post(inbox.base + "/login", data={"token": INBOX_TOKEN}, timeout=5).status_code == 200
            cookie = browser.cookies.get(SESSION_COOKIE)
            assert cookie and browser.get(inbox.base + "/", timeout=5).status_code == 200
            browser.post(inbox.base + "/logout", timeout=5)
        copied = requests.get(inbox.base + "/", cookies={SESSION_COOKIE: cookie}, timeout=5)
        assert copied.status_code == 401, "a cookie kept from before sign-out must not open the inbox"

        statuses = [requests.post(inbox.base + "/login", data={"token": f"guess-{n}"}, timeout=5).status_code
                    for n in range(MAX_FAILED_SIGN_INS + 2)]
        assert statuses[:MAX_FAILED_SIGN_INS] == [401] * MAX_FAILED_SIGN_INS
        assert statuses[MAX_FAILED_SIGN_INS:] == [429, 429]
        held = requests.post(inbox.base + "/login", data={"token": INBOX_TOKEN}, timeout=5)
        assert held.status_code == 429 and "try again" in held.text and int(held.headers["Retry-After"]) > 0
    finally:
        inbox.stop()


def test_received_handoffs_are_encrypted_at_rest(inbox):
    name = f"Zephyrine Quillfeather {uuid.uuid4().hex[:6]}"
    payload = complete(make_payload(name=name))
    body = to_json(payload)
    sent = requests.post(inbox.url("general"), data=body, headers=signed_headers(GENERAL_SECRET, body, str(uuid.uuid4())),
                         timeout=5)
    assert sent.status_code == 201
    stored = b"".join(path.read_bytes() for path in inbox.db.parent.glob(inbox.db.name + "*"))
    assert name.encode() not in stored and payload["reference"].encode() in stored
    assert any(item["payload"]["reference"] == payload["reference"] and name in str(item["payload"])
               for item in inbox.received()), "the inbox itself still reads it"
