"""A second, independent danger-now signal: a classifier of danger now against everything else.

The phrase matcher (danger_now.py) knows the wording in its list, and the intent
classifier splits its attention over sixty intents. This component learns one
question only, "is this person in danger now?", from every training example
(danger_now against all other intents) on word and character n-grams, so it also
catches danger worded in ways no phrase lists ("a car has pulled up and he's trying
the handle"). It runs after the matcher, and either one raises danger_now: OR-ed, so
adding it can only catch more.

A message that speaks only of the past ("he hit me last year", "he used to follow me")
is left to the matcher, which has its own checks for negation and past tense.
The threshold and the regularisation were chosen by 5-fold cross-validation on the
training data (docs/pipeline.md), never on the test set.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from bot.nlu.danger_now import DANGER_INTENT, flag_danger, read_phrases, talks_only_of_the_past
from bot.nlu.sklearn_component import SklearnPipelineComponent

ENTITY_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def build_pipeline(regularisation: float, random_state: int) -> Pipeline:
    """Character n-grams see through typos and text-speak; word pairs see "hes here"."""
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
    )
    # Balanced: danger now is one example in ten, and missing it is the costly mistake.
    classifier = LogisticRegression(C=regularisation, class_weight="balanced", max_iter=2000,
                                    random_state=random_state)
    return make_pipeline(features, classifier)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class DangerClassifier(SklearnPipelineComponent):
    """Sets the intent to danger_now when its probability of danger reaches the threshold.
    Untrained (an empty model), it leaves everything to the phrase matcher."""

    MODEL_FILE = "danger_classifier.joblib"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"threshold": 0.35, "regularisation": 10.0, "random_state": 2023}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 pipeline: Optional[Pipeline] = None) -> None:
        super().__init__(config, model_storage, resource, pipeline)
        self._phrases = read_phrases()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        texts = [ENTITY_ANNOTATION.sub(r"\1", m.get(TEXT)) for m in examples]
        is_danger = [m.get(INTENT) == DANGER_INTENT for m in examples]
        pipeline = build_pipeline(self.component_config["regularisation"], self.component_config["random_state"])
        pipeline.fit(texts, is_danger)
        return self._keep(pipeline)

    def danger_probability(self, text: Text) -> float:
        return float(self._pipeline.predict_proba([text])[0][1]) if self._pipeline is not None else 0.0

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            already = (message.get(INTENT) or {}).get("name") == DANGER_INTENT
            if already or not text.strip() or talks_only_of_the_past(text, self._phrases):
                continue
            if self.danger_probability(text) >= self.component_config["threshold"]:
                flag_danger(message)
        return messages
