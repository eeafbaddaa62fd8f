#!/usr/bin/env bash
# Chat with the assistant in the terminal (starts the action server alongside).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
MODEL=$(.venv/bin/python scripts/train.py --print-path)
.venv/bin/python -m bot.action_server > /dev/null 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true; wait $actions_pid 2>/dev/null || true' INT TERM EXIT
.venv/bin/rasa shell --model "$MODEL" --endpoints bot/endpoints.yml
