"""Reading the answer to "Is it OK to send this to Warwickshire Police?".

Consent is a clear yes to exactly what was read back: the "Yes, send it" button, or
typed words that say yes and nothing else (shared/reference/safety-design.md). Wrongly
holding a request back costs one more question; wrongly sending one can put a person in
danger. So a typed answer counts as yes only when *every* word in it belongs to a short
list of yes-words and at least one of them is a clear yes. A "no", "don't", "wait",
"later", "not sure", a question mark, a word we do not know, or a classifier that reads
the message as a refusal, a stop or danger: none of these is consent.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

YES, CHANGE, RESTART = "yes", "change", "restart"
BUTTON_ANSWERS = (YES, CHANGE, RESTART)

# Words that on their own say yes to sending.
CLEAR_YES = {
    "yes", "yess", "yeah", "yea", "yeh", "yep", "yup", "ya", "yah", "yh", "y", "aye",
    "ok", "okay", "okey", "k", "kk", "sure", "alright", "send", "confirm",
    "confirmed", "absolutely", "definitely", "certainly", "👍", "✅", "👌",
}
# Words that may come with a clear yes without changing what it means ("yes please send it").
ALSO_ALLOWED = {
    "please", "pls", "plz", "plse", "it", "go", "ahead", "on", "do", "that", "thats", "is", "its",
    "right", "correct", "fine", "good", "all", "and", "just", "now", "then", "you", "can", "to",
    "them", "the", "police", "over", "off", "this", "thank", "thanks", "ty", "x", "xx", "im",
    "happy", "for", "with", "me", "i", "am", "agree", "details", "everything", "looks", "perfect",
    "great", "lovely", "a", "of", "course", "🙏",
}
# Classifier readings that rule consent out whatever the words look like: danger and
# stop are answered by their own rules; the rest are refusals or doubt.
NEVER_CONSENT_INTENTS = {"danger_now", "stop"}
NOT_CONSENT_INTENTS = NEVER_CONSENT_INTENTS | {"deny", "menu", "nlu_fallback", "out_of_scope"}
# "Change an answer" and "Start again", typed. Neither ever sends anything.
CHANGE_WORDS = {"change", "wrong", "edit", "amend", "mistake", "incorrect", "fix"}
RESTART_PHRASES = ("start again", "start over", "restart", "begin again", "from the beginning")
MAX_WORDS = 12


def consent_answer(message: Dict[Text, Any], asked_slot: Text = "handoff_confirm") -> Optional[Text]:
    """"yes", "change" or "restart" for a clear answer; None for anything else.

    `message` is the tracker's latest message (text, intent, entities)."""
    entities: List[Dict[Text, Any]] = message.get("entities") or []
    pressed = [e.get("value") for e in entities if e.get("entity") == asked_slot]
    if pressed:
        # A button; one that also carries other answers is nobody's button: not consent.
        return pressed[0] if len(entities) == 1 and pressed[0] in BUTTON_ANSWERS else None
    text = message.get("text") or ""
    intent = (message.get("intent") or {}).get("name")
    if intent in NEVER_CONSENT_INTENTS:
        return None
    if any(phrase in " ".join(_words(text)) for phrase in RESTART_PHRASES):
        return RESTART
    if CHANGE_WORDS & set(_words(text)):
        return CHANGE
    if intent in NOT_CONSENT_INTENTS:
        return None
    return YES if is_plain_yes(text) else None


def carries_other_answers(message: Dict[Text, Any], asked_slot: Text = "handoff_confirm") -> bool:
    """Whether the message tries to give answers besides the one being asked for."""
    return any(e.get("entity") != asked_slot for e in message.get("entities") or [])


def is_plain_yes(text: Text) -> bool:
    """True only for typed words that say yes and nothing else: "yes please send it",
    "yep", "ok 👍". A question, a trailing-off "yes..." or any other word is not."""
    if "?" in text or "..." in text or "…" in text:
        return False
    words = _words(text)
    if not words or len(words) > MAX_WORDS:
        return False
    return all(w in CLEAR_YES or w in ALSO_ALLOWED for w in words) and any(w in CLEAR_YES for w in words)


def _words(text: Text) -> List[Text]:
    """Lower-case words without apostrophes; every other symbol (an emoji, say) is a
    word of its own."""
    lowered = text.lower().replace("’", "'").replace("'", "")
    tokens = re.findall(r"[a-z0-9]+|[^\sa-z0-9.,!]", lowered)
    return [_known_spelling(token) for token in tokens if token != "\ufe0f"]


def _known_spelling(word: Text) -> Text:
    """"yesss" -> "yes", "pleasee" -> "please": drawn-out letters, when that makes a known word."""
    if word in CLEAR_YES or word in ALSO_ALLOWED:
        return word
    return re.sub(r"(.)\1+", r"\1", word)
