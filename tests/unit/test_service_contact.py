"""Asking for a named service gets its details at once (bot/actions/service_contact.py)."""
from __future__ import annotations

import pytest

from bot.actions.service_contact import ActionAnswerServiceContact
from bot.actions.topics import ActionAnswerTopic
from tests.support.trackers import make_tracker, run_action


@pytest.mark.parametrize(
    "text, expected",
    [
        ("samaritans number pls", ["samaritans"]),
        ("whats the number for Rape Crisis?", ["rape_crisis_support_line"]),
        ("Men’s Advice Line", ["mens_advice_line"]),
        ("warwickshire refuge phone", ["warwickshire_domestic_abuse_service", "national_domestic_abuse_helpline"]),
        ("how do i get help", []),
    ],
)
def test_services_are_found_by_name_or_another_name(content, text, expected):
    assert [s.id for s in content.services_named_in(text)] == expected


def test_a_named_service_is_answered_with_its_card_and_number(content):
    texts, messages, _ = run_action(ActionAnswerServiceContact(), make_tracker("service_contact", text="samaritans helpline"))
    samaritans = content.services["samaritans"]
    assert any(samaritans.name in t and samaritans.phone in t for t in texts)
    assert messages[-1]["buttons"]


def test_no_service_named_lists_the_main_helplines(content):
    texts, _, _ = run_action(ActionAnswerServiceContact(), make_tracker("service_contact", text="helpline number"))
    assert content.topics["service_contact"].messages[0] in texts
    listed = content.services_for(content.topics["service_contact"])
    assert all(any(s.name in t for t in texts) for s in listed)


def test_not_understood_but_naming_a_service_gets_the_service_not_sorry(content):
    texts, _, _ = run_action(ActionAnswerTopic(), make_tracker("nlu_fallback", text="galop no. ??", confidence=0.2))
    assert any(content.services["galop"].phone in t for t in texts)
    assert content.topics["nlu_fallback"].messages[0] not in texts
