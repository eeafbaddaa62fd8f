"""The studio's pages: sign in; see the changes, services and topics; edit one as a form;
see the draft checked and previewed as the public will see it; approve, publish, withdraw,
roll back; see what needs reviewing; download the record.

Pages are Jinja templates (studio/templates) with escaping on, in GOV.UK Design System
markup: nothing anyone types is ever markup. Every form carries the session's CSRF token,
and nothing is cached.
"""
from __future__ import annotations

import hmac
import mimetypes
import re
import secrets
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import wraps
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine

from bot.actions.content_model import Service, Topic
from bot.actions.content_store import check_directory
from connectors.counters import Counters
from connectors.counters import database_url as counters_database_url
from connectors.widget_channel import STATIC_DIR as WIDGET_STATIC_DIR
from oversight import report as oversight_report
from oversight.figures import PERIODS
from studio import accounts, changes, entries, preview
from studio.accounts import Account
from studio.changes import APPROVED, DRAFT, PUBLISHED, Change, ChangeError, Problem
from studio.entries import EntryError, EntryRef
from studio.fields import DAY_NAMES, FORMS, Answers, entry_from_answers, form_values

SESSION_COOKIE = "studio_session"
SESSION_LIFETIME_S = 8 * 3600
MAX_REQUEST_BYTES = 256 * 1024
HERE = Path(__file__).resolve().parent
STYLESHEET = HERE / "static" / "build" / "studio.css"
ASSETS = {"studio.css": STYLESHEET, "preview.js": HERE / "static" / "preview.js"}
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
KIND_OF = {"services": "service", "topics": "topic"}
templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


class NotFound(LookupError):
    """No such page: said kindly, with 404."""


class StudioNotBuilt(RuntimeError):
    """The stylesheet is built by scripts/setup.sh; without it the pages are unusable."""


@dataclass
class Session:
    account: Account
    csrf: str
    expires: float


class Studio:
    """The app's state: its database, the content folder it edits, and who is signed in."""

    def __init__(self, db: Engine, content_dir: Path, secure_cookies: bool,
                 counters: Optional[Counters] = None) -> None:
        if not STYLESHEET.is_file():
            raise StudioNotBuilt("The studio's stylesheet is missing: run scripts/setup.sh first.")
        self.db = db
        self.counters = counters or Counters(counters_database_url())
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

    def end_session(self, session: Session) -> None:
        self.sessions = {t: s for t, s in self.sessions.items() if s is not session}


def render(template: str, session: Optional[Session], status: int = 200, **context: Any) -> HTTPResponse:
    context.setdefault("errors", [])
    context.setdefault("errors_title", "")
    context.setdefault("link_errors", False)
    context.setdefault("notice", "")
    return response.html(templates.get_template(template).render(session=session, **context), status=status)


def message(session: Optional[Session], title: str, text: str, status: int, back: str = "/") -> HTTPResponse:
    return render("message.html", session, status, title=title, message=text, back=back, back_label="")


def build_app(studio: Studio, name: str = "content_studio") -> Sanic:
    # Sanic's own logging set-up would change the whole process's loggers (and, in the
    # tests, every later server's); the studio logs nothing about requests anyway.
    app = Sanic(name, configure_logging=False)
    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES

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
                return message(session, "Not sent", "That form had expired. Go back, reload the page and try again.",
                               403)
            try:
                return await handler(request, session, *args, **kwargs)
            except NotFound as missing:
                return message(session, "Not found", str(missing), 404)
            except (ChangeError, EntryError) as problem:
                return message(session, "Not done", str(problem), 400)
        return guarded

    @app.get("/sign-in")
    async def sign_in_page(request: Request) -> HTTPResponse:
        return render("sign_in.html", None, title="Sign in")

    @app.post("/sign-in")
    async def sign_in(request: Request) -> HTTPResponse:
        account = accounts.sign_in(studio.db, request.form.get("name") or "", request.form.get("password") or "")
        if account is None:
            wrong = Problem(None, "That name and password do not match an account, or the account is locked for "
                                  "15 minutes after five wrong passwords.")
            return render("sign_in.html", None, 401, title="Sign in", errors=[wrong])
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
        studio.end_session(session)
        answer = response.redirect("/sign-in")
        del answer.cookies[SESSION_COOKIE]
        return answer

    @app.get("/")
    @signed_in
    async def home(request: Request, session: Session) -> HTTPResponse:
        drafts = changes.changes(studio.db, DRAFT)
        return render("home.html", session, title="Changes",
                      waiting=[c for c in drafts if not c.problems], failing=[c for c in drafts if c.problems],
                      approved=changes.changes(studio.db, APPROVED),
                      published=changes.changes(studio.db, PUBLISHED)[:20])

    @app.get("/<kinds:services|topics>")
    @signed_in
    async def entry_list(request: Request, session: Session, kinds: str) -> HTTPResponse:
        content = check_directory(studio.content_dir).content
        items = content.services.values() if kinds == "services" else content.topics.values()
        rows = sorted((entry_row(e) for e in items), key=lambda row: str(row["name"]).lower())
        return render("entries.html", session, title=kinds.capitalize(), rows=rows)

    @app.get("/<kinds:services|topics>/<entry_id>/edit")
    @signed_in
    async def edit_page(request: Request, session: Session, kinds: str, entry_id: str) -> HTTPResponse:
        ref = find(kinds, entry_id)
        values = entries.read(studio.content_dir, ref)
        problems: List[Problem] = []
        draft = _draft_to_continue(session, ref, request.args.get("draft"))
        if draft is not None:
            values = {**values, **draft.after}
            values = {name: value for name, value in values.items() if value is not None}
            problems = draft.problems
        return edit_form(session, ref, values, problems, replaces=draft.id if draft else None)

    @app.post("/<kinds:services|topics>/<entry_id>/edit")
    @signed_in
    async def save_draft(request: Request, session: Session, kinds: str, entry_id: str) -> HTTPResponse:
        ref = find(kinds, entry_id)
        before = entries.read(studio.content_dir, ref)
        answers = Answers(request.form.get, lambda name: request.form.getlist(name) or [])
        drafted, unreadable = entry_from_answers(FORMS[ref.kind], answers, before)
        replaces = _draft_to_continue(session, ref, request.form.get("replaces"))
        try:
            change = changes.propose(studio.db, studio.content_dir, session.account, ref, drafted, unreadable)
        except ChangeError as problem:
            return edit_form(session, ref, drafted, [Problem(None, str(problem))], replaces=replaces.id if replaces else None)
        if replaces is not None:
            changes.withdraw(studio.db, replaces.id, session.account)
        if not change.problems:
            return response.redirect(f"/changes/{change.id}")
        notice = (f"Saved as draft {change.id}, so nothing you typed is lost. It cannot be approved until the "
                  "problems below are put right.")
        return edit_form(session, ref, drafted, change.problems, replaces=change.id, notice=notice)

    def edit_form(session: Session, ref: EntryRef, values: Dict[str, Any], problems: List[Problem],
                  replaces: Optional[int], notice: str = "") -> HTTPResponse:
        result = check_directory(studio.content_dir)
        form = FORMS[ref.kind]
        field_errors: Dict[str, List[str]] = {}
        for problem in problems:
            if problem.field:
                field_errors.setdefault(problem.field, []).append(problem.message)
        name = values.get("name") or values.get("label") or ref.entry_id
        return render("edit.html", session, title=f"Change {name}", kind=ref.kind, entry_id=ref.entry_id,
                      action=f"/{ref.kind}s/{ref.entry_id}/edit", form=form, values=form_values(form, values),
                      field_errors=field_errors, errors=problems, link_errors=True, notice=notice,
                      errors_title="This draft fails the content checks" if problems else "",
                      options={f.name: f.options(result) for f in form if f.options}, replaces=replaces,
                      days=list(DAY_NAMES.items()))

    @app.get("/changes/<change_id:int>")
    @signed_in
    async def change_page(request: Request, session: Session, change_id: int) -> HTTPResponse:
        change = changes.get(studio.db, change_id)
        labels = {field.name: field.label for field in FORMS[change.ref.kind]}
        diff = [(name, labels.get(name, name), _shown(before), _shown(after)) for name, before, after in change.diff()]
        return render("change.html", session, title=f"Change {change.id}", change=change, diff=diff,
                      errors=change.problems if change.status == DRAFT else [],
                      errors_title="This draft fails the content checks",
                      preview=preview.before_and_after(studio.content_dir, change),
                      actions=_actions(change, session.account))

    @app.post("/changes/<change_id:int>/<action:approve|publish|withdraw>")
    @signed_in
    async def act(request: Request, session: Session, change_id: int, action: str) -> HTTPResponse:
        if action == "approve":
            changes.approve(studio.db, studio.content_dir, change_id, session.account)
        elif action == "publish":
            changes.publish(studio.db, studio.content_dir, change_id, session.account)
        else:
            changes.withdraw(studio.db, change_id, session.account)
        return response.redirect(f"/changes/{change_id}")

    @app.get("/versions")
    @signed_in
    async def versions(request: Request, session: Session) -> HTTPResponse:
        rows = [{**v, "when": when(v["published_at"])} for v in changes.versions(studio.db)]
        return render("versions.html", session, title="Published versions", versions=rows)

    @app.post("/versions/<version_id:int>/rollback")
    @signed_in
    async def rollback(request: Request, session: Session, version_id: int) -> HTTPResponse:
        changes.rollback(studio.db, studio.content_dir, version_id, session.account)
        return response.redirect("/versions")

    @app.get("/review")
    @signed_in
    async def review(request: Request, session: Session) -> HTTPResponse:
        """What needs a person's attention: unchecked facts and reviews due or past, by owner."""
        owner = (request.args.get("owner") or "").strip()
        result = check_directory(studio.content_dir)
        content = result.content
        everything: List[Union[Service, Topic]] = [*content.services.values(), *content.topics.values()]
        owners = sorted({e.owner for e in everything if e.owner})
        mine = [e for e in everything if not owner or (e.owner or "-") == owner]
        today = date.today()
        soon = today + timedelta(days=30)
        services = [e for e in mine if isinstance(e, Service)]

        def due(entry: Any) -> Dict[str, Any]:
            return entry_row(entry, f"to be checked by {entry.review_by}")

        overdue = [due(e) for e in mine if e.review_by and e.review_by < today]
        due_soon = [due(e) for e in mine if e.review_by and today <= e.review_by <= soon]
        sections = [
            ("Past their review date", overdue),
            ("Review due within 30 days", due_soon),
            ("Services not checked", [entry_row(e) for e in services if not e.verified]),
            ("Topics not checked", [entry_row(e) for e in mine if isinstance(e, Topic) and not e.verified]),
            ("Opening hours not checked", [entry_row(e) for e in services if e.has_hours and not e.hours_verified]),
        ]
        return render("review.html", session, title="Review", sections=sections, owners=owners, owner=owner)

    @app.get("/figures")
    @signed_in
    async def figures(request: Request, session: Session) -> HTTPResponse:
        """The anonymous oversight figures (oversight/), small numbers suppressed."""
        result = oversight_report.build(_days(request), studio.counters)
        return render("figures.html", session, title="Oversight figures", report=result, periods=PERIODS,
                      plots=list(oversight_report.PLOTS.items()))

    @app.get("/figures.csv")
    @signed_in
    async def figures_csv(request: Request, session: Session) -> HTTPResponse:
        days = _days(request)
        result = oversight_report.build(days, studio.counters)
        return response.text(oversight_report.as_csv(result), content_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f"attachment; filename=oversight-{days}-days.csv"})

    @app.get("/figures/chart/<chart:conversations|topics|unanswered>")
    @signed_in
    async def figures_plot(request: Request, session: Session, chart: str) -> HTTPResponse:
        result = oversight_report.build(_days(request), studio.counters)
        return response.raw(oversight_report.plot_png(result, chart), content_type="image/png")

    @app.get("/audit.csv")
    @signed_in
    async def audit(request: Request, session: Session) -> HTTPResponse:
        return response.text(changes.audit_csv(studio.db), content_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": "attachment; filename=content-studio-record.csv"})

    @app.get("/assets/<name>")
    async def asset(request: Request, name: str) -> HTTPResponse:
        path = ASSETS.get(name)
        if path is None:
            return message(None, "Not found", "There is no such page.", 404)
        return await response.file(path, mime_type=mimetypes.guess_type(name)[0], headers={"Cache-Control": "no-cache"})

    @app.get("/widget/<name:path>")
    async def widget_file(request: Request, name: str) -> HTTPResponse:
        """The chat widget's own scripts and styles, for the preview."""
        path = (WIDGET_STATIC_DIR / name).resolve()
        allowed = re.fullmatch(r"[a-z-]+(/[a-z-]+)?\.(js|css)", name) and WIDGET_STATIC_DIR.resolve() in path.parents
        if not allowed or not path.is_file():
            return message(None, "Not found", "There is no such page.", 404)
        return await response.file(path, mime_type=mimetypes.guess_type(name)[0], headers={"Cache-Control": "no-cache"})

    def find(kinds: str, entry_id: str) -> EntryRef:
        try:
            return entries.find(studio.content_dir, KIND_OF[kinds], entry_id)
        except EntryError:
            raise NotFound(f"There is no such {KIND_OF[kinds]}.") from None

    def _draft_to_continue(session: Session, ref: EntryRef, wanted: Optional[str]) -> Optional[Change]:
        """The signed-in person's own draft of this entry with this number, if there is one."""
        if not wanted or not wanted.isdigit():
            return None
        try:
            draft = changes.get(studio.db, int(wanted))
        except ChangeError:
            return None
        mine = draft.author == session.account.name and draft.ref == ref and draft.status == DRAFT
        return draft if mine else None

    return app


def entry_row(entry: Union[Service, Topic], note: str = "") -> Dict[str, Any]:
    """A service or topic as a line in a list: its name, where to edit it, and its state."""
    kinds, name = ("services", entry.name) if isinstance(entry, Service) else ("topics", entry.label)
    return {"id": entry.id, "name": f"{name}", "href": f"/{kinds}/{entry.id}/edit", "verified": entry.verified,
            "owner": entry.owner, "note": note}


def _days(request: Request) -> int:
    """The period asked for (?days=7, 30 or 90); 30 for anything else."""
    asked = request.args.get("days") or ""
    return int(asked) if asked.isdigit() and int(asked) in PERIODS else 30


def _actions(change: Change, account: Account) -> List[tuple]:
    """The buttons this person may press on this change, and nothing else."""
    actions = []
    if change.may_be_approved_by(account):
        actions.append(("approve", "Approve", ""))
    if change.status == APPROVED and account.may_approve:
        actions.append(("publish", "Publish", ""))
    if change.status in (DRAFT, APPROVED) and (account.name == change.author or account.may_approve):
        actions.append(("withdraw", "Withdraw", " govuk-button--secondary"))
    return actions


def _shown(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, list):
        return "\n".join(_shown(v) or "" for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    return str(value)


def when(timestamp: float) -> str:
    return time.strftime("%d %b %Y %H:%M UTC", time.gmtime(timestamp))
