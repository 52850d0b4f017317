#!/usr/bin/env bash
# Proposal list throughput: bench/list.sh DATABASE_URL [ADDR]
# Starts `eline serve` on the generated database (SEARCH_DIR=DIR reuses an index built by
# bench/search.sh), logs in as bench-staff (API token and browser session), and runs wrk against
# GET /api/v1/proposals?limit=50 and the HTML list page /proposals.
set -euo pipefail
cd "$(dirname "$0")/.."
url="${1:?usage: bench/list.sh DATABASE_URL [ADDR]}"
addr="${2:-127.0.0.1:18347}"
duration="${DURATION:-20s}"
source bench/lib.sh
need_wrk
start_server
token=$(api_token bench-staff)
cookie=$(browser_cookie bench-staff)
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://$addr/proposals")
[ "$status" = 200 ] || { echo "HTML login failed (GET /proposals → $status)" >&2; exit 1; }

run() {
    local name="$1"; shift
    echo "== $name"
    wrk -t2 -c32 -d"$duration" --latency "$@" | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors'
}
run "API GET /api/v1/proposals?limit=50" -H "Authorization: Bearer $token" "http://$addr/api/v1/proposals?limit=50"
run "HTML GET /proposals" -H "Cookie: $cookie" "http://$addr/proposals"
echo "server RSS after load: $(rss_mb) MB"
