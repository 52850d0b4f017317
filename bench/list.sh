#!/usr/bin/env bash
# Proposal list throughput: bench/list.sh DATABASE_URL [ADDR]
# Starts `eline serve` on the generated database (SEARCH_DIR=DIR reuses an index built by
# bench/search.sh; READ_CACHE_MS=0 turns the list cache off), and runs wrk against
# GET /api/v1/proposals?limit=50 as bench-staff (the same first page; then varied filters and
# pages, bench/list-mix.lua), as bench-member (their own) and bench-unit (their assignments), and
# the HTML list page /proposals as bench-staff.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 127.0.0.1:18347 20s "$@"
start_server --read-cache-ms "${READ_CACHE_MS:-1000}"
token=$(api_token bench-staff)
member_token=$(api_token bench-member)
unit_token=$(api_token bench-unit)
cookie=$(browser_cookie bench-staff)
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://$addr/proposals")
[ "$status" = 200 ] || { echo "HTML login failed (GET /proposals → $status)" >&2; exit 1; }

run() {
    local name="$1"; shift
    echo "== $name"
    wrk -t2 -c32 -d"$duration" --latency "$@" | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors'
}
run "API GET /api/v1/proposals?limit=50 (staff, first page)" -H "Authorization: Bearer $token" "http://$addr/api/v1/proposals?limit=50"
max_id=$(first_id "$token" /api/v1/proposals)
MAX_ID="${max_id:-1000000}" run "API mixed filters and pages (staff, bench/list-mix.lua)" -s bench/list-mix.lua -H "Authorization: Bearer $token" "http://$addr"
run "API GET /api/v1/proposals?limit=50 (member: own and co-signed)" -H "Authorization: Bearer $member_token" "http://$addr/api/v1/proposals?limit=50"
run "API GET /api/v1/proposals?limit=50 (unit: assigned to it)" -H "Authorization: Bearer $unit_token" "http://$addr/api/v1/proposals?limit=50"
run "HTML GET /proposals" -H "Cookie: $cookie" "http://$addr/proposals"
echo "server RSS after load: $(rss_split)"
