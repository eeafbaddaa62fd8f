"""The whole assistant, started for tests as scripts/run.sh starts it, on free ports.

`running_stack` starts the Rasa server (with the REST and widget channels, and Rasa's
HTTP API behind a random token so that tests can read a conversation's tracker), the
action server, the handoff dispatcher and the reference force inbox. `demo_sites`
serves the widget's demo pages (demo/serve.py) for it: copies of the pages, made in a
temporary folder, that load the widget from the test server and quick-exit to a local
neutral page. The test Rasa server reads a partner list naming the demo's ports.

Used by the fixtures in tests/conftest.py; nothing here is a test itself.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import requests
import yaml

from bot.settings import PROJECT_ROOT
from connectors.handoff.outbox import outbox_table
from scripts.train import model_path
from tests.support.ports import free_port

PYTHON = str(PROJECT_ROOT / ".venv" / "bin" / "python")
DEMO = PROJECT_ROOT / "demo"
REAL_PARTNERS = PROJECT_ROOT / "connectors" / "partners.yml"
INBOX_TOKEN = "integration-test-inbox-token-0123456789"
START_TIMEOUT_S = 180
# The demo pages and the real partner list name these; the tests use free ports instead.
DEMO_WIDGET_SERVER = "5005"
DEMO_FORCE_PORT, DEMO_PARTNER_PORT = "8000", "8001"


class StackError(RuntimeError):
    """A server did not start; the message ends with its log."""


def wait_until_up(url: str, processes: List[subprocess.Popen], log_path: Path,
                  timeout_s: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise StackError("A server stopped while starting. Its log ends:\n" + log_path.read_text()[-3000:])
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise StackError(f"{url} did not come up within {timeout_s}s. The log ends:\n" + log_path.read_text()[-3000:])


def stop(processes: List[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass(frozen=True)
class Stack:
    rasa: str  # http://localhost:<port>
    inbox: str  # the force inbox's API
    log: Path  # every server's output
    api_token: str  # for Rasa's HTTP API (enabled in tests only)
    force_port: int  # where demo_sites serves the force's page, allowed in the test partner list
    partner_port: int  # where demo_sites serves the partner's page, allowed too
    outbox: Path  # the handoff outbox's SQLite file
    action_server: str  # http://127.0.0.1:<port>, which only the Rasa server may use
    action_token: str  # the shared secret the Rasa server sends the action server
    oversight_db: Path  # the oversight counters' SQLite file (connectors/counters.py)

    def received_handoffs(self) -> List[Dict]:
        """Every handoff the reference force inbox has received so far."""
        response = requests.get(self.inbox, headers={"Authorization": f"Bearer {INBOX_TOKEN}"}, timeout=10)
        response.raise_for_status()
        listing = response.json()
        return listing.get("handoffs", []) if isinstance(listing, dict) else listing

    def outbox_size(self) -> int:
        """How many handoffs the outbox has ever accepted (delivered ones included)."""
        with contextlib.closing(sqlite3.connect(self.outbox)) as db:
            return db.execute(f"SELECT count(*) FROM {outbox_table.name}").fetchone()[0]

    def settled_log(self, quiet_s: float = 0.3, timeout_s: float = 10) -> str:
        """Every server's output so far, read once it has stopped growing for `quiet_s`:
        a server may still be writing about the last request when its answer arrives."""
        deadline = time.monotonic() + timeout_s
        size, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            now_size = self.log.stat().st_size
            if now_size != size:
                size, quiet_since = now_size, time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_s:
                break
            time.sleep(0.05)
        return self.log.read_text(encoding="utf-8", errors="replace")

    @property
    def url(self) -> str:
        """The REST channel."""
        return f"{self.rasa}/webhooks/rest/webhook"

    @property
    def widget(self) -> str:
        return f"{self.rasa}/webhooks/widget"

    def tracker(self, conversation_id: str) -> Dict:
        """The conversation's tracker, through Rasa's HTTP API. For a conversation the
        server does not have, Rasa answers with a new one: no user or bot events."""
        response = requests.get(
            f"{self.rasa}/conversations/{conversation_id}/tracker",
            params={"token": self.api_token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def said(self, conversation_id: str) -> List[str]:
        """What was said in the conversation, as the server holds it: user and bot texts."""
        return [
            f"{event['event']}: {event.get('text') or ''}"
            for event in self.tracker(conversation_id).get("events", [])
            if event.get("event") in ("user", "bot")
        ]


class Chat:
    """One conversation over the REST channel or the widget channel: type, or press a
    button the assistant offered, by its title."""

    def __init__(self, stack: Stack, channel: str, site: str = "force", language: Optional[str] = None) -> None:
        """site: the widget's page, "force" or "partner" (two partners in the test list);
        language: one chosen in the widget, sent with every message."""
        self.stack, self.channel, self.language = stack, channel, language
        self.replies: List[Dict] = []
        self.origin = f"http://localhost:{stack.force_port if site == 'force' else stack.partner_port}"
        self.id = f"chat-{uuid.uuid4().hex}"
        self.name = f"Tester {uuid.uuid4().hex[:12]}"
        self.buttons: List[Dict] = []

    @property
    def server_id(self) -> str:
        """The conversation's id on the server: the REST channel keeps its own ("rest:<id>")."""
        return f"rest:{self.id}" if self.channel == "rest" else self.id

    def _post(self, body: Dict) -> List[Dict]:
        if self.channel == "rest":
            response = requests.post(self.stack.url, json={"sender": self.id, **body}, timeout=60)
            response.raise_for_status()
            replies = response.json()
        else:
            chosen = {"language": self.language} if self.language else {}
            response = requests.post(f"{self.stack.widget}/message",
                                     json={"conversation_id": self.id, **body, **chosen},
                                     headers={"Origin": self.origin}, timeout=60)
            response.raise_for_status()
            replies = response.json()["messages"]
        self.buttons = [b for r in replies for b in r.get("buttons") or []]
        self.replies = replies
        return replies

    def say(self, text: str) -> List[str]:
        body = {"message": text} if self.channel == "rest" else {"text": text}
        return [r.get("text", "") for r in self._post(body)]

    def press(self, title: str) -> List[str]:
        button = next((b for b in self.buttons if b["title"] == title), None)
        assert button is not None, f"no button {title!r} among {[b['title'] for b in self.buttons]}"
        if self.channel == "rest":
            body = {"message": button["payload"]}
        else:
            body = {"button": {"payload": button["payload"], "signature": button["signature"]}}
        return [r.get("text", "") for r in self._post(body)]

    def forget(self, reason: str) -> bool:
        """What the widget asks when someone presses Clear ("clear") or the quick exit ("quick_exit")."""
        response = requests.post(f"{self.stack.widget}/forget", json={"conversation_id": self.id, "reason": reason},
                                 headers={"Origin": self.origin}, timeout=60)
        response.raise_for_status()
        return response.json()["forgotten"]

    def reach_the_consent_question(self, content) -> List[str]:
        """Asks to be contacted (the person will call the force), answering by buttons, in
        the language chosen for the chat ("Yes, go ahead" in English)."""
        words = content.in_language(self.language or "en").handoff
        self.say("can the police contact me")
        self.press(words.button_labels["go_ahead"])
        self.press(words.label_of(words.topics, "domestic_abuse"))
        self.say(self.name)
        self.press(words.label_of(words.methods, "they_will_contact"))
        self.press(content.finder.areas[0].label)
        read_back = self.press(words.button_labels["no_needs"])
        assert words.button_labels["send_it"] in {b["title"] for b in self.buttons}, read_back
        assert any(self.name in t for t in read_back), read_back
        return read_back


def write_test_partners(path: Path, force_port: int, partner_port: int) -> None:
    """The real partner list with the demo's ports swapped for the test ports, so
    names and colours stay as the real file has them."""
    data = yaml.safe_load(REAL_PARTNERS.read_text(encoding="utf-8"))
    ports = {DEMO_FORCE_PORT: str(force_port), DEMO_PARTNER_PORT: str(partner_port)}
    for partner in data["partners"]:
        partner["allowed_origins"] = [
            re.sub(r":(\d+)$", lambda m: ":" + ports.get(m.group(1), m.group(1)), origin)
            for origin in partner["allowed_origins"]
        ]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@contextlib.contextmanager
def running_stack(folder: Path, extra_env: Optional[Dict[str, str]] = None) -> Iterator[Stack]:
    model = model_path()
    if not model.exists():
        raise StackError(f"No trained model at {model}: run scripts/setup.sh")
    rasa_port, action_port, inbox_port = free_port(), free_port(), free_port()
    force_port, partner_port = free_port(), free_port()
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    partners = folder / "partners.yml"
    write_test_partners(partners, force_port, partner_port)
    api_token, action_token = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "ACTION_SERVER_PORT": str(action_port),
        "ACTION_SERVER_TOKEN": action_token,
        "CONVERSATION_RETENTION_HOURS": "1",
        "HANDOFF_OUTBOX_PATH": str(data / "outbox.db"),
        "HANDOFF_KEY_FILE": str(data / "outbox.key"),
        "HANDOFF_DISPATCHER_HEARTBEAT": str(data / "dispatcher.heartbeat"),
        "HANDOFF_GENERAL_URL": f"http://localhost:{inbox_port}/handoffs/general",
        "HANDOFF_PSD_URL": f"http://localhost:{inbox_port}/handoffs/professional-standards",
        "HANDOFF_POLL_SECONDS": "0.5",
        "OVERSIGHT_DB": str(data / "oversight.db"),
        "OVERSIGHT_FLUSH_SECONDS": "0.2",
        "FORCE_INBOX_DB": str(data / "inbox.db"),
        "FORCE_INBOX_PORT": str(inbox_port),
        "FORCE_INBOX_TOKEN": INBOX_TOKEN,
        "WIDGET_PARTNERS_FILE": str(partners),
        # Every browser test comes from 127.0.0.1: the per-address limit is not under test here.
        "WIDGET_ADDRESS_REQUESTS_PER_MINUTE": "100000",
        **(extra_env or {}),
    }
    log_path = folder / "servers.log"
    processes: List[subprocess.Popen] = []
    with log_path.open("w") as log:
        def start(*command: str) -> None:
            processes.append(subprocess.Popen(list(command), cwd=PROJECT_ROOT, env=env, stdout=log,
                                              stderr=subprocess.STDOUT))

        try:
            start(PYTHON, "-m", "force_inbox")
            start(PYTHON, "-m", "connectors.handoff.dispatcher")
            start(PYTHON, "-m", "bot.action_server")
            start(PYTHON, "-m", "bot.server", "run", "--model", str(model), "--endpoints", "bot/endpoints.yml",
                  "--credentials", "bot/credentials.yml", "--port", str(rasa_port),
                  "--enable-api", f"--auth-token={api_token}")  # "=": a token may start with "-"
            wait_until_up(f"http://127.0.0.1:{action_port}/health", processes, log_path)
            wait_until_up(f"http://localhost:{rasa_port}/webhooks/widget/", processes, log_path)
            wait_until_up(f"http://localhost:{inbox_port}/healthz", processes, log_path)
            yield Stack(
                rasa=f"http://localhost:{rasa_port}",
                inbox=f"http://localhost:{inbox_port}/api/handoffs",
                log=log_path,
                api_token=api_token,
                force_port=force_port,
                partner_port=partner_port,
                outbox=data / "outbox.db",
                oversight_db=data / "oversight.db",
                action_server=f"http://127.0.0.1:{action_port}",
                action_token=action_token,
            )
        finally:
            stop(processes)


@dataclass(frozen=True)
class DemoSites:
    force: str  # the force's page, on an origin in the partner list
    partner: str  # the partner charity's page, on an origin in the partner list
    stranger: str  # the partner's page again, on an origin in no one's list
    neutral: str  # where quick exit goes: the force site's neutral page


def copy_demo_pages(target: Path, widget_origins: List[str], exit_url: str) -> None:
    """demo/force-site and demo/partner-site, with the widget loaded from the test
    server (script src and CSP) and quick exit going to `exit_url`."""
    for site in ("force-site", "partner-site"):
        shutil.copytree(DEMO / site, target / site)
        for page in (target / site).glob("*.html"):
            html = page.read_text(encoding="utf-8")
            html = html.replace(f"http://localhost:{DEMO_WIDGET_SERVER}", widget_origins[0])
            html = html.replace(f"http://127.0.0.1:{DEMO_WIDGET_SERVER}", widget_origins[1])
            html = re.sub(r'data-exit-url="[^"]*"', f'data-exit-url="{exit_url}"', html)
            page.write_text(html, encoding="utf-8")


@contextlib.contextmanager
def demo_sites(folder: Path, stack: Stack) -> Iterator[DemoSites]:
    """demo/serve.py twice: on the stack's allowed ports, and on two ports no partner has."""
    rasa_port = stack.rasa.rsplit(":", 1)[1]
    origins = [f"http://localhost:{rasa_port}", f"http://127.0.0.1:{rasa_port}"]
    neutral = f"http://localhost:{stack.force_port}/neutral.html"
    copy_demo_pages(folder, origins, neutral)
    stranger_force, stranger_partner = free_port(), free_port()
    log_path = folder / "demo.log"
    processes: List[subprocess.Popen] = []
    with log_path.open("w") as log:
        try:
            for force_port, partner_port in ((stack.force_port, stack.partner_port), (stranger_force, stranger_partner)):
                processes.append(subprocess.Popen(
                    [PYTHON, str(DEMO / "serve.py"), "--force-port", str(force_port), "--partner-port", str(partner_port),
                     "--sites", str(folder), "--widget-server", " ".join(origins)],
                    cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                ))
            for port in (stack.force_port, stack.partner_port, stranger_force, stranger_partner):
                wait_until_up(f"http://localhost:{port}/", processes, log_path, timeout_s=30)
            yield DemoSites(
                force=f"http://localhost:{stack.force_port}/",
                partner=f"http://localhost:{stack.partner_port}/",
                stranger=f"http://localhost:{stranger_partner}/",
                neutral=neutral,
            )
        finally:
            stop(processes)
