#!/usr/bin/env bash
# Proposal list throughput: bench/list.sh DATABASE_URL [ADDR]
# Starts `eline serve` on the generated database, logs in as bench-staff (API token and browser
# session), and runs wrk against GET /api/v1/proposals?limit=50 and the HTML list page /proposals.
set -euo pipefail
cd "$(dirname "$0")/.."
url="${1:?usage: bench/list.sh DATABASE_URL [ADDR]}"
addr="${2:-127.0.0.1:18347}"
duration="${DURATION:-20s}"
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/eline"
[ -x "$bin" ] || bin="$target/debug/eline"
[ -x "$bin" ] || { echo "build eline first: cargo build --release" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
    echo "installing wrk…"
    (apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; })
fi
if curl -s -o /dev/null "http://$addr/"; then echo "something already listens on $addr: pass another ADDR" >&2; exit 1; fi
data_dir=$(mktemp -d)
jar="$data_dir/cookies"
# The server builds its search index at start when it has none, which would compete with the
# measurement: pass SEARCH_DIR=DIR of an index built by bench/search.sh (or `eline reindex`).
search_dir="${SEARCH_DIR:-$data_dir/search}"
[ -f "$search_dir/CURRENT" ] || echo "note: no search index in $search_dir; the server builds one in the background during this run" >&2
ELINE_LOG=error "$bin" serve --addr "$addr" --database-url "$url" --data-dir "$data_dir" --search-dir "$search_dir" 2>"$data_dir/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 100); do
    kill -0 "$server" 2>/dev/null || { echo "eline serve exited" >&2; exit 1; }
    curl -fs "http://$addr/login" >/dev/null 2>&1 && break
    sleep 0.2
done

token=$(curl -fs -X POST "http://$addr/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"bench-staff","password":"bench-pass-1"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "API login as bench-staff failed (was bench/gen.sh run on this database?)" >&2; exit 1; }
csrf=$(curl -fs -c "$jar" -b "$jar" "http://$addr/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -fs -o /dev/null -c "$jar" -b "$jar" -H "Origin: http://$addr" -X POST "http://$addr/login" \
    --data-urlencode "_csrf=$csrf" --data-urlencode username=bench-staff --data-urlencode password=bench-pass-1
cookie=$(awk '!/^#/ && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar"; grep '^#HttpOnly_' "$jar" | awk '{printf "; %s=%s", $6, $7}')
cookie="${cookie#; }"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://$addr/proposals")
[ "$status" = 200 ] || { echo "HTML login failed (GET /proposals → $status)" >&2; exit 1; }

run() {
    local name="$1"; shift
    echo "== $name"
    wrk -t2 -c32 -d"$duration" --latency "$@" | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors'
}
run "API GET /api/v1/proposals?limit=50" -H "Authorization: Bearer $token" "http://$addr/api/v1/proposals?limit=50"
run "HTML GET /proposals" -H "Cookie: $cookie" "http://$addr/proposals"
echo "server RSS after load: $(ps -o rss= -p "$server" | awk '{printf "%.0f MB", $1/1024}')"
