"""A speed fix to Rasa 3.6, applied in the Rasa server when it loads the model.

The action server's replies. Rasa checks every reply from the action server
against its response schema with `jsonschema.validate()`. That function first checks
the schema itself against the JSON Schema meta-schema, every time; Rasa's events
schema is large, so each custom action call spent about 20 ms (two thirds of the
assistant's time per message in docs/benchmarks.md, "Where the time goes") proving
the same schema valid again. Here the schema is checked once and its validator
kept. What is accepted and what is refused is unchanged: a reply that breaks the
schema still raises Rasa's ValidationError with Rasa's own explanation.

Remove it when Rasa is upgraded past 3.6 (tests/unit/test_rasa_fixes.py fails if the
patched method has gone).
"""
from functools import lru_cache
from typing import Any, Dict, Text

import jsonschema
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


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


def apply() -> None:
    if not hasattr(RemoteAction, "_validate_action_result"):
        raise RuntimeError(
            "bot/rasa_fixes.py: this Rasa version has no RemoteAction._validate_action_result; "
            "check whether the fix is still needed and remove or update it."
        )
    RemoteAction._validate_action_result = validate_action_result
