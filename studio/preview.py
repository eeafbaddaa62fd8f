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
    (the assistant's answer is then simply what it says). Also the translations the change
    would leave out of date (a number of the English changed): said in English until a
    translator updates them, which the editor and approver should know."""
    if change.status not in (DRAFT, APPROVED):
        return None
    now = check_directory(content_dir)
    before = replies(now.content, change.ref)

    def not_shown(why: str) -> Dict[str, Any]:
        return {"before": before, "after": None, "why_not_after": why, "translations_out_of_date": []}

    if change.problems:
        return not_shown("Not shown: the change fails the content checks.")
    try:
        result = changes.trial(content_dir, change.ref.file, changes.file_with_change(content_dir, change))
    except ChangeError as problem:
        return not_shown(str(problem))
    if not result.ok:
        return not_shown("Not shown: the change fails the content checks.")
    out_of_date = [message for message in result.stale_translations if message not in now.stale_translations]
    return {"before": before, "after": replies(result.content, change.ref), "why_not_after": "",
            "translations_out_of_date": out_of_date}
