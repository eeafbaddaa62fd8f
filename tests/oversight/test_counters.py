"""The counters keep only (day, event, category, channel, partner, count): no ids, no text,
no time finer than a day, not even the order things happened in; several writers add up."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from connectors.counters import EVENTS, Counters, counts_table, metadata


def rows_of(counters: Counters):
    return {(r["day"], r["event"], r["category"], r["channel"], r["partner"]): r["count"]
            for r in counters.rows(date(2000, 1, 1), date(2100, 1, 1))}


def test_a_count_is_stored_under_its_key_only(tmp_path: Path):
    counters = Counters(f"sqlite:///{tmp_path / 'counts.db'}", flush_seconds=60)
    for _ in range(3):
        counters.count("topic_answered", "clares_law", "widget", "warwickshire_police", day="2026-11-30")
    counters.count("danger_now", channel="rest", day="2026-11-30")
    assert rows_of(counters) == {}  # nothing written until the batch is flushed
    counters.flush()
    assert rows_of(counters) == {("2026-11-30", "topic_answered", "clares_law", "widget", "warwickshire_police"): 3,
                                 ("2026-11-30", "danger_now", "", "rest", ""): 1}
    counters.close()


def test_the_table_has_no_ids_no_times_and_no_row_order(tmp_path: Path):
    path = tmp_path / "counts.db"
    counters = Counters(f"sqlite:///{path}", flush_seconds=60)
    counters.count("conversation_started", channel="widget", partner="a_partner")
    counters.close()
    schema = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master WHERE name = 'oversight_counts'").fetchone()[0]
    assert "WITHOUT ROWID" in schema
    assert [c.name for c in counts_table.columns] == ["day", "event", "category", "channel", "partner", "count"]
    (day,) = sqlite3.connect(path).execute("SELECT day FROM oversight_counts").fetchone()
    assert len(day) == 10 and day.count("-") == 2  # a day, never a time


def test_labels_cannot_carry_text_and_events_must_be_known(tmp_path: Path):
    counters = Counters(f"sqlite:///{tmp_path / 'counts.db'}", flush_seconds=60)
    with pytest.raises(ValueError):
        counters.count("he hit me yesterday")
    counters.count("topic_answered", "my name is Jane <b>" + "x" * 200, "widget")
    counters.flush()
    ((_, _, category, _, _),) = rows_of(counters)
    assert " " not in category and "<" not in category and len(category) <= 64
    counters.close()


def test_several_processes_add_to_the_same_counts(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'counts.db'}"
    first, second = Counters(url, flush_seconds=60), Counters(url, flush_seconds=60)
    for counters in (first, second, first):
        counters.count("quick_exit", channel="widget", partner="p", day="2026-11-30")
        counters.flush()
    assert rows_of(first) == {("2026-11-30", "quick_exit", "", "widget", "p"): 3}


def test_counts_wait_in_memory_while_the_database_is_away(tmp_path: Path):
    counters = Counters(f"sqlite:///{tmp_path / 'counts.db'}", flush_seconds=60)
    counters.count("danger_now", channel="widget", day="2026-11-30")
    metadata.drop_all(counters.engine)  # the table is gone: the flush fails
    counters.flush()
    metadata.create_all(counters.engine)
    counters.flush()
    assert rows_of(counters) == {("2026-11-30", "danger_now", "", "widget", ""): 1}


def test_old_counts_are_deleted_after_the_retention_period(tmp_path: Path):
    counters = Counters(f"sqlite:///{tmp_path / 'counts.db'}", flush_seconds=60)
    counters.count("danger_now", day="2025-01-01")
    counters.count("danger_now", day="2026-11-30")
    counters.flush()
    assert counters.purge(retention_days=400, today=date(2026, 11, 30)) == 1
    assert [key[0] for key in rows_of(counters)] == ["2026-11-30"]


def test_counts_add_up_in_postgresql(postgres_url):
    first, second = Counters(postgres_url, flush_seconds=60), Counters(postgres_url, flush_seconds=60)
    with first.engine.begin() as connection:
        connection.execute(counts_table.delete())
    for counters in (first, second):
        for event in EVENTS:
            counters.count(event, channel="widget", day="2026-11-30")
        counters.flush()
    assert set(rows_of(first).values()) == {2} and len(rows_of(first)) == len(EVENTS)
