#!/usr/bin/env bash
# Proposal detail: bench/detail.sh DATABASE_URL [ADDR]
# Starts `eline serve` (SEARCH_DIR reused if given), logs in as bench-staff, and runs wrk against
# GET /api/v1/proposals/{id} and the HTML page /proposals/{id} with ids spread over the whole
# table (bench/detail.lua; MAX_ID defaults to the largest proposal id).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 127.0.0.1:18351 20s "$@"
start_server
token=$(api_token bench-staff)
cookie=$(browser_cookie bench-staff)
max_id="${MAX_ID:-$(first_id "$token" /api/v1/proposals)}"
[ -n "$max_id" ] || { echo "cannot read the largest proposal id" >&2; exit 1; }
echo "ids 1..$max_id"
run() {
    local name="$1" prefix="$2"; shift 2
    echo "== $name"
    MAX_ID="$max_id" PATH_PREFIX="$prefix" wrk -t2 -c32 -d"$duration" --latency -s bench/detail.lua "$@" "http://$addr" \
        | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors'
}
run "API GET /api/v1/proposals/{id}" "/api/v1/proposals/" -H "Authorization: Bearer $token"
run "HTML GET /proposals/{id}" "/proposals/" -H "Cookie: $cookie"
echo "server RSS after load: $(rss_split)"
