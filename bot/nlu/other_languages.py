"""Messages in the community languages the assistant supports (issue 18).

Every message's language is detected (lingua-language-detector, restricted to the
supported languages; its models ship inside the package) and given to the actions as
`language` in the parse data. The classifier understands English only, so a message in
another language gets one of two intents, whatever the classifier guessed:

- danger_now, when it says someone is in danger now: the phrases for that language in
  bot/nlu/danger_phrases/<code>.yml, or the English danger signals earlier in the pipeline;
- nlu_fallback otherwise (not understood): the assistant answers it with its menu in that
  language, whose buttons lead to the topics translated in bot/content/translations/
  (bot/actions/topics.py). Not `menu` itself: inside a form, "menu" leaves the form, while
  a name or a time typed in another language is an answer like any other.

English is never taken for another language by accident: a message in another script is
that script's language; a message in the Latin alphabet is English when most of its words
are common English words (build/languages/common_english.txt, made by
scripts/build_language_data.py) or when lingua is not sure.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Text, Tuple, Type

import yaml
from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.danger_now import DANGER_INTENT, flag_danger

ROOT = Path(__file__).resolve().parent.parent.parent
COMMON_ENGLISH = ROOT / "build" / "languages" / "common_english.txt"
DANGER_PHRASES = Path(__file__).with_name("danger_phrases")
ENGLISH = "en"
# The languages the assistant supports, by ISO 639-1 code.
SUPPORTED: Dict[str, Language] = {
    "en": Language.ENGLISH, "pl": Language.POLISH, "pa": Language.PUNJABI, "gu": Language.GUJARATI,
    "pt": Language.PORTUGUESE, "ro": Language.ROMANIAN, "ur": Language.URDU,
}
# Scripts that belong to one supported language each.
SCRIPTS = (("pa", 0x0A00, 0x0A7F), ("gu", 0x0A80, 0x0AFF), ("ur", 0x0600, 0x06FF), ("ur", 0x0750, 0x077F),
           ("ur", 0xFB50, 0xFDFF), ("ur", 0xFE70, 0xFEFF))
ENGLISH_SHARE = 0.7  # at least this share of common English words: English
# lingua's confidences (they add up to 1 over the supported languages) needed to take a
# Latin-script message as another language: short messages rarely score higher.
SURE_ENOUGH = 0.3
AHEAD_OF_ENGLISH = 0.1
SURE_OF_ONE_WORD = 0.6  # a single unaccented word ("samaratins") needs more: it is most often English
# Letters of Polish, Portuguese and Romanian that English never uses: a message with one
# is not English, whatever its words.
NOT_ENGLISH_LETTERS = frozenset("ąęłśżźćńóãõçáéíúâêôàăîșțşţ")
ANSWER_INTENT = "nlu_fallback"
FOLLOW_UP_TOPIC = "menu"
# One- and two-letter words English speakers type, British chat included ("ta", "ur", "im").
SHORT_ENGLISH = frozenset("a i am an as at be bi by do ex go he hi id if im in is it me mr ms my no of oh ok on or so "
                          "ta to u up ur us we ya".split())
# The accents of Polish, Portuguese and Romanian letters, as combining marks (after NFD).
LATIN_ACCENTS = frozenset("\u0300\u0301\u0302\u0303\u0306\u0307\u0308\u030b\u030c\u0326\u0327\u0328")


class LanguageGuesser:
    """Which supported language a message is in. Knows nothing about Rasa."""

    def __init__(self, common_english: FrozenSet[str], detector: LanguageDetector) -> None:
        self.common_english = common_english
        self.detector = detector
        self.codes = {language: code for code, language in SUPPORTED.items()}

    @classmethod
    def load(cls) -> "LanguageGuesser":
        if not COMMON_ENGLISH.exists():
            raise FileNotFoundError(f"{COMMON_ENGLISH} is missing: run scripts/setup.sh")
        words = frozenset(COMMON_ENGLISH.read_text(encoding="utf-8").split())
        detector = LanguageDetectorBuilder.from_languages(*SUPPORTED.values()).build()
        return cls(words, detector)

    def language_of(self, text: Text) -> Text:
        script = script_language(text)
        if script:
            return script
        words = re.findall(r"[^\W\d_]+", text.lower())
        if not words:
            return ENGLISH
        accented = any(char in NOT_ENGLISH_LETTERS for char in text.lower())
        if not accented and all(len(word) <= 2 for word in words):
            return ENGLISH  # "ta ra", "oi", "da": too little to go on
        if not accented and sum(self._is_common_english(word) for word in words) / len(words) >= ENGLISH_SHARE:
            return ENGLISH
        values = {value.language: value.value for value in self.detector.compute_language_confidence_values(text)}
        best = max(values, key=values.__getitem__, default=Language.ENGLISH)
        one_word = len(words) == 1 and not accented
        if best == Language.ENGLISH or values[best] < (SURE_OF_ONE_WORD if one_word else SURE_ENOUGH):
            return ENGLISH
        if not accented and values[best] - values.get(Language.ENGLISH, 0.0) < AHEAD_OF_ENGLISH:
            return ENGLISH
        return self.codes.get(best, ENGLISH)


    def best_guess(self, text: Text) -> Text:
        """lingua's first choice, however unsure: for a message that has a danger phrase of
        another language but was taken as English ("on tu jest"), so the emergency reply
        is given in the language it most likely is."""
        values = self.detector.compute_language_confidence_values(text)
        return self.codes.get(values[0].language, ENGLISH) if values else ENGLISH

    def _is_common_english(self, word: Text) -> bool:
        # Frequency lists count "de", "la" and "e" as English (foreign text on English web
        # pages); a word of one or two letters counts only if it is an English word.
        return word in SHORT_ENGLISH if len(word) <= 2 else word in self.common_english


def script_language(text: Text) -> Optional[Text]:
    """The supported language whose script most of the message's letters are in, if not Latin."""
    counts: Dict[Text, int] = {}
    for char in text:
        point = ord(char)
        for language, first, last in SCRIPTS:
            if first <= point <= last:
                counts[language] = counts.get(language, 0) + 1
    latin = sum(char.isascii() and char.isalpha() for char in text)
    if not counts:
        return None
    code = max(counts, key=counts.__getitem__)
    return code if counts[code] >= latin else None


def plain(text: Text) -> Text:
    """Lower case, without accents (people often type Polish, Portuguese and Romanian
    without them), single spaces; scripts without Latin letters keep their marks."""
    lowered = unicodedata.normalize("NFKC", text).lower().replace("ł", "l").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFD", lowered)
    kept = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in decomposed if ch not in LATIN_ACCENTS)
    return " ".join(unicodedata.normalize("NFC", kept).split())


@lru_cache(maxsize=None)
def danger_phrases(code: Text) -> Tuple[Text, ...]:
    """The danger-now phrases of one language (bot/nlu/danger_phrases/<code>.yml), plain."""
    path = DANGER_PHRASES / f"{code}.yml"
    if not path.exists():
        return ()
    return tuple(plain(str(p)) for p in yaml.safe_load(path.read_text(encoding="utf-8"))["phrases"])


def says_danger(text: Text) -> bool:
    """Whether the message contains a danger phrase of any supported language other than
    English (at word starts: "zabi" finds "zabije" and "zabić"). Every list is tried, so a
    message taken for a neighbouring language (Portuguese for Romanian) is still caught."""
    words = " " + plain(text) + " "
    return any(f" {phrase}" in words for code in SUPPORTED if code != ENGLISH for phrase in danger_phrases(code))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OtherLanguages(GraphComponent, IntentClassifier):
    """Sets `language`; for a message not in English, the intent becomes danger_now or menu.
    Put it last in the pipeline, after the English danger signals."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["lingua"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config
        self._guesser: Optional[LanguageGuesser] = None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "OtherLanguages":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._guesser is None:
            self._guesser = LanguageGuesser.load()
        for message in messages:
            self.read_message(message, self._guesser)
        return messages

    @staticmethod
    def read_message(message: Message, guesser: LanguageGuesser) -> None:
        text = message.get(TEXT) or ""
        code = guesser.language_of(text)
        already_danger = (message.get(INTENT) or {}).get("name") == DANGER_INTENT
        if code == ENGLISH and not already_danger and says_danger(text):
            code = guesser.best_guess(text)  # English to the detector, but danger in another language
        message.set("language", code, add_to_output=True)
        if code == ENGLISH:
            return
        if already_danger or says_danger(text):
            flag_danger(message)
            # The classifier's guesses are for English: after the emergency reply, the menu
            # (the emergency action answers the second-ranked topic too).
            answer = [{"name": DANGER_INTENT, "confidence": 1.0}, {"name": FOLLOW_UP_TOPIC, "confidence": 1.0}]
        else:
            answer = [{"name": ANSWER_INTENT, "confidence": 1.0}]
        message.set(INTENT, answer[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, answer, add_to_output=True)
