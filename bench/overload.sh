#!/usr/bin/env bash
# Memory under overload: bench/overload.sh DATABASE_URL [ADDR]
# Starts `eline serve` (SEARCH_DIR reused if given), then drives the API list with far more
# connections than the server admits (CONNECTIONS, default 512; --max-in-flight 256) for
# DURATION (default 60s), printing the server's RSS every 5 s and the share of 503 answers.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 127.0.0.1:18350 60s "$@"
conns="${CONNECTIONS:-512}"
ulimit -n 65536 2>/dev/null || true
start_server --max-in-flight 256
token=$(api_token bench-staff)
echo "RSS before: $(rss_mb) MB"
( while kill -0 "$server" 2>/dev/null; do sleep 5; echo "  RSS $(rss_mb) MB"; done ) &
sampler=$!
wrk -t2 -c"$conns" -d"$duration" --latency -H "Authorization: Bearer $token" "http://$addr/api/v1/proposals?limit=50" \
    | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors|requests in'
kill "$sampler" 2>/dev/null || true
echo "RSS after: $(rss_mb) MB"
