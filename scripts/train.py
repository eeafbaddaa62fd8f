"""Trains the model when, and only when, what it is trained from has changed.

The model's name carries a fingerprint of the config, domain, training data and
the custom NLU component, so an unchanged project reuses its model and a changed
one never runs a stale model. Training is seeded (config.yml) and run with
deterministic TensorFlow ops, so the same inputs give the same model.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
TRAINED_FROM = [
    ROOT / "bot" / "config.yml",
    ROOT / "bot" / "domain",
    ROOT / "bot" / "data",
    ROOT / "bot" / "nlu" / "danger_now.py",
    ROOT / "bot" / "nlu" / "danger_classifier.py",
    ROOT / "bot" / "nlu" / "topic_classifier.py",
    ROOT / "bot" / "nlu" / "sklearn_component.py",
    ROOT / "bot" / "nlu" / "other_languages.py",
    ROOT / "bot" / "nlu" / "danger_examples",
    ROOT / "build" / "spacy" / "en_vawg" / ".built-from",
]
# Versions of what trains the model; test-only pins in constraints.txt don't matter.
TRAINED_BY = ("rasa", "spacy", "tensorflow")
# Seeded, deterministic, no telemetry, and no training cache: training takes under a
# minute without it, and Rasa 3.6's cache can hand a component another node's saved
# files after the pipeline's order changes (removing a component before the
# classifier gave a model that would not load). scripts/benchlib.py trains in this too.
TRAINING_ENV = {
    "TF_DETERMINISTIC_OPS": "1",
    "PYTHONHASHSEED": "0",
    "RASA_TELEMETRY_ENABLED": "false",
    "RASA_MAX_CACHE_SIZE": "0",
}


def fingerprint() -> str:
    digest = hashlib.sha256()
    for package in TRAINED_BY:
        digest.update(f"{package}=={metadata.version(package)}".encode())
    for source in TRAINED_FROM:
        files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
        for path in files:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path() -> Path:
    return MODELS / f"vawg-{fingerprint()}.tar.gz"


def main() -> int:
    target = model_path()
    if target.exists():
        print(f"Model up to date: {target.relative_to(ROOT)}")
        return 0
    env = {**os.environ, **TRAINING_ENV}
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", "bot/config.yml", "--domain", "bot/domain", "--data", "bot/data",
        "--out", str(MODELS), "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]
    print(f"Training {target.relative_to(ROOT)} (about a minute)...")
    completed = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if completed.returncode != 0 or not target.exists():
        print(completed.stderr[-4000:], file=sys.stderr)
        print("Training failed; the messages above say why.", file=sys.stderr)
        return 1
    for old in MODELS.glob("vawg-*.tar.gz"):
        if old != target:
            old.unlink()
    print(f"Trained {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--print-path"]:
        print(model_path())
        sys.exit(0)
    sys.exit(main())
