"""Named accounts for the studio: no shared logins, passwords hashed with Argon2, and a
lockout after repeated failures so a password cannot be guessed by trying.

Roles: an *editor* makes changes; an *approver* may also approve someone else's change.
Accounts are made with `python -m studio add-account NAME --role editor|approver`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from studio.database import accounts_table

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


def add_account(db: Engine, name: str, role: str, password: str) -> Account:
    name = name.strip()
    if not name or len(name) > 60 or not all(c.isalnum() or c in " .-_'" for c in name):
        raise AccountError("A name is 1 to 60 letters, digits, spaces, dots, hyphens or apostrophes.")
    if role not in ROLES:
        raise AccountError(f"The role must be one of: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    try:
        with db.begin() as connection:
            connection.execute(insert(accounts_table).values(
                name=name, role=role, password_hash=_hasher.hash(password), failures=0, locked_until=0.0))
    except IntegrityError:
        raise AccountError(f"There is already an account called {name}.") from None
    return Account(name, role)


def sign_in(db: Engine, name: str, password: str, now: Optional[float] = None) -> Optional[Account]:
    """The account, if the password is right and the account is not locked; None otherwise
    (the caller says the same thing in both cases, so names cannot be discovered)."""
    now = time.time() if now is None else now
    name = name.strip()
    with db.begin() as connection:
        row = connection.execute(select(accounts_table.c.role, accounts_table.c.password_hash,
                                        accounts_table.c.failures, accounts_table.c.locked_until)
                                 .where(accounts_table.c.name == name)).first()
    if row is None:
        _hasher.hash(password)  # the same time spent as for a real account
        return None
    role, password_hash, _failures, locked_until = row
    if locked_until > now:
        return None
    try:
        _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        _count_failure(db, name, now)
        return None
    with db.begin() as connection:
        connection.execute(update(accounts_table).where(accounts_table.c.name == name)
                           .values(failures=0, locked_until=0.0))
    return Account(name, role)


def _count_failure(db: Engine, name: str, now: float) -> None:
    """Counted in the database in one transaction, so guesses made at once all count."""
    this_account = accounts_table.c.name == name
    with db.begin() as connection:
        connection.execute(update(accounts_table).where(this_account).values(failures=accounts_table.c.failures + 1))
        failures = connection.execute(select(accounts_table.c.failures).where(this_account)).scalar_one()
        if failures >= MAX_FAILURES:
            connection.execute(update(accounts_table).where(this_account)
                               .values(failures=0, locked_until=now + LOCKOUT_SECONDS))
