"""The request's shape: references, validation, and the JSON Schema file agreeing with the code."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable, Dict

import pytest

from connectors.handoff import HandoffRejected, new_reference
from connectors.handoff.payload import REFERENCE_ALPHABET, complete, problems, validate
from tests.support.handoff import make_payload

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "connectors" / "handoff" / "handoff.schema.json"


def test_references_look_like_HX7K_3MPQ_and_avoid_ambiguous_characters() -> None:
    assert not set("0O1IL5S2Z") & set(REFERENCE_ALPHABET)
    references = {new_reference() for _ in range(2000)}
    assert len(references) == 2000
    for reference in references:
        assert len(reference) == 9 and reference[4] == "-"
        assert set(reference.replace("-", "")) <= set(REFERENCE_ALPHABET)


def test_a_complete_request_is_valid_and_gets_reference_and_time() -> None:
    result = validate(make_payload())
    assert result["schema_version"] == 1
    assert len(result["reference"]) == 9
    assert result["created_at"].endswith("Z")


def test_a_given_reference_and_time_are_kept() -> None:
    result = complete(make_payload(reference="HX7K-3MPQ", created_at="2025-03-01T14:05:09Z"))
    assert (result["reference"], result["created_at"]) == ("HX7K-3MPQ", "2025-03-01T14:05:09Z")


def _mutate(path: str, value: Any) -> Callable[[Dict[str, Any]], None]:
    def apply(payload: Dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = payload
        for key in parents:
            target = target[key]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value

    return apply


INVALID = {
    "wrong schema version": _mutate("schema_version", 2),
    "reference with ambiguous characters": _mutate("reference", "HX0K-3MPQ"),
    "reference without dash": _mutate("reference", "HX7K3MPQ"),
    "created_at not UTC": _mutate("created_at", "2025-03-01T14:05:09+01:00"),
    "created_at not a time": _mutate("created_at", "yesterday"),
    "unknown destination": _mutate("destination", "ceo"),
    "unknown topic": _mutate("topic", "burglary"),
    "police abuse to general": _mutate("topic", "police_abuse"),
    "name not text": _mutate("name", 42),
    "name too long": _mutate("name", "x" * 101),
    "missing name": _mutate("name", KeyError),
    "extra field": _mutate("notes", "anything"),
    "extra contact field": _mutate("contact.address", "1 High St"),
    "missing source channel": _mutate("source.channel", None),
    "unknown method": _mutate("contact.method", "pigeon"),
    "phone not E.164": _mutate("contact.phone", "07700 900461"),
    "call without phone": _mutate("contact.phone", None),
    "bad email": _mutate("contact.email", "not-an-email"),
    "voicemail_ok not bool": _mutate("contact.voicemail_ok", "yes"),
    "consent missing": _mutate("consent", KeyError),
    "consent time without offset": _mutate("consent.given_at", "2025-03-01T14:04:50"),
    "consent wording missing": _mutate("consent.wording_version", None),
    "needs not an object": _mutate("needs", "interpreter"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_requests_are_refused_by_code_and_schema_alike(case: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    payload = complete(make_payload(reference="HX7K-3MPQ"))
    INVALID[case](payload)
    assert problems(payload), case
    assert not validator.is_valid(payload), case


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"destination": "professional_standards", "topic": "police_abuse"},
        {"name": None, "area": None},
        {"contact": {"method": "they_will_contact", "phone": None, "email": None, "safe_times": None,
                     "voicemail_ok": None, "text_ok": None, "others_may_answer": None,
                     "if_someone_else_answers": None}},
        {"contact": {"method": "email", "phone": None, "email": "a@b.example", "safe_times": None,
                     "voicemail_ok": None, "text_ok": None, "others_may_answer": None,
                     "if_someone_else_answers": None}},
    ],
)
def test_valid_requests_pass_code_and_schema_alike(change: Dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    payload = complete(make_payload(**copy.deepcopy(change)))
    assert problems(payload) == []
    assert validator.is_valid(payload), list(validator.iter_errors(payload))


def test_the_schema_file_is_a_valid_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text()))


def test_a_rejection_names_fields_never_values() -> None:
    payload = make_payload()
    payload["contact"] = {**payload["contact"], "phone": "call 07700 900461 after six"}
    with pytest.raises(HandoffRejected) as raised:
        validate(payload)
    message = str(raised.value)
    assert "contact.phone" in message
    assert "900461" not in message and "after six" not in message


def test_a_text_request_when_texts_are_not_safe_is_refused() -> None:
    payload = make_payload()
    payload["contact"] = {**payload["contact"], "method": "text", "text_ok": False}
    assert any("text_ok" in p for p in problems(complete(payload)))


def test_pasted_line_breaks_are_fine_but_other_control_characters_are_not() -> None:
    payload = make_payload()
    payload["contact"] = {**payload["contact"], "safe_times": "weekdays\r\nafter 6\tpm"}
    assert problems(complete(payload)) == []
    payload["contact"] = {**payload["contact"], "safe_times": "weekdays\x00"}
    assert problems(complete(payload)) == ["contact.safe_times contains control characters"]
