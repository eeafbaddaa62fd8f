"""Reads bot/content/ and keeps the last good version in use.

Actions call `content_store().current()` on every reply. It re-reads the files
when any of them changed, so edits go live without a retrain or restart. If the
new files have problems, the assistant keeps the last good content and logs the
problems for operators (they name files and fields, never anything a user said).
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Text, Tuple

import yaml

from bot.actions.content_model import Content
from bot.actions.content_validation import CheckResult, check_content
from bot.settings import PROJECT_ROOT, load_settings

logger = logging.getLogger(__name__)

DOMAIN_DIR = PROJECT_ROOT / "bot" / "domain"


class ContentError(Exception):
    """The content cannot be used; the message says what to fix."""


def read_intents(directory: Path = DOMAIN_DIR) -> List[Text]:
    """Every intent in the domain files: each needs a topic to answer it."""
    intents = []
    for path in sorted(directory.glob("*.yml")):
        domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        intents += [i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents", [])]
    return intents


def _read_yaml(path: Path, problems: List[Text]) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path.name}: the file is missing.")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" near line {mark.line + 1}" if mark else ""
        problems.append(
            f"{path.name}: the file could not be read{where}. Check the indentation, "
            "and put quotes around text that contains a colon (:)."
        )
    return None


def check_directory(directory: Path, intents: Optional[List[Text]] = None) -> CheckResult:
    """Reads and checks every content file in a directory."""
    problems: List[Text] = []
    services = _read_yaml(directory / "services.yml", problems)
    finder = _read_yaml(directory / "finder.yml", problems)
    handoff = _read_yaml(directory / "handoff.yml", problems)
    cards = _read_yaml(directory / "cards.yml", problems)
    topic_files: Dict[Text, object] = {
        f"topics/{path.name}": _read_yaml(path, problems) for path in sorted((directory / "topics").glob("*.yml"))
    }
    translation_files: Dict[Text, object] = {
        path.stem: _read_yaml(path, problems) for path in sorted((directory / "translations").glob("*.yml"))
    }
    result = check_content(
        services, finder, topic_files, intents if intents is not None else read_intents(), handoff_yaml=handoff,
        translation_files=translation_files, cards_yaml=cards,
    )
    result.problems[:0] = problems
    return result


class ContentStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._content: Optional[Content] = None
        self._fingerprint: Optional[Tuple] = None

    def _files_fingerprint(self) -> Tuple:
        paths = (sorted(self.directory.glob("*.yml")) + sorted(self.directory.glob("topics/*.yml"))
                 + sorted(self.directory.glob("translations/*.yml")))
        return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)

    def current(self) -> Content:
        fingerprint = self._files_fingerprint()
        if fingerprint != self._fingerprint:
            self._reload(fingerprint)
        if self._content is None:
            raise ContentError(f"No usable content in {self.directory}. Run: scripts/content check")
        return self._content

    def _reload(self, fingerprint: Tuple) -> None:
        result = check_directory(self.directory)
        self._fingerprint = fingerprint
        if result.ok:
            self._content = result.content
            logger.info("Content loaded from %s", self.directory)
            return
        logger.error(
            "Content in %s has %d problem(s); still using the last good version. First: %s",
            self.directory, len(result.problems), result.problems[0],
        )


@lru_cache(maxsize=None)
def content_store() -> ContentStore:
    """The one store the action server uses."""
    return ContentStore(load_settings().content_dir)
