"""The assistant as it runs on several servers, all on this machine (issue 15):

    nginx :5005 ── /webhooks/widget/ ──> Rasa replicas (python -m bot.server), chosen by a
          │                              consistent hash of ?conversation=, so each
          │                              conversation stays on one replica while it lives
          └─ (internal) ── actions ───> two action servers (round robin)
    Redis: tracker store (keys expire after the promised retention) and lock store
    PostgreSQL: the handoff outbox, shared by two dispatchers (leases: each handoff once)
    the force inbox and the demo sites, as in scripts/run.sh

    scripts/run.sh --scaled                 # sets up, then runs this: Ctrl-C stops it all
    .venv/bin/python scripts/scaled.py --replicas 3

Redis, PostgreSQL and nginx come from their Debian packages (scripts/setup.sh --scaled
installs them) and run from throwaway folders (scripts/local_servers.py): nothing is
configured system-wide, and nothing is kept when it stops. docs/deploy.md explains the
same topology for real servers.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.settings import load_settings  # noqa: E402
from force_inbox.settings import load_force_inbox_settings  # noqa: E402
from scripts.local_servers import (  # noqa: E402
    RedisServer,
    ServerUnavailable,
    free_port,
    nginx_server,
    postgres_cluster,
    redis_server,
)

PYTHON = str(ROOT / ".venv" / "bin" / "python")


@dataclass
class Process:
    name: str
    command: List[str]
    env: Dict[str, str]
    log: Path
    health: str  # a URL that answers 200 when it is ready, or "" for none
    popen: Optional[subprocess.Popen] = None

    def start(self) -> "Process":
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def wait_until_ready(self, timeout_s: float = 180) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.popen is not None and self.popen.poll() is not None:
                raise ServerUnavailable(f"{self.name} stopped while starting; its log ends:\n{self.log_tail()}")
            if not self.health:
                return
            try:
                if requests.get(self.health, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise ServerUnavailable(f"{self.name} was not ready within {timeout_s:.0f} s; its log ends:\n{self.log_tail()}")

    def kill(self) -> None:
        """As a crash would: no chance to finish anything."""
        if self.popen is not None and self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:] if self.log.exists() else ""


@dataclass
class ScaledStack:
    public: str  # http://127.0.0.1:<port>: nginx, the only door
    replicas: List[Process]
    action_servers: List[Process]
    dispatchers: List[Process]
    inbox: Process
    redis: RedisServer
    outbox_url: str
    folder: Path
    others: List[Process] = field(default_factory=list)

    @property
    def widget(self) -> str:
        return f"{self.public}/webhooks/widget"

    @property
    def inbox_api(self) -> str:
        return self.inbox.health.replace("/healthz", "/api/handoffs")

    def replica_url(self, index: int) -> str:
        return self.replicas[index].health.rsplit("/webhooks/", 1)[0]


def endpoints_yml(actions_port: int, redis_port: int, retention_s: int) -> str:
    """Rasa's endpoints for every replica: shared state in Redis, actions through nginx."""
    return (
        "action_endpoint:\n"
        f"  url: \"http://127.0.0.1:{actions_port}/webhook\"\n"
        "  headers:\n"
        "    X-Action-Server-Token: ${ACTION_SERVER_TOKEN}\n"
        "tracker_store:\n"
        "  type: redis\n"
        "  url: 127.0.0.1\n"
        f"  port: {redis_port}\n"
        "  db: 0\n"
        f"  record_exp: {retention_s}\n"
        "lock_store:\n"
        "  type: redis\n"
        "  url: 127.0.0.1\n"
        f"  port: {redis_port}\n"
        "  db: 1\n"
    )


def nginx_http_block(public_port: int, replica_ports: List[int], actions_port: int, action_ports: List[int]) -> str:
    replicas = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in replica_ports)
    actions = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in action_ports)
    return f"""
  # One conversation, one replica: Rasa's Redis lock store can race across servers
  # (rasa issue 9213). The widget repeats the conversation id in the address for this.
  upstream rasa_replicas {{
    hash $arg_conversation consistent;
{replicas}
  }}
  upstream action_servers {{
{actions}
  }}
  server {{
    listen 127.0.0.1:{public_port};
    client_max_body_size 16k;
    # Only the widget's paths: Rasa's own routes stay inside.
    location /webhooks/widget/ {{
      proxy_pass http://rasa_replicas;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_http_version 1.1;
      proxy_read_timeout 60s;
      # A replica that is down is skipped; a request it already received is never sent twice.
      proxy_next_upstream error timeout;
    }}
    location / {{ return 404; }}
  }}
  server {{
    listen 127.0.0.1:{actions_port};
    location / {{
      proxy_pass http://action_servers;
      proxy_http_version 1.1;
      proxy_read_timeout 60s;
      proxy_next_upstream error timeout;
    }}
  }}"""


@contextlib.contextmanager
def scaled_stack(replicas: int = 2, public_port: Optional[int] = None, inbox_port: Optional[int] = None,
                 model: Optional[Path] = None, demo: bool = False,
                 extra_env: Optional[Dict[str, str]] = None) -> Iterator[ScaledStack]:
    model = model or _model_path()
    folder = Path(tempfile.mkdtemp(prefix="vawg-scaled-"))
    public_port = public_port or free_port()
    actions_port = free_port()
    replica_ports = [free_port() for _ in range(replicas)]
    action_ports = [free_port(), free_port()]
    inbox_port = inbox_port or free_port()
    settings = load_settings()
    processes: List[Process] = []
    with contextlib.ExitStack() as running:
        # Last out: the folder holds the outbox key and the force inbox's database.
        running.callback(shutil.rmtree, folder, ignore_errors=True)
        redis = running.enter_context(redis_server())
        outbox_url = running.enter_context(postgres_cluster())
        endpoints = folder / "endpoints.yml"
        endpoints.write_text(endpoints_yml(actions_port, redis.port, settings.conversation_retention_seconds),
                             encoding="utf-8")
        base = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "ACTION_SERVER_TOKEN": settings.action_server_token,  # read by the endpoints file too
            "HANDOFF_OUTBOX_URL": outbox_url,
            "OVERSIGHT_DB_URL": outbox_url,  # the counters share the PostgreSQL: several replicas add to them
            "HANDOFF_GENERAL_URL": f"http://127.0.0.1:{inbox_port}/handoffs/general",
            "HANDOFF_PSD_URL": f"http://127.0.0.1:{inbox_port}/handoffs/professional-standards",
            "HANDOFF_KEY_FILE": str(folder / "outbox.key"),
            "FORCE_INBOX_PORT": str(inbox_port),
            "FORCE_INBOX_DB": str(folder / "force-inbox.db"),
            "FORCE_INBOX_KEY_FILE": str(folder / "force-inbox.key"),
            # Behind one proxy of our own: the client address is nginx's X-Forwarded-For entry.
            "WIDGET_TRUSTED_PROXY_HOPS": "1",
            **(extra_env or {}),
        }

        def process(name: str, command: List[str], health: str, **env: str) -> Process:
            made = Process(name, command, {**base, **env}, folder / f"{name}.log", health)
            processes.append(made)
            return made

        running.callback(lambda: [p.stop() for p in reversed(processes)])
        inbox = process("force-inbox", [PYTHON, "-m", "force_inbox"], f"http://127.0.0.1:{inbox_port}/healthz")
        actions = [process(f"action-server-{i + 1}", [PYTHON, "-m", "bot.action_server"],
                           f"http://127.0.0.1:{port}/health", ACTION_SERVER_PORT=str(port))
                   for i, port in enumerate(action_ports)]
        dispatchers = [process(f"dispatcher-{i + 1}", [PYTHON, "-m", "connectors.handoff.dispatcher"], "",
                               HANDOFF_DISPATCHER_HEARTBEAT=str(folder / f"dispatcher-{i + 1}.heartbeat"))
                       for i in range(2)]
        rasa = [process(f"rasa-{i + 1}", [PYTHON, "-m", "bot.server", "run", "--model", str(model),
                                          "--endpoints", str(endpoints), "--credentials", "bot/credentials.yml",
                                          "--interface", "127.0.0.1", "--port", str(port)],
                        f"http://127.0.0.1:{port}/webhooks/widget/")
                for i, port in enumerate(replica_ports)]
        others = [process("demo-sites", [PYTHON, "demo/serve.py"], "")] if demo else []
        for started in processes:
            started.start()
        for started in processes:
            started.wait_until_ready()
        running.enter_context(nginx_server(nginx_http_block(public_port, replica_ports, actions_port, action_ports),
                                           [public_port, actions_port]))
        yield ScaledStack(f"http://127.0.0.1:{public_port}", rasa, actions, dispatchers, inbox, redis, outbox_url,
                          folder, others)


def _model_path() -> Path:
    output = subprocess.run([PYTHON, "scripts/train.py", "--print-path"], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    return ROOT / output.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the assistant on several replicas behind nginx, on this machine.")
    parser.add_argument("--replicas", type=int, default=2, help="Rasa replicas (default 2)")
    parser.add_argument("--port", type=int, default=5005, help="nginx's public port (default 5005, as the demo pages expect)")
    args = parser.parse_args()
    if args.replicas < 1:
        parser.error("--replicas must be 1 or more")
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        inbox_port = load_force_inbox_settings().port
        with scaled_stack(args.replicas, public_port=args.port, inbox_port=inbox_port, demo=True) as stack:
            print(f"Scaled assistant on {stack.public} (widget: {stack.widget}/): {args.replicas} Rasa replicas, "
                  "2 action servers, 2 dispatchers, Redis, PostgreSQL, nginx.")
            print("Widget demo: http://localhost:8000/ (force site) and http://localhost:8001/ (partner site). "
                  f"Logs: {stack.folder} (deleted when it stops). Ctrl-C stops everything.")
            while not stop["now"]:
                time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    except ServerUnavailable as why:
        print(f"The scaled assistant could not start: {why}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
