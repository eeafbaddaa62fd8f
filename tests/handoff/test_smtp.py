"""Email delivery for a force that receives by email: STARTTLS always, signed, PSD to its own mailbox."""
from __future__ import annotations

import json
import smtplib
from dataclasses import replace
from typing import Any, Dict, List

import pytest

from bot.settings import SettingsError
from connectors.handoff.dispatcher import Dispatcher
from connectors.handoff.outbox import Outbox
from connectors.handoff.settings import HandoffSettings, SmtpSettings, load_handoff_settings
from connectors.handoff.signing import verify
from connectors.handoff.transports import SmtpTransport
from tests.support.handoff import PSD_SECRET, assert_no_personal_data, make_payload, settle


class FakeSmtp:
    """Stands in for smtplib.SMTP, recording what the transport does, in order."""

    sessions: List["FakeSmtp"] = []
    starttls_supported = True
    refuse_with = None

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.calls: List[Any] = [("connect", host, port)]
        self.messages: List[Any] = []
        FakeSmtp.sessions.append(self)

    def __enter__(self) -> "FakeSmtp":
        return self

    def __exit__(self, *args: Any) -> None:
        self.calls.append("quit")

    def ehlo(self) -> None:
        self.calls.append("ehlo")

    def starttls(self, context: Any = None) -> None:
        if not self.starttls_supported:
            raise smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server.")
        self.calls.append("starttls")

    def login(self, user: str, password: str) -> None:
        self.calls.append(("login", user))

    def send_message(self, msg: Any) -> Dict[str, Any]:
        if self.refuse_with:
            raise smtplib.SMTPDataError(self.refuse_with, b"rejected")
        self.calls.append("send")
        self.messages.append(msg)
        return {}


@pytest.fixture
def fake_smtp() -> type:
    FakeSmtp.sessions, FakeSmtp.starttls_supported, FakeSmtp.refuse_with = [], True, None
    return FakeSmtp


def by_email(settings: HandoffSettings) -> HandoffSettings:
    return replace(
        settings,
        smtp=SmtpSettings(host="smtp.force.example", port=587, user="bot", password="pw", sender="handoff@bot.example"),
        general=replace(settings.general, transport="smtp", email_to="contact@force.example"),
        professional_standards=replace(settings.professional_standards, transport="smtp", email_to="psd@force.example"),
    )


def test_handoffs_are_emailed_over_starttls_each_to_its_own_mailbox(
    settings: HandoffSettings, outbox: Outbox, fake_smtp: type
) -> None:
    settings = by_email(settings)
    psd = outbox.accept(make_payload(destination="professional_standards", topic="police_abuse"))
    dispatcher = Dispatcher(settings, outbox, smtp=SmtpTransport(settings.smtp, 5, connect=fake_smtp))
    assert dispatcher.run_once().delivered == 1
    session = fake_smtp.sessions[0]
    assert session.calls == [("connect", "smtp.force.example", 587), "ehlo", "starttls", "ehlo", ("login", "bot"), "send", "quit"]
    msg = session.messages[0]
    assert msg["To"] == "psd@force.example"
    assert msg["Subject"] == f"Safe handoff {psd} (Professional Standards)"
    assert_no_personal_data(msg["Subject"] + msg.get_body(("plain",)).get_content(), "the email's subject and text")
    attachment = next(msg.iter_attachments())
    body = attachment.get_content()
    assert json.loads(body)["reference"] == psd
    assert verify(PSD_SECRET, msg["X-Handoff-Signature"], body)
    row = outbox.metadata_for(psd)
    assert msg["X-Idempotency-Key"] == row["idempotency_key"] and row["idempotency_key"] in msg["Message-ID"]
    assert row["status"] == "delivered" and row["has_payload"] is False


def test_a_server_without_starttls_gets_nothing(settings: HandoffSettings, outbox: Outbox, fake_smtp: type) -> None:
    settings = by_email(settings)
    fake_smtp.starttls_supported = False
    reference = outbox.accept(make_payload())
    Dispatcher(settings, outbox, smtp=SmtpTransport(settings.smtp, 5, connect=fake_smtp)).run_once()
    assert "send" not in fake_smtp.sessions[0].calls
    row = outbox.metadata_for(reference)
    assert (row["status"], row["last_error"]) == ("pending", "SMTP server does not offer STARTTLS")


def test_a_refused_email_is_retried_then_a_dead_letter(settings: HandoffSettings, outbox: Outbox, fake_smtp: type) -> None:
    settings = replace(by_email(settings), max_attempts=2)
    fake_smtp.refuse_with = 554
    reference = outbox.accept(make_payload())
    settle(Dispatcher(settings, outbox, smtp=SmtpTransport(settings.smtp, 5, connect=fake_smtp)))
    row = outbox.metadata_for(reference)
    assert (row["status"], row["last_error"]) == ("dead", "SMTP 554")


def test_email_settings_are_required_and_psd_never_borrows_the_general_mailbox(
    handoff_env: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOFF_SMTP_HOST", "smtp.force.example")
    monkeypatch.setenv("HANDOFF_SMTP_FROM", "handoff@bot.example")
    monkeypatch.setenv("HANDOFF_SMTP_TO", "contact@force.example")
    monkeypatch.setenv("HANDOFF_GENERAL_TRANSPORT", "smtp")
    monkeypatch.setenv("HANDOFF_PSD_TRANSPORT", "smtp")
    with pytest.raises(SettingsError, match="HANDOFF_PSD_SMTP_TO"):
        load_handoff_settings()
    monkeypatch.setenv("HANDOFF_PSD_SMTP_TO", "psd@force.example")
    settings = load_handoff_settings()
    assert settings.professional_standards.email_to == "psd@force.example"
    monkeypatch.setenv("HANDOFF_SMTP_HOST", "")
    with pytest.raises(SettingsError, match="HANDOFF_SMTP_HOST"):
        load_handoff_settings()
