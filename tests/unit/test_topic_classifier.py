"""The intent classifier (bot/nlu/topic_classifier.py), trained on a small set."""
from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.topic_classifier import TopicClassifier, lemma_text

EXAMPLES = {
    "clares_law": ["what is clares law", "tell me about clare's law", "clares law info", "the domestic violence disclosure scheme",
                   "can i check if my partner has a violent past", "clares law explained"],
    "report_101": ["what is 101 for", "non emergency number", "should i ring 101", "how do i call the non emergency line",
                   "101 opening hours", "is 101 free"],
    "greet": ["hello", "hi there", "hiya", "good morning", "hey", "hi"],
}


def message(text, intent=None):
    data = {"text": text}
    if intent:
        data["intent"] = intent
    return Message(data=data)


def train(tmp_path_factory, examples):
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource, context = Resource("topic_classifier"), ExecutionContext(GraphSchema({}), "test")
    config = TopicClassifier.get_default_config()
    training = TrainingData([message(t, intent) for intent, texts in examples.items() for t in texts])
    TopicClassifier.create(config, storage, resource, context).train(training)
    return TopicClassifier.load(config, storage, resource, context)


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    return train(tmp_path_factory, EXAMPLES)


def classified(classifier, text):
    msg = message(text)
    classifier.process([msg])
    return msg


def test_it_names_the_topic_with_a_ranking_of_calibrated_confidences(classifier):
    msg = classified(classifier, "whats clares law")
    ranking = msg.get("intent_ranking")
    assert msg.get("intent")["name"] == "clares_law"
    assert [r["name"] for r in ranking][0] == "clares_law"
    assert sorted(r["name"] for r in ranking) == sorted(EXAMPLES)
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)


def test_typos_still_reach_the_topic(classifier):
    assert classified(classifier, "non emergancy numbr").get("intent")["name"] == "report_101"


def test_training_is_deterministic(classifier, tmp_path_factory):
    again = train(tmp_path_factory, EXAMPLES)
    for text in ("clares law", "hello", "can i ring 101"):
        assert classified(again, text).get("intent_ranking") == classified(classifier, text).get("intent_ranking")


def test_empty_messages_and_an_untrained_model_set_nothing(classifier, tmp_path_factory):
    assert classified(classifier, "   ").get("intent") is None
    storage = LocalModelStorage(tmp_path_factory.mktemp("empty"))
    context = ExecutionContext(GraphSchema({}), "test")
    untrained = TopicClassifier.load(TopicClassifier.get_default_config(), storage, Resource("none"), context)
    assert classified(untrained, "what is clares law").get("intent") is None


def test_it_reads_lemmas_so_the_synonyms_count():
    msg = message("Copper hit me")
    msg.set(TOKENS_NAMES["text"], [Token("Copper", 0, lemma="police"), Token("hit", 7, lemma="hit"), Token("me", 11, lemma="I")])
    assert lemma_text(msg) == "police hit i"
    assert lemma_text(message("No Tokens Yet")) == "no tokens yet"
