"""The inbox's routes: two signed endpoints (one secret each), and a token-protected page."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from typing import Dict, Optional

from sanic import Sanic, response
from sanic.request import Request

from bot.settings import ForceInboxSettings
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


def _session_value(token: str) -> str:
    return hmac.new(token.encode("utf-8"), b"force-inbox-session", hashlib.sha256).hexdigest()


def create_app(settings: ForceInboxSettings, store: InboxStore) -> Sanic:
    app = Sanic("force_inbox")
    app.config.REQUEST_MAX_SIZE = 64 * 1024  # a handoff is a few kilobytes
    secrets: Dict[str, str] = {"general": settings.general_secret, "professional-standards": settings.psd_secret}
    session = _session_value(settings.token)

    def signed_in(request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return hmac.compare_digest(auth[7:].strip().encode(), settings.token.encode())
        cookie = request.cookies.get(SESSION_COOKIE, "")
        return bool(cookie) and hmac.compare_digest(cookie.encode(), session.encode())

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
        token: Optional[str] = request.form.get("token")
        if not token or not hmac.compare_digest(token.encode(), settings.token.encode()):
            return response.html(login_page("That token is not right."), status=401)
        result = response.redirect("/", status=303)
        result.cookies[SESSION_COOKIE] = session
        result.cookies[SESSION_COOKIE]["httponly"] = True
        result.cookies[SESSION_COOKIE]["samesite"] = "Strict"
        result.cookies[SESSION_COOKIE]["path"] = "/"
        result.cookies[SESSION_COOKIE]["secure"] = settings.production
        return result

    @app.post("/logout")
    async def logout(request: Request) -> response.HTTPResponse:
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
