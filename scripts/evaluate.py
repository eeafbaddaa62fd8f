"""NLU quality, one command: the project's model against Rasa's stock pipeline.

    nice -n 19 .venv/bin/python scripts/evaluate.py [--cross-validation] [--conversation-tests]

1. The independent test set (tests/nlu/independent/, never trained on), for two models:
   - the project's model (scripts/train.py; trained first if it is missing);
   - a "stock" model: the NLU training data (bot/data/nlu) trained with the exact
     config that `rasa init` writes (Rasa's default pipeline, which has no danger-now
     component). Trained once and cached in benchmarks-work/stock-nlu/, keyed by a
     hash of the config, the data, the domain and the Rasa version.
   Prints per-intent precision, recall and F1 side by side, macro-F1, accuracy,
   danger-now recall and its false-alarm rate on everything else (the test set's
   messages of other intents, hard not-danger ones included), and every misclassified
   message; draws each confusion matrix (docs/benchmarks/confusion-project.png and
   confusion-stock.png).
2. --cross-validation: 5-fold cross-validation (stratified, seeded) of the project's
   pipeline (bot/config.yml) on the training data: macro-F1 mean and standard deviation.
   To judge a change to the pipeline before making it, cross-validate another config
   (--config) on one fold (--fold 1): the folds are the same for every config, so
   the figures compare like with like (docs/pipeline.md was chosen this way).
3. --conversation-tests: the conversation tests (tests/test_*.yml) end to end, as
   scripts/test.sh runs them.

The results replace the "evaluate" section of docs/benchmarks.md (unless --no-doc).
It prints figures and exits 0 whatever they are; scripts/test.sh is what fails on
a missed danger-now message. For a quick check of this script itself, --epochs N
trains the stock and fold models with N epochs and writes nothing under docs/.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# What scripts/env.sh sets, for this process too: quiet TensorFlow, no telemetry.
for _name, _value in (("TF_CPP_MIN_LOG_LEVEL", "3"), ("RASA_TELEMETRY_ENABLED", "false"),
                      ("SQLALCHEMY_SILENCE_UBER_WARNING", "1"), ("PYTHONWARNINGS", "ignore")):
    os.environ.setdefault(_name, _value)
warnings.filterwarnings("ignore")

from scripts.benchlib import (  # noqa: E402
    FIGURES,
    PYTHON,
    RASA,
    WORK,
    command_line,
    files_digest,
    machine,
    machine_lines,
    rasa_env,
    rasa_version,
    timed_run,
    write_section,
)
from scripts.evaluate_nlu import (  # noqa: E402
    DANGER,
    HeldOutResult,
    Scores,
    evaluate,
    macro_f1,
    parse,
    per_intent_scores,
)

PROJECT_CONFIG = ROOT / "bot" / "config.yml"
NLU_DATA = ROOT / "bot" / "data" / "nlu"
DOMAIN = ROOT / "bot" / "domain"
FOLDS = 5
FOLD_SEED = 2023


def rasa_package() -> Path:
    import rasa

    return Path(rasa.__file__).parent


def stock_config_text(epochs: Optional[int]) -> str:
    """What `rasa init` writes as config.yml. With `epochs`, Rasa's default pipeline
    (the one that file's empty pipeline stands for) written out with fewer epochs."""
    template = rasa_package() / "cli" / "initial_project" / "config.yml"
    if epochs is None:
        return template.read_text(encoding="utf-8")
    config = yaml.safe_load((rasa_package() / "engine" / "recipes" / "config_files" / "default_config.yml").read_text())
    return yaml.safe_dump(with_epochs(config, epochs), sort_keys=False)


def with_epochs(config: Dict, epochs: Optional[int]) -> Dict:
    if epochs is not None:
        for component in config.get("pipeline") or []:
            if "epochs" in component:
                component["epochs"] = epochs
    return config


def stock_model(epochs: Optional[int]) -> Tuple[Path, float]:
    """The stock pipeline trained on bot/data/nlu: (model, training seconds), cached."""
    config_text = stock_config_text(epochs)
    key = files_digest([NLU_DATA, DOMAIN], config_text, rasa_version())
    folder = WORK / "stock-nlu" / key
    model, meta = folder / "stock-nlu.tar.gz", folder / "meta.json"
    if model.exists() and meta.exists():
        seconds = json.loads(meta.read_text())["train_seconds"]
        print(f"Stock model (cached): {model.relative_to(ROOT)}, trained in {seconds:.0f} s")
        return model, seconds
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.yml"
    config.write_text(config_text, encoding="utf-8")
    print(f"Training the stock pipeline on {NLU_DATA.relative_to(ROOT)} (Rasa's default DIET: "
          "this can take a long time on 2 cores)...", flush=True)
    seconds = timed_run(
        [RASA, "train", "nlu", "--config", str(config), "--nlu", str(NLU_DATA), "--domain", str(DOMAIN),
         "--out", str(folder), "--fixed-model-name", "stock-nlu"],
        folder / "train.log",
    )
    meta.write_text(json.dumps({"train_seconds": seconds, "epochs": epochs, "trained": time.time()}))
    print(f"Trained the stock model in {seconds:.0f} s")
    return model, seconds


def project_model() -> Path:
    from scripts.train import model_path

    if not model_path().exists():
        subprocess.run([PYTHON, "scripts/train.py"], cwd=ROOT, env=rasa_env(), check=True)
    return model_path()


# ---------------------------------------------------------------- confusion matrices

def plot_confusion(result: HeldOutResult, title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    expected = sorted({w for w, _ in result.pairs})
    labels = expected + sorted({g for _, g in result.pairs} - set(expected))
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(expected), len(labels)), dtype=int)
    for want, got in result.pairs:
        matrix[index[want], index[got]] += 1
    shares = matrix / matrix.sum(axis=1, keepdims=True)

    fig, ax = plt.subplots(figsize=(15, 14))
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for row, col in zip(*np.nonzero(matrix)):
        wrong = row != col
        ax.text(col, row, str(matrix[row, col]), ha="center", va="center", fontsize=6,
                color="#b00020" if wrong else ("white" if shares[row, col] > 0.5 else "black"),
                fontweight="bold" if wrong else "normal")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=90, fontsize=6)
    ax.set_yticks(range(len(expected)))
    ax.set_yticklabels(expected, fontsize=6)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("expected intent")
    ax.set_title(f"{title}: independent test set, {len(result.pairs)} messages, macro-F1 {result.macro_f1:.3f} "
                 "(counts; mistakes in red)", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


# ---------------------------------------------------------------- cross-validation

def cross_validate(folds: int, epochs: Optional[int], config_path: Path = PROJECT_CONFIG,
                   only_fold: Optional[int] = None) -> List[Dict]:
    """Stratified, seeded folds of bot/data/nlu, each trained with bot/config.yml
    (or `config_path`); all of them, or only fold number `only_fold`."""
    import numpy as np
    from rasa.nlu.test import generate_folds
    from rasa.shared.nlu.training_data.loading import load_data

    folder = WORK / "cross-validation"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.yml"
    config.write_text(yaml.safe_dump(with_epochs(yaml.safe_load(config_path.read_text()), epochs),
                                     sort_keys=False), encoding="utf-8")
    print(f"Cross-validating {config_path.relative_to(ROOT) if config_path.is_relative_to(ROOT) else config_path}...")
    data = load_data(str(NLU_DATA))
    np.random.seed(FOLD_SEED)  # generate_folds shuffles with numpy's global generator
    results = []
    for number, (train, test) in enumerate(generate_folds(folds, data), start=1):
        if only_fold is not None and number != only_fold:
            continue
        train_file = folder / f"fold-{number}-train.yml"
        train_file.write_text(train.nlu_as_yaml(), encoding="utf-8")
        print(f"Fold {number}/{folds}: training on {len(train.intent_examples)} examples...", flush=True)
        seconds = timed_run(
            [RASA, "train", "nlu", "--config", str(config), "--nlu", str(train_file), "--domain", str(DOMAIN),
             "--out", str(folder), "--fixed-model-name", f"fold-{number}"],
            folder / f"fold-{number}-train.log",
        )
        model = folder / f"fold-{number}.tar.gz"
        examples = [(e.get("intent"), e.get("text")) for e in test.intent_examples]
        parsed = asyncio.run(parse(model, [t for _, t in examples]))
        predictions = [p["intent"]["name"] for p in parsed]
        pairs = [(want, got) for (want, _), got in zip(examples, predictions)]
        offered = [did_you_mean(p) for p in parsed]
        danger = [(w, g) for w, g in pairs if w == DANGER]
        fold = {
            "fold": number,
            "examples": len(pairs),
            "macro_f1": macro_f1(per_intent_scores(pairs)),
            "accuracy": sum(w == g for w, g in pairs) / len(pairs),
            "danger_found": sum(g == DANGER for _, g in danger),
            "danger_total": len(danger),
            # nlu_fallback: the assistant says it is not sure and offers its best guesses as buttons
            "fallback": sum(g == "nlu_fallback" for _, g in pairs),
            "answered_accuracy": (sum(w == g for w, g in pairs) / max(1, sum(g != "nlu_fallback" for _, g in pairs))),
            "fallback_offered_right": sum(g == "nlu_fallback" and w in buttons
                                          for (w, g), buttons in zip(pairs, offered)),
            "wrong_answer": sum(w != g and g != "nlu_fallback" for w, g in pairs),
            "train_seconds": seconds,
        }
        results.append(fold)
        (folder / f"fold-{number}-misclassified.txt").write_text(
            "".join(f"{w} -> {g}: {t}\n" for (w, t), g in zip(examples, predictions) if w != g), encoding="utf-8")
        model.unlink()
        print(f"  macro-F1 {fold['macro_f1']:.3f}, accuracy {fold['accuracy']:.3f} ({fold['fallback']} left to the "
              f"fallback, {fold['fallback_offered_right']} of them with the right topic among the buttons; "
              f"{fold['answered_accuracy']:.3f} of the rest right, {fold['wrong_answer']} wrong), danger-now "
              f"{fold['danger_found']}/{fold['danger_total']}, trained in {seconds:.0f} s", flush=True)
    return results


def did_you_mean(parsed: Dict) -> List[str]:
    """The topics the assistant would offer as "did you mean" buttons for this parse
    (bot/actions/topics.py: best_guesses)."""
    from bot.actions.topics import likely_topics

    return likely_topics(parsed.get("intent_ranking") or [])


def mean_sd(values: List[float]) -> Tuple[float, float]:
    return statistics.mean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


# ---------------------------------------------------------------- conversation tests

def conversation_tests(model: Path) -> Dict:
    """tests/test_*.yml end to end, as scripts/test.sh runs them."""
    out = WORK / "conversations"
    log = WORK / "conversations.log"
    print("Running the conversation tests...", flush=True)
    with log.open("w") as handle:
        subprocess.run([RASA, "test", "core", "--e2e", "--model", str(model), "--stories", "tests/", "--out", str(out)],
                       cwd=ROOT, env=rasa_env(), stdout=handle, stderr=subprocess.STDOUT)
    text = log.read_text(errors="replace")
    correct = re.search(r"Correct:\s+(\d+) / (\d+)", text)
    failed_file = out / "failed_test_stories.yml"
    failed_text = failed_file.read_text() if failed_file.exists() else ""
    return {
        "passed": int(correct.group(1)) if correct else None,
        "total": int(correct.group(2)) if correct else None,
        "all_passed": "None of the test stories failed" in failed_text,
        "failed": re.findall(r"^- story: (.*)$", failed_text, flags=re.M),
    }


# ---------------------------------------------------------------- output

def training_texts() -> set:
    from scripts.check_test_set import training_texts as training_examples

    return {text.lower().strip() for text in training_examples(NLU_DATA)}


def unseen(result: HeldOutResult, seen: set) -> HeldOutResult:
    """The test messages that do not appear word for word in the training data."""
    keep = [i for i, (_, text) in enumerate(result.holdout) if text.lower().strip() not in seen]
    return HeldOutResult([result.holdout[i] for i in keep], [result.holdout_predictions[i] for i in keep],
                         result.not_danger, result.not_danger_predictions)


def summary_rows(project: HeldOutResult, stock: HeldOutResult,
                 unseen_pair: Optional[Tuple[HeldOutResult, HeldOutResult]] = None) -> List[Tuple[str, str, str]]:
    def danger(r: HeldOutResult) -> str:
        found = r.danger_total - len(r.danger_missed)
        return f"{found}/{r.danger_total} ({found / r.danger_total:.1%})"

    def alarms(r: HeldOutResult) -> str:
        return f"{r.false_alarms}/{len(r.others)} ({r.false_alarm_rate:.1%})"

    return [
        ("macro-F1", f"{project.macro_f1:.3f}", f"{stock.macro_f1:.3f}"),
        ("accuracy", f"{project.accuracy:.3f}", f"{stock.accuracy:.3f}"),
        ("danger-now recall", danger(project), danger(stock)),
        ("danger-now false alarms", alarms(project), alarms(stock)),
        ("misclassified", str(len(project.misclassified)), str(len(stock.misclassified))),
        ("guessed nlu_fallback", str(sum(g == "nlu_fallback" for _, g in project.pairs)),
         str(sum(g == "nlu_fallback" for _, g in stock.pairs))),
    ] + ([] if unseen_pair is None else [
        (f"macro-F1, the {len(unseen_pair[0].holdout)} not in the training data", f"{unseen_pair[0].macro_f1:.3f}",
         f"{unseen_pair[1].macro_f1:.3f}"),
        (f"accuracy, the {len(unseen_pair[0].holdout)} not in the training data", f"{unseen_pair[0].accuracy:.3f}",
         f"{unseen_pair[1].accuracy:.3f}"),
        (f"danger-now recall, the {len(unseen_pair[0].holdout)}", danger(unseen_pair[0]), danger(unseen_pair[1])),
    ])


def side_by_side(project: Scores, stock: Scores) -> List[str]:
    lines = [f"{'intent':28} {'n':>3} | {'project P':>9} {'R':>5} {'F1':>5} | {'stock P':>7} {'R':>5} {'F1':>5}"]
    for intent, (p, r, f, n) in project.items():
        sp, sr, sf, _ = stock.get(intent, (0.0, 0.0, 0.0, n))
        flag = "  <" if f < sf else ("  >" if f > sf else "")
        lines.append(f"{intent:28} {n:3d} | {p:9.2f} {r:5.2f} {f:5.2f} | {sp:7.2f} {sr:5.2f} {sf:5.2f}{flag}")
    return lines


def print_results(project: HeldOutResult, stock: HeldOutResult, unseen_pair) -> None:
    print("\nPer intent on the independent test set (> project better, < stock better):")
    print("\n".join(side_by_side(project.scores, stock.scores)))
    for name, result in (("project", project), ("stock", stock)):
        print(f"\nMisclassified by the {name} model (expected -> predicted: text):")
        for want, got, text in result.misclassified:
            print(f"  {want} -> {got}: {text}")
    print(f"\n{'independent test set':44} {'project':>16} {'stock':>16}")
    for label, a, b in summary_rows(project, stock, unseen_pair):
        print(f"{label:44} {a:>16} {b:>16}")


def markdown(info, command, project, stock, unseen_pair, stock_seconds, cv, conversations, figures_rel) -> str:
    lines = ["## NLU quality (scripts/evaluate.py)", "", *machine_lines(info), f"- Command: `{command}`", ""]
    lines += [f"Independent test set: {len(project.holdout)} messages over {len(project.scores)} intents "
              "(`tests/nlu/independent/`, written without sight of the training data; see its README). "
              "\"Stock\" is Rasa's default pipeline, the exact `config.yml` that `rasa init` writes, trained on "
              f"the same `bot/data/nlu` (training took {stock_seconds:.0f} s); it has no danger-now component. "
              f"{len(project.holdout) - len(unseen_pair[0].holdout)} of the test messages appear word for "
              "word in `bot/data/nlu` (scripts/check_test_set.py keeps this at 0).",
              "", "| independent test set | project | stock | target |", "|---|---|---|---|"]
    targets = {"macro-F1": "≥ 0.95", "danger-now recall": "100%"}
    for label, a, b in summary_rows(project, stock, unseen_pair):
        lines.append(f"| {label} | {a} | {b} | {targets.get(label, '')} |")
    met = lambda ok: "met" if ok else "**missed**"  # noqa: E731
    lines += ["", f"Targets: danger-now recall 100%: {met(not project.danger_missed)}; "
              f"macro-F1 ≥ 0.95: {met(project.macro_f1 >= 0.95)} ({project.macro_f1:.3f})"
              + (f"; every conversation test passes: {met(conversations['all_passed'])} "
                 f"({conversations['passed']}/{conversations['total']} stories)" if conversations else "") + "."]
    if cv:
        f1_mean, f1_sd = mean_sd([f["macro_f1"] for f in cv])
        acc_mean, acc_sd = mean_sd([f["accuracy"] for f in cv])
        train_mean, _ = mean_sd([f["train_seconds"] for f in cv])
        lines += ["", f"{len(cv)}-fold cross-validation of `bot/config.yml` on the training data (stratified, "
                  f"seed {FOLD_SEED}): macro-F1 **{f1_mean:.3f} ± {f1_sd:.3f}** (mean ± sd), accuracy "
                  f"{acc_mean:.3f} ± {acc_sd:.3f}; danger-now "
                  f"{sum(f['danger_found'] for f in cv)}/{sum(f['danger_total'] for f in cv)} over all folds "
                  "(the phrase list was written with the training data in view, so this one is optimistic); "
                  f"{train_mean:.0f} s to train a fold (NLU only). \"Fallback\" counts the messages the classifier "
                  "was not sure of (below the `FallbackClassifier` threshold), which the assistant answers with "
                  "up to three \"did you mean\" buttons rather than a guess; \"right button\" counts those where "
                  "the right topic was among the buttons. \"Wrong answer\" is a confident answer to the wrong "
                  "question, the mistake a person sees; \"right when answered\" is the accuracy on the messages "
                  "that were answered.", "",
                  "| fold | examples | macro-F1 | accuracy | fallback | right button | wrong answer | "
                  "right when answered | danger-now |",
                  "|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {f['fold']} | {f['examples']} | {f['macro_f1']:.3f} | {f['accuracy']:.3f} | {f['fallback']} | "
                  f"{f['fallback_offered_right']} | {f['wrong_answer']} | "
                  f"{f['answered_accuracy']:.3f} | {f['danger_found']}/{f['danger_total']} |" for f in cv]
    if conversations and conversations["failed"]:
        lines += ["", "Failed conversation tests: " + "; ".join(conversations["failed"])]
    lines += ["", f"Confusion matrices: [project]({figures_rel}/confusion-project.png), "
              f"[stock]({figures_rel}/confusion-stock.png).", "",
              f"![project confusion matrix]({figures_rel}/confusion-project.png)", "",
              "<details><summary>Per intent, side by side</summary>", "", "```",
              *side_by_side(project.scores, stock.scores), "```", "</details>", ""]
    for name, result in (("project", project), ("stock", stock)):
        lines += [f"<details><summary>Misclassified by the {name} model ({len(result.misclassified)})</summary>",
                  "", "```", *[f"{w} -> {g}: {t}" for w, g, t in result.misclassified], "```", "</details>", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cross-validation", action="store_true", help=f"{FOLDS}-fold cross-validation too")
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--fold", type=int, default=None, help="cross-validate only this fold (1 to --folds)")
    parser.add_argument("--config", type=Path, default=PROJECT_CONFIG,
                        help="cross-validate this config instead of bot/config.yml (implies --no-doc)")
    parser.add_argument("--conversation-tests", action="store_true", help="run tests/test_*.yml end to end too")
    parser.add_argument("--epochs", type=int, default=None,
                        help="smoke test of this script: train stock and fold models with this many epochs; "
                             "nothing is written under docs/")
    parser.add_argument("--no-doc", action="store_true",
                        help="write nothing under docs/ (the confusion matrices go to benchmarks-work/smoke/)")
    args = parser.parse_args()
    if args.fold is not None and not 1 <= args.fold <= args.folds:
        parser.error(f"--fold must be between 1 and {args.folds}")
    # Figures for a config other than the project's, or for one fold, are not the project's results.
    args.no_doc = args.no_doc or args.config.resolve() != PROJECT_CONFIG or args.fold is not None

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    info, command = machine(), command_line()
    smoke = args.epochs is not None
    figures = WORK / "smoke" if smoke or args.no_doc else FIGURES
    if smoke:
        print(f"SMOKE RUN ({args.epochs} epochs): figures are not representative; nothing goes under docs/.")

    model = project_model()
    stock_path, stock_seconds = stock_model(args.epochs)
    print(f"Evaluating {model.relative_to(ROOT)} and {stock_path.relative_to(ROOT)} on the independent test set...", flush=True)
    project, stock = evaluate(model), evaluate(stock_path)
    plot_confusion(project, "Project pipeline (bot/config.yml)", figures / "confusion-project.png")
    plot_confusion(stock, "Stock pipeline (rasa init config.yml)", figures / "confusion-stock.png")
    seen = training_texts()
    unseen_pair = (unseen(project, seen), unseen(stock, seen))
    print_results(project, stock, unseen_pair)
    print(f"Confusion matrices: {figures.relative_to(ROOT)}/confusion-project.png, confusion-stock.png")

    cv = cross_validate(args.folds, args.epochs, args.config.resolve(), args.fold) if args.cross_validation else None
    if cv:
        f1_mean, f1_sd = mean_sd([f["macro_f1"] for f in cv])
        print(f"\n{len(cv)}-fold cross-validation, project pipeline: macro-F1 {f1_mean:.3f} ± {f1_sd:.3f} (mean ± sd)")

    conversations = conversation_tests(model) if args.conversation_tests else None
    if conversations:
        print(f"\nConversation tests: {conversations['passed']}/{conversations['total']} stories correct; "
              + ("every one passed." if conversations["all_passed"] else f"FAILED: {conversations['failed']}"))

    print("\nTargets: danger-now recall 100%:", "met" if not project.danger_missed else "MISSED",
          f"| macro-F1 >= 0.95: {'met' if project.macro_f1 >= 0.95 else 'MISSED'} ({project.macro_f1:.3f})"
          + (f" | conversation tests: {'met' if conversations['all_passed'] else 'MISSED'}" if conversations else ""))

    record = {"machine": info, "command": command, "stock_train_seconds": stock_seconds, "cross_validation": cv,
              "conversations": conversations,
              "unseen": {"messages": len(unseen_pair[0].holdout), "project_macro_f1": unseen_pair[0].macro_f1,
                         "stock_macro_f1": unseen_pair[1].macro_f1},
              "project": {"macro_f1": project.macro_f1, "accuracy": project.accuracy,
                          "danger_missed": project.danger_missed, "false_alarms": project.false_alarms},
              "stock": {"macro_f1": stock.macro_f1, "accuracy": stock.accuracy,
                        "danger_missed": stock.danger_missed, "false_alarms": stock.false_alarms}}
    (WORK / ("evaluate-smoke.json" if smoke else "evaluate.json")).write_text(json.dumps(record, indent=2))
    if not smoke and not args.no_doc:
        write_section("evaluate", markdown(info, command, project, stock, unseen_pair, stock_seconds, cv,
                                           conversations, "benchmarks"))
        print("Wrote the evaluate section of docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
