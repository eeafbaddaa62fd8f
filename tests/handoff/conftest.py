"""Fixtures for the handoff tests: isolated settings, a sample request full of recognisable
personal data, the real force inbox as a subprocess, and small servers that misbehave."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Dict, Iterator, List

import pytest

from connectors.handoff import outbox as outbox_module
from connectors.handoff.outbox import Outbox
from connectors.handoff.settings import HandoffSettings, load_handoff_settings
from tests.support.handoff import (
    GENERAL_SECRET,
    INBOX_TOKEN,
    PSD_SECRET,
    Behaviour,
    InboxProcess,
    SmallServer,
    inbox_env,
)
from tests.support.ports import free_port


@pytest.fixture
def handoff_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    """Every handoff setting set explicitly (so a developer's .env changes nothing), with short timings."""
    for name in list(os.environ):
        if name.startswith(("HANDOFF_", "FORCE_INBOX_")) or name == "APP_ENV":
            monkeypatch.delenv(name)
    values = {
        "APP_ENV": "development",
        "HANDOFF_OUTBOX_PATH": str(tmp_path / "outbox.db"),
        "HANDOFF_OUTBOX_URL": "",
        "HANDOFF_ENCRYPTION_KEY": "",
        "HANDOFF_KEY_FILE": str(tmp_path / "outbox.key"),
        "HANDOFF_DISPATCHER_HEARTBEAT": str(tmp_path / "dispatcher.heartbeat"),
        "HANDOFF_RETENTION_DAYS": "30",
        "HANDOFF_MAX_ATTEMPTS": "8",
        "HANDOFF_RETRY_BASE_SECONDS": "0.05",
        "HANDOFF_RETRY_MAX_SECONDS": "0.2",
        "HANDOFF_TIMEOUT_SECONDS": "2",
        "HANDOFF_LEASE_SECONDS": "5",
        "HANDOFF_POLL_SECONDS": "0.05",
        "HANDOFF_ALERT_WEBHOOK_URL": "",
        "HANDOFF_GENERAL_TRANSPORT": "http",
        "HANDOFF_GENERAL_URL": f"http://127.0.0.1:{free_port()}/handoffs/general",
        "HANDOFF_GENERAL_SECRET": GENERAL_SECRET,
        "HANDOFF_PSD_TRANSPORT": "http",
        "HANDOFF_PSD_URL": f"http://127.0.0.1:{free_port()}/handoffs/professional-standards",
        "HANDOFF_PSD_SECRET": PSD_SECRET,
        "HANDOFF_SMTP_HOST": "",
        "HANDOFF_SMTP_PORT": "587",
        "HANDOFF_SMTP_USER": "",
        "HANDOFF_SMTP_PASSWORD": "",
        "HANDOFF_SMTP_FROM": "",
        "HANDOFF_SMTP_TO": "",
        "HANDOFF_PSD_SMTP_TO": "",
        "FORCE_INBOX_PORT": "8070",
        "FORCE_INBOX_DB": str(tmp_path / "inbox.db"),
        "FORCE_INBOX_TOKEN": INBOX_TOKEN,
        "FORCE_INBOX_GENERAL_SECRET": "",
        "FORCE_INBOX_PSD_SECRET": "",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    yield values
    for opened in list(outbox_module._outboxes.values()):
        opened.close()
    outbox_module._outboxes.clear()


@pytest.fixture
def settings(handoff_env: Dict[str, str]) -> HandoffSettings:
    return load_handoff_settings()


@pytest.fixture
def outbox(settings: HandoffSettings) -> Iterator[Outbox]:
    opened = Outbox.from_settings(settings)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InboxProcess]:
    """One real inbox for the session: tests look only at the references they made."""
    process = InboxProcess(tmp_path_factory.mktemp("inbox"), env=inbox_env()).start()
    yield process
    process.stop()


@pytest.fixture
def small_server() -> Iterator[Callable[[Behaviour], SmallServer]]:
    servers: List[SmallServer] = []

    def start(behaviour: Behaviour) -> SmallServer:
        servers.append(SmallServer(behaviour))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


