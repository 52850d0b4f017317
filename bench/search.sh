#!/usr/bin/env bash
# Full-text search: bench/search.sh DATABASE_URL [ADDR]
# Builds the index with `eline reindex` (time and size printed), starts `eline serve` on it,
# logs in as bench-staff and bench-member, and runs wrk against GET /api/v1/search with queries
# rotating through bench/search-queries.txt (terms, phrases, traditional characters).
set -euo pipefail
cd "$(dirname "$0")/.."
url="${1:?usage: bench/search.sh DATABASE_URL [ADDR]}"
addr="${2:-127.0.0.1:18348}"
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
# SEARCH_DIR=DIR keeps the index (and reuses it when it is there already: no reindex).
search_dir="${SEARCH_DIR:-$data_dir/search}"
if [ -f "$search_dir/CURRENT" ]; then
    echo "== reusing the index in $search_dir"
else
    echo "== eline reindex"
    /usr/bin/time -f "reindex: %e s wall, max RSS %M KB" "$bin" reindex --database-url "$url" --data-dir "$data_dir" --search-dir "$search_dir"
fi
ELINE_LOG=error "$bin" serve --addr "$addr" --database-url "$url" --data-dir "$data_dir" --search-dir "$search_dir" 2>"$data_dir/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 100); do
    kill -0 "$server" 2>/dev/null || { echo "eline serve exited" >&2; cat "$data_dir/server.log" >&2; exit 1; }
    curl -fs "http://$addr/login" >/dev/null 2>&1 && break
    sleep 0.2
done
login() {
    curl -fs -X POST "http://$addr/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"bench-pass-1\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
staff=$(login bench-staff)
member=$(login bench-member)
[ -n "$staff" ] && [ -n "$member" ] || { echo "login failed (was bench/gen.sh run on this database?)" >&2; exit 1; }
echo "sample: $(curl -fs -H "Authorization: Bearer $staff" "http://$addr/api/v1/search?q=%E5%85%BB%E8%80%81&limit=1" | head -c 300)…"
run() {
    local name="$1" token="$2" conns="$3"
    echo "== $name, $conns connection(s)"
    wrk -t"$(( conns < 2 ? 1 : 2 ))" -c"$conns" -d"$duration" --latency -s bench/search.lua -H "Authorization: Bearer $token" "http://$addr" \
        | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors'
}
# One user searching at a time (the latency a user sees), then 16 at once (throughput).
run "GET /api/v1/search as bench-staff (whole committee)" "$staff" 1
run "GET /api/v1/search as bench-member (own + public)" "$member" 1
run "GET /api/v1/search as bench-staff (whole committee)" "$staff" 16
run "GET /api/v1/search as bench-member (own + public)" "$member" 16
echo "server RSS after load: $(ps -o rss= -p "$server" | awk '{printf "%.0f MB", $1/1024}')"
echo "index size: $(du -sh "$search_dir" | cut -f1)"
