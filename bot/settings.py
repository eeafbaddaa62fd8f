"""The assistant's own settings: ports, content, retention, the action server's secret.

Values come from the environment or .env (connectors/environment.py). Shell scripts
read the same values through `python -m bot.settings --shell`, so there is no second
copy of a default. The widget channel, the handoff and the force inbox read their own
(connectors/widget_settings.py, connectors/handoff/settings.py, force_inbox/settings.py).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from connectors.environment import PROJECT_ROOT, SettingsError, is_production, load_env, positive_int, secret

__all__ = ["PROJECT_ROOT", "Settings", "SettingsError", "load_settings"]


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
    def conversation_retention_seconds(self) -> int:
        """The same period, for stores that count seconds (Redis's expiry, `record_exp`)."""
        return self.conversation_retention_hours * 3600

    @property
    def action_endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.action_server_port}/webhook"


def load_settings() -> Settings:
    load_env()
    content_dir = Path(os.environ.get("CONTENT_DIR", "bot/content"))
    if not content_dir.is_absolute():
        content_dir = PROJECT_ROOT / content_dir
    return Settings(
        rasa_port=positive_int("RASA_PORT", 5005),
        action_server_port=positive_int("ACTION_SERVER_PORT", 5055),
        content_dir=content_dir,
        conversation_retention_hours=positive_int("CONVERSATION_RETENTION_HOURS", 1),
        action_server_host=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1").strip() or "127.0.0.1",
        action_server_token=secret("ACTION_SERVER_TOKEN", DEV_ACTION_SERVER_TOKEN, is_production(),
                                    purpose="the same for the Rasa server and the action server"),
    )


# Only for a laptop: production refuses to start with it (connectors/environment.py, secret).
DEV_ACTION_SERVER_TOKEN = "dev-only-action-server-token"


def as_shell_exports(settings: Settings) -> str:
    lines = [f"export {f.name.upper()}='{getattr(settings, f.name)}'" for f in fields(settings)]
    lines.append(f"export ACTION_ENDPOINT_URL='{settings.action_endpoint_url}'")
    lines.append(f"export CONVERSATION_RETENTION_SECONDS='{settings.conversation_retention_seconds}'")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["--shell"]:
        print(as_shell_exports(load_settings()))
    else:
        print("usage: python -m bot.settings --shell")
