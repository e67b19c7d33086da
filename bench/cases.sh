#!/usr/bin/env bash
# Load benchmark of the case-status server on loopback: release build,
# `portal serve --demo` on a fresh SQLite file, then wrk (Debian's) for
#   1. lookups  POST /api/v1/cases/lookup (JSON)  — target ≥ 3,000/s, p99 ≤ 20 ms
#   2. the no-JS form  POST /cases/ (HTML)        — reported, same target
#   3. ingest   POST /api/v1/cases + …/events    — target ≥ 2,000 events/s
# The lookup rate limit is lifted with --lookups-per-minute 0, which exists
# for this benchmark only. SQLite runs as in production: WAL, synchronous=FULL.
# Usage: bench/cases.sh [SECONDS]   (default 15 s a run)
#   LOOKUP_CONNECTIONS (default 16) and INGEST_CONNECTIONS (default 64) set
#   how many clients wrk keeps busy at once.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-15}"
lconns="${LOOKUP_CONNECTIONS:-16}"
iconns="${INGEST_CONNECTIONS:-64}"
command -v wrk >/dev/null || { echo "Installing Debian's wrk"; apt-get install -y -qq wrk >/dev/null; }
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --bin portal
portal="$target/release/portal"
work=$(mktemp -d /tmp/portal-bench.XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$portal" build --content content --out "$work/dist" --public public 2>/dev/null
port=18480
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
"$portal" serve --dist "$work/dist" --content content --addr "127.0.0.1:$port" \
  --db "sqlite://$work/cases.sqlite" --secret-file "$work/secret.key" \
  --demo --lookups-per-minute 0 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do grep -q '^Serving' "$work/serve.log" && break; sleep 0.1; done
grep -q '^Serving' "$work/serve.log" || { cat "$work/serve.log"; exit 1; }
read -r CASE_NUMBER PASSWORD < <(grep -m1 '^  case number' "$work/serve.log" | awk '{print $3, $5}')
TOKEN=$(grep -m1 'Ingest token' "$work/serve.log" | awk '{print $NF}')
export CASE_NUMBER PASSWORD TOKEN
base="http://127.0.0.1:$port"
echo "== $(nproc) cores, $secs s per run, $lconns lookup / $iconns ingest connections, server on $base"

echo "== 1. Lookups (JSON API)"
wrk -t2 -c"$lconns" -d"${secs}s" --latency -s bench/lookup.lua "$base/api/v1/cases/lookup" | tee "$work/lookup.txt"
echo "== 2. Lookups (no-JS form, server-rendered HTML)"
wrk -t2 -c"$lconns" -d"${secs}s" --latency -s bench/form.lua "$base/cases/" | tee "$work/form.txt"
echo "== 3. Ingest (cases opened and events appended, each acknowledged after fsync)"
wrk -t2 -c"$iconns" -d"${secs}s" --latency -s bench/ingest.lua "$base/api/v1/cases" | tee "$work/ingest.txt"

p99() { awk '$1 == "99%" {print $2}' "$1"; }
rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
echo
echo "== Summary (targets: lookups ≥ 3000/s with p99 ≤ 20 ms; ingest ≥ 2000 events/s)"
echo "lookups (JSON): $(rps "$work/lookup.txt")/s, p99 $(p99 "$work/lookup.txt")"
echo "lookups (form): $(rps "$work/form.txt")/s, p99 $(p99 "$work/form.txt")"
grep '^ingest:' "$work/ingest.txt" | tail -1
