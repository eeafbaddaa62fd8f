"""Every setting the assistant reads, in one place.

Values come from the environment, or from a .env file at the project root, and
fall back to defaults that run the whole assistant on one machine with no
external services. Shell scripts read the same values through
`python -m bot.settings --shell`, so there is no second copy of a default.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    rasa_port: int
    action_server_port: int
    content_dir: Path
    conversation_retention_hours: int
    cors_origins: str

    @property
    def action_endpoint_url(self) -> str:
        return f"http://localhost:{self.action_server_port}/webhook"


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default)).strip()
    if not raw.isdigit() or int(raw) <= 0:
        raise SystemExit(f"Setting {name} must be a whole number above 0, not {raw!r}. Fix it in .env.")
    return int(raw)


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
        cors_origins=os.environ.get("CORS_ORIGINS", "http://localhost:8000"),
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
