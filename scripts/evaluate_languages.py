"""Figures for the community languages (docs/languages.md), on a test set of tests/languages/:

    .venv/bin/python scripts/evaluate_languages.py heldout2            # detection and danger now
    .venv/bin/python scripts/evaluate_languages.py questions/heldout   # topics for typed questions

A danger set (`detection`, `danger`, `not_danger` per language) gives, per language: messages
taken for the right language; danger messages given the whole emergency reply, and read in
their own language; other messages given it anyway. A question set (`questions`, each with the
topic that answers it) gives how often that topic is the first button offered, and among them.
The danger classifier is trained as `rasa train` trains it, with config.yml's settings.
Measure a held-out set once; never tune against it (tests/languages/README.md).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.actions.content_store import check_directory
from bot.actions.topic_search import topics_like
from bot.nlu.other_languages import LanguageGuesser, OtherLanguages
from bot.settings import PROJECT_ROOT

SETS = PROJECT_ROOT / "tests" / "languages"


def trained_component(folder: Path) -> OtherLanguages:
    pipeline = yaml.safe_load((PROJECT_ROOT / "bot" / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    configured = next(step for step in pipeline if step["name"].endswith("OtherLanguages"))
    config: Dict[str, Any] = {**OtherLanguages.get_default_config(),
                              **{k: v for k, v in configured.items() if k != "name"}}
    storage, resource = LocalModelStorage(folder), Resource("other_languages")
    context = ExecutionContext(GraphSchema({}), "evaluate")
    OtherLanguages.create(config, storage, resource, context).train(TrainingData())
    return OtherLanguages.load(config, storage, resource, context)


def read(component: OtherLanguages, guesser: LanguageGuesser, text: str, intent: str = "nlu_fallback") -> Tuple[str, str]:
    """The language and intent the assistant gives a message the English classifier read as `intent`
    (by default: did not understand)."""
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.4})
    component.read_message(message, guesser)
    return message.get("language"), message.get("intent")["name"]


def danger_figures(folder: Path) -> None:
    guesser = LanguageGuesser.load()
    with tempfile.TemporaryDirectory() as model:
        component = trained_component(Path(model))
        for path in sorted(folder.glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            code = data["language"]
            detected = sum(guesser.language_of(text) == code for text in data["detection"])
            danger = [read(component, guesser, text) for text in data["danger"]]
            other = [read(component, guesser, text) for text in data["not_danger"]]
            print(f"{code}: detection {detected}/{len(data['detection'])}; "
                  f"danger given the whole emergency reply {sum(i == 'danger_now' for _, i in danger)}/{len(danger)}, "
                  f"read in its own language {sum(lang == code for lang, _ in danger)}/{len(danger)}, "
                  f"read as English {sum(lang == 'en' for lang, _ in danger)}; "
                  f"other messages given it {sum(i == 'danger_now' for _, i in other)}/{len(other)}")


def question_figures(folder: Path) -> None:
    content = check_directory(PROJECT_ROOT / "bot" / "content").content
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        in_language = content.in_language(data["language"])
        offered = [topics_like(in_language, q["text"]) for q in data["questions"]]
        first = sum(bool(o) and o[0] == q["topic"] for o, q in zip(offered, data["questions"]))
        among = sum(q["topic"] in o for o, q in zip(offered, data["questions"]))
        none = sum(not o for o in offered)
        total = len(data["questions"])
        print(f"{data['language']}: right topic first {first}/{total}, among the buttons {among}/{total}, "
              f"nothing offered {none}")


def main() -> None:
    folder = SETS / sys.argv[1]
    first = yaml.safe_load(next(iter(sorted(folder.glob("*.yml")))).read_text(encoding="utf-8"))
    if "questions" in first:
        question_figures(folder)
    else:
        danger_figures(folder)


if __name__ == "__main__":
    main()
