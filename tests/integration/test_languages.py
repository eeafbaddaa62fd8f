"""The community languages on the running assistant (issue 18): a message in each language
is answered in it, the emergency line first; danger in it gets the whole emergency reply in
it; a language chosen in the widget holds, buttons included; and a contact request made in
another language tells the force which interpreter is needed."""
from __future__ import annotations

import json

import pytest

from tests.support.handoff import wait_for
from tests.support.stack import Chat, Stack

# Written for these tests (the independent sets are for the NLU tests: tests/languages/).
HELLO = {
    "pl": "dzień dobry, potrzebuję informacji",
    "pa": "ਸਤ ਸ੍ਰੀ ਅਕਾਲ, ਮੈਨੂੰ ਜਾਣਕਾਰੀ ਚਾਹੀਦੀ ਹੈ",
    "gu": "નમસ્તે, મારે માહિતી જોઈએ છે",
    "pt": "bom dia, queria informações sobre os meus direitos",
    "ro": "bună ziua, aș dori informații despre drepturile mele",
    "ur": "السلام علیکم، مجھے معلومات چاہئیں",
}
DANGER = {
    "pl": "pomocy on tu jest i ma nóż",
    "pa": "ਬਚਾਓ ਉਹ ਮੈਨੂੰ ਮਾਰ ਦੇਵੇਗਾ",
    "gu": "બચાવો તે મને મારી નાખશે",
    "pt": "socorro ele está aqui com uma faca",
    "ro": "ajutor mă omoară",
    "ur": "بچاؤ وہ مجھے مار دے گا",
}


def emergency_line(content, code: str) -> str:
    return content.translations[code].messages["danger_now"][0]


@pytest.mark.parametrize("code", sorted(HELLO))
def test_a_message_in_another_language_is_answered_in_it_with_the_emergency_line_first(stack: Stack, content, code):
    chat = Chat(stack, "widget")
    chat.say(HELLO[code])
    first, *rest = chat.replies
    assert first == {"text": emergency_line(content, code), "lang": code}
    said = [reply.get("text") for reply in rest]
    assert content.translations[code].messages["menu"][0] in said  # the menu, in that language
    menu_titles = {button["title"] for button in chat.buttons}
    assert content.translations[code].labels["vc_interpreter"] in menu_titles


@pytest.mark.parametrize("code", sorted(DANGER))
def test_danger_in_another_language_gets_the_whole_emergency_reply_in_it_first(stack: Stack, content, code):
    chat = Chat(stack, "widget")
    chat.say(DANGER[code])
    danger_now = content.translations[code].messages["danger_now"]
    assert [reply["text"] for reply in chat.replies[:len(danger_now)]] == list(danger_now)
    assert all(reply.get("lang") == code for reply in chat.replies[:len(danger_now)])
    assert any("999" in reply["text"] and "55" in reply["text"] for reply in chat.replies[:1])
    # Then the menu, in the same language: the English classifier's guesses are not used.
    assert content.translations[code].messages["menu"][0] in [reply.get("text") for reply in chat.replies]


def test_a_chosen_language_holds_for_typed_english_and_for_buttons(stack: Stack, content):
    chat = Chat(stack, "widget", language="ur")
    chat.say("menu")
    assert content.translations["ur"].messages["menu"][0] in [reply["text"] for reply in chat.replies]
    chat.press(content.translations["ur"].labels["clares_law"])
    assert chat.replies[0] == {"text": content.translations["ur"].messages["clares_law"][0], "lang": "ur"}


def test_buttons_pressed_after_a_message_in_another_language_stay_in_it(stack: Stack, content):
    chat = Chat(stack, "widget")
    chat.say(HELLO["pl"])
    chat.press(content.translations["pl"].labels["support_options"])
    assert chat.replies[0]["text"] == content.translations["pl"].messages["support_options"][0]
    chat.press(content.translations["pl"].labels["domestic_abuse"])
    assert chat.replies[0]["text"] == content.translations["pl"].messages["domestic_abuse"][0]
    # Then the topic's service cards, in Polish too.
    translated = len(content.translations["pl"].messages["domestic_abuse"])
    cards = chat.replies[translated:]
    assert cards and all(card["lang"] == "pl" for card in cards)
    helpline = content.services["national_domestic_abuse_helpline"]
    assert cards[0]["text"].startswith(helpline.name)
    assert content.translations["pl"].summaries[helpline.id] in cards[0]["text"]


def test_a_contact_request_made_in_another_language_asks_for_an_interpreter(stack: Stack, content):
    chat = Chat(stack, "widget", language="pl")
    chat.say(HELLO["pl"])
    # A name that reads as Polish is an answer to the form's question, not a way out of the form.
    chat.name = f"Zofia Wiśniewska-Dąbrowska {chat.id[-6:]}"
    read_back = chat.reach_the_consent_question(content)
    polish = content.in_language("pl").handoff
    assert polish.summary_labels["handoff_name"] in "\n".join(read_back)  # the read-back, in Polish
    chat.press(polish.button_labels["send_it"])
    assert chat.replies[0]["lang"] == "pl"  # "sent", in Polish
    received = wait_for(lambda: [h for h in stack.received_handoffs() if chat.name in json.dumps(h, ensure_ascii=False)],
                        "the handoff", deadline_s=60)
    assert "Interpreter needed: Polish" in json.dumps(received[0])


def test_a_language_the_widget_does_not_offer_is_refused_kindly(stack: Stack):
    import requests

    answer = requests.post(f"{stack.widget}/message", json={"conversation_id": "lang-test-1234", "text": "hi",
                                                            "language": "xx"},
                           headers={"Origin": f"http://localhost:{stack.force_port}"}, timeout=30)
    assert answer.status_code == 400 and "try again" in answer.json()["error"]["message"]


def test_the_support_finder_asks_and_answers_in_the_chosen_language(stack: Stack, content):
    """Its questions, its area and group buttons, and the service cards it finds: all in
    Gujarati; what the buttons send is the same ids as in English."""
    gujarati = content.translations["gu"]
    chat = Chat(stack, "widget", language="gu")
    chat.say("find support near me")
    assert gujarati.messages["finder_ask_area"][0] in [reply["text"] for reply in chat.replies]
    assert {gujarati.finder_labels["rugby"], gujarati.finder_labels["outside"]} <= {b["title"] for b in chat.buttons}
    chat.press(gujarati.finder_labels["rugby"])
    assert gujarati.messages["finder_ask_group"][0] in [reply["text"] for reply in chat.replies]
    chat.press(gujarati.finder_labels["women"])
    cards = [reply for reply in chat.replies if reply["text"].split("\n")[0] in {s.name for s in content.services.values()}]
    assert cards and all(card["lang"] == "gu" for card in cards)


def test_a_question_typed_in_another_language_is_offered_its_topic_before_the_menu(stack: Stack, content):
    romanian = content.translations["ro"]
    chat = Chat(stack, "widget")
    chat.say("buna ziua, vreau sa raportez online ce mi s-a intamplat")
    assert chat.replies[0]["text"] == romanian.messages["danger_now"][0]  # the emergency line first
    assert romanian.messages["menu"][0] in [reply["text"] for reply in chat.replies]
    titles = [button["title"] for button in chat.buttons]
    assert romanian.labels["report_online"] in titles[:3], titles  # offered before the menu's own
    assert romanian.labels["report_online"] not in [romanian.labels[b] for b in content.topics["menu"].buttons]
    chat.press(romanian.labels["report_online"])
    assert chat.replies[0]["text"] == romanian.messages["report_online"][0]
