"""The inbox's own SQLite store of received handoffs, de-duplicated by idempotency key and reference.

Each handoff's body (names, numbers, safe times) is encrypted at rest with Fernet, as the
outbox does (FORCE_INBOX_ENCRYPTION_KEY; a development key file on a laptop)."""
from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List

from cryptography.fernet import InvalidToken, MultiFernet

SCHEMA = """
CREATE TABLE IF NOT EXISTS received (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    reference TEXT NOT NULL UNIQUE,
    endpoint TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body TEXT NOT NULL
)
"""


class InboxStore:
    def __init__(self, path: Path, cipher: MultiFernet) -> None:
        self.path = Path(path)
        self.cipher = cipher
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    def add(self, idempotency_key: str, reference: str, endpoint: str, body: str) -> bool:
        """Store a handoff; False (and nothing stored) if this key or reference was received before."""
        received_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        conn = self._connect()
        try:
            with conn:
                conn.execute(
                    "INSERT INTO received (idempotency_key, reference, endpoint, received_at, body) VALUES (?, ?, ?, ?, ?)",
                    (idempotency_key, reference, endpoint, received_at, self._seal(body)),
                )
            return True
        except sqlite3.IntegrityError:
            return False
        finally:
            conn.close()

    def all(self) -> List[Dict[str, Any]]:
        """Every handoff received, newest first, with its payload parsed."""
        conn = self._connect()
        try:
            rows = conn.execute(
                "SELECT idempotency_key, reference, endpoint, received_at, body FROM received ORDER BY id DESC"
            ).fetchall()
        finally:
            conn.close()
        return [
            {"idempotency_key": k, "reference": r, "endpoint": e, "received_at": at, "payload": json.loads(self._open(b))}
            for k, r, e, at, b in rows
        ]

    def _seal(self, body: str) -> str:
        return self.cipher.encrypt(body.encode("utf-8")).decode("ascii")

    def _open(self, stored: str) -> str:
        try:
            return self.cipher.decrypt(stored.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            if stored.lstrip().startswith("{"):
                return stored  # stored in clear by an inbox from before encryption (development only)
            raise
