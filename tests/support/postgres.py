"""A throwaway PostgreSQL server for the tests, from the Debian package scripts/setup.sh
installs: a new cluster in a temporary folder, on a free port of 127.0.0.1, trusting
local connections, stopped and deleted afterwards. PostgreSQL refuses to run as root,
so as root the server runs as the `postgres` user the package creates.

    with running_postgres() as url:   # postgresql://postgres@127.0.0.1:PORT/postgres
        ...

HANDOFF_TEST_POSTGRES_URL, when set, names a database to use instead (a CI service).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator, List, Optional

from tests.support.ports import free_port

DEBIAN_BINARIES = Path("/usr/lib/postgresql")


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started here; the message says why."""


def postgres_bin() -> Path:
    """The newest installed server's bin folder."""
    versions = sorted((p for p in DEBIAN_BINARIES.glob("*/bin") if (p / "initdb").exists()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if not versions:
        raise PostgresUnavailable("PostgreSQL is not installed (scripts/setup.sh installs Debian's postgresql)")
    return versions[-1]


def _as_server_user(command: List[str]) -> List[str]:
    if os.geteuid() != 0:
        return command
    if not shutil.which("runuser"):
        raise PostgresUnavailable("running as root without runuser, so PostgreSQL cannot be started as postgres")
    return ["runuser", "-u", "postgres", "--"] + command


def _run(command: List[str], what: str) -> None:
    result = subprocess.run(_as_server_user(command), capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise PostgresUnavailable(f"{what} failed: {(result.stderr or result.stdout).strip()[-800:]}")


@contextlib.contextmanager
def running_postgres() -> Iterator[str]:
    given = os.environ.get("HANDOFF_TEST_POSTGRES_URL", "").strip()
    if given:
        yield given
        return
    binaries = postgres_bin()
    # Not under pytest's own temporary folder: that is private to root, and the server
    # runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="vawg-postgres-"))
    try:
        yield from _cluster(binaries, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _cluster(binaries: Path, folder: Path) -> Iterator[str]:
    data, sockets = folder / "pgdata", folder / "pgsock"
    for path in (folder, data, sockets):
        path.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")
    port = free_port()
    _run([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync",
          "--encoding=UTF8", "--locale=C"], "initdb")
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off -c full_page_writes=off"
    _run([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "postgres.log"),
          "-w", "-t", "60", "start"], "starting PostgreSQL")
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        _wait_until_ready(binaries, port)
        yield url
    finally:
        subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)


def _wait_until_ready(binaries: Path, port: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    last: Optional[str] = None
    while time.monotonic() < deadline:
        result = subprocess.run([str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                                capture_output=True, text=True)
        if result.returncode == 0:
            return
        last = result.stdout.strip()
        time.sleep(0.2)
    raise PostgresUnavailable(f"PostgreSQL did not become ready: {last}")
