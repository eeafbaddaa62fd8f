"""Real-browser fixtures: Debian's Chromium driven by Playwright, on the demo pages.

The browser is the system one (/usr/bin/chromium, installed by scripts/setup.sh);
Playwright's own browser downloads are never used. Every page's requests are
recorded, and a test fails if the page asked anything of a host other than this
machine: the widget must talk to its own server only."""
from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from bot.actions.content_model import Content
from bot.actions.content_store import check_directory
from bot.settings import PROJECT_ROOT
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, assert_only_local_requests, new_context


@pytest.fixture(scope="session")
def content() -> Content:
    return check_directory(PROJECT_ROOT / "bot" / "content").content


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: run scripts/setup.sh (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = new_context(browser)
    yield context
    try:
        assert_only_local_requests(context)
    finally:
        context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
