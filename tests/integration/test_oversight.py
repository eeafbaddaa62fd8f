"""The oversight counters on the running assistant: 100 conversations of known kinds, and
every counter moves by exactly what was sent; the counter database holds no text, no
conversation id and no time finer than a day; and the figures page and export show small
numbers as "fewer than 5" (issue 17)."""
from __future__ import annotations

import csv
import io
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import List, Tuple

from connectors.counters import Counters
from tests.support.stack import Chat, Stack
from tests.support.studio import EDITOR, Person, running_studio

FORCE, CHARITY = "warwickshire-police", "safe-haven-charity"
QUESTION = "what is clares law"
DANGER = "he's outside my door and he's got a knife"
DANGER_IN_POLISH = "pomocy, on jest pod drzwiami"
GIBBERISH = "zzqv plorb wexit"
Key = Tuple[str, str, str, str]  # event, category, channel, partner


def counts(stack: Stack) -> Counter:
    """Every counter in the stack's database, by key, days added together."""
    totals: Counter = Counter()
    if not stack.oversight_db.exists():
        return totals  # nothing counted yet
    with sqlite3.connect(stack.oversight_db) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'oversight_counts'").fetchone():
            return totals
        for event, category, channel, partner, count in db.execute(
                "SELECT event, category, channel, partner, count FROM oversight_counts"):
            totals[(event, category, channel, partner)] += count
    return totals


def settled_counts(stack: Stack) -> Counter:
    """The counts once the servers' batches (every 0.2 s here) have all been written."""
    previous, deadline = None, time.monotonic() + 15
    while time.monotonic() < deadline:
        time.sleep(0.6)
        current = counts(stack)
        if current == previous:
            return current
        previous = current
    raise AssertionError("the counts did not settle")


def run_conversations(stack: Stack, content) -> Tuple[Counter, List[str], List[str]]:
    """100 conversations; what each should count, and the ids and words sent."""
    expected: Counter = Counter()
    ids, words = [], []

    def chat(site: str) -> Chat:
        conversation = Chat(stack, "widget", site=site)
        ids.append(conversation.id)
        partner = FORCE if site == "force" else CHARITY
        expected[("conversation_started", "", "widget", partner)] += 1
        return conversation

    for n in range(40):
        site = "force" if n % 4 else "partner"
        partner = FORCE if site == "force" else CHARITY
        conversation = chat(site)
        assert content.topics["clares_law"].messages[0] in conversation.say(QUESTION)
        expected[("topic_answered", "clares_law", "widget", partner)] += 1
        if n < 10:
            conversation.forget("quick_exit")
            expected[("quick_exit", "", "widget", partner)] += 1
        elif n < 15:
            conversation.forget("clear")
            expected[("conversation_forgotten", "", "widget", partner)] += 1
    for _ in range(25):
        assert content.topics["danger_now"].messages[0] in chat("force").say(DANGER)
        expected[("danger_now", "", "widget", FORCE)] += 1
    for _ in range(5):  # counted under its language, apart from danger in English
        assert content.translations["pl"].messages["danger_now"][0] in chat("force").say(DANGER_IN_POLISH)
        expected[("danger_now", "pl", "widget", FORCE)] += 1
    for _ in range(30):
        chat("partner").say(GIBBERISH)
    for _ in range(5):
        conversation = chat("force")
        conversation.reach_the_consent_question(content)
        conversation.press(content.handoff.button_labels["send_it"])
        words.append(conversation.name)
        for event in ("handoff_offered", "handoff_consented"):
            expected[(event, "", "widget", FORCE)] += 1
        expected[("handoff_accepted", "general", "widget", FORCE)] += 1
    words += [QUESTION, DANGER, DANGER_IN_POLISH, GIBBERISH]
    return expected, ids, words


def test_every_counter_moves_by_what_was_sent(stack: Stack, content):
    before = settled_counts(stack)
    expected, ids, words = run_conversations(stack, content)
    moved = settled_counts(stack) - before
    for key, count in expected.items():
        assert moved[key] == count, (key, moved[key], count)
    # The gibberish: each either "not understood" or "did you mean", with one top guess.
    missed = sum(moved[(e, "", "widget", CHARITY)] for e in ("not_understood", "did_you_mean"))
    guesses = sum(n for (event, _, _, partner), n in moved.items() if event == "unanswered_guess" and partner == CHARITY)
    assert missed == 30 and guesses == 30
    # Nothing else moved, apart from the topics the handoffs passed through on the way.
    accounted = set(expected) | {k for k in moved if k[0] in ("not_understood", "did_you_mean", "unanswered_guess")}
    others = {k: n for k, n in moved.items() if k not in accounted}
    assert all(k[0] == "topic_answered" and k[3] == FORCE for k in others), others

    # The database file holds no conversation id, no words typed, no name, no time of day.
    raw = (stack.oversight_db).read_bytes()
    wal = stack.oversight_db.with_name("oversight.db-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    for secret in ids + words:
        assert secret.encode() not in raw, secret
    with sqlite3.connect(stack.oversight_db) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(oversight_counts)")]
        days = {row[0] for row in db.execute("SELECT DISTINCT day FROM oversight_counts")}
    assert columns == ["day", "event", "category", "channel", "partner", "count"]
    assert all(len(day) == 10 for day in days)


def test_the_figures_page_and_export_never_show_a_small_number(stack: Stack, content, tmp_path: Path):
    for _ in range(6):  # enough for some figures to be shown...
        Chat(stack, "widget", site="partner").say(QUESTION)
    Chat(stack, "widget", site="partner").say("what is sarahs law")  # ...and one too small to be
    settled_counts(stack)
    counters = Counters(f"sqlite:///{stack.oversight_db}")
    with running_studio(tmp_path, counters=counters) as (studio, _):
        person = Person(studio, EDITOR)
        page = person.get("/figures?days=7")
        assert page.status_code == 200 and "fewer than 5" in page.text
        export = person.get("/figures.csv?days=7")
        assert export.headers["Content-Type"].startswith("text/csv")
        values = [row[2] for row in csv.reader(io.StringIO(export.text))][1:]
        numbers = [int(v) for v in values if v.isdigit()]
        assert "fewer than 5" in values and numbers and all(n >= 5 and n % 5 == 0 for n in numbers)
        assert person.get("/figures/chart/topics?days=30").content.startswith(b"\x89PNG")
