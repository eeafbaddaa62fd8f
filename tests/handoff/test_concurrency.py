"""Two dispatchers on one outbox never send the same handoff twice while a lease holds;
the same checks run on SQLite and on a real PostgreSQL the tests start
(scripts/local_servers.py; HANDOFF_TEST_POSTGRES_URL names another to use instead)."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Dict, Iterator, List

import pytest
from sqlalchemy import delete

from connectors.handoff.encryption import load_cipher
from connectors.handoff.outbox import Claimed, Outbox, alerts_table, outbox_table, utcnow
from connectors.handoff.settings import HandoffSettings
from tests.support.handoff import make_payload


@pytest.fixture(params=["sqlite", "postgresql"])
def any_outbox(request: pytest.FixtureRequest, settings: HandoffSettings) -> Iterator[Outbox]:
    if request.param == "sqlite":
        opened = Outbox.from_settings(settings)
    else:
        opened = Outbox(request.getfixturevalue("postgres_url"), load_cipher(settings))
        with opened.engine.begin() as conn:
            conn.execute(delete(outbox_table))
            conn.execute(delete(alerts_table))
    yield opened
    opened.close()


def test_concurrent_claims_never_share_a_row(any_outbox: Outbox) -> None:
    references = [any_outbox.accept(make_payload()) for _ in range(30)]
    claimed: Dict[str, List[Claimed]] = {"a": [], "b": [], "c": []}
    now = utcnow()

    def worker(name: str) -> None:
        while (row := any_outbox.claim_next(name, 60, now=now)) is not None:
            claimed[name].append(row)
            any_outbox.mark_delivered(row)

    threads = [threading.Thread(target=worker, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    counts = Counter(row.reference for rows in claimed.values() for row in rows)
    assert sorted(counts) == sorted(references)
    assert set(counts.values()) == {1}  # each claimed exactly once
    assert any_outbox.counts()["delivered"] == 30


def test_the_outbox_lifecycle(any_outbox: Outbox) -> None:
    reference = any_outbox.accept(make_payload())
    now = utcnow()
    first = any_outbox.claim_next("a", 30, now=now)
    assert any_outbox.claim_next("b", 30, now=now) is None
    second = any_outbox.claim_next("b", 30, now=now + timedelta(seconds=31))
    assert second.reference == reference and second.body == first.body and b"Quockerwodger" in second.body
    assert any_outbox.mark_dead(second, "HTTP 500", "dead letter", now=now)
    assert [a["reference"] for a in any_outbox.alerts()] == [reference]
    assert any_outbox.requeue(reference)
    third = any_outbox.claim_next("c", 30)
    any_outbox.mark_delivered(third)
    row = any_outbox.metadata_for(reference)
    assert row["status"] == "delivered" and row["has_payload"] is False
    assert any_outbox.purge(30, now=utcnow() + timedelta(days=31)) == 1


def test_processes_opening_a_new_postgresql_outbox_together_all_start(postgres_url: str, settings: HandoffSettings) -> None:
    # As when two dispatchers and two action servers start at once on an empty database.
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    opened: List[Outbox] = []
    failures: List[Exception] = []

    def open_outbox() -> None:
        try:
            opened.append(Outbox(postgres_url, load_cipher(settings)))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            failures.append(exc)

    threads = [threading.Thread(target=open_outbox) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for outbox in opened:
        outbox.close()
    assert not failures and len(opened) == 8
