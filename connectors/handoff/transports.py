"""How a handoff reaches the force: a signed HTTPS POST, or an email over STARTTLS.

Each returns an Outcome whose detail ("HTTP 503", "timeout") is safe to log: it
never holds personal data, a URL's secrets or a server's reply text.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Callable, Optional, Protocol

import requests

from connectors.handoff.settings import HandoffDestination, SmtpSettings
from connectors.handoff.outbox import Claimed
from connectors.handoff.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, sign, signed_headers

USER_AGENT = "warwickshire-vawg-assistant-handoff/1"
DESTINATION_LABELS = {"general": "general", "professional_standards": "Professional Standards"}


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    detail: str
    retry_after: Optional[float] = None  # seconds the receiver asked us to wait (Retry-After)


class Transport(Protocol):
    def send(self, destination: HandoffDestination, claimed: Claimed, body: bytes) -> Outcome: ...


def _retry_after(response: requests.Response) -> Optional[float]:
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


class HttpTransport:
    """POST the JSON body, signed; 2xx, or 409 (already received), means delivered."""

    def __init__(self, timeout_seconds: float, session: Optional[requests.Session] = None) -> None:
        self.timeout_seconds = timeout_seconds
        self.session = session or requests.Session()

    def send(self, destination: HandoffDestination, claimed: Claimed, body: bytes) -> Outcome:
        headers = signed_headers(destination.secret, body, claimed.idempotency_key)
        headers["User-Agent"] = USER_AGENT
        try:
            response = self.session.post(
                destination.url,
                data=body,
                headers=headers,
                timeout=(min(5.0, self.timeout_seconds), self.timeout_seconds),
                allow_redirects=False,  # personal data goes to the configured address or nowhere
            )
        except requests.exceptions.SSLError:
            return Outcome(False, "TLS error")
        except requests.Timeout:
            return Outcome(False, "timeout")
        except requests.ConnectionError:
            return Outcome(False, "connection failed")
        except requests.RequestException as exc:
            return Outcome(False, type(exc).__name__)
        with response:
            status = response.status_code
            if 200 <= status < 300:
                return Outcome(True, f"HTTP {status}")
            if status == 409:
                return Outcome(True, "HTTP 409 (already received)")
            return Outcome(False, f"HTTP {status}", _retry_after(response))


class SmtpTransport:
    """Email the JSON as an attachment, over STARTTLS (never in clear), signed like the HTTP body.

    Email cannot answer "already received": the receiving side de-duplicates by the
    X-Idempotency-Key header (also the Message-ID), as docs/handoff-contract.md says.
    """

    def __init__(
        self,
        smtp: SmtpSettings,
        timeout_seconds: float,
        connect: Callable[..., smtplib.SMTP] = smtplib.SMTP,
        tls_context: Optional[ssl.SSLContext] = None,
    ) -> None:
        self.smtp = smtp
        self.timeout_seconds = timeout_seconds
        self.connect = connect
        self.tls_context = tls_context or ssl.create_default_context()

    def message(self, destination: HandoffDestination, claimed: Claimed, body: bytes) -> EmailMessage:
        label = DESTINATION_LABELS.get(claimed.destination, claimed.destination)
        msg = EmailMessage()
        msg["Subject"] = f"Safe handoff {claimed.reference} ({label})"  # never personal data in a subject
        msg["From"] = self.smtp.sender
        msg["To"] = destination.email_to
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = f"<{claimed.idempotency_key}@{self.smtp.sender.rpartition('@')[2]}>"
        msg[IDEMPOTENCY_HEADER] = claimed.idempotency_key
        msg[SIGNATURE_HEADER] = sign(destination.secret, body)
        msg.set_content(
            f"A person asked Warwickshire Police to contact them, and consented to this request being sent.\n\n"
            f"Reference: {claimed.reference}\nDestination: {label}\n\n"
            f"The request is attached as handoff-{claimed.reference}.json (schema_version 1, see the handoff "
            f"contract). Contact them only by the method and at the times they chose.\n"
        )
        msg.add_attachment(body, maintype="application", subtype="json", filename=f"handoff-{claimed.reference}.json")
        return msg

    def send(self, destination: HandoffDestination, claimed: Claimed, body: bytes) -> Outcome:
        msg = self.message(destination, claimed, body)
        try:
            with self.connect(self.smtp.host, self.smtp.port, timeout=self.timeout_seconds) as client:
                client.ehlo()
                client.starttls(context=self.tls_context)  # raises if the server cannot: nothing is sent in clear
                client.ehlo()
                if self.smtp.user:
                    client.login(self.smtp.user, self.smtp.password)
                client.send_message(msg)
        except smtplib.SMTPResponseException as exc:
            return Outcome(False, f"SMTP {exc.smtp_code}")
        except smtplib.SMTPNotSupportedError:
            return Outcome(False, "SMTP server does not offer STARTTLS")
        except (smtplib.SMTPException, OSError) as exc:
            return Outcome(False, f"SMTP {type(exc).__name__}")
        return Outcome(True, "SMTP accepted")
