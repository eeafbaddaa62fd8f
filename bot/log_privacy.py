"""Logs say what happened, never what was said (safety-design: no personal data in logs).

Rasa, rasa-sdk and Sanic log message texts, slot values and request lines in places
(a slash command Rasa cannot parse is logged whole, names and numbers included; at
DEBUG level every parsed message is). Rather than chase each log call, the servers
withhold the details of every log line at the point where it is written:
- a stdlib log line keeps its template and loses its arguments ("Failed to parse %s
  [details withheld]"); an exception keeps its type and loses its message and
  traceback, whose last line can quote what the person typed;
- a structlog event (Rasa's own logging) keeps its event name and description and
  loses every other field: only the names of the fields dropped are kept;
- Sanic's access log keeps the status, not the address or the request line (a query
  string can carry a token);
- Python warnings are routed through logging, so they are withheld the same way.

`install()` is called once a server's own logging is set up: the Rasa server from the
widget channel's start-up listener, the action server from bot/action_server.py. It
wraps the formatter of each handler that exists then (not pytest's log capture, when a
test starts a server in its own process), and never changes a log record.
"""
from __future__ import annotations

import logging
import sys
from typing import Any, Dict, Optional

import structlog

WITHHELD = "[details withheld]"
# structlog fields that describe the event itself, never its data.
EVENT_FIELDS = {"event", "event_info", "event_key", "log_level", "level", "timestamp"}


class WithholdingFormatter(logging.Formatter):
    """Writes a log line with its template and level only: arguments and exception text
    are withheld. It formats a copy, so other handlers (a test's log capture) still see
    the record as it was logged."""

    def __init__(self, inner: Optional[logging.Formatter]) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        safe = logging.makeLogRecord(record.__dict__)
        if safe.args:
            safe.msg, safe.args = f"{safe.msg} {WITHHELD}", ()
        if safe.exc_info:
            kind = safe.exc_info[0].__name__ if safe.exc_info[0] else "error"
            safe.msg, safe.exc_info, safe.exc_text = f"{safe.msg} ({kind})", None, None
        safe.exc_text, safe.stack_info = None, None
        if safe.name == "sanic.access":
            safe.host, safe.request = "[address withheld]", "[request withheld]"
        return self.inner.format(safe)


def withhold_event_fields(_logger: Any, _method: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
    """A structlog processor: the event's name and description only."""
    kept = {key: value for key, value in event_dict.items() if key in EVENT_FIELDS}
    dropped = sorted(key for key in event_dict if key not in EVENT_FIELDS and key != "exc_info")
    if dropped:
        kept["withheld"] = dropped
    if event_dict.get("exc_info"):
        kind = sys.exc_info()[0]
        kept["exception"] = kind.__name__ if kind else "error"
    return kept


def install() -> None:
    """Withholds details from every log handler that exists now, from structlog and from
    warnings. Safe to call more than once."""
    logging.captureWarnings(True)
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # a test's own log capture, which tests read to check what was logged
            if not isinstance(handler.formatter, WithholdingFormatter):
                handler.setFormatter(WithholdingFormatter(handler.formatter))
    # In place: Rasa configures structlog to cache each logger on first use, and the
    # cached loggers share this list, so a new configuration would not reach them.
    processors = structlog.get_config()["processors"]
    if isinstance(processors, list) and withhold_event_fields not in processors:
        processors.insert(0, withhold_event_fields)
