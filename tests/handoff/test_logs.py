"""Nothing a person told us reaches a log: every log line of a handoff's life, in this
process and in the dispatcher's and inbox's own output, is checked for their details."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import replace
from typing import Callable, Dict

import pytest
import requests

from bot.settings import PROJECT_ROOT
from connectors.handoff import HandoffRejected, accept_handoff
from connectors.handoff.dispatcher import Dispatcher
from connectors.handoff.outbox import Outbox
from connectors.handoff.payload import complete, to_json
from connectors.handoff.settings import HandoffSettings
from connectors.handoff.signing import signed_headers
from tests.support.handoff import (
    GENERAL_SECRET,
    InboxProcess,
    SmallServer,
    assert_no_personal_data,
    forward,
    json_reply,
    make_payload,
    settle,
)


def test_no_personal_data_in_any_log(
    handoff_env: Dict[str, str],
    settings: HandoffSettings,
    outbox: Outbox,
    inbox: InboxProcess,
    small_server: Callable[..., SmallServer],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, every level, urllib3 included
    flaky = small_server(lambda s, r, n: json_reply(500, {}) if n == 1 else forward(inbox.url("general"), r))
    always_down = small_server(lambda s, r, n: json_reply(503, {}))
    webhook = small_server(lambda s, r, n: json_reply(200, {}))

    # In this process: accepted (through the public API), a failure then delivery, a dead letter, a rejection.
    delivered = accept_handoff(make_payload())
    settle(Dispatcher(replace(settings, general=replace(settings.general, url=flaky.url)), outbox))
    dead = accept_handoff(make_payload())
    dead_settings = replace(
        settings,
        general=replace(settings.general, url=always_down.url),
        max_attempts=2,
        alert_webhook_url=f"http://127.0.0.1:{webhook.port}/alert",
    )
    settle(Dispatcher(dead_settings, outbox))
    with pytest.raises(HandoffRejected) as rejected:
        accept_handoff(make_payload(contact={**make_payload()["contact"], "phone": "07700 900461"}))
    assert outbox.metadata_for(delivered)["status"] == "delivered"
    assert outbox.metadata_for(dead)["status"] == "dead"

    # The dispatcher's own process: a delivery and its output.
    accepted = accept_handoff(make_payload(destination="professional_standards", topic="police_abuse"))
    monkeypatch.setenv("HANDOFF_PSD_URL", inbox.url("professional-standards"))
    run = subprocess.run(
        [sys.executable, "-m", "connectors.handoff.dispatcher", "--once"],
        cwd=PROJECT_ROOT, env={**os.environ}, capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert outbox.metadata_for(accepted)["status"] == "delivered"

    # The inbox refusing a request names fields, not values.
    bad = complete(make_payload())
    bad["contact"]["phone"] = "07700 900461"
    body = to_json(bad)
    refusal = requests.post(inbox.url("general"), data=body, headers=signed_headers(GENERAL_SECRET, body, "7d3e2f10-6a5b-4c8d-9e0f-1a2b3c4d5e6f"), timeout=5)
    assert refusal.status_code == 400

    # Something was logged: this checks real output, not silence.
    assert delivered in caplog.text and dead in caplog.text and "DEAD LETTER" in caplog.text
    assert accepted in run.stderr
    assert_no_personal_data(caplog.text, "this process's logs")
    assert_no_personal_data(run.stdout + run.stderr, "the dispatcher's output")
    assert_no_personal_data(inbox.output(), "the inbox's output")  # the whole session's requests
    assert_no_personal_data(str(rejected.value), "the HandoffRejected message")
    assert_no_personal_data(refusal.text, "the inbox's refusal")
    assert_no_personal_data(str(outbox.alerts()) + str(outbox.dead_letters()), "alerts and last errors")
    assert_no_personal_data(webhook.seen[0].body.decode(), "the alert webhook")
