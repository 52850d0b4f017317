#!/usr/bin/env bash
# Full-text search: bench/search.sh DATABASE_URL [ADDR]
# Builds the index with `eline reindex` (time and size printed), starts `eline serve` on it,
# logs in as bench-staff and bench-member, and runs wrk against GET /api/v1/search with queries
# rotating through bench/search-queries.txt (terms, phrases, traditional characters).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 127.0.0.1:18348 20s "$@"
# SEARCH_DIR=DIR keeps the index (and reuses it when it is there already: no reindex).
own_index=""
[ -n "${SEARCH_DIR:-}" ] || { own_index=$(mktemp -d); SEARCH_DIR="$own_index/search"; }
search_dir="$SEARCH_DIR"
if [ -f "$search_dir/CURRENT" ]; then
    echo "== reusing the index in $search_dir"
else
    echo "== eline reindex"
    /usr/bin/time -f "reindex: %e s wall, max RSS %M KB" "$bin" reindex --database-url "$url" --data-dir "$(mktemp -d)" --search-dir "$search_dir"
fi
start_server
staff=$(api_token bench-staff)
member=$(api_token bench-member)
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
echo "server RSS after load: $(rss_split)"
echo "index size: $(du -sh "$search_dir" | cut -f1)"
[ -z "$own_index" ] || rm -rf "$own_index"
