"""Which language to answer in (issue 18).

A language chosen in the widget holds for the whole conversation (the widget channel puts
the choice in the message's metadata, from its own list, never as sent). Otherwise the
language of the latest typed message (bot/nlu/other_languages.py) is used, and remembered
in the `language` slot, so a button pressed afterwards is answered in the same language.
"""
from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from connectors.languages import ENGLISH, LANGUAGES

LANGUAGE_SLOT = "language"


def chosen_language(tracker: Tracker) -> Optional[Text]:
    """The language picked in the widget, if any."""
    if tracker.get_latest_input_channel() != "widget":
        return None
    metadata = (tracker.latest_message or {}).get("metadata")
    chosen = metadata.get("language") if isinstance(metadata, dict) else None
    return chosen if isinstance(chosen, str) and chosen in LANGUAGES else None


def typed_language(tracker: Tracker) -> Optional[Text]:
    """The language of the latest message, when it was typed (a pressed button has none).
    Not while a form is asking its questions: a name, a number or a time says nothing of
    the language someone reads ("Tester 3f2a" reads as Romanian to a detector)."""
    if (tracker.active_loop or {}).get("name"):
        return None
    detected = (tracker.latest_message or {}).get("language")
    return detected if isinstance(detected, str) and detected in LANGUAGES else None


def reply_language(tracker: Tracker) -> Text:
    return chosen_language(tracker) or typed_language(tracker) or tracker.get_slot(LANGUAGE_SLOT) or ENGLISH


def remember_language(tracker: Tracker) -> List[EventType]:
    language = chosen_language(tracker) or typed_language(tracker)
    return [SlotSet(LANGUAGE_SLOT, language)] if language and language != tracker.get_slot(LANGUAGE_SLOT) else []


def not_understood_in_english(tracker: Tracker) -> bool:
    """Typed in another language: the English classifier could not read it, so the
    assistant answers with the emergency line and its menu, in that language."""
    return typed_language(tracker) not in (None, ENGLISH)
