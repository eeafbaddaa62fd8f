"""Two speed fixes to Rasa 3.6, applied in the Rasa server when it loads the model.

1. The action server's replies. Rasa checks every reply from the action server
against its response schema with `jsonschema.validate()`. That function first checks
the schema itself against the JSON Schema meta-schema, every time; Rasa's events
schema is large, so each custom action call spent about 20 ms (two thirds of the
assistant's time per message in docs/benchmarks.md, "Where the time goes") proving
the same schema valid again. Here the schema is checked once and its validator
kept. What is accepted and what is refused is unchanged: a reply that breaks the
schema still raises Rasa's ValidationError with Rasa's own explanation.

2. The intent classifier. Scikit-learn's logistic regression multiplies each message's
sparse n-gram counts by its weights, and with the weights laid out as training leaves
them, SciPy copied the whole weight matrix (62 intents by 9,821 n-grams) for every
message: 0.39 ms a message against 0.05 ms with the weights laid out the way that
multiplication reads them. The weights keep their values, so the probabilities are
the same.

Remove these when Rasa is upgraded past 3.6 (tests/unit/test_rasa_fixes.py fails if a
patched method has gone).
"""
from functools import lru_cache
from typing import Any, Dict, List, Text

import jsonschema
import numpy as np
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.nlu.training_data.message import Message


@lru_cache(maxsize=1)
def action_response_validator() -> Any:
    """The validator for Rasa's action server response schema, checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result, with the validator built once."""
    error = best_match(action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your "
            "response from the Action endpoint is valid. For more information about "
            f"the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


_rasas_logistic_regression_process = LogisticRegressionClassifier.process


def process_with_weights_laid_out(self, messages: List[Message]) -> List[Message]:
    """LogisticRegressionClassifier.process, with the weights in the layout that
    sparse-times-dense multiplication reads without copying (done once per model).
    Its signature must match Rasa's exactly: Rasa checks it when it builds a model,
    and an annotated `self` would read as an input the graph must supply."""
    weights = getattr(self.clf, "coef_", None)
    if weights is not None and not weights.flags["F_CONTIGUOUS"]:
        self.clf.coef_ = np.asfortranarray(weights)
    return _rasas_logistic_regression_process(self, messages)


def apply() -> None:
    for owner, method in ((RemoteAction, "_validate_action_result"), (LogisticRegressionClassifier, "process")):
        if not hasattr(owner, method):
            raise RuntimeError(
                f"bot/rasa_fixes.py: this Rasa version has no {owner.__name__}.{method}; "
                "check whether the fix is still needed and remove or update it."
            )
    RemoteAction._validate_action_result = validate_action_result
    LogisticRegressionClassifier.process = process_with_weights_laid_out
