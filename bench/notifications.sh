#!/usr/bin/env bash
# Notifications at scale (issue 14): bench/notifications.sh DATABASE_URL [ADDR]
# On a database made by bench/gen.sh (N/100 member accounts with 20 notifications each, the
# unread ones waiting for today's daily digest), in this order:
#   1. `eline notify digest --mode daily` for every member (time, messages, notifications, and
#      the command's peak RSS from /usr/bin/time -v);
#   2. `eline notify dispatch` into a local SMTP sink (bench/smtp-sink.py): messages and
#      notifications sent per second, and what the sink received;
#   3. `eline notify remind` for today (time; it also claims the day, so the server started next
#      does not run the reminders in the middle of the measurement);
#   4. `eline serve`, and wrk on the inbox as bench-member (20 notifications): the page
#      /notifications (its first WARMUP seconds, default 3s, printed apart as "cold"), else the
#      API /api/v1/notifications, whichever this build has.
# Steps 1–3 change the database (the waiting deliveries become sent messages): run it on a fresh
# bench database or a copy (SQLite: COPY=1 copies the file to a temporary one first).
# PERIOD=YYYY-MM-DD sets the digest's period (default: today in Beijing; a period is made once).
# SMTP_PORT (default 2525), DURATION (default 20s), SKIP_REMIND=1 leaves step 3 out.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_args 127.0.0.1:18361 20s "$@"
work=$(mktemp -d)
cleanup() {
    [ -n "${sink:-}" ] && kill "$sink" 2>/dev/null && wait "$sink" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

if [ "${COPY:-}" = 1 ]; then
    case "$url" in
        sqlite://*) path="${url#sqlite://}"; path="${path%%\?*}"
            echo "== copying $path"
            sqlite3 "$path" "VACUUM INTO '$work/copy.db'"
            url="sqlite://$work/copy.db" ;;
        *) echo "COPY=1 copies SQLite files only" >&2; exit 2 ;;
    esac
fi
period="${PERIOD:-$(TZ=Asia/Shanghai date +%Y-%m-%d)}"
export ELINE_LOG="${ELINE_LOG:-warn}"

echo "== 1. daily digest, period $period"
/usr/bin/time -v "$bin" notify digest --mode daily --period "$period" --database-url "$url" --data-dir "$work" 2>"$work/digest.time" \
    || { cat "$work/digest.time" >&2; exit 1; }
awk -F': ' '/Maximum resident set size/ {printf "digest: max RSS %.0f MB\n", $2/1024} /Elapsed \(wall clock\)/ {print "digest: wall " $2}' "$work/digest.time"

echo "== 2. dispatch into the SMTP sink"
smtp_port="${SMTP_PORT:-2525}"
python3 bench/smtp-sink.py "$smtp_port" "$work/sink.count" &
sink=$!
for _ in $(seq 1 50); do [ -f "$work/sink.count" ] && break; sleep 0.1; done
/usr/bin/time -v "$bin" notify dispatch --smtp-url "smtp://127.0.0.1:$smtp_port" --mail-from "委员e线通 <eline@bench.example.cn>" \
    --database-url "$url" --data-dir "$work" 2>"$work/dispatch.time" || { cat "$work/dispatch.time" >&2; exit 1; }
awk -F': ' '/Maximum resident set size/ {printf "dispatch: max RSS %.0f MB\n", $2/1024}' "$work/dispatch.time"
kill "$sink"; wait "$sink" 2>/dev/null || true; sink=""
echo "the sink received $(cat "$work/sink.count") emails"

if [ "${SKIP_REMIND:-}" != 1 ]; then
    echo "== 3. reminders for $(TZ=Asia/Shanghai date +%Y-%m-%d)"
    /usr/bin/time -f "remind: %e s wall, max RSS %M KB" "$bin" notify remind --database-url "$url" --data-dir "$work"
fi

echo "== 4. the inbox of bench-member"
start_server --read-cache-ms "${READ_CACHE_MS:-1000}"
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data_dir"; cleanup' EXIT
cookie=$(browser_cookie bench-member)
token=$(api_token bench-member)
run() {
    local name="$1"; shift
    echo "== $name"
    wrk -t2 -c32 -d"$duration" --latency "$@" | grep -E 'Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors'
}
page=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://$addr/notifications")
api=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://$addr/api/v1/notifications")
# The first seconds after a start open the pool's connections (each reads the schema and fills
# its own page cache): measured apart as "cold" (WARMUP, default 3s), then the steady state.
if [ "$page" = 200 ]; then
    duration="${WARMUP:-3s}" run "cold: HTML GET /notifications, the first ${WARMUP:-3s} after the start" -H "Cookie: $cookie" "http://$addr/notifications"
    run "HTML GET /notifications (bench-member)" -H "Cookie: $cookie" "http://$addr/notifications"
else
    echo "no inbox page in this build (GET /notifications → $page)"
fi
if [ "$api" = 200 ]; then
    run "API GET /api/v1/notifications (bench-member)" -H "Authorization: Bearer $token" "http://$addr/api/v1/notifications"
else
    echo "no inbox API in this build (GET /api/v1/notifications → $api)"
fi
echo "server RSS after load: $(rss_split)"
