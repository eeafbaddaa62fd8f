"""Corrections to what the assistant says (issue 12), checked through the running assistant
so that a later content edit cannot quietly undo one. Each test asks as a person would
(by the topic's button, so the check does not depend on the classifier) and reads every
message of the reply, service cards included.
"""
from __future__ import annotations

import re
import uuid
from typing import List

import requests

from tests.support.stack import Chat


def reply_messages(stack, payload: str) -> List[str]:
    """Each message of the reply to `payload` in a new conversation, lower-cased."""
    response = requests.post(stack.url, json={"sender": f"corrections-{uuid.uuid4().hex}", "message": payload}, timeout=60)
    response.raise_for_status()
    return [r.get("text", "").lower() for r in response.json()]


def ask(stack, payload: str) -> str:
    return "\n".join(reply_messages(stack, payload))


def says_any(text: str, patterns: List[str]) -> List[str]:
    return [p for p in patterns if re.search(p, text)]


# Telling someone the silent call "does not work from a landline" is wrong and dangerous.
LANDLINE_MYTHS = [r"not (from |on )?(a )?landlines?", r"mobiles? only", r"doesn.t work (from|on) (a )?landline"]


def test_silent_calls_from_a_landline_are_explained_not_ruled_out(stack):
    for payload in ("/silent_solution", "/report_999", "/danger_now"):
        reply = ask(stack, payload)
        assert not says_any(reply, LANDLINE_MYTHS), (payload, says_any(reply, LANDLINE_MYTHS))
    for payload in ("/silent_solution", "/danger_now"):
        reply = ask(stack, payload)
        assert "landline" in reply and "stay on the line" in reply, payload


# Reports about officers reach police (the officer's own force's Professional Standards or
# anti-corruption unit); only the reporter's name can be kept out of it.
AWAY_FROM_POLICE = [r"without going to the police", r"not to other officers", r"separate from the police",
                    r"rather not go through the police", r"don.t have to report it to the officer.s own colleagues"]


def test_abuse_by_police_routes_are_described_as_they_really_work(stack):
    reply = ask(stack, "/police_abuse")
    assert not says_any(reply, AWAY_FROM_POLICE), says_any(reply, AWAY_FROM_POLICE)
    assert "own force" in reply and "anonymous" in reply
    assert "another force" in reply and "passed to the force" in reply


def test_the_handoff_tells_honestly_where_a_report_about_an_officer_goes(stack, content):
    chat = Chat(stack, "rest")
    chat.say("can the police contact me")
    chat.press("Yes, go ahead")
    chat.press(content.handoff.label_of(content.handoff.topics, "police_abuse"))
    chat.say(chat.name)
    chat.press("I'll contact you")
    chat.press(content.finder.areas[0].label)
    read_back = "\n".join(chat.press("No")).lower()
    assert "professional standards" in read_back and "staffed by" in read_back
    assert not says_any(read_back, AWAY_FROM_POLICE), says_any(read_back, AWAY_FROM_POLICE)


def test_clares_law_says_who_is_told(stack):
    for payload in ("/clares_law", "/clares_law_apply", "/clares_law_after"):
        reply = ask(stack, payload)
        assert "person at risk" in reply or "whoever is at risk" in reply, payload


# National services are not the same everywhere: several cover England and Wales only.
EVERYWHERE = [r"wherever you (live|are)", r"anywhere in the (country|uk)"]


def test_people_outside_warwickshire_are_not_told_national_services_fit_wherever_they_live(stack):
    chat = Chat(stack, "rest")
    chat.say("find support near me")
    chat.say("im in scotland")
    replies = "\n".join(chat.say("a woman")).lower()
    assert not says_any(replies, EVERYWHERE), says_any(replies, EVERYWHERE)
    assert "scotland" in replies and "england and wales" in replies
    assert "live fear free" in replies and "0808 80 10 800" in replies


def test_the_victims_code_is_not_said_to_have_been_put_into_law_by_the_2024_act(stack):
    reply = ask(stack, "/victims_code")
    assert not says_any(reply, [r"2024 put the code into law", r"act .{0,20}put the code into law"])
    assert "new code" in reply


def test_a_cps_review_gives_the_ten_working_day_window(stack):
    assert "10 working days" in ask(stack, "/vrr_cps")


def test_the_nspcc_fgm_line_is_not_offered_until_it_is_confirmed(stack):
    assert "fgm helpline" not in ask(stack, "/fgm")


def test_a_girl_who_gives_her_age_gets_the_under_18_path_and_no_adult_only_service(stack, content):
    chat = Chat(stack, "widget")
    replies = chat.say("im 14 and my boyfriend keeps asking me to send nudes")
    assert content.topics["under_18"].messages[0] in replies
    later = chat.say("where can i get support")
    adults = [s.name for s in content.services.values() if s.min_age and s.min_age >= 18]
    cards = [t for t in replies + later if any(t.startswith(name) for name in adults)]
    assert not cards, cards


def test_a_man_is_not_given_only_a_service_for_women(stack):
    reply = ask(stack, "I'm a man and my wife hits me, is this domestic abuse?")
    assert "men's advice line" in reply
    assert "national domestic abuse helpline (refuge)\n" not in reply + "\n", "a helpline for women, as a card"


def test_someone_in_scotland_is_told_the_routes_here_are_for_england_and_wales(stack):
    reply = ask(stack, "I live in Glasgow, what is Clare's Law?")
    assert "scotland or northern ireland" in reply and "999" in reply
    assert "england and wales" in reply


def test_opening_times_nobody_confirmed_are_never_shown_as_open_now(stack, content):
    unconfirmed = [s for s in content.services.values() if s.opening_times and not s.hours_verified]
    assert any(s.id == "karma_nirvana" for s in unconfirmed)
    card = next(m for m in reply_messages(stack, "/honour_based_abuse") if m.startswith("karma nirvana\n"))
    assert "check these opening times" in card
    assert "open now" not in card and "closed now" not in card


def test_protection_notices_are_not_promised_where_they_may_not_exist(stack):
    reply = ask(stack, "/domestic_abuse_protection_order")
    assert "may not be available in your area" in reply and "999" in reply
