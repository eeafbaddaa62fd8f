"""Girls, not only women: someone under 18 gets the under-18 answer first, and no service
for adults only, then or later in the conversation."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from bot.actions.support_finder import find_services
from bot.actions.topics import ActionAnswerTopic
from bot.actions.young_people import AGE_WHEN_ONLY_SCHOOL_IS_SAID, young_person_age
from tests.support.trackers import make_tracker, run_action


@pytest.mark.parametrize(
    "text, age",
    [
        ("im 14 and my bf keeps asking for nudes", 14),
        ("I’m 15", 15),
        ("16 yo and scared", 16),
        ("im in year 9", AGE_WHEN_ONLY_SCHOOL_IS_SAID),
        ("someone at my school shared a pic of me", AGE_WHEN_ONLY_SCHOOL_IS_SAID),
        ("im 25", None),
        ("my daughter is 14 and her bf asks for pics", None),
        ("i was 15 when it happened", None),
        ("he said he'd be here in 10 minutes", None),
        ("i am 5 minutes from home", None),
    ],
)
def test_the_writers_own_age_under_18_is_noticed(text, age):
    assert young_person_age(text) == age


def adult_only_cards(content, texts):
    """Service cards (they start with the service's name) for services limited to adults."""
    adults = [s.name for s in content.services.values() if s.min_age and s.min_age >= 18]
    return [t for t in texts if any(t.startswith(name) for name in adults)]


def test_an_under_18_gets_the_under_18_answer_first_and_no_adult_only_service(content):
    tracker = make_tracker("intimate_image_abuse", text="im 14 and my bf shared my nudes", slots={})
    texts, messages, events = run_action(ActionAnswerTopic(), tracker)
    under_18 = list(content.topics["under_18"].messages)
    assert texts[: len(under_18)] == under_18
    assert content.topics["intimate_image_abuse"].messages[0] in texts
    assert not adult_only_cards(content, texts)
    assert SlotSet("young_age", 14) in events
    assert messages[-1]["buttons"]


def test_later_answers_remember_the_age_and_do_not_repeat_the_under_18_answer(content):
    tracker = make_tracker("sexual_violence", text="what can i do", slots={"young_age": 15.0})
    texts, _, events = run_action(ActionAnswerTopic(), tracker)
    assert content.topics["under_18"].messages[0] not in texts
    assert not adult_only_cards(content, texts)
    assert SlotSet("young_age", 15) in events


def test_adults_still_get_every_service(content):
    texts, _, events = run_action(ActionAnswerTopic(), make_tracker("intimate_image_abuse", text="my ex shared my pics"))
    assert content.topics["under_18"].messages[0] not in texts
    assert adult_only_cards(content, texts)
    assert SlotSet("young_age", None) in events


def test_the_finder_offers_no_adult_only_service_to_a_young_person(content):
    for need in ("sexual_violence", "intimate_image_abuse"):
        services = find_services(content, need, "rugby", "young_people")
        assert services and all(s.suits_age(AGE_WHEN_ONLY_SCHOOL_IS_SAID) for s in services)
        adults = find_services(content, need, "rugby", "woman")
        assert any(not s.suits_age(AGE_WHEN_ONLY_SCHOOL_IS_SAID) for s in adults) or need == "intimate_image_abuse"


def test_an_age_given_with_danger_is_remembered_after_the_emergency_reply(content):
    from bot.actions.topics import ActionEmergency

    texts, _, events = run_action(ActionEmergency(), make_tracker("danger_now", text="im 15 and hes outside my house"))
    assert texts[0] == content.topics["danger_now"].messages[0]
    assert SlotSet("young_age", 15) in events
