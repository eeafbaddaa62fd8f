"""Custom actions, run with tracker fixtures and a CollectingDispatcher."""
from __future__ import annotations

from rasa_sdk.events import ActiveLoop, SlotSet

from bot.actions.leave_form import ActionLeaveForm
from bot.actions.rendering import topic_buttons
from bot.actions.support_finder import (
    ActionAskArea,
    ActionShowLocalSupport,
    ValidateSupportFinderForm,
)
from bot.actions.topics import ActionAnswerTopic, ActionCoreFallback, ActionEmergency
from tests.support.trackers import make_tracker, run_action


def test_topic_answer_sends_its_messages_and_ends_with_buttons(content):
    texts, messages, events = run_action(ActionAnswerTopic(), make_tracker("clares_law"))
    topic = content.topics["clares_law"]
    assert texts[: len(topic.messages)] == list(topic.messages)
    assert [b["payload"] for b in messages[-1]["buttons"]] == [f"/{b}" for b in topic.buttons]
    assert SlotSet("intro_shown", True) in events


def test_first_answer_starts_with_the_automated_assistant_notice_once(content):
    intro = content.topics["intro"].messages[0]
    first, _, _ = run_action(ActionAnswerTopic(), make_tracker("sarahs_law", slots={"intro_shown": False}))
    later, _, _ = run_action(ActionAnswerTopic(), make_tracker("sarahs_law", slots={"intro_shown": True}))
    assert first[0] == intro
    assert "1 hour" in " ".join(first), "the retention period is filled in from settings"
    assert intro not in later


def test_hello_as_first_message_gets_the_notice_and_the_menu(content):
    texts, messages, _ = run_action(ActionAnswerTopic(), make_tracker("greet", slots={"intro_shown": False}))
    assert texts[0] == content.topics["intro"].messages[0]
    assert {b["payload"] for b in messages[-1]["buttons"]} == {f"/{b}" for b in content.topics["menu"].buttons}


def test_unknown_intent_gets_the_fallback_topic_with_999_and_the_menu(content):
    texts, messages, _ = run_action(ActionAnswerTopic(), make_tracker("nlu_fallback"))
    assert "999" in " ".join(texts)
    assert "/menu" in [b["payload"] for b in messages[-1]["buttons"]]


def test_support_topic_remembers_the_need_for_the_finder():
    _, _, events = run_action(ActionAnswerTopic(), make_tracker("stalking"))
    assert SlotSet("support_need", "stalking_harassment") in events


def test_a_new_question_leaves_the_support_finder():
    _, _, events = run_action(ActionAnswerTopic(), make_tracker("sarahs_law", active_loop="support_finder_form"))
    assert ActiveLoop(None) in events


def test_emergency_message_comes_first_even_before_the_notice(content):
    texts, _, _ = run_action(ActionEmergency(), make_tracker("danger_now", slots={"intro_shown": False}))
    assert texts[0] == content.topics["danger_now"].messages[0]
    assert "999" in texts[0] and "55" in texts[0]
    assert content.topics["intro"].messages[0] in texts


def test_emergency_then_answers_the_question_asked_alongside(content):
    ranking = [{"name": "danger_now", "confidence": 1.0}, {"name": "stalking_protection_order", "confidence": 0.8}]
    texts, messages, _ = run_action(ActionEmergency(), make_tracker("danger_now", ranking=ranking))
    assert texts[0] == content.topics["danger_now"].messages[0]
    assert content.topics["stalking_protection_order"].messages[0] in texts
    assert messages[-1]["buttons"], "the conversation carries on with next steps"


def test_emergency_in_the_finder_does_not_wander_off_topic(content):
    ranking = [{"name": "danger_now", "confidence": 1.0}, {"name": "clares_law", "confidence": 0.9}]
    tracker = make_tracker("danger_now", ranking=ranking, active_loop="support_finder_form")
    texts, _, events = run_action(ActionEmergency(), tracker)
    assert content.topics["clares_law"].messages[0] not in texts
    assert ActiveLoop(None) not in events


def test_emergency_ignores_a_low_confidence_guess(content):
    ranking = [{"name": "danger_now", "confidence": 1.0}, {"name": "clares_law", "confidence": 0.2}]
    texts, _, _ = run_action(ActionEmergency(), make_tracker("danger_now", ranking=ranking))
    assert content.topics["clares_law"].messages[0] not in texts


def test_core_fallback_reverts_the_message_and_offers_the_menu():
    texts, _, events = run_action(ActionCoreFallback(), make_tracker("greet"))
    assert texts and events[0]["event"] == "rewind"


def test_finder_asks_where_with_a_button_for_each_district_outside_and_rather_not_say(content):
    _, messages, _ = run_action(ActionAskArea(), make_tracker("find_support"))
    payloads = [b["payload"] for b in messages[-1]["buttons"]]
    assert len(payloads) == len(content.finder.areas) + 2
    assert '/inform{"area":"rugby"}' in payloads


def test_finder_understands_free_text_answers():
    validate = ValidateSupportFinderForm()
    tracker = make_tracker("inform")
    assert validate.validate_area("I live in Royal Leamington Spa", None, tracker, {}) == {"area": "warwick_district"}
    assert validate.validate_area("coventry", None, tracker, {}) == {"area": "outside"}
    assert validate.validate_area("somewhere", None, tracker, {}) == {"area": "unknown"}
    assert validate.validate_support_group("im 15", None, tracker, {}) == {"support_group": "young_people"}
    assert validate.validate_support_group("I'm gay", None, tracker, {}) == {"support_group": "lgbt"}
    assert validate.validate_support_group("for me", None, tracker, {}) == {"support_group": "everyone"}


def test_local_support_lists_warwickshire_services_first_and_clears_the_answers(content):
    slots = {"area": "rugby", "support_group": "women", "support_need": "domestic_abuse"}
    texts, messages, events = run_action(ActionShowLocalSupport(), make_tracker("inform", slots=slots))
    listed = "\n".join(texts)
    assert content.services["warwickshire_domestic_abuse_service"].name in listed
    assert content.services["national_domestic_abuse_helpline"].name in listed
    assert listed.index("Warwickshire Domestic") < listed.index("National Domestic Abuse Helpline")
    assert SlotSet("area", None) in events and SlotSet("support_group", None) in events
    assert messages[-1]["buttons"]


def test_outside_warwickshire_gets_their_own_force_advice_and_only_national_services(content):
    slots = {"area": "outside", "support_group": "everyone", "support_need": "domestic_abuse"}
    texts, _, _ = run_action(ActionShowLocalSupport(), make_tracker("inform", slots=slots))
    assert texts[0] == content.topics["outside_warwickshire"].messages[0]
    assert content.services["warwickshire_domestic_abuse_service"].name not in "\n".join(texts)


def test_men_are_shown_a_service_for_men(content):
    slots = {"area": "unknown", "support_group": "men", "support_need": "domestic_abuse"}
    texts, _, _ = run_action(ActionShowLocalSupport(), make_tracker("inform", slots=slots))
    assert content.services["mens_advice_line"].name in "\n".join(texts)


def test_stop_leaves_the_finder_and_forgets_the_answers():
    _, _, events = run_action(ActionLeaveForm(), make_tracker("stop", active_loop="support_finder_form"))
    assert ActiveLoop(None) in events and SlotSet("area", None) in events


def test_when_not_understood_the_best_guesses_are_offered_as_buttons():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.25},
        {"name": "vrr_police", "confidence": 0.22},
        {"name": "vrr_cps", "confidence": 0.2},
        {"name": "greet", "confidence": 0.15},
        {"name": "sarahs_law", "confidence": 0.01},
    ]
    _, messages, _ = run_action(ActionAnswerTopic(), make_tracker("nlu_fallback", ranking=ranking))
    payloads = [b["payload"] for b in messages[-1]["buttons"]]
    assert payloads[:2] == ["/vrr_police", "/vrr_cps"]
    assert "/greet" not in payloads and "/sarahs_law" not in payloads
    assert "/menu" in payloads


def test_an_unsure_inform_with_no_question_asked_gets_the_not_understood_reply(content):
    ranking = [{"name": "inform", "confidence": 0.3}, {"name": "stalking", "confidence": 0.2},
               {"name": "goodbye", "confidence": 0.1}]
    texts, messages, _ = run_action(ActionAnswerTopic(), make_tracker("inform", text="qwerty", ranking=ranking,
                                                                      confidence=0.3))
    assert texts[0] == content.topics["nlu_fallback"].messages[0]
    assert "/stalking" in [b["payload"] for b in messages[-1]["buttons"]]


def test_a_sure_inform_with_no_question_asked_is_thanked(content):
    texts, _, _ = run_action(ActionAnswerTopic(), make_tracker("inform", text="im in bulkington", confidence=0.9))
    assert texts[0] == content.topics["inform"].messages[0]


def test_a_message_with_two_needs_gets_the_second_as_the_first_button(content):
    ranking = [{"name": "safe_place", "confidence": 0.64}, {"name": "economic_abuse", "confidence": 0.25},
               {"name": "coercive_control", "confidence": 0.07}]
    texts, messages, _ = run_action(ActionAnswerTopic(), make_tracker("safe_place", ranking=ranking, confidence=0.64))
    assert content.topics["safe_place"].messages[0] in texts
    payloads = [b["payload"] for b in messages[-1]["buttons"]]
    assert payloads[0] == "/economic_abuse"
    assert "/coercive_control" not in payloads


def test_an_unsure_second_guess_or_a_non_question_is_not_offered(content):
    for second in ({"name": "economic_abuse", "confidence": 0.1}, {"name": "greet", "confidence": 0.3}):
        ranking = [{"name": "safe_place", "confidence": 0.6}, second]
        _, messages, _ = run_action(ActionAnswerTopic(), make_tracker("safe_place", ranking=ranking, confidence=0.6))
        payloads = [b["payload"] for b in messages[-1]["buttons"]]
        assert payloads == [b["payload"] for b in topic_buttons(content, content.topics["safe_place"].buttons)]


# The first line of the National Domestic Abuse Helpline's card (its name and who runs it):
# other services' wording may mention the helpline, so the card is looked for, not the name.
HELPLINE_CARD = "National Domestic Abuse Helpline (Refuge)\n"


def test_a_man_asking_about_domestic_abuse_gets_a_service_for_men_and_no_service_only_for_women(content):
    texts, _, events = run_action(ActionAnswerTopic(), make_tracker("domestic_abuse", text="im a man and my wife hits me"))
    listed = "\n".join(texts)
    assert content.services["mens_advice_line"].name in listed
    assert HELPLINE_CARD not in listed
    assert SlotSet("support_group", "men") in events


def test_a_word_about_someone_else_says_nothing_about_the_writer(content):
    texts, _, events = run_action(ActionAnswerTopic(), make_tracker("domestic_abuse", text="a man i know hits his wife"))
    assert HELPLINE_CARD in "\n".join(texts)
    assert not [e for e in events if e.get("name") == "support_group"]


def test_a_man_worried_about_his_sister_still_gets_the_womens_helpline(content):
    tracker = make_tracker("worried_about_someone", text="im a man and worried about my sister", slots={"support_group": "men"})
    texts, _, _ = run_action(ActionAnswerTopic(), tracker)
    assert HELPLINE_CARD in "\n".join(texts)


def test_someone_who_skipped_who_they_are_is_offered_the_womens_helpline_in_the_finder(content):
    slots = {"area": "unknown", "support_group": "everyone", "support_need": "domestic_abuse"}
    texts, _, _ = run_action(ActionShowLocalSupport(), make_tracker("inform", slots=slots))
    assert HELPLINE_CARD in "\n".join(texts)


def test_a_man_in_the_finder_is_not_offered_a_service_only_for_women(content):
    slots = {"area": "rugby", "support_group": "men", "support_need": "domestic_abuse"}
    texts, _, _ = run_action(ActionShowLocalSupport(), make_tracker("inform", slots=slots))
    assert HELPLINE_CARD not in "\n".join(texts)


def test_someone_in_scotland_is_told_once_that_the_routes_here_are_for_england_and_wales(content):
    note = content.topics["outside_england_and_wales"].messages[0]
    texts, _, events = run_action(ActionAnswerTopic(), make_tracker("clares_law", text="i live in glasgow, what is clares law"))
    assert texts[0] == note and content.topics["clares_law"].messages[0] in texts
    assert SlotSet("outside_england_and_wales", True) in events

    tracker = make_tracker("clares_law", text="im in glasgow", slots={"outside_england_and_wales": True})
    texts, _, _ = run_action(ActionAnswerTopic(), tracker)
    assert note not in texts, "told once is enough"


def test_naming_a_place_without_being_there_gets_no_note(content):
    for text in ("my ex moved to scotland", "what is clares law", "i live in warwick"):
        texts, _, events = run_action(ActionAnswerTopic(), make_tracker("clares_law", text=text))
        assert content.topics["outside_england_and_wales"].messages[0] not in texts, text
        assert SlotSet("outside_england_and_wales", True) not in events
