"""The studio's pages: sign in, see the services and the changes, draft a change, see it
checked and previewed as the assistant will show it, approve, publish, roll back, and
download the record. Every page is plain HTML built with escaping (nothing anyone types
is ever markup), every form carries the session's CSRF token, and nothing is cached.
"""
from __future__ import annotations

import hmac
import html
import secrets
import sqlite3
from functools import wraps
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Dict, Optional
from zoneinfo import ZoneInfo

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.actions.content_store import check_directory
from bot.actions.rendering import render_service
from studio import accounts, changes
from studio.accounts import Account
from studio.changes import EDITABLE_FIELDS, ChangeError

SESSION_COOKIE = "studio_session"
SESSION_LIFETIME_S = 8 * 3600
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@dataclass
class Session:
    account: Account
    csrf: str
    expires: float


class Studio:
    """The app's state: its database, the content folder it edits, and who is signed in."""

    def __init__(self, db: sqlite3.Connection, content_dir: Path, secure_cookies: bool) -> None:
        self.db = db
        self.content_dir = content_dir
        self.secure_cookies = secure_cookies
        self.sessions: Dict[str, Session] = {}

    def session(self, request: Request) -> Optional[Session]:
        token = request.cookies.get(SESSION_COOKIE, "")
        now = time.time()
        self.sessions = {t: s for t, s in self.sessions.items() if s.expires > now}
        for known, session in self.sessions.items():
            if hmac.compare_digest(token.encode(), known.encode()):
                return session
        return None

    def start_session(self, account: Account) -> str:
        token = secrets.token_urlsafe(32)
        self.sessions[token] = Session(account, secrets.token_urlsafe(32), time.time() + SESSION_LIFETIME_S)
        return token


def build_app(studio: Studio, name: str = "content_studio") -> Sanic:
    # Sanic's own logging set-up would change the whole process's loggers (and, in the
    # tests, every later server's); the studio logs nothing about requests anyway.
    app = Sanic(name, configure_logging=False)

    @app.on_response
    async def headers(request: Request, answer: HTTPResponse) -> None:
        for header, value in HEADERS.items():
            answer.headers.setdefault(header, value)

    def signed_in(handler):
        @wraps(handler)
        async def guarded(request: Request, *args, **kwargs) -> HTTPResponse:
            session = studio.session(request)
            if session is None:
                return response.redirect("/sign-in")
            if request.method == "POST" and not hmac.compare_digest(
                    (request.form.get("csrf") or "").encode(), session.csrf.encode()):
                return page("Not sent", "<p>That form had expired. Go back, reload the page and try again.</p>",
                            None, status=403)
            try:
                return await handler(request, session, *args, **kwargs)
            except ChangeError as problem:
                return page("Not done", f"<p>{esc(str(problem))}</p><p><a href='/'>Back to the start</a></p>",
                            session, status=400)
        return guarded

    @app.get("/sign-in")
    async def sign_in_page(request: Request) -> HTTPResponse:
        return page("Sign in", sign_in_form(), None)

    @app.post("/sign-in")
    async def sign_in(request: Request) -> HTTPResponse:
        account = accounts.sign_in(studio.db, request.form.get("name") or "", request.form.get("password") or "")
        if account is None:
            return page("Sign in", "<p class='error'>That name and password do not match an account, or the "
                        "account is locked for 15 minutes after five wrong passwords.</p>" + sign_in_form(),
                        None, status=401)
        answer = response.redirect("/")
        answer.cookies[SESSION_COOKIE] = studio.start_session(account)
        cookie = answer.cookies[SESSION_COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["secure"] = studio.secure_cookies
        cookie["path"] = "/"
        return answer

    @app.post("/sign-out")
    @signed_in
    async def sign_out(request: Request, session: Session) -> HTTPResponse:
        studio.sessions = {t: s for t, s in studio.sessions.items() if s is not session}
        answer = response.redirect("/sign-in")
        del answer.cookies[SESSION_COOKIE]
        return answer

    @app.get("/")
    @signed_in
    async def home(request: Request, session: Session) -> HTTPResponse:
        def rollback_button(version_id: int) -> str:
            return form(f"/versions/{version_id}/rollback", session, "Put this version back") \
                if session.account.may_approve else ""

        content = check_directory(studio.content_dir).content
        services = "".join(f"<li><a href='/services/{esc(s.id)}'>{esc(s.name)}</a></li>"
                           for s in sorted(content.services.values(), key=lambda s: s.name.lower()))
        rows = "".join(
            f"<tr><td><a href='/changes/{c.id}'>{c.id}</a></td><td>{esc(c.service_id)}</td><td>{esc(c.field)}</td>"
            f"<td>{esc(c.status)}{' (fails the checks)' if c.problems else ''}</td><td>{esc(c.author)}</td></tr>"
            for c in changes.changes(studio.db))
        versions = "".join(
            f"<li>{when(v['published_at'])}, {esc(v['published_by'])}: {esc(v['reason'])} {rollback_button(v['id'])}</li>"
            for v in changes.versions(studio.db))
        body = (f"<h2>Changes</h2><table><tr><th>Change</th><th>Service</th><th>Field</th><th>Status</th>"
                f"<th>By</th></tr>{rows}</table>"
                f"<p><a href='/review'>What needs reviewing</a> · "
                f"<a href='/audit.csv'>Download the record of every change (CSV)</a></p>"
                f"<h2>Services</h2><ul>{services}</ul><h2>Published versions</h2><ul>{versions}</ul>")
        return page("Content studio", body, session)

    @app.get("/review")
    @signed_in
    async def review(request: Request, session: Session) -> HTTPResponse:
        """What needs a person's attention: unchecked facts and reviews due or past."""
        result = check_directory(studio.content_dir)
        content = result.content
        services = sorted(content.services.values(), key=lambda s: s.name.lower())
        sections = [
            ("Past their review date", result.overdue),
            ("Review due within 30 days", result.review_notes),
            ("Services not verified", [f"{s.name} ({s.id})" for s in services if not s.verified]),
            ("Topics not verified", [f"{t.label} ({t.id})" for t in content.topics.values() if not t.verified]),
            ("Opening hours not confirmed", [f"{s.name} ({s.id})" for s in services
                                             if (s.opening_times or s.always_open) and not s.hours_verified]),
        ]
        body = "".join(f"<h2>{esc(title)} ({len(items)})</h2><ul>{''.join(f'<li>{esc(i)}</li>' for i in items)}</ul>"
                       for title, items in sections)
        return page("Review", body, session)

    @app.get("/services/<service_id>")
    @signed_in
    async def service_page(request: Request, session: Session, service_id: str) -> HTTPResponse:
        content = check_directory(studio.content_dir).content
        service = content.services.get(service_id)
        if service is None:
            return page("Not found", "<p>There is no such service.</p>", session, status=404)
        fields = "".join(
            f"<form method='post' action='/services/{esc(service_id)}'>"
            f"<input type='hidden' name='csrf' value='{esc(session.csrf)}'>"
            f"<input type='hidden' name='field' value='{field}'>"
            f"<label for='{field}'>{field.capitalize()}</label> "
            f"<input id='{field}' name='value' value='{esc(str(getattr(service, field) or ''))}'> "
            f"<button>Save as a draft</button></form>"
            for field in EDITABLE_FIELDS)
        return page(service.name, f"<pre>{esc(card(service_id))}</pre>{fields}", session)

    @app.post("/services/<service_id>")
    @signed_in
    async def propose(request: Request, session: Session, service_id: str) -> HTTPResponse:
        change = changes.propose(studio.db, studio.content_dir, session.account, service_id,
                                 request.form.get("field") or "", request.form.get("value") or "")
        return response.redirect(f"/changes/{change.id}")

    @app.get("/changes/<change_id:int>")
    @signed_in
    async def change_page(request: Request, session: Session, change_id: int) -> HTTPResponse:
        change = changes.get(studio.db, change_id)
        problems = "".join(f"<li>{esc(p)}</li>" for p in change.problems)
        checks = (f"<div class='error'><h2>Fails the content checks</h2><ul>{problems}</ul>"
                  "<p>It is kept as a draft; it cannot be approved or published.</p></div>" if problems else
                  "<p>Passes the content checks.</p>")
        after = preview(studio.content_dir, change) if not change.problems else "(not shown: it fails the checks)"
        actions = ""
        if change.can_be_approved and session.account.may_approve and change.author != session.account.name:
            actions += form(f"/changes/{change.id}/approve", session, "Approve")
        if change.status == "approved" and session.account.may_approve:
            actions += form(f"/changes/{change.id}/publish", session, "Publish")
        body = (f"<p>{esc(change.field)} of {esc(change.service_id)}, by {esc(change.author)}: {esc(change.status)}"
                f"{', approved by ' + esc(change.approved_by) if change.approved_by else ''}</p>{checks}"
                f"<h2>As the assistant shows it</h2><div class='preview'><h3>Before</h3>"
                f"<pre>{esc(card(change.service_id))}</pre><h3>After</h3><pre>{esc(after)}</pre></div>{actions}")
        return page(f"Change {change.id}", body, session)

    @app.post("/changes/<change_id:int>/approve")
    @signed_in
    async def approve(request: Request, session: Session, change_id: int) -> HTTPResponse:
        changes.approve(studio.db, studio.content_dir, change_id, session.account)
        return response.redirect(f"/changes/{change_id}")

    @app.post("/changes/<change_id:int>/publish")
    @signed_in
    async def publish(request: Request, session: Session, change_id: int) -> HTTPResponse:
        changes.publish(studio.db, studio.content_dir, change_id, session.account)
        return response.redirect(f"/changes/{change_id}")

    @app.post("/versions/<version_id:int>/rollback")
    @signed_in
    async def rollback(request: Request, session: Session, version_id: int) -> HTTPResponse:
        changes.rollback(studio.db, studio.content_dir, version_id, session.account)
        return response.redirect("/")

    @app.get("/audit.csv")
    @signed_in
    async def audit(request: Request, session: Session) -> HTTPResponse:
        return response.text(changes.audit_csv(studio.db), content_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": "attachment; filename=content-studio-record.csv"})

    def card(service_id: str) -> str:
        """The service's card exactly as the assistant renders it."""
        content = check_directory(studio.content_dir).content
        return render_service(content.services[service_id], content, datetime.now(ZoneInfo("Europe/London")))

    return app


def preview(content_dir: Path, change: changes.Change) -> str:
    """The card as it would be once the change is published."""
    content = changes.trial(content_dir, changes.published_text(content_dir, change)).content
    return render_service(content.services[change.service_id], content, datetime.now(ZoneInfo("Europe/London")))


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def when(timestamp: float) -> str:
    return time.strftime("%d %b %Y %H:%M UTC", time.gmtime(timestamp))


def form(action: str, session: Session, label: str) -> str:
    return (f"<form method='post' action='{esc(action)}'><input type='hidden' name='csrf' value='{esc(session.csrf)}'>"
            f"<button>{esc(label)}</button></form>")


def sign_in_form() -> str:
    return ("<form method='post' action='/sign-in'><label for='name'>Name</label> <input id='name' name='name' "
            "autocomplete='username'> <label for='password'>Password</label> <input id='password' name='password' "
            "type='password' autocomplete='current-password'> <button>Sign in</button></form>")


def page(title: str, body: str, session: Optional[Session], status: int = 200) -> HTTPResponse:
    who = ""
    if session is not None:
        who = (f"<p>Signed in as {esc(session.account.name)} ({esc(session.account.role)}). "
               f"{form('/sign-out', session, 'Sign out')}</p>")
    return response.html(
        f"<!doctype html><html lang='en-GB'><head><meta charset='utf-8'><title>{esc(title)} - Content studio</title>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'></head><body><header>{who}</header>"
        f"<main><h1>{esc(title)}</h1>{body}</main></body></html>", status=status)


def open_database(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False)
    accounts.prepare(db)
    changes.prepare(db)
    return db

