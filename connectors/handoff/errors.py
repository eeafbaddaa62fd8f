"""What the handoff API raises. Messages never contain what the person typed."""
from __future__ import annotations


class HandoffError(Exception):
    """Base class: the handoff was not accepted. Nothing was stored."""


class HandoffRejected(HandoffError):
    """The request is not valid (a developer error, or a value the form should have caught).

    The message is plain English naming the fields at fault, never their values.
    """


class HandoffUnavailable(HandoffError):
    """The outbox could not store the request (configuration, disk or database).

    Nothing was stored: the person must be offered another way to get in touch.
    """
