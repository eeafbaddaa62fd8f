"""Settings for the website chat widget's channel, /webhooks/widget/ (docs/widget-api.md)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from connectors.environment import is_production, load_env, positive_int, project_path, secret, whole_number

# A key that works only on a laptop; production refuses to start with it.
DEV_WIDGET_BUTTON_KEY = "dev-only-widget-button-key"


@dataclass(frozen=True)
class WidgetSettings:
    production: bool
    button_key: str = field(repr=False)  # signs the buttons the widget is sent; the same on every replica
    partners_file: Path  # partner sites and the origins each may use the widget from
    max_text_chars: int
    max_body_bytes: int
    conversation_messages_per_minute: int
    address_requests_per_minute: int
    trusted_proxy_hops: int  # 0: the client address is the connection's; n: taken from X-Forwarded-For


def load_widget_settings() -> WidgetSettings:
    """Settings for the website chat widget's channel, /webhooks/widget/."""
    load_env()
    production = is_production()
    key = secret("WIDGET_BUTTON_KEY", DEV_WIDGET_BUTTON_KEY, production,
                  purpose="the same on every Rasa server, because it signs the widget's buttons")
    return WidgetSettings(
        production=production,
        button_key=key,
        partners_file=project_path("WIDGET_PARTNERS_FILE", "connectors/partners.yml"),
        max_text_chars=positive_int("WIDGET_MAX_TEXT_CHARS", 1000),
        max_body_bytes=positive_int("WIDGET_MAX_BODY_BYTES", 8192),
        conversation_messages_per_minute=positive_int("WIDGET_CONVERSATION_MESSAGES_PER_MINUTE", 20),
        address_requests_per_minute=positive_int("WIDGET_ADDRESS_REQUESTS_PER_MINUTE", 60),
        trusted_proxy_hops=whole_number("WIDGET_TRUSTED_PROXY_HOPS", 0),
    )
