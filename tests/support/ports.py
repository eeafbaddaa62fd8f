"""Ports and addresses for the servers tests start, in one place.

bound_socket: a socket the operating system has bound to a free port, handed to a server
started in the test process (Sanic's `sock=`), so no other process can take the port
in between. free_port: for servers in other processes, which must be told a number: the
port is free now and bound by the server a moment later; a server that cannot bind fails
its start-up check loudly rather than passing wrongly.
"""
from __future__ import annotations

import socket


def bound_socket() -> socket.socket:
    """Bound to 127.0.0.1 on a port the system chose; the server listens on it."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


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
