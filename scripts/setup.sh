#!/usr/bin/env bash
# Sets up everything the assistant needs, doing only what changed since last time:
#   1. a virtual environment on Python 3.10 with the pinned dependencies
#   2. the project's own spaCy pipeline (built here: nothing is downloaded)
#   3. a trained model, when the training data, domain or config changed
# Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python310() {
  for candidate in /root/.pyenv/versions/3.10.13/bin/python "$(command -v python3.10 || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  if ! PYTHON310=$(find_python310); then
    echo "Setup needs Python 3.10 (Rasa 3.6 does not install on newer versions)." >&2
    echo "Looked for /root/.pyenv/versions/3.10.13/bin/python and python3.10 on PATH, and found neither." >&2
    echo "Install Python 3.10 (for example with pyenv) and run this again." >&2
    exit 1
  fi
  echo "==> Creating .venv with $PYTHON310"
  rm -rf .venv
  "$PYTHON310" -m venv .venv
fi

# Reinstall only when the pins change.
deps_stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$deps_stamp" ]; then
  echo "==> Installing pinned dependencies (a few minutes the first time)"
  .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[test]"
  rm -f .venv/.installed-*
  touch "$deps_stamp"
fi

echo "==> Building the spaCy pipeline"
.venv/bin/python scripts/build_spacy_pipeline.py

echo "==> Checking content"
.venv/bin/python -m bot.content_tools check --quiet

echo "==> Training the model if anything changed"
.venv/bin/python scripts/train.py
