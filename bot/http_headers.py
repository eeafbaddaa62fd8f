"""Headers on every JSON answer of the servers behind the widget (action server, REST channel).

Nothing they send is a page: no browser should render it, frame it, cache it or pass
its address on. The widget channel and the force inbox set their own, stricter for
what they serve (connectors/widget_channel.py, force_inbox/app.py).
"""
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
