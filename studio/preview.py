"""What the assistant will say, before and after a change: the same replies the actions
send (render_topic, render_service), as the {text, buttons} messages the widget draws."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from bot.actions.content_model import Content
from bot.actions.content_store import check_directory
from bot.actions.rendering import render_service, render_topic
from studio import changes
from studio.changes import DRAFT, APPROVED, Change, ChangeError
from studio.entries import EntryRef

UK_TIME = ZoneInfo("Europe/London")


def replies(content: Content, ref: EntryRef) -> List[Dict[str, Any]]:
    now = datetime.now(UK_TIME)
    if ref.kind == "service":
        return [{"text": render_service(content.services[ref.entry_id], content, now).text, "buttons": []}]
    return [{"text": reply.text, "buttons": reply.buttons}
            for reply in render_topic(content, content.topics[ref.entry_id], now)]


def before_and_after(content_dir: Path, change: Change) -> Optional[Dict[str, Any]]:
    """The replies now and with the change; None once the change is published or withdrawn
    (the assistant's answer is then simply what it says)."""
    if change.status not in (DRAFT, APPROVED):
        return None
    before = replies(check_directory(content_dir).content, change.ref)
    if change.problems:
        return {"before": before, "after": None, "why_not_after": "Not shown: the change fails the content checks."}
    try:
        result = changes.trial(content_dir, change.ref.file, changes.file_with_change(content_dir, change))
    except ChangeError as problem:
        return {"before": before, "after": None, "why_not_after": str(problem)}
    if not result.ok:
        return {"before": before, "after": None, "why_not_after": "Not shown: the change fails the content checks."}
    return {"before": before, "after": replies(result.content, change.ref), "why_not_after": ""}
