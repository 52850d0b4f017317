#!/usr/bin/env bash
# Memory under overload: bench/overload.sh DATABASE_URL [ADDR]
# Starts `eline serve` (SEARCH_DIR reused if given), then drives the API list with far more
# connections than the server admits (CONNECTIONS, default 512; --max-in-flight 256) for
# DURATION (default 60s), printing the server's RSS every 5 s and the share of 503 answers.
set -euo pipefail
cd "$(dirname "$0")/.."
url="${1:?usage: bench/overload.sh DATABASE_URL [ADDR]}"
addr="${2:-127.0.0.1:18350}"
duration="${DURATION:-60s}"
conns="${CONNECTIONS:-512}"
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/eline"
[ -x "$bin" ] || bin="$target/debug/eline"
[ -x "$bin" ] || { echo "build eline first: cargo build --release" >&2; exit 1; }
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
data_dir=$(mktemp -d)
search_dir="${SEARCH_DIR:-$data_dir/search}"
ulimit -n 65536 2>/dev/null || true
ELINE_LOG=error "$bin" serve --addr "$addr" --database-url "$url" --data-dir "$data_dir" --search-dir "$search_dir" --max-in-flight 256 2>"$data_dir/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 100); do curl -fs "http://$addr/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
token=$(curl -fs -X POST "http://$addr/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"bench-staff","password":"bench-pass-1"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "login as bench-staff failed" >&2; exit 1; }
rss() { ps -o rss= -p "$server" | awk '{printf "%.0f", $1/1024}'; }
echo "RSS before: $(rss) MB"
( while kill -0 "$server" 2>/dev/null; do sleep 5; echo "  RSS $(rss) MB"; done ) &
sampler=$!
wrk -t2 -c"$conns" -d"$duration" --latency -H "Authorization: Bearer $token" "http://$addr/api/v1/proposals?limit=50" \
    | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors|requests in'
kill "$sampler" 2>/dev/null || true
echo "RSS after: $(rss) MB"
