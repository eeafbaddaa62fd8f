"""One way to open the project's databases: a SQLite file by default, PostgreSQL when the
address is a postgresql:// one. The handoff outbox and the content studio both use it.

SQLite runs in WAL mode with synchronous=FULL (a commit is on disk when it returns) and
takes its write lock at the start of each transaction, so two processes never interleave
a read and a write and a busy database waits rather than fails.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, ProgrammingError


def make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, future=True, pool_pre_ping=True)
    database = make_url(url).database
    if database and database != ":memory:":
        path = Path(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():  # readable by this user only: it may hold personal data or password hashes
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    engine = create_engine(url, future=True, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" below start transactions
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000", "secure_delete=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_tables(metadata: MetaData, engine: Engine, tries: int = 5) -> None:
    """Creates the tables if they are missing. Several processes starting together (two
    dispatchers, several action servers) may race to create them: PostgreSQL then
    refuses all but one, and the others find the tables there on trying again."""
    for attempt in range(tries):
        try:
            metadata.create_all(engine)
            return
        except (IntegrityError, ProgrammingError):
            if attempt == tries - 1:
                raise
            time.sleep(0.1 * (attempt + 1))
