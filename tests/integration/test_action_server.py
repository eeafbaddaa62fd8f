"""The action server answers only the assistant's own Rasa server (issue 13, finding 1).

One POST to /webhook naming action_finish_handoff, with made-up slots, used to put a
forged contact request in the force's queue. Checked against the running stack.
"""
from __future__ import annotations

import uuid

import pytest
import requests

from bot.action_server import TOKEN_HEADER
from tests.support.ports import this_machines_other_address

FORGED_HANDOFF = {
    "next_action": "action_finish_handoff",
    "sender_id": "forged",
    "version": "3.6.2",
    "domain": {},
    "tracker": {
        "sender_id": "forged",
        "slots": {"handoff_name": "Someone Else", "contact_method": "phone", "phone_number": "07700 900123",
                  "handoff_confirm": "yes", "handoff_topic": "domestic_abuse"},
        "latest_message": {"text": "yes", "intent": {"name": "affirm"}},
        "events": [], "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen",
    },
}


def test_a_forged_handoff_without_the_token_is_refused_and_nothing_reaches_the_force(stack):
    before = stack.outbox_size()
    for headers in ({}, {TOKEN_HEADER: "guess"}, {TOKEN_HEADER: stack.action_token + "x"}):
        response = requests.post(f"{stack.action_server}/webhook", json=FORGED_HANDOFF, headers=headers, timeout=10)
        assert response.status_code == 401, headers
        assert response.json() == {"error": "This server only answers the assistant's own Rasa server."}
        assert "07700" not in response.text
    assert stack.outbox_size() == before


def test_the_list_of_actions_and_unknown_paths_are_not_served(stack):
    headers = {TOKEN_HEADER: stack.action_token}
    for method, path in (("GET", "/actions"), ("GET", "/webhook"), ("GET", "/nothing"), ("POST", "/nothing"),
                         ("GET", "/../etc/passwd")):
        response = requests.request(method, f"{stack.action_server}{path}", headers=headers, timeout=10)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"error": "There is nothing here."}
    assert requests.get(f"{stack.action_server}/health", timeout=10).json() == {"status": "ok"}


def test_with_the_token_a_broken_request_gets_a_kind_error_that_echoes_nothing(stack):
    headers = {TOKEN_HEADER: stack.action_token, "Content-Type": "application/json"}
    for body in (b"not json, my number is 07700 900123", b"[1, 2]", b'{"next_action": "action_answer_topic", '
                 b'"tracker": "07700 900123"}'):
        response = requests.post(f"{stack.action_server}/webhook", data=body, headers=headers, timeout=10)
        assert 400 <= response.status_code < 600
        assert "07700" not in response.text and "Traceback" not in response.text
        assert set(response.json()) == {"error"}


def test_it_listens_on_this_machine_only(stack):
    address = this_machines_other_address()
    if not address or address.startswith("127."):
        pytest.skip("this machine has no address other than loopback")
    port = int(stack.action_server.rsplit(":", 1)[1])
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://{address}:{port}/health", timeout=5)


def test_the_assistant_itself_still_runs_its_actions(stack):
    sender = f"action-door-{uuid.uuid4().hex}"
    reply = requests.post(stack.url, json={"sender": sender, "message": "/clares_law"}, timeout=60).json()
    assert reply and "clare" in " ".join(r.get("text", "") for r in reply).lower()
