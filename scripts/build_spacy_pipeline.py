"""Builds the project's own spaCy pipeline into build/spacy/en_vawg.

No spaCy model can be downloaded here, and the assistant does not need word
vectors: the pipeline is spaCy's English tokenizer and sentencizer, and a lookup
lemmatizer whose table is the project's synonyms (bot/nlu/synonyms.yml). Rasa's
featurizers read the lemmas, so "copper" and "officer", or "fella" and "partner",
look alike to the classifier. (spaCy's full English lemma table, from
spacy-lookups-data, was tried too and made cross-validation worse: docs/pipeline.md.)
Saved to disk so Rasa's SpacyNLP can load it by path.
Rebuilt only when this file, the synonyms or the spaCy version change.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import spacy
import yaml
from spacy.lookups import Lookups

ROOT = Path(__file__).resolve().parent.parent
PIPELINE_DIR = ROOT / "build" / "spacy" / "en_vawg"
SYNONYMS = ROOT / "bot" / "nlu" / "synonyms.yml"
STAMP = PIPELINE_DIR / ".built-from"


def build_fingerprint() -> str:
    source = Path(__file__).read_bytes() + SYNONYMS.read_bytes() + spacy.__version__.encode()
    return hashlib.sha256(source).hexdigest()[:16]


def lemma_table() -> dict:
    """Each synonym's word to read instead ("copper" -> "police"); other words stay as typed."""
    table = {}
    for lemma, words in yaml.safe_load(SYNONYMS.read_text(encoding="utf-8")).items():
        table.update({str(word).lower(): str(lemma) for word in words})
    return table


def build_pipeline() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    lookups = Lookups()
    lookups.add_table("lemma_lookup", lemma_table())
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    lemmatizer.initialize(lookups=lookups)
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
