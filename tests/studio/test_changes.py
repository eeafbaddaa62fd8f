"""The studio's accounts and the life of a change: a draft of a service or a topic, its
approval by someone else, publication into the file the assistant reads (layout kept),
withdrawal, rollback, conflicts, and the record of who did what."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.actions.content_store import check_directory
from studio import accounts, changes, entries
from studio.accounts import AccountError
from studio.changes import ChangeError
from tests.support.studio import APPROVER, EDITOR, NEW_NUMBER, OTHER_APPROVER, PASSWORD, copy_of_content, \
    database_with_people


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    return copy_of_content(tmp_path)


@pytest.fixture
def db(tmp_path: Path):
    engine = database_with_people(f"sqlite:///{tmp_path / 'studio.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def people(db):
    return accounts.Account(EDITOR, "editor"), accounts.Account(APPROVER, "approver"), \
        accounts.Account(OTHER_APPROVER, "approver")


def service(content_dir: Path, service_id: str = "victim_support"):
    return check_directory(content_dir).content.services[service_id]


def draft(db, content_dir, who, kind="service", entry_id="victim_support", **fields):
    ref = entries.find(content_dir, kind, entry_id)
    drafted = {**entries.read(content_dir, ref), **fields}
    return changes.propose(db, content_dir, who, ref, {k: v for k, v in drafted.items() if v is not None})


def test_accounts_need_a_real_password_and_lock_after_repeated_failures(db):
    with pytest.raises(AccountError):
        accounts.add_account(db, "Short", "editor", "too short")
    with pytest.raises(AccountError):
        accounts.add_account(db, "Someone", "admin", PASSWORD)
    accounts.add_account(db, "Sam", "editor", PASSWORD)
    with pytest.raises(AccountError, match="already"):
        accounts.add_account(db, "Sam", "editor", PASSWORD)
    assert accounts.sign_in(db, "Sam", PASSWORD).role == "editor"
    assert accounts.sign_in(db, "Nobody", PASSWORD) is None
    for _ in range(accounts.MAX_FAILURES):
        assert accounts.sign_in(db, "Sam", "wrong password", now=1000) is None
    assert accounts.sign_in(db, "Sam", PASSWORD, now=1001) is None  # locked, even with the right one
    assert accounts.sign_in(db, "Sam", PASSWORD, now=1000 + accounts.LOCKOUT_SECONDS + 1).name == "Sam"
    with db.begin() as connection:
        stored = connection.execute(text("SELECT password_hash FROM studio_accounts WHERE name = 'Sam'")).scalar_one()
    assert stored.startswith("$argon2") and PASSWORD not in stored


def test_a_change_is_drafted_approved_by_someone_else_published_and_rolled_back(db, content_dir, people):
    editor, approver, _ = people
    was = service(content_dir).phone
    change = draft(db, content_dir, editor, phone=NEW_NUMBER)
    assert change.status == "draft" and not change.problems and change.diff() == [("phone", was, NEW_NUMBER)]
    with pytest.raises(ChangeError, match="approver"):
        changes.approve(db, content_dir, change.id, editor)
    with pytest.raises(ChangeError, match="approved"):
        changes.publish(db, content_dir, change.id, approver)
    changes.approve(db, content_dir, change.id, approver)
    original_text = (content_dir / "services.yml").read_text(encoding="utf-8")
    changes.publish(db, content_dir, change.id, approver)
    assert service(content_dir).phone == NEW_NUMBER
    published = (content_dir / "services.yml").read_text(encoding="utf-8")
    # Only that line changed: comments and layout are kept.
    assert len(published.splitlines()) == len(original_text.splitlines())
    assert sum(a != b for a, b in zip(original_text.splitlines(), published.splitlines())) == 1
    (version,) = changes.versions(db)
    changes.rollback(db, content_dir, version["id"], approver)
    assert (content_dir / "services.yml").read_text(encoding="utf-8") == original_text
    rows = list(csv.DictReader(io.StringIO(changes.audit_csv(db))))
    assert [row["action"] for row in rows] == ["draft", "approve", "publish", "rollback"]
    assert rows[2]["field"] == "phone" and rows[2]["before"] == was and rows[2]["after"] == NEW_NUMBER
    assert rows[2]["who"] == APPROVER and rows[0]["who"] == EDITOR


def test_a_topic_is_changed_in_its_own_file(db, content_dir, people):
    editor, approver, _ = people
    ref = entries.find(content_dir, "topic", "clares_law")
    messages = entries.read(content_dir, ref)["messages"]
    change = draft(db, content_dir, editor, kind="topic", entry_id="clares_law",
                   messages=[*messages, "You can also ask at a police station."])
    assert change.ref.file == "topics/disclosure_schemes.yml" and not change.problems
    changes.approve(db, content_dir, change.id, approver)
    changes.publish(db, content_dir, change.id, approver)
    topic = check_directory(content_dir).content.topics["clares_law"]
    assert topic.messages[-1] == "You can also ask at a police station."


def test_structured_fields_are_written_so_the_assistant_reads_them_back(db, content_dir, people):
    editor, approver, _ = people
    hours = [{"days": ["mon", "tue", "wed", "thu"], "from": "10:00", "to": "20:30"},
             {"days": ["fri"], "from": "10:00", "to": "16:30"}]
    change = draft(db, content_dir, editor, hours=hours, closed_on_bank_holidays=True, also_called=["no", "yes"],
                   review_by=date(2027, 3, 1), owner="Comms team", min_age=16)
    assert not change.problems, change.problems
    changes.approve(db, content_dir, change.id, approver)
    changes.publish(db, content_dir, change.id, approver)
    changed = service(content_dir)
    assert [(t.days, t.opens, t.closes) for t in changed.opening_times] == [
        (("mon", "tue", "wed", "thu"), "10:00", "20:30"), (("fri",), "10:00", "16:30")]
    assert changed.closed_on_bank_holidays and changed.review_by == date(2027, 3, 1) and changed.min_age == 16
    assert changed.also_called == ("no", "yes") and changed.owner == "Comms team"  # "no" stays a word


def test_an_author_cannot_approve_their_own_change_even_as_an_approver(db, content_dir, people):
    _, approver, other = people
    change = draft(db, content_dir, approver, summary="Free support for anyone affected by crime.")
    with pytest.raises(ChangeError, match="someone other"):
        changes.approve(db, content_dir, change.id, approver)
    assert changes.approve(db, content_dir, change.id, other).status == "approved"


def test_a_bad_number_is_kept_as_a_draft_next_to_its_field_but_never_approved(db, content_dir, people):
    editor, approver, _ = people
    change = draft(db, content_dir, editor, phone="call me maybe")
    assert change.status == "draft" and not change.can_be_approved
    assert [p.field for p in change.problems] == ["phone"] and "not a UK phone number" in change.problems[0].message
    with pytest.raises(ChangeError, match="content checks"):
        changes.approve(db, content_dir, change.id, approver)
    assert service(content_dir).phone != "call me maybe"


def test_a_broken_reference_in_a_topic_is_tied_to_its_field(db, content_dir, people):
    change = draft(db, content_dir, people[0], kind="topic", entry_id="clares_law", buttons=["no_such_topic", "menu"],
                   label="A label far too long to fit on any button")
    assert {p.field for p in change.problems} == {"buttons", "label"}


def test_html_and_script_are_stored_as_text(db, content_dir, people):
    editor, approver, _ = people
    words = "<script>alert('x')</script> Free & confidential"
    change = draft(db, content_dir, editor, summary=words)
    changes.approve(db, content_dir, change.id, approver)
    changes.publish(db, content_dir, change.id, approver)
    assert service(content_dir).summary == words


def test_two_drafts_of_the_same_field_cannot_both_be_published(db, content_dir, people):
    editor, approver, other = people
    first = draft(db, content_dir, editor, phone=NEW_NUMBER)
    second = draft(db, content_dir, editor, phone="01632 960999")
    for change in (first, second):
        changes.approve(db, content_dir, change.id, approver)
    changes.publish(db, content_dir, first.id, approver)
    with pytest.raises(ChangeError, match="changed since this draft"):
        changes.publish(db, content_dir, second.id, other)
    assert service(content_dir).phone == NEW_NUMBER


def test_drafts_of_different_fields_are_both_published(db, content_dir, people):
    editor, approver, _ = people
    phone = draft(db, content_dir, editor, phone=NEW_NUMBER)
    owner = draft(db, content_dir, editor, owner="Comms team")
    for change in (phone, owner):
        changes.approve(db, content_dir, change.id, approver)
        changes.publish(db, content_dir, change.id, approver)
    assert service(content_dir).phone == NEW_NUMBER and service(content_dir).owner == "Comms team"


def test_a_withdrawn_change_cannot_be_approved(db, content_dir, people):
    editor, approver, _ = people
    change = draft(db, content_dir, editor, phone=NEW_NUMBER)
    assert changes.withdraw(db, change.id, editor).status == "withdrawn"
    with pytest.raises(ChangeError, match="already withdrawn"):
        changes.approve(db, content_dir, change.id, approver)


def test_nothing_changed_and_unknown_entries_are_refused_kindly(db, content_dir, people):
    editor = people[0]
    with pytest.raises(ChangeError, match="Nothing was changed"):
        draft(db, content_dir, editor)
    with pytest.raises(entries.EntryError, match="no service"):
        entries.find(content_dir, "service", "no_such_service")


def test_the_record_never_lets_a_spreadsheet_run_what_was_typed(db, content_dir, people):
    draft(db, content_dir, people[0], summary="=HYPERLINK(\"https://example.org\")")
    rows = list(csv.DictReader(io.StringIO(changes.audit_csv(db))))
    assert rows[0]["after"].startswith("'=")


def test_accounts_are_made_by_the_admin_command_and_the_studio_refuses_production_without_tls(tmp_path, monkeypatch):
    from connectors.environment import SettingsError
    from studio.__main__ import main, tls_context
    from studio.database import open_database

    monkeypatch.delenv("STUDIO_DB_URL", raising=False)
    monkeypatch.setenv("STUDIO_DB", str(tmp_path / "studio.db"))
    monkeypatch.setenv("STUDIO_NEW_PASSWORD", PASSWORD)
    assert main(["add-account", "Pat Approver", "--role", "approver"]) == 0
    assert main(["add-account", "Pat Approver", "--role", "approver"]) == 1  # already there: said kindly
    assert accounts.sign_in(open_database(f"sqlite:///{tmp_path / 'studio.db'}"), "Pat Approver", PASSWORD).may_approve
    monkeypatch.delenv("STUDIO_TLS_CERT", raising=False)
    monkeypatch.delenv("STUDIO_TLS_KEY", raising=False)
    assert tls_context(production=False) is None
    with pytest.raises(SettingsError, match="STUDIO_TLS_CERT"):
        tls_context(production=True)


def test_the_studio_keeps_its_record_in_postgresql_when_given_its_address(postgres_url, content_dir):
    from studio.database import metadata, open_database

    engine = open_database(postgres_url)
    metadata.drop_all(engine)  # a clean record for this test; the outbox's tables are left alone
    metadata.create_all(engine)
    editor = accounts.add_account(engine, EDITOR, "editor", PASSWORD)
    approver = accounts.add_account(engine, APPROVER, "approver", PASSWORD)
    for _ in range(accounts.MAX_FAILURES):
        accounts.sign_in(engine, EDITOR, "wrong password", now=1000)
    assert accounts.sign_in(engine, EDITOR, PASSWORD, now=1001) is None  # locked there too
    change = draft(engine, content_dir, editor, phone=NEW_NUMBER)
    changes.approve(engine, content_dir, change.id, approver)
    changes.publish(engine, content_dir, change.id, approver)
    assert service(content_dir).phone == NEW_NUMBER
    assert [row["action"] for row in csv.DictReader(io.StringIO(changes.audit_csv(engine)))] == [
        "draft", "approve", "publish"]
    engine.dispose()
