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
        "hes pinning me down",
        "he’s pinned me against the wall",
        "hes got me by the throat",
        "shes dragging me down the road by my hair",
        "im being strangled",
        "help im not safe right now",
        # Phrases whose own words include a negation still count
        "i'm not safe",
        "he won't let me leave the flat",
        "i can't get out, he's locked the door",
        "i don't feel safe, he's here",
        "i dont feel safe right now",
        "i don’t feel safe tonight",
        "theres someone in my garden",
        "hes at the front door rn",
        "hes coming up the stairs",
        "someone is rattling the door handle",
        "hes trying to break in through the window",
        "he has let himself in",
        "me and the kids have barricaded ourselves in the bathroom",
        "hes gonna hurt the kids",
        "hes gonna set fire to the flat",
        "hes got a can of petrol",
        "my ex is here with a baseball bat",
        "my bf is coming at me",
        "hes throwing stuff at me",
        "he’s sitting on my chest",
        "cant talk he will hear",
        "he hit me again",
        "he just punched my mum",
        "a car is following me",
        "he is trying to drag me into his van",
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
        "i’m not in danger, he isn’t here any more",
        "he was following me last week",
        "he keeps hurting me and i want to leave",
        "can i get checked after being raped",
        "what number do i call if it's not an emergency",
        "how do i help my friend",
        "he pinned me against the wall last year",
        "my husband grabbed me by the throat when we were together",
        "if he hit me again would the police come",
        "what should i do if someone is following me",
        "hes been following me for weeks",
        "is anyone going to get in touch with me",
        "im going for her birthday",
        "hes on my back about money all the time",
        "hes coming up to see the kids at the weekend",
        "my ex is trying to get into my email",
        "my car was broken into last night",
        "he's got in touch with my family",
        "my husband is holding my passport",
        "he's throwing me out of the house",
        "i'm pulling my hair out over this case",
        "what is the law on carrying a knife",
        "the price of petrol",
        "he is being held on remand",
        "can i have someone in the room when i give evidence",
        "i cant call the police he would find out",
        "he set fire to my clothes when we split up",
        "i cant breathe when i think about what he did",
        "how do i know if its an emergency or not worth ringing 999",
        "i dont feel safe at home any more",
        "i don't feel safe walking to the bus stop",
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
