#!/usr/bin/env bash
# shellcheck disable=SC2016 # the backquotes in sed and awk programs below are Markdown
# Profiles one cnbudget run and prints where the time goes, per function, inclusive.
#
# Usage: scripts/profile.sh [perf|callgrind] [SIZE]
#
#   perf       (default) samples a run on SIZE reports (default 2000) with `perf record -e
#              cpu-clock` (a software clock: works in VMs without hardware counters) and DWARF
#              call graphs; prints the cnbudget functions by share of CPU samples.
#   callgrind  counts instructions of a single-threaded run on SIZE reports (default 200;
#              about 60 times slower than a normal run); prints the cnbudget functions by share
#              of instructions. Exact and repeatable, unlike the sampled profile.
#
# The corpus is the one scripts/bench.sh generates (BENCH_DIR, SEED as there). The release
# profile keeps line tables (`debug = 1` in Cargo.toml), so frames are named. Full reports are
# left in $BENCH_DIR (perf.data, callgrind.out) for `perf report` or `callgrind_annotate`.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/tmp/cnbudget-bench}
SEED=${SEED:-1}
TOOL=${1:-perf}
case "$TOOL" in
    perf) SIZE=${2:-2000} ;;
    callgrind) SIZE=${2:-200} ;;
    *) echo "usage: scripts/profile.sh [perf|callgrind] [SIZE]" >&2; exit 2 ;;
esac

cargo build --release --locked --quiet --bin cnbudget --example gen_corpus
corpus="$BENCH_DIR/corpus-$SIZE-seed$SEED"
if [ ! -f "$corpus/manifest.tsv" ]; then
    rm -rf "$corpus"
    target/release/examples/gen_corpus --n "$SIZE" --seed "$SEED" --out "$corpus" >&2
fi
out="$BENCH_DIR/profile-out"
rm -rf "$out"

# Keeps the pipeline's own frames (and the Parquet writer's entry point), the most useful
# level to read a profile at; `perf report` / `callgrind_annotate` show everything.
interesting='cnbudget::[A-Za-z_:]+|parquet::arrow::arrow_writer::ArrowWriter<W>::(write|flush|close)|blake3::hash|std::fs::read'

if [ "$TOOL" = perf ]; then
    command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
    data="$BENCH_DIR/perf.data"
    perf record -q -e cpu-clock -F 1999 --call-graph dwarf,32768 -o "$data" -- \
        target/release/cnbudget run -q -i "$corpus" -o "$out" 2>/dev/null
    echo "| CPU share (inclusive) | function |"
    echo "|---:|---|"
    perf report -i "$data" --children --sort symbol --stdio -g none --percent-limit 0.5 2>/dev/null \
        | grep -E "^ +[0-9.]+%" | grep -E "$interesting" | grep -v "{{closure}}" \
        | awk '{
            pct = $1; sub(/%/, "", pct)
            sub(/^ *[0-9.]+% +[0-9.]+% +\[[^]]+\] +/, ""); sub(/[ -]+$/, ""); sub(/ \(inlined\)$/, "")
            # perf lists a function once per inlined copy: add the copies up.
            share[$0] += pct
        } END { for (f in share) printf "| %.1f%% | `%s` |\n", share[f], f }' \
        | sort -t'|' -k2 -gr \
        | head -40
else
    command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
    data="$BENCH_DIR/callgrind.out"
    valgrind -q --tool=callgrind --callgrind-out-file="$data" \
        target/release/cnbudget run -q --jobs 1 -i "$corpus" -o "$out"
    echo "| instructions (inclusive) | function |"
    echo "|---:|---|"
    # From outside the repository: inside it, callgrind_annotate splits a function's cost
    # between relative and absolute source paths.
    (cd / && callgrind_annotate --inclusive=yes "$(realpath "$data")") 2>/dev/null \
        | grep -E "^ *[0-9,]+ \( *[0-9.]+%\) +[^ ]+:($interesting) \[" \
        | sed -E 's/^ *[0-9,]+ \( *([0-9.]+%)\) +[^ :]*:([^ ]+) \[.*$/| \1 | `\2` |/' \
        | awk '!seen[$0]++' \
        | head -40
fi
