"""Delivery to the real force inbox (a subprocess), through failures: every accepted
handoff arrives exactly once, checked in the inbox's own store."""
from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Callable, List

import pytest
import requests

from connectors.handoff.dispatcher import Dispatcher, backoff_seconds
from connectors.handoff.outbox import Outbox
from connectors.handoff.payload import complete, to_json
from connectors.handoff.settings import HandoffSettings
from connectors.handoff.signing import sign, signed_headers
from tests.support.handoff import (
    GENERAL_SECRET,
    PSD_SECRET,
    InboxProcess,
    Seen,
    SmallServer,
    forward,
    inbox_env,
    json_reply,
    make_payload,
    settle,
)


def to(settings: HandoffSettings, general: str = "", psd: str = "", **changes: object) -> HandoffSettings:
    """Settings pointing the destinations at the given URLs."""
    if general:
        changes["general"] = replace(settings.general, url=general)
    if psd:
        changes["professional_standards"] = replace(settings.professional_standards, url=psd)
    return replace(settings, **changes)


def assert_all_delivered_once(outbox: Outbox, inbox: InboxProcess, references: List[str]) -> None:
    assert inbox.references(among=references) == sorted(references)  # each exactly once
    for reference in references:
        row = outbox.metadata_for(reference)
        assert row["status"] == "delivered" and row["has_payload"] is False, row


def test_happy_path(settings: HandoffSettings, outbox: Outbox, inbox: InboxProcess) -> None:
    references = [outbox.accept(make_payload()) for _ in range(3)]
    summary = Dispatcher(to(settings, general=inbox.url("general")), outbox).run_once()
    assert (summary.delivered, summary.retrying, summary.dead) == (3, 0, 0)
    assert_all_delivered_once(outbox, inbox, references)
    stored = {item["reference"]: item for item in inbox.received()}
    assert stored[references[0]]["payload"]["name"] == "Zelda Quockerwodger"
    assert stored[references[0]]["endpoint"] == "general"


def test_endpoint_down_then_up(settings: HandoffSettings, outbox: Outbox, tmp_path: Path) -> None:
    inbox = InboxProcess(tmp_path, env=inbox_env())  # its port is chosen, but nothing listens there yet
    dispatcher = Dispatcher(to(settings, general=inbox.url("general")), outbox)
    reference = outbox.accept(make_payload())
    first = settle(dispatcher, passes=2)
    assert [s.retrying for s in first] == [1, 1]
    row = outbox.metadata_for(reference)
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 2, "connection failed")
    inbox.start()
    try:
        settle(dispatcher)
        assert_all_delivered_once(outbox, inbox, [reference])
        assert outbox.metadata_for(reference)["attempts"] == 3
    finally:
        inbox.stop()


def test_server_errors_are_retried(
    settings: HandoffSettings, outbox: Outbox, inbox: InboxProcess, small_server: Callable[..., SmallServer]
) -> None:
    # Two 500s before reaching the inbox, then through.
    def flaky(server: SmallServer, request: Seen, n: int):
        return json_reply(500, {"error": "boom"}) if n <= 2 else forward(inbox.url("general"), request)

    server = small_server(flaky)
    reference = outbox.accept(make_payload())
    settle(Dispatcher(to(settings, general=server.url), outbox))
    assert_all_delivered_once(outbox, inbox, [reference])
    assert outbox.metadata_for(reference)["attempts"] == 3
    assert len(server.seen) == 3
    # Each try carried the same idempotency key, and a fresh signature.
    assert len({s.headers["X-Idempotency-Key"] for s in server.seen}) == 1


def test_a_lost_answer_is_resent_and_the_inbox_keeps_one(
    settings: HandoffSettings, outbox: Outbox, inbox: InboxProcess, small_server: Callable[..., SmallServer]
) -> None:
    # The inbox stores it, but the answer is lost (a 502 from a proxy): the resend is a duplicate.
    def loses_first_answer(server: SmallServer, request: Seen, n: int):
        status, body = forward(inbox.url("general"), request)
        if n == 1:
            return json_reply(502, {"error": "bad gateway"})
        assert json.loads(body) == {"duplicate": True, "reference": json.loads(request.body)["reference"]}
        return status, body

    server = small_server(loses_first_answer)
    reference = outbox.accept(make_payload())
    settle(Dispatcher(to(settings, general=server.url), outbox))
    assert_all_delivered_once(outbox, inbox, [reference])
    assert len(server.seen) == 2


def test_timeouts_are_retried_and_delivered_once(
    settings: HandoffSettings, outbox: Outbox, inbox: InboxProcess, small_server: Callable[..., SmallServer]
) -> None:
    # The first request reaches the inbox, then the answer never comes: the sender times out.
    def hangs_after_forwarding(server: SmallServer, request: Seen, n: int):
        reply = forward(inbox.url("general"), request)
        if n == 1:
            server.release.wait()
        return reply

    server = small_server(hangs_after_forwarding)
    reference = outbox.accept(make_payload())
    dispatcher = Dispatcher(to(settings, general=server.url, timeout_seconds=0.5), outbox)
    settle(dispatcher)
    assert outbox.metadata_for(reference)["attempts"] == 2
    assert_all_delivered_once(outbox, inbox, [reference])


def test_slow_answers_within_the_timeout_are_fine(
    settings: HandoffSettings, outbox: Outbox, inbox: InboxProcess, small_server: Callable[..., SmallServer]
) -> None:
    def slow(server: SmallServer, request: Seen, n: int):
        time.sleep(0.5)  # well inside the 2 s timeout
        return forward(inbox.url("general"), request)

    server = small_server(slow)
    references = [outbox.accept(make_payload()) for _ in range(2)]
    summary = Dispatcher(to(settings, general=server.url), outbox).run_once()
    assert summary.delivered == 2
    assert_all_delivered_once(outbox, inbox, references)


def test_retry_after_is_respected(
    settings: HandoffSettings, outbox: Outbox, small_server: Callable[..., SmallServer]
) -> None:
    server = small_server(lambda s, r, n: (429, b"{}", {"Retry-After": "60"}))
    reference = outbox.accept(make_payload())
    dispatcher = Dispatcher(to(settings, general=server.url, retry_max_seconds=120), outbox, rand=lambda: 0.0)
    dispatcher.run_once()
    row = outbox.metadata_for(reference)
    assert row["last_error"] == "HTTP 429"
    wait = (row["next_attempt_at"] - row["created_at"]).total_seconds()
    assert 59 <= wait <= 70


def test_redirects_are_not_followed(
    settings: HandoffSettings, outbox: Outbox, small_server: Callable[..., SmallServer]
) -> None:
    elsewhere = small_server(lambda s, r, n: json_reply(200, {}))
    redirecting = small_server(lambda s, r, n: (307, b""))
    reference = outbox.accept(make_payload())
    Dispatcher(to(settings, general=redirecting.url), outbox).run_once()
    assert outbox.metadata_for(reference)["last_error"] == "HTTP 307"
    assert elsewhere.seen == []


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    assert [backoff_seconds(n, 30, 1800, rand=lambda: 1.0) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert [backoff_seconds(n, 30, 1800, rand=lambda: 0.0) for n in (1, 2, 3)] == [15, 30, 60]
    assert backoff_seconds(20, 30, 1800, rand=lambda: 1.0) == 1800


def test_dead_letter_after_max_attempts_raises_an_alert(
    settings: HandoffSettings,
    outbox: Outbox,
    small_server: Callable[..., SmallServer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    always_500 = small_server(lambda s, r, n: json_reply(500, {"error": "down"}))
    webhook = small_server(lambda s, r, n: json_reply(200, {}))
    settings = to(settings, general=always_500.url, max_attempts=3, alert_webhook_url=f"http://127.0.0.1:{webhook.port}/alert")
    reference = outbox.accept(make_payload())
    with caplog.at_level(logging.INFO):
        summaries = settle(Dispatcher(settings, outbox))
    assert [(s.retrying, s.dead) for s in summaries] == [(1, 0), (1, 0), (0, 1)]
    row = outbox.metadata_for(reference)
    assert (row["status"], row["attempts"], row["last_error"]) == ("dead", 3, "HTTP 500")
    assert row["has_payload"] is True  # never lost: kept, encrypted, for an operator to requeue
    assert len(always_500.seen) == 3
    # 1. an ERROR log line naming the reference and destination
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and reference in errors[0] and "general" in errors[0] and "--requeue" in errors[0]
    # 2. a row in the alerts table
    alerts = outbox.alerts()
    assert [(a["kind"], a["reference"], a["destination"]) for a in alerts] == [("handoff_dead_letter", reference, "general")]
    # 3. a POST to the alert webhook
    assert len(webhook.seen) == 1
    alert = json.loads(webhook.seen[0].body)
    assert alert["reference"] == reference and alert["destination"] == "general" and alert["attempts"] == 3
    # Requeued once the force is back, it is delivered.
    assert outbox.requeue(reference)
    ok = small_server(lambda s, r, n: json_reply(201, {"received": True}))
    settle(Dispatcher(to(settings, general=ok.url), outbox))
    assert outbox.metadata_for(reference)["status"] == "delivered"


def test_professional_standards_goes_only_to_its_own_endpoint(
    settings: HandoffSettings,
    outbox: Outbox,
    inbox: InboxProcess,
    small_server: Callable[..., SmallServer],
) -> None:
    general_seen = small_server(lambda s, r, n: forward(inbox.url("general"), r))
    psd = outbox.accept(make_payload(destination="professional_standards", topic="police_abuse"))
    general = outbox.accept(make_payload())
    settle(Dispatcher(to(settings, general=general_seen.url, psd=inbox.url("professional-standards")), outbox))
    endpoints = {item["reference"]: item["endpoint"] for item in inbox.received()}
    assert {psd: endpoints[psd], general: endpoints[general]} == {psd: "professional-standards", general: "general"}
    assert inbox.references(among=[psd, general]) == sorted([psd, general])
    assert [json.loads(s.body)["reference"] for s in general_seen.seen] == [general]


def test_the_inbox_refuses_a_psd_handoff_at_the_general_endpoint(inbox: InboxProcess) -> None:
    payload = complete(make_payload(destination="professional_standards", topic="police_abuse"))
    body = to_json(payload)
    headers = signed_headers(GENERAL_SECRET, body, str(uuid.uuid4()))
    reply = requests.post(inbox.url("general"), data=body, headers=headers, timeout=5)
    assert reply.status_code == 422
    assert inbox.references(among=[payload["reference"]]) == []


def test_each_endpoint_has_its_own_secret(inbox: InboxProcess) -> None:
    body = to_json(complete(make_payload(destination="professional_standards", topic="police_abuse")))
    key = str(uuid.uuid4())
    wrong = requests.post(inbox.url("professional-standards"), data=body, headers=signed_headers(GENERAL_SECRET, body, key), timeout=5)
    assert wrong.status_code == 401
    right = requests.post(inbox.url("professional-standards"), data=body, headers=signed_headers(PSD_SECRET, body, key), timeout=5)
    assert right.status_code == 201


def test_the_inbox_rejects_tampered_wrongly_signed_and_stale_requests(inbox: InboxProcess) -> None:
    payload = complete(make_payload())
    body, reference = to_json(payload), payload["reference"]
    key = str(uuid.uuid4())
    good = signed_headers(GENERAL_SECRET, body, key)
    cases = {
        "tampered body": (body.replace(b"Zelda", b"Zelma"), good),
        "wrong secret": (body, signed_headers("not-the-secret", body, key)),
        "stale": (body, {**good, "X-Handoff-Signature": sign(GENERAL_SECRET, body, timestamp=int(time.time()) - 301)}),
        "unsigned": (body, {k: v for k, v in good.items() if k != "X-Handoff-Signature"}),
    }
    for case, (sent, headers) in cases.items():
        reply = requests.post(inbox.url("general"), data=sent, headers=headers, timeout=5)
        assert reply.status_code == 401, case
    assert inbox.references(among=[reference]) == []
    # The genuine request is stored once; the same again is a duplicate that stores nothing.
    first = requests.post(inbox.url("general"), data=body, headers=good, timeout=5)
    again = requests.post(inbox.url("general"), data=body, headers=signed_headers(GENERAL_SECRET, body, key), timeout=5)
    assert first.status_code == 201
    assert again.status_code == 200 and again.json()["duplicate"] is True
    # The reference is signed, the key is not: a replay with a new key is still a duplicate.
    replay = requests.post(
        inbox.url("general"), data=body, headers=signed_headers(GENERAL_SECRET, body, str(uuid.uuid4())), timeout=5
    )
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert inbox.references(among=[reference]) == [reference]


def test_the_inbox_page_needs_the_token_and_escapes_what_it_shows(inbox: InboxProcess) -> None:
    payload = complete(make_payload(name='<script>alert("x")</script>'))
    body = to_json(payload)
    requests.post(inbox.url("general"), data=body, headers=signed_headers(GENERAL_SECRET, body, str(uuid.uuid4())), timeout=5)
    anonymous = requests.get(inbox.base + "/", timeout=5)
    assert anonymous.status_code == 401 and "Quockerwodger" not in anonymous.text and "<form" in anonymous.text
    assert requests.get(inbox.base + "/", headers={"Authorization": "Bearer wrong"}, timeout=5).status_code == 401
    page = requests.get(inbox.base + "/", headers={"Authorization": "Bearer test-inbox-token"}, timeout=5)
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    assert payload["reference"] in page.text
    assert page.headers["Cache-Control"] == "no-store"
    # The sign-in form sets a session cookie that opens the page.
    with requests.Session() as browser:
        assert browser.post(inbox.base + "/login", data={"token": "wrong"}, timeout=5).status_code == 401
        signed_in = browser.post(inbox.base + "/login", data={"token": "test-inbox-token"}, timeout=5)
        assert signed_in.status_code == 200 and payload["reference"] in signed_in.text
