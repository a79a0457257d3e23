#!/bin/sh
# Runs one fuzz target for SECONDS (default 900) on one core with the limits we use,
# keeping going after a crash (fork mode) so every distinct crash lands in fuzz/artifacts/.
# Usage: fuzz/run.sh TARGET [SECONDS] [MAX_LEN]   (after `cargo +nightly fuzz build -s none`)
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
target=$1
seconds=${2:-900}
max_len=${3:-65536}
bin=${CARGO_TARGET_DIR:-$fuzz/target}/x86_64-unknown-linux-gnu/release/$target
mkdir -p "$fuzz/corpus/$target" "$fuzz/artifacts/$target"
exec "$bin" "$fuzz/corpus/$target" \
    -dict="$fuzz/dict/$target.dict" \
    -artifact_prefix="$fuzz/artifacts/$target/" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len="$max_len" \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -print_final_stats=1
