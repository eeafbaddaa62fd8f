"""Signatures on the buttons the widget is sent.

A button press reaches the assistant as its payload (for example /clares_law), which
Rasa reads as a command. So the server signs every button it sends, for the one
conversation it was sent to, and accepts a press only with a valid signature: a
browser cannot invent commands, nor reuse another conversation's buttons. The key
(WIDGET_BUTTON_KEY) is the same on every replica, so any replica can check any press.
A signature also carries the time it expires, so a button cannot be replayed for ever:
"<expiry, Unix seconds>.<HMAC hex>", opaque to the widget, which sends it back as it was.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from typing import Optional


# Longer than a conversation is kept once idle (CONVERSATION_RETENTION_HOURS, 1 by
# default), so a button still on the screen of a live conversation always works.
BUTTON_LIFETIME_S = 2 * 3600


def sign_button(key: str, conversation_id: str, payload: str, expires: Optional[int] = None) -> str:
    """"<expires>.<HMAC-SHA256(key, conversation_id, payload, expires) in lower-case hex>"."""
    expires = int(time.time()) + BUTTON_LIFETIME_S if expires is None else expires
    message = f"{conversation_id}\n{payload}\n{expires}".encode("utf-8")
    return f"{expires}." + hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def button_signature_ok(key: str, conversation_id: str, payload: str, signature: str,
                        now: Optional[float] = None) -> bool:
    """True for a signature this server made, for this conversation and payload, not yet expired."""
    expires, _, _ = signature.strip().partition(".")
    if not expires.isdigit() or int(expires) < (time.time() if now is None else now):
        return False
    expected = sign_button(key, conversation_id, payload, int(expires))
    return hmac.compare_digest(expected, signature.strip().lower())
