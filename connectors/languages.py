"""The languages the assistant answers in (issue 18), by ISO 639-1 code: what the widget
may ask for, what the content may be translated into, what the detector tells apart.
English is the source of every text; the others fall back to it where untranslated."""
from __future__ import annotations

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
