"""What oversight counting adds to a message (issue 17: at most 2 ms at p95).

A message's actions count at most three events (the conversation's start, what was
answered, and a top guess when it was not understood). This times those three calls
as the action server makes them, many times over, and the background batch that writes
the counts to the database (off the message's path), on SQLite and, when given with
--postgres, PostgreSQL. Prints figures; asserts nothing.

    .venv/bin/python scripts/benchmark_counting.py [--messages 20000]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connectors.counters import Counters  # noqa: E402

TOPICS = ["clares_law", "sarahs_law", "domestic_abuse", "stalking", "victims_code", "menu"]
PARTNERS = ["warwickshire-police", "safe-haven-charity"]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(url: str, messages: int) -> None:
    counters = Counters(url, flush_seconds=3600)  # flushed by hand below, to time it alone
    per_message = []
    for n in range(messages):
        started = time.perf_counter()
        counters.count("conversation_started", channel="widget", partner=PARTNERS[n % 2])
        counters.count("topic_answered", TOPICS[n % len(TOPICS)], "widget", PARTNERS[n % 2])
        counters.count("unanswered_guess", TOPICS[(n + 1) % len(TOPICS)], "widget", PARTNERS[n % 2])
        per_message.append((time.perf_counter() - started) * 1000)
    flush_started = time.perf_counter()
    counters.flush()
    flush_ms = (time.perf_counter() - flush_started) * 1000
    print(f"{url.split(':')[0]}: counting for one message (3 events), over {messages} messages: "
          f"median {statistics.median(per_message):.4f} ms, p95 {percentile(per_message, 0.95):.4f} ms, "
          f"p99 {percentile(per_message, 0.99):.4f} ms, max {max(per_message):.3f} ms")
    print(f"  the batch writing {messages * 3} counts ({len(TOPICS) * len(PARTNERS) * 3} keys), in the "
          f"background thread: {flush_ms:.1f} ms")
    counters.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--postgres", help="a postgresql:// address to measure as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/counts.db", args.messages)
    if args.postgres:
        run(args.postgres, args.messages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
