#!/usr/bin/env bash
# Benchmark: `portal import` of a 10,000-row implementation list (issue 13;
# aim: under 5 s on 2 cores). Generates a `portal demo` catalog, exports it
# (xlsx and CSV, 10,000 item rows plus their materials), then times:
#   1. the dry run of the xlsx export against the same content (no-op);
#   2. the dry run of the CSV export;
#   3. --apply of a CSV in which every promised limit of 5 working days became 4.
# Usage: bench/import.sh [ITEMS]   (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
cargo build --release --quiet --bin portal
out=bench/out/import-$n
rm -rf "$out" && mkdir -p "$out"
portal="${CARGO_TARGET_DIR:-target}/release/portal"
$portal demo --items "$n" --out "$out/content" 2>/dev/null
$portal export --content "$out/content" --format xlsx --out "$out/list.xlsx" 2>/dev/null
$portal export --content "$out/content" --format csv --out "$out/list.csv" 2>/dev/null
sed 's/"5 个工作日"/"4 个工作日"/g; s/,5 个工作日,/,4 个工作日,/g' "$out/list.csv" > "$out/edited.csv"
cp "$out/list-申请材料.csv" "$out/edited-申请材料.csv"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>"$out/last.log" || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
printf '%-34s %8s\n' run seconds
printf '%-34s %8s\n' "dry run, xlsx ($n rows)" "$(t $portal import "$out/list.xlsx" --content "$out/content")"
printf '%-34s %8s\n' "dry run, csv ($n rows)" "$(t $portal import "$out/list.csv" --content "$out/content")"
printf '%-34s %8s\n' "--apply, csv (edited limits)" "$(t $portal import "$out/edited.csv" --content "$out/content" --apply)"
grep -E 'added|Wrote|check' "$out/last.log" | head -3
