"""The oversight report from the command line:

    .venv/bin/python -m oversight report --days 30                     # printed
    .venv/bin/python -m oversight report --days 90 --csv figures.csv --plots plots/

Counts below 5 are shown as "fewer than 5" and the rest rounded to the nearest 5, here as
everywhere the figures leave the service (oversight/figures.py). Counts older than the
retention period (connectors/counters.py, RETENTION_DAYS) are deleted on each run.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from oversight.figures import PERIODS
from oversight.report import PLOTS, as_csv, as_text, build, plot_png


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oversight", description="Anonymous oversight figures.")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("report", help="the figures for the last 7, 30 or 90 days")
    make.add_argument("--days", type=int, choices=PERIODS, default=30)
    make.add_argument("--csv", type=Path, help="also write the figures to this CSV file")
    make.add_argument("--plots", type=Path, help="also draw the plots (PNG) into this folder")
    make.add_argument("--today", type=date.fromisoformat, help="the last day to include (default: today, UK)")
    args = parser.parse_args(argv)
    result = build(args.days, today=args.today)
    print(as_text(result), end="")
    if args.csv:
        args.csv.write_text(as_csv(result), encoding="utf-8")
        print(f"Wrote {args.csv}")
    if args.plots:
        args.plots.mkdir(parents=True, exist_ok=True)
        for name in PLOTS:
            path = args.plots / f"{name}-{args.days}-days.png"
            path.write_bytes(plot_png(result, name))
            print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
