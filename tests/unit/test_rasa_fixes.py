"""The changes to Rasa (bot/rasa_fixes.py): the speed fix changes how fast it works, never
what it decides; the server has no version page, no CORS of Rasa's and one start-up hook."""
import asyncio

import jsonschema
import pytest
import rasa.core.run
import rasa.server
from rasa.core.actions.action import RemoteAction
from sanic import Sanic

from bot import rasa_fixes
from tests.support.ports import bound_socket

rasa_fixes.apply()  # as bot/server.py does before Rasa builds its server
Sanic.test_mode = True

VALID_REPLIES = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "area", "value": "rugby", "timestamp": None}],
     "responses": [{"text": "Here is what I found.", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_listen"}]},
]
BROKEN_REPLIES = [
    {"events": "not a list"},
    {"events": [{"no_event_key": True}]},
    {"events": [{"event": "slot"}]},  # a slot event needs a name
    {"responses": "hello"},
]


def original_check(reply):
    jsonschema.validate(reply, RemoteAction.action_response_format_spec())


def test_every_change_is_in_place_once_applied_and_applying_twice_changes_nothing():
    rasa_fixes.apply()
    assert RemoteAction._validate_action_result is rasa_fixes.validate_action_result
    assert rasa.server.add_root_route is rasa_fixes.add_no_root_route
    assert rasa.server.configure_cors is rasa_fixes.configure_no_cors
    app = rasa.core.run.configure_app(input_channels=[], cors="*", enable_api=False, port=0)
    assert not [route for route in app.router.routes if route.path in ("", "/")]
    assert getattr(app.ctx, "sanic_cors", None) is None


def test_the_start_up_hook_runs_once_when_the_server_has_started(monkeypatch):
    ran = []
    monkeypatch.setattr(rasa_fixes, "freeze_what_is_loaded", lambda: ran.append("freeze"))
    monkeypatch.setattr(rasa_fixes.log_privacy, "install", lambda: ran.append("withhold log details"))
    rasa_fixes.apply()
    app = rasa.core.run.configure_app(input_channels=[], enable_api=False, port=0)

    async def start_and_stop() -> None:
        server = await app.create_server(sock=bound_socket(), return_asyncio_server=True)
        await server.startup()
        await server.before_start()
        assert ran == []
        await server.after_start()
        server.close()
        await server.wait_closed()

    asyncio.run(start_and_stop())
    assert ran == ["freeze", "withhold log details"]


def test_a_rasa_without_what_a_change_replaces_stops_with_a_clear_message(monkeypatch):
    monkeypatch.delattr(rasa.server, "add_root_route")
    with pytest.raises(RuntimeError, match="rasa.server.add_root_route"):
        rasa_fixes.apply()


@pytest.mark.parametrize("reply", VALID_REPLIES)
def test_valid_replies_pass_both_checks(reply):
    original_check(reply)
    assert RemoteAction("action_answer_topic", None)._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", BROKEN_REPLIES)
def test_broken_replies_are_refused_with_rasas_explanation(reply):
    with pytest.raises(jsonschema.ValidationError):
        original_check(reply)
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_answer_topic", None)._validate_action_result(reply)


def test_the_schema_itself_is_checked_only_once(monkeypatch):
    rasa_fixes.action_response_validator.cache_clear()
    checks = []
    validator_class = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    original = validator_class.check_schema
    monkeypatch.setattr(validator_class, "check_schema", lambda schema: checks.append(1) or original(schema))
    for _ in range(3):
        RemoteAction("action_answer_topic", None)._validate_action_result(VALID_REPLIES[1])
    assert len(checks) == 1
