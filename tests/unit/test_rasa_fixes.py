"""The speed fix to Rasa changes how fast it works, never what it decides."""
import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import bot.nlu  # noqa: F401  (applies the fix, as loading the model does)
from bot import rasa_fixes

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


def test_the_fix_is_in_place_once_the_nlu_package_is_loaded():
    assert RemoteAction._validate_action_result is rasa_fixes.validate_action_result


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
