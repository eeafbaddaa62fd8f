"""Small numbers never leave the service: below 5 is "fewer than 5", the rest is rounded to
the nearest 5, and no withheld figure can be worked out by subtraction within a table."""
from __future__ import annotations

import csv
import io
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.figures import FEWER_THAN_5, WITHHELD, protected, report, rounded
from oversight.report import as_csv, plot_png

DAY = date(2026, 11, 30)


def row(event, count, category="", day="2026-11-30", partner="warwickshire_police"):
    return {"day": day, "event": event, "category": category, "channel": "widget", "partner": partner, "count": count}


def test_small_numbers_are_fewer_than_5_and_the_rest_rounded():
    assert [rounded(n) for n in (0, 1, 4, 5, 7, 8, 12, 13, 102)] == [None, None, None, 5, 5, 10, 10, 15, 100]


def test_a_single_small_cell_beside_a_total_takes_another_with_it():
    table = protected("Topics", {"clares_law": 40, "sarahs_law": 12, "stalking": 2})
    shown = {cell.label: cell.text for cell in table.cells}
    assert shown["stalking"] == FEWER_THAN_5 and shown["sarahs_law"] == WITHHELD  # 12 withheld beside it
    assert shown["clares_law"] == "40" and table.total.text == "55"


def test_the_total_is_withheld_when_nothing_else_can_hide_a_small_cell():
    table = protected("Partners", {"force": 3, "charity": 1})
    assert {cell.text for cell in table.cells} == {FEWER_THAN_5} and table.total.text == FEWER_THAN_5
    table = protected("Partners", {"force": 30, "charity": 3})
    assert [cell.text for cell in table.cells] == [WITHHELD, FEWER_THAN_5] and table.total.text == "35"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.dictionaries(st.sampled_from([f"t{n}" for n in range(12)]), st.integers(1, 60), min_size=1))
def test_no_table_ever_gives_away_a_small_number(parts):
    table = protected("Any", parts)
    withheld = [parts[cell.label] for cell in table.cells if cell.shown is None]
    for cell in [*table.cells, table.total]:
        assert cell.shown is None or (cell.shown >= 5 and cell.shown % 5 == 0)
    if table.total.shown is not None and withheld:
        assert len(withheld) >= 2 and sum(withheld) >= 5  # "total minus the rest" hides two or more cells


def test_the_report_and_its_export_show_nothing_below_5():
    rows = [row("conversation_started", 23), row("conversation_started", 2, day="2026-11-29"),
            row("conversation_started", 3, partner="a_charity"), row("topic_answered", 17, "clares_law"),
            row("topic_answered", 1, "fgm"), row("danger_now", 4), row("not_understood", 6),
            row("unanswered_guess", 6, "stalking"), row("topic_answered", 9, "menu")]
    result = report(rows, 7, DAY)
    headline = {cell.label: cell.text for cell in result.headline}
    assert headline["Conversations"] == "30" and headline["Danger-now answers"] == FEWER_THAN_5
    exported = list(csv.reader(io.StringIO(as_csv(result))))[1:]
    values = [value for _, label, value in exported if label != "note"]
    assert FEWER_THAN_5 in values
    assert all(value in (FEWER_THAN_5, WITHHELD) or (int(value) >= 5 and int(value) % 5 == 0) for value in values), values
    assert "fgm" in {label for _, label, _ in exported}  # named, never counted


def test_the_not_understood_rate_is_given_only_when_both_numbers_are_big_enough():
    few = report([row("not_understood", 3), row("topic_answered", 50, "menu")], 7, DAY)
    many = report([row("not_understood", 10), row("did_you_mean", 5), row("topic_answered", 85, "menu")], 7, DAY)
    note = {t.title: t.note for t in few.tables}["Not understood: the topic the classifier thought most likely"]
    assert "not shown" in note
    note = {t.title: t.note for t in many.tables}["Not understood: the topic the classifier thought most likely"]
    assert "15%" in note


def test_the_plots_are_drawn():
    result = report([row("conversation_started", 12), row("topic_answered", 7, "clares_law")], 30, DAY)
    for name in ("conversations", "topics", "unanswered"):
        assert plot_png(result, name).startswith(b"\x89PNG")
