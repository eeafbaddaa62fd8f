"""A change published in the content studio is what the running assistant says next,
with no restart and no retraining (issue 16)."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from bot.settings import PROJECT_ROOT
from studio import accounts, changes, entries
from tests.support.stack import Chat, Stack, running_stack
from tests.support.studio import APPROVER, EDITOR, NEW_NUMBER, database_with_people

ASK = "what is the victim support phone number"


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("studio-content") / "content"
    shutil.copytree(PROJECT_ROOT / "bot" / "content", target)
    return target


@pytest.fixture(scope="module")
def stack_on_copy(tmp_path_factory, content_dir) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("studio-stack"), extra_env={"CONTENT_DIR": str(content_dir)}) as running:
        yield running


def test_a_published_number_is_the_one_the_assistant_gives_next(stack_on_copy, content_dir):
    before = " ".join(Chat(stack_on_copy, "widget").say(ASK))
    assert "0808 168 9111" in before and NEW_NUMBER not in before
    db = database_with_people("sqlite://")
    editor, approver = accounts.Account(EDITOR, "editor"), accounts.Account(APPROVER, "approver")
    ref = entries.find(content_dir, "service", "victim_support")
    change = changes.propose(db, content_dir, editor, ref, {**entries.read(content_dir, ref), "phone": NEW_NUMBER})
    changes.approve(db, content_dir, change.id, approver)
    changes.publish(db, content_dir, change.id, approver)
    after = " ".join(Chat(stack_on_copy, "widget").say(ASK))
    assert NEW_NUMBER in after and "0808 168 9111" not in after
