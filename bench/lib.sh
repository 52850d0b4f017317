# Shared by the bench scripts (sourced, not run): the binary, wrk, a server on a database, logins.
# The caller runs `bench_args` (url, addr, duration) and may set SEARCH_DIR (a prebuilt index to reuse).

target="${CARGO_TARGET_DIR:-target}"
bin="${ELINE_BIN:-$target/release/eline}"
[ -x "$bin" ] || bin="$target/debug/eline"
[ -x "$bin" ] || { echo "build eline first: cargo build --release" >&2; exit 1; }

# bench_args DEFAULT_ADDR DEFAULT_DURATION "$@": url (the required first argument), addr (the
# second, else DEFAULT_ADDR) and duration (DURATION, else DEFAULT_DURATION); wrk installed.
bench_args() {
    local default_addr="$1" default_duration="$2"
    shift 2
    [ -n "${1:-}" ] || { echo "usage: $0 DATABASE_URL [ADDR]" >&2; exit 2; }
    url="$1"
    addr="${2:-$default_addr}"
    duration="${DURATION:-$default_duration}"
    need_wrk
}

# first_id TOKEN LIST_PATH: the id of the first item of an API list (newest first; empty if none),
# e.g. first_id "$token" /api/v1/proposals — the largest proposal id that account can list.
first_id() {
    curl -fs -H "Authorization: Bearer $1" "http://$addr$2?limit=1" | sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p'
}

need_wrk() {
    command -v wrk >/dev/null && return
    echo "installing wrk…"
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
}

# start_server [extra serve flags…]: eline serve on $url at $addr in a temporary data dir, stopped
# and cleaned up on exit. Sets data_dir, search_dir and server. Without SEARCH_DIR the server
# builds its index in the background during the run (which competes with the measurement).
start_server() {
    if curl -s -o /dev/null "http://$addr/"; then echo "something already listens on $addr: pass another ADDR" >&2; exit 1; fi
    data_dir=$(mktemp -d)
    search_dir="${SEARCH_DIR:-$data_dir/search}"
    [ -f "$search_dir/CURRENT" ] || echo "note: no search index in $search_dir; the server builds one in the background" >&2
    ELINE_LOG=${ELINE_LOG:-error} "$bin" serve --addr "$addr" --database-url "$url" --data-dir "$data_dir" --search-dir "$search_dir" "$@" 2>"$data_dir/server.log" &
    server=$!
    trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data_dir"' EXIT
    for _ in $(seq 1 100); do
        kill -0 "$server" 2>/dev/null || { echo "eline serve exited" >&2; cat "$data_dir/server.log" >&2; exit 1; }
        curl -fs "http://$addr/healthz" >/dev/null 2>&1 && return
        sleep 0.2
    done
    echo "eline serve did not answer" >&2; exit 1
}

# api_token USER: a bearer token of a bench account (password bench-pass-1).
api_token() {
    local token
    token=$(curl -fs -X POST "http://$addr/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"bench-pass-1\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
    [ -n "$token" ] || { echo "API login as $1 failed (was bench/gen.sh run on this database?)" >&2; exit 1; }
    echo "$token"
}

# browser_cookie USER: the Cookie header of a browser session (login form with its CSRF token).
browser_cookie() {
    local jar="$data_dir/cookies-$1" csrf cookie
    csrf=$(curl -fs -c "$jar" -b "$jar" "http://$addr/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -fs -o /dev/null -c "$jar" -b "$jar" -H "Origin: http://$addr" -X POST "http://$addr/login" \
        --data-urlencode "_csrf=$csrf" --data-urlencode "username=$1" --data-urlencode password=bench-pass-1
    cookie=$(awk '!/^#/ && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar"; grep '^#HttpOnly_' "$jar" | awk '{printf "; %s=%s", $6, $7}')
    echo "${cookie#; }"
}

rss_mb() { ps -o rss= -p "$server" | awk '{printf "%.0f", $1/1024}'; }

# rss_split: "N MB (heap and stacks A MB, mapped files F MB)" — mapped index and database pages
# are the kernel's to drop under memory pressure; the anonymous part is what the process holds.
rss_split() {
    awk '/^VmRSS/ {t=$2} /^RssAnon/ {a=$2} /^RssFile/ {f=$2} /^RssShmem/ {s=$2}
        END {printf "%.0f MB (heap and stacks %.0f MB, mapped files %.0f MB)", t/1024, a/1024, (f+s)/1024}' "/proc/$server/status"
}
