"""Fuzzing the doors around the widget on the running stack (issue 13): 2,500 generated
requests to the REST channel and 1,500 to the action server, without its token. None
may get a server error, a traceback or an echo of what was sent. With the widget's
6,000 (tests/widget/test_fuzz.py), 10,000 in all."""
from __future__ import annotations

import requests
from hypothesis import given
from hypothesis import strategies as st

from bot.action_server import TOKEN_HEADER
from tests.support.fuzz import MARKED_TEXT, assert_handled, fuzz, json_bodies

# The sender is not marked: Rasa's REST protocol returns it as each reply's recipient_id.
REST_BODIES = json_bodies({"sender": st.text(min_size=1, max_size=40), "message": MARKED_TEXT})
ACTION_BODIES = json_bodies({"next_action": st.sampled_from(["action_finish_handoff", "action_answer_topic"]),
                             "sender_id": MARKED_TEXT, "tracker": st.fixed_dictionaries({"slots": st.dictionaries(
                                 st.text(max_size=20), MARKED_TEXT, max_size=3)})})


@fuzz(2500)
@given(body=REST_BODIES)
def test_rest_channel(stack, body):
    response = requests.post(stack.url, data=body[0], headers={"Content-Type": "application/json"}, timeout=60)
    assert_handled(response, body[1])


@fuzz(1500)
@given(body=ACTION_BODIES, path=st.sampled_from(["/webhook", "/webhook/", "/actions", "/", "/health/x"]),
       token=st.sampled_from([None, "", "guess", "dev-only-action-server-token"]))
def test_action_server_without_its_token(stack, body, path, token):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers[TOKEN_HEADER] = token
    response = requests.post(f"{stack.action_server}{path}", data=body[0], headers=headers, timeout=30)
    assert response.status_code in (401, 404), response.status_code
    assert_handled(response, body[1])
