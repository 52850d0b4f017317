#!/usr/bin/env bash
# Proposal detail: bench/detail.sh DATABASE_URL [ADDR]
# Starts `eline serve` (SEARCH_DIR reused if given), logs in as bench-staff, and runs wrk against
# GET /api/v1/proposals/{id} and the HTML page /proposals/{id} with ids spread over the whole
# table (bench/detail.lua; MAX_ID defaults to the largest proposal id).
set -euo pipefail
cd "$(dirname "$0")/.."
url="${1:?usage: bench/detail.sh DATABASE_URL [ADDR]}"
addr="${2:-127.0.0.1:18351}"
duration="${DURATION:-20s}"
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/eline"
[ -x "$bin" ] || bin="$target/debug/eline"
[ -x "$bin" ] || { echo "build eline first: cargo build --release" >&2; exit 1; }
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
data_dir=$(mktemp -d)
jar="$data_dir/cookies"
search_dir="${SEARCH_DIR:-$data_dir/search}"
ELINE_LOG=error "$bin" serve --addr "$addr" --database-url "$url" --data-dir "$data_dir" --search-dir "$search_dir" 2>"$data_dir/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 100); do curl -fs "http://$addr/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
token=$(curl -fs -X POST "http://$addr/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"bench-staff","password":"bench-pass-1"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "login as bench-staff failed" >&2; exit 1; }
max_id="${MAX_ID:-$(curl -fs -H "Authorization: Bearer $token" "http://$addr/api/v1/proposals?limit=1" | sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p')}"
[ -n "$max_id" ] || { echo "cannot read the largest proposal id" >&2; exit 1; }
csrf=$(curl -fs -c "$jar" -b "$jar" "http://$addr/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -fs -o /dev/null -c "$jar" -b "$jar" -H "Origin: http://$addr" -X POST "http://$addr/login" \
    --data-urlencode "_csrf=$csrf" --data-urlencode username=bench-staff --data-urlencode password=bench-pass-1
cookie=$(awk '!/^#/ && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar"; grep '^#HttpOnly_' "$jar" | awk '{printf "; %s=%s", $6, $7}')
cookie="${cookie#; }"
echo "ids 1..$max_id"
run() {
    local name="$1" prefix="$2"; shift 2
    echo "== $name"
    MAX_ID="$max_id" PATH_PREFIX="$prefix" wrk -t2 -c32 -d"$duration" --latency -s bench/detail.lua "$@" "http://$addr" \
        | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors'
}
run "API GET /api/v1/proposals/{id}" "/api/v1/proposals/" -H "Authorization: Bearer $token"
run "HTML GET /proposals/{id}" "/proposals/" -H "Cookie: $cookie"
echo "server RSS after load: $(ps -o rss= -p "$server" | awk '{printf "%.0f MB", $1/1024}')"
