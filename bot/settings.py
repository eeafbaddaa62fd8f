"""Every setting the assistant reads, in one place.

Values come from the environment, or from a .env file at the project root, and
fall back to defaults that run the whole assistant on one machine with no
external services. Shell scripts read the same values through
`python -m bot.settings --shell`, so there is no second copy of a default.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Tuple

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(SystemExit):
    """A setting is missing or wrong. The message says which one and how to fix it.

    A SystemExit, so a command stops with the message and no traceback; code that
    must keep running (the action server) catches it by name.
    """


@dataclass(frozen=True)
class Settings:
    rasa_port: int
    action_server_port: int
    content_dir: Path
    conversation_retention_hours: int
    # Where the action server listens: this machine only, unless a deployment says otherwise.
    action_server_host: str
    # The shared secret the Rasa server sends the action server (bot/endpoints.yml).
    action_server_token: str = field(repr=False)

    @property
    def action_endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.action_server_port}/webhook"


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default)).strip()
    if not raw.isdigit() or int(raw) <= 0:
        raise SettingsError(f"Setting {name} must be a whole number above 0, not {raw!r}. Fix it in .env.")
    return int(raw)


def _positive_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, str(default)).strip()
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise SettingsError(f"Setting {name} must be a number of seconds above 0, not {raw!r}. Fix it in .env.")
    return value


def _project_path(name: str, default: str) -> Path:
    path = Path(os.environ.get(name, default))
    return path if path.is_absolute() else PROJECT_ROOT / path


def load_settings() -> Settings:
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    content_dir = Path(os.environ.get("CONTENT_DIR", "bot/content"))
    if not content_dir.is_absolute():
        content_dir = PROJECT_ROOT / content_dir
    return Settings(
        rasa_port=_positive_int("RASA_PORT", 5005),
        action_server_port=_positive_int("ACTION_SERVER_PORT", 5055),
        content_dir=content_dir,
        conversation_retention_hours=_positive_int("CONVERSATION_RETENTION_HOURS", 1),
        action_server_host=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1").strip() or "127.0.0.1",
        action_server_token=_secret("ACTION_SERVER_TOKEN", DEV_ACTION_SERVER_TOKEN, is_production(),
                                    purpose="the same for the Rasa server and the action server"),
    )


# Only for a laptop: production refuses to start with it (_secret).
DEV_ACTION_SERVER_TOKEN = "dev-only-action-server-token"


# Handoff to the force (connectors/handoff, force_inbox): see docs/handoff-contract.md.
# Secrets that work only on a laptop; production refuses to start with them.
DEV_GENERAL_SECRET = "dev-only-general-secret"
DEV_PSD_SECRET = "dev-only-psd-secret"
DEV_INBOX_TOKEN = "dev-only-inbox-token"
MIN_SECRET_LENGTH = 32
DESTINATIONS = ("general", "professional_standards")


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


@dataclass(frozen=True)
class ForceInboxSettings:
    production: bool
    db_path: Path
    port: int
    token: str = field(repr=False)
    general_secret: str = field(repr=False)
    psd_secret: str = field(repr=False)
    # Received handoffs are encrypted at rest, as in the outbox: first key encrypts, all decrypt.
    encryption_keys: Tuple[str, ...] = field(repr=False, default=())
    key_file: Path = PROJECT_ROOT / ".data" / "force-inbox.key"  # development only


def is_production() -> bool:
    """APP_ENV=production: every secret must be real, and only the public channels answer."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    env = os.environ.get("APP_ENV", "development").strip().lower()
    if env not in ("development", "production"):
        raise SettingsError(f"Setting APP_ENV must be 'development' or 'production', not {env!r}. Fix it in .env.")
    return env == "production"


def _secret(
    name: str, dev_default: str, production: bool, fallback: str = "",
    purpose: str = "agreed with the receiving system",
) -> str:
    """A secret from the environment; on a laptop a development default, in production never."""
    value = os.environ.get(name, "").strip() or fallback
    if not production:
        return value or dev_default
    if not value or value == dev_default or len(value) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"Setting {name} must be set in production to a random secret of at least {MIN_SECRET_LENGTH} "
            f"characters, {purpose} (make one with: python -c "
            f"\"import secrets; print(secrets.token_hex(32))\"). Set it in the environment."
        )
    return value


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
        secret=_secret(f"{prefix}_SECRET", dev_secret, production),
        email_to=email_to,
    )


def _outbox_url(production: bool) -> str:
    url = os.environ.get("HANDOFF_OUTBOX_URL", "").strip()
    if not url:
        return f"sqlite:///{_project_path('HANDOFF_OUTBOX_PATH', '.data/handoff-outbox.db')}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if not url.startswith(("postgresql://", "postgresql+psycopg2://", "sqlite:///")):
        raise SettingsError("Setting HANDOFF_OUTBOX_URL must be a postgresql:// address (or empty for the SQLite file).")
    return url


def load_handoff_settings() -> HandoffSettings:
    """Settings for the outbox and the dispatcher that delivers handoffs to the force."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    production = is_production()
    keys = _encryption_keys("HANDOFF_ENCRYPTION_KEY", production,
                            "the handoff outbox will not start without it, because every handoff holds personal "
                            "data (losing the key loses the handoffs waiting in the outbox)")
    smtp = SmtpSettings(
        host=os.environ.get("HANDOFF_SMTP_HOST", "").strip(),
        port=_positive_int("HANDOFF_SMTP_PORT", 587),
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
    lease = _positive_seconds("HANDOFF_LEASE_SECONDS", 120)
    timeout = _positive_seconds("HANDOFF_TIMEOUT_SECONDS", 15)
    if lease <= 2 * timeout:
        raise SettingsError(
            f"Setting HANDOFF_LEASE_SECONDS ({lease:g}) must be more than twice HANDOFF_TIMEOUT_SECONDS "
            f"({timeout:g}), so a delivery still in progress is never sent a second time."
        )
    return HandoffSettings(
        production=production,
        outbox_url=_outbox_url(production),
        encryption_keys=keys,
        key_file=_project_path("HANDOFF_KEY_FILE", ".data/handoff-outbox.key"),
        retention_days=_positive_int("HANDOFF_RETENTION_DAYS", 30),
        max_attempts=_positive_int("HANDOFF_MAX_ATTEMPTS", 8),
        retry_base_seconds=_positive_seconds("HANDOFF_RETRY_BASE_SECONDS", 30),
        retry_max_seconds=_positive_seconds("HANDOFF_RETRY_MAX_SECONDS", 1800),
        lease_seconds=lease,
        timeout_seconds=timeout,
        poll_seconds=_positive_seconds("HANDOFF_POLL_SECONDS", 2),
        alert_webhook_url=os.environ.get("HANDOFF_ALERT_WEBHOOK_URL", "").strip(),
        general=general,
        professional_standards=psd,
        smtp=smtp,
    )


def load_force_inbox_settings() -> ForceInboxSettings:
    """Settings for the reference receiver (the force's side), python -m force_inbox."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    production = is_production()
    token = _secret("FORCE_INBOX_TOKEN", DEV_INBOX_TOKEN, production,
                    purpose="because it protects the page that shows people's details")
    # The inbox checks signatures with the secrets the sender signs with, unless told otherwise.
    general_fallback = os.environ.get("HANDOFF_GENERAL_SECRET", "").strip()
    psd_fallback = os.environ.get("HANDOFF_PSD_SECRET", "").strip()
    return ForceInboxSettings(
        production=production,
        db_path=_project_path("FORCE_INBOX_DB", ".data/force-inbox.db"),
        port=_positive_int("FORCE_INBOX_PORT", 8070),
        token=token,
        general_secret=_secret("FORCE_INBOX_GENERAL_SECRET", DEV_GENERAL_SECRET, production, general_fallback),
        psd_secret=_secret("FORCE_INBOX_PSD_SECRET", DEV_PSD_SECRET, production, psd_fallback),
        encryption_keys=_encryption_keys("FORCE_INBOX_ENCRYPTION_KEY", production,
                                         "the force inbox keeps people's details, encrypted at rest"),
        key_file=_project_path("FORCE_INBOX_KEY_FILE", ".data/force-inbox.key"),
    )


def _encryption_keys(name: str, production: bool, why: str) -> Tuple[str, ...]:
    """Fernet keys, comma separated; required in production."""
    keys = tuple(k.strip() for k in os.environ.get(name, "").split(",") if k.strip())
    if production and not keys:
        raise SettingsError(
            f"{name} is not set, and APP_ENV is production: {why}. Make a key with "
            "`python -m connectors.handoff.dispatcher --new-key`, keep it in your secrets store, and set it."
        )
    return keys


# The website chat widget (connectors/widget_channel.py): see docs/widget-api.md.
# A key that works only on a laptop; production refuses to start with it.
DEV_WIDGET_BUTTON_KEY = "dev-only-widget-button-key"


@dataclass(frozen=True)
class WidgetSettings:
    production: bool
    button_key: str = field(repr=False)  # signs the buttons the widget is sent; the same on every replica
    partners_file: Path  # partner sites and the origins each may use the widget from
    max_text_chars: int
    max_body_bytes: int
    conversation_messages_per_minute: int
    address_requests_per_minute: int
    trusted_proxy_hops: int  # 0: the client address is the connection's; n: taken from X-Forwarded-For


def _whole_number(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default)).strip()
    if not raw.isdigit():
        raise SettingsError(f"Setting {name} must be a whole number (0 or more), not {raw!r}. Fix it in .env.")
    return int(raw)


def load_widget_settings() -> WidgetSettings:
    """Settings for the website chat widget's channel, /webhooks/widget/."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    production = is_production()
    key = _secret("WIDGET_BUTTON_KEY", DEV_WIDGET_BUTTON_KEY, production,
                  purpose="the same on every Rasa server, because it signs the widget's buttons")
    return WidgetSettings(
        production=production,
        button_key=key,
        partners_file=_project_path("WIDGET_PARTNERS_FILE", "connectors/partners.yml"),
        max_text_chars=_positive_int("WIDGET_MAX_TEXT_CHARS", 1000),
        max_body_bytes=_positive_int("WIDGET_MAX_BODY_BYTES", 8192),
        conversation_messages_per_minute=_positive_int("WIDGET_CONVERSATION_MESSAGES_PER_MINUTE", 20),
        address_requests_per_minute=_positive_int("WIDGET_ADDRESS_REQUESTS_PER_MINUTE", 60),
        trusted_proxy_hops=_whole_number("WIDGET_TRUSTED_PROXY_HOPS", 0),
    )


def as_shell_exports(settings: Settings) -> str:
    lines = [f"export {f.name.upper()}='{getattr(settings, f.name)}'" for f in fields(settings)]
    lines.append(f"export ACTION_ENDPOINT_URL='{settings.action_endpoint_url}'")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["--shell"]:
        print(as_shell_exports(load_settings()))
    else:
        print("usage: python -m bot.settings --shell")
