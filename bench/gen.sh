#!/usr/bin/env bash
# Generates the bench committee into a database: bench/gen.sh SCALE [DATABASE_URL]
# (default URL: sqlite://bench/out/bench-SCALE.db). Uses the release binary if built.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:?usage: bench/gen.sh SCALE [DATABASE_URL]}"
url="${2:-sqlite://bench/out/bench-$scale.db}"
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/eline"
[ -x "$bin" ] || bin="$target/debug/eline"
[ -x "$bin" ] || { echo "build eline first: cargo build --release" >&2; exit 1; }
mkdir -p bench/out
echo "generator: $bin, scale $scale, database ${url%%@*}…"
start=$(date +%s.%N)
ELINE_LOG=warn "$bin" bench-data --scale "$scale" --database-url "$url"
end=$(date +%s.%N)
printf 'wall time: %.1f s\n' "$(echo "$end - $start" | bc)"
