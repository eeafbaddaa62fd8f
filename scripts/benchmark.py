"""Speed and size: the project's assistant against Rasa's stock assistant, same run, same machine.

    nice -n 19 .venv/bin/python scripts/benchmark.py [--concurrency 1 8 32] [--profile]

What it does, in order:
1. Training time: a fresh `rasa train` of the project (bot/config.yml, bot/domain,
   bot/data) into benchmarks-work/, with no training cache; and `rasa init --no-prompt`
   of the stock assistant into benchmarks-work/stock-assistant (which trains it).
2. Starts the project's stack as scripts/run.sh does (Rasa server with the REST and
   widget channels and the in-memory tracker store, and the action server), on free
   ports on 127.0.0.1, serving the model scripts/train.py names; then the stock
   assistant the same way (its Rasa server, and its own action server, which its
   endpoints point to). Start-up to ready is the model load time.
3. Drives simulated conversations over HTTP (6 turns each, from the scripts below,
   back to back with no think time) at each concurrency: the project on the REST
   channel and on the widget channel (with an Origin from connectors/partners.yml),
   the stock assistant on the REST channel, taking turns so that drift on a shared
   machine hits all three alike. Latency is per message, request to full reply.
4. Reports p50/p95/p99 latency, throughput (messages/s), errors, peak resident memory
   (VmHWM) of each server process, model load time, training time, model size, and the
   ratios project/stock; draws docs/benchmarks/latency.png; replaces the "benchmark"
   section of docs/benchmarks.md (unless --no-doc).
5. --profile: one more 8-concurrency run on the project's REST channel (not counted
   in the figures) under py-spy, with the Rasa server's and the action server's
   hottest functions written to benchmarks-work/profile-*.txt.

Figures only: it exits 0 whether or not a target is met. All traffic goes to 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.benchlib import (  # noqa: E402
    FIGURES,
    RASA,
    WORK,
    command_line,
    load_average,
    machine,
    machine_lines,
    rasa_env,
    timed_run,
    write_section,
)
from scripts.local_servers import free_port  # noqa: E402

HOST = "127.0.0.1"
WHAT_IF = "what-if REST"  # the project with the --what-if settings
START_TIMEOUT_S = 300
REQUEST_TIMEOUT_S = 60
PARTNERS = ROOT / "connectors" / "partners.yml"
STOCK_DIR = WORK / "stock-assistant"
LOGS = WORK / "logs"

# Six-turn conversations as people write them: questions, a form (the support finder),
# danger now mid-conversation, typos and text-speak. Both assistants get the same ones.
SCRIPTS: List[List[str]] = [
    ["hi", "what is clares law", "how do i apply for clares law", "what happens after i apply",
     "can i ask about my sisters boyfriend", "thanks thats helpful"],
    ["hello", "my partner controls all my money", "is that abuse", "find support near me", "nuneaton",
     "women"],
    ["someone keeps following me home from work", "is that stalking", "what can the police do about it",
     "what is a stalking protection order", "how do i report it", "ok thank you"],
    ["i was raped at a party last month", "what is the sarc", "do i have to go to the police",
     "can i report anonymously", "is this chat private", "bye"],
    ["what are my rights as a victim", "will i get updates on my case", "police dropped my case",
     "can i challenge that", "my partner is a police officer", "thanks"],
    ["hiya", "im worried about my friend", "her boyfriend checks her phone all the time",
     "hes outside my door right now and hes got a knife", "i cant speak on the phone", "what is 55"],
    ["someone shared nudes of me online", "how do i get them taken down", "is that a crime",
     "how can i report", "can i do it online", "thank u"],
    ["my son hits me", "is there help for parents", "find support near me", "rugby",
     "what if its an emergency", "goodbye"],
]


# ---------------------------------------------------------------- processes

def process_tree(pid: int) -> List[int]:
    """pid and its descendants."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return pids


def memory_kb(pid: int, field_name: str) -> int:
    """VmHWM (peak resident) or VmRSS (resident now), in kB, from /proc."""
    try:
        match = re.search(rf"^{field_name}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
        return int(match.group(1)) if match else 0
    except OSError:
        return 0


@dataclass
class Server:
    name: str
    command: List[str]
    cwd: Path
    env: Dict[str, str]
    ready_url: str
    process: Optional[subprocess.Popen] = None
    started: float = 0.0
    ready_s: float = 0.0

    def start(self, log) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT)

    def wait_ready(self, log_path: Path) -> float:
        import requests

        deadline = self.started + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped while starting; see {log_path}:\n"
                                   + log_path.read_text(errors="replace")[-3000:])
            try:
                if requests.get(self.ready_url, timeout=2).ok:
                    self.ready_s = time.monotonic() - self.started
                    return self.ready_s
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} was not up within {START_TIMEOUT_S} s; see {log_path}")

    def memory(self) -> Dict[str, int]:
        """Peak and current resident memory (kB) of the process (and any children)."""
        pids = process_tree(self.process.pid)
        return {"peak_kb": sum(memory_kb(p, "VmHWM") for p in pids),
                "rss_kb": sum(memory_kb(p, "VmRSS") for p in pids), "processes": len(pids)}

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def serve_env(**extra: str) -> Dict[str, str]:
    """What scripts/env.sh exports (no deterministic-ops setting: that is for training)."""
    env = {k: v for k, v in rasa_env().items() if k not in ("TF_DETERMINISTIC_OPS", "PYTHONHASHSEED")}
    return {**env, **extra}


def project_servers(model: Path, work: Path, label: str = "project",
                    extra: Optional[Dict[str, str]] = None) -> Tuple[Server, Server]:
    """The project's stack; `extra` settings (--what-if) go to both of its servers."""
    rasa_port, action_port = free_port(), free_port()
    env = serve_env(
        ACTION_ENDPOINT_URL=f"http://{HOST}:{action_port}/webhook",
        ACTION_SERVER_PORT=str(action_port),
        ACTION_SERVER_TOKEN=secrets.token_urlsafe(32),
        CONVERSATION_RETENTION_HOURS="1",
        HANDOFF_OUTBOX_PATH=str(work / "outbox.db"),
        HANDOFF_KEY_FILE=str(work / "outbox.key"),
        # Every simulated person comes from 127.0.0.1; the per-address limit (60 a minute) is not under test.
        WIDGET_ADDRESS_REQUESTS_PER_MINUTE="100000000",
        **(extra or {}),
    )
    actions = Server(f"{label} action server", [sys.executable, "-m", "bot.action_server"],
                     ROOT, env, f"http://{HOST}:{action_port}/health")
    rasa = Server(f"{label} Rasa server", [sys.executable, "-m", "bot.server", "run", "--model", str(model),
                                           "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml",
                                           "--interface", HOST, "--port", str(rasa_port)],
                  ROOT, env, f"http://{HOST}:{rasa_port}/webhooks/widget/")
    return actions, rasa


def stock_servers() -> Tuple[Server, Server]:
    rasa_port, action_port = free_port(), free_port()
    endpoints = STOCK_DIR / "benchmark-endpoints.yml"
    # endpoints.yml as `rasa init` writes it, with its commented-out action_endpoint switched on.
    endpoints.write_text(f"action_endpoint:\n  url: \"http://{HOST}:{action_port}/webhook\"\n")
    model = max((STOCK_DIR / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    env = serve_env()
    actions = Server("stock action server", [RASA, "run", "actions", "--actions", "actions",
                                             "--port", str(action_port)],
                     STOCK_DIR, env, f"http://{HOST}:{action_port}/health")
    rasa = Server("stock Rasa server", [RASA, "run", "--model", str(model), "--endpoints", endpoints.name,
                                        "--credentials", "credentials.yml", "--interface", HOST,
                                        "--port", str(rasa_port)],
                  STOCK_DIR, env, f"http://{HOST}:{rasa_port}/")
    return actions, rasa


# ---------------------------------------------------------------- load

@dataclass
class Target:
    """A channel of an assistant: where to post a message and how to read the reply."""
    name: str
    url: str
    body: Callable[[str, str], Dict]
    replies: Callable[[object], Optional[int]]  # how many messages a reply holds; None: not a valid reply
    headers: Dict[str, str] = field(default_factory=dict)
    # The widget repeats the conversation in the address, for a load balancer (?conversation=).
    conversation_in_address: bool = False

    def url_for(self, sender: str) -> str:
        return f"{self.url}?conversation={sender}" if self.conversation_in_address else self.url


def rest_target(name: str, rasa: str) -> Target:
    return Target(name, f"{rasa}/webhooks/rest/webhook", lambda sender, text: {"sender": sender, "message": text},
                  lambda reply: len(reply) if isinstance(reply, list) else None)


def widget_target(name: str, rasa: str) -> Target:
    """The widget channel, as the widget calls it (conversation id in the address too)."""
    origin = yaml.safe_load(PARTNERS.read_text())["partners"][0]["allowed_origins"][0]
    return Target(name, f"{rasa}/webhooks/widget/message",
                  lambda sender, text: {"conversation_id": sender, "text": text},
                  lambda reply: (len(reply["messages"]) if isinstance(reply, dict) and isinstance(reply.get("messages"), list)
                                 else None),
                  {"Origin": origin}, conversation_in_address=True)


@dataclass
class Level:
    target: str
    concurrency: int
    conversations: int
    messages: int
    errors: Dict[str, int]
    seconds: float
    latencies_ms: List[float]
    silent: int = 0  # valid replies with no message in them (the stock mood bot has turns with nothing to say)

    def percentile(self, q: float) -> float:
        import numpy as np

        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else float("nan")

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def summary(self) -> Dict:
        return {"target": self.target, "concurrency": self.concurrency, "conversations": self.conversations,
                "messages": self.messages, "errors": self.errors, "silent": self.silent, "seconds": self.seconds,
                "p50_ms": self.percentile(50), "p95_ms": self.percentile(95), "p99_ms": self.percentile(99),
                "throughput": self.throughput}


async def drive(target: Target, concurrency: int, conversations: int, turns: int, max_seconds: float,
                label: str, think: float = 0.0) -> Level:
    """`conversations` conversations of `turns` messages, `concurrency` at a time; with
    `think`, each person starts 0 to `think` seconds late and waits 0.5 to 1.5 times `think`
    seconds before each next message."""
    import random

    import aiohttp

    latencies, errors = [], Counter()
    numbers = itertools.count()
    sent = silent = 0
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency), timeout=timeout,
                                     headers=target.headers) as session:
        started = time.perf_counter()
        deadline = started + max_seconds

        async def person() -> None:
            nonlocal sent, silent
            while True:
                number = next(numbers)
                if number >= conversations or time.perf_counter() > deadline:
                    return
                sender = f"bench-{label}-{number}-{secrets.token_hex(6)}"
                pace = random.Random(f"{label}-{number}")
                for turn, text in enumerate(SCRIPTS[number % len(SCRIPTS)][:turns]):
                    if think:  # people arrive at random moments, then read and type between messages
                        await asyncio.sleep(think * (pace.uniform(0.5, 1.5) if turn else pace.uniform(0, 1)))
                    sent += 1
                    began = time.perf_counter()
                    try:
                        async with session.post(target.url_for(sender), json=target.body(sender, text)) as response:
                            reply = await response.json(content_type=None)
                            problem = None if response.status == 200 else f"HTTP {response.status}"
                            count = target.replies(reply) if problem is None else None
                            if problem is None and count is None:
                                problem = "not a valid reply"
                            silent += count == 0
                    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                        problem = type(error).__name__
                    if problem:
                        errors[problem] += 1
                    else:
                        latencies.append((time.perf_counter() - began) * 1000)

        await asyncio.gather(*(person() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    done = min(conversations, next(numbers) - concurrency)
    return Level(target.name, concurrency, done, sent, dict(errors), seconds, latencies, silent)


def run_level(*args) -> Level:
    return asyncio.run(drive(*args))  # (target, concurrency, conversations, turns, max_seconds, label[, think])


def first_reply_ms(target: Target) -> float:
    level = run_level(target, 1, 1, 1, REQUEST_TIMEOUT_S, "first")
    if level.error_count:
        raise RuntimeError(f"{target.name}: the first message failed: {level.errors}")
    return level.latencies_ms[0]


# ---------------------------------------------------------------- training

def time_project_training() -> Tuple[float, int]:
    out = WORK / "train-timing"
    shutil.rmtree(out, ignore_errors=True)
    print("Timing a fresh `rasa train` of the project (no cache)...", flush=True)
    seconds = timed_run([RASA, "train", "--config", "bot/config.yml", "--domain", "bot/domain", "--data", "bot/data",
                         "--out", str(out), "--fixed-model-name", "timed", "--force"], LOGS / "train-project.log")
    size = (out / "timed.tar.gz").stat().st_size
    shutil.rmtree(out, ignore_errors=True)
    print(f"  {seconds:.0f} s", flush=True)
    return seconds, size


def make_stock_assistant(fresh: bool) -> Dict:
    """`rasa init --no-prompt` (which trains the initial model), timed; cached unless `fresh`."""
    meta = STOCK_DIR / "benchmark-meta.json"
    if not fresh and meta.exists() and list((STOCK_DIR / "models").glob("*.tar.gz")):
        record = json.loads(meta.read_text())
        print(f"Stock assistant (cached): {STOCK_DIR.relative_to(ROOT)}, `rasa init` took {record['seconds']:.0f} s "
              f"on {record['date']}")
        return {**record, "cached": True}
    shutil.rmtree(STOCK_DIR, ignore_errors=True)
    STOCK_DIR.mkdir(parents=True)
    print("Creating and training the stock assistant (`rasa init --no-prompt`, no cache)...", flush=True)
    seconds = timed_run([RASA, "init", "--no-prompt", "--init-dir", str(STOCK_DIR)], LOGS / "rasa-init.log",
                        cwd=STOCK_DIR)
    model = max((STOCK_DIR / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    record = {"seconds": seconds, "size": model.stat().st_size,
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    meta.write_text(json.dumps(record))
    print(f"  {seconds:.0f} s", flush=True)
    return {**record, "cached": False}


# ---------------------------------------------------------------- profile

def py_spy() -> Optional[str]:
    for candidate in (shutil.which("py-spy"), str(WORK / "tools" / "bin" / "py-spy")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


# The first marker found in a sample's stack names its bucket.
PROFILE_BUCKETS = [
    ("checking the action server's response against Rasa's schema (jsonschema.validate)", "_validate_action_result"),
    ("NLU: parse_message (tokenizer, featurizers, intent classifier, fallback, danger-now)", "parse_message (rasa/core/processor.py"),
    ("NLU (action server side)", "bot/nlu/"),
    ("dialogue policies: predicting the next action", "_predict_next_with_tracker"),
    ("tracker store: fetching and saving the conversation", "tracker_store.py"),
    ("running actions, apart from the schema check (forms, responses, HTTP to the action server)",
     "rasa/core/actions/"),
    ("action server: the project's actions", "bot/actions/"),
    ("action server: rasa_sdk (request, tracker, response)", "rasa_sdk/"),
]


def top_functions(raw: Path, limit: int = 25) -> List[str]:
    """From py-spy's collapsed stacks: the functions with the largest share of the busy
    samples (inclusive: the function or anything it called), and their own share (self).
    Samples that end in the server's event loop itself (waiting for I/O, or in uvloop's C
    code) are counted apart as the loop."""
    inclusive, own, total, loop, buckets = Counter(), Counter(), 0, 0, Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        count = int(count)
        total += count
        frames = [re.sub(r" \((/.*?site-packages/|" + re.escape(str(ROOT)) + r"/)?", " (", f)
                  for f in stack.split(";")]
        if frames[-1].startswith("serve (sanic/server/runners.py"):
            loop += count
            continue
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
        if "jsonschema/" in frames[0]:  # so deep that py-spy cut off its callers: only the schema check recurses so
            buckets[PROFILE_BUCKETS[0][0]] += count
        else:
            buckets[next((name for name, marker in PROFILE_BUCKETS if marker in stack), "other")] += count
    busy = max(1, total - loop)
    lines = [f"{total} samples: {loop} in the event loop itself (idle, or uvloop's C code), {total - loop} busy "
             "in Python.", "", "Where the busy time goes (share of busy samples):"]
    for name, count in buckets.most_common():
        lines.append(f"{100 * count / busy:5.1f}  {name}")
    lines += ["", "Functions below the server's own frames (share of busy samples): inclusive% self% function"]
    for frame, count in [(f, c) for f, c in inclusive.most_common() if c < 0.8 * busy][:limit]:
        lines.append(f"{100 * count / busy:5.1f} {100 * own[frame] / busy:5.1f}  {frame}")
    lines.append("")
    lines.append("Most self time (share of busy samples):")
    for frame, count in own.most_common(limit):
        lines.append(f"{100 * count / busy:5.1f}  {frame}")
    return lines


def profile(servers: List[Server], target: Target, conversations: int, turns: int) -> List[Path]:
    spy = py_spy()
    if spy is None:
        print("--profile needs py-spy: .venv/bin/python -m pip install --target benchmarks-work/tools py-spy")
        return []
    recorders, outputs = [], []
    for server in servers:
        name = server.name.replace(" ", "-")
        raw = WORK / f"profile-{name}.raw.txt"
        recorders.append(subprocess.Popen(
            [spy, "record", "--pid", str(server.process.pid), "--rate", "200", "--format", "raw",
             "--output", str(raw), "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        outputs.append((server, raw))
    time.sleep(2)
    level = run_level(target, 8, conversations, turns, 600, "profile")
    for recorder in recorders:
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=60)
    written = []
    for server, raw in outputs:
        if raw.exists():
            summary = WORK / f"profile-{server.name.replace(' ', '-')}.txt"
            summary.write_text("\n".join([f"{server.name}, {level.messages} messages at 8 concurrent "
                                          f"(p95 {level.percentile(95):.0f} ms under the profiler)",
                                          *top_functions(raw)]) + "\n")
            written.append(summary)
            print(f"\nProfile of the {server.name} ({summary.relative_to(ROOT)}):")
            print("\n".join(summary.read_text().splitlines()[:22]))
    return written


# ---------------------------------------------------------------- report

def nlu_size(folder: Path) -> str:
    """How many intents and examples the NLU data in a folder has."""
    from scripts.evaluate_nlu import read_examples

    examples = []
    for path in sorted(folder.rglob("*.yml")):
        if "nlu" in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}):
            examples += read_examples(path)
    return f"{len({intent for intent, _ in examples})} intents, {len(examples)} examples"


def fmt_mb(kb: float) -> str:
    return f"{kb / 1024:.0f} MB"


def plot(levels: List[Level], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_target = defaultdict(list)
    for level in levels:
        by_target[level.target].append(level)
    fig, (latency, throughput) = plt.subplots(1, 2, figsize=(12, 4.8))
    colours = ["#1d3c6e", "#6b2c6e", "#c05000", "#2e7d32"]
    for colour, (name, rows) in zip(colours, by_target.items()):
        rows.sort(key=lambda r: r.concurrency)
        x = [r.concurrency for r in rows]
        latency.plot(x, [r.percentile(50) for r in rows], "-o", color=colour, label=f"{name} p50")
        latency.plot(x, [r.percentile(95) for r in rows], "--s", color=colour, label=f"{name} p95")
        latency.plot(x, [r.percentile(99) for r in rows], ":^", color=colour, alpha=0.6, label=f"{name} p99")
        throughput.plot(x, [r.throughput for r in rows], "-o", color=colour, label=name)
    latency.axhline(150, color="grey", linewidth=0.8)
    latency.text(1, 160, "target p95 at 8: 150 ms", fontsize=8, color="grey")
    for axis in (latency, throughput):
        axis.set_xscale("log", base=2)
        axis.set_xticks(sorted({lv.concurrency for lv in levels}))
        axis.set_xticklabels([str(c) for c in sorted({lv.concurrency for lv in levels})])
        axis.set_xlabel("concurrent conversations")
        axis.grid(alpha=0.3)
    latency.set_yscale("log")
    latency.set_ylabel("latency per message (ms)")
    latency.set_title("Latency")
    latency.legend(fontsize=7)
    throughput.set_ylim(bottom=0)
    throughput.set_ylabel("messages per second")
    throughput.set_title("Throughput")
    throughput.legend(fontsize=8)
    fig.suptitle("Project vs stock `rasa init` assistant, same machine, same run", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def level_table(levels: List[Level]) -> List[str]:
    rows = ["| assistant, channel | concurrent | conversations | messages | errors | silent replies | p50 ms "
            "| p95 ms | p99 ms | messages/s |", "|---|---|---|---|---|---|---|---|---|---|"]
    for lv in levels:
        rows.append(f"| {lv.target} | {lv.concurrency} | {lv.conversations} | {lv.messages} | {lv.error_count} | "
                    f"{lv.silent} | "
                    f"{lv.percentile(50):.0f} | {lv.percentile(95):.0f} | {lv.percentile(99):.0f} | "
                    f"{lv.throughput:.1f} |")
    return rows


def ratio_rows(levels: List[Level], project: str, stock: str) -> List[Tuple[int, float, float, float]]:
    """(concurrency, p50 ratio, p95 ratio, throughput ratio), project over stock."""
    found = {(lv.target, lv.concurrency): lv for lv in levels}
    rows = []
    for concurrency in sorted({lv.concurrency for lv in levels}):
        a, b = found.get((project, concurrency)), found.get((stock, concurrency))
        if a and b and b.latencies_ms and a.latencies_ms:
            rows.append((concurrency, a.percentile(50) / b.percentile(50), a.percentile(95) / b.percentile(95),
                         a.throughput / b.throughput if b.throughput else float("nan")))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--turns", type=int, default=6, help="messages per conversation (at most 6)")
    parser.add_argument("--conversations", type=int, default=3,
                        help="conversations per level: this many per concurrent conversation, at least 12")
    parser.add_argument("--min-conversations", type=int, default=12)
    parser.add_argument("--max-seconds", type=float, default=240,
                        help="per level: no new conversation starts after this")
    parser.add_argument("--think-seconds", type=float, default=0.0,
                        help="people pause about this long (0.5 to 1.5 times) before each next message; the "
                             "figures then go to their own section of docs/benchmarks.md (\"at a human pace\")")
    parser.add_argument("--no-training", action="store_true",
                        help="skip the training-time measurements (reuse the stock assistant if there is one)")
    parser.add_argument("--no-widget", action="store_true", help="skip the widget channel")
    parser.add_argument("--profile", action="store_true", help="then profile an 8-concurrency run with py-spy")
    parser.add_argument("--what-if", nargs="+", metavar="NAME=VALUE", default=[],
                        help="also measure the project with these environment settings (TF_INTRA_OP_PARALLELISM_"
                             "THREADS=1, say), to judge a change by numbers before making it")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/ (figures and plot)")
    args = parser.parse_args()
    args.turns = max(1, min(args.turns, 6))
    what_if = dict(setting.split("=", 1) for setting in args.what_if)

    info, command = machine(), command_line()
    WORK.mkdir(exist_ok=True)
    LOGS.mkdir(exist_ok=True)
    from scripts.train import model_path

    model = model_path()
    if not model.exists():
        print("Training the project's model first (scripts/train.py)...", flush=True)
        subprocess.run([sys.executable, "scripts/train.py"], cwd=ROOT, env=rasa_env(), check=True)

    project_train_s = project_size = None
    if not args.no_training:
        project_train_s, project_size = time_project_training()
    stock_meta = make_stock_assistant(fresh=not args.no_training)

    work = WORK / "stack"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    servers: List[Server] = []
    levels: List[Level] = []
    memory: Dict[str, Dict[str, int]] = {}
    idle: Dict[str, Dict[str, int]] = {}
    first: Dict[str, float] = {}
    profiles: List[Path] = []
    log_path = LOGS / "servers.log"
    with log_path.open("w") as log:
        try:
            stacks = {}
            plan = [("project", project_servers(model, work)), ("stock", stock_servers())]
            if args.what_if:
                plan.append(("what-if", project_servers(model, work / "what-if-stack", "what-if", what_if)))
            for name, (actions, rasa) in plan:
                print(f"Starting the {name} assistant...", flush=True)
                # Started one assistant at a time, so that neither slows the other's start.
                actions.start(log)
                rasa.start(log)
                actions.wait_ready(log_path)
                rasa.wait_ready(log_path)
                servers += [actions, rasa]
                stacks[name] = (actions, rasa)
                print(f"  Rasa server ready in {rasa.ready_s:.1f} s, action server in {actions.ready_s:.1f} s",
                      flush=True)
            project_rasa, stock_rasa = stacks["project"][1].ready_url.rstrip("/"), stacks["stock"][1].ready_url.rstrip("/")
            targets = [rest_target("project REST", project_rasa)]
            if not args.no_widget:
                targets.append(widget_target("project widget", project_rasa))
            targets.append(rest_target("stock REST", stock_rasa))
            if args.what_if:
                targets.append(rest_target(WHAT_IF, stacks["what-if"][1].ready_url.rstrip("/")))
            for target in targets:
                first[target.name] = first_reply_ms(target)
                run_level(target, 2, 2, args.turns, 60, "warmup")  # warm-up, not counted
            for server in servers:
                idle[server.name] = server.memory()
            for concurrency in args.concurrency:
                conversations = max(args.min_conversations, args.conversations * concurrency)
                for target in targets:
                    level = run_level(target, concurrency, conversations, args.turns, args.max_seconds,
                                      f"c{concurrency}", args.think_seconds)
                    levels.append(level)
                    print(f"{target.name:15} {concurrency:3d} concurrent: {level.messages:4d} messages, "
                          f"{level.error_count} errors, {level.silent} silent, p50 {level.percentile(50):6.0f} ms, "
                          f"p95 {level.percentile(95):6.0f} ms, p99 {level.percentile(99):6.0f} ms, "
                          f"{level.throughput:6.1f} messages/s (load {load_average()})", flush=True)
            for server in servers:
                memory[server.name] = server.memory()
            if args.profile:
                profiled = max(args.min_conversations, args.conversations * 8)
                profiles = profile(list(stacks["project"][::-1]), targets[0], profiled, args.turns)
                if args.what_if:
                    profiles += profile([stacks["what-if"][1]], targets[-1], profiled, args.turns)
        finally:
            for server in reversed(servers):
                server.stop()
    load_after = load_average()

    # ------------------------------------------------------------ print
    print("\n" + "\n".join(level_table(levels)))
    ratios = ratio_rows(levels, "project REST", "stock REST")
    what_if_ratios = ratio_rows(levels, WHAT_IF, "stock REST")
    for name, rows in (("project REST", ratios), (WHAT_IF, what_if_ratios)):
        if rows:
            print(f"\n{name} / stock REST:")
        for concurrency, p50, p95, tput in rows:
            print(f"  {concurrency:3d} concurrent: p50 x{p50:.2f}, p95 x{p95:.2f}, throughput x{tput:.2f}")
    print("\nprocess                   ready (s)  first reply (ms)  RSS idle  peak RSS (VmHWM)")
    first_for = {"project Rasa server": first.get("project REST"), "stock Rasa server": first.get("stock REST"),
                 "what-if Rasa server": first.get(WHAT_IF)}
    for server in servers:
        fr = first_for.get(server.name)
        print(f"  {server.name:24} {server.ready_s:7.1f}  {'' if fr is None else f'{fr:14.0f}':>16}  "
              f"{fmt_mb(idle[server.name]['rss_kb']):>8}  {fmt_mb(memory[server.name]['peak_kb']):>10}")
    stock_train_s, stock_size = stock_meta["seconds"], stock_meta["size"]
    if project_train_s:
        print(f"\nTraining: project {project_train_s:.0f} s ({project_size / 1e6:.1f} MB model), stock `rasa init` "
              f"{stock_train_s:.0f} s ({stock_size / 1e6:.1f} MB model), ratio x{project_train_s / stock_train_s:.2f}")

    # ------------------------------------------------------------ targets
    at8 = {lv.target: lv for lv in levels if lv.concurrency == 8}
    checks = []
    for name in ("project REST", "project widget"):
        if name in at8:
            p95 = at8[name].percentile(95)
            checks.append((f"p95 < 150 ms at 8 concurrent ({name})", p95 < 150, f"{p95:.0f} ms"))
    if args.think_seconds:  # the people's pace sets the throughput, the same for every assistant
        ratios_for_checks, what_if_ratios_for_checks = [], []
    else:
        ratios_for_checks, what_if_ratios_for_checks = ratios, what_if_ratios
    for concurrency, _, _, tput in ratios_for_checks:
        checks.append((f"throughput ≥ 2× stock at {concurrency} concurrent (REST)", tput >= 2, f"×{tput:.2f}"))
    if WHAT_IF in at8:  # not the shipped project: what the change would give
        p95 = at8[WHAT_IF].percentile(95)
        checks.append(("what-if: p95 < 150 ms at 8 concurrent", p95 < 150, f"{p95:.0f} ms"))
    for concurrency, _, _, tput in what_if_ratios_for_checks:
        checks.append((f"what-if: throughput ≥ 2× stock at {concurrency} concurrent",
                       tput >= 2, f"×{tput:.2f}"))
    if project_train_s:
        checks.append(("full training < 3 minutes", project_train_s < 180, f"{project_train_s:.0f} s"))
    for server in servers:
        if "Rasa" in server.name and server.name.startswith("project"):
            peak = memory[server.name]["peak_kb"]
            checks.append(("< 1.2 GB RSS per Rasa process", peak < 1.2e9 / 1024, fmt_mb(peak)))
    errors = sum(lv.error_count for lv in levels)
    print("\nTargets:")
    for label, ok, value in checks:
        print(f"  {'met   ' if ok else 'MISSED'} {label}: {value}")
    print(f"  errors in all runs: {errors}")

    record = {"machine": info, "command": command, "load_after": load_after,
              "levels": [lv.summary() for lv in levels], "memory": memory, "idle": idle,
              "ready_s": {s.name: s.ready_s for s in servers}, "first_reply_ms": first,
              "project_train_s": project_train_s, "project_model_bytes": project_size or model.stat().st_size,
              "stock": stock_meta, "checks": checks, "profiles": [str(p) for p in profiles]}
    (WORK / "benchmark.json").write_text(json.dumps(record, indent=2, default=str))
    if args.no_doc:
        return 0

    # ------------------------------------------------------------ docs
    paced = bool(args.think_seconds)
    figure = FIGURES / ("latency-paced.png" if paced else "latency.png")
    plot(levels, figure)
    pace_text = (f"starting 0 to {args.think_seconds:g} s late and waiting {args.think_seconds / 2:g} to "
                 f"{args.think_seconds * 1.5:g} s (at random, seeded) before each next message, as a person reading "
                 "and typing might; throughput is then set by that pace, the "
                 "same for every assistant, so only latency is compared here" if paced else
                 "sending each message as soon as the last reply arrives (no think time), so 8 concurrent "
                 "conversations are a far heavier load than 8 people typing")
    lines = [f"## Speed and size{' at a human pace' if paced else ''} (scripts/benchmark.py)", "",
             *machine_lines(info), f"- Load average at the end: {load_after}", f"- Command: `{command}`", "",
             f"Each simulated person has a {args.turns}-turn conversation (8 scripts in `scripts/benchmark.py`: "
             "questions, the support finder form, danger now mid-conversation, text-speak), "
             f"{pace_text}. A reply with no message in it is \"silent\" (the mood bot has nothing to say to "
             "much of this); errors are anything but a 200 with a valid reply. Latency is per message, from request to complete "
             "reply. The project runs as `scripts/run.sh` runs it (Rasa server with the REST and widget "
             "channels and the in-memory tracker store, plus the action server; the handoff dispatcher and "
             "force inbox are idle in these conversations and not started). The stock assistant is "
             "`rasa init --no-prompt` (the mood bot: Rasa's default pipeline and policies, TED included) "
             "with its own action server, sent the same messages on its REST channel. They take "
             "turns at each concurrency. Widget requests carry the Origin of the first partner in "
             "`connectors/partners.yml`; the per-address rate limit is raised for the run, since every "
             "simulated person comes from 127.0.0.1.", "",
             *level_table(levels), "",
             "Project over stock, REST channel (below 1 is faster for latency; above 1 is more throughput):", "",
             "| concurrent | p50 | p95 | throughput |", "|---|---|---|---|",
             *[f"| {c} | ×{a:.2f} | ×{b:.2f} | ×{t:.2f} |" for c, a, b, t in ratios], ""]
    if what_if_ratios:
        lines += [f"What if the project ran with {', '.join(f'`{s}`' for s in args.what_if)} (`--what-if`), "
                  "over stock:", "",
                  "| concurrent | p50 | p95 | throughput |", "|---|---|---|---|",
                  *[f"| {c} | ×{a:.2f} | ×{b:.2f} | ×{t:.2f} |" for c, a, b, t in what_if_ratios], ""]
    lines += [
             "| process | start to ready (model load) | first reply | resident idle | peak resident (VmHWM) |",
             "|---|---|---|---|---|"]
    for server in servers:
        fr = first_for.get(server.name)
        lines.append(f"| {server.name} | {server.ready_s:.1f} s | {'' if fr is None else f'{fr:.0f} ms'} | "
                     f"{fmt_mb(idle[server.name]['rss_kb'])} | {fmt_mb(memory[server.name]['peak_kb'])} |")
    stock_when = f" (cached from {stock_meta['date']})" if stock_meta.get("cached") else ""
    if project_train_s:
        lines += ["", f"Training from scratch, no cache: project `rasa train` **{project_train_s:.0f} s** "
                  f"({project_size / 1e6:.1f} MB model); stock `rasa init` {stock_train_s:.0f} s{stock_when} "
                  f"({stock_size / 1e6:.1f} MB model); ratio ×{project_train_s / stock_train_s:.2f}. "
                  f"(Stock: {nlu_size(STOCK_DIR / 'data')}; project: {nlu_size(ROOT / 'bot' / 'data' / 'nlu')}.)"]
    lines += ["", "Targets:", ""]
    lines += [f"- {label}: {value}, {'met' if ok else '**missed**'}" for label, ok, value in checks]
    lines += [f"- errors in all runs: {errors}", "",
              f"![latency and throughput by concurrency](benchmarks/{figure.name})"]
    section = "benchmark-paced" if paced else "benchmark"
    write_section(section, "\n".join(lines))
    print(f"\nWrote docs/benchmarks.md ({section} section) and {figure.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
