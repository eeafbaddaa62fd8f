"""Every change this project makes to Rasa's own code, in one place, applied by one call.

`apply()` runs in bot/server.py, before Rasa builds its server (`python -m bot.server
run ...` is `rasa run` with these in place). Each change first checks that what it
replaces still exists, so a Rasa upgrade that moved it stops the server with a message
saying which change to look at, instead of silently running without it.
tests/unit/test_rasa_fixes.py checks each one.

1. Speed: the action server's replies. Rasa checks every reply from the action server
   against its response schema with `jsonschema.validate()`, which first checks the
   schema itself against the JSON Schema meta-schema, every time; each custom action
   call spent about 20 ms (docs/benchmarks.md, "Where the time goes") proving the same
   schema valid again. Here the schema is checked once and its validator kept. What is
   accepted and refused is unchanged.
2. No "Hello from Rasa: <version>" at `/`: it tells anyone who reaches the server which
   Rasa it runs, and so which advisories apply. Health checks use the widget channel's
   /webhooks/widget/.
3. No Rasa CORS. `rasa run --cors` answers every path's preflight itself, for whatever
   origins it was given, with Access-Control-Allow-Credentials. The widget channel
   answers CORS for its partners only, and no other route is meant for browsers.
4. One server hook: once the server has started (the model loaded, logging set up), the
   garbage collector freezes what is loaded (bot/gc_tuning.py) and log details are
   withheld (bot/log_privacy.py), whichever channels are configured.
5. Kind answers to paths and methods that do not exist. Sanic's own name the path that
   was asked for, and its 405 leaves out the Allow header (RFC 9110); these answer in the
   widget's error format (docs/widget-api.md), with the API headers and Allow.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Callable, Dict, Text

import jsonschema
import rasa.core.run
import rasa.server
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from sanic import Sanic, response
from sanic.exceptions import MethodNotSupported, NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import log_privacy
from bot.gc_tuning import freeze_what_is_loaded
from connectors.http_answers import add_api_headers

logger = logging.getLogger(__name__)


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


def add_no_root_route(app: Sanic) -> None:
    """In place of rasa.server.add_root_route: `/` is not found, like any unknown path."""


def configure_no_cors(app: Sanic, cors_origins: Any = "") -> None:
    """In place of rasa.server.configure_cors: the widget channel answers CORS itself."""
    if cors_origins:
        logger.warning("--cors is ignored: the widget channel allows its partners' origins only (connectors/partners.yml).")


async def after_server_start(app: Sanic, _loop: Any) -> None:
    """Runs once the model is loaded and the server's logging configured."""
    freeze_what_is_loaded()
    log_privacy.install()


async def no_such_path_or_method(request: Request, exception: Exception) -> HTTPResponse:
    if isinstance(exception, MethodNotSupported):
        error = {"code": "method_not_allowed", "message": "This address does not take that kind of request."}
        answer = response.json({"error": error}, status=405, headers=getattr(exception, "headers", None))
    else:
        answer = response.json({"error": {"code": "not_found", "message": "There is nothing here."}}, status=404)
    add_api_headers(answer)
    return answer


def with_server_hook(configure_app: Callable[..., Sanic]) -> Callable[..., Sanic]:
    def configure_app_with_hook(*args: Any, **kwargs: Any) -> Sanic:
        app = configure_app(*args, **kwargs)
        app.register_listener(after_server_start, "after_server_start")
        app.error_handler.add(NotFound, no_such_path_or_method)
        app.error_handler.add(MethodNotSupported, no_such_path_or_method)
        return app

    configure_app_with_hook.project_hook = True  # type: ignore[attr-defined]
    return configure_app_with_hook


def _require(owner: Any, name: str) -> None:
    if not hasattr(owner, name):
        raise RuntimeError(
            f"bot/rasa_fixes.py: this Rasa version has no {owner.__name__}.{name}; "
            "check whether the change to it is still needed, and remove or update it."
        )


def apply() -> None:
    """Makes all five changes. Safe to call more than once."""
    for owner, name in [(RemoteAction, "_validate_action_result"), (rasa.server, "add_root_route"),
                        (rasa.server, "configure_cors"), (rasa.core.run, "configure_app")]:
        _require(owner, name)
    RemoteAction._validate_action_result = validate_action_result
    rasa.server.add_root_route = add_no_root_route
    rasa.server.configure_cors = configure_no_cors
    if not getattr(rasa.core.run.configure_app, "project_hook", False):
        rasa.core.run.configure_app = with_server_hook(rasa.core.run.configure_app)
