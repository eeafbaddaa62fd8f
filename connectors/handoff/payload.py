"""The handoff request: its JSON shape (schema_version 1), references and validation.

The shape is documented for the force in docs/handoff-contract.md and as JSON Schema
in handoff.schema.json; `problems()` below checks the same rules by hand, and a test
keeps the two in step. Messages name fields, never values: they may end up in logs.
"""
from __future__ import annotations

import json
import re
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, TypedDict, TypeGuard

from connectors.handoff.errors import HandoffRejected

SCHEMA_VERSION = 1
# No 0/O, 1/I/L, 5/S, 2/Z: a reference read out over the phone cannot be misheard.
REFERENCE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
REFERENCE_PATTERN = re.compile(rf"^[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{4}}$")
# The lists of destinations, topics and contact methods are the schema's; the contact
# form offers these (bot/content/handoff.yml, checked by scripts/content check).
SCHEMA = json.loads(Path(__file__).with_name("handoff.schema.json").read_text(encoding="utf-8"))
DESTINATIONS = tuple(SCHEMA["properties"]["destination"]["enum"])
TOPICS = tuple(SCHEMA["properties"]["topic"]["enum"])
CONTACT_METHODS = tuple(SCHEMA["properties"]["contact"]["properties"]["method"]["enum"])
# Abuse by police officers or staff goes to Professional Standards, never to the general queue.
POLICE_ABUSE = "police_abuse"
PHONE_PATTERN = re.compile(r"^\+[1-9][0-9]{7,14}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UTC_TIMESTAMP_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|\+00:00)$")
TIMESTAMP_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")
# Tabs and line breaks (\r too, from pasted text) are fine; other control characters are not.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Longest text each free-text field may hold (characters).
TEXT_LIMITS = {
    "source.channel": 40,
    "source.partner_id": 64,
    "name": 100,
    "contact.email": 254,
    "contact.safe_times": 300,
    "contact.if_someone_else_answers": 300,
    "area": 100,
    "needs.interpreter": 60,
    "needs.accessibility": 300,
    "consent.wording_version": 40,
}


class Source(TypedDict):
    channel: str
    partner_id: Optional[str]


class Contact(TypedDict):
    method: str
    phone: Optional[str]
    email: Optional[str]
    safe_times: Optional[str]
    voicemail_ok: Optional[bool]
    text_ok: Optional[bool]
    others_may_answer: Optional[bool]
    if_someone_else_answers: Optional[str]


class Needs(TypedDict):
    interpreter: Optional[str]
    accessibility: Optional[str]


class Consent(TypedDict):
    given_at: str
    wording_version: str


class HandoffPayload(TypedDict):
    schema_version: int
    reference: str
    created_at: str
    destination: str
    source: Source
    topic: str
    name: Optional[str]
    contact: Contact
    area: Optional[str]
    needs: Needs
    consent: Consent


FIELDS = {
    "": ("schema_version", "reference", "created_at", "destination", "source", "topic", "name", "contact", "area",
         "needs", "consent"),
    "source": ("channel", "partner_id"),
    "contact": ("method", "phone", "email", "safe_times", "voicemail_ok", "text_ok", "others_may_answer",
                "if_someone_else_answers"),
    "needs": ("interpreter", "accessibility"),
    "consent": ("given_at", "wording_version"),
}


def destination_for(topic: Optional[str]) -> str:
    """Where a request about `topic` goes: the routing rule, here and only here."""
    return "professional_standards" if topic == POLICE_ABUSE else "general"


def new_reference() -> str:
    """A fresh reference like HX7K-3MPQ: 8 characters a person can read out without confusion."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def is_reference(value: Any) -> bool:
    return isinstance(value, str) and bool(REFERENCE_PATTERN.match(value))


def utc_now_iso() -> str:
    """Now, as the schema writes times: 2025-03-01T14:05:09Z."""
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def complete(payload: Mapping[str, Any]) -> Dict[str, Any]:
    """A copy with schema_version, reference and created_at filled in when the caller left them out."""
    result = dict(payload)
    if result.get("schema_version") is None:
        result["schema_version"] = SCHEMA_VERSION
    if result.get("reference") is None:
        result["reference"] = new_reference()
    if result.get("created_at") is None:
        result["created_at"] = utc_now_iso()
    return result


def _is_timestamp(value: Any, utc_only: bool) -> bool:
    pattern = UTC_TIMESTAMP_PATTERN if utc_only else TIMESTAMP_PATTERN
    if not isinstance(value, str) or not pattern.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def problems(payload: Any) -> List[str]:
    """Everything wrong with a payload, in plain words; an empty list when it is valid."""
    if not isinstance(payload, Mapping):
        return ["the handoff must be a JSON object"]
    found: List[str] = []

    def check_keys(obj: Any, path: str) -> TypeGuard[Mapping[str, Any]]:
        label = path or "the handoff"
        if not isinstance(obj, Mapping):
            found.append(f"{label} must be an object")
            return False
        allowed = FIELDS[path]
        missing = [k for k in allowed if k not in obj]
        unknown = sorted(str(k) for k in obj if k not in allowed)
        prefix = f"{path}." if path else ""
        if missing:
            found.append(f"missing: {', '.join(prefix + k for k in missing)} (use null for an unknown value)")
        if unknown:
            found.append(f"unknown fields: {', '.join(prefix + k for k in unknown)}")
        return True

    def text(path: str, value: Any, required: bool) -> None:
        if value is None:
            if required:
                found.append(f"{path} is required")
            return
        if not isinstance(value, str):
            found.append(f"{path} must be text or null")
        elif required and not value.strip():
            found.append(f"{path} must not be empty")
        elif len(value) > TEXT_LIMITS[path]:
            found.append(f"{path} is longer than {TEXT_LIMITS[path]} characters")
        elif CONTROL_CHARACTERS.search(value):
            found.append(f"{path} contains control characters")

    def flag(path: str, value: Any) -> None:
        if value is not None and not isinstance(value, bool):
            found.append(f"{path} must be true, false or null")

    check_keys(payload, "")
    if payload.get("schema_version") != SCHEMA_VERSION or isinstance(payload.get("schema_version"), bool):
        found.append(f"schema_version must be {SCHEMA_VERSION}")
    if not is_reference(payload.get("reference")):
        found.append("reference must look like HX7K-3MPQ (use new_reference())")
    if not _is_timestamp(payload.get("created_at"), utc_only=True):
        found.append("created_at must be an ISO-8601 time in UTC, like 2025-03-01T14:05:09Z")
    destination = payload.get("destination")
    if destination not in DESTINATIONS:
        found.append(f"destination must be one of {', '.join(DESTINATIONS)}")
    topic = payload.get("topic")
    if topic not in TOPICS:
        found.append(f"topic must be one of {', '.join(TOPICS)}")
    elif destination != destination_for(topic):
        found.append(f"topic {topic} must go to destination {destination_for(topic)}")
    text("name", payload.get("name"), required=False)
    text("area", payload.get("area"), required=False)

    source = payload.get("source")
    if check_keys(source, "source"):
        text("source.channel", source.get("channel"), required=True)
        text("source.partner_id", source.get("partner_id"), required=False)

    contact = payload.get("contact")
    if check_keys(contact, "contact"):
        method = contact.get("method")
        phone, email = contact.get("phone"), contact.get("email")
        if method not in CONTACT_METHODS:
            found.append(f"contact.method must be one of {', '.join(CONTACT_METHODS)}")
        if phone is not None and not (isinstance(phone, str) and PHONE_PATTERN.match(phone)):
            found.append("contact.phone must be in international (E.164) format, like +447700900123")
        if email is not None and not (isinstance(email, str) and EMAIL_PATTERN.match(email)):
            found.append("contact.email must be an email address")
        text("contact.email", email if isinstance(email, str) else None, required=False)
        if method in ("call", "text") and phone is None:
            found.append(f"contact.phone is required when contact.method is {method}")
        if method == "email" and email is None:
            found.append("contact.email is required when contact.method is email")
        if method == "text" and contact.get("text_ok") is False:
            found.append("contact.text_ok is false but contact.method is text")
        text("contact.safe_times", contact.get("safe_times"), required=False)
        text("contact.if_someone_else_answers", contact.get("if_someone_else_answers"), required=False)
        for key in ("voicemail_ok", "text_ok", "others_may_answer"):
            flag(f"contact.{key}", contact.get(key))

    needs = payload.get("needs")
    if check_keys(needs, "needs"):
        text("needs.interpreter", needs.get("interpreter"), required=False)
        text("needs.accessibility", needs.get("accessibility"), required=False)

    consent = payload.get("consent")
    if check_keys(consent, "consent"):
        if not _is_timestamp(consent.get("given_at"), utc_only=False):
            found.append("consent.given_at must be an ISO-8601 time with its offset, like 2025-03-01T14:04:50Z")
        text("consent.wording_version", consent.get("wording_version"), required=True)
    return found


def validate(payload: Mapping[str, Any]) -> Dict[str, Any]:
    """The payload, completed (see complete()) and checked; HandoffRejected says what is wrong."""
    result = complete(payload) if isinstance(payload, Mapping) else payload
    found = problems(result)
    if found:
        raise HandoffRejected("The handoff request was not accepted: " + "; ".join(found) + ".")
    return result


def to_json(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes that are encrypted, signed and sent: compact, keys sorted, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
