"""The widget's settings, its partner list, rate limits, and where the partner id ends up."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from rasa.core.run import create_http_input_channels
from rasa_sdk import Tracker

from bot.actions.handoff import build_payload
from bot.settings import PROJECT_ROOT, SettingsError
from connectors.widget_channel import WidgetInput
from connectors.widget_limits import RateLimiter, client_address
from connectors.widget_partners import load_partners, normalise_origin
from connectors.widget_settings import DEV_WIDGET_BUTTON_KEY, load_widget_settings
from connectors.widget_signing import button_signature_ok, sign_button

WIDGET_VARIABLES = (
    "APP_ENV", "WIDGET_BUTTON_KEY", "WIDGET_PARTNERS_FILE", "WIDGET_MAX_TEXT_CHARS", "WIDGET_MAX_BODY_BYTES",
    "WIDGET_CONVERSATION_MESSAGES_PER_MINUTE", "WIDGET_ADDRESS_REQUESTS_PER_MINUTE", "WIDGET_TRUSTED_PROXY_HOPS",
)


@pytest.fixture
def env(monkeypatch):
    for name in WIDGET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("connectors.environment.load_dotenv", lambda *args, **kwargs: None)
    return monkeypatch


# ---- settings --------------------------------------------------------------------------


def test_defaults_run_on_a_laptop(env):
    settings = load_widget_settings()
    assert settings.button_key == DEV_WIDGET_BUTTON_KEY  # fixed, so every replica signs alike
    assert settings.partners_file == PROJECT_ROOT / "connectors" / "partners.yml"
    assert (settings.max_text_chars, settings.max_body_bytes) == (1000, 8192)
    assert (settings.conversation_messages_per_minute, settings.address_requests_per_minute) == (20, 60)
    assert settings.trusted_proxy_hops == 0
    assert DEV_WIDGET_BUTTON_KEY not in repr(settings)


def test_production_needs_a_real_button_key(env):
    env.setenv("APP_ENV", "production")
    for key in (None, DEV_WIDGET_BUTTON_KEY, "too-short"):
        if key is None:
            env.delenv("WIDGET_BUTTON_KEY", raising=False)
        else:
            env.setenv("WIDGET_BUTTON_KEY", key)
        with pytest.raises(SettingsError, match="WIDGET_BUTTON_KEY"):
            load_widget_settings()
    env.setenv("WIDGET_BUTTON_KEY", "k" * 40)
    assert load_widget_settings().button_key == "k" * 40


def test_bad_numbers_are_named(env):
    env.setenv("WIDGET_MAX_TEXT_CHARS", "lots")
    with pytest.raises(SettingsError, match="WIDGET_MAX_TEXT_CHARS"):
        load_widget_settings()
    env.delenv("WIDGET_MAX_TEXT_CHARS")
    env.setenv("WIDGET_TRUSTED_PROXY_HOPS", "-1")
    with pytest.raises(SettingsError, match="WIDGET_TRUSTED_PROXY_HOPS"):
        load_widget_settings()


def test_every_widget_setting_is_documented_in_env_example():
    example = (PROJECT_ROOT / ".env.example").read_text()
    for name in WIDGET_VARIABLES:
        assert f"\n{name}=" in example, name


def test_credentials_yml_registers_the_widget_beside_rest(env):
    channels = create_http_input_channels(None, str(PROJECT_ROOT / "bot" / "credentials.yml"))
    assert {channel.name() for channel in channels} == {"rest", "widget"}
    widget = next(channel for channel in channels if isinstance(channel, WidgetInput))
    assert widget.partners.for_origin("http://localhost:8000").id == "warwickshire-police"


# ---- the partner list -------------------------------------------------------------------


def write(tmp_path: Path, partners) -> Path:
    path = tmp_path / "partners.yml"
    path.write_text(yaml.safe_dump({"partners": partners}))
    return path


def test_the_shipped_partner_list_has_the_two_demo_partners():
    partners = load_partners(PROJECT_ROOT / "connectors" / "partners.yml", production=False)
    assert {p.id: p.allowed_origins for p in partners.partners} == {
        "warwickshire-police": ("http://localhost:8000", "http://127.0.0.1:8000"),
        "safe-haven-charity": ("http://localhost:8001", "http://127.0.0.1:8001"),
    }
    assert partners.for_origin("HTTP://LOCALHOST:8000").id == "warwickshire-police"
    for origin in (None, "", "null", "http://localhost", "http://localhost:8000/", "https://localhost:8000"):
        assert partners.for_origin(origin) is None


def test_origins_are_compared_exactly():
    assert normalise_origin("https://Example.org:443") == "https://example.org"
    assert normalise_origin("http://example.org:80") == "http://example.org"
    assert normalise_origin("http://example.org:8080") == "http://example.org:8080"
    for bad in ("example.org", "ftp://example.org", "https://example.org/path", "https://a.org:99999", "null", "*"):
        assert normalise_origin(bad) is None


@pytest.mark.parametrize("partners, problem", [
    ([], "at least one partner"),
    ([{"id": "Bad Id", "display_name": "x", "allowed_origins": ["https://a.org"]}], "id"),
    ([{"id": "a", "allowed_origins": ["https://a.org"]}], "display_name"),
    ([{"id": "a", "display_name": "A", "allowed_origins": []}], "allowed_origins"),
    ([{"id": "a", "display_name": "A", "allowed_origins": ["https://a.org/"]}], "scheme://host"),
    ([{"id": "a", "display_name": "A", "allowed_origins": ["*"]}], "scheme://host"),
    ([{"id": "a", "display_name": "A", "allowed_origins": ["https://a.org"], "colour": "red;}"}], "colour"),
    ([{"id": "a", "display_name": "A", "allowed_origins": ["https://a.org"], "secret": 1}], "does not know"),
    ([{"id": "a", "display_name": "A", "allowed_origins": ["https://a.org"]},
      {"id": "a", "display_name": "B", "allowed_origins": ["https://b.org"]}], "appears twice"),
    ([{"id": "a", "display_name": "A", "allowed_origins": ["https://a.org"]},
      {"id": "b", "display_name": "B", "allowed_origins": ["https://A.org:443"]}], "both"),
])
def test_a_bad_partner_list_stops_the_server_with_what_to_fix(tmp_path, partners, problem):
    with pytest.raises(SettingsError, match=problem):
        load_partners(write(tmp_path, partners), production=False)


def test_production_allows_only_https_origins(tmp_path):
    path = write(tmp_path, [{"id": "a", "display_name": "A", "allowed_origins": ["http://a.org"]}])
    with pytest.raises(SettingsError, match="https"):
        load_partners(path, production=True)
    with pytest.raises(SettingsError, match="cannot be read"):
        load_partners(tmp_path / "missing.yml", production=False)


# ---- signatures and limits ------------------------------------------------------------------


def test_signatures_bind_key_conversation_and_payload():
    signature = sign_button("key", "conversation-1", "/clares_law")
    expires, _, mac = signature.partition(".")
    assert len(mac) == 64 and int(expires) > time.time()
    assert button_signature_ok("key", "conversation-1", "/clares_law", signature)
    assert button_signature_ok("key", "conversation-1", "/clares_law", signature.upper())
    assert not button_signature_ok("key", "conversation-2", "/clares_law", signature)
    assert not button_signature_ok("key", "conversation-1", "/clares_law{}", signature)
    assert not button_signature_ok("other", "conversation-1", "/clares_law", signature)
    # The separator keeps (id, payload) pairs apart.
    assert sign_button("key", "ab", "c", 100) != sign_button("key", "a", "bc", 100)


def test_a_signature_expires_and_its_expiry_cannot_be_moved():
    signature = sign_button("key", "conversation-1", "/clares_law", expires=1_000)
    assert button_signature_ok("key", "conversation-1", "/clares_law", signature, now=999)
    assert not button_signature_ok("key", "conversation-1", "/clares_law", signature, now=1_001)
    later = "9999999999." + signature.partition(".")[2]
    assert not button_signature_ok("key", "conversation-1", "/clares_law", later, now=1_001)
    for broken in ("", ".", "abc." + "0" * 64, "1000"):
        assert not button_signature_ok("key", "conversation-1", "/clares_law", broken, now=0)


def test_the_rate_limiter_slides_and_forgets_quiet_keys():
    now = [0.0]
    limiter = RateLimiter(2, window=60, clock=lambda: now[0])
    assert limiter.allow("a") == (True, 0)
    now[0] = 30
    assert limiter.allow("a") == (True, 0)
    assert limiter.allow("a") == (False, 30)
    assert limiter.allow("b") == (True, 0)
    now[0] = 61
    assert limiter.allow("a") == (True, 0)
    now[0] = 500
    limiter.allow("c")
    assert set(limiter._events) == {"c"}


def test_the_client_address():
    assert client_address("203.0.113.9", "1.1.1.1", 0) == "203.0.113.9"
    assert client_address("10.0.0.1", "1.1.1.1", 1) == "1.1.1.1"
    assert client_address("10.0.0.1", "6.6.6.6, 1.1.1.1", 1) == "1.1.1.1"
    assert client_address("10.0.0.1", "6.6.6.6, 1.1.1.1, 10.0.0.2", 2) == "1.1.1.1"
    assert client_address("10.0.0.1", "1.1.1.1", 3) == "1.1.1.1"
    assert client_address("10.0.0.1", None, 1) == "10.0.0.1"
    assert client_address(None, None, 0) == "unknown"


def test_ipv6_clients_are_counted_by_their_64_network():
    one_home = ["2001:db8:1:2::1", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:DB8:1:2::ffff"]
    assert {client_address(address, None, 0) for address in one_home} == {"2001:db8:1:2::/64"}
    assert client_address("2001:db8:1:3::1", None, 0) == "2001:db8:1:3::/64"
    assert client_address("10.0.0.1", "2001:db8:1:2::7", 1) == "2001:db8:1:2::/64"
    assert client_address("::ffff:203.0.113.9", None, 0) == "203.0.113.9"
    assert client_address("not-an-address", None, 0) == "not-an-address"


# ---- the handoff says which partner site it came from ----------------------------------------


def tracker(channel: str, metadata) -> Tracker:
    return Tracker(
        sender_id="conversation-1",
        slots={"handoff_topic": "domestic_abuse", "contact_method": "they_will_contact"},
        latest_message={"intent": {"name": "affirm"}, "entities": [], "text": "yes", "metadata": metadata},
        events=[{"event": "user", "text": "yes", "input_channel": channel, "metadata": metadata}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def test_the_handoff_source_names_the_widget_partner(content):
    source = build_payload(tracker("widget", {"partner_id": "safe-haven-charity"}), content)["source"]
    assert source == {"channel": "widget", "partner_id": "safe-haven-charity"}
    assert build_payload(tracker("widget", None), content)["source"]["partner_id"] is None
    assert build_payload(tracker("widget", ["odd"]), content)["source"]["partner_id"] is None
    # The REST channel passes on whatever metadata a client sends: not trusted with a partner.
    rest = build_payload(tracker("rest", {"partner_id": "warwickshire-police"}), content)["source"]
    assert rest == {"channel": "rest", "partner_id": None}
