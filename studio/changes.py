"""Changes to the content, from draft to published, and the record of who did what.

A change is an edit of one service or one topic: the fields that differ, as they were and
as drafted. It is a draft until an approver who is not its author approves it; only then
can it be published. Publishing writes that content file in one step (a new file moved
into place), keeping its comments and layout, and the assistant picks it up without
restart. Every published version of a file is kept, so any can be put back. Content that
fails the checks of `scripts/content check` can be saved as a draft (nothing typed is
lost) but never approved or published. Every draft, approval, publication, withdrawal
and rollback is recorded with who, when and the diff.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import yaml
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from bot.actions.content_store import check_directory
from bot.actions.content_validation import CheckResult
from studio import entries
from studio.accounts import Account
from studio.database import audit_table, changes_table, versions_table
from studio.entries import EntryError, EntryRef
from studio.fields import FORMS, field_for

DRAFT, APPROVED, PUBLISHED, WITHDRAWN = "draft", "approved", "published", "withdrawn"


class ChangeError(ValueError):
    """Why this cannot be done, in words for the person doing it."""


@dataclass(frozen=True)
class Problem:
    field: Optional[str]  # the form field it concerns, if it names one
    message: str


@dataclass(frozen=True)
class Change:
    id: int
    ref: EntryRef
    before: Dict[str, Any]  # the changed fields as they were (None: the field was not there)
    after: Dict[str, Any]  # the changed fields as drafted (None: the field is removed)
    author: str
    status: str
    problems: List[Problem]
    approved_by: Optional[str]
    created_at: float

    @property
    def can_be_approved(self) -> bool:
        return self.status == DRAFT and not self.problems

    def may_be_approved_by(self, account: Account) -> bool:
        return self.can_be_approved and account.may_approve and account.name != self.author

    def diff(self) -> List[Tuple[str, Any, Any]]:
        return [(name, self.before.get(name), self.after.get(name)) for name in self.after]


# Checking ------------------------------------------------------------------------------

def trial(content_dir: Path, file: str, text: str) -> CheckResult:
    """The content checked as it would be with this file's text, from a throwaway copy."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "content"
        shutil.copytree(content_dir, copy)
        (copy / file).write_text(text, encoding="utf-8")
        return check_directory(copy)


def problems_with(content_dir: Path, ref: EntryRef, text: str) -> List[Problem]:
    """What `scripts/content check` would say with this file's text, each tied to the form
    field it is about when it is about this entry."""
    form = FORMS[ref.kind]
    found = []
    for message in trial(content_dir, ref.file, text).problems:
        field = field_for(message, form) if f"'{ref.entry_id}'" in message else None
        # Next to its field, "services.yml, entry 25 'victim_support': " says nothing new.
        found.append(Problem(field, message.split("': ", 1)[1] if field and "': " in message else message))
    return found


def file_with_change(content_dir: Path, change: Change) -> str:
    """The content file as it would be with this change, from the file as it is now. If
    someone has changed one of the same fields since the draft was made, nothing is merged:
    the draft must be made again, from what the assistant says now."""
    now = entries.read(content_dir, change.ref)
    for name, was in change.before.items():
        if now.get(name) != was:
            raise ChangeError(f"'{name}' has been changed since this draft was made. Make a new draft from the "
                              "content as it is now.")
    return _written(content_dir, change.ref, change.after)


def _written(content_dir: Path, ref: EntryRef, fields: Mapping[str, Any]) -> str:
    try:
        return entries.with_fields((content_dir / ref.file).read_text(encoding="utf-8"), ref, fields)
    except EntryError as problem:
        raise ChangeError(str(problem)) from None


# The life of a change ------------------------------------------------------------------

def propose(db: Engine, content_dir: Path, author: Account, ref: EntryRef, drafted: Mapping[str, Any],
            unreadable: Optional[Mapping[str, str]] = None) -> Change:
    """Saves a draft of the entry as `drafted` (its fields as the form gave them). Fields the
    form could not read and fields that fail the content checks are kept as problems with
    the draft, which cannot be approved until they are put right."""
    current = entries.read(content_dir, ref)
    names = [name for name in dict.fromkeys([*current, *drafted]) if name != "id"]
    after = {name: drafted.get(name) for name in names if drafted.get(name) != current.get(name)}
    if not after:
        raise ChangeError("Nothing was changed: that is what the assistant says now.")
    before = {name: current.get(name) for name in after}
    problems = [Problem(name, message) for name, message in (unreadable or {}).items()]
    problems += problems_with(content_dir, ref, _written(content_dir, ref, after))
    with db.begin() as connection:
        change_id = connection.execute(insert(changes_table).values(
            kind=ref.kind, entry_id=ref.entry_id, file=ref.file, before_yaml=_dump(before), after_yaml=_dump(after),
            author=author.name, status=DRAFT, problems=_problems_json(problems), created_at=time.time(),
        )).inserted_primary_key[0]
        _record(connection, author.name, "draft", change_id, ref, before, after)
    return get(db, change_id)


def approve(db: Engine, content_dir: Path, change_id: int, approver: Account) -> Change:
    change = get(db, change_id)
    if not approver.may_approve:
        raise ChangeError("Only an approver can approve a change.")
    if change.author == approver.name:
        raise ChangeError("A change must be approved by someone other than its author.")
    if change.status != DRAFT:
        raise ChangeError(f"This change is already {change.status}.")
    problems = problems_with(content_dir, change.ref, file_with_change(content_dir, change))
    if change.problems or problems:
        with db.begin() as connection:
            connection.execute(update(changes_table).where(changes_table.c.id == change_id)
                               .values(problems=_problems_json(change.problems or problems)))
        reasons = "; ".join(p.message for p in change.problems or problems)
        raise ChangeError("This change fails the content checks, so it cannot be approved: " + reasons)
    with db.begin() as connection:
        connection.execute(update(changes_table).where(changes_table.c.id == change_id)
                           .values(status=APPROVED, approved_by=approver.name))
        _record(connection, approver.name, "approve", change_id, change.ref, change.before, change.after)
    return get(db, change_id)


def publish(db: Engine, content_dir: Path, change_id: int, by: Account) -> Change:
    """Writes the approved change into its content file, keeping the version it replaces."""
    change = get(db, change_id)
    if not by.may_approve:
        raise ChangeError("Only an approver can publish.")
    if change.status != APPROVED:
        raise ChangeError("Only an approved change can be published.")
    path = content_dir / change.ref.file
    before_text = path.read_text(encoding="utf-8")
    after_text = file_with_change(content_dir, change)
    problems = problems_with(content_dir, change.ref, after_text)
    if problems:
        raise ChangeError("The content would fail its checks, so nothing was published: "
                          + "; ".join(p.message for p in problems))
    with db.begin() as connection:
        _keep_version(connection, change.ref.file, by, f"before change {change_id}", before_text)
        connection.execute(update(changes_table).where(changes_table.c.id == change_id).values(status=PUBLISHED))
        _record(connection, by.name, "publish", change_id, change.ref, change.before, change.after)
        write_atomically(path, after_text)  # inside the transaction: no record of a publication that did not happen
    return get(db, change_id)


def withdraw(db: Engine, change_id: int, by: Account) -> Change:
    """Its author or an approver can withdraw a change that is not yet published."""
    change = get(db, change_id)
    if change.status not in (DRAFT, APPROVED):
        raise ChangeError(f"This change is {change.status}, so it cannot be withdrawn.")
    if by.name != change.author and not by.may_approve:
        raise ChangeError("Only its author or an approver can withdraw a change.")
    with db.begin() as connection:
        connection.execute(update(changes_table).where(changes_table.c.id == change_id).values(status=WITHDRAWN))
        _record(connection, by.name, "withdraw", change_id, change.ref, change.before, change.after)
    return get(db, change_id)


def rollback(db: Engine, content_dir: Path, version_id: int, by: Account) -> None:
    """Puts a content file back as it was before a publication (itself kept, so undoable)."""
    if not by.may_approve:
        raise ChangeError("Only an approver can roll back.")
    with db.begin() as connection:
        row = connection.execute(select(versions_table.c.file, versions_table.c.text)
                                 .where(versions_table.c.id == version_id)).first()
    if row is None:
        raise ChangeError(f"There is no published version {version_id}.")
    file, text = row
    path = content_dir / file
    problems = trial(content_dir, file, text).problems
    if problems:
        raise ChangeError("That version fails today's content checks, so it was not put back: " + "; ".join(problems))
    with db.begin() as connection:
        _keep_version(connection, file, by, f"before rollback to version {version_id}", path.read_text(encoding="utf-8"))
        connection.execute(insert(audit_table).values(
            at=time.time(), who=by.name, action="rollback", change_id=None,
            detail=json.dumps({"file": file, "to_version": version_id})))
        write_atomically(path, text)


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


# Reading -------------------------------------------------------------------------------

def get(db: Engine, change_id: int) -> Change:
    with db.begin() as connection:
        row = connection.execute(select(changes_table).where(changes_table.c.id == change_id)).mappings().first()
    if row is None:
        raise ChangeError(f"There is no change {change_id}.")
    return _change(row)


def changes(db: Engine, status: Optional[str] = None) -> List[Change]:
    query = select(changes_table).order_by(changes_table.c.id.desc())
    if status:
        query = query.where(changes_table.c.status == status)
    with db.begin() as connection:
        return [_change(row) for row in connection.execute(query).mappings()]


def versions(db: Engine) -> List[Dict[str, Any]]:
    columns = (versions_table.c.id, versions_table.c.file, versions_table.c.published_at,
               versions_table.c.published_by, versions_table.c.reason)
    with db.begin() as connection:
        return [dict(row) for row in connection.execute(select(*columns).order_by(versions_table.c.id.desc())).mappings()]


def audit_csv(db: Engine) -> str:
    """The whole record, for the force's files: one line for each field of each action."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at_utc", "who", "action", "change", "file", "entry", "field", "before", "after"])
    for at, who, action, change_id, detail in _audit_rows(db):
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
        facts = json.loads(detail)
        diff = facts.get("diff") or [[f"version {facts.get('to_version')}", "", ""]]
        for field, before, after in diff:
            writer.writerow([when, who, action, change_id or "", facts.get("file", ""), facts.get("entry", ""),
                             field, _cell(before), _cell(after)])
    return out.getvalue()


def _audit_rows(db: Engine) -> Iterator[Tuple[float, str, str, Optional[int], str]]:
    columns = (audit_table.c.at, audit_table.c.who, audit_table.c.action, audit_table.c.change_id,
               audit_table.c.detail)
    with db.begin() as connection:
        yield from connection.execute(select(*columns).order_by(audit_table.c.id)).all()


def _cell(value: Any) -> str:
    """A spreadsheet must never run what the content says: a cell starting =, +, - or @ is text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _change(row: Mapping[str, Any]) -> Change:
    return Change(
        id=row["id"], ref=EntryRef(row["kind"], row["entry_id"], row["file"]),
        before=yaml.safe_load(row["before_yaml"]) or {}, after=yaml.safe_load(row["after_yaml"]) or {},
        author=row["author"], status=row["status"],
        problems=[Problem(p["field"], p["message"]) for p in json.loads(row["problems"])],
        approved_by=row["approved_by"], created_at=row["created_at"],
    )


def _dump(fields: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(fields), allow_unicode=True, sort_keys=False)


def _problems_json(problems: List[Problem]) -> str:
    return json.dumps([{"field": p.field, "message": p.message} for p in problems], ensure_ascii=False)


def _keep_version(connection: Connection, file: str, by: Account, reason: str, text: str) -> None:
    connection.execute(insert(versions_table).values(file=file, published_at=time.time(), published_by=by.name,
                                                     reason=reason, text=text))


def _record(connection: Connection, who: str, action: str, change_id: Optional[int], ref: EntryRef,
            before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    diff = [[name, _shown(before.get(name)), _shown(after.get(name))] for name in after]
    detail = {"file": ref.file, "entry": f"{ref.kind} {ref.entry_id}", "diff": diff}
    connection.execute(insert(audit_table).values(at=time.time(), who=who, action=action, change_id=change_id,
                                                  detail=json.dumps(detail, ensure_ascii=False)))


def _shown(value: Any) -> Any:
    """A value as the record shows it: text, with dates and lists written out."""
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)
