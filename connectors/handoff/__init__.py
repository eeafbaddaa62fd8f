"""Safe handoff: deliver a person's consented contact request to the force, exactly once.

The conversation side calls one function:

    from connectors.handoff import accept_handoff, HandoffRejected, HandoffUnavailable

    reference = accept_handoff(payload)   # stored durably (encrypted) before it returns

`payload` is the schema_version 1 dict in docs/handoff-contract.md; schema_version,
reference and created_at are filled in when left out. HandoffRejected: the payload
is not valid (the message names the fields, never their values). HandoffUnavailable:
it could not be stored (configuration, disk); nothing was stored, so offer the
person another way to get in touch. Both are HandoffError.

`python -m connectors.handoff.dispatcher` then delivers what was accepted.
"""
from __future__ import annotations

from typing import Any, Mapping

from connectors.handoff.errors import HandoffError, HandoffRejected, HandoffUnavailable
from connectors.handoff.payload import new_reference, utc_now_iso, validate

__all__ = [
    "accept_handoff",
    "check_ready",
    "HandoffError",
    "HandoffRejected",
    "HandoffUnavailable",
    "new_reference",
    "utc_now_iso",
]


def accept_handoff(payload: Mapping[str, Any]) -> str:
    """Validate the request, store it durably and encrypted in the outbox, and return its reference."""
    from connectors.handoff.outbox import default_outbox  # here, so a receiver can import payload and signing alone

    data = validate(payload)  # once, here: an invalid request is HandoffRejected, whatever the state of the outbox
    return default_outbox().store(data, reference_given=payload.get("reference") is not None)


def check_ready() -> None:
    """Open the outbox now (call when the action server starts): HandoffUnavailable if it cannot be."""
    from connectors.handoff.outbox import default_outbox

    default_outbox()
