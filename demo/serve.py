#!/usr/bin/env python3
"""Serve the chat widget demo pages: the force site and a partner charity's site.

    python3 demo/serve.py        # http://localhost:8000/ (force) and http://localhost:8001/ (partner)

Standard library only. Each page is sent with the same strict Content-Security-Policy
as its meta tag, so the widget is tried under the policy a real site would use. The
Rasa server (scripts/run.sh) must be running on port 5005 for the widget to load.
Ctrl-C or SIGTERM stops both servers cleanly.
"""
from __future__ import annotations

import argparse
import functools
import signal
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import List, Optional

HERE = Path(__file__).resolve().parent
WIDGET_SERVERS = "http://localhost:5005 http://127.0.0.1:5005"
CSP = (
    "default-src 'self'; "
    f"script-src 'self' {WIDGET_SERVERS}; "
    f"style-src 'self' {WIDGET_SERVERS}; "
    f"connect-src {WIDGET_SERVERS}; "
    "img-src 'self' data:"
)


class DemoHandler(SimpleHTTPRequestHandler):
    """Static files, with the CSP and no-referrer, no-cache headers on every response."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def make_server(host: str, port: int, folder: Path) -> ThreadingHTTPServer:
    handler = functools.partial(DemoHandler, directory=str(folder))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--force-port", type=int, default=8000)
    parser.add_argument("--partner-port", type=int, default=8001)
    args = parser.parse_args(argv)

    servers = [
        make_server(args.host, args.force_port, HERE / "force-site"),
        make_server(args.host, args.partner_port, HERE / "partner-site"),
    ]
    stop = threading.Event()

    def request_stop(signum: int, frame: Optional[FrameType]) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    for server in servers:
        threading.Thread(target=server.serve_forever, name=f"demo-{server.server_address[1]}", daemon=True).start()
    print(f"Force site:   http://localhost:{args.force_port}/", flush=True)
    print(f"Partner site: http://localhost:{args.partner_port}/", flush=True)
    print("Ctrl-C to stop.", flush=True)

    while not stop.wait(0.5):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()
    print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
