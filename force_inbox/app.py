"""The inbox's routes: two signed endpoints (one secret each), and a token-protected page."""
from __future__ import annotations

import hmac
import json
import logging
import secrets as secrets_module
import time
import uuid
from collections import deque
from typing import Callable, Deque, Dict, Optional

from sanic import Sanic, response
from sanic.request import Request

from force_inbox.settings import ForceInboxSettings
from connectors.handoff.payload import problems
from connectors.handoff.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify
from force_inbox.pages import inbox_page, login_page
from force_inbox.store import InboxStore

log = logging.getLogger("force_inbox")

SESSION_COOKIE = "inbox_session"
# Which payload destination each endpoint takes: a PSD handoff is never accepted as general.
ENDPOINT_DESTINATIONS = {"general": "general", "professional-standards": "professional_standards"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


SESSION_LIFETIME_S = 8 * 3600  # a working day
# After this many wrong tokens from one address in the window, sign-in waits out the window.
MAX_FAILED_SIGN_INS = 5
FAILED_SIGN_IN_WINDOW_S = 15 * 60


class Sessions:
    """Sign-ins: a new random value each time, known only to this server, ended by
    sign-out or after SESSION_LIFETIME_S. A copied cookie is worthless once it ends."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._expiry: Dict[str, float] = {}
        self._clock = clock

    def start(self) -> str:
        value = secrets_module.token_urlsafe(32)
        self._expiry[value] = self._clock() + SESSION_LIFETIME_S
        return value

    def valid(self, value: str) -> bool:
        now = self._clock()
        self._expiry = {v: until for v, until in self._expiry.items() if until > now}
        return any(hmac.compare_digest(value.encode(), known.encode()) for known in self._expiry)

    def end(self, value: str) -> None:
        self._expiry.pop(value, None)


class SignInThrottle:
    """Counts wrong tokens per address; too many in the window and sign-in is refused
    until the oldest of them leaves it, so a token cannot be guessed at speed."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._failures: Dict[str, Deque[float]] = {}
        self._clock = clock

    def wait_s(self, address: str) -> int:
        now = self._clock()
        failures = self._failures.get(address, deque())
        while failures and failures[0] <= now - FAILED_SIGN_IN_WINDOW_S:
            failures.popleft()
        if len(failures) < MAX_FAILED_SIGN_INS:
            return 0
        return int(failures[0] + FAILED_SIGN_IN_WINDOW_S - now) + 1

    def failed(self, address: str) -> None:
        self._failures.setdefault(address, deque()).append(self._clock())


def create_app(settings: ForceInboxSettings, store: InboxStore) -> Sanic:
    app = Sanic("force_inbox")
    app.config.REQUEST_MAX_SIZE = 64 * 1024  # a handoff is a few kilobytes
    secrets: Dict[str, str] = {"general": settings.general_secret, "professional-standards": settings.psd_secret}
    sessions, throttle = Sessions(), SignInThrottle()

    def signed_in(request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return hmac.compare_digest(auth[7:].strip().encode(), settings.token.encode())
        cookie = request.cookies.get(SESSION_COOKIE, "")
        return bool(cookie) and sessions.valid(cookie)

    async def receive(request: Request, endpoint: str) -> response.HTTPResponse:
        body: bytes = request.body
        if not verify(secrets[endpoint], request.headers.get(SIGNATURE_HEADER), body):
            log.warning("Refused a request at %s: bad or stale signature.", endpoint)
            return response.json({"error": "signature missing, wrong or stale"}, status=401)
        key = request.headers.get(IDEMPOTENCY_HEADER, "")
        try:
            uuid.UUID(key)
        except ValueError:
            return response.json({"error": f"{IDEMPOTENCY_HEADER} must be a UUID"}, status=400)
        try:
            payload = json.loads(body)
        except ValueError:
            return response.json({"error": "body is not JSON"}, status=400)
        found = problems(payload)
        if found:
            return response.json({"error": "invalid handoff", "problems": found}, status=400)
        if payload["destination"] != ENDPOINT_DESTINATIONS[endpoint]:
            log.error("Refused handoff %s at %s: it is for %s.", payload["reference"], endpoint, payload["destination"])
            return response.json({"error": f"this endpoint takes only {ENDPOINT_DESTINATIONS[endpoint]} handoffs"}, status=422)
        if not store.add(key, payload["reference"], endpoint, body.decode("utf-8")):
            log.info("Handoff %s at %s was a duplicate; nothing stored.", payload["reference"], endpoint)
            return response.json({"duplicate": True, "reference": payload["reference"]}, status=200)
        log.info("Received handoff %s at %s.", payload["reference"], endpoint)
        return response.json({"received": True, "reference": payload["reference"]}, status=201)

    @app.post("/handoffs/general")
    async def general(request: Request) -> response.HTTPResponse:
        return await receive(request, "general")

    @app.post("/handoffs/professional-standards")
    async def professional_standards(request: Request) -> response.HTTPResponse:
        return await receive(request, "professional-standards")

    @app.get("/")
    async def index(request: Request) -> response.HTTPResponse:
        if not signed_in(request):
            return response.html(login_page(), status=401)
        return response.html(inbox_page(store.all()))

    @app.get("/api/handoffs")
    async def listing(request: Request) -> response.HTTPResponse:
        if not signed_in(request):
            return response.json({"error": "sign in with Authorization: Bearer <FORCE_INBOX_TOKEN>"}, status=401)
        return response.json(store.all())

    @app.post("/login")
    async def login(request: Request) -> response.HTTPResponse:
        address = request.ip or "unknown"
        wait = throttle.wait_s(address)
        if wait:
            log.warning("Refused a sign-in: too many wrong tokens from one address.")
            minutes = max(1, round(wait / 60))
            return response.html(login_page(f"Too many wrong tokens. Please try again in {minutes} minute(s)."),
                                 status=429, headers={"Retry-After": str(wait)})
        token: Optional[str] = request.form.get("token")
        if not token or not hmac.compare_digest(token.encode(), settings.token.encode()):
            throttle.failed(address)
            return response.html(login_page("That token is not right."), status=401)
        result = response.redirect("/", status=303)
        result.cookies[SESSION_COOKIE] = sessions.start()
        result.cookies[SESSION_COOKIE]["httponly"] = True
        result.cookies[SESSION_COOKIE]["samesite"] = "Strict"
        result.cookies[SESSION_COOKIE]["path"] = "/"
        result.cookies[SESSION_COOKIE]["secure"] = settings.production
        return result

    @app.post("/logout")
    async def logout(request: Request) -> response.HTTPResponse:
        sessions.end(request.cookies.get(SESSION_COOKIE, ""))
        result = response.redirect("/", status=303)
        del result.cookies[SESSION_COOKIE]
        return result

    @app.get("/healthz")
    async def healthz(request: Request) -> response.HTTPResponse:
        return response.text("ok")

    @app.on_response
    async def security_headers(request: Request, resp: response.HTTPResponse) -> None:
        for name, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(name, value)

    return app
