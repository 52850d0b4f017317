#!/usr/bin/env bash
# 社情民意 report list and detail: bench/opinions.sh DATABASE_URL [ADDR]
# Starts `eline serve` on a database made by bench/gen.sh (N proposals + N/2 reports;
# READ_CACHE_MS=0 turns the list cache off) and runs wrk as bench-staff against
# GET /api/v1/opinions?limit=50 (the same first page, then varied filters and pages with
# bench/opinions.lua), as bench-member (their own), the HTML list /opinions, then
# GET /api/v1/opinions/{id} and the page /opinions/{id} with ids over the whole table, and the
# statistics of the newest year (/api/v1/opinions/stats, one request at a time).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 127.0.0.1:18353 20s "$@"
start_server --read-cache-ms "${READ_CACHE_MS:-1000}"
token=$(api_token bench-staff)
member_token=$(api_token bench-member)
cookie=$(browser_cookie bench-staff)
max_id="${MAX_ID:-$(first_id "$token" /api/v1/opinions)}"
[ -n "$max_id" ] || { echo "cannot read the largest report id (no reports? run bench/gen.sh)" >&2; exit 1; }
echo "report ids 1..$max_id"

run() {
    local name="$1"; shift
    echo "== $name"
    wrk -t2 -c32 -d"$duration" --latency "$@" | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors'
}
run "API GET /api/v1/opinions?limit=50 (staff, first page)" -H "Authorization: Bearer $token" "http://$addr/api/v1/opinions?limit=50"
MODE=list MAX_ID="$max_id" run "API mixed filters and pages (staff, bench/opinions.lua)" -s bench/opinions.lua -H "Authorization: Bearer $token" "http://$addr"
run "API GET /api/v1/opinions?limit=50 (member: own)" -H "Authorization: Bearer $member_token" "http://$addr/api/v1/opinions?limit=50"
run "HTML GET /opinions (staff)" -H "Cookie: $cookie" "http://$addr/opinions"
MODE=detail MAX_ID="$max_id" PATH_PREFIX=/api/v1/opinions/ run "API GET /api/v1/opinions/{id}" -s bench/opinions.lua -H "Authorization: Bearer $token" "http://$addr"
MODE=detail MAX_ID="$max_id" PATH_PREFIX=/opinions/ run "HTML GET /opinions/{id}" -s bench/opinions.lua -H "Cookie: $cookie" "http://$addr"
echo "== statistics, newest year (3 requests alone)"
for _ in 1 2 3; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}s\n' -H "Authorization: Bearer $token" "http://$addr/api/v1/opinions/stats"
done
echo "server RSS after load: $(rss_split)"
