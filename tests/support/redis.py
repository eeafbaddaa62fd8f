"""A throwaway Redis server for the tests, from the Debian package scripts/setup.sh
installs: on a free port of 127.0.0.1, nothing written to disk, stopped afterwards.

    with running_redis() as port:
        ...
"""
from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator

import redis

from tests.support.ports import free_port


class RedisUnavailable(RuntimeError):
    """Redis cannot be started here; the message says why."""


@contextlib.contextmanager
def running_redis() -> Iterator[int]:
    server = shutil.which("redis-server")
    if server is None:
        raise RedisUnavailable("redis-server is not installed (scripts/setup.sh --for-tests installs it)")
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="vawg-redis-"))
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_ready(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_ready(port: int, process: subprocess.Popen, timeout_s: float = 15) -> None:
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RedisUnavailable(f"redis-server stopped while starting (exit status {process.returncode})")
        try:
            if client.ping():
                return
        except redis.ConnectionError:
            time.sleep(0.05)
    raise RedisUnavailable("redis-server did not answer within 15 s")
