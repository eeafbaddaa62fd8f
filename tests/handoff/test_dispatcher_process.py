"""The dispatcher as it runs in production, `python -m connectors.handoff.dispatcher`:
killed mid-delivery (SIGKILL) and restarted, every handoff still arrives exactly once;
SIGTERM lets the delivery in progress finish."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Dict

import pytest

from bot.settings import PROJECT_ROOT
from connectors.handoff.outbox import Outbox
from tests.support.handoff import InboxProcess, Seen, SmallServer, forward, json_reply, make_payload, wait_for


class DispatcherProcess:
    def __init__(self, tmp_path: Path, name: str) -> None:
        self.log_path = tmp_path / f"dispatcher-{name}.log"
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "connectors.handoff.dispatcher"],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"the dispatcher did not stop on signal {sig}:\n{self.output()}")


@pytest.fixture
def short_timings(monkeypatch: pytest.MonkeyPatch, handoff_env: Dict[str, str]) -> None:
    # The dispatcher is killed well inside its 2 s timeout; the restarted one waits out the 4.5 s lease.
    monkeypatch.setenv("HANDOFF_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("HANDOFF_LEASE_SECONDS", "4.5")


@pytest.mark.parametrize("killed", ["after the inbox stored it", "before the inbox saw it"])
def test_a_dispatcher_killed_mid_delivery_and_restarted_delivers_everything_exactly_once(
    killed: str,
    short_timings: None,
    outbox: Outbox,
    inbox: InboxProcess,
    small_server: Callable[..., SmallServer],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    in_flight = threading.Event()

    def first_request_hangs(server: SmallServer, request: Seen, n: int):
        if n > 1:
            return forward(inbox.url("general"), request)
        if killed == "after the inbox stored it":
            reply = forward(inbox.url("general"), request)
            in_flight.set()
            server.release.wait()
            return reply
        in_flight.set()
        server.release.wait()
        return json_reply(500, {})  # never reaches the inbox

    server = small_server(first_request_hangs)
    monkeypatch.setenv("HANDOFF_GENERAL_URL", server.url)
    references = [outbox.accept(make_payload()) for _ in range(5)]

    first = DispatcherProcess(tmp_path, "first")
    wait_for(lambda: in_flight.is_set() or first.process.poll() is not None, "the first delivery to start")
    assert first.stop(signal.SIGKILL) == -signal.SIGKILL
    hung = json.loads(server.seen[0].body)["reference"]
    # Killed mid-delivery: the row is still claimed, and nothing else was sent.
    assert outbox.metadata_for(hung)["status"] == "sending"
    assert len(server.seen) == 1

    second = DispatcherProcess(tmp_path, "second")
    try:
        wait_for(lambda: outbox.counts()["delivered"] == 5, "every handoff to be delivered")
    finally:
        assert second.stop(signal.SIGTERM) == 0, second.output()

    assert inbox.references(among=references) == sorted(references)  # each exactly once
    assert outbox.metadata_for(hung)["attempts"] == 2
    resent = [json.loads(s.body)["reference"] for s in server.seen].count(hung)
    assert resent == 2  # sent again after the lease ran out; the inbox de-duplicated it if needed
    for reference in references:
        assert outbox.metadata_for(reference)["has_payload"] is False


def test_sigterm_lets_the_delivery_in_progress_finish(
    handoff_env: Dict[str, str],
    outbox: Outbox,
    inbox: InboxProcess,
    small_server: Callable[..., SmallServer],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    in_flight = threading.Event()

    def waits_for_release(server: SmallServer, request: Seen, n: int):
        in_flight.set()
        server.release.wait()
        return forward(inbox.url("general"), request)

    server = small_server(waits_for_release)
    monkeypatch.setenv("HANDOFF_GENERAL_URL", server.url)
    first, second = outbox.accept(make_payload()), outbox.accept(make_payload())

    dispatcher = DispatcherProcess(tmp_path, "sigterm")
    wait_for(lambda: in_flight.is_set() or dispatcher.process.poll() is not None, "the delivery to start")
    dispatcher.process.send_signal(signal.SIGTERM)
    wait_for(lambda: "Stopping after the delivery in progress" in dispatcher.output(), "the dispatcher to note SIGTERM")
    server.release.set()
    assert dispatcher.stop(timeout=20) == 0, dispatcher.output()

    delivered_first = json.loads(server.seen[0].body)["reference"]
    other = second if delivered_first == first else first
    assert outbox.metadata_for(delivered_first)["status"] == "delivered"
    assert outbox.metadata_for(other)["status"] == "pending"  # not started after SIGTERM; the next run sends it
    assert len(server.seen) == 1
    assert "Handoff dispatcher stopped." in dispatcher.output()
