"""Writes the word lists bot/nlu/other_languages.py reads, under build/languages/:

- common_english.txt: the English words common enough that a message made of them is
  English, whatever a language detector makes of it ("ok", "hi", "help"). Taken from
  spacy-lookups-data's word frequencies, a package installed with the project (nothing is
  downloaded), and from the assistant's own English training messages, so the words and
  misspellings people use with it count too ("hlep", "samaratins", "sarc").
- words_<code>.txt, for Polish, Portuguese and Romanian (the other languages have scripts of
  their own): the words the assistant knows in that language from its own texts (its
  translations, danger phrases and danger examples), without accents, leaving out any word
  English uses: a common English word, a word of the English training messages or content
  (place and service names), or one English web text uses at all often ("halo", "favor").

Rebuilt only when this file, the package or what the lists are made from change.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any, Dict, List, Set

import spacy_lookups_data
import yaml

from bot.nlu.other_languages import known_words_file, plain

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "build" / "languages" / "common_english.txt"
TRAINING = ROOT / "bot" / "data" / "nlu"
CONTENT = ROOT / "bot" / "content"
SOURCES_IN_A_LANGUAGE = [CONTENT / "translations", ROOT / "bot" / "nlu" / "danger_phrases",
                         ROOT / "bot" / "nlu" / "danger_examples"]
LATIN_SCRIPT_LANGUAGES = ("pl", "pt", "ro")
STAMP = TARGET.with_suffix(".built-from")
# log probability: "help" -7.8, "ok" -9.2, "sorry" -8.5; Polish "nie" -14.3, Portuguese "ajuda" -16.5.
COMMON_ENOUGH = -11.5
# A word of another language that English web text uses more often than this is no evidence
# of that language: "halo" -12.1, "favor" -10.4 are out; "salut" -17.0, "ajuda" -16.5 stay.
ENGLISH_USES = -14.0


def fingerprint() -> str:
    sources = [Path(__file__)] + sorted(TRAINING.glob("*.yml")) + sorted(CONTENT.rglob("*.yml"))
    sources += [path for folder in SOURCES_IN_A_LANGUAGE for path in sorted(folder.glob("*.yml"))]
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


def words_of(value: Any) -> Set[str]:
    """Every word, without accents, in a YAML value and everything inside it."""
    if isinstance(value, dict):
        return set().union(set(), *(words_of(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(set(), *(words_of(item) for item in value))
    return set(re.findall(r"[a-z]+", plain(str(value)))) if isinstance(value, str) else set()


def english_content_words() -> Set[str]:
    """The words of the English content: service names, places, scheme names."""
    paths = [path for path in CONTENT.rglob("*.yml") if "translations" not in path.parts]
    return set().union(set(), *(words_of(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in paths))


def known_words(code: str, english: Set[str], probabilities: Dict[str, float]) -> List[str]:
    found: Set[str] = set()
    for folder in SOURCES_IN_A_LANGUAGE:
        path = folder / f"{code}.yml"
        if path.exists():
            found |= words_of(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(word for word in found
                  if len(word) > 2 and word not in english and probabilities.get(word, -99.0) <= ENGLISH_USES)


def main() -> None:
    if STAMP.exists() and STAMP.read_text() == fingerprint():
        print(f"Word lists up to date in {TARGET.parent}")
        return
    source = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        probabilities = json.load(handle)
    common = {w for w, p in probabilities.items() if p > COMMON_ENOUGH and w.isalpha() and w.isascii()}
    words = sorted(common | training_words())
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"Wrote {len(words)} common English words to {TARGET}")
    english = set(words) | english_content_words()
    for code in LATIN_SCRIPT_LANGUAGES:
        known = known_words(code, english, probabilities)
        path = known_words_file(code)
        path.write_text("\n".join(known) + "\n", encoding="utf-8")
        print(f"Wrote {len(known)} words of {code} to {path}")
    STAMP.write_text(fingerprint())


if __name__ == "__main__":
    main()
