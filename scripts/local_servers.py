"""PostgreSQL, Redis and nginx from their Debian packages, started in a folder of their
own on this machine and stopped afterwards: for the scaled mode (scripts/scaled.py) and
the tests. Nothing is configured system-wide. scripts/setup.sh installs the packages.

    with postgres_cluster() as url, redis_server() as redis_port:
        ...

PostgreSQL and nginx refuse to run (or drop privileges) as root, so as root they run
as the users their packages create (postgres, www-data).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator, List, Optional

DEBIAN_POSTGRES = Path("/usr/lib/postgresql")


class ServerUnavailable(RuntimeError):
    """A server cannot be started here; the message says why and what to install."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _private_folder(prefix: str) -> Path:
    """Outside any folder private to root, so the servers' own users can reach it."""
    return Path(tempfile.mkdtemp(prefix=prefix))


def _give_to(user: str, *paths: Path) -> None:
    if os.geteuid() == 0:
        for path in paths:
            shutil.chown(path, user, user)


def _as_user(user: str, command: List[str]) -> List[str]:
    if os.geteuid() != 0:
        return command
    if not shutil.which("runuser"):
        raise ServerUnavailable(f"running as root without runuser, so cannot start {command[0]} as {user}")
    return ["runuser", "-u", user, "--"] + command


def _wait_for_port(port: int, process: Optional[subprocess.Popen], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServerUnavailable(f"{what} stopped while starting (exit status {process.returncode})")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise ServerUnavailable(f"{what} did not start listening on port {port} within {timeout_s:.0f} s")


# ---- PostgreSQL --------------------------------------------------------------------------

def postgres_bin() -> Path:
    """The newest installed server's bin folder."""
    versions = sorted((p for p in DEBIAN_POSTGRES.glob("*/bin") if (p / "initdb").exists()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if not versions:
        raise ServerUnavailable("PostgreSQL is not installed (scripts/setup.sh installs Debian's postgresql)")
    return versions[-1]


@contextlib.contextmanager
def postgres_cluster(port: Optional[int] = None) -> Iterator[str]:
    """A new cluster trusting local connections; yields postgresql://postgres@127.0.0.1:PORT/postgres."""
    binaries = postgres_bin()
    folder = _private_folder("vawg-postgres-")
    data, sockets = folder / "pgdata", folder / "pgsock"
    data.mkdir()
    sockets.mkdir()
    _give_to("postgres", folder, data, sockets)
    port = port or free_port()
    try:
        _run_as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync",
                          "--encoding=UTF8", "--locale=C"], "initdb")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets}"
        _run_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "postgres.log"),
                          "-w", "-t", "60", "start"], "starting PostgreSQL")
        try:
            _wait_for_port(port, None, "PostgreSQL")
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(_as_user("postgres", [str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                           capture_output=True, timeout=60)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run_as_postgres(command: List[str], what: str) -> None:
    result = subprocess.run(_as_user("postgres", command), capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise ServerUnavailable(f"{what} failed: {(result.stderr or result.stdout).strip()[-800:]}")


# ---- Redis -------------------------------------------------------------------------------

class RedisServer:
    """redis-server on 127.0.0.1, keeping nothing on disk; can be restarted on its port."""

    def __init__(self, port: Optional[int] = None) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise ServerUnavailable("redis-server is not installed (scripts/setup.sh installs Debian's redis-server)")
        self.port = port or free_port()
        self.folder = _private_folder("vawg-redis-")
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, self.process, "redis-server")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextlib.contextmanager
def redis_server(port: Optional[int] = None) -> Iterator[RedisServer]:
    server = RedisServer(port).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


# ---- nginx -------------------------------------------------------------------------------

@contextlib.contextmanager
def nginx_server(http_block: str, ports: List[int]) -> Iterator[Path]:
    """nginx in the foreground with `http_block` as its whole http {} configuration; no
    access log (client addresses are personal data). Yields its folder (error log)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise ServerUnavailable("nginx is not installed (scripts/setup.sh installs Debian's nginx)")
    folder = _private_folder("vawg-nginx-")
    folder.chmod(0o755)
    temp = folder / "temp"
    temp.mkdir()
    _give_to("www-data", temp)
    worker_user = "user www-data;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        f"{worker_user}worker_processes auto;\ndaemon off;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log warn;\nevents {{ worker_connections 4096; }}\n"
        f"http {{\n  access_log off;\n"
        f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
        f"{http_block}\n}}\n",
        encoding="utf-8",
    )
    check = subprocess.run([binary, "-t", "-c", str(config), "-p", str(folder)], capture_output=True, text=True)
    if check.returncode != 0:
        raise ServerUnavailable(f"nginx refused its configuration: {check.stderr.strip()[-800:]}")
    process = subprocess.Popen([binary, "-c", str(config), "-p", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for port in ports:
            _wait_for_port(port, process, "nginx")
        yield folder
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)
