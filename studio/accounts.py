"""Named accounts for the studio: no shared logins, passwords hashed with Argon2, and a
lockout after repeated failures so a password cannot be guessed by trying.

Roles: an *editor* makes changes; an *approver* may also approve someone else's change.
Accounts are made with `python -m studio add-account NAME --role editor|approver`.
"""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("editor", "approver")
MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()


class AccountError(ValueError):
    """Said to the person making an account: what to change."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str

    @property
    def may_approve(self) -> bool:
        return self.role == "approver"


SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0
)"""


def prepare(db: sqlite3.Connection) -> None:
    db.execute(SCHEMA)


def add_account(db: sqlite3.Connection, name: str, role: str, password: str) -> Account:
    name = name.strip()
    if not name or len(name) > 60 or not all(c.isalnum() or c in " .-_'" for c in name):
        raise AccountError("A name is 1 to 60 letters, digits, spaces, dots, hyphens or apostrophes.")
    if role not in ROLES:
        raise AccountError(f"The role must be one of: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    try:
        with db:
            db.execute("INSERT INTO accounts (name, role, password_hash) VALUES (?, ?, ?)",
                       (name, role, _hasher.hash(password)))
    except sqlite3.IntegrityError:
        raise AccountError(f"There is already an account called {name}.") from None
    return Account(name, role)


def sign_in(db: sqlite3.Connection, name: str, password: str, now: Optional[float] = None) -> Optional[Account]:
    """The account, if the password is right and the account is not locked; None otherwise
    (the caller says the same thing in both cases, so names cannot be discovered)."""
    now = time.time() if now is None else now
    row = db.execute("SELECT role, password_hash, failures, locked_until FROM accounts WHERE name = ?",
                     (name.strip(),)).fetchone()
    if row is None:
        _hasher.hash(password)  # the same time spent as for a real account
        return None
    role, password_hash, failures, locked_until = row
    if locked_until > now:
        return None
    try:
        _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        failures += 1
        locked = now + LOCKOUT_SECONDS if failures >= MAX_FAILURES else 0
        with db:
            db.execute("UPDATE accounts SET failures = ?, locked_until = ? WHERE name = ?",
                       (0 if locked else failures, locked, name.strip()))
        return None
    with db:
        db.execute("UPDATE accounts SET failures = 0, locked_until = 0 WHERE name = ?", (name.strip(),))
    return Account(name.strip(), role)
