"""Nothing a person typed or pressed, and no address, is logged at INFO or above."""
from __future__ import annotations

import logging

from rasa.core.channels.channel import UserMessage

from connectors.widget_signing import sign_button
from tests.support.widget_server import KEY, STRANGER, StubAgent

TYPED = "my-private-words-about-home"
PAYLOAD = "/find_support{\"area\": \"nuneaton\"}"
ADDRESS = "198.51.100.77"


def test_no_text_payload_or_address_reaches_the_logs(make_server, caplog):
    async def reply_or_fail(message: UserMessage) -> None:
        if "fail" in message.text:
            raise RuntimeError(f"could not answer {message.text} from {ADDRESS}")
        await message.output_channel.send_text_with_buttons(
            message.sender_id, "Choose", [{"title": "Support", "payload": PAYLOAD}]
        )

    server = make_server(agent=StubAgent(reply=reply_or_fail), trusted_proxy_hops=1, conversation_messages_per_minute=6)
    caplog.set_level(logging.INFO)
    conversation = "conversation-logs"
    headers = {"X-Forwarded-For": ADDRESS}
    sends = [
        ({"conversation_id": conversation, "text": TYPED}, None),
        ({"conversation_id": conversation, "text": "/" + TYPED}, None),
        ({"conversation_id": conversation, "text": TYPED * 50}, None),  # too long
        ({"conversation_id": conversation, "text": TYPED + " fail"}, None),  # the assistant fails
        ({"conversation_id": conversation, "button": {"payload": PAYLOAD,
                                                      "signature": sign_button(KEY, conversation, PAYLOAD)}}, None),
        ({"conversation_id": conversation, "button": {"payload": PAYLOAD + "x",
                                                      "signature": sign_button(KEY, conversation, PAYLOAD)}}, None),
        ({"conversation_id": conversation, "text": TYPED}, STRANGER),  # refused origin
    ] + [({"conversation_id": conversation, "text": TYPED}, None)] * 4  # over the rate limit
    statuses = []
    for body, origin in sends:
        kwargs = {"origin": origin} if origin else {}
        statuses.append(server.post("/message", body, headers=headers, **kwargs).status_code)
    statuses.append(server.post("/forget", {"conversation_id": conversation}, headers=headers).status_code)
    assert {200, 403, 413, 429, 500} <= set(statuses)

    logged = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert logged, "the refusals should be logged, without details"
    for record in logged:
        text = record.getMessage() + (record.exc_text or "")
        for secret in (TYPED, PAYLOAD, "nuneaton", ADDRESS, "127.0.0.1", conversation):
            assert secret not in text, f"{record.name}: {text}"
