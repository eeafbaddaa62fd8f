"""Anonymous counts of what happens in conversations, for the force's oversight figures.

When something happens (a conversation starts, a topic is answered, danger is answered,
a contact request is accepted...) one is added to a counter keyed by (day, event, category,
channel, partner). Nothing else is stored: no conversation id, no message text, no time
finer than the day (UK time). The table has no row ids (SQLite WITHOUT ROWID) and counts
are written in batches in key order, so not even the order in which events happened is
kept. The figures leave the service only through oversight/, with small numbers suppressed.

Counting must not slow a message: `count` adds to a tally in memory (microseconds) and a
background thread adds the tallies to the database every OVERSIGHT_FLUSH_SECONDS (5), in
one transaction (INSERT ... ON CONFLICT DO UPDATE), so several processes and replicas can
share one database. If a process is killed, the counts of its last few seconds are lost:
these are statistics, not records.

The database is OVERSIGHT_DB_URL (PostgreSQL or SQLite), or the SQLite file OVERSIGHT_DB
(.data/oversight.db). OVERSIGHT_COUNTING=off turns counting off.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Integer, MetaData, String, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from connectors.database import create_tables, make_engine
from connectors.environment import load_env, project_path

log = logging.getLogger(__name__)

UK_TIME = ZoneInfo("Europe/London")
RETENTION_DAYS = 400  # a year and a month: this year's figures beside last year's
# Every event counted, and what its category is.
EVENTS: Dict[str, str] = {
    "conversation_started": "",
    "topic_answered": "the topic",
    "danger_now": "",
    "did_you_mean": "",
    "not_understood": "",
    "unanswered_guess": "the classifier's top guess for a message it did not understand",
    "quick_exit": "",
    "conversation_forgotten": "",
    "handoff_offered": "",
    "handoff_declined": "",
    "handoff_consented": "",
    "handoff_cancelled": "",
    "handoff_accepted": "the destination",
    "handoff_failed": "",
    "finder_used": "area/need",
}
MAX_LABEL = 64

metadata = MetaData()
counts_table = Table(
    "oversight_counts", metadata,
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD, UK time
    Column("event", String(32), primary_key=True),
    Column("category", String(MAX_LABEL), primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("partner", String(MAX_LABEL), primary_key=True),
    Column("count", Integer, nullable=False),
    sqlite_with_rowid=False,
)

Key = Tuple[str, str, str, str, str]


def today_in_uk() -> str:
    return datetime.now(UK_TIME).date().isoformat()


def database_url() -> str:
    load_env()
    url = os.environ.get("OVERSIGHT_DB_URL", "").strip()
    return url or f"sqlite:///{project_path('OVERSIGHT_DB', '.data/oversight.db')}"


class Counters:
    def __init__(self, url: str, flush_seconds: float = 5.0) -> None:
        self.engine: Engine = make_engine(url)
        create_tables(metadata, self.engine)
        self._tally: Counter = Counter()
        self._lock = threading.Lock()
        self._flush_seconds = flush_seconds
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    # Counting -----------------------------------------------------------------------

    def count(self, event: str, category: str = "", channel: str = "", partner: Optional[str] = None,
              day: Optional[str] = None) -> None:
        """Adds one. Labels are cut to a short length, and anything unexpected is refused
        rather than stored: an event not in EVENTS would be a programming mistake."""
        if event not in EVENTS:
            raise ValueError(f"not an oversight event: {event}")
        key = (day or today_in_uk(), event, _label(category), _label(channel) or "unknown", _label(partner or ""))
        with self._lock:
            self._tally[key] += 1
        self._start_flushing()

    def flush(self) -> None:
        """Adds the tallies to the database; kept in memory to try again if that fails."""
        with self._lock:
            tally, self._tally = self._tally, Counter()
        if not tally:
            return
        try:
            with self.engine.begin() as connection:
                for key in sorted(tally):  # key order, never the order things happened in
                    connection.execute(_add(self.engine, key, tally[key]))
        except Exception:  # noqa: BLE001 - the database may be away for a while; counts wait for it
            log.warning("Oversight counts could not be written yet; they are kept in memory and tried again.")
            with self._lock:
                self._tally.update(tally)

    def _start_flushing(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._flush_every_few_seconds, name="oversight-counts", daemon=True)
            self._thread.start()
        atexit.register(self.close)

    def _flush_every_few_seconds(self) -> None:
        while not self._stop.wait(self._flush_seconds):
            self.flush()

    def close(self) -> None:
        self._stop.set()
        self.flush()

    # Reading (for oversight/) ------------------------------------------------------------

    def rows(self, since: date, until: date) -> List[Dict[str, object]]:
        query = select(counts_table).where(counts_table.c.day >= since.isoformat(),
                                           counts_table.c.day <= until.isoformat())
        with self.engine.begin() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    def purge(self, retention_days: int = RETENTION_DAYS, today: Optional[date] = None) -> int:
        """Deletes the counts of days older than the retention period."""
        oldest = ((today or date.today()) - timedelta(days=retention_days)).isoformat()
        with self.engine.begin() as connection:
            return connection.execute(delete(counts_table).where(counts_table.c.day < oldest)).rowcount or 0


def _label(value: Optional[str]) -> str:
    text = "".join(ch for ch in str(value or "") if ch.isalnum() or ch in "_-/.")
    return text[:MAX_LABEL]


def _add(engine: Engine, key: Key, amount: int):
    """INSERT ... ON CONFLICT DO UPDATE: one statement, safe with many writers."""
    values = dict(zip(("day", "event", "category", "channel", "partner"), key), count=amount)
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(counts_table).values(**values)
    return statement.on_conflict_do_update(index_elements=[c.name for c in counts_table.primary_key],
                                           set_={"count": counts_table.c.count + statement.excluded.count})


_shared: Optional[Counters] = None
_shared_failed = False
_shared_lock = threading.Lock()


def shared_counters() -> Optional[Counters]:
    """This process's counters, opened on first use; None when counting is turned off or
    the database cannot be opened (counting never stops the assistant answering)."""
    global _shared, _shared_failed
    load_env()
    if os.environ.get("OVERSIGHT_COUNTING", "on").strip().lower() in ("off", "false", "0", "no"):
        return None
    with _shared_lock:
        if _shared is None and not _shared_failed:
            try:
                flush = float(os.environ.get("OVERSIGHT_FLUSH_SECONDS", "5"))
                _shared = Counters(database_url(), flush_seconds=max(0.05, flush))
            except Exception:  # noqa: BLE001 - figures are not worth a failed answer
                log.warning("Oversight counting is off: its database could not be opened.")
                _shared_failed = True
        return _shared


def count(event: str, category: str = "", channel: str = "", partner: Optional[str] = None) -> None:
    counters = shared_counters()
    if counters is not None:
        counters.count(event, category, channel, partner)

