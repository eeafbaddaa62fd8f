"""The contact form's answers as the handoff request's fields (docs/handoff-contract.md),
and a fingerprint of them: what is read back is exactly what can be sent."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, Mapping, Optional, Text

from connectors.handoff.payload import destination_for
from connectors.languages import ENGLISH, LANGUAGES

# Shown when someone chose to skip; sent to the force as "not given".
SKIPPED = "skipped"
NEEDS_A_NUMBER = ("call", "text")
CONTACTED_BY_US = ("call", "text", "email")


def _given(value: Optional[Text]) -> Optional[Text]:
    return None if value in (None, SKIPPED, "none") else value


def _asks_for_interpreter(needs: Text) -> bool:
    return any(word in needs.lower() for word in ("interpret", "translat", "language"))


def answers_from(slots: Mapping[Text, Any]) -> Dict[Text, Any]:
    """What the person asked for: the part of the handoff request their answers decide,
    in the shape docs/handoff-contract.md sets out."""
    topic = slots.get("handoff_topic") or "other"
    needs = _given(slots.get("access_needs"))
    method = slots.get("contact_method")
    yes_no: Dict[Any, bool] = {"yes": True, "no": False}
    return {
        "destination": destination_for(topic),
        "topic": topic,
        "name": _given(slots.get("handoff_name")),
        "contact": {
            "method": method,
            "phone": slots.get("contact_phone") if method in NEEDS_A_NUMBER else None,
            "email": slots.get("contact_email") if method == "email" else None,
            "safe_times": _given(slots.get("safe_times")),
            "voicemail_ok": yes_no.get(slots.get("voicemail_ok")),
            "text_ok": True if method == "text" else None,
            "others_may_answer": yes_no.get(slots.get("others_may_answer")),
            "if_someone_else_answers": _given(slots.get("if_someone_else_answers")),
        },
        "area": slots.get("handoff_area"),
        "needs": {
            "interpreter": needs[:60] if needs and _asks_for_interpreter(needs) else _conversation_language(slots),
            "accessibility": needs if needs and not _asks_for_interpreter(needs) else None,
        },
    }


def _conversation_language(slots: Mapping[Text, Any]) -> Optional[Text]:
    """"Interpreter needed: Polish" when the conversation was in another language (issue 18)."""
    language = slots.get("language")
    if isinstance(language, str) and language in LANGUAGES and language != ENGLISH:
        return f"Interpreter needed: {LANGUAGES[language].english_name}"
    return None


def answers_digest(answers: Dict[Text, Any]) -> Text:
    """A fingerprint of the answers: equal only when every answer is the same."""
    return hashlib.sha256(json.dumps(answers, sort_keys=True).encode("utf-8")).hexdigest()
