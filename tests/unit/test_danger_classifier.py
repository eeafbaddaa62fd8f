"""The second danger-now signal (bot/nlu/danger_classifier.py), trained on a small set."""
from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.danger_classifier import DangerClassifier

DANGER = [
    "hes trying to get in the car", "a man is dragging me into his van", "he is smashing the door in",
    "someone grabbed me and hes still here", "hes got a knife and hes coming", "my dad is beating my mum right now",
    "theres a man in my garden trying the back door", "he wont let me out of the taxi", "help hes strangling her",
    "hes kicking the door in", "he is hitting the kids now", "the driver locked the doors and wont stop",
]
OTHER = [
    "what is clares law", "how do i report online", "can i get compensation", "what is a victim personal statement",
    "my partner checks my phone", "where can i find support near me", "is this chat private", "thank you",
    "how do i apply for sarahs law", "i want to complain about an officer", "what does 101 do", "hello",
]


def message(text, intent=None):
    data = {"text": text}
    if intent:
        data["intent"] = intent
    return Message(data=data)


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("danger_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**DangerClassifier.get_default_config(), "threshold": 0.5}
    training = TrainingData([message(t, "danger_now") for t in DANGER] + [message(t, "other") for t in OTHER])
    DangerClassifier.create(config, storage, resource, context).train(training)
    return DangerClassifier.load(config, storage, resource, context)


def classified(classifier, text, intent="nlu_fallback"):
    msg = message(text)
    msg.set("intent", {"name": intent, "confidence": 0.4})
    msg.set("intent_ranking", [{"name": intent, "confidence": 0.4}])
    classifier.process([msg])
    return msg


def test_danger_it_learned_raises_danger_now_and_keeps_the_other_guess(classifier):
    msg = classified(classifier, "hes trying to get in the car and hes got a knife")
    assert msg.get("intent")["name"] == "danger_now"
    assert [r["name"] for r in msg.get("intent_ranking")] == ["danger_now", "nlu_fallback"]


def test_other_questions_are_left_alone(classifier):
    assert classified(classifier, "how do i apply for clares law", "clares_law_apply").get("intent")["name"] == "clares_law_apply"


def test_a_message_only_about_the_past_is_left_to_the_phrase_matcher(classifier):
    past = "he was trying to get in the car last year"
    assert classifier.danger_probability(past) >= 0.5, "the guard, not the model, must be what stops this one"
    assert classified(classifier, past).get("intent")["name"] == "nlu_fallback"
    assert classified(classifier, "he used to get in the car and hes got a knife now").get("intent")["name"] == "danger_now"


def test_an_untrained_model_flags_nothing(tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("empty")
    empty = DangerClassifier.load(DangerClassifier.get_default_config(), storage, resource,
                                  ExecutionContext(GraphSchema({}), "test"))
    assert classified(empty, "hes got a knife").get("intent")["name"] == "nlu_fallback"
