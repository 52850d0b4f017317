#!/usr/bin/env bash
# Before/after of two builds on the same machine at the same time:
#   bench/ab.sh SCRIPT ROUNDS A_BIN A_URL B_BIN B_URL
# Runs bench/SCRIPT (list.sh, detail.sh, writes.sh …) against build A on database A_URL, then
# build B on B_URL, ROUNDS times alternated, so that the machine's drift (other load, thermal,
# page cache) falls on both alike. SEARCH_DIR_A and SEARCH_DIR_B are each build's prebuilt index
# (one each: a build that writes moves its index past the other's database). Each run's
# "Requests/sec" and p99 lines are printed with the build and round; take the medians.
# Scripts that write (writes.sh) need a database copy per build.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 6 ] || { echo "usage: $0 SCRIPT ROUNDS A_BIN A_URL B_BIN B_URL" >&2; exit 2; }
script="$1" rounds="$2" a_bin="$3" a_url="$4" b_bin="$5" b_url="$6"
for round in $(seq 1 "$rounds"); do
    for side in A B; do
        if [ "$side" = A ]; then bin="$a_bin" url="$a_url" dir="${SEARCH_DIR_A:-}"; else bin="$b_bin" url="$b_url" dir="${SEARCH_DIR_B:-}"; fi
        ELINE_BIN="$bin" SEARCH_DIR="$dir" bash "bench/$script" "$url" 2>&1 \
            | grep -E '^==|Requests/sec|  99%|Non-2xx|Socket errors' \
            | sed "s/^/[$side round $round] /"
    done
done
