#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each on the kept corpus:
#   fuzz/run.sh [SECONDS-PER-TARGET (default 30)] [TARGET...]
# Stable Rust is enough: `cargo fuzz … -s none` (no sanitizer) needs no nightly flag. Needs
# cargo-fuzz (`cargo install cargo-fuzz --locked`). Builds once into FUZZ_TARGET_DIR (default
# /work/target-fuzz, apart from the main build); new inputs go to FUZZ_TARGET_DIR/corpus/, so
# fuzz/corpus/ only holds the kept seeds. Exits non-zero on any crash, timeout or out-of-memory,
# and prints the input that caused it (kept under fuzz/artifacts/TARGET/).
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-30}"
shift || true
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2; exit 2; }
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-/work/target-fuzz}"
if [ "$#" -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi

started=$SECONDS
cargo fuzz build -s none
echo "built in $((SECONDS - started))s"

failed=0
for target in "${targets[@]}"; do
    scratch="$CARGO_TARGET_DIR/corpus/$target"
    log="$CARGO_TARGET_DIR/fuzz-$target.log"
    mkdir -p "$scratch"
    if cargo fuzz run -s none "$target" "$scratch" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        echo "$target: ok, ${runs:-?} runs in ${seconds}s"
    else
        failed=1
        echo "$target: FAILED (log: $log)"
        tail -n 60 "$log"
        grep -E "Test unit written to|^Failing input:|artifacts/$target/" "$log" | sort -u || true
    fi
done
exit "$failed"
