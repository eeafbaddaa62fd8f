"""The website chat widget's channel: /webhooks/widget/ (docs/widget-api.md has the protocol).

Registered in bot/credentials.yml as connectors.widget_channel.WidgetInput. Plain
HTTP, one request per message, and nothing kept between requests that any replica
needs: the conversation lives in the tracker store, button signatures are checked
with a key every replica shares, and which partner a request comes from is read
from its Origin header and connectors/partners.yml. Only the rate-limit counters
are per process.

What a browser sends is never trusted as it is: the partner comes from the server's
list, metadata from the client is ignored, typed text can never be a Rasa command,
and a button press is accepted only with the signature it was sent with. Nothing a
person typed or pressed, and no address, is logged at INFO or above.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors import counters
from connectors.languages import LANGUAGES
from connectors.conversations import conversation_partner, forget_conversation
from connectors.unanswered import never_silent
from connectors.widget_limits import RateLimiter, client_address
from connectors.widget_partners import Partner, Partners, load_partners
from connectors.widget_settings import WidgetSettings, load_widget_settings
from connectors.widget_signing import button_signature_ok, sign_button

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "widget_static"
CONVERSATION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")  # fullmatch: "$" would let a trailing newline in
SIGNATURE = re.compile(r"[0-9]{1,12}\.[0-9a-fA-F]{64}")  # "<expiry>.<hmac>": widget_signing.py
STATIC_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
STATIC_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
}
MAX_BUTTON_PAYLOAD = 1000
PREFLIGHT_MAX_AGE_S = 600
# Sent with every response: nothing cached, nothing sniffed, no referrer passed on.
COMMON_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
DANGER = "If you are in danger now, call 999."
# Why the widget asks to forget a conversation, and the oversight event each is counted as.
FORGET_REASONS = {"clear": "conversation_forgotten", "quick_exit": "quick_exit"}


def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class WidgetError(Exception):
    """A request refused, with a message written for the person using the widget."""

    def __init__(self, status: int, code: str, message: str, headers: Optional[Dict[str, str]] = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def _origin_refused() -> WidgetError:
    return WidgetError(
        403,
        "origin_not_allowed",
        "This website is not set up to use the assistant. " + DANGER,
    )


def _bad_request(code: str) -> WidgetError:
    return WidgetError(400, code, "Something went wrong sending that. Please reload the page and try again.")


def _clean_text(text: str) -> str:
    """What a person typed, made safe to pass to Rasa.

    Control characters (other than new lines and tabs) and lone surrogates (half of
    an emoji, which cannot be written as UTF-8) are dropped, and every leading
    "/" and space is removed: Rasa reads a message that starts with "/" (after
    stripping spaces) as an intent command such as /restart, which only the server's
    signed buttons may send.
    """
    kept = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs"))
    while kept[:1].isspace() or kept[:1] == "/":
        kept = kept[1:]
    return kept.strip()


class LanguageCollectingOutputChannel(CollectingOutputChannel):
    """Rasa's collector, keeping the language each message is in (`lang`, set by the actions)."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in text.strip().split("\n\n"):  # as Rasa's own collector splits them
            await self._persist_message(self._with_language(self._message(recipient_id, text=part), kwargs))

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: List[Dict[str, Any]],
                                     **kwargs: Any) -> None:
        message = self._message(recipient_id, text=text, buttons=buttons)
        await self._persist_message(self._with_language(message, kwargs))

    @staticmethod
    def _with_language(message: Dict[str, Any], kwargs: Mapping[str, Any]) -> Dict[str, Any]:
        language = kwargs.get("lang")
        return {**message, "lang": language} if isinstance(language, str) and language in LANGUAGES else message


class WidgetInput(InputChannel):
    """POST /message, POST /forget, GET /partner and GET /static/<file> under /webhooks/widget/."""

    @classmethod
    def name(cls) -> Text:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        # Everything comes from bot/settings.py; nothing is read from credentials.yml.
        return cls()

    def __init__(
        self,
        settings: Optional[WidgetSettings] = None,
        partners: Optional[Partners] = None,
        static_dir: Path = STATIC_DIR,
    ) -> None:
        self.settings = settings or load_widget_settings()
        self.partners = partners or load_partners(self.settings.partners_file, self.settings.production)
        self.static_dir = static_dir.resolve()
        self.conversation_limiter = RateLimiter(self.settings.conversation_messages_per_minute)
        self.address_limiter = RateLimiter(self.settings.address_requests_per_minute)

    # ---- responses ---------------------------------------------------------------

    @staticmethod
    def _cors_headers(partner: Optional[Partner], origin: Optional[str], is_refusal: bool = False) -> Dict[str, str]:
        """Partners may read every answer. A refused site may read only its refusal, so the
        widget on it can say kindly why it does not work instead of showing a network error;
        the refusal itself is enforced by this server, not by CORS."""
        headers = {"Vary": "Origin"}
        readable = partner is not None or is_refusal
        if readable and origin and origin.strip() != "null":
            headers["Access-Control-Allow-Origin"] = origin.strip()
        return headers

    def _json(
        self, request: Request, body: Any, status: int = 200, headers: Optional[Dict[str, str]] = None,
        is_refusal: bool = False,
    ) -> HTTPResponse:
        origin = request.headers.get("origin")
        cors = self._cors_headers(self.partners.for_origin(origin), origin, is_refusal)
        return response.json(
            body, dumps=compact_json, status=status, headers={**COMMON_HEADERS, **cors, **(headers or {})}
        )

    def _error(self, request: Request, error: WidgetError) -> HTTPResponse:
        body = {"error": {"code": error.code, "message": error.message}}
        return self._json(request, body, error.status, error.headers, is_refusal=error.code == "origin_not_allowed")

    async def _guarded(self, request: Request, handle: Callable[[], Awaitable[HTTPResponse]]) -> HTTPResponse:
        """Runs a handler; anything it raises becomes a kind JSON error, never a traceback."""
        try:
            return await handle()
        except WidgetError as error:
            if error.status >= 500:
                logger.warning("Widget channel: answered %s (%s).", error.status, error.code)
            return self._error(request, error)
        except Exception as error:  # noqa: BLE001 - the person gets a kind message; operators the type
            logger.error("Widget channel: %s while answering a request; the person was asked to try again.",
                         type(error).__name__)
            logger.debug("Widget channel: details of the failure.", exc_info=True)
            return self._error(
                request,
                WidgetError(500, "server_error", "Something went wrong on our side. Please try again. " + DANGER),
            )

    def _preflight(self, request: Request, methods: str) -> HTTPResponse:
        origin = request.headers.get("origin")
        if not origin or origin.strip() == "null":
            return self._error(request, _origin_refused())
        if self.partners.for_origin(origin) is None:
            # No CORS headers for a site that is not a partner: its browser stops the
            # request there, and nothing about this server is offered to it.
            logger.info("Widget channel: refused a preflight from a site not in the partner list.")
            refused = _origin_refused()
            return self._json(request, {"error": {"code": refused.code, "message": refused.message}}, refused.status)
        return response.empty(
            status=204,
            headers={
                **COMMON_HEADERS,
                "Access-Control-Allow-Origin": origin.strip(),
                "Access-Control-Allow-Methods": methods,
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_S),
                "Vary": "Origin",
            },
        )

    # ---- checks --------------------------------------------------------------------

    def _partner(self, request: Request) -> Partner:
        partner = self.partners.for_origin(request.headers.get("origin"))
        if partner is None:
            logger.info("Widget channel: refused a request from a site not in the partner list (or with no Origin).")
            raise _origin_refused()
        return partner

    def _limit_address(self, request: Request) -> None:
        address = client_address(request.ip, request.headers.get("x-forwarded-for"), self.settings.trusted_proxy_hops)
        allowed, wait = self.address_limiter.allow(address)
        if not allowed:
            logger.info("Widget channel: a client address went over its rate limit.")
            raise self._rate_limited(wait)

    def _limit_conversation(self, conversation_id: str) -> None:
        allowed, wait = self.conversation_limiter.allow(conversation_id)
        if not allowed:
            logger.info("Widget channel: a conversation went over its rate limit.")
            raise self._rate_limited(wait)

    @staticmethod
    def _rate_limited(wait: int) -> WidgetError:
        return WidgetError(
            429,
            "rate_limited",
            "You are sending messages faster than we can answer. Please wait a moment and try again. " + DANGER,
            {"Retry-After": str(wait)},
        )

    async def _discard_body(self, request: Request) -> None:
        """Reads (within the size limit) and drops a body no one needs, as a preflight's."""
        try:
            await self._read_body(request)
        except WidgetError:
            pass

    def _limit_body(self, request: Request) -> None:
        """Caps what Sanic reads of the body, also when a request is refused unread
        (Sanic drains an unread body after the response, up to this size)."""
        if request.stream is not None:
            request.stream.request_max_size = self.settings.max_body_bytes

    async def _read_body(self, request: Request) -> bytes:
        self._limit_body(request)
        too_large = WidgetError(413, "request_too_large", "That was too much to send at once. Please send a shorter message.")
        try:
            await request.receive_body()
        except PayloadTooLarge:
            raise too_large from None
        if len(request.body or b"") > self.settings.max_body_bytes:
            raise too_large
        return request.body or b""

    async def _read_json(self, request: Request) -> Dict[str, Any]:
        """The request body as a JSON object, read no further than the size limit."""
        raw = await self._read_body(request)
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _bad_request("invalid_json") from None
        if not isinstance(body, dict):
            raise _bad_request("invalid_json")
        return body

    @staticmethod
    def _conversation_id(body: Mapping[str, Any], request: Request) -> str:
        """The body's conversation id. The widget also puts it in the address
        (?conversation=), so that a load balancer can send every request of one
        conversation to the same server without reading the body; when it is there, it
        must be the same."""
        conversation_id = body.get("conversation_id")
        if not isinstance(conversation_id, str) or not CONVERSATION_ID.fullmatch(conversation_id):
            raise _bad_request("invalid_conversation_id")
        in_address = request.get_args(keep_blank_values=True).getlist("conversation")
        if in_address and in_address != [conversation_id]:
            raise _bad_request("conversation_mismatch")
        return conversation_id

    def _text_to_send(self, body: Mapping[str, Any], conversation_id: str) -> str:
        """The text for Rasa: typed text made safe, or a signed button's payload."""
        text, button = body.get("text"), body.get("button")
        if (text is None) == (button is None):
            raise _bad_request("text_or_button_required")
        if text is not None:
            if not isinstance(text, str):
                raise _bad_request("invalid_text")
            if len(text) > self.settings.max_text_chars:
                raise WidgetError(
                    413,
                    "message_too_long",
                    f"That message is longer than {self.settings.max_text_chars} characters. "
                    f"Please shorten it, or send it in parts.",
                )
            cleaned = _clean_text(text)
            if not cleaned:
                raise WidgetError(400, "empty_message", "Please type a message before sending.")
            return cleaned
        if not isinstance(button, dict):
            raise _bad_request("invalid_button")
        payload, signature = button.get("payload"), button.get("signature")
        if (
            not isinstance(payload, str)
            or not payload.strip()
            or len(payload) > MAX_BUTTON_PAYLOAD
            or not isinstance(signature, str)
            or not SIGNATURE.fullmatch(signature)
        ):
            raise _bad_request("invalid_button")
        if not button_signature_ok(self.settings.button_key, conversation_id, payload, signature):
            logger.info("Widget channel: refused a button press whose signature does not match.")
            raise WidgetError(
                403,
                "button_not_valid",
                "That button can no longer be used. Please type your message, or choose one of the latest buttons.",
            )
        return payload

    @staticmethod
    def _agent(request: Request) -> Any:
        agent = getattr(request.app.ctx, "agent", None)
        is_ready = getattr(agent, "is_ready", None)
        if agent is None or (callable(is_ready) and not is_ready()):
            raise WidgetError(503, "not_ready", "The assistant is starting up. Please try again in a minute. " + DANGER)
        return agent

    # ---- what goes back to the browser ----------------------------------------------

    @staticmethod
    def _chosen_language(body: Mapping[str, Any]) -> Optional[str]:
        """The language picked in the widget, if any: one of LANGUAGES, or refused."""
        if "language" not in body:
            return None
        language = body["language"]
        if not isinstance(language, str) or language not in LANGUAGES:
            raise _bad_request("bad_language")
        return language

    def _outgoing(self, collected: List[Dict[str, Any]], conversation_id: str) -> List[Dict[str, Any]]:
        """Only text and buttons, each button signed for this conversation."""
        messages = []
        for message in collected:
            out: Dict[str, Any] = {}
            if isinstance(message.get("text"), str) and message["text"]:
                out["text"] = message["text"]
            buttons = []
            for button in message.get("buttons") or []:
                if not isinstance(button, Mapping) or button.get("payload") in (None, "") or button.get("title") in (None, ""):
                    continue
                payload = str(button["payload"])
                buttons.append({
                    "title": str(button["title"]),
                    "payload": payload,
                    "signature": sign_button(self.settings.button_key, conversation_id, payload),
                })
            if buttons:
                out["buttons"] = buttons
            if out and isinstance(message.get("lang"), str) and message["lang"] in LANGUAGES:
                out["lang"] = message["lang"]  # the widget marks the message up in its language
            if out:
                messages.append(out)
        return messages

    # ---- the routes ---------------------------------------------------------------------

    async def _message(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        partner = self._partner(request)
        self._limit_address(request)
        body = await self._read_json(request)
        conversation_id = self._conversation_id(body, request)
        text = self._text_to_send(body, conversation_id)
        language = self._chosen_language(body)
        self._limit_conversation(conversation_id)
        self._agent(request)
        collector = LanguageCollectingOutputChannel()
        await on_new_message(
            UserMessage(
                text,
                collector,
                conversation_id,
                input_channel=self.name(),
                # From the server's own lists only; the browser cannot set metadata.
                metadata={"partner_id": partner.id, **({"language": language} if language else {})},
            )
        )
        return self._json(request, {"messages": self._outgoing(collector.messages, conversation_id)})

    async def _forget(self, request: Request) -> HTTPResponse:
        partner = self._partner(request)
        self._limit_address(request)
        body = await self._read_json(request)
        conversation_id = self._conversation_id(body, request)
        reason = body.get("reason", "clear")
        if not isinstance(reason, str) or reason not in FORGET_REASONS:
            raise _bad_request("bad_reason")
        agent = self._agent(request)
        tracker_store = getattr(agent, "tracker_store", None)
        if tracker_store is None:
            raise WidgetError(503, "not_ready", "The assistant is starting up. Please try again in a minute. " + DANGER)
        counters.count(FORGET_REASONS[reason], channel=self.name(), partner=partner.id)
        started_on = await conversation_partner(tracker_store, conversation_id)
        if started_on is not None and started_on != partner.id:
            # Only the site a conversation was held on may erase it; the answer does not
            # say whether the conversation exists.
            logger.info("Widget channel: refused to erase a conversation held on another partner's site.")
            return self._json(request, {"forgotten": False})
        lock_store = getattr(agent, "lock_store", None)
        if lock_store is not None:
            # Waits for a message of this conversation still being answered, so it cannot save it back.
            async with lock_store.lock(conversation_id):
                erased = await forget_conversation(tracker_store, conversation_id)
        else:
            erased = await forget_conversation(tracker_store, conversation_id)
        logger.info("Widget channel: a conversation was erased at the person's request.")
        return self._json(request, {"forgotten": erased})

    async def _partner_info(self, request: Request) -> HTTPResponse:
        return self._json(request, self._partner(request).public())

    def _static(self, request: Request, filename: str) -> HTTPResponse:
        segments = filename.split("/")
        path = self.static_dir.joinpath(*segments).resolve() if all(STATIC_SEGMENT.match(s) for s in segments) else None
        content_type = STATIC_TYPES.get(path.suffix.lower()) if path is not None else None
        if path is None or content_type is None or self.static_dir not in path.parents or not path.is_file():
            raise WidgetError(404, "not_found", "There is nothing here.")
        return response.raw(
            path.read_bytes(),
            content_type=content_type,
            headers={
                **COMMON_HEADERS,
                # The widget's files are public, and a browser fetches a module script with
                # CORS: any page may load them (with no credentials). Only this server's
                # answers to message, forget and partner are kept to partners.
                "Access-Control-Allow-Origin": "*",
                # Partner pages load these from another site.
                "Cross-Origin-Resource-Policy": "cross-origin",
                # Opened on its own (an SVG, say), a file runs nothing.
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            },
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        widget = Blueprint("widget_webhook")
        on_new_message = never_silent(on_new_message)

        # Health and readiness for a load balancer or orchestrator: 200 once the model is
        # loaded and conversations can be answered, 503 before.
        @widget.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            async def ready() -> HTTPResponse:
                self._agent(request)
                return self._json(request, {"status": "ok"})

            return await self._guarded(request, ready)

        @widget.route("/message", methods=["POST", "OPTIONS"], stream=True)
        async def message(request: Request) -> HTTPResponse:
            self._limit_body(request)
            if request.method == "OPTIONS":
                await self._discard_body(request)
                return self._preflight(request, "POST, OPTIONS")
            return await self._guarded(request, lambda: self._message(request, on_new_message))

        @widget.route("/forget", methods=["POST", "OPTIONS"], stream=True)
        async def forget(request: Request) -> HTTPResponse:
            self._limit_body(request)
            if request.method == "OPTIONS":
                await self._discard_body(request)
                return self._preflight(request, "POST, OPTIONS")
            return await self._guarded(request, lambda: self._forget(request))

        @widget.route("/partner", methods=["GET", "OPTIONS"])
        async def partner(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return self._preflight(request, "GET, OPTIONS")
            return await self._guarded(request, lambda: self._partner_info(request))

        @widget.route("/static/<filename:path>", methods=["GET", "HEAD", "OPTIONS"])
        async def static(request: Request, filename: str) -> HTTPResponse:
            if request.method == "OPTIONS":
                return self._preflight(request, "GET, OPTIONS")

            async def serve() -> HTTPResponse:
                return self._static(request, filename)

            return await self._guarded(request, serve)

        return widget
