"""Evaluates the trained model on the held-out NLU test set (never used for training).

Prints per-intent precision, recall and F1, macro-F1, danger-now recall and its
false-alarm rate, and every misclassified message. Uses the whole NLU pipeline,
danger-now flagger included, because that is what the dialogue sees.

Exits 1 if any danger-now example is missed: that is the one result we never accept.

    .venv/bin/python scripts/evaluate_nlu.py [--model models/x.tar.gz]
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"
NOT_DANGER = ROOT / "tests" / "nlu" / "not_danger.yml"
DANGER = "danger_now"

Example = Tuple[str, str]  # (expected intent, text)


def read_examples(path: Path) -> List[Example]:
    examples = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append((block["intent"], line[2:].strip()))
    return examples


async def predict(model_path: Path, texts: List[str]) -> List[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    return [(await agent.parse_message(text))["intent"]["name"] for text in texts]


def per_intent_scores(pairs: List[Tuple[str, str]]) -> Dict[str, Tuple[float, float, float, int]]:
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    if args.model is None:
        from scripts.train import model_path

        args.model = model_path()
    holdout, not_danger = read_examples(HOLDOUT), read_examples(NOT_DANGER)
    predictions = asyncio.run(predict(args.model, [t for _, t in holdout + not_danger]))
    holdout_pairs = [(want, got) for (want, _), got in zip(holdout, predictions)]
    not_danger_predictions = predictions[len(holdout):]

    scores = per_intent_scores(holdout_pairs)
    print(f"{'intent':30} {'precision':>9} {'recall':>7} {'f1':>6} {'n':>4}")
    for intent, (precision, recall, f1, n) in scores.items():
        print(f"{intent:30} {precision:9.2f} {recall:7.2f} {f1:6.2f} {n:4d}")
    macro_f1 = sum(s[2] for s in scores.values()) / len(scores)
    accuracy = sum(w == g for w, g in holdout_pairs) / len(holdout_pairs)

    danger_expected = [g for w, g in holdout_pairs if w == DANGER]
    danger_missed = [t for (w, t), (_, g) in zip(holdout, holdout_pairs) if w == DANGER and g != DANGER]
    others = [g for w, g in holdout_pairs if w != DANGER] + not_danger_predictions
    false_alarms = sum(g == DANGER for g in others)

    print("\nMisclassified (expected -> predicted: text):")
    for (want, text), (_, got) in zip(holdout, holdout_pairs):
        if want != got:
            print(f"  {want} -> {got}: {text}")
    for (_, text), got in zip(not_danger, not_danger_predictions):
        if got == DANGER:
            print(f"  not_danger -> danger_now: {text}")

    print(f"\nHeld-out examples: {len(holdout_pairs)}; accuracy {accuracy:.3f}; macro-F1 {macro_f1:.3f}")
    print(f"Danger-now recall: {len(danger_expected) - len(danger_missed)}/{len(danger_expected)}")
    print(f"Danger-now false alarms on other messages: {false_alarms}/{len(others)} ({false_alarms / len(others):.1%})")
    if danger_missed:
        print(f"FAILED: {len(danger_missed)} danger-now message(s) missed.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
