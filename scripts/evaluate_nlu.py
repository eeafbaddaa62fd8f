"""Evaluates the trained model on the held-out NLU test set (never used for training).

Prints per-intent precision, recall and F1, macro-F1, danger-now recall and its
false-alarm rate, and every misclassified message. Uses the whole NLU pipeline,
danger-now flagger included, because that is what the dialogue sees.

Exits 1 if any danger-now example is missed: that is the one result we never accept.

    .venv/bin/python scripts/evaluate_nlu.py [--model models/x.tar.gz]

`evaluate()` and `HeldOutResult` are reused by scripts/evaluate.py, which compares
the project's pipeline with Rasa's default one.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"
NOT_DANGER = ROOT / "tests" / "nlu" / "not_danger.yml"
DANGER = "danger_now"

Example = Tuple[str, str]  # (expected intent, text)
Scores = Dict[str, Tuple[float, float, float, int]]  # intent: (precision, recall, f1, n)


def read_examples(path: Path) -> List[Example]:
    examples = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append((block["intent"], line[2:].strip()))
    return examples


async def parse(model_path: Path, texts: List[str]) -> List[Dict]:
    """Rasa's full parse of each message (intent, confidence, intent ranking)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    return [await agent.parse_message(text) for text in texts]


async def predict(model_path: Path, texts: List[str]) -> List[str]:
    return [parsed["intent"]["name"] for parsed in await parse(model_path, texts)]


def per_intent_scores(pairs: List[Tuple[str, str]]) -> Scores:
    true_pos, predicted, expected = Counter(), Counter(), Counter()
    for want, got in pairs:
        expected[want] += 1
        predicted[got] += 1
        true_pos[want] += want == got
    scores = {}
    for intent in sorted(expected):
        precision = true_pos[intent] / predicted[intent] if predicted[intent] else 0.0
        recall = true_pos[intent] / expected[intent]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[intent] = (precision, recall, f1, expected[intent])
    return scores


def macro_f1(scores: Scores) -> float:
    return sum(s[2] for s in scores.values()) / len(scores)


@dataclass
class HeldOutResult:
    """One model's predictions on the held-out set and on the not-danger set."""

    holdout: List[Example]
    holdout_predictions: List[str]
    not_danger: List[Example]
    not_danger_predictions: List[str]

    @property
    def pairs(self) -> List[Tuple[str, str]]:
        """(expected, predicted) for every held-out example."""
        return [(want, got) for (want, _), got in zip(self.holdout, self.holdout_predictions)]

    @property
    def scores(self) -> Scores:
        return per_intent_scores(self.pairs)

    @property
    def macro_f1(self) -> float:
        return macro_f1(self.scores)

    @property
    def accuracy(self) -> float:
        return sum(w == g for w, g in self.pairs) / len(self.pairs)

    @property
    def danger_total(self) -> int:
        return sum(w == DANGER for w, _ in self.holdout)

    @property
    def danger_missed(self) -> List[str]:
        return [t for (w, t), g in zip(self.holdout, self.holdout_predictions) if w == DANGER and g != DANGER]

    @property
    def others(self) -> List[str]:
        """Predictions for every message that is not danger now (held-out and not-danger sets)."""
        return [g for w, g in self.pairs if w != DANGER] + self.not_danger_predictions

    @property
    def false_alarms(self) -> int:
        return sum(g == DANGER for g in self.others)

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / len(self.others)

    @property
    def misclassified(self) -> List[Tuple[str, str, str]]:
        """(expected, predicted, text) for every mistake, false alarms on the not-danger set included."""
        wrong = [(w, g, t) for (w, t), g in zip(self.holdout, self.holdout_predictions) if w != g]
        wrong += [("not_danger", g, t) for (_, t), g in zip(self.not_danger, self.not_danger_predictions) if g == DANGER]
        return wrong


def evaluate(model_path: Path) -> HeldOutResult:
    holdout, not_danger = read_examples(HOLDOUT), read_examples(NOT_DANGER)
    predictions = asyncio.run(predict(model_path, [t for _, t in holdout + not_danger]))
    return HeldOutResult(holdout, predictions[:len(holdout)], not_danger, predictions[len(holdout):])


def print_report(result: HeldOutResult) -> None:
    print(f"{'intent':30} {'precision':>9} {'recall':>7} {'f1':>6} {'n':>4}")
    for intent, (precision, recall, f1, n) in result.scores.items():
        print(f"{intent:30} {precision:9.2f} {recall:7.2f} {f1:6.2f} {n:4d}")

    print("\nMisclassified (expected -> predicted: text):")
    for want, got, text in result.misclassified:
        print(f"  {want} -> {got}: {text}")

    others = result.others
    print(f"\nHeld-out examples: {len(result.holdout)}; accuracy {result.accuracy:.3f}; macro-F1 {result.macro_f1:.3f}")
    print(f"Danger-now recall: {result.danger_total - len(result.danger_missed)}/{result.danger_total}")
    print(f"Danger-now false alarms on other messages: {result.false_alarms}/{len(others)} ({result.false_alarm_rate:.1%})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    if args.model is None:
        from scripts.train import model_path

        args.model = model_path()
    result = evaluate(args.model)
    print_report(result)
    if result.danger_missed:
        print(f"FAILED: {len(result.danger_missed)} danger-now message(s) missed.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
