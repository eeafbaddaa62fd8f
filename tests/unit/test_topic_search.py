"""Topics for a question typed in another language (bot/actions/topic_search.py): offered as
buttons, found by the topics' own words in that language."""
from __future__ import annotations

from dataclasses import replace

import pytest

from bot.actions.topic_search import MAX_SUGGESTIONS, NOT_ANSWERS, answerable_topics, topics_like


@pytest.mark.parametrize("code, question, topic", [
    ("pl", "jak zglosic przez internet", "report_online"),
    ("ro", "vreau sa raportez online", "report_online"),
    ("ur", "کیا میں گمنام رپورٹ کر سکتی ہوں", "report_anonymous"),
    ("pt", "preciso de um interprete", "vc_interpreter"),
])
def test_a_question_finds_its_topic_first(content, code, question, topic):
    assert topics_like(content.in_language(code), question)[0] == topic


def test_a_scheme_named_in_english_inside_another_language_is_found(content):
    assert "clares_law" in topics_like(content.in_language("pl"), "chce zapytac o Clare's Law, czy byl karany")


def test_only_answers_are_offered_and_only_a_few(content):
    offered = topics_like(content.in_language("gu"), "મદદ પોલીસ ફરિયાદ સહાય")
    assert 0 < len(offered) <= MAX_SUGGESTIONS
    assert set(offered) <= answerable_topics(content) and not set(offered) & NOT_ANSWERS
    assert "menu" not in answerable_topics(content)


def test_a_greeting_or_nothing_finds_nothing(content):
    assert topics_like(content.in_language("pl"), "dzien dobry") == []
    assert topics_like(content.in_language("pl"), "   ") == []


def test_changed_content_is_searched_afresh(content):
    """Content is re-read when comms staff change it: the search follows."""
    polish = content.in_language("pl")
    before = topics_like(polish, "zupelnie nowe slowo xylofonowe")
    translation = content.translations["pl"]
    messages = {**translation.messages, "sarahs_law": ("zupelnie nowe slowo xylofonowe",)}
    changed = replace(content, topics=dict(content.topics),
                      translations={**content.translations, "pl": replace(translation, messages=messages)})
    assert "sarahs_law" not in before
    assert topics_like(changed.in_language("pl"), "zupelnie nowe slowo xylofonowe")[0] == "sarahs_law"


def test_held_out_questions_are_offered_their_topic(content):
    """Questions by an author who saw neither the translations nor the search, measured once
    when the search came (docs/languages.md): the right topic was among the buttons for 134
    of 180. This holds that level so it cannot quietly fall."""
    import yaml

    from bot.settings import PROJECT_ROOT

    offered = right = 0
    for path in sorted((PROJECT_ROOT / "tests" / "languages" / "questions" / "heldout").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data["questions"]:
            offered += 1
            right += question["topic"] in topics_like(content.in_language(data["language"]), question["text"])
    assert offered == 180 and right >= 130, right
