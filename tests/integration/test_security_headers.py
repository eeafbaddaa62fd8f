"""Security headers on what every server sends (issue 13, "Also"), checked on the running stack."""
from __future__ import annotations

import requests

from bot.action_server import TOKEN_HEADER
from connectors.http_answers import API_HEADERS
from tests.support.stack import INBOX_TOKEN


def assert_private_and_unframable(response: requests.Response, where: str) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "no-referrer", where
    assert "no-store" in headers.get("Cache-Control", ""), where


def test_the_action_server_answers_carry_the_api_headers(stack):
    for response in (requests.get(f"{stack.action_server}/health", timeout=10),
                     requests.post(f"{stack.action_server}/webhook", json={}, timeout=10),
                     requests.post(f"{stack.action_server}/webhook", data=b"{", timeout=10,
                                   headers={TOKEN_HEADER: stack.action_token})):
        for name, value in API_HEADERS.items():
            assert response.headers.get(name) == value, (response.request.path_url, name)


def test_the_rest_channel_answers_carry_the_api_headers(stack):
    for response in (requests.post(stack.url, json={"sender": "headers", "message": "hello"}, timeout=60),
                     requests.post(stack.url, data=b"[]", timeout=10)):
        for name, value in API_HEADERS.items():
            assert response.headers.get(name) == value, name


def test_the_widget_channel_answers_are_private(stack):
    origin = {"Origin": f"http://localhost:{stack.force_port}"}
    assert_private_and_unframable(requests.get(f"{stack.widget}/partner", headers=origin, timeout=10), "partner")
    reply = requests.post(f"{stack.widget}/message", json={"conversation_id": "headers-check-1", "text": "hello"},
                          headers=origin, timeout=60)
    assert_private_and_unframable(reply, "message")


def test_the_force_inbox_pages_cannot_be_framed_or_cached(stack):
    page = requests.get(stack.inbox, headers={"Authorization": f"Bearer {INBOX_TOKEN}"}, timeout=10)
    assert_private_and_unframable(page, "inbox")
    assert "frame-ancestors 'none'" in page.headers.get("Content-Security-Policy", "")


def test_the_rasa_server_shows_no_version_and_allows_no_other_site(stack):
    root = requests.get(f"{stack.rasa}/", headers={"Origin": "https://evil.example"}, timeout=10)
    assert root.status_code == 404
    assert "Rasa" not in root.text and "3.6" not in root.text
    for origin in ("https://evil.example", f"http://localhost:{stack.force_port}"):
        preflight = requests.options(stack.url, timeout=10,
                                     headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
        assert not [name for name in preflight.headers if name.lower().startswith("access-control-")], origin
