"""Ports and addresses for the servers tests start, in one place.

free_port: the operating system picks a port that is free now; the test's server binds it a moment
later. Another process could take it in between: rare on a test machine, and a server
that cannot bind fails its start-up check loudly rather than passing wrongly.
"""
from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def this_machines_other_address() -> str:
    """An address of this machine that is not loopback, as another machine would reach it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent, the route is only chosen
        except OSError:
            return ""
        return probe.getsockname()[0]
