"""Builds the project's own spaCy pipeline into build/spacy/en_vawg.

No spaCy model can be downloaded here, and the assistant does not need word
vectors: the pipeline is spaCy's English tokenizer and sentencizer, saved to
disk so Rasa's SpacyNLP can load it by path. Rebuilt only when this file or the
spaCy version changes.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import spacy

PIPELINE_DIR = Path(__file__).resolve().parent.parent / "build" / "spacy" / "en_vawg"
STAMP = PIPELINE_DIR / ".built-from"


def build_fingerprint() -> str:
    source = Path(__file__).read_bytes() + spacy.__version__.encode()
    return hashlib.sha256(source).hexdigest()[:16]


def build_pipeline() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.meta["name"] = "vawg"
    nlp.meta["description"] = "Tokenizer and sentencizer for the Warwickshire VAWG assistant"
    return nlp


def main() -> None:
    fingerprint = build_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        print(f"spaCy pipeline up to date at {PIPELINE_DIR}")
        return
    PIPELINE_DIR.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(PIPELINE_DIR)
    STAMP.write_text(fingerprint)
    print(f"Built spaCy pipeline at {PIPELINE_DIR}")


if __name__ == "__main__":
    main()
