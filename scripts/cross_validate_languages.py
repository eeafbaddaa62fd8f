"""Chooses the settings of the community-language danger classifier (bot/nlu/other_languages.py)
by 5-fold cross-validation on its own training examples (bot/nlu/danger_examples/), never on
a test set:

    .venv/bin/python scripts/cross_validate_languages.py

For each regularisation C, shortest message the classifier reads (in words; shorter ones are
left to the danger phrases) and threshold, it prints the share of danger messages caught
(recall) and of other messages taken for danger (false alarms; answers to the contact form's
questions counted apart), both with the danger phrases
OR-ed in, as the assistant runs them. Missing danger is the costly mistake; a false alarm costs
little here, since every message in another language starts with the emergency line anyway.
The figures chosen are in docs/languages.md.
"""
from __future__ import annotations

from typing import List, Tuple

import numpy as np
from sklearn.model_selection import StratifiedKFold

from bot.nlu.other_languages import build_danger_model, danger_examples, says_danger

REGULARISATIONS = (3.0, 10.0, 30.0)
MIN_WORDS = (1, 2, 3, 4)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4)
FOLDS = 5
SEED = 2023


def examples_by_language() -> Tuple[List[str], np.ndarray, List[str], np.ndarray]:
    examples = danger_examples()
    return ([e.text for e in examples], np.array([e.is_danger for e in examples]), [e.language for e in examples],
            np.array([e.kind for e in examples]))


def held_back_probabilities(texts: List[str], labels: np.ndarray, codes: List[str], kinds: np.ndarray,
                            regularisation: float) -> np.ndarray:
    """Each message's probability of danger from a model that never saw it."""
    strata = [f"{code}-{kind}" for code, kind in zip(codes, kinds)]
    probabilities = np.zeros(len(texts))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(texts, strata):
        model = build_danger_model(regularisation, SEED)
        model.fit([texts[i] for i in train], labels[train])
        probabilities[test] = model.predict_proba([texts[i] for i in test])[:, 1]
    return probabilities


def rates(caught: np.ndarray, kinds: np.ndarray) -> str:
    """Recall on danger; false alarms on other messages and on answers to the form."""
    return (f"recall {caught[kinds == 'danger'].mean():.3f}, false alarms {caught[kinds == 'not_danger'].mean():.3f} "
            f"(form answers {caught[kinds == 'form_answers'].mean():.3f})")


def main() -> None:
    texts, labels, codes, kinds = examples_by_language()
    phrases = np.array([says_danger(text) for text in texts])
    print(f"{len(texts)} examples, {FOLDS}-fold cross-validation, seed {SEED}")
    print(f"danger phrases alone: {rates(phrases, kinds)}")
    words = np.array([len(text.split()) for text in texts])
    for regularisation in REGULARISATIONS:
        probabilities = held_back_probabilities(texts, labels, codes, kinds, regularisation)
        for min_words in MIN_WORDS:
            for threshold in THRESHOLDS:
                caught = phrases | ((probabilities >= threshold) & (words >= min_words))
                missed = " ".join(f"{code} {int((~caught & labels & (np.array(codes) == code)).sum())}"
                                  for code in sorted(set(codes)))
                print(f"C {regularisation:>4}, {min_words}+ words, threshold {threshold:.2f}: {rates(caught, kinds)}; "
                      f"danger missed: {missed}")

if __name__ == "__main__":
    main()
