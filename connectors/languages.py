"""The languages the assistant answers in (issue 18), by ISO 639-1 code: what the widget
may ask for, what the content may be translated into, what the detector tells apart.
English is the source of every text; the others fall back to it where untranslated."""
from __future__ import annotations

import unicodedata
from typing import Dict, NamedTuple


class LanguageInfo(NamedTuple):
    english_name: str  # also what a caller says to ask for an interpreter
    own_name: str
    direction: str  # ltr or rtl


LANGUAGES: Dict[str, LanguageInfo] = {
    "en": LanguageInfo("English", "English", "ltr"),
    "pl": LanguageInfo("Polish", "Polski", "ltr"),
    "pa": LanguageInfo("Panjabi", "ਪੰਜਾਬੀ", "ltr"),
    "gu": LanguageInfo("Gujarati", "ગુજરાતી", "ltr"),
    "pt": LanguageInfo("Portuguese", "Português", "ltr"),
    "ro": LanguageInfo("Romanian", "Română", "ltr"),
    "ur": LanguageInfo("Urdu", "اردو", "rtl"),
}
ENGLISH = "en"

# The accents of Polish, Portuguese and Romanian letters, as combining marks (after NFD).
LATIN_ACCENTS = frozenset("\u0300\u0301\u0302\u0303\u0306\u0307\u0308\u030b\u030c\u0326\u0327\u0328")


def plain(text: str) -> str:
    """Lower case, without accents (people often type Polish, Portuguese and Romanian
    without them), single spaces; scripts without Latin letters keep their marks."""
    lowered = unicodedata.normalize("NFKC", text).lower().replace("ł", "l").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFD", lowered)
    kept = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in decomposed if ch not in LATIN_ACCENTS)
    return " ".join(unicodedata.normalize("NFC", kept).split())
