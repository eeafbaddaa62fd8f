"""Changes to the content, from draft to published, and the record of who did what.

A change is one field of one service (its phone number, opening hours, wording...). It
is a draft until an approver who is not its author approves it; only then can it be
published. Publishing writes bot/content/services.yml in one step (a new file moved into
place), keeping its comments and layout, and the assistant picks it up without restart.
Every published version is kept, so any can be put back. Content that fails the checks
of `scripts/content check` can be saved as a draft but never approved or published.
Every draft, approval, publication and rollback is recorded with who, when and what.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from ruamel.yaml import YAML

from bot.actions.content_store import check_directory
from bot.actions.content_validation import CheckResult
from studio.accounts import Account

SERVICES_FILE = "services.yml"
# The fields of a service the studio edits as text, in the order its form shows them.
# (Opening hours, audiences and dates are structured: forms of their own, still to come.)
EDITABLE_FIELDS = ("name", "summary", "phone", "textphone", "text", "url", "source")
MAX_VALUE_LENGTH = 1000

SCHEMA = """
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT NOT NULL,
    author TEXT NOT NULL,
    status TEXT NOT NULL,
    problems TEXT NOT NULL,
    approved_by TEXT,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    published_at REAL NOT NULL,
    published_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    services_yml TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    change_id INTEGER,
    detail TEXT NOT NULL
);
"""


class ChangeError(ValueError):
    """Why this cannot be done, in words for the person doing it."""


@dataclass(frozen=True)
class Change:
    id: int
    service_id: str
    field: str
    old_value: Optional[str]
    new_value: str
    author: str
    status: str  # draft, approved, published
    problems: List[str]
    approved_by: Optional[str]

    @property
    def can_be_approved(self) -> bool:
        return self.status == "draft" and not self.problems


def prepare(db: sqlite3.Connection) -> None:
    db.executescript(SCHEMA)


def _yaml() -> YAML:
    """Round-trip YAML that writes services.yml back exactly as it was, bar the change."""
    yaml = YAML()
    yaml.preserve_quotes = True  # type: ignore[assignment]  # ruamel's annotations say None
    yaml.width = 4096  # type: ignore[assignment]
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def with_change(services_yml: str, service_id: str, field: str, value: str) -> str:
    """services.yml with one field of one service set to `value`."""
    yaml = _yaml()
    data = yaml.load(services_yml)
    entry = next((s for s in data.get("services", []) if s.get("id") == service_id), None)
    if entry is None:
        raise ChangeError(f"There is no service '{service_id}'.")
    entry[field] = value
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def current_value(content_dir: Path, service_id: str, field: str) -> Optional[str]:
    data = _yaml().load((content_dir / SERVICES_FILE).read_text(encoding="utf-8"))
    entry = next((s for s in data.get("services", []) if s.get("id") == service_id), None)
    if entry is None:
        raise ChangeError(f"There is no service '{service_id}'.")
    value = entry.get(field)
    return None if value is None else str(value)


def trial(content_dir: Path, services_yml: str) -> CheckResult:
    """The content checked as it would be with this services.yml, from a throwaway copy."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "content"
        shutil.copytree(content_dir, copy)
        (copy / SERVICES_FILE).write_text(services_yml, encoding="utf-8")
        return check_directory(copy)


def problems_with(content_dir: Path, services_yml: str) -> List[str]:
    """What `scripts/content check` would say about the content with this services.yml."""
    return list(trial(content_dir, services_yml).problems)


def published_text(content_dir: Path, change: "Change") -> str:
    """services.yml as it would be with this change, from the file as it is now."""
    text = (content_dir / SERVICES_FILE).read_text(encoding="utf-8")
    return with_change(text, change.service_id, change.field, change.new_value)


def propose(db: sqlite3.Connection, content_dir: Path, author: Account, service_id: str, field: str,
            value: str) -> Change:
    """Saves a draft, checked against the content as it is now; a draft with problems is kept
    (so nothing typed is lost) but cannot be approved until it is fixed."""
    if field not in EDITABLE_FIELDS:
        raise ChangeError(f"'{field}' cannot be changed here.")
    value = value.strip()
    if not value or len(value) > MAX_VALUE_LENGTH:
        raise ChangeError(f"Type a value of 1 to {MAX_VALUE_LENGTH} characters.")
    old = current_value(content_dir, service_id, field)
    text = (content_dir / SERVICES_FILE).read_text(encoding="utf-8")
    problems = problems_with(content_dir, with_change(text, service_id, field, value))
    with db:
        cursor = db.execute(
            "INSERT INTO changes (service_id, field, old_value, new_value, author, status, problems, created_at) "
            "VALUES (?, ?, ?, ?, ?, 'draft', ?, ?)",
            (service_id, field, old, value, author.name, json.dumps(problems), time.time()))
        change_id = int(cursor.lastrowid or 0)
        _record(db, author.name, "draft", change_id, {"service": service_id, "field": field, "from": old, "to": value})
    return get(db, change_id)


def approve(db: sqlite3.Connection, content_dir: Path, change_id: int, approver: Account) -> Change:
    change = get(db, change_id)
    if not approver.may_approve:
        raise ChangeError("Only an approver can approve a change.")
    if change.author == approver.name:
        raise ChangeError("A change must be approved by someone other than its author.")
    if change.status != "draft":
        raise ChangeError(f"This change is already {change.status}.")
    problems = _problems_now(content_dir, change)
    if problems:
        with db:
            db.execute("UPDATE changes SET problems = ? WHERE id = ?", (json.dumps(problems), change_id))
        raise ChangeError("This change fails the content checks, so it cannot be approved: " + "; ".join(problems))
    with db:
        db.execute("UPDATE changes SET status = 'approved', approved_by = ? WHERE id = ?", (approver.name, change_id))
        _record(db, approver.name, "approve", change_id, {"service": change.service_id, "field": change.field})
    return get(db, change_id)


def publish(db: sqlite3.Connection, content_dir: Path, change_id: int, by: Account) -> Change:
    """Writes the approved change into services.yml, keeping the version it replaces."""
    change = get(db, change_id)
    if change.status != "approved":
        raise ChangeError("Only an approved change can be published.")
    if not by.may_approve:
        raise ChangeError("Only an approver can publish.")
    path = content_dir / SERVICES_FILE
    before = path.read_text(encoding="utf-8")
    after = with_change(before, change.service_id, change.field, change.new_value)
    problems = problems_with(content_dir, after)
    if problems:
        raise ChangeError("The content would fail its checks, so nothing was published: " + "; ".join(problems))
    with db:
        db.execute("INSERT INTO versions (published_at, published_by, reason, services_yml) VALUES (?, ?, ?, ?)",
                   (time.time(), by.name, f"before change {change_id}", before))
        db.execute("UPDATE changes SET status = 'published' WHERE id = ?", (change_id,))
        _record(db, by.name, "publish", change_id,
                {"service": change.service_id, "field": change.field, "from": change.old_value, "to": change.new_value})
        write_atomically(path, after)
    return get(db, change_id)


def rollback(db: sqlite3.Connection, content_dir: Path, version_id: int, by: Account) -> None:
    """Puts back services.yml as it was before a publication (itself kept, so undoable)."""
    if not by.may_approve:
        raise ChangeError("Only an approver can roll back.")
    row = db.execute("SELECT services_yml FROM versions WHERE id = ?", (version_id,)).fetchone()
    if row is None:
        raise ChangeError(f"There is no published version {version_id}.")
    path = content_dir / SERVICES_FILE
    problems = problems_with(content_dir, row[0])
    if problems:
        raise ChangeError("That version fails today's content checks, so it was not put back: " + "; ".join(problems))
    with db:
        db.execute("INSERT INTO versions (published_at, published_by, reason, services_yml) VALUES (?, ?, ?, ?)",
                   (time.time(), by.name, f"before rollback to version {version_id}", path.read_text(encoding="utf-8")))
        _record(db, by.name, "rollback", None, {"to_version": version_id})
        write_atomically(path, row[0])


def write_atomically(path: Path, text: str) -> None:
    """The assistant reads either the old file or the new one, never half of one."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def get(db: sqlite3.Connection, change_id: int) -> Change:
    row = db.execute("SELECT id, service_id, field, old_value, new_value, author, status, problems, approved_by "
                     "FROM changes WHERE id = ?", (change_id,)).fetchone()
    if row is None:
        raise ChangeError(f"There is no change {change_id}.")
    change_id, service_id, field, old_value, new_value, author, status, problems, approved_by = row
    return Change(change_id, service_id, field, old_value, new_value, author, status, json.loads(problems), approved_by)


def changes(db: sqlite3.Connection) -> List[Change]:
    ids = [row[0] for row in db.execute("SELECT id FROM changes ORDER BY id DESC")]
    return [get(db, change_id) for change_id in ids]


def versions(db: sqlite3.Connection) -> List[Dict[str, Any]]:
    return [{"id": r[0], "published_at": r[1], "published_by": r[2], "reason": r[3]}
            for r in db.execute("SELECT id, published_at, published_by, reason FROM versions ORDER BY id DESC")]


def audit_csv(db: sqlite3.Connection) -> str:
    """The whole record, for the force's files: when (UTC), who, what, which change, details."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at_utc", "who", "action", "change", "detail"])
    for at, who, action, change_id, detail in db.execute(
            "SELECT at, who, action, change_id, detail FROM audit ORDER BY id"):
        writer.writerow([time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at)), who, action, change_id or "", detail])
    return out.getvalue()


def _problems_now(content_dir: Path, change: Change) -> List[str]:
    return problems_with(content_dir, published_text(content_dir, change))


def _record(db: sqlite3.Connection, who: str, action: str, change_id: Optional[int], detail: Dict[str, Any]) -> None:
    db.execute("INSERT INTO audit (at, who, action, change_id, detail) VALUES (?, ?, ?, ?, ?)",
               (time.time(), who, action, change_id, json.dumps(detail, ensure_ascii=False)))
