"""The folders' imports run one way (docs/architecture.md):
studio -> bot -> connectors, studio -> oversight -> connectors, force_inbox -> connectors;
connectors imports none of them."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Tuple

import pytest

from bot.settings import PROJECT_ROOT

MAY_NOT_IMPORT = {"connectors": ("bot", "force_inbox", "studio", "oversight"), "force_inbox": ("bot", "studio", "oversight"),
                  "bot": ("studio", "oversight"), "oversight": ("bot", "studio", "force_inbox")}


def imports_in(folder: str) -> Iterator[Tuple[Path, str]]:
    for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                yield from ((path, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module


@pytest.mark.parametrize("folder", sorted(MAY_NOT_IMPORT))
def test_imports_run_one_way(folder):
    wrong = [f"{path.relative_to(PROJECT_ROOT)} imports {module}" for path, module in imports_in(folder)
             if module.split(".")[0] in MAY_NOT_IMPORT[folder]]
    assert not wrong, wrong

