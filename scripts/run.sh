#!/usr/bin/env bash
# Sets up (only what changed) and runs the assistant, all on this machine:
#   - the Rasa server on RASA_PORT (REST channel at /webhooks/rest/webhook)
#   - the action server on ACTION_SERVER_PORT
#   - the handoff dispatcher, which delivers consented contact requests
#   - the reference "force inbox" on FORCE_INBOX_PORT, standing in for the force
#   - the widget demo pages: a force site on :8000 and a partner site on :8001
# started together and stopped together: Ctrl-C stops them all.
#
# scripts/run.sh --scaled runs the same on several Rasa replicas and two action servers
# behind nginx, with Redis and PostgreSQL (scripts/scaled.py; --replicas N after it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--scaled" ]; then
  shift
  scripts/setup.sh --scaled
  source scripts/env.sh
  exec .venv/bin/python scripts/scaled.py "$@"
fi
scripts/setup.sh
source scripts/env.sh
MODEL=$(.venv/bin/python scripts/train.py --print-path)

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "Stopping the assistant..."
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop_all INT TERM EXIT

.venv/bin/python -m bot.action_server &
pids+=($!)
.venv/bin/python -m force_inbox &
pids+=($!)
.venv/bin/python demo/serve.py &
pids+=($!)
.venv/bin/python -m connectors.handoff.dispatcher &
pids+=($!)
.venv/bin/python -m bot.server run --model "$MODEL" --endpoints bot/endpoints.yml --credentials bot/credentials.yml \
  --port "$RASA_PORT" &
pids+=($!)

echo "Starting: Rasa server on http://localhost:$RASA_PORT (REST: /webhooks/rest/webhook), actions on port $ACTION_SERVER_PORT,"
echo "the handoff dispatcher, and the force inbox (its address and token are printed above)."
echo "Widget demo: http://localhost:8000/ (force site) and http://localhost:8001/ (partner site)."
echo "Try: curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{\"sender\":\"demo\",\"message\":\"hello\"}'"
# If either server stops, stop the other too.
wait -n "${pids[@]}"
