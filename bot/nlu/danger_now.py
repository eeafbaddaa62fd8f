"""Flags messages that say someone is in danger now, whatever the classifier thinks.

The intent classifier is trained to spot danger-now messages, but a statistical
model can miss one it has not seen. This component runs last in the NLU
pipeline and matches the message against the phrases and token patterns in
danger_phrases.yml using spaCy's PhraseMatcher and Matcher over the project's own
spaCy pipeline. When it matches, the intent becomes `danger_now`, so the dialogue
answers with the emergency message first. The classifier's own guess stays in the
intent ranking, so the assistant can still answer the question that came with it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

DANGER_INTENT = "danger_now"
PHRASES_FILE = Path(__file__).with_name("danger_phrases.yml")
# How many tokens before a match are checked for "not", "was" and the like.
LOOK_BACK = 2


class DangerMatcher:
    """Finds danger-now language in a spaCy Doc. Knows nothing about Rasa."""

    def __init__(self, nlp: Language, phrases: Dict[Text, Any]) -> None:
        self._phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._phrase_matcher.add("danger_phrase", [nlp.make_doc(p.lower()) for p in phrases["phrases"]])
        self._phrase_matcher.add("danger_phrase_needing_now",
                                 [nlp.make_doc(p.lower()) for p in phrases.get("phrases_needing_now", [])])
        self._matcher = Matcher(nlp.vocab)
        self._needs_now = {nlp.vocab.strings["danger_phrase_needing_now"]}
        for pattern in phrases["patterns"]:
            self._matcher.add(pattern["name"], [pattern["tokens"]])
            if pattern.get("needs_now"):
                self._needs_now.add(nlp.vocab.strings[pattern["name"]])
        self._whole_messages = {str(m).lower() for m in phrases["whole_message"]}
        self._just_before = {w.lower() for w in phrases["just_before"]}
        self._past_markers = [m.lower() for m in phrases["past_markers"]]
        self._now_markers = [m.lower() for m in phrases["now_markers"]]

    @classmethod
    def from_file(cls, nlp: Language, path: Path = PHRASES_FILE) -> "DangerMatcher":
        return cls(nlp, read_phrases(path))

    def find(self, doc: Doc) -> List[Text]:
        """Returns the matched danger wording; empty when there is none."""
        if self._is_whole_message_cry(doc):
            return [doc.text.strip()]
        # A fixed phrase's own words are the danger ("not safe", "won't let me leave"), so
        # only the words before it can negate it; a token pattern can have gaps, so a
        # negation inside its match counts as well.
        matches = [(match, False) for match in self._phrase_matcher(doc)]
        matches += [(match, True) for match in self._matcher(doc)]
        found = []
        for (match_id, start, end), check_inside in matches:
            span = doc[start:end]
            if self._is_negated_or_past(span, check_inside):
                continue
            if match_id in self._needs_now and not self._says_now(span):
                continue
            found.append(span.text)
        return found

    def _is_whole_message_cry(self, doc: Doc) -> bool:
        words = " ".join(t.lower_ for t in doc if not t.is_punct and not t.is_space)
        return words in self._whole_messages

    def _is_negated_or_past(self, span: Span, check_inside: bool = True) -> bool:
        window = span.doc[max(span.start - LOOK_BACK, 0) : span.end if check_inside else span.start]
        if any(token.lower_ in self._just_before for token in window):
            return True
        talks_of_past = self._sentence_has(span, self._past_markers)
        return talks_of_past and not self._says_now(span)

    def _says_now(self, span: Span) -> bool:
        return self._sentence_has(span, self._now_markers)

    def _sentence_has(self, span: Span, markers: List[Text]) -> bool:
        words = " ".join(t.lower_ for t in span.sent if not t.is_punct) if span.doc.has_annotation("SENT_START") else span.doc.text.lower()
        return any(f" {marker} " in f" {words} " for marker in markers)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False, model_from="SpacyNLP"
)
class DangerNowFlagger(GraphComponent, IntentClassifier):
    """Sets the intent to danger_now when the danger matcher fires. Put it last."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [SpacyNLP, IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config
        self._matcher: Optional[DangerMatcher] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DangerNowFlagger":
        return cls(config)

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        if self._matcher is None:
            self._matcher = DangerMatcher.from_file(model.model)
        for message in messages:
            text = message.get(TEXT) or ""
            doc = message.get(SPACY_DOCS[TEXT]) or model.model(text.lower())
            if self._matcher.find(doc):
                flag_danger(message)
        return messages


def flag_danger(message: Message) -> None:
    """Makes danger_now the message's intent, keeping the classifier's other guesses."""
    ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != DANGER_INTENT]
    danger = {"name": DANGER_INTENT, "confidence": 1.0}
    message.set(INTENT, danger, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [danger] + ranking, add_to_output=True)


def talks_only_of_the_past(text: Text, phrases: Dict[Text, Any]) -> bool:
    """"He hit me last year": a past marker and no word of now ("still", "tonight")."""
    words = " " + " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("’", "'")).split()) + " "
    says = lambda markers: any(f" {marker.lower()} " in words for marker in markers)  # noqa: E731
    return says(phrases["past_markers"]) and not says(phrases["now_markers"])


def read_phrases(path: Path = PHRASES_FILE) -> Dict[Text, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
