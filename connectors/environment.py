"""Reading settings from the environment: what every component shares.

Values come from the environment, or from a .env file at the project root, and fall
back to defaults that run everything on one machine with no external services. Each
component reads its own settings with these: the assistant (bot/settings.py), the
widget channel (connectors/widget_settings.py), the handoff (connectors/handoff/
settings.py) and the reference force inbox (force_inbox/settings.py).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Tuple

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_LENGTH = 32


class SettingsError(SystemExit):
    """A setting is missing or wrong. The message says which one and how to fix it.

    A SystemExit, so a command stops with the message and no traceback; code that
    must keep running (the action server) catches it by name.
    """


def load_env() -> None:
    """Reads .env at the project root; what the environment already has wins."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)


def is_production() -> bool:
    """APP_ENV=production: every secret must be real, and only the public channels answer."""
    load_env()
    env = os.environ.get("APP_ENV", "development").strip().lower()
    if env not in ("development", "production"):
        raise SettingsError(f"Setting APP_ENV must be 'development' or 'production', not {env!r}. Fix it in .env.")
    return env == "production"


def positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default)).strip()
    if not raw.isdigit() or int(raw) <= 0:
        raise SettingsError(f"Setting {name} must be a whole number above 0, not {raw!r}. Fix it in .env.")
    return int(raw)


def whole_number(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default)).strip()
    if not raw.isdigit():
        raise SettingsError(f"Setting {name} must be a whole number (0 or more), not {raw!r}. Fix it in .env.")
    return int(raw)


def positive_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, str(default)).strip()
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise SettingsError(f"Setting {name} must be a number of seconds above 0, not {raw!r}. Fix it in .env.")
    return value


def project_path(name: str, default: str) -> Path:
    """A path setting; a relative one is taken from the project root."""
    path = Path(os.environ.get(name, default))
    return path if path.is_absolute() else PROJECT_ROOT / path


def secret(
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


def encryption_keys(name: str, production: bool, why: str) -> Tuple[str, ...]:
    """Fernet keys, comma separated; required in production."""
    keys = tuple(k.strip() for k in os.environ.get(name, "").split(",") if k.strip())
    if production and not keys:
        raise SettingsError(
            f"{name} is not set, and APP_ENV is production: {why}. Make a key with "
            "`python -m connectors.handoff.dispatcher --new-key`, keep it in your secrets store, and set it."
        )
    return keys
