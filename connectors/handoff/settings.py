"""Settings for the handoff: the outbox, the dispatcher and where each kind of request goes
(docs/handoff-contract.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Tuple

from connectors.environment import (
    SettingsError,
    encryption_keys,
    is_production,
    load_env,
    positive_int,
    positive_seconds,
    project_path,
    secret,
)

# Secrets that work only on a laptop; production refuses to start with them.
DEV_GENERAL_SECRET = "dev-only-general-secret"
DEV_PSD_SECRET = "dev-only-psd-secret"


@dataclass(frozen=True)
class HandoffDestination:
    """Where one kind of handoff goes: by HTTPS POST (signed) or by email."""

    name: str
    transport: str  # "http" or "smtp"
    url: str
    secret: str = field(repr=False)
    email_to: str


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    sender: str


@dataclass(frozen=True)
class HandoffSettings:
    production: bool
    outbox_url: str  # an SQLAlchemy URL: sqlite:///... or postgresql://...
    encryption_keys: Tuple[str, ...] = field(repr=False)  # first encrypts; all decrypt
    key_file: Path  # development only: made once, then reused
    heartbeat_file: Path  # touched after every pass over the outbox; `--health` reads it
    retention_days: int
    max_attempts: int
    retry_base_seconds: float
    retry_max_seconds: float
    lease_seconds: float
    timeout_seconds: float
    poll_seconds: float
    alert_webhook_url: str
    general: HandoffDestination
    professional_standards: HandoffDestination
    smtp: SmtpSettings

    def destination(self, name: str) -> HandoffDestination:
        if name == "general":
            return self.general
        if name == "professional_standards":
            return self.professional_standards
        raise KeyError(name)


def _destination(
    prefix: str, name: str, email_setting: str, default_url: str, dev_secret: str, production: bool
) -> HandoffDestination:
    transport = os.environ.get(f"{prefix}_TRANSPORT", "http").strip().lower()
    if transport not in ("http", "smtp"):
        raise SettingsError(f"Setting {prefix}_TRANSPORT must be 'http' or 'smtp', not {transport!r}. Fix it in .env.")
    url = os.environ.get(f"{prefix}_URL", "" if production else default_url).strip()
    email_to = os.environ.get(email_setting, "").strip()
    if transport == "http":
        if not url.startswith(("http://", "https://")):
            raise SettingsError(f"Setting {prefix}_URL must be the address that receives {name} handoffs. Set it in .env.")
        if production and not url.startswith("https://"):
            raise SettingsError(f"Setting {prefix}_URL must start with https:// in production: handoffs carry personal data.")
    elif "@" not in email_to:
        raise SettingsError(
            f"{prefix}_TRANSPORT is smtp, so {email_setting} must be the mailbox that receives {name} handoffs. "
            f"Set it in .env."
        )
    return HandoffDestination(
        name=name,
        transport=transport,
        url=url,
        secret=secret(f"{prefix}_SECRET", dev_secret, production),
        email_to=email_to,
    )


def _outbox_url(production: bool) -> str:
    url = os.environ.get("HANDOFF_OUTBOX_URL", "").strip()
    if not url:
        return f"sqlite:///{project_path('HANDOFF_OUTBOX_PATH', '.data/handoff-outbox.db')}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if not url.startswith(("postgresql://", "postgresql+psycopg2://", "sqlite:///")):
        raise SettingsError("Setting HANDOFF_OUTBOX_URL must be a postgresql:// address (or empty for the SQLite file).")
    return url


def load_handoff_settings() -> HandoffSettings:
    """Settings for the outbox and the dispatcher that delivers handoffs to the force."""
    load_env()
    production = is_production()
    keys = encryption_keys("HANDOFF_ENCRYPTION_KEY", production,
                            "the handoff outbox will not start without it, because every handoff holds personal "
                            "data (losing the key loses the handoffs waiting in the outbox)")
    smtp = SmtpSettings(
        host=os.environ.get("HANDOFF_SMTP_HOST", "").strip(),
        port=positive_int("HANDOFF_SMTP_PORT", 587),
        user=os.environ.get("HANDOFF_SMTP_USER", "").strip(),
        password=os.environ.get("HANDOFF_SMTP_PASSWORD", ""),
        sender=os.environ.get("HANDOFF_SMTP_FROM", "").strip(),
    )
    general = _destination(
        "HANDOFF_GENERAL",
        "general",
        "HANDOFF_SMTP_TO",
        "http://localhost:8070/handoffs/general",
        DEV_GENERAL_SECRET,
        production,
    )
    # Professional standards is configured on its own and never falls back to general.
    psd = _destination(
        "HANDOFF_PSD",
        "professional_standards",
        "HANDOFF_PSD_SMTP_TO",
        "http://localhost:8070/handoffs/professional-standards",
        DEV_PSD_SECRET,
        production,
    )
    if "smtp" in (general.transport, psd.transport) and not (smtp.host and "@" in smtp.sender):
        raise SettingsError("A destination is sent by email, so HANDOFF_SMTP_HOST and HANDOFF_SMTP_FROM must be set.")
    lease = positive_seconds("HANDOFF_LEASE_SECONDS", 120)
    timeout = positive_seconds("HANDOFF_TIMEOUT_SECONDS", 15)
    if lease <= 2 * timeout:
        raise SettingsError(
            f"Setting HANDOFF_LEASE_SECONDS ({lease:g}) must be more than twice HANDOFF_TIMEOUT_SECONDS "
            f"({timeout:g}), so a delivery still in progress is never sent a second time."
        )
    return HandoffSettings(
        production=production,
        outbox_url=_outbox_url(production),
        encryption_keys=keys,
        key_file=project_path("HANDOFF_KEY_FILE", ".data/handoff-outbox.key"),
        heartbeat_file=project_path("HANDOFF_DISPATCHER_HEARTBEAT", ".data/dispatcher.heartbeat"),
        retention_days=positive_int("HANDOFF_RETENTION_DAYS", 30),
        max_attempts=positive_int("HANDOFF_MAX_ATTEMPTS", 8),
        retry_base_seconds=positive_seconds("HANDOFF_RETRY_BASE_SECONDS", 30),
        retry_max_seconds=positive_seconds("HANDOFF_RETRY_MAX_SECONDS", 1800),
        lease_seconds=lease,
        timeout_seconds=timeout,
        poll_seconds=positive_seconds("HANDOFF_POLL_SECONDS", 2),
        alert_webhook_url=os.environ.get("HANDOFF_ALERT_WEBHOOK_URL", "").strip(),
        general=general,
        professional_standards=psd,
        smtp=smtp,
    )
