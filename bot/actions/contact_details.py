"""Understanding contact details people type: UK phone numbers, emails, yes and no."""
from __future__ import annotations

import re
from typing import Optional, Text

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}$")
YES_WORDS = {"yes", "y", "yeah", "yep", "ok", "okay", "sure", "fine", "safe", "yes please", "thats fine", "that's fine"}
NO_WORDS = {"no", "n", "nope", "nah", "not safe", "no thanks", "never", "none", "no its not", "no it's not"}
SKIP_WORDS = {"skip", "rather not say", "i'd rather not say", "prefer not to say", "no", "none", "n/a", "na", "-"}
ANOTHER_WAY = ("another way", "different way", "other way", "change method")


def normalise_uk_phone(text: Text) -> Optional[Text]:
    """"07700 900123" or "+44 (0)7700-900123" -> "+447700900123"; None if not a UK number."""
    digits = re.sub(r"[\s\-().]", "", text.strip())
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].removeprefix("0")
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0[1-37]\d{8,9}", digits):
        return None
    if digits.startswith("07") and len(digits) != 11:
        return None
    return "+44" + digits[1:]


def normalise_email(text: Text) -> Optional[Text]:
    candidate = text.strip().strip(".,").lower()
    return candidate if EMAIL.match(candidate) else None


def yes_or_no(text: Text, unsure_means: Text) -> Text:
    """ "yes", "no", or `unsure_means` for anything else (the safer assumption)."""
    words = _plain(text)
    first = words.split(" ")[0] if words else ""
    if words in YES_WORDS or first in YES_WORDS:
        return "yes"
    if words in NO_WORDS or first in NO_WORDS:
        return "no"
    return unsure_means


def is_skip(text: Text) -> bool:
    return _plain(text) in SKIP_WORDS


def wants_another_way(text: Text) -> bool:
    return any(phrase in _plain(text) for phrase in ANOTHER_WAY)


def _plain(text: Text) -> Text:
    return " ".join(re.sub(r"[^a-z0-9' /-]", " ", text.lower()).split())
