"""Fixtures shared across test folders (the running assistant, tests/support/stack.py), and the
tiers every test is marked with, so a fast subset can be run while working:

    pytest -m unit               # no server at all: seconds
    pytest -m "unit or process"  # plus servers started inside the test process: about two minutes
    pytest -m stack              # the whole assistant running (trains the model first if needed)
    pytest -m browser            # the widget in Chromium
    pytest                       # everything, as scripts/test.sh runs it
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from scripts.local_servers import ServerUnavailable, postgres_cluster
from tests.support.stack import DemoSites, Stack, demo_sites, running_stack

# Counts made by actions run inside the test process go to a throwaway database, never the project's.
os.environ.setdefault("OVERSIGHT_DB", str(Path(tempfile.mkdtemp(prefix="oversight-tests-")) / "oversight.db"))

TIER_OF_FOLDER = {"unit": "unit", "widget": "process", "handoff": "process", "studio": "process", "oversight": "process",
                  "benchmarks": "unit",
                  "integration": "stack", "browser": "browser"}


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    """Marks each test with its tier: by its folder, and `stack` for any test that uses the
    running assistant, wherever it lives."""
    tests_folder = Path(__file__).parent
    for item in items:
        folder = Path(str(item.path)).relative_to(tests_folder).parts[0]
        tier = "stack" if "stack" in getattr(item, "fixturenames", ()) else TIER_OF_FOLDER.get(folder, "unit")
        if folder == "browser":
            tier = "browser"
        item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """The whole assistant on free ports, started once for every test that needs it."""
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running


@pytest.fixture(scope="session")
def demo(stack: Stack, tmp_path_factory) -> Iterator[DemoSites]:
    """The widget's demo pages (demo/serve.py), loading the widget from `stack`."""
    with demo_sites(tmp_path_factory.mktemp("demo"), stack) as sites:
        yield sites


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL for the outbox's and the studio's tests (scripts/local_servers.py), started once;
    HANDOFF_TEST_POSTGRES_URL names another database to use instead."""
    given = os.environ.get("HANDOFF_TEST_POSTGRES_URL", "").strip()
    if given:
        yield given
        return
    try:
        with postgres_cluster() as url:
            yield url
    except ServerUnavailable as why:
        pytest.skip(f"PostgreSQL could not be started here: {why}")
