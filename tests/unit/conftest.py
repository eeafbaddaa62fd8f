"""Fixtures shared by the unit tests: the real content, trackers and a dispatcher."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.actions.content_model import Content
from bot.actions.content_store import check_directory
from tests.support.trackers import CONTENT_DIR


@pytest.fixture(scope="session")
def content() -> Content:
    result = check_directory(CONTENT_DIR)
    assert result.ok, result.problems
    return result.content


@pytest.fixture
def monday_morning() -> datetime:
    from bot.actions.opening_hours import UK_TIME

    return datetime(2026, 11, 23, 11, 0, tzinfo=UK_TIME)
