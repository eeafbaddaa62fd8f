"""A free TCP port on 127.0.0.1 for a server a test starts, in one place.

The operating system picks a port that is free now; the test's server binds it a moment
later. Another process could take it in between: rare on a test machine, and a server
that cannot bind fails its start-up check loudly rather than passing wrongly.
"""
from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
