"""The content studio for tests: a copy of the content, a database with an editor and two
approvers, the app served in-process, and a person's browser that fills in its forms the
way a browser would (every field the page offers, as the page sets it)."""
from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from html.parser import HTMLParser
from itertools import count
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import requests
from sanic import Sanic

from bot.settings import PROJECT_ROOT
from connectors.counters import Counters
from studio import accounts
from studio.app import Studio, build_app
from studio.database import open_database
from tests.support.sanic_server import InProcessServer

PASSWORD = "correct horse battery"
NEW_NUMBER = "01632 960123"  # from Ofcom's range for drama: never a real line
EDITOR, APPROVER, OTHER_APPROVER = "Eddie Editor", "Abi Approver", "Al Another"
_apps = count()


def copy_of_content(folder: Path) -> Path:
    target = folder / "content"
    shutil.copytree(PROJECT_ROOT / "bot" / "content", target)
    return target


def database_with_people(url: str):
    db = open_database(url)
    accounts.add_account(db, EDITOR, "editor", PASSWORD)
    accounts.add_account(db, APPROVER, "approver", PASSWORD)
    accounts.add_account(db, OTHER_APPROVER, "approver", PASSWORD)
    return db


@contextmanager
def running_studio(folder: Path, content_dir: Optional[Path] = None,
                   counters: Optional[Counters] = None) -> Iterator[Tuple[InProcessServer, Path]]:
    Sanic.test_mode = True
    content_dir = content_dir or copy_of_content(folder)
    db = database_with_people(f"sqlite:///{folder / 'studio.db'}")
    app = build_app(Studio(db, content_dir, secure_cookies=False, counters=counters), f"studio_{next(_apps)}")
    with InProcessServer(app) as server:
        yield server, content_dir
    db.dispose()


class _FormReader(HTMLParser):
    """The fields a page's first form with this action sends, as a browser would send them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, []  # type: ignore[var-annotated]
        self.textarea: Optional[str] = None
        self.select: Optional[str] = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action and not self.fields
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields.append((self.textarea, ""))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        if tag == "textarea":
            self.textarea = None
        if tag == "select":
            self.select = None

    def handle_data(self, data: str) -> None:
        if self.inside and self.textarea:
            name, value = self.fields.pop()
            self.fields.append((name, value + data))


class Person:
    """Someone signed in to the studio, with their own cookies."""

    def __init__(self, server: InProcessServer, name: str) -> None:
        self.server, self.name = server, name
        self.http = requests.Session()
        answer = self.http.post(f"{server.url}/sign-in", data={"name": name, "password": PASSWORD}, timeout=10)
        assert answer.status_code == 200 and f"Signed in as {name}" in answer.text, answer.text[:500]

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.server.url + path, timeout=30)

    def form(self, path: str, action: Optional[str] = None) -> List[Tuple[str, str]]:
        page = self.get(path).text
        reader = _FormReader(action or path.split("?")[0])
        reader.feed(page)
        assert reader.fields, f"no form for {action or path} on {path}"
        return reader.fields

    def edit(self, kind: str, entry_id: str, changes: Dict[str, object], draft: Optional[int] = None) -> requests.Response:
        """Opens the entry's form, changes these fields (a list sets a field sent many times,
        like ticked boxes) and saves it as a draft."""
        path = f"/{kind}s/{entry_id}/edit" + (f"?draft={draft}" if draft else "")
        fields = [(k, v) for k, v in self.form(path, f"/{kind}s/{entry_id}/edit") if k not in changes]
        for name, value in changes.items():
            fields += [(name, str(v)) for v in value] if isinstance(value, list) else [(name, str(value))]
        return self.http.post(f"{self.server.url}/{kind}s/{entry_id}/edit", data=fields, timeout=60)

    def csrf(self, path: str = "/") -> str:
        match = re.search(r'name="csrf" value="([^"]+)"', self.get(path).text)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def press(self, change_id: int, action: str) -> requests.Response:
        token = self.csrf(f"/changes/{change_id}")
        return self.http.post(f"{self.server.url}/changes/{change_id}/{action}", data={"csrf": token}, timeout=60)


def change_number(answer: requests.Response) -> int:
    match = re.search(r"/changes/(\d+)$", answer.url) or re.search(r'name="replaces" value="(\d+)"', answer.text)
    assert match, "no change was made"
    return int(match.group(1))


def buttons_on(page: str) -> List[str]:
    return re.findall(r'action="/changes/\d+/(\w+)"', page)
