"""The inbox's two HTML pages: sign in, and the received handoffs. Everything shown is escaped."""
from __future__ import annotations

from html import escape
from typing import Any, Dict, List, Optional

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}"
    "section{border:1px solid #bbb;border-radius:4px;padding:0 1rem 1rem;margin:1rem 0}"
    "dl{display:grid;grid-template-columns:14rem 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}"
    ".psd{border-color:#a00}"
)
ENDPOINT_LABELS = {"general": "General", "professional-standards": "Professional Standards"}


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{STYLE}</style></head>'
        f"<body>{body}</body></html>"
    )


def login_page(error: Optional[str] = None) -> str:
    message = f'<p role="alert">{escape(error)}</p>' if error else ""
    return _page(
        "Force inbox: sign in",
        "<h1>Force inbox</h1>"
        "<p>Safe handoffs hold people's contact details. Sign in with the inbox token.</p>"
        f"{message}"
        '<form method="post" action="/login">'
        '<label for="token">Token</label> '
        '<input id="token" name="token" type="password" autocomplete="current-password" required> '
        '<button type="submit">Sign in</button></form>',
    )


def _value(value: Any) -> str:
    if value is None:
        return "not given"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def _handoff(item: Dict[str, Any]) -> str:
    p = item["payload"]
    contact, needs, source, consent = p["contact"], p["needs"], p["source"], p["consent"]
    rows = [
        ("Topic", p["topic"]),
        ("Name", p["name"]),
        ("How to contact", contact["method"]),
        ("Phone", contact["phone"]),
        ("Email", contact["email"]),
        ("Safe times", contact["safe_times"]),
        ("Voicemail is safe", contact["voicemail_ok"]),
        ("A text is safe", contact["text_ok"]),
        ("Someone else may answer", contact["others_may_answer"]),
        ("If someone else answers", contact["if_someone_else_answers"]),
        ("Area", p["area"]),
        ("Interpreter", needs["interpreter"]),
        ("Accessibility", needs["accessibility"]),
        ("Came from", f"{source['channel']}" + (f" (partner {source['partner_id']})" if source["partner_id"] else "")),
        ("Consent given", f"{consent['given_at']} (wording {consent['wording_version']})"),
        ("Requested", p["created_at"]),
        ("Received", item["received_at"]),
    ]
    details = "".join(f"<dt>{escape(k)}</dt><dd>{escape(_value(v))}</dd>" for k, v in rows)
    endpoint = item["endpoint"]
    css = ' class="psd"' if endpoint == "professional-standards" else ""
    return (
        f"<section{css}><h2>{escape(item['reference'])}: {escape(ENDPOINT_LABELS.get(endpoint, endpoint))}</h2>"
        f"<dl>{details}</dl></section>"
    )


def inbox_page(items: List[Dict[str, Any]]) -> str:
    listing = "".join(_handoff(item) for item in items) or "<p>No handoffs received yet.</p>"
    return _page(
        "Force inbox",
        '<form method="post" action="/logout" style="float:right"><button type="submit">Sign out</button></form>'
        f"<h1>Force inbox</h1><p>{len(items)} handoff(s) received, newest first.</p>{listing}",
    )
