"""The pure parts of scripts/evaluate.py and scripts/benchmark.py: no Rasa server, no model.

The benchmarks themselves print figures and are never run as tests.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from scripts import benchlib
from scripts.benchmark import PROFILE_BUCKETS, SCRIPTS, Level, top_functions
from scripts.evaluate import mean_sd, side_by_side, with_epochs
from scripts.evaluate_nlu import HeldOutResult


def test_write_section_replaces_its_own_block_and_keeps_the_rest(tmp_path, monkeypatch):
    doc = tmp_path / "benchmarks.md"
    monkeypatch.setattr(benchlib, "DOC", doc)
    benchlib.write_section("benchmark", "first")
    doc.write_text(doc.read_text() + "\n## Written by hand\n")
    benchlib.write_section("evaluate", "quality")
    benchlib.write_section("benchmark", "second")
    text = doc.read_text()
    assert "first" not in text and "second" in text and "quality" in text
    assert "## Written by hand" in text
    assert text.count("<!-- benchmark:start -->") == 1
    assert text.index("second") < text.index("## Written by hand")


def test_held_out_result_counts_danger_recall_and_false_alarms():
    result = HeldOutResult(
        holdout=[("danger_now", "hes here"), ("danger_now", "help"), ("clares_law", "clares law")],
        holdout_predictions=["danger_now", "nlu_fallback", "danger_now"],
        not_danger=[("not_danger", "years ago")],
        not_danger_predictions=["danger_now"],
    )
    assert result.danger_total == 2
    assert result.danger_missed == ["help"]
    assert result.false_alarms == 2 and len(result.others) == 2
    assert ("not_danger", "danger_now", "years ago") in result.misclassified


def test_side_by_side_marks_which_pipeline_did_better():
    lines = side_by_side({"a": (1.0, 1.0, 1.0, 5), "b": (0.5, 0.5, 0.5, 5)},
                         {"a": (0.5, 0.5, 0.5, 5), "b": (1.0, 1.0, 1.0, 5)})
    assert lines[1].endswith(">") and lines[2].endswith("<")


def test_epoch_override_only_touches_components_with_epochs():
    config = {"pipeline": [{"name": "WhitespaceTokenizer"}, {"name": "DIETClassifier", "epochs": 100}]}
    assert with_epochs(config, 2)["pipeline"] == [{"name": "WhitespaceTokenizer"},
                                                  {"name": "DIETClassifier", "epochs": 2}]
    assert mean_sd([1.0, 3.0]) == (2.0, pytest.approx(1.4142, abs=1e-3))


def test_level_figures():
    level = Level("x", 8, 2, 12, {"HTTP 500": 2}, 2.0, [float(v) for v in range(1, 11)])
    assert level.throughput == 5.0
    assert level.error_count == 2
    assert level.percentile(50) == pytest.approx(5.5)


def test_profile_summary_buckets_and_counts_the_event_loop_apart(tmp_path: Path):
    loop = "<module> (rasa:8);serve (sanic/server/runners.py:155)"
    raw = tmp_path / "raw.txt"
    raw.write_text("\n".join([
        f"{loop} 50",
        f"{loop};handle (x.py:1);_validate_action_result (rasa/core/actions/action.py:704);descend (j.py:1) 30",
        f"{loop};handle (x.py:1);parse_message (rasa/core/processor.py:700);call (tf.py:1) 10",
        "descend (jsonschema/validators.py:305);iter_errors (jsonschema/validators.py:301) 10",
    ]))
    text = "\n".join(top_functions(raw))
    assert "100 samples: 50 in the event loop" in text
    assert f"80.0  {PROFILE_BUCKETS[0][0]}" in text
    assert f"20.0  {PROFILE_BUCKETS[1][0]}" in text


def test_conversation_scripts_are_six_turns_within_the_widget_limits():
    assert all(len(script) == 6 for script in SCRIPTS)
    assert all(0 < len(text) <= 1000 and not text.startswith("/") for script in SCRIPTS for text in script)


def test_did_you_mean_offers_the_buttons_the_assistant_would():
    from scripts.evaluate import did_you_mean

    parsed = {"intent": {"name": "nlu_fallback"}, "intent_ranking": [
        {"name": "nlu_fallback", "confidence": 0.25}, {"name": "greet", "confidence": 0.2},
        {"name": "clares_law_apply", "confidence": 0.41}, {"name": "clares_law_after", "confidence": 0.40},
        {"name": "sarahs_law", "confidence": 0.12}, {"name": "stalking", "confidence": 0.11},
        {"name": "fgm", "confidence": 0.01}]}
    assert did_you_mean(parsed) == ["clares_law_apply", "clares_law_after", "sarahs_law"]
    assert did_you_mean({"intent": {"name": "greet"}}) == []
