#!/usr/bin/env bash
# Fuzzing for longer than CI does: bench/fuzz.sh [SECONDS-PER-TARGET (default 600)] [TARGET...]
# (fuzz/run.sh with a longer default).
set -euo pipefail
exec "$(dirname "$0")/../fuzz/run.sh" "${1:-600}" "${@:2}"
