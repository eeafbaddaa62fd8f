"""POST /webhooks/widget/message: who may call it, what reaches the assistant, what comes back."""
from __future__ import annotations

import json

import requests
from rasa.core.channels.channel import UserMessage

from connectors.unanswered import NO_ANSWER
from connectors.widget_signing import sign_button
from tests.support.widget_server import CHARITY, KEY, POLICE, STRANGER, StubAgent

CONVERSATION = "conversation-0001"


def assert_kind_error(response: requests.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert body["error"]["message"] and "Traceback" not in response.text and "File \"" not in response.text
    return body


# ---- origins and CORS ---------------------------------------------------------------


def test_a_partner_origin_is_answered_with_cors_for_that_origin_only(server):
    for origin in (POLICE, "http://127.0.0.1:8000", "http://localhost:8001", CHARITY):
        response = server.post("/message", {"conversation_id": CONVERSATION, "text": "hello"}, origin=origin)
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == origin
        assert "Origin" in response.headers["Vary"]
        assert "Access-Control-Allow-Credentials" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_other_origins_and_no_origin_are_refused_and_never_reach_the_assistant(server):
    for origin in (STRANGER, "null", "http://localhost:8000.evil.example", "http://localhost:8002", None):
        response = server.post("/message", {"conversation_id": CONVERSATION, "text": "hello"}, origin=origin)
        assert_kind_error(response, 403, "origin_not_allowed")
        # A refused site may read its refusal (so the widget can explain), nothing else.
        readable = origin not in (None, "null")
        assert response.headers.get("Access-Control-Allow-Origin") == (origin if readable else None)
        assert "Access-Control-Allow-Credentials" not in response.headers
    assert server.agent.received == []


def test_preflight_never_uses_a_wildcard_and_answers_only_partners(server):
    # The app is built as `python -m bot.server run --cors "*"` would build it: Rasa's own CORS must never answer.
    for path, method in (("/message", "POST"), ("/forget", "POST"), ("/partner", "GET")):
        allowed = requests.options(
            server.url + path,
            headers={"Origin": CHARITY, "Access-Control-Request-Method": method,
                     "Access-Control-Request-Headers": "content-type"},
            timeout=10,
        )
        assert allowed.status_code == 204
        assert allowed.headers["Access-Control-Allow-Origin"] == CHARITY
        assert method in allowed.headers["Access-Control-Allow-Methods"]
        assert allowed.headers["Access-Control-Allow-Headers"].lower() == "content-type"
        assert "Access-Control-Allow-Credentials" not in allowed.headers

        stranger = requests.options(
            server.url + path, headers={"Origin": STRANGER, "Access-Control-Request-Method": method}, timeout=10
        )
        assert stranger.status_code == 403
        assert "Access-Control-Allow-Origin" not in stranger.headers
        assert "Access-Control-Allow-Credentials" not in stranger.headers

        no_origin = requests.options(server.url + path, headers={"Access-Control-Request-Method": method}, timeout=10)
        assert no_origin.status_code == 403


def test_rasa_adds_no_cors_and_no_version_page_of_its_own(server):
    # Built with --cors "*": Rasa's CORS would have allowed any site, with credentials.
    root = requests.get(f"http://127.0.0.1:{server.port}/", headers={"Origin": STRANGER}, timeout=10)
    assert root.status_code == 404
    assert "Rasa" not in root.text
    assert "Access-Control-Allow-Origin" not in root.headers
    preflight = requests.options(f"http://127.0.0.1:{server.port}/webhooks/widget/message",
                                 headers={"Origin": STRANGER, "Access-Control-Request-Method": "POST"}, timeout=10)
    assert preflight.status_code == 403
    assert not [name for name in preflight.headers if name.lower().startswith("access-control-")]


# ---- what reaches the assistant ---------------------------------------------------------


def test_the_partner_comes_from_the_server_list_and_client_metadata_is_ignored(server):
    body = {
        "conversation_id": CONVERSATION,
        "text": "hello",
        "metadata": {"partner_id": "someone-else"},
        "partner_id": "someone-else",
        "input_channel": "rest",
        "sender": "another-conversation",
    }
    assert server.post("/message", body, origin=CHARITY).status_code == 200
    assert server.post("/message", body, origin=POLICE).status_code == 200
    charity, police = server.agent.received
    assert charity.metadata == {"partner_id": "safe-haven-charity"}
    assert police.metadata == {"partner_id": "warwickshire-police"}
    for message in (charity, police):
        assert message.sender_id == CONVERSATION
        assert message.input_channel == "widget"
        assert message.text == "hello"


def test_typed_text_starting_with_a_slash_never_reaches_rasa_as_a_command(server):
    typed = ["/clares_law", "//restart", "  /session_start", "/ /greet", "\t/\n/affirm{\"x\": 1}", "/help me"]
    for text in typed:
        assert server.post("/message", {"conversation_id": CONVERSATION, "text": text}).status_code == 200
    reached = [message.text for message in server.agent.received]
    assert reached == ["clares_law", "restart", "session_start", "greet", "affirm{\"x\": 1}", "help me"]
    assert not any(text.strip().startswith("/") for text in reached)


def test_text_that_is_only_slashes_or_spaces_is_asked_for_again(server):
    for text in ("", "   ", "///", " / / ", "\n\t"):
        response = server.post("/message", {"conversation_id": CONVERSATION, "text": text})
        body = assert_kind_error(response, 400, "empty_message")
        assert body["error"]["message"] == "Please type a message before sending."
    assert server.agent.received == []


def test_half_an_emoji_is_dropped_not_a_server_error(server):
    """A lone surrogate ("\\ud83d", half of an emoji) cannot be written as UTF-8."""
    assert server.post("/message", {"conversation_id": CONVERSATION, "text": "help \ud83d me"}).status_code == 200
    assert server.agent.received[-1].text == "help  me"
    assert_kind_error(server.post("/message", {"conversation_id": CONVERSATION, "text": "\ud83d"}), 400, "empty_message")


# ---- buttons ------------------------------------------------------------------------------


def test_replies_carry_only_text_and_signed_buttons(server):
    response = server.post("/message", {"conversation_id": CONVERSATION, "text": "hello"})
    assert response.status_code == 200
    messages = response.json()["messages"]
    assert set(response.json()) == {"messages"}
    # The image and the custom JSON message are left out; "\n\n" splits text as Rasa's collector does.
    assert messages == [
        {
            "text": "Here is what I can help with.",
            "buttons": [
                {"title": "Clare's Law", "payload": "/clares_law",
                 "signature": sign_button(KEY, CONVERSATION, "/clares_law")},
                {"title": "Find support", "payload": "/find_support",
                 "signature": sign_button(KEY, CONVERSATION, "/find_support")},
            ],
        },
        {"text": "First part."},
        {"text": "Second part."},
    ]


def test_a_button_message_without_text_has_no_text_field(make_server):
    async def buttons_only(message: UserMessage) -> None:
        await message.output_channel.send_text_with_buttons(
            message.sender_id, None, [{"title": "Yes", "payload": "/affirm"}, {"title": "", "payload": "/x"}]
        )

    server = make_server(agent=StubAgent(reply=buttons_only))
    messages = server.post("/message", {"conversation_id": CONVERSATION, "text": "hi"}).json()["messages"]
    assert messages == [{"buttons": [{"title": "Yes", "payload": "/affirm",
                                      "signature": sign_button(KEY, CONVERSATION, "/affirm")}]}]


def test_a_signed_button_press_reaches_rasa_as_its_payload(server):
    button = server.post("/message", {"conversation_id": CONVERSATION, "text": "hello"}).json()["messages"][0]["buttons"][0]
    response = server.post("/message", {"conversation_id": CONVERSATION, "button": {
        "payload": button["payload"], "signature": button["signature"]}})
    assert response.status_code == 200
    pressed = server.agent.received[-1]
    assert pressed.text == "/clares_law"
    assert pressed.metadata == {"partner_id": "warwickshire-police"}


def test_forged_or_borrowed_button_presses_are_refused(server):
    good = sign_button(KEY, CONVERSATION, "/clares_law")
    attempts = [
        {"payload": "/restart", "signature": good},  # another payload
        {"payload": "/clares_law", "signature": sign_button(KEY, "someone-elses-id", "/clares_law")},  # another conversation
        {"payload": "/clares_law", "signature": sign_button("another-key", CONVERSATION, "/clares_law")},  # another key
        {"payload": "/clares_law", "signature": "9999999999." + "0" * 64},
        {"payload": "/clares_law", "signature": sign_button(KEY, CONVERSATION, "/clares_law", expires=1_000)},  # expired
    ]
    for button in attempts:
        response = server.post("/message", {"conversation_id": CONVERSATION, "button": button})
        body = assert_kind_error(response, 403, "button_not_valid")
        assert "/clares_law" not in response.text and "/restart" not in response.text
        assert body["error"]["message"].startswith("That button can no longer be used")
    assert server.agent.received == []


def test_badly_formed_button_presses_are_refused(server):
    for button in ("/clares_law", {"payload": "/clares_law"}, {"signature": "ab" * 32},
                   {"payload": 5, "signature": "ab" * 32}, {"payload": "/x", "signature": "not-hex"},
                   {"payload": "", "signature": "ab" * 32}, {"payload": "/x" * 600, "signature": "ab" * 32}):
        response = server.post("/message", {"conversation_id": CONVERSATION, "button": button})
        assert_kind_error(response, 400, "invalid_button")
    assert server.agent.received == []


# ---- what is refused, and how -------------------------------------------------------------


def test_malformed_requests_get_a_kind_error_and_no_traceback(server):
    cases = [
        (b"{not json", "invalid_json"),
        (b"", "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        (b"[1, 2]", "invalid_json"),
        (b'"text"', "invalid_json"),
        (b"[" * 3000 + b"]" * 3000, "invalid_json"),
        (json.dumps({"text": "hello"}).encode(), "invalid_conversation_id"),
        (json.dumps({"conversation_id": 12345678, "text": "hello"}).encode(), "invalid_conversation_id"),
        (json.dumps({"conversation_id": "short", "text": "hello"}).encode(), "invalid_conversation_id"),
        (json.dumps({"conversation_id": "x" * 65, "text": "hello"}).encode(), "invalid_conversation_id"),
        (json.dumps({"conversation_id": "has spaces in it", "text": "hello"}).encode(), "invalid_conversation_id"),
        (json.dumps({"conversation_id": "../../etc/passwd", "text": "hello"}).encode(), "invalid_conversation_id"),
        (json.dumps({"conversation_id": "abcdefgh12\n", "text": "hello"}).encode(), "invalid_conversation_id"),
        (json.dumps({"conversation_id": "rest:abcdefgh12", "text": "hello"}).encode(), "invalid_conversation_id"),
        (json.dumps({"conversation_id": CONVERSATION}).encode(), "text_or_button_required"),
        (json.dumps({"conversation_id": CONVERSATION, "text": "hi", "button": {}}).encode(), "text_or_button_required"),
        (json.dumps({"conversation_id": CONVERSATION, "text": ["hello"]}).encode(), "invalid_text"),
        (json.dumps({"conversation_id": CONVERSATION, "text": 42}).encode(), "invalid_text"),
    ]
    for data, code in cases:
        assert_kind_error(server.post("/message", data=data), 400, code)
    assert server.agent.received == []


def test_text_up_to_the_limit_is_accepted_and_longer_text_refused_without_echoing_it(server):
    assert server.post("/message", {"conversation_id": CONVERSATION, "text": "a" * 1000}).status_code == 200
    secret = "my-private-words-" * 60  # 1020 characters
    response = server.post("/message", {"conversation_id": CONVERSATION, "text": secret})
    body = assert_kind_error(response, 413, "message_too_long")
    assert "1000 characters" in body["error"]["message"]
    assert "my-private-words" not in response.text
    assert len(server.agent.received) == 1


def test_bodies_over_the_size_limit_are_refused(make_server):
    server = make_server(max_body_bytes=2048)
    padded = json.dumps({"conversation_id": CONVERSATION, "text": "hello", "padding": "x" * 3000}).encode()
    assert_kind_error(server.post("/message", data=padded), 413, "request_too_large")

    def chunked():  # no Content-Length: counted as it arrives
        yield b'{"conversation_id": "conversation-0001", "text": "hello", "padding": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    assert_kind_error(server.post("/message", data=chunked()), 413, "request_too_large")
    assert server.post("/message", {"conversation_id": CONVERSATION, "text": "hello"}).status_code == 200
    assert len(server.agent.received) == 1


def test_each_conversation_is_rate_limited(make_server):
    server = make_server(conversation_messages_per_minute=3)
    for _ in range(3):
        assert server.post("/message", {"conversation_id": CONVERSATION, "text": "hello"}).status_code == 200
    response = server.post("/message", {"conversation_id": CONVERSATION, "text": "hello"})
    body = assert_kind_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "999" in body["error"]["message"]
    assert response.headers["Access-Control-Allow-Origin"] == POLICE  # so the widget can show the message
    assert server.post("/message", {"conversation_id": "conversation-0002", "text": "hello"}).status_code == 200
    assert len(server.agent.received) == 4


def test_each_client_address_is_rate_limited_and_forwarded_for_is_ignored_unless_trusted(make_server):
    server = make_server(address_requests_per_minute=3)
    for n in range(3):
        response = server.post("/message", {"conversation_id": f"conversation-{n:04}", "text": "hello"},
                               headers={"X-Forwarded-For": f"10.0.0.{n}"})
        assert response.status_code == 200
    response = server.post("/message", {"conversation_id": "conversation-0009", "text": "hello"},
                           headers={"X-Forwarded-For": "10.0.0.99"})
    assert_kind_error(response, 429, "rate_limited")


def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(make_server):
    server = make_server(address_requests_per_minute=2, trusted_proxy_hops=1)
    for n in range(4):  # four clients, as the proxy saw them; what a client adds on the left changes nothing
        for _ in range(2):
            response = server.post("/message", {"conversation_id": f"conversation-{n:04}", "text": "hello"},
                                   headers={"X-Forwarded-For": f"1.2.3.{_}, 10.0.0.{n}"})
            assert response.status_code == 200
    response = server.post("/message", {"conversation_id": "conversation-0000", "text": "hello"},
                           headers={"X-Forwarded-For": "9.9.9.9, 10.0.0.0"})
    assert_kind_error(response, 429, "rate_limited")


def test_a_failure_in_the_assistant_is_a_kind_500_that_gives_nothing_away(make_server):
    async def broken(message: UserMessage) -> None:
        raise RuntimeError(f"internal detail {message.text}")

    server = make_server(agent=StubAgent(reply=broken))
    response = server.post("/message", {"conversation_id": CONVERSATION, "text": "my private words"})
    body = assert_kind_error(response, 500, "server_error")
    assert "999" in body["error"]["message"]
    assert "internal detail" not in response.text and "private" not in response.text
    assert "RuntimeError" not in response.text


def test_an_assistant_still_loading_is_a_kind_503(server):
    server.agent.ready = False
    body = assert_kind_error(server.post("/message", {"conversation_id": CONVERSATION, "text": "hi"}), 503, "not_ready")
    assert "999" in body["error"]["message"]
    assert server.agent.received == []


def test_wrong_methods_and_unknown_paths_are_not_served(server):
    assert server.get("/message").status_code == 405
    assert server.post("/partner", {}).status_code == 405
    assert server.get("/nothing-here").status_code == 404


def test_when_the_assistant_says_nothing_the_person_still_gets_the_safe_answer(make_server):
    async def silent(message: UserMessage) -> None:
        return None  # as when the action server is down: Rasa logs it and answers nothing

    server = make_server(StubAgent(reply=silent))
    reply = server.post("/message", {"conversation_id": CONVERSATION, "text": "he is outside with a knife"})
    assert reply.status_code == 200
    assert reply.json()["messages"] == [{"text": NO_ANSWER}]
    assert "999" in NO_ANSWER and "55" in NO_ANSWER and "101" in NO_ANSWER


def test_the_conversation_in_the_address_must_be_the_one_in_the_body(server):
    body = {"conversation_id": CONVERSATION, "text": "hello"}
    same = requests.post(f"{server.url}/message?conversation={CONVERSATION}", json=body,
                         headers={"Origin": POLICE}, timeout=10)
    assert same.status_code == 200
    other = requests.post(f"{server.url}/message?conversation=another-conversation", json=body,
                          headers={"Origin": POLICE}, timeout=10)
    assert_kind_error(other, 400, "conversation_mismatch")
    assert [m.sender_id for m in server.agent.received] == [CONVERSATION]


def test_the_health_check_says_ready_only_once_the_model_is_loaded(server):
    assert requests.get(f"{server.url}/", timeout=10).json() == {"status": "ok"}
    server.agent.ready = False
    assert_kind_error(requests.get(f"{server.url}/", timeout=10), 503, "not_ready")
