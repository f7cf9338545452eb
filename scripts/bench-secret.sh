#!/usr/bin/env bash
# What the statistical secret costs: `rapport` (published edition: masking and its audit)
# beside `rapport --interne` (the same report without the secret), run in turn on the same
# files, on two 200-commune networks written by `exemple`:
#   - `--demandes-par-an 1000` (1 M requests: few small cells, little to hide);
#   - the default size (about 160 000 requests: many small communes, much to hide).
# Prints the median wall time of each edition and the secret's share of the published
# report's time, (published − internal) ÷ published; the target is at most 20 %.
#
#   scripts/bench-secret.sh            # 5 runs of each, in turn
#   RUNS=9 scripts/bench-secret.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
cargo build --release --quiet
binary=target/release/observatoire
work=target/bench-secret
mkdir -p "$work"
[ -d "$work/reseau-200" ] ||
  "$binary" exemple --sortie "$work/reseau-200" --communes 200 --annees 2020-2024 >/dev/null
[ -d "$work/reseau-200-1000" ] ||
  "$binary" exemple --sortie "$work/reseau-200-1000" --communes 200 --annees 2020-2024 \
    --demandes-par-an 1000 >/dev/null

# Wall seconds of one run (the report's exit code 1, rows set aside, is not a failure).
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf "%-18s %14s %14s %10s\n" "données" "publiée (s)" "interne (s)" "secret"
for data in reseau-200 reseau-200-1000; do
  published=()
  internal=()
  for _ in $(seq "$runs"); do
    published+=("$(seconds "$binary" rapport "$work/$data" --sortie "$work/publiee")")
    internal+=("$(seconds "$binary" rapport "$work/$data" --interne --sortie "$work/interne")")
  done
  p=$(printf "%s\n" "${published[@]}" | median)
  i=$(printf "%s\n" "${internal[@]}" | median)
  share=$(awk -v p="$p" -v i="$i" 'BEGIN { printf "%.0f %%", 100 * (p - i) / p }')
  printf "%-18s %14s %14s %10s\n" "$data" "$p" "$i" "$share"
done
rm -rf "$work/publiee" "$work/interne"
