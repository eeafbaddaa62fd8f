"""Signatures on the buttons the widget is sent.

A button press reaches the assistant as its payload (for example /clares_law), which
Rasa reads as a command. So the server signs every button it sends, for the one
conversation it was sent to, and accepts a press only with a valid signature: a
browser cannot invent commands, nor reuse another conversation's buttons. The key
(WIDGET_BUTTON_KEY) is the same on every replica, so any replica can check any press.
"""
from __future__ import annotations

import hashlib
import hmac


def sign_button(key: str, conversation_id: str, payload: str) -> str:
    """HMAC-SHA256(key, conversation_id + "\\n" + payload), lower-case hex."""
    message = f"{conversation_id}\n{payload}".encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def button_signature_ok(key: str, conversation_id: str, payload: str, signature: str) -> bool:
    return hmac.compare_digest(sign_button(key, conversation_id, payload), signature.strip().lower())
