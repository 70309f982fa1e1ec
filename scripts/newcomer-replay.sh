#!/usr/bin/env bash
# The newcomer's path, replayed literally on a fresh clone and timed: README "Quick start" and
# "Your first API key". Usage: scripts/newcomer-replay.sh [repository] [branch]
# (defaults: this repository and its current branch). Needs git, npm, curl and, for the GraphiQL
# step, Chromium (/usr/bin/chromium or CHROMIUM_PATH). Leaves nothing running; the clone is removed
# unless KEEP=1.
set -euo pipefail

repo="${1:-$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)}"
branch="${2:-$(git -C "$repo" rev-parse --abbrev-ref HEAD)}"
port="${PORT:-4400}"
work="$(mktemp -d /tmp/helpdesk-newcomer-XXXXXX)"
server_pid=""
t0=$(date +%s.%N)

since() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%6.1f s", b - a }'; }
step() { echo "[$(since)] $*"; }
cleanup() {
  if [ -n "$server_pid" ]; then stop_server; fi
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"; else echo "clone kept in $work"; fi
}
trap cleanup EXIT

# Starts `npm start` in the clone, logging to $1, and waits (at most 120 s) for it to listen.
start_server() {
  : >"$1"
  # In a session of its own, so that stopping it reaches npm and node alike, as Ctrl-C does.
  (cd "$work/helpdesk" && exec setsid env PORT="$port" HOST=127.0.0.1 npm start) >"$1" 2>&1 &
  server_pid=$!
  for _ in $(seq 1200); do
    grep -q 'helpdesk API listening' "$1" && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$1"; echo "server exited"; exit 1; }
    sleep 0.1
  done
  cat "$1"; echo "server not listening after 120 s"; exit 1
}
stop_server() { # SIGTERM to npm and node, then wait for node to release the database
  kill -TERM -- "-$server_pid" 2>/dev/null || kill "$server_pid"
  wait "$server_pid" || true
  for _ in $(seq 150); do [ -e "$work/helpdesk/data/pglite.lock" ] || break; sleep 0.1; done
  server_pid=""
}

query() { # key, GraphQL query: prints the response body
  curl -sS -H "Authorization: Bearer $1" -H 'content-type: application/json' \
    -d "{\"query\":\"$2\"}" "http://127.0.0.1:$port/graphql"
}

step "git clone $repo ($branch)"
git clone -q --branch "$branch" "$repo" "$work/helpdesk"
cd "$work/helpdesk"

step "npm install"
npm install --no-audit --no-fund >"$work/install.log" 2>&1 || { tail -30 "$work/install.log"; exit 1; }

step "npm start (first start, empty ./data)"
start_server "$work/first.log"
step "listening"
key=$(grep -o 'FIRST START: created admin [^ ]* with API key [0-9a-f]\{40\}' "$work/first.log" | grep -o '[0-9a-f]\{40\}$')
step "first-start key from the log: ${key:0:8}…"
answer=$(query "$key" '{ viewer { ... on Agent { email role } } }')
echo "$answer" | grep -q '"role":"ADMIN"' || { echo "unexpected answer: $answer"; exit 1; }
step "authenticated query answered: $answer"

if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  node_modules/.bin/node scripts/graphiql-check.mjs "http://127.0.0.1:$port/graphql" "$key"
  step "GraphiQL in Chromium: query run with the key in the Headers tab, no request outside the server"
else
  step "Chromium not installed: GraphiQL step skipped"
fi

stop_server
step "stopped; npm run create-admin -- --email you@example.com"
key2=$(npm run -s create-admin -- --email you@example.com --name 'You Newcomer' | tail -1)
step "create-admin printed ${key2:0:8}…"
start_server "$work/restart.log"
step "restarted (existing ./data)"
answer=$(query "$key2" '{ viewer { ... on Agent { email role } } }')
echo "$answer" | grep -q '"email":"you@example.com"' || { echo "unexpected answer: $answer"; exit 1; }
grep -q 'FIRST START' "$work/restart.log" && { echo "the first-start key was logged again"; exit 1; }
step "create-admin key answered: $answer"
stop_server
step "done"
