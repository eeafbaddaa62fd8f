#!/usr/bin/env bash
# Sets up (only what changed) and runs every test:
#   0. ruff (errors and likely bugs) and mypy on bot/, connectors/ and force_inbox/
#   1. rasa data validate, with no warnings allowed
#   2. the independent NLU test set (tests/nlu/independent/): fails if any of its messages is
#      (nearly) a training example, or if any danger-now message is missed; prints the rest
#   3. conversation tests (tests/test_*.yml), end to end: NLU and dialogue
#   4. pytest: actions, content checks, the danger-now component, the tracker store, the
#      running stack over HTTP, and the widget in Chromium (tests/browser/, Playwright and axe-core);
#      tiers for a faster loop while working are in tests/conftest.py (pytest -m unit ...)
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for-tests || { echo "Setup failed: see the messages above."; exit 1; }
source scripts/env.sh
MODEL=$(.venv/bin/python scripts/train.py --print-path)
failed=()

validate_data() {
  local output
  output=$(.venv/bin/rasa data validate --config bot/config.yml --domain bot/domain --data bot/data --fail-on-warnings 2>&1)
  local status=$?
  local warnings
  warnings=$(echo "$output" | grep -E "UserWarning|WARNING|ERROR" | grep -v "urllib3\|sentry")
  if [ $status -ne 0 ] || [ -n "$warnings" ]; then
    echo "$output" | tail -30
    return 1
  fi
  echo "Training data and domain are valid, with no warnings."
}

conversation_tests() {
  rm -rf results/conversations
  .venv/bin/rasa test core --e2e --model "$MODEL" --stories tests/ --out results/conversations > results-conversations.log 2>&1 || { tail -30 results-conversations.log; return 1; }
  if ! grep -q "None of the test stories failed" results/conversations/failed_test_stories.yml; then
    cat results/conversations/failed_test_stories.yml
    return 1
  fi
  grep -o "Correct: .*" results-conversations.log | head -1
  echo "Every conversation test passed."
}

run_step() {
  local name=$1; shift
  echo; echo "==> $name"
  "$@" || failed+=("$name")
}

run_step "Lint and types (ruff, mypy)" bash -c ".venv/bin/ruff check . && .venv/bin/mypy"
run_step "Rasa data validation" validate_data
run_step "Test set kept apart from training data" .venv/bin/python scripts/check_test_set.py
run_step "Independent NLU test set" .venv/bin/python scripts/evaluate_nlu.py --model "$MODEL"
run_step "Conversation tests" conversation_tests
run_step "Unit and integration tests (pytest)" .venv/bin/python -m pytest -q -p no:cacheprovider

if [ ${#failed[@]} -gt 0 ]; then
  printf '\nFAILED: %s\n' "${failed[@]}"
  exit 1
fi
