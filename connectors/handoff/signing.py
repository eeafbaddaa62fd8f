"""Signatures on handoff requests: HMAC-SHA256 over f"{timestamp}.{body}".

Header: `X-Handoff-Signature: t=<unix seconds>,v1=<hex digest>`. Each destination
has its own secret. The timestamp stops an old request being replayed later; the
receiver also de-duplicates by `X-Idempotency-Key` and by the reference in the body.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from typing import Dict, Optional, Union

SIGNATURE_HEADER = "X-Handoff-Signature"
IDEMPOTENCY_HEADER = "X-Idempotency-Key"
DEFAULT_TOLERANCE_S = 300

Body = Union[bytes, str]


def _as_bytes(body: Body) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def signature(secret: str, timestamp: int, body: Body) -> str:
    """The hex HMAC-SHA256 of f"{timestamp}.{body}" with the secret."""
    message = f"{timestamp}.".encode("ascii") + _as_bytes(body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: Body, timestamp: Optional[int] = None) -> str:
    """The X-Handoff-Signature header value for this body, signed now (or at timestamp)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},v1={signature(secret, t, body)}"


def signed_headers(secret: str, body: Body, idempotency_key: str, timestamp: Optional[int] = None) -> Dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: sign(secret, body, timestamp),
        IDEMPOTENCY_HEADER: idempotency_key,
    }


def verify(
    secret: str,
    header: Optional[str],
    body: Body,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: Optional[float] = None,
) -> bool:
    """True only if the header carries a v1 signature of this body by this secret, made within tolerance_s."""
    if not header or not secret:
        return False
    timestamp: Optional[int] = None
    candidates = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        return False
    expected = signature(secret, timestamp, body)
    # Compare against every candidate (no early exit), each in constant time.
    matches = [hmac.compare_digest(expected.encode("ascii"), c.encode("utf-8", "replace")) for c in candidates]
    return any(matches)
