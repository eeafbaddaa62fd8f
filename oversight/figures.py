"""The figures for a period, ready to leave the service: each count below 5 is shown as
"fewer than 5", every other count is rounded to the nearest 5, and within a table whose
total is shown, further cells are "withheld" until what is withheld adds up to 5 or more
(or the total is withheld too), so no cell can be worked out by subtraction.

Why rounding as well: the 7, 30 and 90 day reports overlap, and other tables share totals;
exact figures could be subtracted from one another to find a small number (30-day count
minus 7-day count). Rounded figures cannot be, and the same rule applies everywhere a
figure leaves the service (page, CSV, plots, command).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

THRESHOLD = 5
FEWER_THAN_5 = "fewer than 5"
WITHHELD = "withheld"  # not small itself, but it would give away a small one by subtraction
PERIODS = (7, 30, 90)
ANSWERED_EVENTS = ("topic_answered", "danger_now", "did_you_mean", "not_understood")


@dataclass(frozen=True)
class Cell:
    label: str
    shown: Optional[int]  # rounded; None when withheld
    why_not: str = FEWER_THAN_5  # what is said instead when it is withheld

    @property
    def text(self) -> str:
        return self.why_not if self.shown is None else str(self.shown)


@dataclass(frozen=True)
class Table:
    title: str
    cells: Tuple[Cell, ...]
    total: Optional[Cell] = None
    note: str = ""


@dataclass
class Report:
    days: int
    first_day: date
    last_day: date
    tables: List[Table] = field(default_factory=list)
    headline: List[Cell] = field(default_factory=list)


def rounded(count: int) -> Optional[int]:
    """None (shown as "fewer than 5") below 5; otherwise to the nearest 5."""
    if count < THRESHOLD:
        return None
    return int(THRESHOLD * round(count / THRESHOLD))


def protected(title: str, parts: Mapping[str, int], with_total: bool = True, note: str = "",
              keep_order: bool = False) -> Table:
    """A table of counts with primary suppression, complementary suppression and rounding."""
    labels = list(parts) if keep_order else sorted(parts, key=lambda label: (-parts[label], label))
    withheld = {label for label in labels if parts[label] < THRESHOLD}
    total = sum(parts.values())
    total_shown = with_total and total >= THRESHOLD
    if total_shown and withheld:
        # Withhold the next smallest until what is withheld is 5 or more, so that
        # "total minus the rest" never gives a small number, and never a single cell.
        for label in sorted(set(labels) - withheld, key=lambda label: (parts[label], label)):
            if sum(parts[w] for w in withheld) >= THRESHOLD and len(withheld) >= 2:
                break
            withheld.add(label)
        if sum(parts[w] for w in withheld) < THRESHOLD or len(withheld) < 2:
            total_shown = False
    cells = tuple(_cell(label, parts[label], label in withheld) for label in labels)
    total_cell = _cell("Total", total, not total_shown) if with_total else None
    return Table(title, cells, total_cell, note)


def _cell(label: str, count: int, withheld: bool) -> Cell:
    if count < THRESHOLD:
        return Cell(label, None, FEWER_THAN_5)
    return Cell(label, None, WITHHELD) if withheld else Cell(label, rounded(count))


def report(rows: Iterable[Mapping[str, object]], days: int, last_day: date) -> Report:
    """The report for the `days` days up to `last_day` (UK days), from counter rows."""
    first_day = last_day - timedelta(days=days - 1)
    by_event: Dict[str, Counter] = defaultdict(Counter)
    per_day: Counter = Counter()
    partners: Counter = Counter()
    for row in rows:
        day = str(row["day"])
        if not first_day.isoformat() <= day <= last_day.isoformat():
            continue
        event, amount = str(row["event"]), int(row["count"])  # type: ignore[call-overload]
        by_event[event][str(row["category"]) or "-"] += amount
        if event == "conversation_started":
            per_day[day] += amount
            partners[str(row["partner"]) or f"no partner ({row['channel']})"] += amount
    result = Report(days, first_day, last_day)
    every_day = [(first_day + timedelta(days=n)).isoformat() for n in range(days)]
    answered = sum(sum(by_event[e].values()) for e in ANSWERED_EVENTS)
    missed = sum(by_event["not_understood"].values()) + sum(by_event["did_you_mean"].values())
    result.headline = [
        Cell("Conversations", rounded(sum(per_day.values()))),
        Cell("Danger-now answers", rounded(sum(by_event["danger_now"].values()))),
        Cell("Messages answered", rounded(answered)),
        Cell("Not understood (including 'did you mean')", rounded(missed)),
        Cell("Quick exits", rounded(sum(by_event["quick_exit"].values()))),
        Cell("Conversations cleared", rounded(sum(by_event["conversation_forgotten"].values()))),
    ]
    result.tables = [
        protected("Conversations per day", {day: per_day[day] for day in every_day}, keep_order=True),
        protected("Topics answered", dict(by_event["topic_answered"])),
        protected("Not understood: the topic the classifier thought most likely", dict(by_event["unanswered_guess"]),
                  note=not_understood_rate(missed, answered)),
        protected("Contact requests", {
            "offered": sum(by_event["handoff_offered"].values()),
            "declined at the start": sum(by_event["handoff_declined"].values()),
            "consented (said yes to the read-back)": sum(by_event["handoff_consented"].values()),
            "cancelled": sum(by_event["handoff_cancelled"].values()),
            "failed to store": sum(by_event["handoff_failed"].values()),
        }, with_total=False, keep_order=True),
        protected("Contact requests accepted, by destination", dict(by_event["handoff_accepted"])),
        protected("Partner sites (conversations started)", dict(partners)),
        protected("Support finder: area and need", dict(by_event["finder_used"])),
    ]
    return result


def not_understood_rate(missed: int, answered: int) -> str:
    """A rate only when both numbers are big enough to publish, in whole per cent."""
    if missed < THRESHOLD or answered < THRESHOLD:
        return "Not-understood rate: not shown (fewer than 5 messages)."
    return f"Not-understood rate: {round(100 * missed / answered)}% of messages."


def csv_rows(result: Report) -> List[Sequence[str]]:
    """Every figure of the report as (table, label, value): the panels' export."""
    rows: List[Sequence[str]] = [("table", "label", "value")]
    period = f"{result.first_day.isoformat()} to {result.last_day.isoformat()} ({result.days} days)"
    rows += [("Headline " + period, cell.label, cell.text) for cell in result.headline]
    for table in result.tables:
        cells = list(table.cells) + ([table.total] if table.total else [])
        rows += [(table.title, cell.label, cell.text) for cell in cells]
        if table.note:
            rows.append((table.title, "note", table.note))
    return rows
