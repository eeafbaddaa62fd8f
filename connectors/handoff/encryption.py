"""The key that encrypts handoffs at rest (Fernet: AES-128-CBC with HMAC-SHA256).

Production: HANDOFF_ENCRYPTION_KEY, required (bot/settings.py refuses to start
without it). Several keys, comma separated, rotate: the first encrypts, all decrypt.
Development: a key made once under .data/ (git-ignored) and reused, so a restarted
outbox can still read what it stored.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Sequence

from cryptography.fernet import Fernet, MultiFernet

from connectors.handoff.settings import HandoffSettings
from connectors.handoff.errors import HandoffUnavailable

NEW_KEY_HINT = "Make one with `python -m connectors.handoff.dispatcher --new-key`."


def development_key(path: Path) -> bytes:
    """The key stored at path, made (readable by this user only) the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Unique to this call: threads of one process may be making the key at once too.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(Fernet.generate_key())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process got there first: theirs wins
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_bytes().strip()


def load_cipher(settings: HandoffSettings) -> MultiFernet:
    return cipher_for(settings.encryption_keys, settings.key_file, settings.production, "HANDOFF_ENCRYPTION_KEY")


def cipher_for(encryption_keys: Sequence[str], key_file: Path, production: bool, setting: str) -> MultiFernet:
    """The keys from `setting`; in development, with none set, the key in `key_file`."""
    if encryption_keys:
        keys = [k.encode("ascii", "replace") for k in encryption_keys]
        origin = setting
    elif production:  # connectors/handoff/settings.py already refuses this; never fall back to a file in production
        raise HandoffUnavailable(f"{setting} is not set. {NEW_KEY_HINT}")
    else:
        keys = [development_key(key_file)]
        origin = f"the development key file {key_file}"
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise HandoffUnavailable(f"{origin} does not hold a valid key (32 bytes, url-safe base64). {NEW_KEY_HINT}") from None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
