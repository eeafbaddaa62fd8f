"""Shared by scripts/evaluate.py and scripts/benchmark.py: where their work goes, the
machine they ran on, the environment for Rasa subprocesses, and docs/benchmarks.md.

Nothing here is a test: the two scripts print figures, they never fail on them.
"""
from __future__ import annotations

import hashlib
import os
import platform
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Iterable, List

from scripts.train import TRAINING_ENV

ROOT = Path(__file__).resolve().parent.parent
# Stock models, temporary assistants, fold data, profiles: ignored by git (.gitignore).
WORK = ROOT / "benchmarks-work"
DOC = ROOT / "docs" / "benchmarks.md"
FIGURES = ROOT / "docs" / "benchmarks"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
RASA = str(ROOT / ".venv" / "bin" / "rasa")

DOC_HEADER = """# Benchmarks

Figures for NLU quality, speed and size, and how they compare with Rasa's stock
assistant and pipeline (what `rasa init` writes). They come from two commands, and
are overwritten each time one runs; the section on profiling is written by hand.
Both print figures: they are not tests, and nothing fails on them.

```bash
nice -n 19 .venv/bin/python scripts/evaluate.py --cross-validation --conversation-tests
nice -n 19 .venv/bin/python scripts/benchmark.py
```

Targets (issue): danger-now recall 100% on the held-out set; macro-F1 at least 0.95;
every conversation test passes; on 2 cores, p95 under 150 ms at 8 concurrent
conversations, throughput at least twice the stock assistant's, full training under
3 minutes, and under 1.2 GB resident memory per Rasa process. The machine is shared
with other work, so absolute times drift: the ratios to the stock assistant, measured
in the same run on the same machine, are the steadier figures.
"""


def rasa_env(**extra: str) -> Dict[str, str]:
    """The environment scripts/train.py trains in (seeded, deterministic, no telemetry,
    no cache), with Rasa's and TensorFlow's chatter turned down."""
    return {
        **os.environ,
        **TRAINING_ENV,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
        **extra,
    }


def files_digest(paths: Iterable[Path], *extra: str) -> str:
    """A short hash of files (folders walked, in order) and extra strings."""
    digest = hashlib.sha256()
    for source in paths:
        files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
        for path in files:
            digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode())
            digest.update(path.read_bytes())
    for item in extra:
        digest.update(item.encode())
    return digest.hexdigest()[:12]


def rasa_version() -> str:
    from importlib.metadata import version

    return version("rasa")


def machine() -> Dict[str, str]:
    """Date (UTC), cores, CPU model, memory, load: what the figures depend on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return {
        "date": subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip(),
        "cores": str(os.cpu_count()),
        "nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
        "cpu": cpu,
        "memory": memory,
        "load": load_average(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "rasa": rasa_version(),
        "niceness": str(os.nice(0)),
    }


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def machine_lines(info: Dict[str, str]) -> List[str]:
    return [
        f"- Date: {info['date']}",
        f"- Machine: {info['nproc']} cores (`nproc`), {info['cpu']}, {info['memory']} memory, {info['os']}; "
        f"shared with other work (load average {info['load']} at the start); run at niceness {info['niceness']}",
        f"- Python {info['python']}, Rasa {info['rasa']}",
    ]


def command_line() -> str:
    """The command as it was typed, relative to the project root, with its niceness."""
    script = Path(sys.argv[0]).resolve()
    script_text = str(script.relative_to(ROOT)) if script.is_relative_to(ROOT) else str(script)
    nice = os.nice(0)
    prefix = f"nice -n {nice} " if nice else ""
    return prefix + " ".join([".venv/bin/python", script_text, *map(shlex.quote, sys.argv[1:])])


def write_section(name: str, text: str) -> None:
    """Replaces the section between `<!-- name:start -->` and `<!-- name:end -->` in
    docs/benchmarks.md (appended when missing); everything else is kept."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text.strip()}\n{end}"
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else DOC_HEADER
    if start in doc and end in doc:
        before, rest = doc.split(start, 1)
        after = rest.split(end, 1)[1]
        doc = before + block + after
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(doc, encoding="utf-8")


def timed_run(command: List[str], log: Path, cwd: Path = ROOT, env: Dict[str, str] = None) -> float:
    """Runs a command with its output in `log`; returns seconds taken; raises if it fails."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("w") as out:
        completed = subprocess.run(command, cwd=cwd, env=env or rasa_env(), stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({completed.returncode}); its log ends:\n"
                           + log.read_text(errors="replace")[-3000:])
    return seconds
