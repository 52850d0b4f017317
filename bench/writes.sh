#!/usr/bin/env bash
# Submission writes/s: bench/writes.sh DATABASE_URL [ADDR]
# As bench-member, each wrk connection creates a draft and submits it, over and over
# (bench/writes.lua: every request is a committed write transaction with its audit entry,
# timeline event and outbox row). Adds proposals to the database: run it on a bench copy.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 127.0.0.1:18353 20s "$@"
start_server
token=$(api_token bench-member)
before=$(first_id "$token" /api/v1/proposals)
for conns in 1 8; do
    echo "== create + submit, $conns connection(s)"
    wrk -t1 -c"$conns" -d"$duration" --latency -s bench/writes.lua -H "Authorization: Bearer $token" "http://$addr" \
        | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors'
done
after=$(first_id "$token" /api/v1/proposals)
echo "proposals created: $(( after - before )) (ids $before → $after)"
echo "server RSS after load: $(rss_split)"
