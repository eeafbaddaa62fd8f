"""The studio in a browser's place (HTTP): nobody gets in without signing in, no form works
without its CSRF token, an editor cannot approve, nobody approves their own change, what
anyone types is shown as text, a bad value is kept with its reason next to its field, and
a published change is what the content then says."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
import requests

from bot.actions.content_store import check_directory
from studio.app import SESSION_COOKIE
from studio.fields import LINES, LONG_TEXT, PHONE, SERVICE_FORM, TEXT, TOPIC_FORM, URL
from tests.support.studio import APPROVER, EDITOR, NEW_NUMBER, OTHER_APPROVER, PASSWORD, Person, buttons_on, \
    change_number, running_studio

MARKUP = "<script>alert('x')</script><b>bold</b>"
# Every route, with a value for each of its parameters.
SAMPLE = {"kinds": "services", "entry_id": "victim_support", "change_id": "1", "action": "approve", "version_id": "1",
          "name": "studio.css", "chart": "topics"}
OPEN_TO_ALL = {"/sign-in", "/assets/<name>", "/widget/<name>"}


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[Tuple]:
    with running_studio(tmp_path) as running:
        yield running


def routes(server) -> List[Tuple[str, str]]:
    """(method, path) for every route the studio has, its parameters filled in."""
    found = []
    for route in server.app.router.routes:
        pattern = "/" + re.sub(r"<(\w+):[^>]*>", r"<\1>", route.path)
        if pattern in OPEN_TO_ALL:
            continue
        for action in ("approve", "publish", "withdraw") if "<action>" in pattern else ("",):
            path = re.sub(r"<(\w+)>", lambda m, action=action: {**SAMPLE, "action": action}[m.group(1)], pattern)
            found += [(method, path) for method in route.methods if method in ("GET", "POST")]
    return sorted(set(found))


def phone_of(content_dir: Path) -> str:
    return check_directory(content_dir).content.services["victim_support"].phone


def test_every_page_and_form_needs_a_signed_in_person(studio):
    server, content_dir = studio
    checked = routes(server)
    assert len(checked) == 16, checked
    for method, path in checked:
        answer = requests.request(method, server.url + path, data={"phone": NEW_NUMBER}, timeout=10,
                                  allow_redirects=False)
        assert answer.status_code in (302, 303) and answer.headers["Location"].endswith("/sign-in"), (method, path)
    wrong = requests.post(f"{server.url}/sign-in", data={"name": EDITOR, "password": "not it"}, timeout=10)
    assert wrong.status_code == 401 and SESSION_COOKIE not in wrong.cookies
    assert "do not match" in wrong.text
    assert phone_of(content_dir) != NEW_NUMBER


def test_no_form_works_without_its_csrf_token(studio):
    server, content_dir = studio
    editor, approver = Person(server, EDITOR), Person(server, APPROVER)
    number = change_number(editor.edit("service", "victim_support", {"phone": NEW_NUMBER}))
    for method, path in routes(server):
        if method != "POST":
            continue
        for token in ({}, {"csrf": "guessed"}):
            answer = approver.http.post(server.url + path, data={**token, "phone": NEW_NUMBER}, timeout=10)
            assert answer.status_code == 403 and "expired" in answer.text, path
    assert "approved" not in approver.get(f"/changes/{number}").text.lower().split("change")[0]
    assert buttons_on(approver.get(f"/changes/{number}").text) == ["approve", "withdraw"]
    assert phone_of(content_dir) != NEW_NUMBER


def test_the_session_cookie_is_http_only_and_same_site_and_pages_are_locked_down(studio):
    server, _ = studio
    answer = requests.post(f"{server.url}/sign-in", data={"name": EDITOR, "password": PASSWORD}, timeout=10,
                           allow_redirects=False)
    cookie = answer.headers["Set-Cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = Person(server, EDITOR).get("/")
    policy = page.headers["Content-Security-Policy"]
    assert "no-store" in page.headers["Cache-Control"] and "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_a_number_is_changed_previewed_approved_by_another_person_and_published(studio):
    server, content_dir = studio
    was = phone_of(content_dir)
    editor = Person(server, EDITOR)
    draft = editor.edit("service", "victim_support", {"phone": NEW_NUMBER})
    number = change_number(draft)
    assert draft.url.endswith(f"/changes/{number}")
    before, after = re.search(r'id="preview-before">(.*?)</div>\s*</div>\s*<div.*?id="preview-after">(.*?)</div>',
                              draft.text, re.S).groups()
    assert f"Call {was}" in before and f"Call {NEW_NUMBER}" in after  # the assistant's own card, before and after
    assert buttons_on(draft.text) == ["withdraw"]  # an editor may not approve
    refused = editor.http.post(f"{server.url}/changes/{number}/approve", data={"csrf": editor.csrf()}, timeout=10)
    assert refused.status_code == 400 and "Only an approver" in refused.text
    approver = Person(server, APPROVER)
    assert "approve" in buttons_on(approver.get(f"/changes/{number}").text)
    approved = approver.press(number, "approve")
    assert f"approved by {APPROVER}" in approved.text and buttons_on(approved.text) == ["publish", "withdraw"]
    published = approver.press(number, "publish")
    assert published.status_code == 200 and "Published" in published.text
    assert phone_of(content_dir) == NEW_NUMBER
    record = approver.get("/audit.csv")
    assert record.headers["Content-Type"].startswith("text/csv")
    assert [line.split(",")[2] for line in record.text.splitlines()[1:]] == ["draft", "approve", "publish"]


def test_an_approver_cannot_approve_their_own_change(studio):
    server, _ = studio
    approver = Person(server, APPROVER)
    number = change_number(approver.edit("service", "victim_support", {"summary": "Free support for anyone."}))
    assert "approve" not in buttons_on(approver.get(f"/changes/{number}").text)
    refused = approver.press(number, "approve")
    assert refused.status_code == 400 and "someone other than its author" in refused.text
    assert Person(server, OTHER_APPROVER).press(number, "approve").status_code == 200


def test_a_bad_number_is_kept_as_a_draft_with_the_reason_next_to_the_field(studio):
    server, content_dir = studio
    editor = Person(server, EDITOR)
    answer = editor.edit("service", "victim_support", {"phone": "call me maybe"})
    number = change_number(answer)
    phone_group = answer.text.split('for="f-phone"')[1].split('class="govuk-form-group')[0]
    assert "govuk-error-message" in phone_group and "not a UK phone number" in phone_group
    assert 'govuk-form-group--error">\n  <label class="govuk-label govuk-label--s" for="f-phone"' in answer.text
    assert 'value="call me maybe"' in answer.text  # what was typed is still there
    assert f"Saved as draft {number}" in answer.text and '<a href="#f-phone">' in answer.text
    assert "approve" not in buttons_on(Person(server, APPROVER).get(f"/changes/{number}").text)
    # Put right from the draft: a new draft replaces it, and the old one is withdrawn.
    fixed = editor.edit("service", "victim_support", {"phone": NEW_NUMBER, "replaces": number}, draft=number)
    assert change_number(fixed) != number and "withdrawn" in editor.get(f"/changes/{number}").text.lower()
    assert phone_of(content_dir) != NEW_NUMBER


def test_what_anyone_types_is_shown_as_text_never_as_markup(studio):
    server, _ = studio
    editor = Person(server, EDITOR)
    for kind, entry_id, form in (("service", "victim_support", SERVICE_FORM), ("topic", "clares_law", TOPIC_FORM)):
        for field in form:
            if field.kind not in (TEXT, LONG_TEXT, LINES, PHONE, URL):
                continue
            answer = editor.edit(kind, entry_id, {field.name: MARKUP})
            number = change_number(answer)
            for page in (answer.text, editor.get(f"/changes/{number}").text, editor.get("/").text):
                assert "<script>alert" not in page and "<b>bold" not in page, (kind, field.name)
            assert "&lt;script&gt;" in editor.get(f"/changes/{number}").text, (kind, field.name)


def test_a_topic_is_edited_as_a_form(studio):
    server, content_dir = studio
    editor, approver = Person(server, EDITOR), Person(server, APPROVER)
    messages = "\n".join(check_directory(content_dir).content.topics["clares_law"].messages)
    number = change_number(editor.edit("topic", "clares_law", {"messages": messages + "\nAsk us any time."}))
    page = approver.get(f"/changes/{number}").text
    assert "Ask us any time." in page.split('id="preview-after"')[1]
    approver.press(number, "approve")
    approver.press(number, "publish")
    assert check_directory(content_dir).content.topics["clares_law"].messages[-1] == "Ask us any time."


def test_a_published_version_is_put_back_from_the_versions_page(studio):
    server, content_dir = studio
    was = phone_of(content_dir)
    editor, approver = Person(server, EDITOR), Person(server, APPROVER)
    number = change_number(editor.edit("service", "victim_support", {"phone": NEW_NUMBER}))
    approver.press(number, "approve")
    approver.press(number, "publish")
    page = approver.get("/versions").text
    version = re.search(r'action="(/versions/\d+/rollback)"', page).group(1)
    assert "/rollback" not in editor.get("/versions").text  # only approvers may
    approver.http.post(server.url + version, data={"csrf": approver.csrf("/versions")}, timeout=30)
    assert phone_of(content_dir) == was


def test_the_review_page_lists_what_needs_checking_by_owner(studio):
    server, content_dir = studio
    editor, approver = Person(server, EDITOR), Person(server, APPROVER)
    number = change_number(editor.edit("service", "galop", {"owner": "Partnerships team"}))
    approver.press(number, "approve")
    approver.press(number, "publish")
    content = check_directory(content_dir).content
    unverified = next(s for s in content.services.values() if not s.verified and s.id != "galop")
    everyone = editor.get("/review").text
    assert "Services not checked" in everyone and f"/services/{unverified.id}/edit" in everyone
    assert "Opening hours not checked" in everyone and '<option value="Partnerships team"' in everyone
    theirs = editor.get("/review?owner=Partnerships+team").text
    assert "/services/galop/edit" in theirs and f"/services/{unverified.id}/edit" not in theirs


def test_a_missing_entry_or_change_is_a_kind_page(studio):
    server, _ = studio
    editor = Person(server, EDITOR)
    assert editor.get("/services/no_such_service/edit").status_code == 404
    missing = editor.get("/changes/999")
    assert missing.status_code == 400 and "no change 999" in missing.text
    assert editor.get("/widget/../studio/app.py").status_code == 404


def test_markup_sent_in_any_other_input_is_kept_as_text_and_refused_by_the_checks(studio):
    server, content_dir = studio
    editor = Person(server, EDITOR)
    every_other_input = {name: MARKUP for name in (
        "needs", "areas", "serves", "verified", "free", "min_age", "reviewed-day", "reviewed-month", "reviewed-year",
        "hours-mode", "hours-mon-from", "hours-mon-to")}
    answer = editor.edit("service", "victim_support", {**every_other_input, "hours-mode": "set"})
    number = change_number(answer)
    for page in (answer.text, editor.get(f"/changes/{number}").text):
        assert "<script>alert" not in page and "<b>bold" not in page
    assert "approve" not in buttons_on(Person(server, APPROVER).get(f"/changes/{number}").text)
    assert check_directory(content_dir).content.services["victim_support"].needs != (MARKUP,)


def test_a_change_to_a_number_in_english_says_which_translations_it_puts_out_of_date(studio):
    server, _ = studio
    editor = Person(server, EDITOR)
    draft = editor.edit("service", "victim_support",
                        {"summary": "Free support for anyone affected by crime, 24 hours a day, by phone."})
    assert 'id="translations-out-of-date"' in draft.text
    assert "puts 6 translations" in draft.text
    for code in ("pl", "pa", "gu", "pt", "ro", "ur"):
        assert f"translations/{code}.yml: service &#39;victim_support&#39;" in draft.text
    wording_only = editor.edit("service", "victim_support", {"summary": "Free help for anyone affected by crime."})
    assert "translations-out-of-date" not in wording_only.text
