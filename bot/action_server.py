"""The action server: rasa-sdk's own, with its door shut.

rasa-sdk answers anyone who can reach its port, and one POST to /webhook naming
`action_finish_handoff` with made-up slots would put a forged contact request in the
force's queue. So, as well as rasa-sdk's app:
- it listens on ACTION_SERVER_HOST, 127.0.0.1 unless set (a private network address in
  a deployment with several servers, never a public one);
- every request to /webhook must carry the shared secret the Rasa server sends
  (the X-Action-Server-Token header, set in bot/endpoints.yml), compared in constant time;
- only GET /health and POST /webhook exist: GET /actions (the list of actions) and
  every other path are refused, with a short JSON error and no stack trace;
- an error never echoes the request back (rasa-sdk's own handler returns the whole
  request body, names and numbers included, in its 500 reply).

    .venv/bin/python -m bot.action_server      # what scripts/run.sh and the tests start
"""
from __future__ import annotations

import hmac
import logging
import os

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import log_privacy
from bot.gc_tuning import freeze_what_is_loaded
from connectors.http_answers import add_api_headers, kind_error
from bot.settings import load_settings

TOKEN_HEADER = "X-Action-Server-Token"
logger = logging.getLogger(__name__)


def is_allowed(request: Request, token: str) -> bool:
    given = request.headers.get(TOKEN_HEADER, "")
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def build_app(token: str, actions_package: str = "bot.actions") -> Sanic:
    app = create_app(actions_package, cors_origins=None)  # no browser ever calls it

    @app.on_request
    async def only_the_rasa_server(request: Request):
        if request.path == "/health" and request.method == "GET":
            return None
        if request.path != "/webhook" or request.method != "POST":
            return kind_error(404, "There is nothing here.")
        if not is_allowed(request, token):
            logger.warning("Refused a request to the action server without the right token.")
            return kind_error(401, "This server only answers the assistant's own Rasa server.")
        return None

    async def no_echo(request: Request, exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500) or 500
        if status >= 500:
            # The type only: the exception's text can carry what the person wrote.
            logger.error("The action server failed on a request: %s", type(exception).__name__)
            return kind_error(500, "Something went wrong on our side.")
        return kind_error(status, "That request could not be handled.")

    @app.on_response
    async def api_headers(request: Request, answer: HTTPResponse) -> None:
        add_api_headers(answer)

    app.error_handler.add(Exception, no_echo)
    return app


def main() -> None:
    settings = load_settings()
    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    utils.update_sanic_log_level()
    log_privacy.install()
    app = build_app(settings.action_server_token)
    freeze_what_is_loaded()  # the SDK and every action are loaded now: bot/gc_tuning.py
    logger.info("Action server on http://%s:%s", settings.action_server_host, settings.action_server_port)
    app.run(settings.action_server_host, settings.action_server_port, workers=utils.number_of_sanic_workers(),
            access_log=False)


if __name__ == "__main__":
    main()
