"""How the servers behind the widget (action server, REST channel) answer: a short JSON
error, and headers on every answer.

Nothing they send is a page: no browser should render it, frame it, cache it or pass
its address on. The widget channel and the force inbox set their own, stricter for
what they serve (connectors/widget_channel.py, force_inbox/app.py).
"""
from sanic import response
from sanic.response import HTTPResponse

API_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


def add_api_headers(response: HTTPResponse) -> None:
    for name, value in API_HEADERS.items():
        response.headers.setdefault(name, value)


def kind_error(status: int, message: str) -> HTTPResponse:
    """{"error": message}: never a stack trace, never what the caller sent."""
    return response.json({"error": message}, status=status)

