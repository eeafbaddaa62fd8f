"""Handoff settings: laptop defaults that work, and production that refuses what is unsafe."""
from __future__ import annotations

from typing import Dict

import pytest
from cryptography.fernet import Fernet

from bot.settings import SettingsError
from connectors.handoff.settings import DEV_GENERAL_SECRET, load_handoff_settings
from force_inbox.settings import DEV_INBOX_TOKEN, load_force_inbox_settings


@pytest.fixture
def production(handoff_env: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("HANDOFF_ENCRYPTION_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("HANDOFF_GENERAL_URL", "https://force.example/handoffs/general")
    monkeypatch.setenv("HANDOFF_GENERAL_SECRET", "g" * 40)
    monkeypatch.setenv("HANDOFF_PSD_URL", "https://psd.force.example/handoffs")
    monkeypatch.setenv("HANDOFF_PSD_SECRET", "p" * 40)
    monkeypatch.setenv("FORCE_INBOX_TOKEN", "t" * 40)
    monkeypatch.setenv("FORCE_INBOX_GENERAL_SECRET", "g" * 40)
    monkeypatch.setenv("FORCE_INBOX_PSD_SECRET", "p" * 40)
    monkeypatch.setenv("FORCE_INBOX_ENCRYPTION_KEY", Fernet.generate_key().decode())
    return monkeypatch


def test_laptop_defaults(handoff_env: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HANDOFF_GENERAL_URL", "HANDOFF_PSD_URL", "HANDOFF_GENERAL_SECRET", "HANDOFF_OUTBOX_PATH",
                 "HANDOFF_RETRY_BASE_SECONDS", "HANDOFF_TIMEOUT_SECONDS", "HANDOFF_LEASE_SECONDS", "FORCE_INBOX_TOKEN"):
        monkeypatch.delenv(name)
    settings = load_handoff_settings()
    assert settings.general.url == "http://localhost:8070/handoffs/general"
    assert settings.professional_standards.url == "http://localhost:8070/handoffs/professional-standards"
    assert settings.general.secret == DEV_GENERAL_SECRET
    assert settings.outbox_url.endswith("/.data/handoff-outbox.db")
    assert (settings.max_attempts, settings.retention_days, settings.retry_base_seconds) == (8, 30, 30)
    inbox = load_force_inbox_settings()
    assert inbox.token == DEV_INBOX_TOKEN and inbox.port == 8070
    assert inbox.general_secret == settings.general.secret  # the laptop path works with no .env


def test_secrets_are_not_in_reprs(handoff_env: Dict[str, str]) -> None:
    text = repr(load_handoff_settings()) + repr(load_force_inbox_settings())
    assert "test-general-secret" not in text and "test-inbox-token" not in text


def test_production_accepts_a_complete_configuration(production: pytest.MonkeyPatch) -> None:
    assert load_handoff_settings().production
    assert load_force_inbox_settings().production


def test_production_refuses_a_force_inbox_without_an_encryption_key(production: pytest.MonkeyPatch) -> None:
    production.delenv("FORCE_INBOX_ENCRYPTION_KEY")
    with pytest.raises(SettingsError) as raised:
        load_force_inbox_settings()
    assert "FORCE_INBOX_ENCRYPTION_KEY" in str(raised.value)


@pytest.mark.parametrize(
    "name, value, complaint",
    [
        ("HANDOFF_GENERAL_URL", "http://force.example/handoffs", "https://"),
        ("HANDOFF_PSD_URL", "", "HANDOFF_PSD_URL"),  # no fallback to the general address
        ("HANDOFF_PSD_SECRET", "", "HANDOFF_PSD_SECRET"),  # no fallback to the general secret
        ("HANDOFF_GENERAL_SECRET", DEV_GENERAL_SECRET, "HANDOFF_GENERAL_SECRET"),
        ("HANDOFF_GENERAL_SECRET", "short", "HANDOFF_GENERAL_SECRET"),
        ("HANDOFF_ENCRYPTION_KEY", "", "HANDOFF_ENCRYPTION_KEY"),
        ("HANDOFF_LEASE_SECONDS", "3", "HANDOFF_LEASE_SECONDS"),  # not over twice the 2 s timeout
        ("HANDOFF_MAX_ATTEMPTS", "0", "HANDOFF_MAX_ATTEMPTS"),
        ("HANDOFF_OUTBOX_URL", "mysql://db/outbox", "postgresql://"),
        ("APP_ENV", "prod", "APP_ENV"),
    ],
)
def test_production_refuses_unsafe_settings(production: pytest.MonkeyPatch, name: str, value: str, complaint: str) -> None:
    production.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_handoff_settings()
    assert complaint in str(raised.value)


def test_production_inbox_needs_its_own_token(production: pytest.MonkeyPatch) -> None:
    production.setenv("FORCE_INBOX_TOKEN", "")
    with pytest.raises(SettingsError, match="FORCE_INBOX_TOKEN"):
        load_force_inbox_settings()


def test_postgres_urls_are_accepted(handoff_env: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_OUTBOX_URL", "postgres://bot:pw@db:5432/handoff")
    assert load_handoff_settings().outbox_url == "postgresql://bot:pw@db:5432/handoff"
