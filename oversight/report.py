"""The oversight report as text, CSV and plots (matplotlib, drawn without a screen)."""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Dict, Optional

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

from connectors.counters import Counters, database_url, today_in_uk  # noqa: E402
from oversight.figures import PERIODS, Report, Table, csv_rows, report  # noqa: E402

PLOTS = {"conversations": "Conversations per day", "topics": "Topics answered",
         "unanswered": "Not understood: the topic the classifier thought most likely"}
MOST_SHOWN = 15


def build(days: int, counters: Optional[Counters] = None, today: Optional[date] = None) -> Report:
    if days not in PERIODS:
        raise ValueError(f"The report covers {', '.join(map(str, PERIODS))} days.")
    counters = counters or Counters(database_url())
    last_day = today or date.fromisoformat(today_in_uk())
    counters.purge(today=last_day)
    return report(counters.rows(last_day.replace(year=last_day.year - 1), last_day), days, last_day)


def as_text(result: Report) -> str:
    lines = [f"Oversight figures, {result.first_day} to {result.last_day} ({result.days} days).",
             "Counts below 5 are shown as 'fewer than 5'; the rest are rounded to the nearest 5.", ""]
    lines += [f"  {cell.label}: {cell.text}" for cell in result.headline]
    for table in result.tables:
        lines += ["", table.title]
        lines += [f"  {cell.label}: {cell.text}" for cell in table.cells]
        if table.total:
            lines.append(f"  Total: {table.total.text}")
        if table.note:
            lines.append(f"  {table.note}")
    return "\n".join(lines) + "\n"


def as_csv(result: Report) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(csv_rows(result))
    return out.getvalue()


def plot_png(result: Report, name: str) -> bytes:
    """One of PLOTS as a PNG: the published (rounded) figures; "fewer than 5" drawn as a
    hatched stub, never as a number."""
    table = _table(result, PLOTS[name])
    cells = list(table.cells) if name == "conversations" else list(table.cells)[:MOST_SHOWN]
    figure, axes = plt.subplots(figsize=(10, 4.5 if name == "conversations" else 6), dpi=100)
    try:
        labels = [cell.label for cell in cells]
        values = [cell.shown or 0 for cell in cells]
        hidden = [cell.shown is None for cell in cells]
        if name == "conversations":
            bars = axes.bar(range(len(cells)), values, color="#1d70b8")
            axes.set_xticks(range(0, len(cells), max(1, len(cells) // 10)))
            axes.set_xticklabels([labels[i][5:] for i in range(0, len(cells), max(1, len(cells) // 10))])
            axes.set_ylabel("conversations (rounded to 5)")
        else:
            bars = axes.barh(range(len(cells)), values, color="#1d70b8")
            axes.set_yticks(range(len(cells)))
            axes.set_yticklabels(labels)
            axes.invert_yaxis()
            axes.set_xlabel("count (rounded to 5)")
        for bar, is_hidden in zip(bars, hidden):
            if is_hidden:
                bar.set_hatch("//")
                bar.set_edgecolor("#505a5f")
        axes.set_title(f"{table.title}, {result.first_day} to {result.last_day} (hatched: fewer than 5)")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(figure)


def _table(result: Report, title: str) -> Table:
    return next(table for table in result.tables if table.title == title)


def all_plots(result: Report) -> Dict[str, bytes]:
    return {name: plot_png(result, name) for name in PLOTS}


