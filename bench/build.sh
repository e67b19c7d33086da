#!/usr/bin/env bash
# Benchmark: generate `portal demo` catalogs and time `portal build` on them,
# printing wall time and peak memory. Targets (issue 2, 2 cores):
#   10k items ≤ 10 s;  100k items ≤ 90 s and ≤ 2 GiB.
# Usage: bench/build.sh [SIZES...]   (default: 10000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-10000 100000}")
[ $# -eq 0 ] && sizes=(10000 100000)
[ -x /usr/bin/time ] || { echo "Installing GNU time to measure peak memory"; apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --bin portal
out=bench/out
mkdir -p "$out"
printf '%-8s %10s %12s %10s\n' items seconds peak_MiB pages
for n in "${sizes[@]}"; do
  rm -rf "$out/content-$n" "$out/dist-$n"
  ./target/release/portal demo --items "$n" --out "$out/content-$n" 2>/dev/null
  sync
  log=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$log.time" ./target/release/portal build --content "$out/content-$n" --out "$out/dist-$n" 2>"$log"
  read -r secs kib < "$log.time"
  pages=$(grep -o 'Built [0-9]* pages' "$log" | grep -o '[0-9]*')
  printf '%-8s %10s %12s %10s\n' "$n" "$secs" "$((kib / 1024))" "$pages"
  rm -f "$log" "$log.time"
done
