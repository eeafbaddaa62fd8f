"""The speed fixes to Rasa change how fast it works, never what it decides."""
import jsonschema
import pytest
import scipy.sparse
from rasa.core.actions.action import RemoteAction
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

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


def fitted_classifier():
    """Rasa's logistic regression component, fitted on a few sparse 'messages'."""
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    config = {**LogisticRegressionClassifier.get_default_config(), "random_state": 2023}
    component = LogisticRegressionClassifier(config, "classifier", None, None)
    counts = scipy.sparse.random(60, 400, density=0.05, format="csr", random_state=1)
    component.clf.fit(counts, [f"intent_{i % 6}" for i in range(60)])
    return component, counts


def message_with_counts(counts):
    message = Message(data={TEXT: "a message"})
    message.add_features(Features(counts, FEATURE_TYPE_SENTENCE, TEXT, "CountVectorsFeaturizer"))
    return message


def test_the_classifier_fix_is_in_place_once_the_nlu_package_is_loaded():
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    assert LogisticRegressionClassifier.process is rasa_fixes.process_with_weights_laid_out


def test_the_classifier_gives_the_same_ranking_with_its_weights_laid_out():
    component, counts = fitted_classifier()
    messages = [message_with_counts(counts[i]) for i in range(10)]
    expected = component.clf.predict_proba(counts[:10])
    assert not component.clf.coef_.flags["F_CONTIGUOUS"]

    rasa_fixes.process_with_weights_laid_out(component, messages)

    assert component.clf.coef_.flags["F_CONTIGUOUS"]
    for message, probabilities in zip(messages, expected):
        ranking = {r["name"]: r["confidence"] for r in message.get("intent_ranking")}
        assert [ranking[name] for name in component.clf.classes_] == pytest.approx(list(probabilities), abs=1e-12)


def test_a_loaded_model_runs_the_fixed_classifier():
    """Rasa's graph keeps each component's method from when the model is loaded, so
    the fix must be applied by then: loading the model imports bot.nlu first."""
    from scripts.train import model_path

    if not model_path().exists():
        pytest.skip(f"No trained model at {model_path()}: run scripts/setup.sh")
    import asyncio
    import gc

    from rasa.core.agent import Agent
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    agent = Agent.load(str(model_path()))
    parsed = asyncio.run(agent.parse_message("what is clares law"))
    classifiers = [o for o in gc.get_objects() if isinstance(o, LogisticRegressionClassifier)
                   and "clares_law" in getattr(o.clf, "classes_", [])]
    assert parsed["intent"]["name"] == "clares_law"
    assert classifiers and all(c.clf.coef_.flags["F_CONTIGUOUS"] for c in classifiers)


def test_the_fixed_classifier_method_has_rasas_signature():
    """Rasa reads a component's `process` signature to wire its training graph;
    any difference (an annotated `self`) makes training fail."""
    import inspect
    import typing

    original = rasa_fixes._rasas_logistic_regression_process
    fixed = rasa_fixes.process_with_weights_laid_out
    assert inspect.signature(fixed) == inspect.signature(original)
    assert typing.get_type_hints(fixed) == typing.get_type_hints(original)
