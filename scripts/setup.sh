#!/usr/bin/env bash
# Sets up everything the assistant needs, doing only what changed since last time:
#   1. a virtual environment on Python 3.10 with the pinned dependencies
#   2. the project's own spaCy pipeline (built here: nothing is downloaded)
#   3. a trained model, when the training data, domain or config changed
#   4. the content studio's stylesheet, from GOV.UK Frontend (npm, pinned in package-lock.json)
#   5. with --for-tests (scripts/test.sh): Debian's Chromium, PostgreSQL, Redis and nginx
#      and Noto fonts (apt), when missing; with --scaled (scripts/run.sh --scaled): PostgreSQL, Redis and
#      nginx. The default mode needs none of them.
# Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."
# Quiet TensorFlow's start-up notes, and never send Rasa telemetry.
export TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false

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

# Installs a Debian package unless `check` (a command) already succeeds.
apt_install() {
  local package=$1 check=$2 why=$3
  if eval "$check" >/dev/null 2>&1; then return 0; fi
  echo "==> Installing $package ($why)"
  local apt_log
  apt_log=$(mktemp)
  local as_root=()
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then as_root=(sudo -n); fi
  if ! { command -v apt-get >/dev/null \
         && ${as_root[@]+"${as_root[@]}"} apt-get update -qq >"$apt_log" 2>&1 \
         && ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive \
              apt-get install -y -qq "$package" >>"$apt_log" 2>&1; } \
     || ! eval "$check" >/dev/null 2>&1; then
    tail -20 "$apt_log" >&2
    rm -f "$apt_log"
    echo "Setup could not install $package, which $why needs." >&2
    echo "Install it as root (apt-get update && apt-get install -y $package) and run this again." >&2
    exit 1
  fi
  rm -f "$apt_log"
}

# The scaled mode's servers (scripts/scaled.py). scripts/local_servers.py starts each
# from a throwaway folder; nothing is configured or started system-wide.
install_scaled_servers() {
  apt_install postgresql "ls /usr/lib/postgresql/*/bin/initdb" "the scaled mode and its tests (the outbox)"
  apt_install redis-server "command -v redis-server" "the scaled mode and its tests (conversations)"
  apt_install nginx "test -x /usr/sbin/nginx" "the scaled mode and its tests (the load balancer)"
}

install_test_tools() {
  # The browser tests (tests/browser/) drive the system's Chromium with Playwright (pip,
  # above); Playwright's own browser downloads are never used.
  apt_install chromium "test -x /usr/bin/chromium" "the browser tests"
  # Letters for the widget in Panjabi, Gujarati and Urdu (tests/browser/test_languages.py).
  apt_install fonts-noto-core "fc-list :lang=pa | grep -q . && fc-list :lang=gu | grep -q ." "the browser tests in other scripts"
  install_scaled_servers

}

case "${1:-}" in
  --for-tests) install_test_tools ;;
  --scaled) install_scaled_servers ;;
esac

# GOV.UK Frontend and Sass for the studio's styles, axe-core for the accessibility tests:
# all pinned in package.json and package-lock.json, installed when the pins change.
npm_stamp=node_modules/.installed-$(cat package.json package-lock.json | sha256sum | cut -c1-16)
if [ ! -f "$npm_stamp" ]; then
  if ! command -v npm >/dev/null; then
    echo "Setup needs npm (Node.js 20 or later) for the content studio's styles and the accessibility tests." >&2
    echo "Install Node.js and run this again." >&2
    exit 1
  fi
  echo "==> Installing the pinned npm packages"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  touch "$npm_stamp"
fi
if [ ! -f studio/static/build/studio.css ] || [ studio/static/studio.scss -nt studio/static/build/studio.css ] \
   || [ "$npm_stamp" -nt studio/static/build/studio.css ]; then
  echo "==> Building the content studio's stylesheet"
  mkdir -p studio/static/build
  node_modules/.bin/sass --load-path=node_modules --no-source-map --style=compressed --quiet-deps \
    studio/static/studio.scss studio/static/build/studio.css
fi

echo "==> Building the spaCy pipeline"
.venv/bin/python scripts/build_spacy_pipeline.py

echo "==> Building the language detector's English word list"
.venv/bin/python scripts/build_language_data.py

echo "==> Checking content"
.venv/bin/python -m bot.content_tools check --quiet

echo "==> Training the model if anything changed"
.venv/bin/python scripts/train.py
