"""Load on the scaled mode (issue 15): the same closed-loop load through nginx on 1, 2 and
3 Rasa replicas in one run, 50 concurrent conversations each, and their p95 and
throughput side by side, written into docs/benchmarks.md ("Several replicas") with a plot.
It prints figures and never fails on them; tests/integration/test_scaled.py has the
bounded load test that must finish without an error.

    nice -n 19 .venv/bin/python scripts/benchmark_scaled.py                 # 5 minutes a level
    .venv/bin/python scripts/benchmark_scaled.py --seconds 60 --replicas 1 2  # quicker
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.benchlib import FIGURES, command_line, load_average, machine, machine_lines, write_section  # noqa: E402
from scripts.benchmark import SCRIPTS, Level, run_level, widget_target  # noqa: E402
from scripts.scaled import scaled_stack  # noqa: E402

CONCURRENCY = 50
# Every simulated person comes from 127.0.0.1 through nginx: the per-address limit is not under test.
LOAD_ENV = {"WIDGET_ADDRESS_REQUESTS_PER_MINUTE": "100000000", "WIDGET_CONVERSATION_MESSAGES_PER_MINUTE": "1000"}


def measure(replicas: int, seconds: float) -> Level:
    with scaled_stack(replicas=replicas, extra_env=LOAD_ENV) as stack:
        target = widget_target(f"{replicas} replica{'s' if replicas > 1 else ''}", stack.public)
        run_level(target, 2, 4, 2, 60, f"warm{replicas}")  # each replica's first messages are slower
        return run_level(target, CONCURRENCY, 10**9, len(SCRIPTS[0]), seconds, f"load{replicas}")


def plot(levels: List[Level], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    replicas = [int(level.target.split()[0]) for level in levels]
    fig, (latency, throughput) = plt.subplots(1, 2, figsize=(10, 4))
    latency.plot(replicas, [lv.percentile(50) for lv in levels], "-o", color="#1d3c6e", label="p50")
    latency.plot(replicas, [lv.percentile(95) for lv in levels], "--s", color="#6b2c6e", label="p95")
    latency.set_ylabel("latency per message (ms)")
    latency.set_title(f"Latency, {CONCURRENCY} concurrent conversations")
    throughput.plot(replicas, [lv.throughput for lv in levels], "-o", color="#c05000")
    throughput.set_ylabel("messages per second")
    throughput.set_ylim(bottom=0)
    throughput.set_title("Throughput")
    for axis in (latency, throughput):
        axis.set_xticks(replicas)
        axis.set_xlabel("Rasa replicas behind nginx")
        axis.grid(alpha=0.3)
    latency.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def section(levels: List[Level], seconds: float, load_before: str) -> str:
    cores = os.cpu_count() or 0
    rows = ["| replicas | conversations | messages | errors | p50 ms | p95 ms | p99 ms | messages/s |",
            "|---|---|---|---|---|---|---|---|"]
    for lv in levels:
        rows.append(f"| {lv.target} | {lv.conversations} | {len(lv.latencies_ms)} | {lv.error_count} "
                    f"| {lv.percentile(50):.0f} | {lv.percentile(95):.0f} | {lv.percentile(99):.0f} "
                    f"| {lv.throughput:.1f} |")
    base = levels[0].throughput or 1
    scaling = ", ".join(f"{lv.target}: x{lv.throughput / base:.2f}" for lv in levels)
    return "\n".join([
        "## Several replicas (scripts/benchmark_scaled.py)",
        "",
        f"The scaled mode (`scripts/scaled.py`: nginx, Redis, PostgreSQL, two action servers) under "
        f"{CONCURRENCY} concurrent conversations for {seconds:.0f} s per level, closed loop (each person "
        "sends the next message as soon as the reply arrives), six-turn conversations through the widget channel.",
        "",
        *rows,
        "",
        f"Throughput against one replica: {scaling}. This machine has {cores} cores, shared by every replica, "
        "both action servers, nginx, Redis and the load generator: a Rasa replica is one process that uses one "
        "core at most, so throughput can grow only until the cores are used up, and beyond that more replicas "
        "only share the same cores (and add memory, about 650 MB each). On real servers each replica gets its "
        "own core (deploy/kubernetes/rasa.yaml asks for one), and the same routing scales with them.",
        "",
        "![Latency and throughput by replicas](benchmarks/scaled.png)",
        "",
        f"Load average before the run: {load_before}. Command: `{command_line()}`",
        "",
        *machine_lines(machine()),
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=300, help="load per level (default 300)")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    load_before = load_average()
    levels = []
    for replicas in args.replicas:
        level = measure(replicas, args.seconds)
        print(f"{level.target}: {len(level.latencies_ms)} messages, errors {level.errors or 0}, "
              f"p95 {level.percentile(95):.0f} ms, {level.throughput:.1f} messages/s", flush=True)
        levels.append(level)
    plot(levels, FIGURES / "scaled.png")
    write_section("scaled", section(levels, args.seconds, load_before))
    print("Written to docs/benchmarks.md (Several replicas) and docs/benchmarks/scaled.png.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
