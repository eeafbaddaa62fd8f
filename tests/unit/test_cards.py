"""Service cards: their words are content (bot/content/cards.yml), and in another language
a card is translated whole or not at all."""
from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from bot.actions.content_store import check_directory
from bot.actions.opening_hours import UK_TIME
from bot.actions.rendering import render_service
from bot.settings import PROJECT_ROOT

SATURDAY_NOON = datetime(2026, 11, 28, 12, 0, tzinfo=UK_TIME)
CODES = ["gu", "pa", "pl", "pt", "ro", "ur"]


@pytest.mark.parametrize("code", CODES)
def test_a_card_is_in_the_conversations_language(content, code):
    """Summary, "Call", hours, "closed now, opens..." and the 24-hour alternative, all in
    the language; names, numbers and addresses as they are."""
    words = content.in_language(code)
    translation = content.translations[code]
    helpline = content.services["revenge_porn_helpline"]  # free, weekday hours, closed on Saturday
    card = render_service(helpline, words, SATURDAY_NOON)
    assert card.language == code
    assert translation.summaries[helpline.id] in card.text
    assert translation.cards.say("call_free" if helpline.free else "call", phone=helpline.phone) in card.text
    assert helpline.name in card.text and (helpline.url or "") in card.text
    assert translation.cards.days[0] in card.text  # "Monday", in the language
    for english in ("Open ", "Closed now", "For help now", "Monday"):
        assert english not in card.text


def test_a_card_without_its_summary_translated_is_wholly_english(content):
    polish = content.translations["pl"]
    without = replace(polish, summaries={k: v for k, v in polish.summaries.items() if k != "revenge_porn_helpline"})
    partial = replace(content, translations={**content.translations, "pl": without}).in_language("pl")
    card = render_service(content.services["revenge_porn_helpline"], partial, SATURDAY_NOON)
    assert card.language == "en"
    assert card.text == render_service(content.services["revenge_porn_helpline"], content, SATURDAY_NOON).text
    assert "Closed now, opens on Monday at 10:00." in card.text


def copy_of_content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "bot" / "content", folder)
    return folder


def test_card_words_that_lose_a_placeholder_are_refused(tmp_path):
    folder = copy_of_content(tmp_path)
    cards = folder / "cards.yml"
    cards.write_text(cards.read_text(encoding="utf-8").replace('"Call {phone}"', '"Call us"'), encoding="utf-8")
    problems = check_directory(folder).problems
    assert any("cards.yml: the words for 'call' must keep" in p and "{phone}" in p for p in problems), problems


def test_a_translated_summary_whose_numbers_differ_is_said_in_english(tmp_path):
    """As when comms staff change a number in the English summary: the old translation is
    not used (the card is English) and the content check fails until it is updated."""
    folder = copy_of_content(tmp_path)
    polish = folder / "translations" / "pl.yml"
    data = yaml.safe_load(polish.read_text(encoding="utf-8"))
    data["services"]["police_101"]["summary"] = data["services"]["police_101"]["summary"].replace("101", "111")
    polish.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = check_directory(folder)
    assert result.ok, result.problems
    assert any("service 'police_101' must keep every number" in p for p in result.stale_translations)
    card = render_service(result.content.services["police_101"], result.content.in_language("pl"), SATURDAY_NOON)
    assert card.language == "en"


def test_card_words_without_seven_days_are_refused(tmp_path):
    folder = copy_of_content(tmp_path)
    polish = folder / "translations" / "pl.yml"
    data = yaml.safe_load(polish.read_text(encoding="utf-8"))
    data["cards"]["days"] = data["cards"]["days"][:6]
    polish.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = check_directory(folder).problems
    assert any("'days' must list the seven day names" in p for p in problems), problems


def test_the_content_preview_shows_translated_summaries_and_card_words(tmp_path, content):
    from bot.content_tools import main as content_command

    page = tmp_path / "preview.html"
    assert content_command(["preview", "--out", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert 'id="card-words"' in html
    assert content.translations["ur"].cards.days[0] in html
    assert content.translations["pl"].summaries["police_101"].split(".")[0] in html


def test_the_finders_buttons_are_translated_and_still_send_the_same_ids(content):
    from bot.actions.support_finder import ActionAskArea, ActionAskSupportGroup

    polish = content.in_language("pl")
    labels = content.translations["pl"].finder_labels
    areas = ActionAskArea().buttons(polish, tracker=None)
    english_areas = ActionAskArea().buttons(content, tracker=None)
    assert [b["payload"] for b in areas] == [b["payload"] for b in english_areas]
    assert labels["outside"] in [b["title"] for b in areas] and labels["unknown"] in [b["title"] for b in areas]
    groups = ActionAskSupportGroup().buttons(polish, tracker=None)
    assert labels["women"] in [b["title"] for b in groups]


def test_finder_words_for_an_id_that_does_not_exist_are_refused(tmp_path):
    folder = copy_of_content(tmp_path)
    polish = folder / "translations" / "pl.yml"
    data = yaml.safe_load(polish.read_text(encoding="utf-8"))
    data["finder"]["coventry"] = "Coventry"
    data["finder"]["women"] = "x" * 31
    polish.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = check_directory(folder).problems
    assert any("finder has no 'coventry'" in p for p in problems), problems
    assert any("finder's words for 'women' must be 1 to 30 characters" in p for p in problems), problems
