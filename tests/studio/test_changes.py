"""The studio's accounts and the life of a change: draft, approval by someone else,
publication into the content the assistant reads, rollback, and the audit record."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.actions.content_store import check_directory
from bot.settings import PROJECT_ROOT
from studio import accounts, changes
from studio.accounts import AccountError
from studio.changes import ChangeError

PASSWORD = "correct horse battery"
NEW_NUMBER = "01632 960123"  # from Ofcom's range for drama: never a real line


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "bot" / "content", target)
    return target


@pytest.fixture
def db() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    accounts.prepare(connection)
    changes.prepare(connection)
    return connection


@pytest.fixture
def people(db):
    return (accounts.add_account(db, "Eddie Editor", "editor", PASSWORD),
            accounts.add_account(db, "Abi Approver", "approver", PASSWORD),
            accounts.add_account(db, "Al Another", "approver", PASSWORD))


def phone_of(content_dir: Path, service_id: str) -> str:
    return check_directory(content_dir).content.services[service_id].phone


def test_accounts_need_a_real_password_and_lock_after_repeated_failures(db):
    with pytest.raises(AccountError):
        accounts.add_account(db, "Short", "editor", "too short")
    with pytest.raises(AccountError):
        accounts.add_account(db, "Someone", "admin", PASSWORD)
    accounts.add_account(db, "Sam", "editor", PASSWORD)
    with pytest.raises(AccountError):
        accounts.add_account(db, "Sam", "editor", PASSWORD)
    assert accounts.sign_in(db, "Sam", PASSWORD).role == "editor"
    assert accounts.sign_in(db, "Nobody", PASSWORD) is None
    for _ in range(accounts.MAX_FAILURES):
        assert accounts.sign_in(db, "Sam", "wrong password", now=1000) is None
    assert accounts.sign_in(db, "Sam", PASSWORD, now=1001) is None  # locked, even with the right one
    assert accounts.sign_in(db, "Sam", PASSWORD, now=1000 + accounts.LOCKOUT_SECONDS + 1).name == "Sam"
    stored = db.execute("SELECT password_hash FROM accounts WHERE name = 'Sam'").fetchone()[0]
    assert stored.startswith("$argon2") and PASSWORD not in stored


def test_a_change_is_drafted_approved_by_someone_else_published_and_rolled_back(db, content_dir, people):
    editor, approver, _ = people
    before = phone_of(content_dir, "victim_support")
    change = changes.propose(db, content_dir, editor, "victim_support", "phone", NEW_NUMBER)
    assert change.status == "draft" and not change.problems and change.old_value == before
    with pytest.raises(ChangeError, match="approver"):
        changes.approve(db, content_dir, change.id, editor)
    with pytest.raises(ChangeError, match="approved"):
        changes.publish(db, content_dir, change.id, approver)
    changes.approve(db, content_dir, change.id, approver)
    original_text = (content_dir / "services.yml").read_text(encoding="utf-8")
    changes.publish(db, content_dir, change.id, approver)
    assert phone_of(content_dir, "victim_support") == NEW_NUMBER
    published = (content_dir / "services.yml").read_text(encoding="utf-8")
    # Only that line changed: comments and layout are kept.
    assert sum(a != b for a, b in zip(original_text.splitlines(), published.splitlines())) == 1
    (version,) = changes.versions(db)
    changes.rollback(db, content_dir, version["id"], approver)
    assert (content_dir / "services.yml").read_text(encoding="utf-8") == original_text
    actions = [line.split(",")[2] for line in changes.audit_csv(db).splitlines()[1:]]
    assert actions == ["draft", "approve", "publish", "rollback"]


def test_an_author_cannot_approve_their_own_change_even_as_an_approver(db, content_dir, people):
    _, approver, other = people
    change = changes.propose(db, content_dir, approver, "victim_support", "summary", "Free support for anyone affected by crime.")
    with pytest.raises(ChangeError, match="someone other"):
        changes.approve(db, content_dir, change.id, approver)
    assert changes.approve(db, content_dir, change.id, other).status == "approved"


def test_a_bad_number_is_kept_as_a_draft_but_never_approved_or_published(db, content_dir, people):
    editor, approver, _ = people
    change = changes.propose(db, content_dir, editor, "victim_support", "phone", "call me maybe")
    assert change.status == "draft" and change.problems and not change.can_be_approved
    with pytest.raises(ChangeError, match="content checks"):
        changes.approve(db, content_dir, change.id, approver)
    assert phone_of(content_dir, "victim_support") != "call me maybe"


def test_html_and_script_are_stored_as_text(db, content_dir, people):
    editor, approver, _ = people
    words = "<script>alert('x')</script> Free & confidential"
    change = changes.propose(db, content_dir, editor, "victim_support", "summary", words)
    changes.approve(db, content_dir, change.id, approver)
    changes.publish(db, content_dir, change.id, approver)
    assert check_directory(content_dir).content.services["victim_support"].summary == words


def test_unknown_services_and_fields_are_refused_kindly(db, content_dir, people):
    editor = people[0]
    with pytest.raises(ChangeError, match="no service"):
        changes.propose(db, content_dir, editor, "no_such_service", "phone", "101")
    with pytest.raises(ChangeError, match="cannot be changed"):
        changes.propose(db, content_dir, editor, "victim_support", "verified", "true")
    with pytest.raises(ChangeError, match="1 to"):
        changes.propose(db, content_dir, editor, "victim_support", "phone", "   ")


def test_accounts_are_made_by_the_admin_command_and_the_studio_refuses_production_without_tls(tmp_path, monkeypatch):
    from connectors.environment import SettingsError
    from studio.__main__ import main, tls_context

    monkeypatch.setenv("STUDIO_DB", str(tmp_path / "studio.db"))
    monkeypatch.setenv("STUDIO_NEW_PASSWORD", PASSWORD)
    assert main(["add-account", "Pat Approver", "--role", "approver"]) == 0
    assert main(["add-account", "Pat Approver", "--role", "approver"]) == 1  # already there: said kindly
    db = sqlite3.connect(tmp_path / "studio.db")
    assert accounts.sign_in(db, "Pat Approver", PASSWORD).may_approve
    monkeypatch.delenv("STUDIO_TLS_CERT", raising=False)
    monkeypatch.delenv("STUDIO_TLS_KEY", raising=False)
    assert tls_context(production=False) is None
    with pytest.raises(SettingsError, match="STUDIO_TLS_CERT"):
        tls_context(production=True)
