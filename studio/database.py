"""The studio's database: accounts, changes, published versions and the record of who did
what. A SQLite file by default (STUDIO_DB, .data/studio.db), PostgreSQL when
STUDIO_DB_URL is a postgresql:// address, opened the way the handoff outbox opens its own.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Engine

from connectors.database import create_tables, make_engine
from connectors.environment import load_env, project_path

metadata = MetaData()

accounts_table = Table(
    "studio_accounts", metadata,
    Column("name", String(60), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=False, default=0.0),
)

changes_table = Table(
    "studio_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # service or topic
    Column("entry_id", String(100), nullable=False),
    Column("file", String(200), nullable=False),  # services.yml, topics/support.yml
    Column("before_yaml", Text, nullable=False),  # the changed fields as they were
    Column("after_yaml", Text, nullable=False),  # the changed fields as drafted
    Column("author", String(60), nullable=False),
    Column("status", String(16), nullable=False),  # draft, approved, published, withdrawn
    Column("problems", Text, nullable=False),  # JSON: [{"field": ..., "message": ...}]
    Column("approved_by", String(60), nullable=True),
    Column("created_at", Float, nullable=False),
)

versions_table = Table(
    "studio_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("file", String(200), nullable=False),
    Column("published_at", Float, nullable=False),
    Column("published_by", String(60), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("text", Text, nullable=False),  # the whole file as it was before
)

audit_table = Table(
    "studio_audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("who", String(60), nullable=False),
    Column("action", String(16), nullable=False),  # draft, approve, publish, rollback, withdraw
    Column("change_id", Integer, nullable=True),
    Column("detail", Text, nullable=False),  # JSON: the entry and the diff
)


def open_database(url: str) -> Engine:
    engine = make_engine(url)
    create_tables(metadata, engine)
    return engine


def database_url() -> str:
    """STUDIO_DB_URL if set, else the SQLite file STUDIO_DB (default .data/studio.db)."""
    load_env()
    url = os.environ.get("STUDIO_DB_URL", "").strip()
    return url or f"sqlite:///{Path(project_path('STUDIO_DB', '.data/studio.db'))}"
