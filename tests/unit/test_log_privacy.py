"""Log lines keep what happened and withhold what was said (bot/log_privacy.py)."""
from __future__ import annotations

import logging
import sys

from bot.log_privacy import WITHHELD, WithholdingFormatter, withhold_event_fields


def record(msg, args=(), exc_info=None, name="rasa.core.processor"):
    return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, exc_info)


def test_arguments_are_withheld_and_the_record_is_left_as_it_was():
    original = record("Failed to parse %s from %s", ("my name is Philippa", "07700 900461"))
    line = WithholdingFormatter(logging.Formatter("%(levelname)s %(message)s")).format(original)
    assert line == f"WARNING Failed to parse %s from %s {WITHHELD}"
    assert original.getMessage() == "Failed to parse my name is Philippa from 07700 900461"


def test_an_exception_keeps_its_type_and_loses_its_text():
    try:
        raise ValueError("07700 900461 is not a slot value")
    except ValueError:
        exc_info = sys.exc_info()
    line = WithholdingFormatter(None).format(record("Could not run the action", exc_info=exc_info))
    assert line == "Could not run the action (ValueError)"
    assert "07700" not in line and "Traceback" not in line


def test_the_access_log_keeps_no_address_or_request_line():
    access = record("%(host)s %(request)s", name="sanic.access")
    access.host, access.request = "198.51.100.7", "GET /conversations/abc/tracker?token=secret"
    line = WithholdingFormatter(logging.Formatter("%(host)s %(request)s")).format(access)
    assert "198.51.100.7" not in line and "secret" not in line


def test_structured_events_keep_only_their_name_and_description():
    event = {"event": "rest.message.received.failure", "event_info": "Could not handle a message.",
             "text": "my name is Philippa", "log_level": "error", "slot_values": {"phone": "07700 900461"}}
    assert withhold_event_fields(None, "error", event) == {
        "event": "rest.message.received.failure", "event_info": "Could not handle a message.",
        "log_level": "error", "withheld": ["slot_values", "text"]}
