"""The developer REST channel's fence (connectors/rest_channel.py), decided without a server."""
from __future__ import annotations

import json

import pytest

from connectors.rest_channel import is_loopback, refusal

GOOD = json.dumps({"sender": "dev", "message": "hello"}).encode()


def status(production=False, address="127.0.0.1", body=GOOD, limit=8192):
    reply = refusal(production, address, body, limit)
    return None if reply is None else reply.status


def test_a_developer_on_this_machine_is_let_through():
    assert status() is None
    assert status(address="::1") is None


def test_in_production_the_channel_answers_nothing():
    assert status(production=True) == 404


@pytest.mark.parametrize("address", ["192.168.1.20", "10.0.0.5", "2001:db8::1", "", None, "not an address"])
def test_anyone_else_is_refused(address):
    assert status(address=address) == 403


@pytest.mark.parametrize("body", [b"[1, 2]", b'"hello"', b"not json", b"\xff\xfe", b'{"sender": "dev"}',
                                  b'{"sender": 5, "message": "hi"}', b'{"sender": "dev", "message": "\\ud800"}'])
def test_a_body_that_is_not_a_message_gets_a_kind_400(body):
    reply = refusal(False, "127.0.0.1", body, 8192)
    assert reply.status == 400 and json.loads(reply.body)["error"].startswith("Send a JSON object")


def test_a_body_over_the_limit_is_refused_before_it_is_read():
    assert status(body=json.dumps({"sender": "d", "message": "a" * 9000}).encode()) == 413


def test_loopback_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("127.8.9.10")
    assert not is_loopback("::ffff:8.8.8.8") and not is_loopback("0.0.0.0")
