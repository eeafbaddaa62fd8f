"""Handoff test helpers: payloads, a force inbox in its own process, small HTTP servers
standing in for the force, and waiting for what they receive."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
import requests

from bot.settings import PROJECT_ROOT
from connectors.handoff.dispatcher import Dispatcher, RunSummary
from connectors.handoff.outbox import utcnow
from force_inbox.store import InboxStore
from tests.support.ports import free_port

DEADLINE_S = 20
INBOX_TOKEN = "test-inbox-token"
GENERAL_SECRET = "test-general-secret"
PSD_SECRET = "test-psd-secret"

# Personal data in the sample request. None of it may ever reach a log.
NAME = "Zelda Quockerwodger"
PHONE = "+447700900461"
EMAIL = "zelda.q@example.org"
SAFE_TIMES = "weekdays after 7pm while Quentin is at work"
IF_SOMEONE_ELSE = "say you are from the Quillbury book club"
AREA = "Hatton Fenwick"
INTERPRETER = "Tigrinya"
ACCESSIBILITY = "hard of hearing, please speak slowly"
PERSONAL_FRAGMENTS = [
    "Zelda", "Quockerwodger", "7700900461", "07700 900461", "900461", "zelda.q", "example.org",
    "Quentin", "Quillbury", "Hatton Fenwick", "Tigrinya", "hard of hearing",
]


def make_payload(destination: str = "general", topic: str = "domestic_abuse", **overrides: Any) -> Dict[str, Any]:
    """A complete request as the conversation side will send it (reference and created_at left to accept)."""
    payload: Dict[str, Any] = {
        "destination": destination,
        "source": {"channel": "website", "partner_id": None},
        "topic": topic,
        "name": NAME,
        "contact": {
            "method": "call",
            "phone": PHONE,
            "email": EMAIL,
            "safe_times": SAFE_TIMES,
            "voicemail_ok": False,
            "text_ok": True,
            "others_may_answer": True,
            "if_someone_else_answers": IF_SOMEONE_ELSE,
        },
        "area": AREA,
        "needs": {"interpreter": INTERPRETER, "accessibility": ACCESSIBILITY},
        "consent": {"given_at": "2025-03-01T14:04:50Z", "wording_version": "handoff-consent-v1"},
    }
    payload.update(overrides)
    return payload


def assert_no_personal_data(text: str, where: str) -> None:
    found = [fragment for fragment in PERSONAL_FRAGMENTS if fragment.lower() in text.lower()]
    assert not found, f"personal data {found} in {where}"


def settle(dispatcher: Dispatcher, passes: int = 20) -> List[RunSummary]:
    """Run passes until nothing is left to do, each an hour after the last, so every backoff
    has run out: one try per due row per pass, and no waiting in real time."""
    summaries = []
    now = utcnow()
    for _ in range(passes):
        now += timedelta(hours=1)
        summary = dispatcher.run_once(now=now)
        summaries.append(summary)
        counts = dispatcher.outbox.counts()
        if counts["pending"] == 0 and counts["sending"] == 0:
            break
    return summaries


def wait_for(condition: Callable[[], Any], what: str, deadline_s: float = DEADLINE_S) -> Any:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.02)
    pytest.fail(f"timed out after {deadline_s}s waiting for {what}")


class InboxProcess:
    """The real force inbox, `python -m force_inbox`, on its own port and database."""

    def __init__(self, tmp_path: Path, port: Optional[int] = None, env: Optional[Dict[str, str]] = None) -> None:
        self.env = env
        self.port = port or free_port()
        self.db = tmp_path / f"inbox-{self.port}.db"
        self.log_path = tmp_path / f"inbox-{self.port}.log"
        self.process: Optional[subprocess.Popen] = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, endpoint: str) -> str:
        return f"{self.base}/handoffs/{endpoint}"

    def start(self) -> "InboxProcess":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "force_inbox", "--port", str(self.port), "--db", str(self.db)],
            cwd=PROJECT_ROOT,
            env={**(self.env or os.environ), "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

        def up() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"the force inbox stopped while starting:\n{self.output()}")
            try:
                return requests.get(f"{self.base}/healthz", timeout=1).ok
            except requests.ConnectionError:
                return False

        wait_for(up, "the force inbox to start")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def received(self) -> List[Dict[str, Any]]:
        return InboxStore(self.db, inbox_cipher()).all() if self.db.exists() else []

    def references(self, among: Optional[List[str]] = None) -> List[str]:
        """References received, sorted, each as often as it was stored (only those in among, if given)."""
        found = [item["reference"] for item in self.received()]
        return sorted(r for r in found if among is None or r in among)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def inbox_cipher():
    """The key an inbox started with inbox_env() encrypts with: the development key file."""
    from bot.settings import PROJECT_ROOT
    from connectors.handoff.encryption import cipher_for

    return cipher_for((), PROJECT_ROOT / ".data" / "force-inbox.key", False, "FORCE_INBOX_ENCRYPTION_KEY")


def inbox_env() -> Dict[str, str]:
    """The environment for an inbox started outside a test's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HANDOFF_", "FORCE_INBOX_")) and k != "APP_ENV"}
    env.update(
        APP_ENV="development",
        FORCE_INBOX_TOKEN=INBOX_TOKEN,
        FORCE_INBOX_GENERAL_SECRET=GENERAL_SECRET,
        FORCE_INBOX_PSD_SECRET=PSD_SECRET,
    )
    return env


@dataclass
class Seen:
    path: str
    headers: Dict[str, str]
    body: bytes

# behaviour(server, request, n) -> (status, body) or (status, body, headers); n counts from 1
Behaviour = Callable[["SmallServer", Seen, int], Tuple[Any, ...]]


@dataclass
class SmallServer:
    """A tiny HTTP server in this process whose answers a test scripts (behaviour(server, request, n))."""

    behaviour: Behaviour
    seen: List[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)  # set to free handlers that hang
    got_request: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Seen(self.path, {k: v for k, v in self.headers.items()}, body)
                with lock:
                    server.seen.append(request)
                    number = len(server.seen)
                server.got_request.set()
                status, reply, *extra = server.behaviour(server, request, number)
                try:
                    self.send_response(status)
                    for name, value in (extra[0] if extra else {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:
                    pass  # the client gave up (timed out, or was killed)

            def log_message(self, *args: Any) -> None:
                pass

        lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._http.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/handoffs/general"

    def close(self) -> None:
        self.release.set()
        self._http.shutdown()
        self._http.server_close()


def forward(to_url: str, request: Seen) -> Tuple[int, bytes]:
    """Pass a request on to the real inbox, unchanged, and return its answer."""
    headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
    reply = requests.post(to_url, data=request.body, headers=headers, timeout=10)
    return reply.status_code, reply.content


def json_reply(status: int, data: Dict[str, Any]) -> Tuple[int, bytes]:
    return status, json.dumps(data).encode()
