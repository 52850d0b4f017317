#!/usr/bin/env bash
# Imports under load: bench/import.sh [DATABASE_URL] [ADDR] [ROWS]
# A fresh demo committee (default database: a temporary SQLite file); the office imports ROWS
# (default 100,000) members from one CSV, then ROWS past proposals, while a member saves a draft
# every 200 ms (bench/import.py). Prints each import's time and how long the drafts waited.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
tmp=$(mktemp -d)
url="${1:-sqlite://$tmp/eline.db}"
addr="${2:-127.0.0.1:18361}"
rows="${3:-100000}"
start_server --demo
for kind in members history; do
    python3 bench/import.py "http://$addr" "$kind" "$rows"
done
echo "server RSS after the imports: $(rss_split)"
rm -rf "$tmp"
