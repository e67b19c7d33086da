#!/usr/bin/env bash
# Search benchmarks (issue 3, "Performance"); the method and the latest
# figures are in docs/benchmarks.md. For each size: generate a `portal demo`
# catalog (plus the default content/synonyms.toml), time `portal build` with
# the browser app, time the search index alone, measure the bytes and round
# trips a query needs, native and headless-Chromium latency, worker memory,
# and Pagefind and a naive substring search on the same pages. Quality
# (success@1/@5, MRR) is scored on tests/relevance.toml against content/.
#
# Usage: bench/search.sh [SIZES...]          (default: 10000 100000)
#   ROUNDS=10 COLD=5     warm rounds over the 21 queries; fresh-browser visits
#   SKIP_PAGEFIND=1      no Pagefind (at 100k it takes 10 min and 9 GB of memory)
#   SKIP_BROWSER=1       no Chromium measurements
#   OUT=bench/out/search where catalogs, sites and results go
# Run from anywhere; needs cargo. Installs, only when missing: GNU time,
# Debian's chromium and chromium-driver, the npm tools (package.json: Pagefind,
# binaryen), and the browser app in target/site (via scripts/tools).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
sizes=("$@")
[ $# -eq 0 ] && sizes=(10000 100000)
rounds=${ROUNDS:-10}
cold=${COLD:-5}
out=${OUT:-bench/out/search}
say() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

command -v cargo >/dev/null || { echo "cargo is needed (https://rustup.rs)" >&2; exit 1; }
if [ ! -x /usr/bin/time ]; then say "Installing GNU time (peak memory)"; apt_install time; fi
if [ -z "${SKIP_BROWSER:-}" ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  say "Installing Debian's chromium and chromium-driver"; apt_install chromium chromium-driver
fi
if [ -z "${SKIP_PAGEFIND:-}" ] && [ ! -x node_modules/.bin/pagefind ]; then
  command -v npm >/dev/null || { say "Installing Node.js and npm"; apt_install nodejs npm; }
  say "Installing Pagefind and binaryen from npm (pinned in package.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -f target/site/search-worker_bg.wasm ]; then
  say "Building the browser app (scripts/tools: Trunk into target/site)"
  bash scripts/tools
fi

say "Building portal and search-bench (release)"
cargo build --release --quiet -p portal-build -p portal-bench
bin=${CARGO_TARGET_DIR:-target}/release
mkdir -p "$out/results"
results=$(cd "$out/results" && pwd)
log=$results/search-$(date +%Y%m%d-%H%M%S).txt
exec > >(tee -a "$log") 2>&1
if rev=$(git rev-parse --short HEAD 2>/dev/null); then
  git diff --quiet HEAD 2>/dev/null || rev="$rev with local changes"
else
  rev="${BENCH_REV:-not a git checkout}"
fi
echo "source: $rev; $(date -Iseconds); $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB memory"
echo "chromium: $(chromium --version 2>/dev/null || echo none); pagefind: $(node_modules/.bin/pagefind --version 2>/dev/null || echo none)"

# `portal build` with the app, each output line stamped with seconds since
# the start, and the search index step's length worked out from the stamps.
timed_build() {
  local content=$1 dist=$2 start line t a="" b=""
  start=$EPOCHREALTIME
  while IFS= read -r line; do
    t=$(awk -v s="$start" -v n="$EPOCHREALTIME" 'BEGIN { printf "%.2f", n - s }')
    printf '  %7s s  %s\n' "$t" "$line"
    case $line in *"Writing the search index"*) a=$t ;; *"Rendering pages"*) b=$t ;; esac
  done < <(/usr/bin/time -f '%e %M' -o "$results/.time" "$bin/portal" build --content "$content" --out "$dist" --app target/site 2>&1)
  wait $! 2>/dev/null || true # /usr/bin/time writes its figures after the pipe closes
  [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" 'BEGIN { printf "  the \"Writing the search index\" step: %.2f s\n", b - a }'
  read -r secs kib < "$results/.time"
  echo "  portal build: ${secs} s wall, peak $((kib / 1024)) MiB (load average before: $load)"
}

pagefind() {
  local dist=$1
  /usr/bin/time -f '%e %M' -o "$results/.time" node_modules/.bin/pagefind --site "$dist" > "$results/.pagefind" 2>&1 \
    || { cat "$results/.pagefind"; return 1; }
  grep -E 'Indexed [0-9]+ (pages|words)' "$results/.pagefind" | sed 's/^ */  /'
  read -r secs kib < "$results/.time"
  echo "  pagefind --site: ${secs} s wall, peak $((kib / 1024)) MiB"
}

say "Browser code sizes"
"$bin/search-bench" --json "$results/sizes-app.json" sizes --app target/site

say "Quality on tests/relevance.toml against content/ ($(find content/items -name '*.toml' | wc -l) items)"
load=$(cut -d' ' -f1 /proc/loadavg)
timed_build content "$out/dist-content"
"$bin/search-bench" --json "$results/quality.json" quality --dist "$out/dist-content" --set tests/relevance.toml
if [ -z "${SKIP_PAGEFIND:-}" ]; then
  pagefind "$out/dist-content"
  if [ -z "${SKIP_BROWSER:-}" ]; then
    "$bin/search-bench" --json "$results/quality-pagefind.json" browser --dist "$out/dist-content" \
      --set tests/relevance.toml --no-portal --no-naive --rounds 1 --cold 1
  fi
fi

for n in "${sizes[@]}"; do
  content=$out/content-$n dist=$out/dist-$n
  say "$n items"
  if [ ! -f "$content/site.toml" ]; then
    rm -rf "$content"
    "$bin/portal" demo --items "$n" --out "$content"
  fi
  # The default dictionary every portal ships (the demo generator writes none).
  cp content/synonyms.toml "$content/"
  sync
  load=$(cut -d' ' -f1 /proc/loadavg)
  timed_build "$content" "$dist"
  say "$n items: the search index alone"
  # Three runs where they are short: a shared machine is noisy.
  "$bin/search-bench" --json "$results/index-$n.json" index --content "$content" --repeat "$([ "$n" -le 20000 ] && echo 3 || echo 1)"
  say "$n items: bytes per query"
  "$bin/search-bench" --json "$results/bytes-$n.json" bytes --dist "$dist"
  say "$n items: native latency"
  "$bin/search-bench" --json "$results/latency-$n.json" latency --dist "$dist"
  if [ -z "${SKIP_PAGEFIND:-}" ]; then
    say "$n items: Pagefind index"
    pagefind "$dist"
  fi
  "$bin/search-bench" --json "$results/sizes-$n.json" sizes --app target/site --dist "$dist"
  if [ -z "${SKIP_BROWSER:-}" ]; then
    say "$n items: headless Chromium"
    "$bin/search-bench" --json "$results/browser-$n.json" browser --dist "$dist" --rounds "$rounds" --cold "$cold"
  fi
done
rm -f "$results/.time" "$results/.pagefind"
say "Done: the log is $log, JSON beside it"
