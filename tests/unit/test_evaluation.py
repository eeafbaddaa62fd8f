"""The tools that keep the NLU evaluation honest: the test set is kept apart from the
training data, and danger-now misses fail the test command."""
from __future__ import annotations

from scripts.check_test_set import near_duplicates
from scripts.evaluate_nlu import HeldOutResult, danger_verdict

TRAINING = ["what is clares law", "how do i report online", "i'm a man", "he is outside my house"]


def test_identical_and_near_identical_test_messages_are_found():
    found = near_duplicates(["What is Clare's law?", "I'M A MAN", "how do i report onlinee"], TRAINING)
    assert [test for test, _, _ in found] == ["What is Clare's law?", "I'M A MAN", "how do i report onlinee"]
    assert found[0][1] == "what is clares law" and found[0][2] == 1.0
    assert 0.9 <= found[2][2] < 1.0


def test_different_messages_are_not():
    assert near_duplicates(["my ex keeps turning up at my work", "what is sarahs law", "😢"], TRAINING) == []


def test_danger_misses_fail_unless_known_and_the_known_list_only_shrinks():
    assert danger_verdict([], []) == 0
    assert danger_verdict(["hes back"], []) == 1
    assert danger_verdict(["hes back"], ["hes back"]) == 0
    assert danger_verdict([], ["hes back"]) == 1, "a known miss that is now caught must come off the list"
    assert danger_verdict(["hes back", "help"], ["hes back"]) == 1


def test_each_message_is_counted_by_how_it_would_be_answered():
    result = HeldOutResult(
        holdout=[("sarahs_law", "a"), ("sarahs_law", "b"), ("clares_law", "c"), ("fgm", "d")],
        holdout_predictions=["sarahs_law", "nlu_fallback", "nlu_fallback", "sarahs_law"],
        not_danger=[], not_danger_predictions=[],
        offered=[[], ["sarahs_law", "clares_law"], ["sarahs_law"], []],
    )
    assert result.outcomes == {"right": 1, "did you mean, right topic offered": 1,
                               "did you mean, right topic not offered": 1, "confidently wrong": 1}
