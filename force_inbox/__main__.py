"""python -m force_inbox [--port 8070] [--host 127.0.0.1] [--db PATH]"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import List, Optional

from connectors.environment import SettingsError
from force_inbox.settings import DEV_INBOX_TOKEN, load_force_inbox_settings
from connectors.handoff.encryption import cipher_for
from connectors.handoff.errors import HandoffUnavailable
from force_inbox.app import create_app
from force_inbox.store import InboxStore


def main(argv: Optional[List[str]] = None) -> int:
    try:
        settings = load_force_inbox_settings()
    except SettingsError as exc:
        print(f"The force inbox cannot start: {exc}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m force_inbox", description="Reference receiver for safe handoffs.")
    parser.add_argument("--port", type=int, default=settings.port)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--db", type=Path, default=settings.db_path, help="where received handoffs are stored")
    args = parser.parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)  # Sanic logs its own lines; this is for the inbox's
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("force_inbox").addHandler(handler)
    logging.getLogger("force_inbox").setLevel(logging.INFO)
    try:
        cipher = cipher_for(settings.encryption_keys, settings.key_file, settings.production, "FORCE_INBOX_ENCRYPTION_KEY")
    except HandoffUnavailable as exc:
        print(f"The force inbox cannot start: {exc}", file=sys.stderr)
        return 2
    app = create_app(settings, InboxStore(args.db, cipher))
    base = f"http://{args.host}:{args.port}"
    print(f"Force inbox on {base}/ (received handoffs stored in {args.db})", flush=True)
    print(f"  POST {base}/handoffs/general and {base}/handoffs/professional-standards", flush=True)
    if settings.token == DEV_INBOX_TOKEN:
        print(f"  Development token (FORCE_INBOX_TOKEN is not set): {DEV_INBOX_TOKEN}", flush=True)
    app.run(host=args.host, port=args.port, access_log=False, motd=False, workers=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
