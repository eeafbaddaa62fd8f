"""Fuzzing the widget channel, the one public door (issue 13): 6,000 generated requests
to /message, /forget and /partner, from partners and strangers, with bodies near the
right shape and far from it. None may get a server error, a traceback or an echo."""
from __future__ import annotations

import requests
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzz import MARKED_TEXT, assert_handled, fuzz, json_bodies
from tests.support.widget_server import CHARITY, POLICE, STRANGER

ORIGINS = st.sampled_from([POLICE, CHARITY, STRANGER, "null", None, "http://localhost:8000.evil.example"])
MESSAGE_BODIES = json_bodies({"conversation_id": st.from_regex(r"[A-Za-z0-9_-]{8,64}", fullmatch=True),
                              "text": MARKED_TEXT,
                              "button": st.fixed_dictionaries({"payload": MARKED_TEXT, "signature": st.text(max_size=70)})})
FORGET_BODIES = json_bodies({"conversation_id": st.one_of(MARKED_TEXT, st.text(max_size=70))})


def send(server, method: str, path: str, body: bytes, origin) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if origin is not None:
        headers["Origin"] = origin
    return requests.request(method, f"{server.url}{path}", data=body, headers=headers, timeout=10)


@fuzz(4000)
@given(body=MESSAGE_BODIES, origin=ORIGINS)
def test_message(unlimited_server, body, origin):
    assert_handled(send(unlimited_server, "POST", "/message", body[0], origin), body[1])


@fuzz(1500)
@given(body=FORGET_BODIES, origin=ORIGINS)
def test_forget(unlimited_server, body, origin):
    assert_handled(send(unlimited_server, "POST", "/forget", body[0], origin), body[1])


@fuzz(500)
@given(method=st.sampled_from(["GET", "OPTIONS", "HEAD", "PUT", "DELETE"]),
       path=st.sampled_from(["/partner", "/message", "/forget", "/static/widget.js", "/static/../../x", "/nothing"]),
       origin=ORIGINS)
def test_other_methods_and_paths(unlimited_server, method, path, origin):
    response = send(unlimited_server, method, path, b"", origin)
    assert response.status_code < 500
