"""The outbox: durable, encrypted at rest, wiped once delivered, leased, purged; production needs a key."""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Dict

import pytest
from cryptography.fernet import Fernet

from bot.settings import PROJECT_ROOT, SettingsError
from connectors.handoff import HandoffRejected, HandoffUnavailable, accept_handoff
from connectors.handoff.dispatcher import Dispatcher
from connectors.handoff.outbox import Outbox, utcnow
from connectors.handoff.settings import HandoffSettings, load_handoff_settings
from tests.support.handoff import EMAIL, NAME, PHONE, SAFE_TIMES, InboxProcess, make_payload, settle


def db_bytes(settings: HandoffSettings) -> bytes:
    """Everything SQLite has on disk for the outbox: the database, its WAL and shared memory."""
    path = Path(settings.outbox_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_accept_returns_a_reference_and_the_row_is_committed(outbox: Outbox, settings: HandoffSettings) -> None:
    reference = outbox.accept(make_payload())
    # A second, plain sqlite3 connection sees it at once: committed before accept returned.
    path = settings.outbox_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT status, attempts FROM handoff_outbox WHERE reference = ?", (reference,)).fetchone()
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert row == ("pending", 0)
    assert mode == "wal"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_an_accepted_handoff_survives_the_process_being_killed(handoff_env: Dict[str, str], settings: HandoffSettings) -> None:
    # Accept in a process that kills itself (SIGKILL) the moment accept_handoff returns.
    code = (
        "import os, signal\n"
        "from connectors.handoff import accept_handoff\n"
        "from tests.support.handoff import make_payload\n"
        "print(accept_handoff(make_payload()), flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == -9, result.stderr
    reference = result.stdout.strip()
    reopened = Outbox.from_settings(load_handoff_settings())
    try:
        assert reopened.metadata_for(reference)["status"] == "pending"
        claimed = reopened.claim_next("test", 60)
        assert claimed.reference == reference and b"Quockerwodger" in claimed.body
    finally:
        reopened.close()


def test_accept_is_durable_across_reopening(settings: HandoffSettings) -> None:
    first = Outbox.from_settings(settings)
    reference = first.accept(make_payload())
    first.close()
    second = Outbox.from_settings(settings)
    try:
        claimed = second.claim_next("test", 60)
        assert claimed.reference == reference
        assert claimed.body is not None and NAME.encode() in claimed.body
    finally:
        second.close()


def test_personal_data_is_encrypted_at_rest(outbox: Outbox, settings: HandoffSettings) -> None:
    outbox.accept(make_payload())
    raw = db_bytes(settings)
    for secret in (NAME, "Quockerwodger", PHONE, "7700900461", EMAIL, SAFE_TIMES, "Quentin"):
        assert secret.encode() not in raw, secret
    token = sqlite3.connect(settings.outbox_url.removeprefix("sqlite:///")).execute(
        "SELECT payload FROM handoff_outbox"
    ).fetchone()[0]
    assert bytes(token).startswith(b"gAAAAA")  # a Fernet token


def test_the_payload_is_wiped_once_delivered(settings: HandoffSettings, outbox: Outbox, inbox: InboxProcess) -> None:
    settings = replace(settings, general=replace(settings.general, url=inbox.url("general")))
    reference = outbox.accept(make_payload())
    settle(Dispatcher(settings, outbox))
    row = outbox.metadata_for(reference)
    assert row["status"] == "delivered" and row["delivered_at"] is not None
    assert row["has_payload"] is False
    assert inbox.references(among=[reference]) == [reference]
    raw = sqlite3.connect(settings.outbox_url.removeprefix("sqlite:///")).execute(
        "SELECT payload FROM handoff_outbox WHERE reference = ?", (reference,)
    ).fetchone()
    assert raw == (None,)


def test_production_without_a_key_refuses_to_start(handoff_env: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("HANDOFF_GENERAL_URL", "https://force.example/handoffs/general")
    monkeypatch.setenv("HANDOFF_PSD_URL", "https://psd.example/handoffs")
    monkeypatch.setenv("HANDOFF_GENERAL_SECRET", "g" * 40)
    monkeypatch.setenv("HANDOFF_PSD_SECRET", "p" * 40)
    with pytest.raises(SettingsError, match="HANDOFF_ENCRYPTION_KEY is not set"):
        load_handoff_settings()
    with pytest.raises(HandoffUnavailable, match="HANDOFF_ENCRYPTION_KEY"):
        accept_handoff(make_payload())
    result = subprocess.run(
        [sys.executable, "-m", "connectors.handoff.dispatcher", "--once"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "cannot start" in result.stderr and "HANDOFF_ENCRYPTION_KEY is not set" in result.stderr
    assert not Path(handoff_env["HANDOFF_KEY_FILE"]).exists()  # no quiet fallback to a key file
    # With a key, production starts.
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", Fernet.generate_key().decode())
    assert load_handoff_settings().production


def test_development_makes_a_key_file_once_and_reuses_it(handoff_env: Dict[str, str]) -> None:
    reference = accept_handoff(make_payload())
    key_file = Path(handoff_env["HANDOFF_KEY_FILE"])
    key = key_file.read_bytes()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    # A restarted process (a fresh Outbox) reads the same key and can decrypt.
    restarted = Outbox.from_settings(load_handoff_settings())
    try:
        assert restarted.claim_next("test", 60).reference == reference
    finally:
        restarted.close()
    assert key_file.read_bytes() == key


def test_a_bad_key_is_refused_with_a_clear_message(handoff_env: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", "not-a-key")
    with pytest.raises(HandoffUnavailable, match="not hold a valid key"):
        accept_handoff(make_payload())


def test_keys_rotate_old_rows_still_decrypt(handoff_env: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", old)
    first = Outbox.from_settings(load_handoff_settings())
    reference = first.accept(make_payload())
    first.close()
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", f"{new},{old}")
    rotated = Outbox.from_settings(load_handoff_settings())
    try:
        claimed = rotated.claim_next("test", 60)
        assert claimed.reference == reference and claimed.body is not None
    finally:
        rotated.close()


def test_accept_handoff_rejects_an_invalid_request(handoff_env: Dict[str, str], outbox: Outbox) -> None:
    with pytest.raises(HandoffRejected, match="contact.method"):
        accept_handoff(make_payload(contact={**make_payload()["contact"], "method": "pigeon"}))
    assert outbox.counts()["pending"] == 0


def test_the_same_request_accepted_twice_is_stored_once(outbox: Outbox) -> None:
    payload = make_payload(reference="HX7K-3MPQ")
    assert outbox.accept(payload) == "HX7K-3MPQ"
    assert outbox.accept(payload) == "HX7K-3MPQ"
    assert outbox.counts()["pending"] == 1
    with pytest.raises(HandoffRejected, match="already used for a different request"):
        outbox.accept({**payload, "name": "Someone Else"})


def test_a_lease_keeps_a_row_from_others_until_it_runs_out(outbox: Outbox) -> None:
    reference = outbox.accept(make_payload())
    now = utcnow()
    first = outbox.claim_next("dispatcher-a", 30, now=now)
    assert first.reference == reference and first.attempts == 1
    assert outbox.claim_next("dispatcher-b", 30, now=now + timedelta(seconds=29)) is None
    second = outbox.claim_next("dispatcher-b", 30, now=now + timedelta(seconds=31))
    assert second.reference == reference and second.attempts == 2
    # The first dispatcher, back from the dead, cannot overwrite the second's claim...
    assert outbox.mark_retry(first, "timeout", now) is False
    assert outbox.metadata_for(reference)["claimed_by"] == "dispatcher-b"
    # ...but a success from either counts.
    outbox.mark_delivered(first)
    assert outbox.metadata_for(reference)["status"] == "delivered"
    assert outbox.mark_retry(second, "HTTP 500", now) is False


def test_delivered_rows_are_purged_after_the_retention_period(outbox: Outbox) -> None:
    delivered, dead, pending = (outbox.accept(make_payload()) for _ in range(3))
    now = utcnow()
    claimed = {}
    while (c := outbox.claim_next("test", 60, now=now)) is not None:
        claimed[c.reference] = c
    outbox.mark_delivered(claimed[delivered], now=now)
    outbox.mark_dead(claimed[dead], "HTTP 500", "dead letter", now=now)
    outbox.mark_retry(claimed[pending], "HTTP 500", now)
    assert outbox.purge(30, now=now + timedelta(days=29)) == 0
    assert outbox.purge(30, now=now + timedelta(days=31)) == 1
    assert outbox.metadata_for(delivered) is None
    assert outbox.metadata_for(dead)["has_payload"] is True  # kept until an operator acts
    assert outbox.metadata_for(pending)["status"] == "pending"
    assert [a["reference"] for a in outbox.alerts()] == [dead]  # alerts about dead letters stay


def test_a_dead_letter_can_be_requeued(outbox: Outbox) -> None:
    reference = outbox.accept(make_payload())
    claimed = outbox.claim_next("test", 60)
    outbox.mark_dead(claimed, "HTTP 500", "dead letter")
    assert outbox.requeue(reference)
    row = outbox.metadata_for(reference)
    assert (row["status"], row["attempts"]) == ("pending", 0)
    assert not outbox.requeue(reference)
