"""Signatures: HMAC-SHA256 over f"{timestamp}.{body}", header t=<unix>,v1=<hex>."""
from __future__ import annotations

import hashlib
import hmac

from connectors.handoff.signing import sign, signed_headers, verify

SECRET = "s3cret-for-tests"
BODY = b'{"reference":"HX7K-3MPQ","schema_version":1}'
NOW = 1_740_000_000


def test_a_valid_signature_verifies() -> None:
    header = sign(SECRET, BODY, timestamp=NOW)
    assert header.startswith(f"t={NOW},v1=")
    assert verify(SECRET, header, BODY, now=NOW + 10)
    assert verify(SECRET, header, BODY.decode(), now=NOW)  # str or bytes: the same UTF-8 bytes


def test_the_scheme_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, BODY, timestamp=NOW) == f"t={NOW},v1={expected}"


def test_a_tampered_body_is_refused() -> None:
    header = sign(SECRET, BODY, timestamp=NOW)
    assert not verify(SECRET, header, BODY.replace(b"HX7K", b"HX7M"), now=NOW)
    assert not verify(SECRET, header, BODY + b" ", now=NOW)


def test_the_wrong_secret_is_refused() -> None:
    header = sign("another-secret", BODY, timestamp=NOW)
    assert not verify(SECRET, header, BODY, now=NOW)


def test_a_stale_or_future_timestamp_is_refused() -> None:
    header = sign(SECRET, BODY, timestamp=NOW)
    assert verify(SECRET, header, BODY, tolerance_s=300, now=NOW + 300)
    assert not verify(SECRET, header, BODY, tolerance_s=300, now=NOW + 301)
    assert not verify(SECRET, header, BODY, tolerance_s=300, now=NOW - 301)


def test_a_changed_timestamp_is_refused() -> None:
    header = sign(SECRET, BODY, timestamp=NOW)
    assert not verify(SECRET, header.replace(f"t={NOW}", f"t={NOW + 1}"), BODY, now=NOW)


def test_malformed_headers_are_refused() -> None:
    good = sign(SECRET, BODY, timestamp=NOW)
    for header in (None, "", "v1=abc", f"t={NOW}", "t=soon,v1=abc", good.replace("v1=", "v0="), "garbage"):
        assert not verify(SECRET, header, BODY, now=NOW), header
    assert not verify("", good, BODY, now=NOW)


def test_headers_carry_signature_and_idempotency_key() -> None:
    headers = signed_headers(SECRET, BODY, "0b8e7c1e-3f7d-4c1a-9d2b-5b1f0f6a9e11", timestamp=NOW)
    assert headers["X-Idempotency-Key"] == "0b8e7c1e-3f7d-4c1a-9d2b-5b1f0f6a9e11"
    assert verify(SECRET, headers["X-Handoff-Signature"], BODY, now=NOW)
