"""Delivers what the outbox holds to the force, and keeps at it until it is delivered.

    python -m connectors.handoff.dispatcher               run until SIGTERM or Ctrl-C
    python -m connectors.handoff.dispatcher --once        deliver what is due now, then stop
    python -m connectors.handoff.dispatcher --status      counts, and any dead letters
    python -m connectors.handoff.dispatcher --requeue REF try a dead letter again
    python -m connectors.handoff.dispatcher --new-key     print a new HANDOFF_ENCRYPTION_KEY

Each due row is claimed with a lease, sent (signed HTTPS POST, or email), then marked
delivered (payload wiped) or given a later try with exponential backoff and jitter.
After HANDOFF_MAX_ATTEMPTS it becomes a dead letter: an ERROR log line, a row in the
alerts table and, if set, a POST to HANDOFF_ALERT_WEBHOOK_URL. Logs name references,
destinations and status codes only, never anything the person said.
"""
from __future__ import annotations

import argparse
import logging
import random
import signal
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, List, Optional

import requests

from connectors.environment import SettingsError
from connectors.handoff.settings import HandoffSettings, load_handoff_settings
from connectors.handoff.encryption import new_key
from connectors.handoff.errors import HandoffUnavailable
from connectors.handoff.outbox import Claimed, Outbox, utcnow
from connectors.handoff.transports import HttpTransport, Outcome, SmtpTransport, Transport

log = logging.getLogger("connectors.handoff.dispatcher")

PURGE_EVERY_S = 3600


def backoff_seconds(attempt: int, base: float, cap: float, rand: Callable[[], float] = random.random) -> float:
    """Wait before try attempt+1: base * 2^(attempt-1), capped, with "equal jitter" (half fixed, half random)."""
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return delay / 2 + rand() * delay / 2


@dataclass
class RunSummary:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0

    @property
    def handled(self) -> int:
        return self.delivered + self.retrying + self.dead


class Dispatcher:
    def __init__(
        self,
        settings: HandoffSettings,
        outbox: Optional[Outbox] = None,
        http: Optional[HttpTransport] = None,
        smtp: Optional[SmtpTransport] = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self.outbox = outbox or Outbox.from_settings(settings)
        self.worker = str(uuid.uuid4())
        self.transports: Dict[str, Transport] = {
            "http": http or HttpTransport(settings.timeout_seconds),
            "smtp": smtp or SmtpTransport(settings.smtp, settings.timeout_seconds),
        }
        self.rand = rand
        self.webhook_session = requests.Session()

    def run_once(
        self, now: Optional[datetime] = None, stop: Optional[threading.Event] = None, limit: int = 100
    ) -> RunSummary:
        """Deliver every row due when the pass starts (at most limit); return what happened.

        A row that fails is due again only in a later pass, after its backoff.
        """
        summary = RunSummary()
        due_by = now or utcnow()
        for _ in range(limit):
            if stop is not None and stop.is_set():
                break
            claimed = self.outbox.claim_next(self.worker, self.settings.lease_seconds, now, due_by)
            if claimed is None:
                break
            outcome = self.deliver(claimed)
            if outcome.delivered:
                self.outbox.mark_delivered(claimed, now)
                summary.delivered += 1
                log.info(
                    "Handoff %s delivered to %s (%s, attempt %d).",
                    claimed.reference, claimed.destination, outcome.detail, claimed.attempts,
                )
            elif claimed.attempts >= self.settings.max_attempts:
                summary.dead += self._dead_letter(claimed, outcome.detail, now)
            else:
                summary.retrying += self._retry_later(claimed, outcome, now)
        return summary

    def deliver(self, claimed: Claimed) -> Outcome:
        if claimed.body is None:
            log.error(
                "Handoff %s to %s cannot be decrypted with HANDOFF_ENCRYPTION_KEY: was the key changed? "
                "Put the old key back (after the new one, comma separated) so it can be sent.",
                claimed.reference, claimed.destination,
            )
            return Outcome(False, "cannot decrypt: wrong HANDOFF_ENCRYPTION_KEY?")
        try:
            destination = self.settings.destination(claimed.destination)
        except KeyError:
            return Outcome(False, "unknown destination")
        return self.transports[destination.transport].send(destination, claimed, claimed.body)

    def _retry_later(self, claimed: Claimed, outcome: Outcome, now: Optional[datetime]) -> int:
        s = self.settings
        wait = backoff_seconds(claimed.attempts, s.retry_base_seconds, s.retry_max_seconds, self.rand)
        if outcome.retry_after is not None:
            wait = max(wait, min(outcome.retry_after, s.retry_max_seconds))
        if not self.outbox.mark_retry(claimed, outcome.detail, (now or utcnow()) + timedelta(seconds=wait)):
            return 0  # our lease ran out and another dispatcher has the row now
        log.warning(
            "Handoff %s to %s not delivered (%s, attempt %d of %d); next try in %.0fs.",
            claimed.reference, claimed.destination, outcome.detail, claimed.attempts, s.max_attempts, wait,
        )
        return 1

    def _dead_letter(self, claimed: Claimed, error: str, now: Optional[datetime]) -> int:
        message = (
            f"Handoff {claimed.reference} to {claimed.destination} was not delivered after {claimed.attempts} "
            f"attempts (last: {error}). It is kept, encrypted, in the outbox. Fix the cause, then run: "
            f"python -m connectors.handoff.dispatcher --requeue {claimed.reference}"
        )
        if not self.outbox.mark_dead(claimed, error, message, now):
            return 0
        log.error("DEAD LETTER: %s", message)
        self._post_alert(claimed, error)
        return 1

    def _post_alert(self, claimed: Claimed, error: str) -> None:
        url = self.settings.alert_webhook_url
        if not url:
            return
        alert: Dict[str, Any] = {
            "alert": "handoff_dead_letter",
            "reference": claimed.reference,
            "destination": claimed.destination,
            "attempts": claimed.attempts,
            "last_error": error,
            "text": f"Safe handoff {claimed.reference} ({claimed.destination}) could not be delivered. "
            f"See the handoff dispatcher's alerts.",
        }
        try:
            response = self.webhook_session.post(url, json=alert, timeout=self.settings.timeout_seconds)
            response.close()
            if not response.ok:
                log.warning("The alert webhook answered HTTP %d for handoff %s.", response.status_code, claimed.reference)
        except requests.RequestException as exc:
            log.warning("The alert webhook failed (%s) for handoff %s.", type(exc).__name__, claimed.reference)

    def purge(self, now: Optional[datetime] = None) -> int:
        removed = self.outbox.purge(self.settings.retention_days, now)
        if removed:
            log.info("Purged %d delivered handoffs older than %d days.", removed, self.settings.retention_days)
        return removed

    def run_forever(self, stop: threading.Event) -> None:
        log.info(
            "Handoff dispatcher started (outbox %s; general by %s, professional standards by %s).",
            self.outbox.safe_url, self.settings.general.transport, self.settings.professional_standards.transport,
        )
        next_purge = 0.0
        while not stop.is_set():
            if time.monotonic() >= next_purge:
                self.purge()
                next_purge = time.monotonic() + PURGE_EVERY_S
            try:
                summary = self.run_once(stop=stop)
                self.beat()
            except Exception as exc:  # a database hiccup must not stop deliveries for good
                log.error("Dispatcher run failed (%s); trying again shortly.", type(exc).__name__)
                summary = RunSummary()
            if summary.handled == 0:
                stop.wait(self.settings.poll_seconds)
        log.info("Handoff dispatcher stopped.")


    def beat(self) -> None:
        """Records that a pass over the outbox has just been completed (see is_healthy)."""
        path = self.settings.heartbeat_file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()


def is_healthy(settings: HandoffSettings, now: Optional[float] = None) -> bool:
    """Whether a dispatcher has completed a pass over the outbox within one lease period:
    for a liveness probe (`--health`), since the dispatcher listens on no port. A
    dispatcher that cannot reach its database stops beating, and the probe says so."""
    try:
        age = (now if now is not None else time.time()) - settings.heartbeat_file.stat().st_mtime
    except OSError:
        return False
    return age <= settings.lease_seconds


def run_once(settings: Optional[HandoffSettings] = None, outbox: Optional[Outbox] = None) -> RunSummary:
    """One pass over the outbox with the configured settings (used by tests and --once)."""
    settings = settings or load_handoff_settings()
    return Dispatcher(settings, outbox).run_once()


def _print_status(outbox: Outbox) -> None:
    counts = outbox.counts()
    print(", ".join(f"{status}: {n}" for status, n in counts.items()))
    dead: List[Dict] = outbox.dead_letters()
    for row in dead:
        print(f"DEAD {row['reference']} {row['destination']} after {row['attempts']} attempts: {row['last_error']}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m connectors.handoff.dispatcher", description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--once", action="store_true", help="deliver what is due now, then stop")
    group.add_argument("--status", action="store_true", help="print counts by status and any dead letters")
    group.add_argument("--requeue", metavar="REFERENCE", help="try a dead letter again from the start")
    group.add_argument("--new-key", action="store_true", help="print a new key for HANDOFF_ENCRYPTION_KEY")
    group.add_argument("--health", action="store_true",
                       help="exit 0 if a dispatcher has completed a pass within one lease period (a liveness probe)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    if args.new_key:
        print(new_key())
        return 0
    if args.health:
        try:
            healthy = is_healthy(load_handoff_settings())
        except SettingsError as exc:
            print(f"The handoff dispatcher's settings are wrong: {exc}", file=sys.stderr)
            return 2
        print("healthy" if healthy else "no pass over the outbox within one lease period")
        return 0 if healthy else 1
    try:
        settings = load_handoff_settings()
        dispatcher = Dispatcher(settings)
    except (SettingsError, HandoffUnavailable) as exc:
        print(f"The handoff dispatcher cannot start: {exc}", file=sys.stderr)
        return 2
    if args.status:
        _print_status(dispatcher.outbox)
        return 0
    if args.requeue:
        if dispatcher.outbox.requeue(args.requeue.strip().upper()):
            print(f"{args.requeue} will be tried again.")
            return 0
        print(f"No dead letter with reference {args.requeue}.", file=sys.stderr)
        return 1
    if args.once:  # for running from cron: also applies the retention period
        dispatcher.purge()
        summary = dispatcher.run_once()
        print(f"delivered: {summary.delivered}, retrying: {summary.retrying}, dead: {summary.dead}")
        return 0

    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("Stopping after the delivery in progress (signal %d).", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    dispatcher.run_forever(stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
