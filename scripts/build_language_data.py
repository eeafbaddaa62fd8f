"""Writes build/languages/common_english.txt: the English words common enough that a
message made of them is English, whatever a language detector makes of it ("ok", "hi",
"help"). Taken from spacy-lookups-data's word frequencies, a package installed with the
project (nothing is downloaded), and from the assistant's own English training messages,
so the words and misspellings people use with it count too ("hlep", "samaratins", "sarc").
Rebuilt only when this file, the package or the training data change.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from importlib.metadata import version
from pathlib import Path

import spacy_lookups_data
import yaml

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "build" / "languages" / "common_english.txt"
TRAINING = ROOT / "bot" / "data" / "nlu"
STAMP = TARGET.with_suffix(".built-from")
# log probability: "help" -7.8, "ok" -9.2, "sorry" -8.5; Polish "nie" -14.3, Portuguese "ajuda" -16.5.
COMMON_ENOUGH = -11.5


def fingerprint() -> str:
    sources = [Path(__file__)] + sorted(TRAINING.glob("*.yml"))
    data = b"".join(path.read_bytes() for path in sources) + version("spacy-lookups-data").encode()
    return hashlib.sha256(data).hexdigest()[:16]


def training_words() -> set:
    """Every word of the English training messages."""
    words = set()
    for path in sorted(TRAINING.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                words.update(w for w in re.findall(r"[a-z]+", line.lower()) if len(w) > 2)
    return words


def main() -> None:
    if STAMP.exists() and STAMP.read_text() == fingerprint():
        print(f"English word list up to date at {TARGET}")
        return
    source = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        probabilities = json.load(handle)
    common = {w for w, p in probabilities.items() if p > COMMON_ENOUGH and w.isalpha() and w.isascii()}
    words = sorted(common | training_words())
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text("\n".join(words) + "\n", encoding="utf-8")
    STAMP.write_text(fingerprint())
    print(f"Wrote {len(words)} common English words to {TARGET}")


if __name__ == "__main__":
    main()
