#!/usr/bin/env python3
"""Serve the chat widget demo pages: the force site and a partner charity's site.

    python3 demo/serve.py        # http://localhost:8000/ (force) and http://localhost:8001/ (partner)

The browser tests (tests/browser/) run it on other ports, with copies of the pages
that load the widget from a test server: --force-port, --partner-port, --sites and
--widget-server.

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
from typing import Any, List, Optional

HERE = Path(__file__).resolve().parent
WIDGET_SERVERS = "http://localhost:5005 http://127.0.0.1:5005"


def content_security_policy(widget_servers: str = WIDGET_SERVERS) -> str:
    return (
        "default-src 'self'; "
        f"script-src 'self' {widget_servers}; "
        f"style-src 'self' {widget_servers}; "
        f"connect-src {widget_servers}; "
        "img-src 'self' data:"
    )


CSP = content_security_policy()


class DemoHandler(SimpleHTTPRequestHandler):
    """Static files, with the CSP and no-referrer, no-cache headers on every response."""

    def __init__(self, *args: Any, csp: str = CSP, **kwargs: Any) -> None:
        self.csp = csp  # set first: the base class answers the request inside __init__
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def make_server(host: str, port: int, folder: Path, csp: str = CSP) -> ThreadingHTTPServer:
    handler = functools.partial(DemoHandler, directory=str(folder), csp=csp)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--force-port", type=int, default=8000)
    parser.add_argument("--partner-port", type=int, default=8001)
    parser.add_argument("--sites", type=Path, default=HERE,
                        help="folder holding force-site/ and partner-site/ (default: this folder)")
    parser.add_argument("--widget-server", default=WIDGET_SERVERS,
                        help=f"origins the pages load the widget from, space separated, for the CSP (default: {WIDGET_SERVERS})")
    args = parser.parse_args(argv)

    csp = content_security_policy(args.widget_server)
    servers = [
        make_server(args.host, args.force_port, args.sites / "force-site", csp),
        make_server(args.host, args.partner_port, args.sites / "partner-site", csp),
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
