"""Settings for the reference force inbox (python -m force_inbox), the force's side."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Tuple

from connectors.environment import PROJECT_ROOT, encryption_keys, is_production, load_env, positive_int, project_path, secret
from connectors.handoff.settings import DEV_GENERAL_SECRET, DEV_PSD_SECRET

# Only for a laptop: production refuses to start with it.
DEV_INBOX_TOKEN = "dev-only-inbox-token"


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


def load_force_inbox_settings() -> ForceInboxSettings:
    """Settings for the reference receiver (the force's side), python -m force_inbox."""
    load_env()
    production = is_production()
    token = secret("FORCE_INBOX_TOKEN", DEV_INBOX_TOKEN, production,
                    purpose="because it protects the page that shows people's details")
    # The inbox checks signatures with the secrets the sender signs with, unless told otherwise.
    general_fallback = os.environ.get("HANDOFF_GENERAL_SECRET", "").strip()
    psd_fallback = os.environ.get("HANDOFF_PSD_SECRET", "").strip()
    return ForceInboxSettings(
        production=production,
        db_path=project_path("FORCE_INBOX_DB", ".data/force-inbox.db"),
        port=positive_int("FORCE_INBOX_PORT", 8070),
        token=token,
        general_secret=secret("FORCE_INBOX_GENERAL_SECRET", DEV_GENERAL_SECRET, production, general_fallback),
        psd_secret=secret("FORCE_INBOX_PSD_SECRET", DEV_PSD_SECRET, production, psd_fallback),
        encryption_keys=encryption_keys("FORCE_INBOX_ENCRYPTION_KEY", production,
                                         "the force inbox keeps people's details, encrypted at rest"),
        key_file=project_path("FORCE_INBOX_KEY_FILE", ".data/force-inbox.key"),
    )
