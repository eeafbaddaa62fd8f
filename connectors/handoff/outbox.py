"""The durable outbox: every accepted handoff is stored here before anyone is told it was.

SQLite file by default (WAL, synchronous=FULL: a commit is on disk before accept()
returns), PostgreSQL when HANDOFF_OUTBOX_URL is a postgresql:// address. The whole
payload is encrypted (Fernet) and wiped once delivered; the rest of a row is
metadata with no personal data, kept HANDOFF_RETENTION_DAYS after delivery.

A row moves pending -> sending (claimed, with a lease) -> delivered, or back to
pending with a later next_attempt_at, or to dead after HANDOFF_MAX_ATTEMPTS. A
dispatcher that dies mid-delivery leaves its row in sending; when the lease runs
out any dispatcher claims it again, and the receiver's de-duplication by
idempotency key makes the second send harmless.
"""
from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple

from cryptography.fernet import InvalidToken, MultiFernet
from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from connectors.database import create_tables, make_engine
from connectors.environment import SettingsError
from connectors.handoff.settings import HandoffSettings, load_handoff_settings
from connectors.handoff.encryption import load_cipher
from connectors.handoff.errors import HandoffRejected, HandoffUnavailable
from connectors.handoff.payload import new_reference, to_json, validate

log = logging.getLogger(__name__)

PENDING, SENDING, DELIVERED, DEAD = "pending", "sending", "delivered", "dead"
STATUSES = (PENDING, SENDING, DELIVERED, DEAD)

metadata = MetaData()

outbox_table = Table(
    "handoff_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(9), nullable=False, unique=True),
    Column("idempotency_key", String(36), nullable=False, unique=True),
    Column("destination", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("lease_until", DateTime, nullable=True),
    Column("claimed_by", String(36), nullable=True),  # the dispatcher holding the lease
    Column("last_error", String(200), nullable=True),  # "HTTP 500", "timeout": never personal data
    Column("created_at", DateTime, nullable=False),
    Column("delivered_at", DateTime, nullable=True),
    Column("payload", LargeBinary, nullable=True),  # Fernet token of the JSON body; NULL once delivered
    CheckConstraint(f"status IN {STATUSES}", name="handoff_outbox_status"),
    Index("ix_handoff_outbox_due", "status", "next_attempt_at"),
)

alerts_table = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime, nullable=False),
    Column("kind", String(32), nullable=False),  # "handoff_dead_letter"
    Column("reference", String(9), nullable=False),
    Column("destination", String(32), nullable=False),
    Column("message", String(400), nullable=False),  # for operators; never personal data
)


def utcnow() -> datetime:
    """Now in UTC, without tzinfo: how every time is stored, on SQLite and PostgreSQL alike."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Claimed:
    """A row claimed for one delivery attempt."""

    id: int
    reference: str
    idempotency_key: str
    destination: str
    attempts: int  # including this one
    worker: str
    body: Optional[bytes]  # the exact JSON to send; None if it could not be decrypted


def _unavailable(action: str, exc: Exception) -> HandoffUnavailable:
    return HandoffUnavailable(
        f"The handoff outbox could not {action} ({type(exc).__name__}). Nothing was stored; check the outbox "
        f"database (HANDOFF_OUTBOX_PATH or HANDOFF_OUTBOX_URL) and the dispatcher's log."
    )


class Outbox:
    def __init__(self, url: str, cipher: MultiFernet) -> None:
        self.url = url
        self._cipher = cipher
        try:
            self.engine = make_engine(url)
            create_tables(metadata, self.engine)
        except SQLAlchemyError as exc:
            raise _unavailable("open its database", exc) from exc

    @classmethod
    def from_settings(cls, settings: HandoffSettings) -> "Outbox":
        return cls(settings.outbox_url, load_cipher(settings))

    @property
    def safe_url(self) -> str:
        """The database address without its password, for logs."""
        return repr(make_url(self.url))

    def close(self) -> None:
        self.engine.dispose()

    # Accepting

    def accept(self, payload: Mapping[str, Any]) -> str:
        """Validate, encrypt and store a handoff; return its reference once it is committed to disk."""
        return self.store(validate(payload), reference_given=payload.get("reference") is not None)

    def store(self, data: Dict[str, Any], reference_given: bool) -> str:
        """Encrypt and store a handoff that validate() has passed; its reference, once on disk.
        A reference the caller chose is kept; one made here is made again if already taken."""
        for _ in range(5):
            now = utcnow()
            row = {
                "reference": data["reference"],
                "idempotency_key": str(uuid.uuid4()),
                "destination": data["destination"],
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
                "payload": self._cipher.encrypt(to_json(data)),
            }
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(outbox_table).values(**row))
            except IntegrityError:
                if reference_given:
                    return self._accepted_before(data)
                data = {**data, "reference": new_reference()}  # a rare clash with an older reference
                continue
            except SQLAlchemyError as exc:
                raise _unavailable("store the request", exc) from exc
            log.info("Handoff %s accepted for %s.", data["reference"], data["destination"])
            return data["reference"]
        raise HandoffUnavailable("The handoff outbox could not find a free reference. Nothing was stored.")

    def _accepted_before(self, data: Dict[str, Any]) -> str:
        """The same request accepted twice (an action retried) is stored once."""
        reference = data["reference"]
        with self.engine.begin() as conn:
            token = conn.execute(
                select(outbox_table.c.payload).where(outbox_table.c.reference == reference)
            ).scalar_one()
        body = self._decrypt(token)
        if body is not None:
            stored = json.loads(body)
            if {**stored, "created_at": None} != {**data, "created_at": None}:
                raise HandoffRejected(
                    f"Reference {reference} was already used for a different request. "
                    f"Make a new reference (new_reference()) for every request."
                )
        log.info("Handoff %s was already accepted; stored once.", reference)
        return reference

    # Delivering

    def claim_next(
        self, worker: str, lease_seconds: float, now: Optional[datetime] = None, due_by: Optional[datetime] = None
    ) -> Optional[Claimed]:
        """Claim the next row due by due_by (default now): pending and due, or sending with its lease run out.

        The lease runs from now. None when nothing is due.
        """
        t = outbox_table
        now = now or utcnow()
        due_by = min(due_by or now, now)
        due = or_(
            and_(t.c.status == PENDING, t.c.next_attempt_at <= due_by),
            and_(t.c.status == SENDING, t.c.lease_until <= due_by),
        )
        for _ in range(10):
            with self.engine.begin() as conn:
                row_id = conn.execute(
                    select(t.c.id).where(due).order_by(t.c.next_attempt_at, t.c.id).limit(1)
                ).scalar()
                if row_id is None:
                    return None
                # Conditional update: on PostgreSQL two dispatchers may race to the same row; one wins.
                won = conn.execute(
                    update(t)
                    .where(t.c.id == row_id, due)
                    .values(
                        status=SENDING,
                        attempts=t.c.attempts + 1,
                        lease_until=now + timedelta(seconds=lease_seconds),
                        claimed_by=worker,
                    )
                ).rowcount
                if not won:
                    continue
                row = conn.execute(select(t).where(t.c.id == row_id)).one()
            return Claimed(
                id=row.id,
                reference=row.reference,
                idempotency_key=row.idempotency_key,
                destination=row.destination,
                attempts=row.attempts,
                worker=worker,
                body=self._decrypt(row.payload),
            )
        return None

    def _decrypt(self, token: Optional[bytes]) -> Optional[bytes]:
        if token is None:
            return None
        try:
            return self._cipher.decrypt(bytes(token))
        except InvalidToken:
            return None

    def mark_delivered(self, claimed: Claimed, now: Optional[datetime] = None) -> None:
        """Delivered, whoever holds the lease now: the payload is wiped at once."""
        t = outbox_table
        with self.engine.begin() as conn:
            conn.execute(
                update(t)
                .where(t.c.id == claimed.id, t.c.status != DELIVERED)
                .values(
                    status=DELIVERED,
                    delivered_at=now or utcnow(),
                    payload=None,
                    lease_until=None,
                    claimed_by=None,
                    last_error=None,
                )
            )

    def mark_retry(self, claimed: Claimed, error: str, next_attempt_at: datetime) -> bool:
        """Back to pending for a later try, unless another dispatcher has taken the row meanwhile."""
        t = outbox_table
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    update(t)
                    .where(t.c.id == claimed.id, t.c.status == SENDING, t.c.claimed_by == claimed.worker)
                    .values(
                        status=PENDING,
                        next_attempt_at=next_attempt_at,
                        lease_until=None,
                        claimed_by=None,
                        last_error=error[:200],
                    )
                ).rowcount
            )

    def mark_dead(self, claimed: Claimed, error: str, message: str, now: Optional[datetime] = None) -> bool:
        """Give up retrying: the row (payload kept, encrypted) and its alert are written together."""
        t = outbox_table
        now = now or utcnow()
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(t)
                .where(t.c.id == claimed.id, t.c.status == SENDING, t.c.claimed_by == claimed.worker)
                .values(status=DEAD, lease_until=None, claimed_by=None, last_error=error[:200])
            ).rowcount
            if changed:
                conn.execute(
                    insert(alerts_table).values(
                        created_at=now,
                        kind="handoff_dead_letter",
                        reference=claimed.reference,
                        destination=claimed.destination,
                        message=message[:400],
                    )
                )
        return bool(changed)

    # Operating

    def requeue(self, reference: str, now: Optional[datetime] = None) -> bool:
        """A dead letter back to pending, with its attempts reset, once the cause is fixed."""
        t = outbox_table
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    update(t)
                    .where(t.c.reference == reference, t.c.status == DEAD)
                    .values(status=PENDING, attempts=0, next_attempt_at=now or utcnow())
                ).rowcount
            )

    def purge(self, retention_days: int, now: Optional[datetime] = None) -> int:
        """Delete delivered rows (and old alerts not about a dead letter) older than the retention period."""
        t, a = outbox_table, alerts_table
        cutoff = (now or utcnow()) - timedelta(days=retention_days)
        with self.engine.begin() as conn:
            removed = conn.execute(delete(t).where(t.c.status == DELIVERED, t.c.delivered_at < cutoff)).rowcount
            dead = select(t.c.reference).where(t.c.status == DEAD)
            conn.execute(delete(a).where(a.c.created_at < cutoff, a.c.reference.not_in(dead)))
        return removed

    def counts(self) -> Dict[str, int]:
        t = outbox_table
        with self.engine.begin() as conn:
            rows = conn.execute(select(t.c.status, func.count()).group_by(t.c.status)).all()
        return {status: 0 for status in STATUSES} | {status: n for status, n in rows}

    def metadata_for(self, reference: str) -> Optional[Dict[str, Any]]:
        """A row's metadata (no payload), and whether it still holds a payload."""
        t = outbox_table
        with self.engine.begin() as conn:
            row = conn.execute(select(t).where(t.c.reference == reference)).first()
        if row is None:
            return None
        result = {k: v for k, v in row._mapping.items() if k != "payload"}
        result["has_payload"] = row.payload is not None
        return result

    def dead_letters(self) -> List[Dict[str, Any]]:
        t = outbox_table
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(t.c.reference, t.c.destination, t.c.attempts, t.c.last_error, t.c.created_at)
                .where(t.c.status == DEAD)
                .order_by(t.c.created_at)
            ).all()
        return [dict(r._mapping) for r in rows]

    def alerts(self) -> List[Dict[str, Any]]:
        a = alerts_table
        with self.engine.begin() as conn:
            return [dict(r._mapping) for r in conn.execute(select(a).order_by(a.c.id)).all()]


_outboxes: Dict[Tuple[str, Tuple[str, ...], str], Outbox] = {}
_outboxes_lock = threading.Lock()


def default_outbox() -> Outbox:
    """The outbox the settings name, opened once per process. HandoffUnavailable says what is wrong."""
    try:
        settings = load_handoff_settings()
    except SettingsError as exc:
        raise HandoffUnavailable(str(exc)) from None
    key = (settings.outbox_url, settings.encryption_keys, str(settings.key_file))
    with _outboxes_lock:
        if key not in _outboxes:
            _outboxes[key] = Outbox.from_settings(settings)
        return _outboxes[key]
