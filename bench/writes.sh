#!/usr/bin/env bash
# Submission writes/s: bench/writes.sh DATABASE_URL [ADDR]
# As bench-member, each wrk connection creates a draft and submits it, over and over
# (bench/writes.lua: every request is a committed write transaction with its audit entry,
# timeline event and outbox row). Adds proposals to the database: run it on a bench copy.
set -euo pipefail
cd "$(dirname "$0")/.."
url="${1:?usage: bench/writes.sh DATABASE_URL [ADDR]}"
addr="${2:-127.0.0.1:18353}"
duration="${DURATION:-20s}"
source bench/lib.sh
need_wrk
start_server
token=$(api_token bench-member)
before=$(curl -fs -H "Authorization: Bearer $token" "http://$addr/api/v1/proposals?limit=1" | sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p')
for conns in 1 8; do
    echo "== create + submit, $conns connection(s)"
    wrk -t1 -c"$conns" -d"$duration" --latency -s bench/writes.lua -H "Authorization: Bearer $token" "http://$addr" \
        | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors'
done
after=$(curl -fs -H "Authorization: Bearer $token" "http://$addr/api/v1/proposals?limit=1" | sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p')
echo "proposals created: $(( after - before )) (ids $before → $after)"
echo "server RSS after load: $(rss_split)"
