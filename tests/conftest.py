"""Fixtures shared across test folders: the running assistant (tests/stack.py)."""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.stack import DemoSites, Stack, demo_sites, running_stack


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
