#!/usr/bin/env bash
# Activities (issue 15): bench/activities.sh DATABASE_URL [ADDR]
# On a database made by bench/gen.sh (N/50 activities with about 110 places each; bench-member is
# on about 220 of them at 1,000,000):
#   1. a member's activity list as bench-member: the page GET /activities (browser session) and
#      GET /api/v1/activities?mine=true (token), wrk with 1 and 32 connections, p50/p99;
#   2. the check-in burst (bench/checkin-burst.py): one plenary with BURST_MEMBERS (default 300)
#      member accounts invited, check-in open, each member checking in once within SPREAD seconds
#      (default 60) with the current rotating code — p50/p99/max and errors;
#   3. the activity statistics of the newest year with closed activities (three requests alone).
# Step 2 adds an activity and its check-ins: run it on a copy of the bench database.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 127.0.0.1:18371 20s "$@"
start_server
token=$(api_token bench-member)
cookie=$(browser_cookie bench-member)

echo "== 1. bench-member's activities"
for conns in 1 32; do
    echo "-- GET /api/v1/activities?mine=true, $conns connection(s)"
    wrk -t1 -c"$conns" -d"$duration" --latency -H "Authorization: Bearer $token" "http://$addr/api/v1/activities?mine=true" \
        | grep -E 'Requests/sec|  50%|  99%|Non-2xx|Socket errors'
    echo "-- GET /activities (page), $conns connection(s)"
    wrk -t1 -c"$conns" -d"$duration" --latency -H "Cookie: $cookie" "http://$addr/activities" \
        | grep -E 'Requests/sec|  50%|  99%|Non-2xx|Socket errors'
done

echo "== 2. check-in burst"
python3 bench/checkin-burst.py "$addr" "${BURST_MEMBERS:-300}" "${SPREAD:-60}" || echo "the burst had errors (above)"

echo "== 3. statistics"
staff=$(api_token bench-staff)
year=$(TZ=Asia/Shanghai date +%Y)
for _ in 1 2 3; do
    curl -fs -o /dev/null -w "GET /api/v1/activities/stats?year=$year: %{time_total} s\n" -H "Authorization: Bearer $staff" \
        "http://$addr/api/v1/activities/stats?year=$year"
done
echo "server RSS after load: $(rss_split)"
