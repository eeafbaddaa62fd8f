"""The widget in Chromium, driven by Playwright: a page with the widget, its storage, and
axe-core."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any, Dict, List
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from bot.settings import PROJECT_ROOT
from tests.support.stack import Stack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
REPLY_TIMEOUT_MS = 30_000  # the widget's own limit for a reply
STORAGE_KEY = "wp-chat-id"

expect.set_options(timeout=REPLY_TIMEOUT_MS)


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 800}, "locale": "en-GB", **options})
    context.set_default_timeout(REPLY_TIMEOUT_MS)
    requested: List[str] = []
    context.on("request", lambda request: requested.append(request.url))
    context.requested = requested  # type: ignore[attr-defined]
    return context


def assert_only_local_requests(context: BrowserContext) -> None:
    elsewhere = [url for url in context.requested  # type: ignore[attr-defined]
                 if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname not in LOCAL_HOSTS]
    assert not elsewhere, f"the page made requests to other hosts: {elsewhere}"

DEEP_ACTIVE_ELEMENT = """() => {
  let element = document.activeElement;
  while (element && element.shadowRoot && element.shadowRoot.activeElement) element = element.shadowRoot.activeElement;
  if (!element) return null;
  const host = element.getRootNode().host;
  return {tag: element.tagName.toLowerCase(), cls: String(element.className || ''), id: element.id || '',
          text: (element.textContent || '').trim(), host: host ? host.tagName.toLowerCase() : null};
}"""

# Everything the page's origin could keep in the browser.
BROWSER_STORAGE = """async () => ({
  local: Object.fromEntries(Object.entries(localStorage)),
  session: Object.fromEntries(Object.entries(sessionStorage)),
  cookies: document.cookie,
  indexedDB: (await indexedDB.databases()).map((db) => db.name),
  caches: 'caches' in window ? await caches.keys() : [],
})"""


class Widget:
    """The chat widget on a page: its controls in the (open) shadow roots, found by
    Playwright's CSS selectors, which look inside them."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.host = page.locator("wp-chat-widget")
        self.launcher = page.locator("wp-chat-widget .wp-launcher")
        self.panel = page.locator("wp-chat-widget .wp-panel")
        self.title = page.locator("wp-chat-widget .wp-title")
        self.log = page.locator("wp-chat-widget .wp-log")
        self.bot_messages = page.locator("wp-chat-widget .wp-msg--bot")
        self.choices = page.locator("wp-chat-widget .wp-choice")
        self.input = page.locator("wp-chat-widget .wp-input")
        self.error = page.locator("wp-chat-widget .wp-error")
        self.typing = page.locator("wp-chat-widget .wp-typing")
        self.exit_button = page.locator("wp-chat-widget .wp-exit__button")
        self.skip_link = page.locator("wp-chat-exit-link .wp-skip")

    def load(self, url: str) -> "Widget":
        self.page.goto(url)
        expect(self.launcher).to_be_visible()
        return self

    def open(self) -> None:
        self.launcher.click()
        expect(self.panel).to_be_visible()

    def wait_for_reply(self) -> None:
        expect(self.typing).to_be_hidden()

    def say(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def expect_said(self, text: str) -> None:
        """A bot message with this text appears in the log."""
        expect(self.bot_messages.filter(has_text=text).first).to_be_visible()

    def choice(self, title: str) -> Locator:
        return self.choices.filter(has_text=re.compile(f"^{re.escape(title)}$")).first

    def conversation_id(self) -> str:
        conversation_id = self.page.evaluate(f"() => sessionStorage.getItem({json.dumps(STORAGE_KEY)})")
        assert conversation_id, "the widget should keep the conversation id in sessionStorage while it runs"
        return conversation_id

    def focused(self) -> Dict[str, Any]:
        return self.page.evaluate(DEEP_ACTIVE_ELEMENT)

    def storage(self) -> Dict[str, Any]:
        return self.page.evaluate(BROWSER_STORAGE)


def wait_until_forgotten(stack: Stack, conversation_id: str, timeout_s: float = 15) -> None:
    """The server drops the conversation when the widget's keepalive /forget arrives,
    which may be just after the page has gone: wait for it, up to a limit."""
    deadline = time.monotonic() + timeout_s
    said = stack.said(conversation_id)
    while said and time.monotonic() < deadline:
        time.sleep(0.2)
        said = stack.said(conversation_id)
    assert said == [], f"the server still holds the conversation after exit: {said}"
