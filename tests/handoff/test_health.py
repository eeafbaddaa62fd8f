"""The dispatcher's liveness probe (`--health`): healthy only when a pass over the outbox
was completed within one lease period, since the dispatcher listens on no port."""
from __future__ import annotations

import os
import threading
import time

from connectors.handoff.dispatcher import Dispatcher, is_healthy, main
from connectors.handoff.settings import HandoffSettings


def test_no_pass_yet_is_not_healthy(settings: HandoffSettings, outbox):
    assert not is_healthy(settings)
    assert main(["--health"]) == 1


def test_a_running_dispatcher_is_healthy_and_one_that_stopped_beating_is_not(settings: HandoffSettings, outbox):
    dispatcher = Dispatcher(settings, outbox)
    stop = threading.Event()
    thread = threading.Thread(target=dispatcher.run_forever, args=(stop,))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not is_healthy(settings) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert main(["--health"]) == 0
    finally:
        stop.set()
        thread.join(10)
    last = settings.heartbeat_file.stat().st_mtime
    assert is_healthy(settings, now=last + settings.lease_seconds)
    assert not is_healthy(settings, now=last + settings.lease_seconds + 1)


def test_a_dispatcher_whose_database_fails_stops_beating(settings: HandoffSettings, outbox, monkeypatch):
    dispatcher = Dispatcher(settings, outbox)
    monkeypatch.setattr(dispatcher, "run_once", lambda stop=None: (_ for _ in ()).throw(RuntimeError("db down")))
    stop = threading.Event()
    thread = threading.Thread(target=dispatcher.run_forever, args=(stop,))
    thread.start()
    time.sleep(0.3)  # several poll periods of failing passes
    stop.set()
    thread.join(10)
    assert not os.path.exists(settings.heartbeat_file)
