"""Every topic can be reached by buttons from the menu, and every button works."""
from __future__ import annotations

from bot.actions.content_store import read_intents
from bot.actions.content_validation import SPECIAL_TOPICS

# Conversation moves, not questions: they need no button.
NOT_ON_A_MENU = {"greet", "goodbye", "thank", "affirm", "deny", "stop", "inform", "out_of_scope", "danger_now"}


def test_every_question_topic_is_reachable_from_the_menu_by_buttons(content):
    seen, queue = set(), ["menu"]
    while queue:
        topic_id = queue.pop()
        if topic_id not in seen:
            seen.add(topic_id)
            queue.extend(content.topics[topic_id].buttons)
    unreachable = set(read_intents()) - NOT_ON_A_MENU - seen
    assert not unreachable, f"no button path from the menu to: {sorted(unreachable)}"


def test_every_button_is_an_intent_the_assistant_understands(content):
    intents = set(read_intents())
    for topic in content.topics.values():
        for button in topic.buttons:
            assert button in intents, f"{topic.id} has a button for {button}, which is not an intent"


def test_every_answer_ends_with_a_next_step(content):
    no_buttons = {t.id for t in content.topics.values() if not t.buttons}
    # These are followed by a question or a list that carries its own buttons.
    allowed = {"find_support", "intro", "request_contact"} | set(SPECIAL_TOPICS) - {"menu", "nlu_fallback", "out_of_scope", "stop"}
    assert no_buttons <= allowed, sorted(no_buttons - allowed)


def test_not_understood_and_out_of_scope_always_offer_the_menu_and_999(content):
    for topic_id in ("nlu_fallback", "out_of_scope"):
        topic = content.topics[topic_id]
        assert "999" in " ".join(topic.messages), topic_id
        assert "menu" in topic.buttons, topic_id


def test_the_emergency_message_starts_with_999_and_says_55_and_relay(content):
    first, *rest = content.topics["danger_now"].messages
    assert first.startswith("Call 999") and "55" in first
    assert "18000" in " ".join(rest) and "emergencySMS" in " ".join(rest)
