"""Messages in the community languages the assistant supports (issue 18).

Every message's language is detected (lingua-language-detector, restricted to the
supported languages; its models ship inside the package) and given to the actions as
`language` in the parse data. The classifier understands English only, so a message in
another language gets one of two intents, whatever the classifier guessed:

- danger_now, when it says someone is in danger now: a phrase of bot/nlu/danger_phrases/,
  or this component's own danger classifier (trained on bot/nlu/danger_examples/, danger
  now against everything else, in all six languages), or the English danger signals
  earlier in the pipeline;
- nlu_fallback otherwise (not understood): the assistant answers it with its menu in that
  language, whose buttons lead to the topics translated in bot/content/translations/
  (bot/actions/topics.py). Not `menu` itself: inside a form, "menu" leaves the form, while
  a name or a time typed in another language is an answer like any other.

English is never taken for another language by accident: a message in another script is
that script's language; a message in the Latin alphabet is English when most of its words
are common English words (build/languages/common_english.txt, made by
scripts/build_language_data.py) or when lingua is not sure. Short messages are where
lingua is least sure ("salut", "ok mersi"): a word the assistant knows from its own texts
in a language (its translations, danger phrases and examples: build/languages/words_<code>.txt)
and that English does not use counts for that language when lingua also prefers it to English.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, NamedTuple, Optional, Text, Tuple

import yaml
from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from bot.nlu.danger_now import DANGER_INTENT, flag_danger
from bot.nlu.sklearn_component import SklearnPipelineComponent
from connectors.languages import plain

ROOT = Path(__file__).resolve().parent.parent.parent
COMMON_ENGLISH = ROOT / "build" / "languages" / "common_english.txt"
DANGER_PHRASES = Path(__file__).with_name("danger_phrases")
DANGER_EXAMPLES = Path(__file__).with_name("danger_examples")
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


class LanguageGuesser:
    """Which supported language a message is in. Knows nothing about Rasa."""

    def __init__(self, common_english: FrozenSet[str], detector: LanguageDetector,
                 known_words: Optional[Dict[Text, FrozenSet[str]]] = None) -> None:
        self.common_english = common_english
        self.detector = detector
        self.known_words = known_words or {}
        self.codes = {language: code for code, language in SUPPORTED.items()}

    @classmethod
    def load(cls) -> "LanguageGuesser":
        if not COMMON_ENGLISH.exists():
            raise FileNotFoundError(f"{COMMON_ENGLISH} is missing: run scripts/setup.sh")
        words = frozenset(COMMON_ENGLISH.read_text(encoding="utf-8").split())
        known = {}
        for code in SUPPORTED:
            path = known_words_file(code)
            if path.exists():
                known[code] = frozenset(path.read_text(encoding="utf-8").split())
        detector = LanguageDetectorBuilder.from_languages(*SUPPORTED.values()).build()
        return cls(words, detector, known)

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
        values = {self.codes[value.language]: value.value
                  for value in self.detector.compute_language_confidence_values(text)}
        from_words = self._language_of_known_words(words, values)
        if from_words:
            return from_words
        best = max(values, key=values.__getitem__, default=ENGLISH)
        one_word = len(words) == 1 and not accented
        if best == ENGLISH or values[best] < (SURE_OF_ONE_WORD if one_word else SURE_ENOUGH):
            return ENGLISH
        if not accented and values[best] - values.get(ENGLISH, 0.0) < AHEAD_OF_ENGLISH:
            return ENGLISH
        return best

    def _language_of_known_words(self, words: List[Text], values: Dict[Text, float]) -> Optional[Text]:
        """The language whose known words (not English ones) the message uses most, if lingua
        also puts it ahead of English: "salut", "ok mersi", "por favor me ajuda"."""
        foreign = [plain(word) for word in words if len(word) > 2 and not self._is_common_english(word)]
        hits = {code: sum(word in known for word in foreign) for code, known in self.known_words.items()}
        ranked = sorted(hits, key=lambda code: (hits[code], values.get(code, 0.0)), reverse=True)
        if not ranked or hits[ranked[0]] == 0:
            return None
        best = ranked[0]
        return best if values.get(best, 0.0) > values.get(ENGLISH, 0.0) else None

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


def known_words_file(code: Text) -> Path:
    """The words the assistant knows in a language (scripts/build_language_data.py)."""
    return COMMON_ENGLISH.with_name(f"words_{code}.txt")


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


# What each list of a danger-examples file is: danger now or not.
EXAMPLE_KINDS = (("danger", True), ("not_danger", False), ("form_answers", False))


class DangerExample(NamedTuple):
    text: Text
    is_danger: bool
    language: Text
    kind: Text  # danger, not_danger or form_answers (answers to the contact form's questions)


def danger_examples(folder: Path = DANGER_EXAMPLES) -> List[DangerExample]:
    """The danger-now and other messages of every language (bot/nlu/danger_examples/<code>.yml)."""
    found = []
    for path in sorted(folder.glob("*.yml")):
        examples = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind, danger in EXAMPLE_KINDS:
            found += [DangerExample(str(text), danger, path.stem, kind) for text in examples.get(kind) or []]
    return found


def build_danger_model(regularisation: float, random_state: int) -> Pipeline:
    """Character n-grams of the plain text (accents and case gone: people type both ways),
    which also work for scripts whose words regular expressions split, and whole words
    and word pairs split at spaces only."""
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, preprocessor=plain),
        TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True, preprocessor=plain),
    )
    classifier = LogisticRegression(C=regularisation, class_weight="balanced", max_iter=2000,
                                    random_state=random_state)
    return make_pipeline(features, classifier)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class OtherLanguages(SklearnPipelineComponent):
    """Sets `language`; for a message not in English, the intent becomes danger_now or
    nlu_fallback. Put it last in the pipeline, after the English danger signals.

    Trained on its own examples (bot/nlu/danger_examples/), not on the English NLU data:
    one classifier of danger now against everything else, for all six languages."""

    MODEL_FILE = "other_languages_danger.joblib"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"threshold": 0.2, "regularisation": 10.0, "min_words": 3, "random_state": 2023,
                "examples": str(DANGER_EXAMPLES.relative_to(ROOT))}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 pipeline: Optional[Pipeline] = None) -> None:
        super().__init__(config, model_storage, resource, pipeline)
        self._guesser: Optional[LanguageGuesser] = None

    def train(self, training_data: TrainingData) -> Resource:
        examples = danger_examples(ROOT / self.component_config["examples"])
        model = build_danger_model(self.component_config["regularisation"], self.component_config["random_state"])
        model.fit([e.text for e in examples], [e.is_danger for e in examples])
        return self._keep(model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._guesser is None:
            self._guesser = LanguageGuesser.load()
        for message in messages:
            self.read_message(message, self._guesser)
        return messages

    def means_danger(self, text: Text) -> bool:
        """A danger phrase of any of the languages, or the classifier sure enough. Shorter
        messages are left to the phrases: a name, a time or a yes typed into the contact
        form is unlike anything the classifier learnt, and it guesses wildly at those."""
        if says_danger(text):
            return True
        if self._pipeline is None or len(text.split()) < self.component_config["min_words"]:
            return False
        return float(self._pipeline.predict_proba([text])[0][1]) >= self.component_config["threshold"]

    def read_message(self, message: Message, guesser: LanguageGuesser) -> None:
        text = message.get(TEXT) or ""
        code = guesser.language_of(text)
        already_danger = (message.get(INTENT) or {}).get("name") == DANGER_INTENT
        if code == ENGLISH and not already_danger and says_danger(text):
            code = guesser.best_guess(text)  # English to the detector, but danger in another language
        message.set("language", code, add_to_output=True)
        if code == ENGLISH:
            return
        if already_danger or self.means_danger(text):
            flag_danger(message)
            # The classifier's guesses are for English: after the emergency reply, the menu
            # (the emergency action answers the second-ranked topic too).
            answer = [{"name": DANGER_INTENT, "confidence": 1.0}, {"name": FOLLOW_UP_TOPIC, "confidence": 1.0}]
        else:
            answer = [{"name": ANSWER_INTENT, "confidence": 1.0}]
        message.set(INTENT, answer[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, answer, add_to_output=True)
