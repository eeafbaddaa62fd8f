"""Finding a service or a topic in the content files, and writing one back changed, with
the file's comments and layout kept: only the lines of the fields that changed differ.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

SERVICES_FILE = "services.yml"
KINDS = {"service": "services", "topic": "topics"}  # the list each kind of entry is in
# Words the assistant's YAML reader (YAML 1.1) takes for true, false or nothing.
YAML_11_WORDS = {"yes", "no", "y", "n", "on", "off", "true", "false", "null"}


class EntryError(ValueError):
    """Why the entry cannot be found or changed, in words for the person asking."""


@dataclass(frozen=True)
class EntryRef:
    kind: str  # "service" or "topic"
    entry_id: str
    file: str  # relative to the content folder: services.yml, topics/support.yml

    @property
    def list_key(self) -> str:
        return KINDS[self.kind]


def round_trip_yaml() -> YAML:
    """YAML that writes a content file back exactly as it was, bar the change."""
    yaml = YAML()
    yaml.preserve_quotes = True  # type: ignore[assignment]  # ruamel's annotations say None
    yaml.width = 4096  # type: ignore[assignment]
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def content_files(content_dir: Path, kind: str) -> List[str]:
    if kind == "service":
        return [SERVICES_FILE]
    if kind == "topic":
        return [f"topics/{path.name}" for path in sorted((content_dir / "topics").glob("*.yml"))]
    raise EntryError(f"There is no kind of entry called '{kind}'.")


def find(content_dir: Path, kind: str, entry_id: str) -> EntryRef:
    for file in content_files(content_dir, kind):
        if _entry(_load(content_dir / file), KINDS[kind], entry_id) is not None:
            return EntryRef(kind, entry_id, file)
    raise EntryError(f"There is no {kind} '{entry_id}'.")


def read(content_dir: Path, ref: EntryRef) -> Dict[str, Any]:
    """The entry's fields as plain values (text, lists, dates, booleans)."""
    entry = _entry(_load(content_dir / ref.file), ref.list_key, ref.entry_id)
    if entry is None:
        raise EntryError(f"There is no {ref.kind} '{ref.entry_id}'.")
    return _plain(entry)


def with_fields(file_text: str, ref: EntryRef, fields: Mapping[str, Any]) -> str:
    """The file's text with these fields of the entry set (None removes a field)."""
    yaml = round_trip_yaml()
    data = yaml.load(file_text)
    entry = _entry(data, ref.list_key, ref.entry_id)
    if entry is None:
        raise EntryError(f"There is no {ref.kind} '{ref.entry_id}'.")
    for name, value in fields.items():
        if value is None:
            _remove(entry, name)
        elif name in entry:
            entry[name] = _styled_like(entry[name], value)
        else:
            _append(entry, name, _styled_like(None, value))
    out = io.StringIO()
    yaml.dump(data, out)
    text = out.getvalue()
    _check_read_back(text, ref, fields)
    return text


def _append(entry: CommentedMap, name: str, value: Any) -> None:
    """A new field goes last, and the blank line that ended the entry moves after it."""
    last = next(reversed(entry), None) if entry else None
    entry[name] = value
    if last is not None and last in entry.ca.items:
        entry.ca.items[name] = entry.ca.items.pop(last)


def _remove(entry: CommentedMap, name: str) -> None:
    if name not in entry:
        return
    keys = list(entry)
    comment = entry.ca.items.pop(name, None)
    del entry[name]
    if comment is not None and keys[-1] == name and len(keys) > 1:
        entry.ca.items[keys[-2]] = comment  # keep the blank line that ended the entry


def _check_read_back(text: str, ref: EntryRef, fields: Mapping[str, Any]) -> None:
    """What the assistant will read is exactly what was meant: never "no" read as false."""
    entry: Mapping[str, Any] = _entry(pyyaml.safe_load(text), ref.list_key, ref.entry_id) or {}
    for name, value in fields.items():
        if entry.get(name) != value:
            raise EntryError(f"'{name}' could not be written so that it reads back the same. Nothing was changed.")


def _load(path: Path) -> Any:
    return round_trip_yaml().load(path.read_text(encoding="utf-8"))


def _entry(data: Any, list_key: str, entry_id: str) -> Any:
    """The entry with this id (a CommentedMap, or a dict from PyYAML), or None."""
    entries = data.get(list_key) if isinstance(data, Mapping) else None
    return next((e for e in entries or [] if isinstance(e, Mapping) and e.get("id") == entry_id), None)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)  # ruamel's quoted-string types, as plain text
    return value


def _styled_like(old: Any, new: Any) -> Any:
    """Lists of words stay on one line ([a, b]) as the files write them; opening hours keep
    their day lists on one line too. Other values are written as YAML would by default."""
    if isinstance(new, list):
        flow = not isinstance(old, CommentedSeq) or old.fa.flow_style()
        if new and all(isinstance(item, Mapping) for item in new):
            flow = False
        if isinstance(old, CommentedSeq) and not old.fa.flow_style():
            flow = False
        seq = CommentedSeq(_styled_like(None, item) for item in new)
        if flow:
            seq.fa.set_flow_style()
        return seq
    if isinstance(new, Mapping):
        mapping = CommentedMap()
        for key, value in new.items():
            mapping[key] = _styled_like(None, value)
        return mapping
    if isinstance(new, str):
        return _quoted_unless_a_plain_word(new)
    return new


def _quoted_unless_a_plain_word(text: str) -> Any:
    """Ids (areas: [national]) stay bare as the files write them; any other text is written in
    quotes, so that a time (10:00), a number ("999") or a word like "no" is read as text."""
    if re.fullmatch(r"[a-z][a-z0-9_]*", text) and text not in YAML_11_WORDS:
        return text
    return DoubleQuotedScalarString(text)
