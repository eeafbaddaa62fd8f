"""Checks that no test message is (nearly) a training example.

A score on messages the model was trained on, or on close copies of them, proves
little (docs/pipeline.md). This compares every message of the independent NLU test
set (tests/nlu/independent/) with every training example (bot/data/nlu/): two
messages are near-identical when the cosine similarity of their character 3-gram
counts, after lower-casing and dropping punctuation, is 0.9 or more.

    .venv/bin/python scripts/check_test_set.py        # exits 1 and lists them if any
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import List, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.evaluate_nlu import TEST_SET, read_examples, read_test_set  # noqa: E402

TRAINING_DATA = ROOT / "bot" / "data" / "nlu"
THRESHOLD = 0.9
ENTITY_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


def normalise(text: str) -> str:
    text = ENTITY_ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = text.lower().replace("’", "'").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text).split())


def training_texts(folder: Path = TRAINING_DATA) -> List[str]:
    return [text for path in sorted(folder.glob("*.yml")) for _, text in read_examples(path)]


def near_duplicates(tests: Sequence[str], training: Sequence[str],
                    threshold: float = THRESHOLD) -> List[Tuple[str, str, float]]:
    """(test message, most similar training example, similarity) for each test message
    whose similarity to some training example is at least `threshold`."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    test_norm, train_norm = [normalise(t) for t in tests], [normalise(t) for t in training]
    exact = {text: i for i, text in enumerate(train_norm) if text}
    vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=(3, 3)).fit(test_norm + train_norm)
    similarity = (normalize(vectorizer.transform(test_norm)) @ normalize(vectorizer.transform(train_norm)).T).tocsr()
    found = []
    for row, text in enumerate(tests):
        if test_norm[row] in exact:
            found.append((text, training[exact[test_norm[row]]], 1.0))
            continue
        scores = similarity.getrow(row)
        if scores.nnz and scores.data.max() >= threshold:
            best = scores.data.argmax()
            found.append((text, training[scores.indices[best]], float(scores.data[best])))
    return found


def main() -> int:
    tests = [text for _, text in read_test_set()]
    found = near_duplicates(tests, training_texts())
    for test, train, score in found:
        print(f"  {score:.2f}  test: {test!r}  ~  training: {train!r}")
    if found:
        print(f"FAILED: {len(found)} of {len(tests)} test messages in {TEST_SET.relative_to(ROOT)} are (nearly) "
              "training examples. Take them out of the training data, or out of the test set.")
        return 1
    print(f"None of the {len(tests)} test messages is a training example or close to one (threshold {THRESHOLD}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
