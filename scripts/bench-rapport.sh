#!/usr/bin/env bash
# Benchmark of `rapport`: wall time and peak memory on sample_data and on a 200-commune
# network written by `exemple`, each beside `verifier` on the same files (the ratio says
# what the report costs on top of reading and checking).
#
#   scripts/bench-rapport.sh            # release build, both data sets
#   KEEP=1 scripts/bench-rapport.sh     # keep the generated data set in target/bench-rapport
#
# Needs GNU time (/usr/bin/time; on Debian/Ubuntu: apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
  echo "GNU time is missing: apt-get install time" >&2
  exit 2
fi
cargo build --release --quiet
binary=target/release/observatoire
work=target/bench-rapport
mkdir -p "$work"
big="$work/exemple-200"
if [ ! -d "$big" ]; then
  "$binary" exemple --sortie "$big" --communes 200 --annees 2020-2024 >/dev/null
fi

# Runs a command under GNU time; prints "seconds peak_kib".
measure() {
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || true
  local wall peak
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}')
  peak=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  rm -f "$log"
  # m:ss.cc or h:mm:ss → seconds
  echo "$wall" | awk -F: -v peak="$peak" '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f %d\n", s, peak }'
}

printf "%-22s %12s %12s %14s %14s %8s\n" "données" "verifier (s)" "rapport (s)" "verifier (Mio)" "rapport (Mio)" "ratio"
for data in sample_data "$big"; do
  read -r verify_time verify_peak < <(measure "$binary" verifier "$data")
  read -r report_time report_peak < <(measure "$binary" rapport "$data" --sortie "$work/sortie")
  ratio=$(awk -v a="$report_time" -v b="$verify_time" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "—" }')
  printf "%-22s %12s %12s %14.1f %14.1f %8s\n" "$(basename "$data")" "$verify_time" "$report_time" \
    "$(awk -v k="$verify_peak" 'BEGIN { print k / 1024 }')" "$(awk -v k="$report_peak" 'BEGIN { print k / 1024 }')" "$ratio"
done
if [ -z "${KEEP:-}" ]; then
  rm -rf "$work/sortie"
fi
