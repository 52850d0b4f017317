#!/usr/bin/env bash
# The home pages and the committee's proposal statistics: bench/pages.sh DATABASE_URL [ADDR]
# GET / as bench-member (browser session: the home page with their to-do figures and lists), as
# bench-staff (the office's queues of every module) and as bench-unit (the unit's assignments):
# three requests alone, then 32 connections; and
# GET /api/v1/proposals/stats (the work report's proposal figures: all sessions, then the newest
# session) as bench-staff: one request alone (the time one person waits), then 4 connections.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 127.0.0.1:18354 20s "$@"
start_server
token=$(api_token bench-staff)
for who in member staff unit; do
    cookie=$(browser_cookie "bench-$who")
    echo "== HTML GET / ($who home)"
    for _ in 1 2 3; do curl -s -o /dev/null -w "  alone: %{http_code} %{time_total} s\n" -H "Cookie: $cookie" "http://$addr/"; done
    wrk -t2 -c32 -d"$duration" --latency -H "Cookie: $cookie" "http://$addr/" | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors'
done
session=$(first_id "$token" /api/v1/sessions)
for path in "/api/v1/proposals/stats" "/api/v1/proposals/stats?session_id=$session"; do
    echo "== GET $path (staff)"
    for i in 1 2 3; do curl -fs -o /dev/null -w "  alone: %{time_total} s\n" -H "Authorization: Bearer $token" "http://$addr$path"; done
    wrk -t2 -c4 -d"$duration" --latency --timeout 30s -H "Authorization: Bearer $token" "http://$addr$path" | grep -E 'Requests/sec|  50%|  99%|Non-2xx|Socket errors'
done
echo "server RSS after load: $(rss_split)"
