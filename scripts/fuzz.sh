#!/usr/bin/env bash
# Coverage-guided fuzzing of the readers: runs every cargo-fuzz target of fuzz/ for MINUTES
# minutes each (default 1), one after the other, and prints each target's executions and
# the coverage reached (libFuzzer's `cov:`, the edges of the code covered).
#
#   scripts/fuzz.sh 15            # a quarter of an hour per target
#   FUZZ_SECONDS=30 scripts/fuzz.sh   # what .ci/run does: 30 s per target
#
# Needs cargo-fuzz (installed here when missing) and libFuzzer's nightly flags: the nightly
# toolchain when rustup has one, else the installed stable toolchain with RUSTC_BOOTSTRAP=1
# (both build the same targets; each keeps its own build in fuzz/target). Starts from the
# committed seeds (fuzz/seeds/, taken from the test fixtures) and the corpus grown by earlier
# runs (fuzz/corpus/, not committed). A crash leaves its input in fuzz/artifacts/<target>/:
# make it a fixture with a test, then fix the code. Set FUZZ_TARGETS to run only some.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-$(( ${1:-1} * 60 ))}
targets=${FUZZ_TARGETS:-"sheets records network populations"}
# Without a sanitizer (the fuzzed code is safe Rust; a panic, a hang or a blow-up is what is
# looked for) and with debug assertions (an integer overflow is a crash).
flags=(--sanitizer none --debug-assertions)
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi
(cd fuzz && "${fuzz[@]}" build "${flags[@]}")
logs=fuzz/logs
mkdir -p "$logs"
status=0
for target in $targets; do
  case $target in
    records) seeds=fuzz/seeds/sheets ;;
    *) seeds=fuzz/seeds/$target ;;
  esac
  mkdir -p "fuzz/corpus/$target"
  echo "== $target: ${seconds} s"
  # -jobs=1: one fuzzing process, its output in fuzz-0.log; -timeout: an input that takes
  # more than 10 s is a hang; -rss_limit_mb: one that needs more than 2 Go is a blow-up.
  if ! (cd "$logs" && "${fuzz[@]}" run --fuzz-dir ../../fuzz "${flags[@]}" "$target" \
      "../../fuzz/corpus/$target" "../../$seeds" -- \
      -max_total_time="$seconds" -jobs=1 -workers=1 -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 >/dev/null 2>&1); then
    echo "!! $target: crash, hang or blow-up: see fuzz/artifacts/$target/ and $logs/$target.log"
    status=1
  fi
  mv "$logs/fuzz-0.log" "$logs/$target.log" 2>/dev/null || true
  last=$(grep -E '^#[0-9]+' "$logs/$target.log" | tail -1 || true)
  runs=$(grep -E 'stat::number_of_executed_units' "$logs/$target.log" | tail -1 | awk '{print $2}' || true)
  echo "   $target: ${runs:-?} executions; last status: ${last:-none}"
done
exit $status
