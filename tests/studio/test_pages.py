"""The studio in a browser's place (HTTP): nobody gets in without signing in, no form works
without its CSRF token, an editor cannot approve, nobody approves their own change, what
anyone types is shown as text, and a published change is what the assistant then says."""
from __future__ import annotations

import re
import shutil
import sqlite3
from itertools import count
from pathlib import Path
from typing import Iterator

import pytest
import requests
from sanic import Sanic

from bot.actions.content_store import check_directory
from bot.settings import PROJECT_ROOT
from studio import accounts
from studio.app import SESSION_COOKIE, Studio, build_app, open_database
from tests.support.sanic_server import InProcessServer

Sanic.test_mode = True
PASSWORD = "correct horse battery"
NEW_NUMBER = "01632 960123"  # from Ofcom's range for drama: never a real line
_apps = count()


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[tuple]:
    content_dir = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "bot" / "content", content_dir)
    db: sqlite3.Connection = open_database(tmp_path / "studio.db")
    accounts.add_account(db, "Eddie Editor", "editor", PASSWORD)
    accounts.add_account(db, "Abi Approver", "approver", PASSWORD)
    with InProcessServer(build_app(Studio(db, content_dir, secure_cookies=False), f"studio_{next(_apps)}")) as server:
        yield server, content_dir


def signed_in(server, name: str) -> requests.Session:
    browser = requests.Session()
    answer = browser.post(f"{server.url}/sign-in", data={"name": name, "password": PASSWORD}, timeout=10)
    assert answer.status_code == 200 and "Signed in as" in answer.text
    return browser


def csrf(browser: requests.Session, url: str) -> str:
    return re.search(r"name='csrf' value='([^']+)'", browser.get(url, timeout=10).text).group(1)


def propose(server, browser, field: str, value: str) -> requests.Response:
    token = csrf(browser, f"{server.url}/services/victim_support")
    return browser.post(f"{server.url}/services/victim_support", data={"csrf": token, "field": field, "value": value},
                        timeout=30)


def approve_button(page: str) -> bool:
    return "/approve'" in page


def change_id(answer: requests.Response) -> str:
    return answer.url.rsplit("/", 1)[1]


def test_nothing_is_shown_or_done_without_signing_in(studio):
    server, content_dir = studio
    for path in ("/", "/services/victim_support", "/changes/1", "/audit.csv"):
        answer = requests.get(server.url + path, timeout=10)
        assert answer.url.endswith("/sign-in") and "Victim Support" not in answer.text, path
    for path in ("/services/victim_support", "/changes/1/approve", "/changes/1/publish", "/versions/1/rollback"):
        answer = requests.post(server.url + path, data={"field": "phone", "value": "101"}, timeout=10,
                               allow_redirects=False)
        assert answer.status_code in (302, 303) and answer.headers["Location"].endswith("/sign-in"), path
    wrong = requests.post(f"{server.url}/sign-in", data={"name": "Eddie Editor", "password": "not it"}, timeout=10)
    assert wrong.status_code == 401 and SESSION_COOKIE not in wrong.cookies


def test_the_session_cookie_is_http_only_and_same_site(studio):
    server, _ = studio
    answer = requests.post(f"{server.url}/sign-in", data={"name": "Eddie Editor", "password": PASSWORD}, timeout=10,
                           allow_redirects=False)
    cookie = answer.headers["Set-Cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "no-store" in answer.headers["Cache-Control"] and "frame-ancestors 'none'" in answer.headers[
        "Content-Security-Policy"]


def test_a_number_is_changed_previewed_approved_by_another_person_and_published(studio):
    server, content_dir = studio
    editor = signed_in(server, "Eddie Editor")
    draft = propose(server, editor, "phone", NEW_NUMBER)
    assert "Passes the content checks" in draft.text and NEW_NUMBER in draft.text  # the preview
    assert not approve_button(draft.text)
    number = change_id(draft)
    token = csrf(editor, f"{server.url}/changes/{number}")
    refused = editor.post(f"{server.url}/changes/{number}/approve", data={"csrf": token}, timeout=10)
    assert refused.status_code == 400 and "Only an approver" in refused.text
    approver = signed_in(server, "Abi Approver")
    token = csrf(approver, f"{server.url}/changes/{number}")
    assert approve_button(approver.get(f"{server.url}/changes/{number}", timeout=10).text)
    approved = approver.post(f"{server.url}/changes/{number}/approve", data={"csrf": token}, timeout=30)
    assert "by Eddie Editor: approved, approved by Abi Approver" in approved.text
    published = approver.post(f"{server.url}/changes/{number}/publish", data={"csrf": token}, timeout=30)
    assert published.status_code == 200 and "published" in published.text
    assert check_directory(content_dir).content.services["victim_support"].phone == NEW_NUMBER
    record = approver.get(f"{server.url}/audit.csv", timeout=10).text
    assert ",draft," in record and ",approve," in record and ",publish," in record


def test_an_approver_cannot_approve_their_own_change(studio):
    server, _ = studio
    approver = signed_in(server, "Abi Approver")
    draft = propose(server, approver, "summary", "Free support for anyone affected by crime.")
    assert not approve_button(draft.text)
    token = csrf(approver, draft.url)
    refused = approver.post(f"{draft.url}/approve", data={"csrf": token}, timeout=30)
    assert refused.status_code == 400 and "someone other than its author" in refused.text


def test_no_form_works_without_its_csrf_token(studio):
    server, content_dir = studio
    editor = signed_in(server, "Eddie Editor")
    forged = editor.post(f"{server.url}/services/victim_support", data={"field": "phone", "value": NEW_NUMBER},
                         timeout=10)
    assert forged.status_code == 403
    wrong = editor.post(f"{server.url}/services/victim_support",
                        data={"csrf": "guessed", "field": "phone", "value": NEW_NUMBER}, timeout=10)
    assert wrong.status_code == 403
    assert "Passes the content checks" not in editor.get(f"{server.url}/", timeout=10).text
    assert check_directory(content_dir).content.services["victim_support"].phone != NEW_NUMBER


def test_a_bad_number_is_kept_as_a_draft_with_the_reason_and_cannot_be_approved(studio):
    server, _ = studio
    editor = signed_in(server, "Eddie Editor")
    draft = propose(server, editor, "phone", "call me maybe")
    assert "Fails the content checks" in draft.text and "phone" in draft.text.lower()
    approver = signed_in(server, "Abi Approver")
    assert not approve_button(approver.get(draft.url, timeout=10).text)


def test_what_anyone_types_is_shown_as_text_never_as_markup(studio):
    server, _ = studio
    editor = signed_in(server, "Eddie Editor")
    draft = propose(server, editor, "summary", "<script>alert('x')</script><b>bold</b>")
    assert "<script>alert" not in draft.text and "<b>bold" not in draft.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in draft.text


def test_the_review_page_lists_what_needs_checking(studio):
    server, content_dir = studio
    content = check_directory(content_dir).content
    unverified = next(s for s in content.services.values() if not s.verified)
    page = signed_in(server, "Eddie Editor").get(f"{server.url}/review", timeout=10).text
    assert "Services not verified" in page and f"({unverified.id})" in page
    assert "Opening hours not confirmed" in page
