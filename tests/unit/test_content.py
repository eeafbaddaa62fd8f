"""Content checks: real content passes, broken content is refused with a clear message."""
from __future__ import annotations

import os
import shutil
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.actions.content_store import ContentStore, check_directory, read_intents
from bot.actions.opening_hours import UK_TIME
from bot.actions.rendering import render_service
from bot.content_tools import main as content_command
from tests.support.trackers import CONTENT_DIR


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    # Make sure the store sees a new modification time even on coarse clocks.
    later = time.time() + 5
    os.utime(path, (later, later))


def service(data, service_id):
    return next(s for s in data["services"] if s["id"] == service_id)


def problems_after(content_copy: Path, file_name: str, change) -> str:
    edit_yaml(content_copy / file_name, change)
    result = check_directory(content_copy)
    assert not result.ok
    return "\n".join(result.problems)


def test_the_real_content_passes_and_covers_every_intent():
    result = check_directory(CONTENT_DIR)
    assert result.ok, result.problems
    assert set(read_intents()) <= set(result.content.topics)


def test_a_phone_number_in_the_wrong_format_is_refused(content_copy):
    message = problems_after(content_copy, "services.yml", lambda d: service(d, "samaritans").update(phone="116-123"))
    assert "'samaritans'" in message and "not a UK phone number" in message


def test_a_web_address_without_https_is_refused(content_copy):
    message = problems_after(content_copy, "services.yml", lambda d: service(d, "streetsafe").update(url="http://www.police.uk/streetsafe"))
    assert "must be a full web address starting with https://" in message


def test_a_topic_pointing_at_a_missing_service_is_refused(content_copy):
    def change(data):
        data["topics"][0]["services"] = ["no_such_service"]

    message = problems_after(content_copy, "topics/reporting.yml", change)
    assert "no_such_service" in message


def test_a_missing_topic_for_an_intent_is_refused(content_copy):
    def change(data):
        data["topics"] = [t for t in data["topics"] if t["id"] != "sarahs_law"]

    message = problems_after(content_copy, "topics/disclosure_schemes.yml", change)
    assert "There is no topic 'sarahs_law'" in message


def test_bad_opening_hours_are_refused(content_copy):
    hours = [{"days": ["monday"], "from": "10:00", "to": "16:00"}]
    message = problems_after(content_copy, "services.yml", lambda d: service(d, "revenge_porn_helpline").update(hours=hours))
    assert "hours days must be some of" in message


def test_a_misspelt_field_and_an_unknown_placeholder_are_refused(content_copy):
    def change(data):
        data["topics"][0]["mesages"] = ["typo"]
        data["topics"][1]["messages"] = ["Call us on {phone}"]

    message = problems_after(content_copy, "topics/reporting.yml", change)
    assert "'mesages' is not a field we know" in message
    assert "{phone} is not something the assistant can fill in" in message


def test_broken_yaml_is_reported_with_a_line_number(content_copy):
    (content_copy / "services.yml").write_text("services:\n  - id: x\n    name: [unclosed\n")
    message = "\n".join(check_directory(content_copy).problems)
    assert "services.yml: the file could not be read near line" in message


def test_unverified_and_stale_entries_are_listed_for_review(content_copy):
    edit_yaml(content_copy / "services.yml", lambda d: service(d, "samaritans").update(reviewed=date(2020, 1, 1)))
    result = check_directory(content_copy)
    assert result.ok
    notes = "\n".join(result.review_notes)
    assert "Stale: service 'samaritans'" in notes
    assert "Not verified: service 'rape_crisis_support_line'" in notes


def test_a_review_date_warns_30_days_before_and_fails_the_check_once_past(content_copy, capsys):
    soon, past = date.today() + timedelta(days=10), date.today() - timedelta(days=1)
    edit_yaml(content_copy / "services.yml", lambda d: service(d, "samaritans").update(review_by=soon))
    result = check_directory(content_copy)
    assert "Review due: service 'samaritans'" in "\n".join(result.review_notes) and not result.overdue
    assert content_command(["check", "--dir", str(content_copy)]) == 0

    edit_yaml(content_copy / "services.yml", lambda d: service(d, "samaritans").update(review_by=past))
    result = check_directory(content_copy)
    assert result.ok, "an overdue review must not take the assistant's content offline"
    assert result.overdue == [f"Review overdue: service 'samaritans' was to be reviewed by {past.isoformat()}."]
    assert content_command(["check", "--dir", str(content_copy)]) == 1
    assert "past their review date" in capsys.readouterr().out


def test_a_review_date_that_is_not_a_date_is_refused(content_copy):
    assert "'review_by' must be a date" in problems_after(
        content_copy, "services.yml", lambda d: service(d, "samaritans").update(review_by="soon"))


def test_hours_without_a_checked_source_are_listed_for_review(content_copy):
    edit_yaml(content_copy / "services.yml", lambda d: service(d, "national_stalking_helpline").update(hours_verified=False))
    notes = "\n".join(check_directory(content_copy).review_notes)
    assert "Hours without a checked source: service 'national_stalking_helpline'" in notes


def test_every_victims_code_topic_has_a_review_date(content):
    code_topics = [t for t in content.topics.values() if t.id == "victims_code" or t.id.startswith("vc_")]
    assert len(code_topics) == 13
    assert all(t.review_by is not None for t in code_topics)


def test_edits_go_live_without_a_restart_and_broken_edits_keep_the_last_good_content(content_copy):
    store = ContentStore(content_copy)
    assert store.current().services["samaritans"].phone == "116 123"
    edit_yaml(content_copy / "services.yml", lambda d: service(d, "samaritans").update(summary="Changed by comms."))
    assert store.current().services["samaritans"].summary == "Changed by comms."
    edit_yaml(content_copy / "services.yml", lambda d: service(d, "samaritans").update(phone="not a number"))
    assert store.current().services["samaritans"].summary == "Changed by comms."


def test_the_check_command_fails_on_broken_content_and_says_why(content_copy, capsys):
    assert content_command(["check", "--dir", str(CONTENT_DIR)]) == 0
    edit_yaml(content_copy / "services.yml", lambda d: service(d, "samaritans").update(url="samaritans.org"))
    assert content_command(["check", "--dir", str(content_copy)]) == 1
    assert "will not use it until they are fixed" in capsys.readouterr().out


def test_the_preview_shows_every_topic_and_service(tmp_path, content):
    page = tmp_path / "preview.html"
    assert content_command(["preview", "--dir", str(CONTENT_DIR), "--out", str(page)]) == 0
    html = page.read_text()
    for topic in content.topics.values():
        assert f'id="topic-{topic.id}"' in html
    for service_id in content.services:
        assert f'id="service-{service_id}"' in html
    assert "NOT VERIFIED" in html


def test_a_service_says_whether_it_is_open_now_in_uk_time(content):
    helpline = content.services["revenge_porn_helpline"]
    monday_11_bst_in_utc = datetime(2026, 6, 1, 10, 0, tzinfo=UK_TIME).astimezone(UK_TIME)
    assert "Open now." in render_service(helpline, content, monday_11_bst_in_utc).text
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=UK_TIME)
    closed = render_service(helpline, content, saturday).text
    assert "Closed now, opens on Monday at 10:00." in closed
    assert "For help now:" in closed and "open 24 hours" in closed


def test_closed_before_opening_today_says_today(content):
    helpline = content.services["revenge_porn_helpline"]
    early_monday = datetime(2026, 11, 23, 8, 0, tzinfo=UK_TIME)
    assert "opens today at 10:00" in render_service(helpline, content, early_monday).text


def test_the_contact_forms_button_words_are_content_and_checked(content_copy):
    def relabel(data):
        data["buttons"]["send_it"] = "Send it to the police"

    edit_yaml(content_copy / "handoff.yml", relabel)
    assert check_directory(content_copy).content.handoff.button("send_it", "/x") == {
        "title": "Send it to the police", "payload": "/x"}
    assert "buttons must give the words for 'cancel'" in problems_after(
        content_copy, "handoff.yml", lambda d: d["buttons"].pop("cancel"))
    assert "must be 1 to" in problems_after(content_copy, "handoff.yml", lambda d: d["buttons"].update(skip=""))


def test_unquoted_yes_and_no_button_keys_get_a_plain_explanation(content_copy):
    path = content_copy / "handoff.yml"
    path.write_text(path.read_text().replace('"yes": "Yes"', 'yes: "Yes"'))
    problems = "\n".join(check_directory(content_copy).problems)
    assert 'write "yes" and "no" in quotes' in problems
