"""The content studio, on its own port (never the public assistant's).

    .venv/bin/python -m studio                                  # serve on STUDIO_PORT (8090)
    .venv/bin/python -m studio add-account "Sam Jones" --role editor   # asks for a password

In production (APP_ENV=production) it refuses to start without TLS (STUDIO_TLS_CERT and
STUDIO_TLS_KEY): passwords and session cookies must never cross a network in clear.
Its database is the SQLite file STUDIO_DB (.data/studio.db), or PostgreSQL when
STUDIO_DB_URL is a postgresql:// address.
"""
from __future__ import annotations

import argparse
import getpass
import os
import ssl
import sys

from bot.settings import load_settings
from connectors.environment import SettingsError, is_production, load_env, positive_int
from studio.accounts import ROLES, AccountError, add_account
from studio.app import Studio, StudioNotBuilt, build_app
from studio.database import database_url, open_database


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m studio", description="The content studio for comms staff.")
    commands = parser.add_subparsers(dest="command")
    add = commands.add_parser("add-account", help="make a named account (the password is asked for)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    args = parser.parse_args(argv)
    load_env()
    db = open_database(database_url())
    if args.command == "add-account":
        password = os.environ.get("STUDIO_NEW_PASSWORD") or getpass.getpass(f"Password for {args.name}: ")
        try:
            account = add_account(db, args.name, args.role, password)
        except AccountError as problem:
            print(problem, file=sys.stderr)
            return 1
        print(f"Made the {account.role} account {account.name}.")
        return 0
    try:
        tls = tls_context(is_production())
        port = positive_int("STUDIO_PORT", 8090)
    except SettingsError as problem:
        print(f"The studio cannot start: {problem}", file=sys.stderr)
        return 2
    try:
        studio = Studio(db, load_settings().content_dir, secure_cookies=tls is not None)
    except StudioNotBuilt as problem:
        print(f"The studio cannot start: {problem}", file=sys.stderr)
        return 2
    print(f"Content studio on http{'s' if tls else ''}://127.0.0.1:{port}/ (its own port; never expose it publicly).")
    build_app(studio).run("127.0.0.1", port, ssl=tls, access_log=False)
    return 0


def tls_context(production: bool):
    cert, key = os.environ.get("STUDIO_TLS_CERT", "").strip(), os.environ.get("STUDIO_TLS_KEY", "").strip()
    if not (cert and key):
        if production:
            raise SettingsError("STUDIO_TLS_CERT and STUDIO_TLS_KEY must name a certificate and its key in production.")
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


if __name__ == "__main__":
    sys.exit(main())
