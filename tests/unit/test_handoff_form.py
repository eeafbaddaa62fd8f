"""The contact form is described once (bot/actions/handoff_form.py); the domain, the
content and the actions must agree with that description."""
from __future__ import annotations

import yaml

from bot.actions.handoff_asking import ASK_ACTIONS
from bot.actions.handoff_form import BOOKKEEPING_SLOTS, CHANGEABLE, HANDOFF_SLOTS, QUESTIONS, cleared_by_changing
from bot.actions.leave_form import ON_LEAVING
from bot.settings import PROJECT_ROOT

DOMAIN = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "handoff.yml").read_text(encoding="utf-8"))


def test_the_domain_form_asks_the_same_questions_in_the_same_order():
    assert DOMAIN["forms"]["handoff_form"]["required_slots"] == [question.slot for question in QUESTIONS]


def test_every_answer_and_count_has_a_slot_that_only_its_own_question_fills():
    for slot in HANDOFF_SLOTS:
        assert slot in DOMAIN["slots"], slot
    for question in QUESTIONS:
        for mapping in DOMAIN["slots"][question.slot]["mappings"]:
            assert mapping["conditions"] == [{"active_loop": "handoff_form", "requested_slot": question.slot}]
    for slot in BOOKKEEPING_SLOTS:
        assert DOMAIN["slots"][slot]["mappings"] == [{"type": "custom"}]


def test_every_question_has_its_ask_action_in_the_domain():
    names = {slot: action().name() for slot, action in ASK_ACTIONS.items()}
    assert names == {question.slot: f"action_ask_{question.slot}" for question in QUESTIONS}
    assert set(names.values()) <= set(DOMAIN["actions"])


def test_every_question_has_its_words_and_read_back_label_in_the_content(content):
    for question in QUESTIONS:
        assert question.topic_id in content.topics, question.topic_id
        if question.read_back:
            assert question.slot in content.handoff.summary_labels, question.slot


def test_leaving_the_form_forgets_every_answer():
    assert ON_LEAVING["handoff_form"][1] == HANDOFF_SLOTS


def test_changing_how_to_be_contacted_asks_again_everything_that_follows_from_it():
    assert set(cleared_by_changing("contact_method")) == {
        "contact_method", "contact_phone", "contact_email", "safe_times", "voicemail_ok", "others_may_answer",
        "if_someone_else_answers"}
    assert cleared_by_changing("others_may_answer") == ("others_may_answer", "if_someone_else_answers")
    assert cleared_by_changing("handoff_name") == ("handoff_name",)
    assert "contact_phone" not in CHANGEABLE  # changed by changing the method
