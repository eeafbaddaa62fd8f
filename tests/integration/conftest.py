"""Fixtures for the tests over HTTP: the content the running assistant answers from."""
from __future__ import annotations

import pytest

from bot.actions.content_model import Content
from bot.actions.content_store import check_directory
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def content() -> Content:
    return check_directory(PROJECT_ROOT / "bot" / "content").content
