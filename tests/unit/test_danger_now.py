"""The danger-now flagger, on the project's own spaCy pipeline."""
from __future__ import annotations

import pytest
import spacy
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.danger_now import DangerMatcher, DangerNowFlagger
from bot.settings import PROJECT_ROOT

PIPELINE = PROJECT_ROOT / "build" / "spacy" / "en_vawg"


@pytest.fixture(scope="module")
def nlp():
    if not PIPELINE.exists():
        pytest.fail("The spaCy pipeline is missing: run scripts/setup.sh")
    return spacy.load(PIPELINE)


@pytest.fixture(scope="module")
def matcher(nlp):
    return DangerMatcher.from_file(nlp)


@pytest.mark.parametrize(
    "text",
    [
        "he's hitting me",
        "hes hittin me pls",
        "HELP",
        "help me!!",
        "my ex is outside my house",
        "hes outside",
        "he's got a knife",
        "he says he's going to kill me tonight",
        "someone is following me right now",
        "he locked me in the bedroom",
        "my friend is being attacked",
        "i'm hiding in the bathroom from him",
        "sorry to bother you but he's banging on the door",
        "he just turned up at my work",
        "he's strangling my mum",
    ],
)
def test_flags_danger_now(matcher, nlp, text):
    assert matcher.find(nlp(text.lower())), text


@pytest.mark.parametrize(
    "text",
    [
        "what is clare's law",
        "he used to hit me years ago",
        "i'm not in danger but i want advice",
        "he was following me last week",
        "he keeps hurting me and i want to leave",
        "can i get checked after being raped",
        "what number do i call if it's not an emergency",
        "how do i help my friend",
    ],
)
def test_does_not_flag_past_negated_or_general_messages(matcher, nlp, text):
    assert not matcher.find(nlp(text.lower())), text


def test_flagger_overrides_the_intent_and_keeps_the_classifier_guess(nlp):
    message = Message(data={"text": "he's outside my door, what is a stalking protection order"})
    message.set("intent", {"name": "stalking_protection_order", "confidence": 0.7})
    message.set("intent_ranking", [{"name": "stalking_protection_order", "confidence": 0.7}])
    flagger = DangerNowFlagger({})
    flagger.process([message], SpacyModel(model=nlp, model_name="en_vawg"))
    assert message.get("intent")["name"] == "danger_now"
    assert [r["name"] for r in message.get("intent_ranking")] == ["danger_now", "stalking_protection_order"]


def test_flagger_leaves_other_messages_alone(nlp):
    message = Message(data={"text": "what is sarah's law"})
    message.set("intent", {"name": "sarahs_law", "confidence": 0.9})
    DangerNowFlagger({}).process([message], SpacyModel(model=nlp, model_name="en_vawg"))
    assert message.get("intent")["name"] == "sarahs_law"
